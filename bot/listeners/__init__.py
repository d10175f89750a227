"""Bolt listeners: the Slack edge of each command, button, modal and event."""
