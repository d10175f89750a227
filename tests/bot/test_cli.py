"""The command line, run in-process against a real SQLite file."""

from pathlib import Path

import pytest

from bot.cli import main

SEED = (
    Path(__file__).parents[1] / "commands" / "data" / "seeds" / "mediation-platform-assessment.md"
)


@pytest.fixture(autouse=True)
def database(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_import_dry_run_then_import_then_status(capsys) -> None:
    assert main(["import", str(SEED), "--dry-run"]) == 0
    preview = capsys.readouterr().out
    assert "Would import 171 items into Mediation Platform (new launch)" in preview
    assert "Nothing was changed" in preview
    assert main(["import", str(SEED)]) == 0
    assert main(["ready", "status"]) == 0
    status = capsys.readouterr().out
    assert "Mediation Platform: NO-GO" in status


def test_errors_exit_non_zero_with_the_message_on_stderr(capsys) -> None:
    assert main(["ready", "launch", "new", "Checkout"]) == 0
    assert main(["ready", "done", "nothing"]) == 1
    err = capsys.readouterr().err
    assert "No item matches" in err
    assert main(["import", "missing.md"]) == 1
    assert "cannot read missing.md" in capsys.readouterr().err


def test_export_writes_markdown_that_imports_back(capsys, database) -> None:
    main(["import", str(SEED)])
    assert main(["export", "--launch", "mediation platform", "-o", "out.md"]) == 0
    assert main(["import", "out.md", "--launch", "Copy"]) == 0
    out = capsys.readouterr().out
    assert "171 new" in out
    assert main(["ready", "launches"]) == 0
    assert "Copy" in capsys.readouterr().out


def test_user_and_channel_options_act_as_someone_somewhere(capsys) -> None:
    main(["ready", "--channel", "C1", "launch", "new", "Checkout"])
    main(["ready", "--channel", "C1", "add", "Configure SSL", "key", "SSL"])
    assert main(["ready", "--user", "bob", "--channel", "C1", "done", "SSL"]) == 0
    assert "@bob marked done SSL" in capsys.readouterr().out


def test_several_workspaces_need_team(capsys) -> None:
    main(["ready", "--team", "T1", "launches"])
    main(["ready", "--team", "T2", "launches"])
    assert main(["ready", "launches"]) == 1
    assert "choose one with --team" in capsys.readouterr().err


def test_db_upgrade_reports_the_revision(capsys) -> None:
    assert main(["db", "upgrade"]) == 0
    from storage.migrate import head_revision

    assert f"database at revision {head_revision()}" in capsys.readouterr().out


def test_a_bad_setting_is_named(monkeypatch, capsys) -> None:
    monkeypatch.setenv("READYBOT_TIMEZONE", "Mars/Olympus")
    assert main(["ready", "status"]) == 2
    assert "READYBOT_TIMEZONE" in capsys.readouterr().err
