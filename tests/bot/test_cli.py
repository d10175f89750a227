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


def test_errors_show_the_cli_usage_of_the_verb(capsys) -> None:
    main(["ready", "launch", "new", "Checkout"])
    capsys.readouterr()
    assert main(["ready", "block", "nothing"]) == 1
    err = capsys.readouterr().err
    assert 'Usage: readybot ready "block <item> [reason]"' in err
    assert "/ready" not in err


def test_status_of_an_unknown_launch_shows_the_usage_of_status(capsys) -> None:
    main(["ready", "launch", "new", "Checkout"])
    capsys.readouterr()
    assert main(["ready", "status 🚀"]) == 1
    err = capsys.readouterr().err
    assert "No launch called “🚀”. Launches: Checkout." in err
    assert 'Usage: readybot ready "status [launch]' in err


def test_without_a_launch_here_the_cli_suggests_launch_and_it_works(capsys) -> None:
    main(["ready", "--channel", "C1", "launch new Checkout v2"])
    main(["ready", "--channel", "C2", "launch new Mobile"])
    capsys.readouterr()
    assert main(["ready", "--channel", "C9", "status"]) == 1
    err = capsys.readouterr().err
    assert 'readybot ready --launch "Checkout v2" --channel C9 "status"' in err
    assert "/ready launch use" not in err
    assert main(["ready", "--launch", "Checkout v2", "--channel", "C9", "status"]) == 0
    assert "Checkout v2: " in capsys.readouterr().out
    assert main(["ready", "--launch", "mob", "add Ship it"]) == 0  # a unique prefix will do
    assert main(["ready", "--channel", "C2", "list"]) == 0
    assert "Ship it" in capsys.readouterr().out
    assert main(["ready", "--launch", "Desktop", "status"]) == 1
    err = capsys.readouterr().err
    assert "--launch: No launch called “Desktop”" in err and "Usage" not in err


def test_export_without_a_launch_suggests_its_own_option(capsys) -> None:
    main(["ready", "--channel", "C1", "launch new Checkout v2"])
    main(["ready", "--channel", "C2", "launch new Mobile"])
    capsys.readouterr()
    assert main(["export", "--channel", "C9", "-o", "out.md"]) == 1
    assert (
        'readybot export --launch "Checkout v2" --channel C9 -o out.md' in capsys.readouterr().err
    )


def test_one_shot_commands_act_with_the_users_rights_unless_admin(capsys) -> None:
    main(["ready", "--user", "alice", "launch new Checkout"])
    main(["ready", "--user", "alice", "add Configure SSL key SSL"])
    capsys.readouterr()
    assert main(["ready", "--user", "bob", "waive SSL out of scope"]) == 1
    err = capsys.readouterr().err
    assert "Only the launch owner (@alice) or an admin can waive items." in err
    assert 'add --admin, readybot ready --admin --user bob "waive SSL out of scope"' in err
    assert main(["ready", "--user", "bob", "--admin", "waive SSL out of scope"]) == 0
    assert main(["ready", "--user", "alice", "reopen SSL"]) == 0  # the owner may


def test_import_acts_as_the_operator(capsys) -> None:
    main(["ready", "--user", "alice", "launch new Copy"])
    assert main(["import", str(SEED), "--launch", "Copy", "--user", "bob"]) == 0
    assert "171 new" in capsys.readouterr().out


def test_monitor_test_runs_the_check_on_the_command_line(capsys, monkeypatch) -> None:
    from tests.fakes.monitor_target import FakeTarget, Reply

    monkeypatch.setenv("READYBOT_MONITOR_ALLOW", "127.0.0.1/32")
    with FakeTarget({"/health": Reply(status=200, body=b"all ok")}) as service:
        main(["ready", "launch new Checkout"])
        assert main(["ready", f"monitor add {service.url('/health')} contains ok"]) == 0
        added = capsys.readouterr().out
        assert "Checked every 1 min; down after 3 failed checks in a row" in added
        assert main(["ready", "monitor test 1"]) == 0
        assert "checked now: ok: GET http://127.0.0.1:" in capsys.readouterr().out


def test_export_csv_and_xlsx_files_import_back_and_explain_names_each_line(capsys) -> None:
    main(["import", str(SEED)])
    assert main(["export", "--launch", "mediation platform", "-o", "plan.csv"]) == 0
    assert main(["export", "--launch", "mediation platform", "-o", "plan.xlsx"]) == 0
    assert Path("plan.xlsx").read_bytes()[:2] == b"PK"
    assert Path("plan.csv").read_text(encoding="utf-8").startswith("Key,Category,Title,Status")
    capsys.readouterr()
    assert main(["import", "plan.xlsx", "--dry-run", "--explain"]) == 0
    out = capsys.readouterr().out
    assert "Would import 171 items into plan (new launch)" in out
    assert "Every item, with the line it came from:" in out and "← AUT-1," in out
    assert main(["import", "plan.csv", "--launch", "Mediation Platform"]) == 0
    assert "0 new, 0 updated, 171 unchanged" in capsys.readouterr().out


def test_import_says_what_the_document_claims_beside_readybots_verdict(capsys) -> None:
    assert main(["import", str(SEED), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "readybot: " in out and "The document (Mon Oct 27, 2025) says 75%" in out
    assert "says 75%" in out and "Warning: readybot computes 27/100 (48 points apart)" in out


def test_gate_exits_0_for_go_1_for_no_go_and_2_for_errors(capsys) -> None:
    assert main(["ready", "--admin", "launch", "new", "Checkout"]) == 0
    assert main(["gate", "--launch", "Checkout"]) == 1  # an empty checklist is NO-GO
    assert "NO-GO: Checkout" in capsys.readouterr().out
    main(["ready", "--admin", "add", "TLS", "#Security"])
    main(["ready", "--admin", "done", "SEC-1"])
    assert main(["gate", "--launch", "Checkout"]) == 0
    assert main(["gate", "--launch", "Checkout", "--require-decision", "12"]) == 1
    assert "no GO decision recorded in the last 12 h" in capsys.readouterr().out
    assert main(["gate", "--launch", "Nope"]) == 2
    assert main(["gate", "--launch", "Checkout", "--json"]) == 0
    assert '"verdict": "GO"' in capsys.readouterr().out


def test_export_decision_writes_the_record_for_the_audit_folder(capsys) -> None:
    main(["ready", "--admin", "launch", "new", "Checkout"])
    main(["ready", "--admin", "add", "TLS", "#Security"])
    main(["ready", "--admin", "done", "SEC-1"])
    main(["ready", "--admin", "launch", "owner", "@operator"])
    assert main(["export", "--decision", "--launch", "Checkout"]) == 1  # none yet
    assert "no recorded decision" in capsys.readouterr().err
    main(["ready", "--admin", "--user", "operator", "gonogo"])
    main(["ready", "--user", "operator", "gonogo", "vote", "go"])
    assert main(["export", "--decision", "--launch", "Checkout", "-o", "decision.md"]) == 0
    record = Path("decision.md").read_text(encoding="utf-8")
    assert record.startswith("# Go/No-Go decision: Checkout")
    assert "**Decision:** GO" in record and "| SEC-1 | TLS | Security | done |" in record


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://readybot:s3cr@tpass@127.0.0.1:1/db",  # an unencoded @ in the password
        "postgresql://readybot@127.0.0.1:1/db?password=s3cr3tpass",
        "postgresql+psycopg://readybot@127.0.0.1:1/db?sslmode=disable&password=s3cr3tpass",
        "postgres://readybot:s3cr3tpass@127.0.0.1:1/db",
        "postgresql://readybot:s3cr3tpass@host:notaport/db",
        "mysql://readybot:s3cr3tpass@127.0.0.1/db",
    ],
)
def test_a_database_that_cannot_be_opened_is_named_without_its_password(
    monkeypatch, capsys, url
) -> None:
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("READYBOT_DB_CONNECT_TIMEOUT", "2")
    assert main(["db", "current"]) in (1, 2)
    err = capsys.readouterr().err
    assert "readybot:" in err and "Traceback" not in err
    for fragment in ("s3cr", "tpass", "3tpass"):
        assert fragment not in err, err


def test_export_formats_on_the_command_line_are_the_exporters() -> None:
    from bot.cli import EXPORT_FORMATS
    from commands.importing import EXPORT_FORMATS as EXPORTER_FORMATS

    assert EXPORT_FORMATS == EXPORTER_FORMATS


def test_help_imports_neither_the_orm_nor_slack() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from bot.cli import main\n"
        "try: main(['--help'])\n"
        "except SystemExit: pass\n"
        "heavy = {'sqlalchemy', 'sqlmodel', 'alembic', 'slack_sdk', 'slack_bolt', 'httpx'}\n"
        "print(sorted(heavy & set(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"
