import pytest

from commands.errors import UsageError
from commands.model import DateText
from commands.parse.text import parse
from commands.verbs.items import Add, Assign, Due, ListItems, Waive
from commands.verbs.launch import Import, LaunchNew
from commands.verbs.status import Status
from storage.vocabulary import ItemFilter, Priority


def test_empty_text_means_status() -> None:
    assert parse("") == Status()


def test_the_slash_command_prefix_is_optional() -> None:
    assert parse("/ready status here") == Status(here=True)


def test_status_if_takes_several_items() -> None:
    assert parse("status if SSL, BAA and configure dns") == Status(
        what_if=("SSL", "BAA", "configure dns")
    )


def test_add_reads_every_option_anywhere() -> None:
    command = parse(
        "add Configure SSL/TLS certificates #security !critical <@U123|alice> due dec 1 key SSL"
    )
    assert command == Add(
        title="Configure SSL/TLS certificates",
        category="security",
        priority=Priority.CRITICAL,
        owner="U123",
        due=DateText("dec 1"),
        key="SSL",
    )


def test_add_keeps_words_that_only_look_like_options_in_the_title() -> None:
    assert (
        parse("add Review due diligence key material").title == "Review due diligence key material"
    )


def test_add_accepts_a_quoted_title_and_a_quoted_category() -> None:
    command = parse('add "Rotate key SSL" #"Data Privacy" !h')
    assert (command.title, command.category, command.priority) == (
        "Rotate key SSL",
        "Data Privacy",
        Priority.HIGH,
    )


def test_due_finds_the_date_at_the_end() -> None:
    assert parse("due configure ssl next friday") == Due("configure ssl", DateText("next friday"))


def test_due_none_clears_the_date() -> None:
    assert parse("due SSL none") == Due("SSL", None)


def test_waive_reads_until() -> None:
    assert parse("waive PEN accepted by CISO until jan 15") == Waive(
        "PEN accepted by CISO", DateText("jan 15")
    )


def test_assign_reads_mentions_me_and_nobody() -> None:
    assert parse("assign SSL <@U9>") == Assign("SSL", "U9")
    assert parse("assign SSL me") == Assign("SSL", "me")
    assert parse("assign SSL nobody") == Assign("SSL", None)


def test_list_filters() -> None:
    assert parse("list") == ListItems()
    assert parse("list blocked") == ListItems(ItemFilter.BLOCKED)
    assert parse("list critical") == ListItems(ItemFilter.PRIORITY, "critical")
    assert parse("list @bob") == ListItems(ItemFilter.OWNER, "bob")
    assert parse("list Data Privacy page 2") == ListItems(ItemFilter.CATEGORY, "Data Privacy", 2)


def test_launch_new_reads_its_options() -> None:
    assert parse(
        "launch new Checkout v2 date dec 1 scenario regulated tz Europe/London"
    ) == LaunchNew("Checkout v2", DateText("dec 1"), "regulated", "Europe/London")


def test_import_keeps_the_markdown_lines() -> None:
    assert parse("import --dry-run\n## Security\n- [ ] SSL") == Import(
        "## Security\n- [ ] SSL", True
    )


@pytest.mark.parametrize(
    ("text", "verb", "fragment"),
    [
        ("frobnicate", "help", "/ready help"),
        ("stauts", "help", "Did you mean `status`"),
        ("don SSL", "help", "`done`"),
        ("done", "done", "needs an item"),
        ("add #security !high", "add", "needs a title"),
        ("add x !urgent", "add", "not a priority"),
        ("add x !high !low", "add", "once"),
        ("due SSL someday", "due", "could not find a date"),
        ("waive SSL", "waive", "needs a reason"),
        ("waive SSL risk accepted until whenever", "waive", "not a date"),
        ("assign SSL bob", "assign", "not a person"),
        ("launch new", "launch", "needs a name"),
        ("launch tz Mars/Olympus", "launch", "not a timezone"),
        ("launch scenario cloudy", "launch", "not a scenario"),
        ("launch fly", "launch", "not something I know"),
        ('block "SSL waiting', "block", "unclosed quote"),
        ("list all page zero", "list", "not a page number"),
        ("priority SSL urgent", "priority", "not a priority"),
        ("scope SSL cloudy", "scope", "not a scenario"),
        ("import", "import", "markdown"),
        ("help frobnicate", "help", "don't know"),
    ],
)
def test_malformed_input_names_the_problem_and_the_verb(
    text: str, verb: str, fragment: str
) -> None:
    with pytest.raises(UsageError) as err:
        parse(text)
    assert err.value.usage_verb == verb
    assert fragment.lower() in err.value.message.lower()
