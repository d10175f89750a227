"""The Slack app manifests and the container image say what the code expects."""

import json
import shlex
from pathlib import Path

import pytest
import yaml

from bot.oauth import BOT_SCOPES
from bot.render import ids

ROOT = Path(__file__).resolve().parent.parent
MANIFESTS = {"http": ROOT / "manifest.yml", "socket": ROOT / "manifest.socket.yml"}


def load(kind: str) -> dict:
    data = yaml.safe_load(MANIFESTS[kind].read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{MANIFESTS[kind].name} is not a YAML mapping"
    return data


def request_urls(manifest: dict) -> dict[str, str | None]:
    settings = manifest.get("settings", {})
    commands = manifest["features"]["slash_commands"]
    return {
        "slash command": next(c for c in commands if c["command"] == "/ready").get("url"),
        "interactivity": settings.get("interactivity", {}).get("request_url"),
        "event subscriptions": settings.get("event_subscriptions", {}).get("request_url"),
    }


@pytest.mark.parametrize("kind", MANIFESTS)
def test_the_manifest_declares_ready_escaped_interactivity_and_the_home_tab(kind: str) -> None:
    manifest = load(kind)
    (ready,) = [c for c in manifest["features"]["slash_commands"] if c["command"] == "/ready"]
    assert ready["should_escape"] is True
    assert ready["description"] and ready["usage_hint"]
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert "app_home_opened" in manifest["settings"]["event_subscriptions"]["bot_events"]
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert manifest["features"]["bot_user"]["display_name"]


@pytest.mark.parametrize("kind", MANIFESTS)
def test_the_manifest_asks_for_exactly_the_scopes_the_oauth_flow_requests(kind: str) -> None:
    assert load(kind)["oauth_config"]["scopes"]["bot"] == BOT_SCOPES


def test_the_http_manifest_sends_everything_to_slack_events_and_oauth_back_to_the_redirect():
    manifest = load("http")
    assert manifest["settings"]["socket_mode_enabled"] is False
    urls = request_urls(manifest)
    for what, url in urls.items():
        assert url and url.startswith("https://"), f"{what}: {url!r}"
        assert url.endswith("/slack/events"), f"{what}: {url!r}"
    assert len(set(urls.values())) == 1, "all three request URLs should be the same endpoint"
    (redirect,) = manifest["oauth_config"]["redirect_urls"]
    assert redirect.startswith("https://") and redirect.endswith("/slack/oauth_redirect")


def test_the_socket_mode_manifest_enables_socket_mode_and_has_no_urls() -> None:
    manifest = load("socket")
    assert manifest["settings"]["socket_mode_enabled"] is True
    assert request_urls(manifest) == {
        "slash command": None,
        "interactivity": None,
        "event subscriptions": None,
    }
    assert "redirect_urls" not in manifest["oauth_config"]
    assert "://" not in json.dumps(manifest), "a Socket Mode app needs no public URL"


def test_both_manifests_describe_the_same_app() -> None:
    http, socket = load("http"), load("socket")
    assert http["features"]["app_home"] == socket["features"]["app_home"]
    assert http["features"]["bot_user"] == socket["features"]["bot_user"]
    strip = [{k: v for k, v in c.items() if k != "url"} for c in http["features"]["slash_commands"]]
    assert strip == socket["features"]["slash_commands"]
    assert (
        http["settings"]["event_subscriptions"]["bot_events"]
        == socket["settings"]["event_subscriptions"]["bot_events"]
    )


@pytest.mark.parametrize("kind", MANIFESTS)
def test_the_manifest_declares_the_add_to_checklist_message_shortcut(kind: str) -> None:
    (shortcut,) = load(kind)["features"]["shortcuts"]
    assert shortcut["type"] == "message"
    assert shortcut["callback_id"] == ids.SHORTCUT_ADD_MESSAGE
    assert shortcut["name"] == "Add to launch checklist"
    assert len(shortcut["name"]) <= 24 and 0 < len(shortcut["description"]) <= 80


@pytest.mark.parametrize("kind", MANIFESTS)
def test_the_manifest_subscribes_to_reactions_and_links_with_the_scopes_they_need(
    kind: str,
) -> None:
    manifest = load(kind)
    events = manifest["settings"]["event_subscriptions"]["bot_events"]
    assert {"reaction_added", "link_shared"} <= set(events)
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    # reading the reacted message: public and private channels
    assert {"reactions:read", "channels:history", "groups:history"} <= scopes
    assert {"links:read", "links:write"} <= scopes  # link_shared, chat.unfurl


@pytest.mark.parametrize("kind", MANIFESTS)
def test_the_manifest_names_the_domain_whose_links_unfurl(kind: str) -> None:
    (domain,) = load(kind)["features"]["unfurl_domains"]
    assert "://" not in domain and "/" not in domain and "." in domain


def test_both_manifests_declare_the_same_shortcuts_and_unfurl_domains() -> None:
    http, socket = load("http"), load("socket")
    assert http["features"]["shortcuts"] == socket["features"]["shortcuts"]
    assert http["features"]["unfurl_domains"] == socket["features"]["unfurl_domains"]


# -- the container image ---------------------------------------------------------------------
def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, with continuation lines joined and comments dropped."""
    logical: list[str] = []
    pending = ""
    for raw in (ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1].strip() + " "
            continue
        logical.append(pending + line)
        pending = ""
    if pending:
        logical.append(pending.strip())
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in logical]


def final_stage() -> list[tuple[str, str]]:
    instructions = dockerfile_instructions()
    starts = [i for i, (name, _) in enumerate(instructions) if name == "FROM"]
    assert starts, "no FROM in the Dockerfile"
    return instructions[starts[-1] :]


def exec_form(args: str) -> list[str]:
    """CMD/ENTRYPOINT arguments as a list: JSON (exec form) or shell form."""
    args = args.strip()
    return json.loads(args) if args.startswith("[") else ["sh", "-c", args]


def test_the_image_healthcheck_asks_healthz() -> None:
    (healthcheck,) = [args for name, args in final_stage() if name == "HEALTHCHECK"]
    assert "CMD" in healthcheck.split()
    probe = healthcheck.split("CMD", 1)[1]
    assert "/healthz" in probe
    assert "PORT" in probe, "the probe should follow the PORT the server listens on"


def test_the_image_migrates_the_database_before_serving() -> None:
    cmds = [args for name, args in final_stage() if name == "CMD"]
    assert cmds, "no CMD in the final stage"
    argv = exec_form(cmds[-1])
    script = argv[-1] if argv[:2] == ["sh", "-c"] else shlex.join(argv)
    steps = [step.strip() for step in script.split("&&")]
    assert len(steps) == 2, script
    assert shlex.split(steps[0]) == ["readybot", "db", "upgrade"]
    serve = shlex.split(steps[1])
    assert serve[-2:] == ["readybot", "serve"] and serve[:-2] in ([], ["exec"]), script


def test_the_image_runs_as_a_non_root_user() -> None:
    stage = final_stage()
    users = [(i, args.strip()) for i, (name, args) in enumerate(stage) if name == "USER"]
    assert users, "the final stage never switches USER, so it runs as root"
    index, user = users[-1]
    name = user.split(":", 1)[0]
    assert name not in ("root", "0"), user
    cmd_index = max(i for i, (n, _) in enumerate(stage) if n == "CMD")
    assert index < cmd_index, "USER must come before CMD to apply to it"
    created = " ".join(args for n, args in stage if n == "RUN")
    assert "useradd" in created and name in created, f"user {name!r} is never created"
