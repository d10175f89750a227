"""Outbound address policy for monitors: the guard against server-side request forgery.

A monitor may only reach addresses that are globally routable, or that an operator allowed
with READYBOT_MONITOR_ALLOW (CIDRs such as `10.0.0.0/8`, `::1/128`, or host names such as
`status.internal`). `resolve_allowed` resolves a host once and raises `Refused` unless every
address passes; callers then connect to those addresses, never to the name again, so a
second DNS answer (DNS rebinding) cannot steer a check elsewhere.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import socket
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network

IPAddress = IPv4Address | IPv6Address
Resolver = Callable[[str, int], Awaitable[Sequence[IPAddress]]]

ENV_NAME = "READYBOT_MONITOR_ALLOW"

_HOST_NAME = re.compile(r"^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*$")
_PRIVATE = [ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7")]
_CGNAT = ip_network("100.64.0.0/10")
_THIS_NETWORK = ip_network("0.0.0.0/8")
_NAT64 = ip_network("64:ff9b::/96")
_BROADCAST = IPv4Address("255.255.255.255")
# Instance metadata services hand out cloud credentials. An allowed range or host name never
# unlocks them: only an allow entry naming the single address does.
_METADATA = {
    ip_address(a) for a in ("169.254.169.254", "169.254.170.2", "100.100.100.200", "fd00:ec2::254")
}


class Refused(Exception):
    """A target the policy will not let a monitor reach. Permanent: retrying cannot help until
    the monitor or READYBOT_MONITOR_ALLOW changes. `reason` says what to do."""

    permanent = True

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Unresolvable(Exception):
    """The host name did not resolve. May be transient: a later check can succeed."""

    permanent = False

    def __init__(self, host: str, error: str) -> None:
        super().__init__(f"{host} did not resolve ({error})")
        self.host = host


class AddressPolicy:
    """Which non-public destinations are allowed: CIDRs and host names from
    READYBOT_MONITOR_ALLOW. Raises ValueError on an entry that is neither."""

    def __init__(self, allow: Sequence[str] = ()) -> None:
        networks: list[IPv4Network | IPv6Network] = []
        names: set[str] = set()
        for raw in allow:
            entry = raw.strip()
            if not entry:
                continue
            try:
                networks.append(ip_network(entry.strip("[]"), strict=True))
                continue
            except ValueError as exc:
                if "/" in entry or ":" in entry:
                    raise ValueError(f"{ENV_NAME}: {entry!r} is not a valid CIDR ({exc})") from None
            name = normal_host(entry)
            if not is_host_name(name):
                raise ValueError(f"{ENV_NAME}: {entry!r} is neither a CIDR nor a host name")
            names.add(name)
        self.networks = tuple(networks)
        self.names = frozenset(names)

    @classmethod
    def parse(cls, value: str | None) -> AddressPolicy:
        """Build from the environment variable's text: entries separated by commas or spaces."""
        return cls(re.split(r"[,\s]+", value or ""))

    def _listed(self, address: IPAddress, name: str | None) -> bool:
        if address in _METADATA:
            return any(n.num_addresses == 1 and address in n for n in self.networks)
        return (name is not None and name in self.names) or any(address in n for n in self.networks)


@dataclass(frozen=True)
class _Verdict:
    what: str  # "a loopback address", "IPv4-mapped 127.0.0.1, a loopback address"
    allow_entry: str | None  # the READYBOT_MONITOR_ALLOW entry that would allow it, if any

    @property
    def text(self) -> str:
        hint = self.allow_entry and f"; allow it with {ENV_NAME}={self.allow_entry}"
        return self.what + (hint or "")


def _judge(policy: AddressPolicy, address: IPAddress, *, name: str | None) -> _Verdict | None:
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        inner = _judge(policy, address.ipv4_mapped, name=name)
        return inner and _Verdict(
            f"IPv4-mapped {address.ipv4_mapped}, {inner.what}", inner.allow_entry
        )
    if address.is_unspecified or address.is_multicast or address == _BROADCAST:
        what = "the unspecified" if address.is_unspecified else "a multicast or broadcast"
        return _Verdict(f"{what} address, never a monitor target", None)
    if policy._listed(address, name):
        return None
    embedded = _embedded_ipv4(address)
    if embedded is not None:
        kind, v4 = embedded
        inner = _judge(policy, v4, name=name)
        return inner and _Verdict(f"{kind} for {v4}, {inner.what}", inner.allow_entry)
    if address in _METADATA:
        return _Verdict("link-local (cloud metadata)", None)
    if address.is_global and not address.is_reserved:
        return None
    return _Verdict(_describe(address), f"{address}/{address.max_prefixlen}")


def _embedded_ipv4(address: IPAddress) -> tuple[str, IPv4Address] | None:
    """The IPv4 address a 6to4 or NAT64 (64:ff9b::/96) address reaches, judged in its place."""
    if not isinstance(address, IPv6Address):
        return None
    if address.sixtofour is not None:
        return "6to4", address.sixtofour
    if address in _NAT64:
        return "NAT64", IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _describe(address: IPAddress) -> str:
    if address.is_loopback:
        return "a loopback address"
    if address.is_link_local:
        return "a link-local address"
    if address in _CGNAT:
        return "in the shared address space 100.64.0.0/10 (CGNAT)"
    if address in _THIS_NETWORK:
        return 'in 0.0.0.0/8 ("this network")'
    if any(address in n for n in _PRIVATE):
        return "a private address"
    if address.is_reserved:
        return "a reserved address"
    return "not globally routable (a special-purpose range)"


def is_host_name(name: str) -> bool:
    """Whether `name` (normalised) is a syntactically valid DNS name (underscores allowed)."""
    return _HOST_NAME.match(name) is not None


def normal_host(host: str) -> str:
    """Lower-case, without surrounding brackets or a trailing dot; an internationalised name
    in its ASCII (punycode) form when it has one."""
    host = host.strip().lower()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    host = host.removesuffix(".")
    if not host.isascii():
        with contextlib.suppress(UnicodeError):
            host = host.encode("idna").decode("ascii")
    return host


def ip_literal(host: str) -> IPAddress | None:
    """The address `host` denotes if it is an IP literal, including the decimal, octal and hex
    IPv4 forms (`2130706433`, `0x7f.1`, `017700000001`) the C resolver accepts, else None."""
    host = normal_host(host)
    try:
        address = ip_address(host)
    except ValueError:
        pass
    else:
        if isinstance(address, IPv6Address) and address.scope_id:
            raise Refused(f"{host} has a zone id; link-local targets are not supported")
        return address
    if is_host_name(host) and re.fullmatch(r"[0-9a-fx.]+", host):
        try:
            return IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


async def system_resolver(host: str, port: int) -> list[IPAddress]:
    """Resolve with the event loop's getaddrinfo (the system resolver, /etc/hosts included)."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]


async def resolve_allowed(
    host: str, port: int, policy: AddressPolicy, *, resolver: Resolver | None = None
) -> list[IPAddress]:
    """Resolve `host` once and return its addresses (IPv4-mapped ones unwrapped), in resolver
    order, without duplicates. Raises Refused unless every address is allowed (one bad answer
    refuses the lot), Unresolvable if the name has no address. An IP literal is not resolved."""
    if not 0 < port < 65536:
        raise Refused(f"port {port} is out of range (1-65535)")
    name = normal_host(host)
    literal = ip_literal(name)
    if literal is None and not is_host_name(name):
        raise Refused(f"{host!r} is not a valid host name")
    if literal is not None:
        addresses: Sequence[IPAddress] = [literal]
    else:
        try:
            addresses = await (resolver or system_resolver)(name, port)
        except (OSError, UnicodeError) as exc:
            raise Unresolvable(name, str(exc)) from exc
        if not addresses:
            raise Unresolvable(name, "no addresses")
    result: list[IPAddress] = []
    for address in _unique(addresses):
        verdict = _judge(policy, address, name=None if literal else name)
        if verdict is not None:
            raise Refused(_refusal_text(name, literal, address, verdict))
        mapped = address.ipv4_mapped if isinstance(address, IPv6Address) else None
        result.append(mapped or address)
    return result


def _refusal_text(
    name: str, literal: IPAddress | None, address: IPAddress, verdict: _Verdict
) -> str:
    if literal is None:
        text = f"{name} resolves to {address}, {verdict.text}"
        return text + (f" or {ENV_NAME}={name}" if verdict.allow_entry else "")
    if re.fullmatch(r"[0-9a-fx.]+", name) and str(literal) != name:  # 2130706433, 0x7f.1
        return f"{name} is {address}, {verdict.text}"
    return f"{name} is {verdict.text}"


def _unique(addresses: Iterable[IPAddress]) -> list[IPAddress]:
    return list(dict.fromkeys(ip_address(a) for a in addresses))


_CacheKey = tuple[AddressPolicy, Resolver | None, str, int]


class AllowedCache:
    """`resolve_allowed` remembered for a short while, for the checks of one batch.

    An outcome (the allowed addresses, or the refusal) is kept for `ttl` seconds, never
    longer: a DNS answer may change, and the system resolver does not say for how long it
    holds. It is kept per policy object (a changed READYBOT_MONITOR_ALLOW is a new policy,
    which finds nothing here) and per resolver. A name that does not resolve is not kept:
    the next check asks again."""

    def __init__(self, *, ttl: float = 5.0, clock: Callable[[], float] | None = None) -> None:
        self.ttl = ttl
        self._clock = clock or time.monotonic
        self._kept: dict[_CacheKey, tuple[float, list[IPAddress] | Refused]] = {}

    async def resolve(
        self, host: str, port: int, policy: AddressPolicy, *, resolver: Resolver | None = None
    ) -> list[IPAddress]:
        """As `resolve_allowed` (same results and exceptions), from memory while fresh."""
        key = (policy, resolver, host, port)  # the policy and resolver by identity
        now = self._clock()
        kept = self._kept.get(key)
        if kept is not None and now < kept[0]:
            outcome = kept[1]
        else:
            try:
                outcome = await resolve_allowed(host, port, policy, resolver=resolver)
            except Refused as refused:
                outcome = refused
            self._kept[key] = (now + self.ttl, outcome)
        if isinstance(outcome, Refused):
            raise Refused(outcome.reason)
        return list(outcome)
