"""The Slack edge: settings, the Bolt app, listeners, rendering, the HTTP server, the CLI and console."""
