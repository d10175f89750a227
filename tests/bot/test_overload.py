"""Under overload readybot turns requests away ("busy") instead of queuing them without end."""

import threading

from sqlalchemy import func, select

from commands import importing
from storage.models import Item
from tests.bot.harness import serve
from tests.bot.test_slack_commands import seed_launch


def test_past_the_bound_of_answers_to_come_a_request_is_told_readybot_is_busy(
    store, fake, monkeypatch
) -> None:
    seed_launch(store)
    release = threading.Event()
    real_import = importing.import_text

    def held_import(*args, **kwargs):
        release.wait(timeout=10)
        return real_import(*args, **kwargs)

    monkeypatch.setattr(importing, "import_text", held_import)
    with serve(store, fake) as served:
        served.service.runtime.slow.limit = 1
        first = served.command(
            "import ## Ops\n- [ ] Pager rota", response_url=fake.response_url("imp")
        )
        assert "Working on it" in first.json()["text"]

        busy = served.command("block SSL waiting on the CA").json()
        assert busy["response_type"] == "ephemeral"
        assert busy["text"] == (
            "readybot is busy, try again in a moment: `/ready block` was not run, nothing changed."
        )
        metrics = served.http.get("/metrics").text
        assert 'readybot_commands_total{outcome="busy",verb="block"} 1.0' in metrics

        release.set()
        assert "Imported 1 item" in fake.wait_for_response("imp")[0]["text"]
        assert "blocked" in served.command("block SSL waiting on the CA").json()["text"]
    with store.read() as session:
        blocked = session.execute(
            select(func.count()).select_from(Item).where(Item.status == "blocked")
        ).scalar_one()
    assert blocked == 1  # the refused request changed nothing; the one after did
