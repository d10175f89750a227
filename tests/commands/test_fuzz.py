"""Property test: random command strings never raise, and rejected ones change nothing."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commands.replies import ErrorReply
from commands.run import INTERNAL_ERROR_PREFIX, execute
from tests.commands.helpers import fingerprint, ok
from tests.conftest import make_ctx

VERBS = [
    "status",
    "list",
    "add",
    "done",
    "block",
    "unblock",
    "reopen",
    "assign",
    "due",
    "waive",
    "note",
    "history",
    "launch",
    "launches",
    "help",
    "start",
    "priority",
    "scope",
    "remove",
    "export",
    "import",
    "frob",
    "",
]
WORDS = [
    "SSL",
    "SEC",
    "SEC-1",
    "ssl",
    "mfa",
    "backups",
    "#security",
    "!critical",
    "!x",
    "@bob",
    "<@U1|bob>",
    "me",
    "nobody",
    "due",
    "until",
    "key",
    "KEY1",
    "tomorrow",
    "dec",
    "1",
    "2026-02-30",
    "2026-12-01",
    "in",
    "2",
    "weeks",
    "if",
    "here",
    "page",
    "0",
    "new",
    "use",
    "date",
    "scenario",
    "regulated",
    "tz",
    "Mars/Olympus",
    '"',
    "“",
    "<!channel>",
    "&amp;",
    "*bold*",
    "\n",
    "- [ ]",
    "## Sec",
    "none",
    "all",
    "--dry-run",
]

command_text = st.builds(
    lambda verb, words, junk: " ".join([verb, *words]) + junk,
    st.sampled_from(VERBS),
    st.lists(st.sampled_from(WORDS), max_size=7),
    st.one_of(st.just(""), st.text(max_size=12)),
)


@settings(
    max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=command_text, as_bob=st.booleans())
def test_random_commands_never_raise_and_rejections_change_nothing(store, text, as_bob) -> None:
    owner = make_ctx("alice")
    if not fingerprint(store)[1]:
        ok(store, owner, "launch new Checkout")
        ok(store, owner, "add Configure SSL/TLS certificates #Security !critical key SSL")
        ok(store, owner, "add Enable MFA #Security")
        ok(store, owner, "add Database backups restored #Infra")
    ctx = make_ctx("bob") if as_bob else owner
    before = fingerprint(store)
    reply = execute(store, ctx, text)
    if isinstance(reply, ErrorReply):
        assert not reply.message.startswith(INTERNAL_ERROR_PREFIX), (text, reply)
        assert fingerprint(store) == before, text
