"""Installing readybot into another workspace with OAuth, end to end over real HTTP.

A browser visits /slack/install, follows the "Add to Slack" link to Slack, and Slack sends it
back to /slack/oauth_redirect with a code and the state. Bolt exchanges the code through
`oauth.v2.access` (on the fake Web API), checks the bot with `auth.test`, and stores the
installation in readybot's own database. From then on that workspace's requests are answered,
and its announcements posted, with its own bot token.
"""

import json
import re
import threading
import time
from html import unescape
from typing import TypeVar
from urllib.parse import parse_qs, urlparse

import pytest
from sqlalchemy import MetaData, Table, select

from bot.oauth import BOT_SCOPES
from storage.models import Launch
from tests.bot.harness import serve
from tests.fakes.slack_api import FakeSlack
from tests.support import wait_until

CLIENT_ID = "1111111111.2222222222"
CLIENT_SECRET = "0123456789abcdef0123456789abcdef"
TEAM2_TOKEN = "xoxb-team2-token"
TEAM2_CHANNEL = "C2LAUNCH"
STATE_COOKIE = "slack-app-oauth-state"
T = TypeVar("T")

# slack_sdk (not readybot) still passes aiohttp.BasicAuth for oauth.v2.access.
pytestmark = pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")


@pytest.fixture
def fake():
    with FakeSlack(token="xoxb-test-token") as slack:
        slack.client_credentials = (CLIENT_ID, CLIENT_SECRET)
        slack.add_workspace(
            token=TEAM2_TOKEN,
            team_id="T2",
            team_name="Other Co",
            bot_user_id="UREADYBOT2",
            bot_id="BREADYBOT2",
            code="abc",
            scope=",".join(BOT_SCOPES),
        )
        yield slack


@pytest.fixture
def served(store, fake):
    # The outbox deliverer keeps polling (taking SQLite's write lock each time) throughout.
    with serve(
        store,
        fake,
        SLACK_BOT_TOKEN=None,
        SLACK_CLIENT_ID=CLIENT_ID,
        SLACK_CLIENT_SECRET=CLIENT_SECRET,
    ) as running:
        assert running.service.runtime.settings.multi_workspace
        assert running.service.runtime.settings.slack_problems() == []
        yield running


def rows(store, table_name: str, **where: str) -> list[dict]:
    table = Table(table_name, MetaData(), autoload_with=store.engine)
    query = select(table).where(*(table.c[k] == v for k, v in where.items()))
    with store.engine.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(query)]


def start_install(served) -> tuple[str, str]:
    """Visit /slack/install as a browser would: (the Slack authorize URL, the state)."""
    response = served.http.get("/slack/install", follow_redirects=False)
    if response.status_code in (301, 302, 303, 307):
        url = response.headers["location"]
    else:  # Bolt's default: a page with an "Add to Slack" link
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/html")
        match = re.search(r'href="(https://slack\.com/oauth/v2/authorize[^"]+)"', response.text)
        assert match, response.text
        url = unescape(match.group(1))
    state = parse_qs(urlparse(url).query)["state"][0]
    assert f"{STATE_COOKIE}={state}" in response.headers["set-cookie"]
    return url, state


def finish_install(served, state: str, *, code: str = "abc", cookie: str | None = None):
    """Slack's redirect back to us. The state cookie is `Secure`, which httpx keeps off plain
    http (browsers make an exception for localhost), so send it as the browser would."""
    return served.http.get(
        "/slack/oauth_redirect",
        params={"code": code, "state": state},
        headers={"Cookie": f"{STATE_COOKIE}={cookie or state}"},
        follow_redirects=False,
    )


def test_install_links_to_slack_with_our_scopes_and_a_fresh_state(served, store) -> None:
    url, state = start_install(served)
    parsed = urlparse(url)
    assert (parsed.scheme, parsed.netloc, parsed.path) == (
        "https",
        "slack.com",
        "/oauth/v2/authorize",
    )
    query = parse_qs(parsed.query)
    assert query["client_id"] == [CLIENT_ID]
    assert query["scope"][0].split(",") == BOT_SCOPES
    assert len(state) >= 16
    assert [row["state"] for row in rows(store, "slack_oauth_states")] == [state]
    _, another = start_install(served)
    assert another != state


def test_the_oauth_redirect_stores_the_installation_and_its_bot(served, store, fake) -> None:
    _, state = start_install(served)
    response = finish_install(served, state)
    assert response.status_code == 200, response.text
    exchange = fake.calls_to("oauth.v2.access")
    assert len(exchange) == 1 and exchange[0].body["code"] == "abc"
    assert exchange[0].headers["Authorization"].startswith("Basic ")
    checked = fake.calls_to("auth.test")
    assert [c.headers["Authorization"] for c in checked] == [f"Bearer {TEAM2_TOKEN}"]

    (installation,) = rows(store, "slack_installations", team_id="T2")
    assert installation["client_id"] == CLIENT_ID
    assert installation["bot_token"] == TEAM2_TOKEN
    assert installation["bot_user_id"] == "UREADYBOT2"
    assert installation["bot_id"] == "BREADYBOT2"
    assert installation["user_id"] == "U2INSTALLER"
    assert installation["bot_scopes"].split(",") == BOT_SCOPES
    assert installation["team_name"] == "Other Co"
    (bot,) = rows(store, "slack_bots", team_id="T2")
    assert (bot["bot_token"], bot["bot_user_id"], bot["bot_id"]) == (
        TEAM2_TOKEN,
        "UREADYBOT2",
        "BREADYBOT2",
    )
    assert rows(store, "slack_oauth_states") == []  # the state was used up


def test_a_redirect_with_a_forged_or_reused_state_installs_nothing(served, store, fake) -> None:
    _, state = start_install(served)
    forged = finish_install(served, "not-the-state", cookie="not-the-state")
    other_browser = finish_install(served, state, cookie="someone-elses-state")
    assert forged.status_code >= 400 and other_browser.status_code >= 400
    assert fake.calls_to("oauth.v2.access") == []
    assert finish_install(served, state).status_code == 200
    reused = finish_install(served, state)
    assert reused.status_code >= 400
    assert len(rows(store, "slack_installations")) == 1


def test_the_installed_workspace_can_start_a_launch_announced_with_its_own_token(
    served, store, fake
) -> None:
    _, state = start_install(served)
    assert finish_install(served, state).status_code == 200

    response = served.command(
        "launch new X", team_id="T2", team_domain="otherco", channel=TEAM2_CHANNEL, user="U2CAROL"
    )
    assert response.status_code == 200, response.text
    assert "X" in response.json()["text"]
    with store.read() as session:
        launch = session.execute(select(Launch).where(Launch.name == "X")).scalars().one()
        assert launch.team_id == "T2"

    posts = wait_until(
        lambda: [
            c for c in fake.calls_to("chat.postMessage") if c.body.get("channel") == TEAM2_CHANNEL
        ],
        what="the launch announcement in the T2 channel",
    )
    assert len(posts) == 1
    assert posts[0].headers["Authorization"] == f"Bearer {TEAM2_TOKEN}"
    assert "X" in posts[0].body["text"]
    assert "u2carol created the launch" in json.dumps(fake.posted(TEAM2_CHANNEL)[-1]["blocks"])


def test_a_workspace_that_never_installed_is_not_served(served, store, fake) -> None:
    response = served.command("launch new Y", team_id="T9", channel="C9")
    assert "created the launch" not in response.text
    with store.read() as session:
        assert session.execute(select(Launch)).scalars().all() == []
    assert fake.calls_to("chat.postMessage") == []


def hold_the_write_lock(store, seconds: float, held: threading.Event) -> None:
    with store.write() as session:
        session.connection()  # sessions are lazy: this issues BEGIN (IMMEDIATE on SQLite)
        held.set()
        time.sleep(seconds)


def test_an_install_completes_while_another_writer_holds_the_database(served, store, fake) -> None:
    """Any writer (the outbox deliverer takes SQLite's write lock on every poll, a command
    saving a change) may hold the database for a moment when Slack redirects the installer.
    The install must wait its turn, as readybot's own writes do, not fail. (slack_sdk's stores
    read, then write, in one transaction: on SQLite that transaction must BEGIN IMMEDIATE, or
    it fails at once with "database is locked", and consume() turns that into a 401.)"""
    _, state = start_install(served)
    held = threading.Event()
    holder = threading.Thread(target=hold_the_write_lock, args=(store, 0.3, held))
    holder.start()
    try:
        assert held.wait(5)
        response = finish_install(served, state)
    finally:
        holder.join()
    assert response.status_code == 200, response.text
    assert len(rows(store, "slack_installations", team_id="T2")) == 1
    assert len(rows(store, "slack_bots", team_id="T2")) == 1
