"""Docs kept honest: every /ready verb, CLI command and setting is in the README."""

from pathlib import Path

from bot.cli import build_parser
from bot.docs import command_reference
from bot.settings import Settings
from commands.verbs import REGISTRY

README = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")


def test_the_readme_holds_the_current_command_reference() -> None:
    assert command_reference() in README, "run `python -m bot.docs` and paste it into README.md"


def test_every_verb_has_help_text_and_examples() -> None:
    for verb in REGISTRY.verbs:
        assert verb.summary and verb.examples, verb.name
        assert f"/ready {verb.usage}" in README


def test_every_cli_command_is_documented() -> None:
    parser = build_parser()
    subcommands = next(a for a in parser._actions if a.dest == "command").choices
    for name in subcommands:
        assert f"readybot {name}" in README, name


def test_every_setting_is_documented() -> None:
    for field in Settings.model_fields.values():
        assert f"`{field.validation_alias}`" in README, field.validation_alias
