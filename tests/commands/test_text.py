"""Text hygiene: what people type is stored as it reads, with nothing hidden in it."""

import pytest

from commands.run import execute_command
from commands.text import clean
from commands.verbs.items import Add, Block
from tests.commands.helpers import item, ok
from tests.conftest import make_ctx

RLO, PDF, LRI, PDI = "\u202e", "\u202c", "\u2066", "\u2069"
ZWSP, ZWJ, ZWNJ, WJ, BOM = "\u200b", "\u200d", "\u200c", "\u2060", "\ufeff"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        (f"Rotate {RLO}enod{PDF} keys", "Rotate enod keys"),
        (f"{LRI}SSL{PDI} certificate", "SSL certificate"),
        (f"Con{ZWSP}figure SSL", "Configure SSL"),
        (f"{BOM}Backups{WJ} restore", "Backups restore"),
        (f"Dev{ZWJ}Ops", "DevOps"),
        (f"a{ZWNJ}b", "ab"),
    ],
)
def test_bidirectional_overrides_and_zero_width_characters_are_stripped(typed, stored) -> None:
    assert clean(typed) == stored


@pytest.mark.parametrize(
    "kept",
    [
        f"👩{ZWJ}💻 on call",  # one emoji, not two
        f"🏳\ufe0f{ZWJ}🌈 launch",
        f"می{ZWNJ}خواهم",  # Persian needs its non-joiner
        "tabs\tand\nnewlines",
    ],
)
def test_joiners_that_do_their_job_and_layout_stay(kept) -> None:
    assert clean(kept) == kept


def test_a_typed_title_and_reason_are_stored_clean(store) -> None:
    ctx = make_ctx("alice")
    ok(store, ctx, "launch new Checkout")
    ok(store, ctx, f"add Configure {RLO}LSS{PDF} certificates key SSL")
    ok(store, ctx, f"block SSL waiting{ZWSP} on the CA")
    found = item(store, "SSL")
    assert found.title == "Configure LSS certificates"
    assert found.blocked_reason == "waiting on the CA"


def test_a_title_from_a_modal_is_cleaned_like_a_typed_one(store) -> None:
    """Modals build commands directly, without the text parser."""
    ctx = make_ctx("alice")
    ok(store, ctx, "launch new Checkout")
    execute_command(store, ctx, Add(title=f"Rotate {RLO}syek{PDF}{ZWSP}", key="ROT"))
    execute_command(store, ctx, Block(target=f"ROT {LRI}vendor{PDI} late"))
    found = item(store, "ROT")
    assert (found.title, found.blocked_reason) == ("Rotate syek", "vendor late")
