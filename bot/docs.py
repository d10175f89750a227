"""Print the `/ready` command reference as markdown (pasted into README.md; a test checks it).

python -m bot.docs
"""

from __future__ import annotations

from commands.model import Verb
from commands.verbs import REGISTRY


def command_reference() -> str:
    groups: dict[str, list[Verb]] = {}
    for verb in REGISTRY.verbs:
        groups.setdefault(verb.group, []).append(verb)
    lines: list[str] = []
    for group, verbs in groups.items():
        lines += ["", f"#### {group}", ""]
        for verb in verbs:
            lines += _entry(verb)
    return "\n".join(lines).strip() + "\n"


def _entry(verb: Verb) -> list[str]:
    lines = [
        f"- `/ready {verb.usage}`  ",
        f"  {verb.summary}" + (f" {verb.details}" if verb.details else ""),
    ]
    if verb.examples:
        lines.append(
            "  Examples: " + " · ".join(f"`/ready {e.splitlines()[0]}`" for e in verb.examples)
        )
    if verb.aliases:
        lines.append(f"  Aliases: {', '.join(f'`{a}`' for a in verb.aliases)}")
    return lines


if __name__ == "__main__":
    print(command_reference(), end="")
