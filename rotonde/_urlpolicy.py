"""URL policy for outbound fetches, and the connection backend that enforces it.

docs/architecture.md §5: ``https`` only; the host must not be, or resolve to, a private, loopback,
link-local, multicast, reserved, shared (CGNAT) or unspecified address, IPv4 or IPv6, including
IPv4 addresses embedded in IPv6 (IPv4-mapped ``::ffff:0:0/96``, 6to4 ``2002::/16``, NAT64
``64:ff9b::/96``, RFC 6052). A host name is resolved once per request (by the Fetcher, under
the request's deadline), *every* answer is checked, and the connection backend connects to one of
exactly those checked addresses, so a DNS answer cannot change between check and connect (DNS
rebinding). A host that is not a valid internationalised domain name is refused.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import httpcore
import httpx

from rotonde._deadline import DeadlineStream, clamp, pinned
from rotonde.errors import FetchError

__all__ = ["MAX_CONNECTIONS", "PinnedTransport", "Resolve", "URLPolicy", "no_address",
           "system_resolve"]

#: Connections open at once through one transport. Not the limit that matters (the per-address
#: slots of the Fetcher and the service's worker threads are): high enough that peers holding
#: connections until their deadline cannot fill it for everyone else.
MAX_CONNECTIONS = 128

#: ``(host, port) -> [ip, ...]``: how names are resolved (injectable for tests).
Resolve = Callable[[str, int], list[str]]


def no_address(host: str) -> FetchError:
    """A name that resolved to no address at all."""
    return FetchError("fetch.failed", f"host {host!r} has no address",
                      message_nl=f"host {host!r} heeft geen adres")


_IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def system_resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(
            "fetch.failed",
            f"cannot resolve host {host!r}: {exc}",
            message_nl=f"host {host!r} kan niet worden opgezocht: {exc}",
        ) from None
    out: list[str] = []
    for info in infos:
        addr = str(info[4][0])
        if addr not in out:
            out.append(addr)
    return out


def _refused(url: str, why: str, why_nl: str) -> FetchError:
    return FetchError(
        "fetch.url_refused",
        f"URL {url!r} refused: {why}",
        message_nl=f"URL {url!r} geweigerd: {why_nl}",
        detail={"url": url, "reason": why},
    )


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in ipaddress.IPv6Network("64:ff9b::/96"):  # NAT64 well-known prefix (RFC 6052)
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def _public_reason(ip: _IPAddress) -> str | None:
    """Why ``ip`` is not a public unicast address, or ``None`` if it is."""
    if isinstance(ip, ipaddress.IPv6Address):
        inner = _embedded_ipv4(ip)
        if inner is not None:
            why = _public_reason(inner)
            return f"embeds {why}" if why else None
    checks = (
        ("is_unspecified", "unspecified"),
        ("is_loopback", "loopback"),
        ("is_link_local", "link-local"),
        ("is_multicast", "multicast"),
        ("is_private", "private"),
        ("is_reserved", "reserved"),
    )
    for attr, name in checks:
        if getattr(ip, attr):
            return f"{name} address {ip}"
    if not ip.is_global:
        return f"non-global address {ip}"
    return None


@dataclass(frozen=True, slots=True)
class URLPolicy:
    """Which URLs and addresses may be fetched. The defaults are the production policy."""

    allow_http: bool = False
    allow_private: bool = False

    def check_url(self, url: str) -> httpx.URL:
        """Check scheme, host and literal IP addresses; no DNS. Raises ``fetch.url_refused``."""
        try:
            parsed = httpx.URL(url)
        except (httpx.InvalidURL, TypeError, ValueError) as exc:
            raise _refused(str(url), f"not a valid URL ({exc})", f"geen geldige URL ({exc})") from None
        schemes = ("https", "http") if self.allow_http else ("https",)
        if parsed.scheme not in schemes:
            raise _refused(url, "only https URLs may be fetched", "alleen https-URL's zijn toegestaan")
        try:
            host = parsed.host  # decodes "xn--" labels, which raises for one that is not IDNA
        except ValueError:  # idna.IDNAError is a UnicodeError, hence a ValueError
            raise _refused(
                url,
                "host is not a valid internationalised domain name (IDNA, RFC 5891)",
                "host is geen geldige geïnternationaliseerde domeinnaam (IDNA, RFC 5891)",
            ) from None
        if not host:
            raise _refused(url, "URL has no host", "URL heeft geen host")
        if parsed.userinfo:
            raise _refused(url, "URL contains user info", "URL bevat gebruikersgegevens")
        try:
            ip = ipaddress.ip_address(host)
        except ValueError:
            return parsed
        self.check_ip(ip, url)
        return parsed

    def check_ip(self, ip: _IPAddress | str, url: str = "") -> None:
        """Refuse a non-public address unless ``allow_private``."""
        addr = ipaddress.ip_address(ip) if isinstance(ip, str) else ip
        if self.allow_private:
            return
        why = _public_reason(addr)
        if why:
            raise _refused(url or str(addr), why, f"{why} is niet toegestaan")


class _PinnedBackend(httpcore.SyncBackend):
    """Checks every address of the host and connects to a checked one, under the request's
    deadline (:mod:`rotonde._deadline`). The addresses come from the Fetcher, which resolved and
    checked them for this request (:func:`~rotonde._deadline.pinned`); outside a Fetcher request
    the backend resolves the name itself."""

    def __init__(self, policy: URLPolicy, resolve: Resolve) -> None:
        self._policy = policy
        self._resolve = resolve

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        answers = pinned(host)
        if answers is not None:
            addresses = list(answers)
        else:
            try:
                addresses = [str(ipaddress.ip_address(host))]
            except ValueError:
                addresses = self._resolve(host, port)
        if not addresses:
            raise no_address(host)
        for addr in addresses:  # every address must pass, not just the one we use
            self._policy.check_ip(addr, f"{host}:{port}")
        last: Exception | None = None
        for addr in addresses:
            try:
                stream = super().connect_tcp(
                    addr, port, clamp(timeout, httpcore.ConnectTimeout), local_address,
                    socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
                continue
            return DeadlineStream(stream)
        assert last is not None
        raise last


class PinnedTransport(httpx.HTTPTransport):
    """httpx transport whose connections go through the checking, pinning backend.

    Connections are not kept alive: each request gets its own connection to the addresses it
    resolved and checked, so the per-address limits of the Fetcher count real connections and a
    slow peer cannot hold pooled connections that other requests wait for.

    ``ssl_context`` replaces the default (system/certifi roots, hostname checked): pass one
    trusting a private CA for development; certificate verification is never switched off here.
    """

    def __init__(
        self, policy: URLPolicy, resolve: Resolve, ssl_context: ssl.SSLContext | None = None
    ) -> None:
        super().__init__(trust_env=False)
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl_context or httpx.create_ssl_context(trust_env=False),
            max_connections=MAX_CONNECTIONS,
            max_keepalive_connections=0,
            network_backend=_PinnedBackend(policy, resolve),
        )
