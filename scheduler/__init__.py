"""Time-driven work: digests, reminders, monitors and delivery to Slack."""
