"""TLS certificate monitor check: is the certificate trusted, for this host, and how long
until it expires.

The host is resolved once and judged by the address policy; the TLS connection goes to the
judged address with `server_hostname=spec.host`, so SNI and host-name verification use the
real name. When verification fails, a second, unverified connection reads the certificate
anyway so the detail can say why (expired, self-signed, issued for another host).
`judge_certificate` is the pure part: it needs no network.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import ssl
import time
from dataclasses import dataclass
from datetime import datetime

from cryptography import x509
from cryptography.x509.oid import NameOID

from commands.monitors.spec import CertSpec, CheckResult
from scheduler.monitors.checks.tls import (
    describe_tls_failure,
    system_ssl_context,
    unverified_ssl_context,
)
from scheduler.monitors.checks.wording import days, short_date
from scheduler.monitors.net import (
    AddressPolicy,
    IPAddress,
    Refused,
    Resolver,
    Unresolvable,
    ip_literal,
    resolve_allowed,
)

# OpenSSL verify codes (X509_V_ERR_*) the detail explains in words.
_NOT_YET_VALID, _EXPIRED = 9, 10
_SELF_SIGNED, _SELF_SIGNED_IN_CHAIN = 18, 19
_UNKNOWN_ISSUER, _UNKNOWN_ISSUER_LEAF = 20, 21
_HOSTNAME_MISMATCH = 62


@dataclass(frozen=True)
class Certificate:
    """What the checks need from a peer certificate (parsed from its DER)."""

    names: tuple[str, ...]  # subjectAltName DNS names and IPs, else the subject CN
    issuer: str
    self_signed: bool
    not_before: datetime
    not_after: datetime
    fingerprint: str  # sha256 of the DER, lower-case hex


@dataclass(frozen=True)
class VerifyError:
    code: int
    message: str


class _Failed(Exception):
    pass


def read_certificate(der: bytes) -> Certificate:
    cert = x509.load_der_x509_certificate(der)
    names: list[str] = []
    with contextlib.suppress(x509.ExtensionNotFound):
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        names += san.get_values_for_type(x509.DNSName)
        names += [str(ip) for ip in san.get_values_for_type(x509.IPAddress)]
    if not names:
        names = [str(a.value) for a in cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)]
    issuer_cn = cert.issuer.get_attributes_for_oid(NameOID.COMMON_NAME)
    return Certificate(
        names=tuple(names),
        issuer=str(issuer_cn[0].value) if issuer_cn else cert.issuer.rfc4514_string(),
        self_signed=cert.issuer == cert.subject,
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        fingerprint=hashlib.sha256(der).hexdigest(),
    )


def warn_threshold(days_left: int, warn_days: tuple[int, ...]) -> int | None:
    """The smallest configured threshold at or above `days_left` (12 with (21, 14, 7) is 14),
    or None when the expiry is further away than every threshold."""
    crossed = [t for t in warn_days if t >= days_left]
    return min(crossed) if crossed else None


def judge_certificate(
    host: str,
    cert: Certificate,
    *,
    now: datetime,
    warn_days: tuple[int, ...],
    verify_error: VerifyError | None = None,
) -> tuple[bool, str, str | None, int | None]:
    """(ok, detail, warning, warn_threshold) for `cert` served for `host` at `now`. Pure.

    Expired (by `now`), not yet valid or failed verification is not ok. A warning is given
    whenever the expiry is within a threshold, whether or not the check passed."""
    head = f"certificate for {host}"
    left = cert.not_after - now
    if left.total_seconds() <= 0:
        ago = (now - cert.not_after).days
        when = f"{days(ago)} ago" if ago else f"today ({short_date(cert.not_after)})"
        return False, f"{head} expired {when}", None, None
    days_left = left.days
    expires = f"expires in {days(days_left)}" if days_left else "expires in less than a day"
    expiry = f"{head} {expires} ({short_date(cert.not_after)})"
    threshold = warn_threshold(days_left, warn_days)
    warning = expiry if threshold is not None else None
    if cert.not_before > now:
        return False, f"{head} is not valid until {short_date(cert.not_before)}", None, None
    if verify_error is not None:
        return False, f"{head} {_untrusted(cert, verify_error)}", warning, threshold
    return True, expiry, warning, threshold


def _untrusted(cert: Certificate, error: VerifyError) -> str:
    if error.code == _HOSTNAME_MISMATCH:
        return f"is for {', '.join(cert.names) or 'no host name'}"
    if error.code == _SELF_SIGNED or (cert.self_signed and error.code != _EXPIRED):
        return "is self-signed (not trusted)"
    if error.code == _SELF_SIGNED_IN_CHAIN:
        return "has an untrusted self-signed certificate in its chain"
    if error.code in (_UNKNOWN_ISSUER, _UNKNOWN_ISSUER_LEAF):
        return f"is issued by {cert.issuer}, which is not trusted"
    if error.code in (_EXPIRED, _NOT_YET_VALID):
        return f"is not accepted by this machine's clock ({error.message})"
    return f"is not trusted ({error.message})"


async def check_cert(
    spec: CertSpec,
    *,
    policy: AddressPolicy,
    now: datetime,
    ssl_context: ssl.SSLContext | None = None,
    timeout: float = 10,
    resolver: Resolver | None = None,
) -> CheckResult:
    """Check the certificate `spec.host:spec.port` serves. Never raises for the target's
    faults: refusal, DNS failure, connection failure and timeout are failed results."""
    started = time.perf_counter()
    where = f"{spec.host}:{spec.port}"
    try:
        async with asyncio.timeout(timeout):
            addresses = await resolve_allowed(spec.host, spec.port, policy, resolver=resolver)
            der, error, address = await _fetch(spec, addresses, ssl_context or system_ssl_context())
    except TimeoutError:
        detail = f"TLS connection to {where} timed out after {timeout:.1f} s"
        return _failed(detail, now, started)
    except Refused as exc:
        return _failed(f"TLS check of {where} refused: {exc.reason}", now, started)
    except (Unresolvable, _Failed) as exc:
        return _failed(f"TLS check of {where} failed: {exc}", now, started)
    cert = read_certificate(der)
    ok, detail, warning, threshold = judge_certificate(
        spec.host, cert, now=now, warn_days=spec.warn_days, verify_error=error
    )
    facts = {
        "address": str(address),
        "issuer": cert.issuer,
        "names": ", ".join(cert.names),
        "not_after": cert.not_after.isoformat(),
    }
    return CheckResult(
        ok=ok,
        detail=detail,
        checked_at=now,
        duration_ms=(time.perf_counter() - started) * 1000,
        warning=warning,
        warn_threshold=threshold,
        fingerprint=cert.fingerprint,
        facts=facts,
    )


def _failed(detail: str, now: datetime, started: float) -> CheckResult:
    elapsed_ms = (time.perf_counter() - started) * 1000
    return CheckResult(ok=False, detail=detail, checked_at=now, duration_ms=elapsed_ms)


async def _fetch(
    spec: CertSpec, addresses: list[IPAddress], context: ssl.SSLContext
) -> tuple[bytes, VerifyError | None, IPAddress]:
    """The peer certificate (DER) from the first address that answers, and the verification
    error if it failed verification (then read over an unverified connection)."""
    literal = ip_literal(spec.host)
    server_name = str(literal) if literal is not None else spec.host
    problem = "no address"
    for address in addresses:
        try:
            try:
                return await _peer_der(address, spec.port, context, server_name), None, address
            except ssl.SSLCertVerificationError as exc:
                error = VerifyError(exc.verify_code, describe_tls_failure(exc))
                der = await _peer_der(address, spec.port, unverified_ssl_context(), server_name)
                return der, error, address
        except ssl.SSLError as exc:
            raise _Failed(f"TLS handshake failed ({describe_tls_failure(exc)})") from exc
        except OSError as exc:
            problem = f"could not connect to {address} port {spec.port} ({exc.strerror or exc})"
    raise _Failed(problem)


async def _peer_der(
    address: IPAddress, port: int, context: ssl.SSLContext, server_name: str
) -> bytes:
    _, writer = await asyncio.open_connection(
        str(address), port, ssl=context, server_hostname=server_name
    )
    try:
        ssl_object = writer.get_extra_info("ssl_object")
        der = ssl_object.getpeercert(binary_form=True) if ssl_object else None
        if not der:
            raise _Failed("the server sent no certificate")
        return bytes(der)
    finally:
        writer.close()
        with contextlib.suppress(OSError, ssl.SSLError, TimeoutError):
            async with asyncio.timeout(1):  # a peer slow to close must not fail the check
                await writer.wait_closed()
