"""`readybot ready help` answered from the verbs' declarations, without the database: the
same text as the registry's `help`, which the command line still uses when it cannot."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from commands import verb_help
from commands.model import Verb
from commands.parse.text import normalise, parse, split_verb
from commands.text import clean
from commands.verbs import REGISTRY
from commands.verbs.help import Help

ROOT = Path(__file__).resolve().parents[2]
HEAVY = (
    "sqlalchemy",
    "sqlmodel",
    "alembic",
    "pydantic_settings",
    "slack_sdk",
    "slack_bolt",
    "httpx",
)


@pytest.fixture(autouse=True)
def database(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "cli.db"


def _texts() -> list[list[str]]:
    """`ready` arguments asking for help: the list, every verb and alias, typos, odd forms."""
    texts = [["help"], ["/ready help"], ["HELP  Block"], ["help\nblock"], ["help", "st"]]
    texts += [["help block extra words"], ["help frobnicate"], ["help", "blok"], ["help zzz"]]
    texts += [["--user", "bob", "--channel", "C1", "--admin", "help"], ["--team", "T9", "help"]]
    for verb in REGISTRY.verbs:
        texts += [["help", verb.name]] + [[f"help {alias.upper()}"] for alias in verb.aliases]
    return texts


def _run(args: list[str], capsys) -> tuple[int, str, str]:
    code = main(["ready", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_the_verbs_declared_are_the_registrys_in_its_order() -> None:
    assert verb_help.declared() == REGISTRY.verbs


@pytest.mark.parametrize("args", _texts(), ids=lambda args: " ".join(args))
def test_help_without_the_database_answers_as_the_registry_does(
    args, capsys, monkeypatch, database
) -> None:
    fast = _run(args, capsys)
    assert not database.exists()
    monkeypatch.setattr(verb_help, "declared", lambda: None)  # the usual path: the registry
    assert _run(args, capsys) == fast
    assert database.exists()


def test_an_unknown_verb_is_named_with_the_nearest_and_the_usage_of_help(capsys) -> None:
    assert _run(["help blok"], capsys) == (
        1,
        "",
        "✗ I don't know the command “blok”. Did you mean `block`? "
        'Type readybot ready "help" for the list.\n'
        '  Usage: readybot ready "help [command]"\n',
    )


@pytest.mark.parametrize(
    "text",
    [
        "help",
        " /ready help block",
        "/READY\u00a0Help st",
        "help\r\nblock",
        "/help",
        "?",
        "helps",
        "status help",
        "",
        "st help",
        "help" + "x" * 10,
    ],
)
def test_help_requests_are_found_as_the_parser_finds_them(text) -> None:
    try:
        asks_help = isinstance(parse(clean(text)), Help)
    except Exception:  # an unknown help topic, or no verb at all
        word = split_verb(normalise(clean(text)))[0].lstrip("/")
        asks_help = REGISTRY.find(word) is REGISTRY.find("help")
    rest = verb_help.help_request(clean(text), REGISTRY.verbs)
    assert (rest is not None) == asks_help
    if asks_help:
        assert rest == split_verb(normalise(clean(text)))[1]


def test_launch_and_overlong_text_take_the_usual_path(capsys, database) -> None:
    code, _, err = _run(["--launch", "Nowhere", "help"], capsys)
    assert code == 1 and err.startswith("✗ --launch: ")
    code, _, err = _run(["help " + "x" * 5000], capsys)
    assert code == 1 and "That is too long" in err


def _verbs_dir(path: Path, declaration: str) -> Path:
    path.mkdir()
    (path / "__init__.py").write_text("from commands.verbs import one\n")
    (path / "one.py").write_text(declaration)
    return path


def test_a_declaration_that_is_no_literal_sends_help_to_the_registry(tmp_path) -> None:
    named = _verbs_dir(tmp_path / "a", 'NAME = "one"\nREGISTRY.add(Verb(NAME, "one", "One."))\n')
    assert verb_help.declared(named) is None
    literal = _verbs_dir(tmp_path / "b", 'REGISTRY.add(Verb("one", "one", "One.", aliases=("1",)))')
    assert verb_help.declared(literal) == (Verb("one", "one", "One.", aliases=("1",)),)


def test_ready_help_imports_neither_the_orm_nor_slack_nor_the_settings(tmp_path) -> None:
    code = (
        "import sys; from bot.cli import main\n"
        "codes = [main(['ready', *a]) for a in (['help'], ['help', 'st'], ['help frobnicate'])]\n"
        f"heavy = {set(HEAVY)!r}\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in heavy)\n"
        "print(codes, loaded, file=sys.stderr)"
    )
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}  # the default: ./readybot.db
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines()[-1] == "[0, 0, 1] []"
    assert "Did you mean" not in done.stderr and "frobnicate" in done.stderr
    assert list(tmp_path.iterdir()) == []  # no database made
