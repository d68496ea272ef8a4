"""Concurrent outbound requests per peer address (docs/architecture.md §5, "caps").

The limit keys on the *resolved* IP address, not on how the URL spells the host: ``127.1``,
``0x7f000001``, ``2130706433``, ``[::ffff:127.0.0.1]`` and a name resolving to ``127.0.0.1``
are one peer. A request holds a slot at every address it may connect to (all or nothing, so two
requests can never deadlock each other), and only counts in flight are stored: an attacker
naming a million addresses leaves nothing behind.
"""

from __future__ import annotations

import ipaddress
import threading
from collections.abc import Iterable

from rotonde._deadline import Deadline

__all__ = ["HostLimit", "peer_key"]


def peer_key(address: str) -> str:
    """One spelling per peer: IPv4-mapped IPv6 addresses count as their IPv4 address; a value
    that is not an address (a host name, when an injected transport does not resolve) is
    compared case-insensitively."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address.lower().rstrip(".")
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ip)


class HostLimit:
    """At most ``limit`` requests in flight to any one address. Thread-safe."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._active: dict[str, int] = {}
        self._cond = threading.Condition()

    def in_flight(self, address: str) -> int:
        with self._cond:
            return self._active.get(peer_key(address), 0)

    def acquire(self, addresses: Iterable[str], deadline: Deadline) -> list[str] | None:
        """Take one slot at every address, waiting until ``deadline`` at most; the keys to
        :meth:`release`, or ``None`` when no slot came free in time."""
        keys = sorted({peer_key(a) for a in addresses})
        with self._cond:
            while any(self._active.get(k, 0) >= self.limit for k in keys):
                left = deadline.remaining()
                if left <= 0:
                    return None
                self._cond.wait(left)
            for k in keys:
                self._active[k] = self._active.get(k, 0) + 1
        return keys

    def release(self, keys: Iterable[str]) -> None:
        with self._cond:
            for k in keys:
                n = self._active.get(k, 0) - 1
                if n > 0:
                    self._active[k] = n
                else:
                    self._active.pop(k, None)
            self._cond.notify_all()
