"""Action and block ids of the overdue-item reminder DM, and the formats of their values.

The Bolt listeners match on these constants; nothing else in readybot should spell them.

- `reminder_done` (button): value `"<item id>"`, e.g. `"42"`.
- `reminder_snooze` (static select): option values `"<item id>:<days>"`, days one of
  `SNOOZE_DAYS`, e.g. `"42:3"`; read it with `parse_snooze`.
- Each item's actions block has block_id `reminder:<item id>` (unique within a message).
"""

from __future__ import annotations

ACTION_REMINDER_DONE = "reminder_done"
ACTION_REMINDER_SNOOZE = "reminder_snooze"
BLOCK_REMINDER_PREFIX = "reminder:"
SNOOZE_DAYS: tuple[tuple[int, str], ...] = ((1, "1 day"), (3, "3 days"), (7, "1 week"))


def snooze_value(item_id: int, days: int) -> str:
    return f"{item_id}:{days}"


def parse_snooze(value: str) -> tuple[int, int]:
    """`"42:3"` → `(42, 3)`; ValueError unless the days are one of `SNOOZE_DAYS`."""
    item, _, days = value.partition(":")
    if not item.isdigit() or not days.isdigit() or int(days) not in dict(SNOOZE_DAYS):
        raise ValueError(f"not a snooze value: {value!r}")
    return int(item), int(days)
