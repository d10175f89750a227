"""Database URLs: accepted as people paste them, and never shown with their password.

A password may sit in the user info (`user:pass@host`, even with an unencoded `@` or `/` in
it) or in the query (`?password=…`); `redact_url` masks both, `redact_urls` masks every URL
in a piece of text (a log line, an error message), and `url_secrets` lists the secrets a
URL holds so a log filter can mask them wherever else they turn up.
"""

from __future__ import annotations

import re

# `password=…` as a query parameter, or as a key of a libpq connection string in a message.
_SECRET_QUERY_KEYS = re.compile(
    r"(?i)((?:^|[?&\s;,(])(?:password|passwd|pass|pwd|sslpassword|secret|token|api[_-]?key)=)"
    r"([^&#\s'\"]*)"
)
# A URL in running text: a scheme, `://`, then anything up to white space or a quote.
_URL_IN_TEXT = re.compile(r"""\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s'"<>]+""")
BACKENDS = ("sqlite", "postgresql")


def normalise_url(url: str) -> str:
    """Accept the URL forms people paste: `postgres://` and `postgresql://` get the psycopg 3
    driver, and an `@` in the password is percent-encoded (otherwise the host would be read
    from the middle of the password)."""
    url = url.strip()
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            url = "postgresql+psycopg://" + url[len(prefix) :]
    span = _userinfo_span(url)
    if span is not None:
        user, colon, password = url[span[0] : span[1]].partition(":")
        if colon and "@" in password:
            url = url[: span[0]] + user + ":" + password.replace("@", "%40") + url[span[1] :]
    return url


def check_url(url: str) -> str:
    """The normalised URL; ValueError, with the URL masked, unless it is a SQLite or
    PostgreSQL URL that can be parsed."""
    from sqlalchemy.engine import make_url

    normal = normalise_url(url)
    try:
        backend = make_url(normal).get_backend_name()
    except Exception:  # make_url raises ArgumentError, ValueError (a bad port) and more
        raise ValueError(
            f"{redact_url(url)} is not a database URL; use sqlite:///file.db or "
            "postgresql+psycopg://user:password@host/db"
        ) from None
    if backend not in BACKENDS:
        raise ValueError(
            f"{redact_url(url)}: readybot stores its data in SQLite or PostgreSQL, not {backend}"
        )
    return normal


def _userinfo_span(url: str) -> tuple[int, int] | None:
    """Where the user-info part (`user:password`) of a URL is, even when the password holds
    an unencoded `@` or `/`: from after `://` to the last `@` before the query."""
    start = url.find("://")
    if start < 0:
        return None
    start += 3
    end_of_authority = len(url)
    for mark in ("?", "#"):
        found = url.find(mark, start)
        if found >= 0:
            end_of_authority = min(end_of_authority, found)
    at = url.rfind("@", start, end_of_authority)
    return (start, at) if at >= 0 else None


def url_password(url: str) -> str | None:
    span = _userinfo_span(url)
    if span is None:
        return None
    userinfo = url[span[0] : span[1]]
    return userinfo.partition(":")[2] or None


def url_secrets(url: str) -> list[str]:
    """Every secret `url` holds, as written and as it is sent (percent-decoded)."""
    from urllib.parse import unquote

    found = [url_password(url), *(m[2] for m in _SECRET_QUERY_KEYS.finditer(url))]
    secrets = {s for s in found if s}
    return sorted(secrets | {unquote(s) for s in secrets}, key=len, reverse=True)


def redact_url(url: str) -> str:
    """The URL with every password masked, whatever form it takes (in the user info, with an
    unencoded `@` or `/`, or as a query parameter such as `?password=`)."""
    span = _userinfo_span(url)
    if span is not None:
        user, colon, _password = url[span[0] : span[1]].partition(":")
        url = url[: span[0]] + user + (colon + "***" if colon else "") + url[span[1] :]
    return _SECRET_QUERY_KEYS.sub(lambda m: m[1] + "***", url)


def redact_urls(text: str) -> str:
    """`text` with the password of every URL in it masked, and any `password=…`."""
    if "://" in text:
        text = _URL_IN_TEXT.sub(lambda m: redact_url(m[0]), text)
    return _SECRET_QUERY_KEYS.sub(lambda m: m[1] + "***", text)


def redact_text(text: str, url: str) -> str:
    """`text` (an error message, say) with the URL's secrets masked wherever they appear,
    and every URL in it masked too."""
    for secret in url_secrets(url):
        text = text.replace(secret, "***")
    return redact_urls(text.replace(url, redact_url(url)))
