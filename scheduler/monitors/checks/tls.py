"""TLS contexts and error reading shared by the HTTP and certificate checks."""

from __future__ import annotations

import functools
import ssl


@functools.cache
def system_ssl_context() -> ssl.SSLContext:
    """Verifies chain and host name against the system trust store (OpenSSL's default
    paths). Built once, on first use, and shared (an SSLContext is safe to share)."""
    return ssl.create_default_context()


def unverified_ssl_context() -> ssl.SSLContext:
    """Accepts any certificate: only for reading one that failed verification."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def tls_failure(exc: BaseException) -> ssl.SSLError | None:
    """The ssl error behind `exc` (httpx and httpcore wrap it), if there is one."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLError):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def describe_tls_failure(error: ssl.SSLError) -> str:
    """ "Hostname mismatch, certificate is not valid for 'x'." / "certificate has expired"."""
    if isinstance(error, ssl.SSLCertVerificationError) and error.verify_message:
        return str(error.verify_message)
    return str(error.reason or error)
