"""Sign-off tables: "Role | Name | Signed | Date", "Approver | Area | Decision | Date".

They record who approved the launch, not work to do: their rows are never items. They are
skipped (counted as "sign-off table" lines in the preview), and a row whose role or area
names one of the document's categories ("Security | Noor Haddad | ✅") makes that person
the category's owner where no `Owner:` line names one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from commands.assessment.inline import plain_text
from commands.assessment.inline_render import Line

_SIGNED = re.compile(
    r"\b(?:sign(?:ed|ature|[- ]?off|ed[- ]off)?|approv(?:ed|al)|decision|go/no[- ]go)\b"
)
_PERSON = re.compile(r"^(?:name|names|approver|approvers|signatory|signer|approved by|signed by)$")
_ROLE = re.compile(r"^(?:role|area|function|team|department|stakeholder|discipline|on behalf of)$")
# A column of things to do makes it a checklist, whatever else it has ("Item | Team | Approved").
_WORK = re.compile(
    r"^(?:item|items|check|checks|task|tasks|requirement|control|criteria|criterion|deliverable"
    r"|activity|question|action|step|title|checklist item|test)$"
)
_HEADING = re.compile(r"\b(?:sign[- ]?offs?|approvals?|signatures?|signatories)\b", re.I)
_ROLE_WORDS = re.compile(
    r"\b(?:lead|leads|owner|manager|head|approver|sign[- ]?off|representative|team|director)\b"
)


def signoff_columns(header: list[Line], section_names: Iterable[str]) -> tuple[int, int] | None:
    """(role column, person column) of a sign-off table, -1 where it has none; None for
    any other table. A sign-off table has a person or role column and a signed /
    approval column, or stands under a "Sign-off" / "Approvals" heading."""
    keys = [" ".join(plain_text(cell.text).casefold().strip(" :*").split()) for cell in header]
    person = next((index for index, key in enumerate(keys) if _PERSON.match(key)), -1)
    role = next((index for index, key in enumerate(keys) if _ROLE.match(key)), -1)
    if (person < 0 and role < 0) or any(_WORK.match(key) for key in keys):
        return None
    signed = any(_SIGNED.search(key) for key in keys)
    if not signed and not any(_HEADING.search(name) for name in section_names):
        return None
    return role, person


def owner_of(role: str, categories: Iterable[str]) -> str | None:
    """The category a sign-off role names: "Security" or "Security lead" → "Security"."""
    said = " ".join(_ROLE_WORDS.sub(" ", role.casefold()).split())
    if not said:
        return None
    for category in categories:
        if category.casefold() == said:
            return category
    return None
