"""Status lists fetched through the one Fetcher and cached per their caching rules.

``Cache-Control: max-age`` on the list response bounds the cache lifetime (RFC 9111 §5.2.2.1);
without it a Token Status List's ``ttl`` claim (Token Status List §6.1) is not visible here,
so the default is 5 minutes. ``no-store`` means never cached. Freshness (when each list was
fetched and until when it is used) is kept for display.
"""

from __future__ import annotations

from typing import Any

from rotonde.clock import Clock
from rotonde.encoding import loads_json
from rotonde.http import TTLCache

__all__ = ["CachingStatusResolver"]

_ACCEPT = ("application/statuslist+jwt", "application/vc+ld+json", "application/vc",
           "application/ld+json", "application/json", "application/jwt")


class CachingStatusResolver:
    """``uri -> token | credential`` for :class:`rotonde.verify.VerifyOptions.status_resolver`."""

    def __init__(self, fetcher: Any, clock: Clock, *, default_ttl: float = 300.0) -> None:
        self.fetcher = fetcher
        self.clock = clock
        self.cache: TTLCache[str, Any] = TTLCache(ttl=default_ttl, max_ttl=3600, clock=clock)
        self.fetched_at: dict[str, float] = {}
        self.local: dict[str, Any] = {}

    def __call__(self, uri: str) -> Any:
        if uri in self.local:
            return self.local[uri]
        hit = self.cache.get(uri)
        if hit is not None:
            return hit
        body, headers = self.fetcher.get_bytes(uri, accept=_ACCEPT)
        text = bytes(body).strip()
        value: Any = (loads_json(text, what=f"status list {uri}") if text.startswith(b"{")
                      else text.decode("ascii", "replace"))
        self.cache.set(uri, value, headers=headers)
        self.fetched_at[uri] = self.clock.now()
        return value

    def freshness(self, uri: str) -> dict[str, Any]:
        return {"uri": uri, "fetched_at": self.fetched_at.get(uri),
                "cached_until": self.cache.expires_at(uri)}
