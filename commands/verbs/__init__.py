"""The `/ready` command language: every verb, declared once in the group modules here.

Importing this package registers them all, in the order help lists them (so the imports
below are not sorted). Look verbs up through `REGISTRY` (by word, or by the type of a
parsed command).
"""

# ruff: noqa: I001, F401
from __future__ import annotations

from commands.verbs import status  # first: it is what `/ready` alone runs
from commands.verbs import items
from commands.verbs import launch
from commands.verbs import digest
from commands.verbs import monitor
from commands.verbs import decision
from commands.verbs import readiness
from commands.verbs import help  # last: it lists the others
from commands.model import REGISTRY, Command, DateText, Verb, VerbSpec

__all__ = ["REGISTRY", "Command", "DateText", "Verb", "VerbSpec"]
