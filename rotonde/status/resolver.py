"""A caching ``status_resolver`` for services that verify many credentials.

:class:`StatusListResolver` fetches status lists through the one :class:`rotonde.http.Fetcher`
and keeps each for as long as the publisher allows: ``Cache-Control: max-age`` (RFC 9111
§5.2.2.1) when given, else the Status List Token's ``ttl`` claim (draft-ietf-oauth-status-list
§5.1, seconds) or the Bitstring list's ``ttl`` (Bitstring Status List v1.0 §2.2, milliseconds),
else the cache default; never longer than the cache's ``max_ttl``. Pass an instance as
``VerifyOptions(status_resolver=...)``. Only verified content is ever *used* — the verifier checks
every list it gets from here — so caching cannot turn a forged list into a trusted one.

The cache keeps the response bodies as received (bytes), bounded by their total size
(:data:`CACHE_MAX_BYTES` by default), and parses a list again when it is used: a parsed JSON
body can take twenty times its size in memory, so caching parsed lists would let anyone who can
make the verifier fetch a list hold many times the budget.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rotonde.clock import Clock
from rotonde.encoding import loads_json
from rotonde.errors import RotondeError
from rotonde.http import Fetcher, TTLCache, cache_max_age
from rotonde.status.token import MEDIA_TYPE, parse_status_list_token

__all__ = ["ACCEPT", "CACHE_MAX_BYTES", "StatusListResolver"]

#: Media types of status lists: a Status List Token, or a (secured) VCDM 2.0 credential.
ACCEPT = (
    MEDIA_TYPE,
    "application/vc",
    "application/vc+ld+json",
    "application/ld+json",
    "application/json",
    "application/vc+jwt",
    "application/jwt",
)
#: Default budget of the cache: the total size of the bodies it keeps.
CACHE_MAX_BYTES = 16 * 1024 * 1024


def _lifetime(value: Any, headers: Mapping[str, str]) -> float | None:
    age = cache_max_age(headers)
    if age is not None:
        return age
    if isinstance(value, str):
        try:
            ttl = parse_status_list_token(value).ttl
        except RotondeError:
            return 0.0  # not a usable token: do not keep it
        return ttl
    if isinstance(value, dict):
        subject = value.get("credentialSubject")
        ttl = subject.get("ttl") if isinstance(subject, dict) else None
        if isinstance(ttl, (int, float)) and not isinstance(ttl, bool) and ttl > 0:
            return ttl / 1000.0
    return None


def _parse(uri: str, text: bytes) -> Any:
    if text.startswith(b"{"):
        return loads_json(text, what=f"status list {uri}")
    return text.decode("ascii", "replace")


class StatusListResolver:
    """``uri -> list`` (a compact token string or a parsed credential), cached as bytes.

    ``cache`` replaces the default cache (5 minutes, at most ``max_ttl`` seconds, ``max_bytes``
    of bodies, on ``clock``)."""

    def __init__(
        self,
        fetcher: Fetcher,
        *,
        cache: TTLCache[str, bytes] | None = None,
        clock: Clock | None = None,
        max_ttl: float = 3600.0,
        max_bytes: int = CACHE_MAX_BYTES,
    ) -> None:
        self.fetcher = fetcher
        self.cache: TTLCache[str, bytes] = cache if cache is not None else TTLCache(
            ttl=300, max_ttl=max_ttl, max_bytes=max_bytes, clock=clock)

    def __call__(self, uri: str) -> Any:
        cached = self.cache.get(uri)
        if cached is not None:
            return _parse(uri, cached)
        body, headers = self.fetcher.get_bytes(uri, accept=ACCEPT)
        text = bytes(body).strip()
        value = _parse(uri, text)
        self.cache.set(uri, text, ttl=_lifetime(value, headers))
        return value
