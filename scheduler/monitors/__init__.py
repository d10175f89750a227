"""Monitors: checks of what the checklist claims (HTTP health, TLS certificates, backups,
heartbeats), their up/down state, and the alerts they raise."""
