"""The one outbound HTTP client of Rotonde, with a URL policy (DESIGN.md §5).

Everything the product fetches — ``did:web`` documents, status lists, ``request_uri``,
``credential_offer_uri``, issuer metadata, logos — goes through :class:`Fetcher`:

* **URL policy** (:class:`URLPolicy`): ``https`` only; no user info; the host must not be,
  or resolve to, a private, loopback, link-local, multicast, reserved or unspecified address
  (IPv4 and IPv6, including IPv4-mapped and NAT64/6to4-embedded IPv4). Every address a name
  resolves to is checked, and the connection is made to the address that was checked (the
  resolver runs inside the connection backend, so DNS rebinding between check and connect is
  impossible). ``allow_private`` / ``allow_http`` relax this for development only.
* **Caps**: response size (default 1 MiB, streamed, aborted when exceeded, also after
  content decoding), connect and total time, redirects (followed manually, each hop checked
  again, at most 5), concurrent requests per host (a semaphore).
* **Content types**: callers name the media types they accept.

Errors are :class:`~rotonde.errors.FetchError` with the codes ``fetch.url_refused``,
``fetch.too_large``, ``fetch.timeout``, ``fetch.http_status``, ``fetch.content_type``,
``fetch.failed``. :class:`TTLCache` is a small expiring cache with an injectable clock that
honours ``Cache-Control: max-age`` / ``no-store`` (RFC 9111 §5.2.2), bounded by entries and,
optionally, by bytes.
"""

from __future__ import annotations

import ssl
import threading
import time
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Generic, TypeVar

import httpx

from rotonde._urlpolicy import PinnedTransport, Resolve, URLPolicy, system_resolve
from rotonde.clock import Clock, SystemClock
from rotonde.encoding import loads_json
from rotonde.errors import FetchError

__all__ = [
    "DEFAULT_MAX_BYTES",
    "Fetcher",
    "Resolve",
    "TTLCache",
    "URLPolicy",
    "cache_max_age",
]

#: Default response size cap (1 MiB).
DEFAULT_MAX_BYTES = 1024 * 1024
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_JSON_TYPES = (
    "application/json",
    "application/did+json",
    "application/did+ld+json",
    "application/ld+json",
    "application/jwk-set+json",
    "application/vc+ld+json",
    "application/vc",
)


def _media_type(headers: Mapping[str, str]) -> str:
    return headers.get("content-type", "").split(";", 1)[0].strip().lower()


class Fetcher:
    """Synchronous, policy-checked GET. Thread-safe; reuse one per process.

    ``resolve`` replaces DNS resolution (tests, split-horizon setups); the answers are checked
    like real ones. An injected ``transport`` replaces the pinned connection backend: then only
    the URL checks (scheme, literal addresses, every redirect hop) apply, so inject one only for
    canned responses in tests or a transport that enforces the policy itself. ``ssl_context``
    trusts other roots (a development CA); the certificate is always checked against the URL's
    host name, also when the connection goes to a pinned address.
    """

    def __init__(
        self,
        *,
        policy: URLPolicy | None = None,
        max_bytes: int = DEFAULT_MAX_BYTES,
        connect_timeout: float = 5.0,
        timeout: float = 10.0,
        max_redirects: int = 5,
        per_host_limit: int = 4,
        transport: httpx.BaseTransport | None = None,
        resolve: Resolve | None = None,
        ssl_context: ssl.SSLContext | None = None,
        user_agent: str = "rotonde/0.1",
    ) -> None:
        self.policy = policy or URLPolicy()
        self.max_bytes = max_bytes
        self.timeout = timeout
        self.max_redirects = max_redirects
        self._per_host_limit = per_host_limit
        self._hosts: dict[str, threading.BoundedSemaphore] = {}
        self._lock = threading.Lock()
        self._client = httpx.Client(
            transport=transport or PinnedTransport(self.policy, resolve or system_resolve, ssl_context),
            timeout=httpx.Timeout(timeout, connect=connect_timeout),
            follow_redirects=False,
            trust_env=False,
            headers={"user-agent": user_agent, "accept-encoding": "identity"},
        )

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def _semaphore(self, host: str) -> threading.BoundedSemaphore:
        with self._lock:
            sem = self._hosts.get(host)
            if sem is None:
                sem = self._hosts[host] = threading.BoundedSemaphore(self._per_host_limit)
            return sem

    def get_json(self, url: str, *, max_bytes: int | None = None, accept: Sequence[str] = _JSON_TYPES) -> Any:
        """GET ``url`` and parse the body as JSON (depth-capped)."""
        body, _ = self.get_bytes(url, max_bytes=max_bytes, accept=accept)
        return loads_json(body, what=f"response from {url}")

    def get_bytes(
        self,
        url: str,
        *,
        max_bytes: int | None = None,
        accept: Sequence[str] | str | None = None,
    ) -> tuple[bytes, Mapping[str, str]]:
        """GET ``url``; returns the body and the (case-insensitive) response headers.

        ``accept``: media types the caller can handle; any other ``Content-Type`` is refused.
        """
        cap = self.max_bytes if max_bytes is None else max_bytes
        types = [accept] if isinstance(accept, str) else list(accept or ())
        deadline = time.monotonic() + self.timeout
        current = url
        for _hop in range(self.max_redirects + 1):
            parsed = self.policy.check_url(current)
            sem = self._semaphore(parsed.host)
            if not sem.acquire(timeout=max(deadline - time.monotonic(), 0)):
                raise FetchError(
                    "fetch.timeout",
                    f"too many concurrent requests to {parsed.host}",
                    message_nl=f"te veel gelijktijdige verzoeken naar {parsed.host}",
                )
            try:
                result = self._once(current, parsed, types, cap, deadline)
            finally:
                sem.release()
            if isinstance(result, str):
                current = result
                continue
            return result
        raise FetchError(
            "fetch.failed",
            f"more than {self.max_redirects} redirects from {url}",
            message_nl=f"meer dan {self.max_redirects} omleidingen vanaf {url}",
        )

    def _once(
        self,
        url: str,
        parsed: httpx.URL,
        types: list[str],
        cap: int,
        deadline: float,
    ) -> tuple[bytes, Mapping[str, str]] | str:
        headers = {"accept": ", ".join(types) if types else "*/*"}
        try:
            with self._client.stream("GET", parsed, headers=headers) as resp:
                if resp.status_code in _REDIRECTS and "location" in resp.headers:
                    return str(parsed.join(resp.headers["location"]))
                if not 200 <= resp.status_code < 300:
                    raise FetchError(
                        "fetch.http_status",
                        f"{url} answered HTTP {resp.status_code}",
                        message_nl=f"{url} antwoordde met HTTP {resp.status_code}",
                        detail={"url": url, "status": resp.status_code},
                    )
                if types and _media_type(resp.headers) not in {t.lower() for t in types}:
                    got = _media_type(resp.headers) or "none"
                    raise FetchError(
                        "fetch.content_type",
                        f"{url} returned {got}, expected {', '.join(types)}",
                        message_nl=f"{url} gaf {got}, verwacht {', '.join(types)}",
                    )
                declared = resp.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > cap:
                    raise _too_large(url, cap)
                body = _read_capped(resp, url, cap, deadline)
                return body, resp.headers
        except httpx.TimeoutException:
            raise FetchError(
                "fetch.timeout",
                f"fetching {url} timed out",
                message_nl=f"ophalen van {url} duurde te lang",
            ) from None
        except httpx.HTTPError as exc:
            raise FetchError(
                "fetch.failed",
                f"fetching {url} failed: {exc}",
                message_nl=f"ophalen van {url} mislukt: {exc}",
            ) from None


def _too_large(url: str, cap: int) -> FetchError:
    return FetchError(
        "fetch.too_large",
        f"response from {url} is larger than {cap} bytes",
        message_nl=f"antwoord van {url} is groter dan {cap} bytes",
        detail={"url": url, "max_bytes": cap},
    )


def _read_capped(resp: httpx.Response, url: str, cap: int, deadline: float) -> bytes:
    encoding = resp.headers.get("content-encoding", "identity").strip().lower()
    if encoding not in ("identity", "", "gzip", "deflate"):
        raise FetchError(
            "fetch.failed",
            f"unsupported content encoding {encoding!r}",
            message_nl=f"niet-ondersteunde inhoudscodering {encoding!r}",
        )
    chunks: Iterable[bytes]
    if resp.is_stream_consumed:  # a transport that hands back a pre-read (already decoded) body
        chunks, encoding = [resp.content], "identity"
    else:
        chunks = resp.iter_raw()
    inflater = None
    if encoding == "gzip":
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    elif encoding == "deflate":
        inflater = zlib.decompressobj()
    out = bytearray()
    for chunk in chunks:
        if time.monotonic() > deadline:
            raise FetchError(
                "fetch.timeout",
                f"fetching {url} took too long",
                message_nl=f"ophalen van {url} duurde te lang",
            )
        if inflater is None:
            out += chunk
        else:
            try:
                out += inflater.decompress(chunk, cap + 1 - len(out))
            except zlib.error:
                raise FetchError(
                    "fetch.failed",
                    f"response from {url} is not valid {encoding}",
                    message_nl=f"antwoord van {url} is geen geldige {encoding}",
                ) from None
        if len(out) > cap:
            raise _too_large(url, cap)
    return bytes(out)


def cache_max_age(headers: Mapping[str, str]) -> float | None:
    """``max-age`` from ``Cache-Control`` (RFC 9111 §5.2.2.1); 0 for ``no-store``/``no-cache``."""
    value = next((str(v) for k, v in headers.items() if k.lower() == "cache-control"), "")
    age: float | None = None
    for part in value.split(","):
        name, _, arg = part.strip().partition("=")
        name = name.lower()
        if name in ("no-store", "no-cache"):
            return 0.0
        if name == "max-age" and arg.strip().strip('"').isdigit():
            age = float(arg.strip().strip('"'))
    return age


K = TypeVar("K")
V = TypeVar("V")


class TTLCache(Generic[K, V]):
    """A bounded LRU cache whose entries expire; the clock is injected.

    ``max_bytes`` also bounds the total ``weigh(value)`` of the entries (default ``len``, for
    caches of raw response bodies): the least recently used go first, and a value heavier than
    the whole budget is not kept at all.
    """

    def __init__(
        self,
        *,
        ttl: float = 300.0,
        max_ttl: float = 86400.0,
        max_entries: int = 1024,
        max_bytes: int | None = None,
        weigh: Callable[[V], int] | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.ttl = ttl
        self.max_ttl = max_ttl
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._weigh: Callable[[Any], int] = weigh or len
        self.clock: Clock = clock or SystemClock()
        self._data: OrderedDict[K, tuple[float, V, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    @property
    def size(self) -> int:
        """The total weight of the entries (0 without ``max_bytes``)."""
        return self._bytes

    def _drop(self, key: K) -> None:
        item = self._data.pop(key, None)
        if item is not None:
            self._bytes -= item[2]

    def get(self, key: K) -> V | None:
        with self._lock:
            item = self._data.get(key)
            if item is None:
                return None
            if item[0] <= self.clock.now():
                self._drop(key)
                return None
            self._data.move_to_end(key)
            return item[1]

    def expires_at(self, key: K) -> float | None:
        with self._lock:
            item = self._data.get(key)
            return item[0] if item else None

    def set(
        self,
        key: K,
        value: V,
        *,
        ttl: float | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """Store ``value``; ``headers`` with ``Cache-Control`` override ``ttl`` (0 = not stored)."""
        life = self.ttl if ttl is None else ttl
        if headers is not None:
            age = cache_max_age(headers)
            if age is not None:
                life = age
        life = min(life, self.max_ttl)
        weight = self._weigh(value) if self.max_bytes is not None else 0
        with self._lock:
            self._drop(key)
            if life <= 0 or (self.max_bytes is not None and weight > self.max_bytes):
                return
            self._data[key] = (self.clock.now() + life, value, weight)
            self._bytes += weight
            while len(self._data) > self.max_entries or (
                    self.max_bytes is not None and self._bytes > self.max_bytes):
                self._drop(next(iter(self._data)))

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._data)
