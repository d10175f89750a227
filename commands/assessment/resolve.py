"""After the pass: drafts become items, and what needs the whole document is settled.

* Categories that repeat under different parents are qualified: "Security › Logs" and
  "Observability › Logs".
* Items are finished (`drafts.finish`) and duplicates merged (`merge`).
* Next steps that only restate an item (or a category) are merged into it; the others
  are todo items.
* Scenario conditions mark the items they name (`scenarios`); a checkbox that names no
  item is an item required only in that scenario; other conditions are skipped.
* Section owners become `category_owners`; the stated readiness is the claims' score.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from commands.assessment.drafts import Draft, Section, category_of, finish
from commands.assessment.merge import merge_items, restates, subject
from commands.assessment.model import Merge, ParsedItem
from commands.assessment.roles import Role
from commands.assessment.scenarios import modality, required_scenarios
from commands.assessment.signoffs import owner_of
from storage.vocabulary import Priority

if TYPE_CHECKING:
    from commands.assessment.reader import Reader


def _qualify(sections: list[Section]) -> dict[int, str]:
    """Section id -> qualified category, for topics named under more than one parent."""
    parents: dict[str, set[str]] = {}
    for section in sections:
        parent = category_of_parent(section)
        if section.category and parent and section.item_count:
            parents.setdefault(section.category, set()).add(parent)
    return {
        id(section): f"{parent} › {section.category}"
        for section in sections
        if section.category
        and len(parents.get(section.category, ())) > 1
        and (parent := category_of_parent(section))
    }


def category_of_parent(section: Section) -> str | None:
    node = section.parent
    while node is not None:
        if node.category:
            return node.category
        node = node.parent
    return None


def resolve(reader: Reader) -> None:
    assessment = reader.assessment
    qualified = _qualify(reader.sections)
    for section in reader.sections:
        if id(section) in qualified:
            section.category = qualified[id(section)]
    items: list[ParsedItem] = []
    loose: set[int] = set()
    steps: list[Draft] = []
    conditions: list[Draft] = []
    for draft in reader.drafts:
        if draft.kind == "step" or (
            draft.loose and draft.section.role is Role.CRITICAL and not draft.checkbox
        ):
            # A blockers list without a topic of its own usually sums up items above.
            steps.append(draft)
        elif draft.kind == "condition":
            conditions.append(draft)
        else:
            item = finish(draft)
            items.append(item)
            if draft.loose:
                loose.add(id(item))
    items, merges = merge_items(items, loose)
    categories = {item.category for item in items}
    for draft in steps:
        step = finish(draft)
        target = restates(step.title, items, categories)
        if target is None:
            items.append(step)
            continue
        into = target if isinstance(target, ParsedItem) else None
        merges.append(
            Merge(
                into.title if into else str(target),
                into.line if into else 0,
                step.title,
                step.line,
                "restates",
            )
        )
        if into is not None:
            _fold(into, step)
    items += _apply_conditions(conditions, items, categories, reader)
    items.sort(key=lambda item: item.line)
    assessment.items = items
    assessment.merges = merges
    assessment.scenarios_named = tuple(
        dict.fromkeys(section.scenario for section in reader.sections if section.scenario)
    )
    for section in reader.sections:
        if section.owner and section.item_count:
            assessment.category_owners.setdefault(category_of(section), section.owner)
    for role, person in reader.signoffs:  # "Security | Noor Haddad | ✅": Security's owner
        named = owner_of(role, dict.fromkeys(item.category for item in items))
        if named is not None:
            assessment.category_owners.setdefault(named, person)
    assessment.stated_readiness = assessment.claims.stated_score()


_ORDER = [Priority.CRITICAL, Priority.HIGH, Priority.MEDIUM, Priority.LOW]


def _fold(into: ParsedItem, step: ParsedItem) -> None:
    """What a restating step adds to its item: a higher priority, notes, more evidence."""
    ranks = [p for p in (into.priority, step.priority) if p is not None]
    into.priority = min(ranks, key=_ORDER.index) if ranks else None
    into.owner = into.owner or step.owner
    into.due = into.due or step.due
    into.effort = into.effort or step.effort
    if step.notes:  # what the restatement says besides: "served over plain HTTP"
        notes = [*(into.notes or "").split("\n"), *step.notes.split("\n")]
        into.notes = "\n".join(dict.fromkeys(note for note in notes if note)) or None
    if step.evidence_items:
        into.evidence_items = tuple(dict.fromkeys(into.evidence_items + step.evidence_items))
        into.evidence = "\n".join(into.evidence_items)


_MODALITY = re.compile(
    r"\b(?:is|are|be|must|should|mandatory|optional|critical|required|needed|not|essential)\b",
    re.I,
)


def _named_item(text: str, items: list[ParsedItem]) -> ParsedItem | None:
    """The item a condition names: "SSL is MANDATORY" names "TLS certificates
    installed" (its subject is all in the condition's words); the most specific wins."""
    words = subject(_MODALITY.sub(" ", text))
    named = [item for item in items if subject(item.title) and subject(item.title) <= words]
    return max(named, key=lambda item: len(subject(item.title)), default=None)


def _apply_conditions(
    conditions: list[Draft], items: list[ParsedItem], categories: set[str], reader: Reader
) -> list[ParsedItem]:
    optional: dict[int, set[str]] = {}
    new: list[ParsedItem] = []
    for draft in conditions:
        scenario = draft.scenario or ""
        text = " ".join([draft.title, *draft.notes])
        said = modality(text)
        target = _named_item(draft.title, items)
        if target is not None:
            if said == "mandatory" and scenario not in target.critical_in:
                target.critical_in += (scenario,)
            elif said == "optional":
                optional.setdefault(id(target), set()).add(scenario)
            reader.skip("scenario conditions")
            continue
        if draft.checkbox:
            item = finish(draft)
            item.scenarios = required_scenarios(set(), {scenario})
            if said == "mandatory":
                item.critical_in = (scenario,)
            new.append(item)
            continue
        reader.skip("scenario conditions")
    for item in items:
        if id(item) in optional:
            item.scenarios = required_scenarios(optional[id(item)], set())
    return new
