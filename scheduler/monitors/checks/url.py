"""Monitor URLs: only http and https, no credentials, a valid host and port. Parsed once here;
the check then builds the URL it connects to from these parts, so what is judged is what is
reached."""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv6Address
from urllib.parse import urlsplit

from scheduler.monitors.net import IPAddress, Refused, ip_literal, is_host_name, normal_host

SCHEMES = {"http": 80, "https": 443}


@dataclass(frozen=True)
class Target:
    """A parsed, checked http(s) URL. `host` is lower-case, without brackets or trailing dot."""

    scheme: str
    host: str
    port: int
    path: str  # path and query, never empty

    @property
    def default_port(self) -> bool:
        return SCHEMES[self.scheme] == self.port

    def host_header(self) -> str:
        """The Host header: the URL's host, with numeric forms such as 2130706433 canonical."""
        literal = ip_literal(self.host)
        host = self.host if literal is None else str(literal)
        host = f"[{host}]" if ":" in host else host
        return host if self.default_port else f"{host}:{self.port}"

    def url_for(self, address: IPAddress) -> str:
        """This URL with the host replaced by `address` (what the client actually connects to)."""
        host = f"[{address}]" if address.version == 6 else str(address)
        return f"{self.scheme}://{host}:{self.port}{self.path}"


def parse_url(url: str) -> Target:
    """Parse a monitor URL. Raises Refused for a scheme other than http/https, credentials,
    a bad port or host, whitespace, control characters or backslashes."""
    if any(c <= " " or c in "\\\x7f" for c in url):
        raise Refused(f"{url!r} contains whitespace, control characters or backslashes")
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise Refused(f"{url!r} is not a valid URL ({exc})") from None
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        shown = scheme or "no scheme"
        raise Refused(f"only http and https URLs can be monitored, not {shown}")
    netloc = parts.netloc
    if "@" in netloc:
        raise Refused("URLs with credentials (user:password@host) are not allowed")
    host, _, port_text = netloc.rpartition(":") if _has_port(netloc) else (netloc, "", "")
    if not port_text and netloc.endswith(":"):
        raise Refused(f"{url} has an empty port")
    if port_text and not port_text.isdigit():
        raise Refused(f"port {port_text!r} is not a number")
    port = int(port_text) if port_text else SCHEMES[scheme]
    if not 0 < port < 65536:
        raise Refused(f"port {port} is out of range (1-65535)")
    name = normal_host(host)
    if host.startswith("["):
        if not host.endswith("]") or not isinstance(ip_literal(name), IPv6Address):
            raise Refused(f"{host!r} is not a valid IPv6 address")
    elif not name or not is_host_name(name):
        raise Refused(f"{host!r} is not a valid host name")
    path = parts.path or "/"
    return Target(scheme, name, port, f"{path}?{parts.query}" if parts.query else path)


def _has_port(netloc: str) -> bool:
    return netloc.rfind(":") > netloc.rfind("]")
