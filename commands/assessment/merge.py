"""The same item said several times in one document becomes one item.

Generated assessments say things twice: a status-table row "HTTPS/SSL ❌", a critical
issue "SSL/TLS Not Configured", a next step "Configure SSL/TLS certificates". Each title
is reduced to its *subject*: content words, crudely stemmed, with synonyms folded
(https / ssl / tls / certificates are one subject) and status words, verbs of doing
("configure", "add", "set up") and filler dropped. Two statements merge when

* their subjects are the same word set, or their subjects without parentheticals are
  (and have two words at least: "AWS BAA" and "AWS BAA (Business Associate Agreement)"),
  or rapidfuzz's token-sort ratio of the subjects is at least 95 (typos, spelling);
* and the category allows it: the same category, or one of the two is stated in a
  section that has no topic of its own (critical issues, next steps, a summary table),
  since two topical sections that both list "SSL" track it separately on purpose.

Near misses ("Database backups" / "Database backup restore test") stay apart. The merged
item keeps the highest priority, the most specific title (the most subject words, then
the longest), every note and piece of evidence, and the first stated status, except that
blocked wins (it carries a reason). Next steps and scenario conditions use `restates`:
a step whose subject is covered by an item's (or a category's) subject adds nothing.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz

from commands.assessment.identity import import_ref
from commands.assessment.model import Merge, ParsedItem
from storage.vocabulary import Priority, Status

_SYNONYMS = {
    "https": "tls",
    "ssl": "tls",
    "tls": "tls",
    "certificate": "tls",
    "certificat": "tls",
    "databas": "database",
    "cert": "tls",
    "db": "database",
    "auth": "authentication",
    "authn": "authentication",
    "login": "authentication",
    "monitor": "monitor",
    "alert": "alert",
    "backup": "backup",
    "log": "log",
    "logg": "log",
    "env": "environment",
    "config": "configuration",
    "2fa": "mfa",
}
_DROP = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "for",
        "to",
        "and",
        "or",
        "in",
        "on",
        "at",
        "by",
        "with",
        "from",
        "is",
        "are",
        "be",
        "been",
        "being",
        "not",
        "no",
        "none",
        "yet",
        "any",
        "all",
        "our",
        "your",
        "its",
        "it",
        "this",
        "that",
        "these",
        "those",
        "via",
        "per",
        "into",
        "using",
        "use",
        "configure",
        "configured",
        "configuring",
        "set",
        "setup",
        "up",
        "add",
        "added",
        "adding",
        "enable",
        "enabled",
        "implement",
        "implemented",
        "implementing",
        "create",
        "created",
        "make",
        "ensure",
        "verify",
        "verified",
        "test",
        "tested",
        "run",
        "complete",
        "completed",
        "completing",
        "finish",
        "fix",
        "fixed",
        "do",
        "done",
        "get",
        "review",
        "update",
        "install",
        "installed",
        "deploy",
        "deployed",
        "basic",
        "final",
        "proper",
        "properly",
        "missing",
        "pending",
        "todo",
        "needed",
        "need",
        "needs",
        "required",
        "require",
        "must",
        "should",
        "could",
        "will",
        "have",
        "has",
        "ready",
        "working",
        "incomplete",
        "partial",
        "partially",
        "status",
        "issue",
        "issues",
        "perform",
        "performed",
    ]
)
_WORD = re.compile(r"[^\W_]+")
_PAREN = re.compile(r"\([^()]*\)")
_ORDER = [Priority.CRITICAL, Priority.HIGH, Priority.MEDIUM, Priority.LOW]


def _stem(word: str) -> str:
    if word in _SYNONYMS:
        return _SYNONYMS[word]
    for suffix in ("ing", "es", "s", "ed"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            word = word[: -len(suffix)]
            break
    return _SYNONYMS.get(word, word)


# "Load test", "restore testing": after a noun, "test" is the thing, not the verb.
_NOUN_TEST = frozenset({"test", "tests", "testing"})


@lru_cache(maxsize=8192)
def subject(title: str) -> frozenset[str]:
    """The content words of a title, stemmed, synonyms folded."""
    words: set[str] = set()
    previous = ""
    for word in _WORD.findall(title.casefold()):
        if word in _NOUN_TEST and previous and previous not in _DROP:
            words.add("test_")
        elif word not in _DROP:
            words.add(_stem(word))
        previous = word
    return frozenset(words) - _DROP


def _same(a: ParsedItem, b: ParsedItem, loose: set[int]) -> bool:
    if a.category != b.category and id(a) not in loose and id(b) not in loose:
        return False
    if a.category == b.category and _ref(a.category, a.title) == _ref(b.category, b.title):
        return True
    sa, sb = subject(a.title), subject(b.title)
    if not sa or not sb or _numbers(a.title) != _numbers(b.title):
        return False  # "Task 1-2" and "Task 1-3", "Phase 1" and "Phase 2" are different
    if sa == sb:
        return True
    pa, pb = _bare_subject(a.title), _bare_subject(b.title)
    if pa and pa == pb and len(pa) >= 2:
        return True
    if not sa & sb:
        return False  # no word in common: not even a near miss
    # Typos and spelling variants only: "Automated build" and "Automatic build" (88) are
    # two checks.
    return fuzz.token_sort_ratio(_sorted(sa), _sorted(sb)) >= 95


@lru_cache(maxsize=8192)
def _bare_subject(title: str) -> frozenset[str]:
    return subject(_PAREN.sub(" ", title))


@lru_cache(maxsize=8192)
def _sorted(words: frozenset[str]) -> str:
    return " ".join(sorted(words))


def restates(title: str, items: list[ParsedItem], categories: set[str]) -> ParsedItem | str | None:
    """The item (or category name) a next step only restates, or None if it says more.

    The same subject as an item first, then a category the step's words all name ("Set
    up authentication" restates the category "Authentication"), then an item whose
    subject covers the step's."""
    words = subject(title)
    if not words:
        return None
    keyed = [item for item in items if item.key and item.key in title]
    for item in keyed:
        # "Add a degraded mode for DB outages (A3)": a step that names an item's id.
        if re.search(rf"(?<![\w-]){re.escape(item.key or '')}(?![\w-])", title):
            return item
    for item in items:
        if subject(item.title) == words:
            return item
    for category in sorted(categories):
        other = subject(category.split(" › ")[-1])
        if other and words <= other:
            return category
    for item in items:
        other = subject(item.title)
        if other and (words <= other or (other <= words and len(other) >= 2)):
            return item
    for item in items:
        # "Speed up the index rebuild" restates "Index rebuild takes 6 hours": two words
        # in common and at least two thirds of the shorter subject. A title of one word
        # ("**Alerting**: no on-call routing") says the rest in its first note.
        other = subject(item.title)
        if len(other) == 1 and other <= words and item.notes:
            other = other | subject(item.notes.split("\n")[0])
        common = len(words & other)
        if common >= 2 and common * 3 >= 2 * min(len(words), len(other)):
            return item
    return _restates_with_notes(words, items)


def _restates_with_notes(words: frozenset[str], items: list[ParsedItem]) -> ParsedItem | None:
    """The item a step names by its title and describes in the item's own notes: "Configure
    TLS certificates on the load balancer" restates "HTTPS/TLS" whose note says "served over
    plain HTTP behind the load balancer". A title word in common, three words in common
    with title and notes, and they make at least half the step's subject."""
    best, best_common = None, 0
    for item in items:
        title = subject(item.title)
        if not title & words or not item.notes:
            continue
        common = len(words & (title | subject(" ".join(item.notes.split("\n")[:3]))))
        if common >= 3 and 2 * common >= len(words) and common > best_common:
            best, best_common = item, common
    return best


@lru_cache(maxsize=8192)
def _numbers(title: str) -> tuple[str, ...]:
    return tuple(re.findall(r"\d+", title))


@lru_cache(maxsize=8192)
def _ref(category: str, title: str) -> str:
    return import_ref(category, title)


def _specific(item: ParsedItem) -> tuple[int, int]:
    return len(subject(item.title)), len(item.title)


def merge_items(items: list[ParsedItem], loose: set[int]) -> tuple[list[ParsedItem], list[Merge]]:
    """One item per statement of it. `loose`: ids of the items stated in sections without
    a topic of their own (critical issues, next steps, summary tables), which may merge
    with an item of any category."""
    kept: list[ParsedItem] = []
    merged_from: dict[int, list[ParsedItem]] = {}
    # Only statements sharing a subject word (or the same import ref) can be the same
    # item, so each one is compared with those few instead of with every item so far;
    # and only those with the same numbers: "Task 1" and "Task 2" differ. (Indexing by
    # word alone made a long document quadratic: "check" or "service" is in every title.)
    by_subject: dict[tuple[tuple[str, ...], str], list[int]] = {}
    by_ref: dict[str, list[int]] = {}
    by_key: dict[str, int] = {}
    for item in items:
        if item.key is not None:
            # A keyed item (an id the document gives) is its own, said again only under
            # its id: a findings table row and the finding's own section.
            key = item.key.casefold()
            if key in by_key:
                merged_from.setdefault(id(kept[by_key[key]]), []).append(item)
                continue
            by_key[key] = len(kept)
            kept.append(item)
            continue
        words = subject(item.title) | _bare_subject(item.title)
        ref = _ref(item.category, item.title)
        numbers = _numbers(item.title)
        seen = {index for word in words for index in by_subject.get((numbers, word), ())}
        seen.update(by_ref.get(ref, ()))
        target = next(
            (kept[index] for index in sorted(seen) if _same(kept[index], item, loose)), None
        )
        if target is not None:
            merged_from.setdefault(id(target), []).append(item)
            continue
        for word in words:
            by_subject.setdefault((numbers, word), []).append(len(kept))
        by_ref.setdefault(ref, []).append(len(kept))
        kept.append(item)
    result, merges = [], []
    for item in kept:
        others = merged_from.get(id(item), [])
        combined = _combine(item, others) if others else item
        result.append(combined)
        group = [item, *others]
        best = max(group, key=_specific) if others else item
        merges += [
            Merge(combined.title, combined.line, other.title, other.line, "same item")
            for other in group
            if other is not best
        ]
    return result, merges


def _combine(first: ParsedItem, others: list[ParsedItem]) -> ParsedItem:
    group = [first, *others]
    best = max(group, key=_specific)
    priorities = [i.priority for i in group if i.priority is not None]
    status = next((i.status for i in group if i.status is Status.BLOCKED), first.status)
    notes = list(dict.fromkeys(n for i in group if i.notes for n in i.notes.split("\n")))
    evidence = tuple(dict.fromkeys(e for i in group for e in i.evidence_items))

    def first_of(name: str) -> Any:
        return next((getattr(i, name) for i in group if getattr(i, name) is not None), None)

    return replace(
        first,
        title=best.title,
        category=first.category,
        status=status,
        priority=min(priorities, key=_ORDER.index) if priorities else None,
        owner=first_of("owner"),
        due=first_of("due"),
        effort=first_of("effort"),
        notes="\n".join(notes) or None,
        evidence="\n".join(evidence) or None,
        evidence_items=evidence,
        blocked_reason=first_of("blocked_reason") if status is Status.BLOCKED else None,
        depends_on=tuple(dict.fromkeys(d for i in group for d in i.depends_on)),
        critical_in=tuple(dict.fromkeys(c for i in group for c in i.critical_in)),
    )
