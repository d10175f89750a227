"""Daily digests and overdue reminders: what a launch channel and its people hear each day.

`gather` and `compose` read the database; everything else here is pure: `model` (the
data), `context` (what templates see), `templating` / `templates` (the Jinja2 templates and
their loader), `blockify` (template output → Block Kit), `render` (digests, reminders),
`reminder`, `chart` (the weekly PNG), `sparkline`, `ids` (reminder action ids).
"""
