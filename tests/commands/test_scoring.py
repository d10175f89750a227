import itertools
from datetime import date

from commands.scoring import (
    Call,
    Concerns,
    ItemBrief,
    Score,
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


def test_an_empty_checklist_scores_zero_and_is_no_go() -> None:
    empty = score([])
    assert empty.percent == 0
    result = verdict(Concerns(), score=empty)
    assert (result.call, result.why) == (Call.NO_GO, ("no checklist yet",))


def ready(percent: int = 100, total: int = 10) -> Score:
    return Score(percent, total * percent // 100, total, ())


def test_the_verdict_names_every_reason_it_is_no_go() -> None:
    ssl = ItemBrief("SSL", "Certificates", priority=Priority.CRITICAL)
    dns = ItemBrief("DNS", "Domain", status=Status.BLOCKED, blocked_reason="registrar")
    late = ItemBrief("BAK", "Backups", priority=Priority.CRITICAL, due_date=date(2026, 11, 1))
    concerns = Concerns((ssl,), 3, (dns,), 1, (late,), 1)
    result = verdict(concerns, score=ready(62))
    assert not result.go and result.call == Call.NO_GO
    assert result.why == (
        "3 critical open: SSL and 2 more",
        "1 blocked: DNS",
        "1 critical overdue: BAK",
        "score 62 is under the bar of 80",
    )
    assert result.counts == (
        "3 critical open · 1 blocked · 1 critical overdue · score 62 is under the bar of 80"
    )


def test_a_low_score_alone_is_no_go_and_the_bar_is_the_launchs() -> None:
    assert verdict(Concerns(), score=ready(22)).call == Call.NO_GO
    assert verdict(Concerns(), score=ready(22), bar=20).call == Call.GO
    assert verdict(Concerns(), score=ready(80)).call == Call.GO


def test_waivers_and_open_high_items_make_it_go_with_conditions() -> None:
    waived = ItemBrief("PEN", "Pen test", status=Status.WAIVED, owner="U1")
    mfa = ItemBrief("MFA", "MFA", priority=Priority.HIGH, owner="U2")
    result = verdict(
        Concerns(waived=(waived,), waived_count=1, open_high=(mfa,), open_high_count=1),
        score=ready(90),
    )
    assert result.call == Call.CONDITIONS and result.go
    assert result.why == ("1 waived: PEN", "1 high open: MFA")
    assert result.label == "GO with conditions"


def test_the_verdict_is_go_when_every_requirement_is_met() -> None:
    result = verdict(Concerns(), score=ready(100))
    assert (result.label, result.reasons) == ("GO", ())


def test_what_if_moves_the_items_to_done_and_recomputes() -> None:
    ssl = ItemBrief("SSL", "Certificates", "Security", Priority.CRITICAL, Status.TODO)
    tallies = [
        Tally("Security", Priority.CRITICAL, Status.TODO, 1),
        Tally("Security", Priority.LOW, Status.DONE, 1),
    ]
    adjusted, concerns = assume_done(tallies, Concerns((ssl,), 1), [ssl], today=date(2026, 11, 20))
    assumed = score(adjusted)
    assert assumed.percent == 100
    assert verdict(concerns, score=assumed).go


def test_forecast_gives_a_range_around_the_recent_pace() -> None:
    result = forecast(
        open_items=10,
        closed_recently=14,
        window_days=14,
        history_days=14,
        today=date(2026, 11, 20),
        target=date(2026, 11, 25),
    )
    assert result.likely == date(2026, 11, 30)
    assert result.earliest is not None and result.latest is not None
    assert result.earliest < result.likely < result.latest
    assert result.days_late == 5 and result.at_risk


def test_forecast_waits_for_three_days_and_three_closed_items() -> None:
    today = date(2026, 11, 20)
    young = forecast(
        open_items=5, closed_recently=9, window_days=1, history_days=1, today=today, target=today
    )
    few = forecast(
        open_items=5, closed_recently=2, window_days=14, history_days=14, today=today, target=today
    )
    assert young.likely is None and few.likely is None
    assert not young.enough_data


def test_one_more_closed_item_moves_the_forecast_a_little_not_across_the_target() -> None:
    today = date(2026, 11, 20)
    runs = [
        forecast(
            open_items=20,
            closed_recently=k,
            window_days=14,
            history_days=14,
            today=today,
            target=date(2026, 12, 30),
        )
        for k in range(3, 40)
    ]
    for before, after in itertools.pairwise(runs):
        assert before.likely is not None and after.likely is not None
        assert 0 <= (before.likely - after.likely).days <= max(3, (before.likely - today).days // 3)


def test_forecast_has_no_date_without_recent_progress() -> None:
    result = forecast(
        open_items=3, closed_recently=0, window_days=14, today=date(2026, 11, 20), target=None
    )
    assert result.ready_on is None
