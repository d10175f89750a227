"""The verbs' help without the verbs: read from their declarations, not imported. Pure.

The verb modules (commands.verbs) import their handlers, and so storage and SQLModel: half
a second before the first line of help. `readybot ready help` answers from `declared()`
instead, which evaluates each `Verb(...)` written in commands/verbs/*.py as a literal, in
the order commands/verbs/__init__.py imports the modules, that is the order they register
in. The declarations stay the one source: a test keeps `declared()` equal to
`REGISTRY.verbs`, and a declaration that is not a literal (a name, an f-string, a call)
makes `declared()` None, so that the caller falls back to the registry rather than guess.

`topic` and `unknown_verb_message` are what `help` parses with, shared by the verb itself
(commands.verbs.help) and the command line; `normalise` and `split_verb` find the verb word
for both this module's `help_request` and the parser (commands.parse.text).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from pathlib import Path

from commands.errors import UsageError
from commands.model import Verb

VERBS_DIR = Path(__file__).resolve().parent / "verbs"
_PACKAGE = "commands.verbs"


@cache
def declared(verbs_dir: Path = VERBS_DIR) -> tuple[Verb, ...] | None:
    """Every verb's help as declared, in registry order; None when a declaration is not a
    literal or a module cannot be read (an install without sources)."""
    try:
        found: list[Verb] = []
        for module in _modules(verbs_dir):
            found += _verbs_in((verbs_dir / f"{module}.py").read_text(encoding="utf-8"))
        return tuple(found)
    except (OSError, SyntaxError, ValueError, TypeError):
        return None


def find(verbs: Iterable[Verb], word: str) -> Verb | None:
    """The verb a word names (its name or an alias, any case), as `Registry.find`."""
    word = word.lower()
    return next((v for v in verbs if word == v.name or word in v.aliases), None)


def normalise(text: str) -> str:
    """Typed text as the parser reads it: one kind of line break and space, `/ready` off."""
    text = text.replace("\r\n", "\n").replace("\u00a0", " ").strip()
    if text.lower().startswith("/ready"):
        text = text[len("/ready") :].strip()
    return text


def split_verb(text: str) -> tuple[str, str]:
    """(the verb word, the rest); a verb may be followed by a newline ("import\\n## …")."""
    verb_word, _, rest = text.partition(" ")
    if "\n" in verb_word:
        verb_word, _, tail = verb_word.partition("\n")
        rest = tail + (" " + rest if rest else "")
    return verb_word, rest.strip()


def help_request(text: str, verbs: Iterable[Verb]) -> str | None:
    """The text after the verb word when `text`, cleaned and as typed after `/ready`, asks for
    help (`help block`, `/ready HELP`); None when it asks for anything else."""
    word, rest = split_verb(normalise(text))
    verb = find(verbs, word.lstrip("/")) if word else None
    return rest if verb is not None and verb.name == "help" else None


def topic(rest: str, find: Callable[[str], Verb | None], names: Iterable[str]) -> str | None:
    """The verb `help <rest>` asks about (its name), None for the list; UsageError for a
    word that names none."""
    if not rest:
        return None
    word = rest.split()[0].lower()
    verb = find(word)
    if verb is None:
        raise UsageError(unknown_verb_message(word, names), usage_verb="help")
    return verb.name


def unknown_verb_message(word: str, names: Iterable[str]) -> str:
    """The answer to a word that is no verb, with the nearest of `names` if one is near."""
    from rapidfuzz import process

    shown = word[:30]
    best = process.extractOne(word.lower(), list(names), score_cutoff=75)
    hint = f" Did you mean `{best[0]}`?" if best else ""
    return f"I don't know the command “{shown}”.{hint} Type `/ready help` for the list."


def _modules(verbs_dir: Path) -> Iterator[str]:
    """The verb modules `commands/verbs/__init__.py` imports, in its order."""
    tree = ast.parse((verbs_dir / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module == _PACKAGE:
            yield from (alias.name for alias in node.names)


def _verbs_in(source: str) -> Iterator[Verb]:
    """The `Verb(...)` calls of a module's top-level statements, in source order. Function
    and class bodies are skipped: what they build is not declared at import."""
    for statement in ast.parse(source).body:
        if isinstance(statement, ast.FunctionDef | ast.ClassDef | ast.Import | ast.ImportFrom):
            continue
        calls = [
            node
            for node in ast.walk(statement)
            if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "Verb"
        ]
        for call in sorted(calls, key=lambda c: (c.lineno, c.col_offset)):
            yield Verb(
                *(ast.literal_eval(arg) for arg in call.args),
                **{str(kw.arg): ast.literal_eval(kw.value) for kw in call.keywords},
            )
