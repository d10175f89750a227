"""What a user can ask: `/ready ...` text parsed into typed commands, run against storage,
answered with reply models. Nothing here imports Slack."""
