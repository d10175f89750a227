"""Database URLs: pasted forms accepted, passwords never shown."""

import pytest

from storage.urls import check_url, normalise_url, redact_text, redact_url, redact_urls, url_secrets


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql+psycopg://rb:hunter22@db/rb", "postgresql+psycopg://rb:***@db/rb"),
        ("postgresql://rb:p@ss/w0rd@db:5432/rb", "postgresql://rb:***@db:5432/rb"),
        (
            "postgresql://rb@db/rb?password=hunter22&sslmode=require",
            "postgresql://rb@db/rb?password=***&sslmode=require",
        ),
        (
            "postgresql://rb@db/rb?sslmode=require&PASSWORD=hunter22",
            "postgresql://rb@db/rb?sslmode=require&PASSWORD=***",
        ),
        ("sqlite:///readybot.db", "sqlite:///readybot.db"),
    ],
)
def test_every_form_of_password_is_masked(url, shown) -> None:
    assert redact_url(url) == shown


def test_urls_in_running_text_are_masked_whatever_their_form() -> None:
    text = (
        "could not connect to postgresql://rb:p@ss@db/rb (retrying), "
        "then postgresql://rb@db/rb?password=hunter22: refused; password=hunter33 too"
    )
    masked = redact_urls(text)
    for secret in ("p@ss", "hunter22", "hunter33", "ss@db"):
        assert secret not in masked
    assert "postgresql://rb:***@db/rb (retrying)" in masked


def test_a_password_with_an_at_sign_is_encoded_so_the_host_stays_the_host() -> None:
    assert normalise_url("postgres://rb:p@ss@db/rb") == "postgresql+psycopg://rb:p%40ss@db/rb"
    assert normalise_url("postgresql://rb:p%40ss@db/rb") == "postgresql+psycopg://rb:p%40ss@db/rb"


def test_secrets_are_listed_as_written_and_as_sent() -> None:
    assert set(url_secrets("postgresql://rb:p%40ss@db/rb?sslpassword=k3y")) == {
        "p%40ss",
        "p@ss",
        "k3y",
    }
    assert (
        redact_text("auth failed for p@ss", "postgresql://rb:p%40ss@db/rb") == "auth failed for ***"
    )


@pytest.mark.parametrize(
    "url", ["postgresql://rb:hunter22@db:port/rb", "mysql://rb:hunter22@db/rb", "nonsense"]
)
def test_an_unusable_url_is_refused_with_its_password_masked(url) -> None:
    with pytest.raises(ValueError) as refused:
        check_url(url)
    assert "hunter22" not in str(refused.value)
