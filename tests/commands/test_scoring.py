from datetime import date

from commands.scoring import (
    Concerns,
    ItemBrief,
    Tally,
    assume_done,
    forecast,
    score,
    verdict,
)
from storage.vocabulary import Priority, Status


def test_done_and_waived_items_count_weighted_by_priority() -> None:
    result = score(
        [
            Tally("Security", Priority.CRITICAL, Status.DONE, 1),  # 5
            Tally("Security", Priority.LOW, Status.TODO, 1),  # 1
            Tally("Testing", Priority.MEDIUM, Status.WAIVED, 1),  # 2
            Tally("Testing", Priority.HIGH, Status.BLOCKED, 1),  # 3
        ]
    )
    assert result.percent == 63  # 7 of 11, rounded down
    assert [(c.category, c.percent, c.ready, c.total) for c in result.categories] == [
        ("Security", 83, 1, 2),
        ("Testing", 40, 1, 2),
    ]


def test_an_expired_waiver_counts_as_open() -> None:
    result = score([Tally("Ops", Priority.HIGH, Status.WAIVED, 2, expired_waiver=True)])
    assert (result.percent, result.ready, result.open) == (0, 0, 2)


def test_the_score_never_reaches_100_while_anything_is_open() -> None:
    result = score(
        [Tally("A", Priority.CRITICAL, Status.DONE, 999), Tally("A", Priority.LOW, Status.TODO, 1)]
    )
    assert result.percent == 99


def test_an_empty_checklist_is_fully_ready() -> None:
    assert score([]).percent == 100


def test_the_verdict_is_no_go_with_open_critical_items_and_blockers_named() -> None:
    ssl = ItemBrief("SSL", "Certificates", priority=Priority.CRITICAL)
    dns = ItemBrief("DNS", "Domain", status=Status.BLOCKED, blocked_reason="registrar")
    result = verdict(Concerns((ssl,), 3, (dns,), 1))
    assert not result.go
    assert result.reasons == ("3 critical items open: SSL and 2 more", "1 item blocked: DNS")


def test_the_verdict_is_go_when_nothing_critical_is_open_or_blocked() -> None:
    assert verdict(Concerns()).label == "GO"


def test_what_if_moves_the_items_to_done_and_recomputes() -> None:
    ssl = ItemBrief("SSL", "Certificates", "Security", Priority.CRITICAL, Status.TODO)
    tallies = [
        Tally("Security", Priority.CRITICAL, Status.TODO, 1),
        Tally("Security", Priority.LOW, Status.DONE, 1),
    ]
    adjusted, concerns = assume_done(tallies, Concerns((ssl,), 1), [ssl])
    assert score(adjusted).percent == 100
    assert verdict(concerns).go


def test_forecast_projects_the_pace_forward_and_compares_with_the_target() -> None:
    result = forecast(
        open_items=10,
        closed_recently=14,
        window_days=14,
        today=date(2026, 11, 20),
        target=date(2026, 11, 25),
    )
    assert result.ready_on == date(2026, 11, 30)
    assert result.days_late == 5


def test_forecast_has_no_date_without_recent_progress() -> None:
    result = forecast(
        open_items=3, closed_recently=0, window_days=14, today=date(2026, 11, 20), target=None
    )
    assert result.ready_on is None
