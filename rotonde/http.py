"""The one outbound HTTP client of Rotonde, with a URL policy (docs/architecture.md §5).

Everything the product fetches or posts — ``did:web`` documents, status lists, ``request_uri``,
``credential_offer_uri``, issuer metadata, token / nonce / credential requests, ``direct_post``
responses, webhooks — goes through :class:`Fetcher`:

* **URL policy** (:class:`URLPolicy`): ``https`` only; no user info; valid IDNA host names; the
  host must not be, or resolve to, a private, loopback, link-local, multicast, reserved or
  unspecified address (IPv4 and IPv6, including IPv4-mapped and NAT64/6to4-embedded IPv4).
  Every address a name resolves to is checked, and the connection is made to an address that
  was checked (one lookup per request, so DNS rebinding between check and connect is
  impossible). ``allow_private`` / ``allow_http`` relax this for development only.
* **One deadline** (``timeout``, default 10 s) per call, wall clock, for name resolution,
  connect, TLS, request body, response headers and body together, and every redirect hop: a
  peer that drips bytes is cut off at the deadline (:mod:`rotonde._deadline`).
* **Caps**: response size (default 1 MiB, streamed, aborted when exceeded, also after content
  decoding), redirects (GET only, followed manually, each hop checked again, at most 5),
  requests in flight per peer *address* (``per_host_limit``, keyed on the resolved IP so that
  ``127.1``, ``0x7f000001`` and a name for ``127.0.0.1`` are one peer; :mod:`rotonde._hostlimit`).
* **Content types**: callers of :meth:`Fetcher.get_bytes` name the media types they accept.

Errors are :class:`~rotonde.errors.FetchError` with the codes ``fetch.url_refused``,
``fetch.too_large``, ``fetch.timeout``, ``fetch.http_status``, ``fetch.content_type``,
``fetch.failed`` and, for :meth:`Fetcher.post_json`, ``fetch.not_json``. :class:`TTLCache` is
a small expiring cache with an injectable clock that honours ``Cache-Control: max-age`` /
``no-store`` (RFC 9111 §5.2.2), bounded by entries and, optionally, by bytes.
"""

from __future__ import annotations

import ipaddress
import ssl
import threading
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Generic, TypeVar

import httpx

from rotonde._deadline import Deadline, resolve_within, scope
from rotonde._hostlimit import HostLimit
from rotonde._urlpolicy import PinnedTransport, Resolve, URLPolicy, no_address, system_resolve
from rotonde.clock import Clock, SystemClock
from rotonde.encoding import loads_json
from rotonde.errors import FetchError, ParseError

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
#: Addresses of one name a request may connect to (each answer is checked, the first ones used).
MAX_ADDRESSES = 4
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


def _timed_out(url: str) -> FetchError:
    return FetchError(
        "fetch.timeout",
        f"fetching {url} took too long",
        message_nl=f"ophalen van {url} duurde te lang",
    )


class Fetcher:
    """Synchronous, policy-checked GET and POST. Thread-safe; reuse one per process.

    ``timeout`` is the one wall-clock deadline of a call (redirects included);
    ``connect_timeout`` additionally bounds each TCP connect. ``resolve`` replaces DNS
    resolution (tests, split-horizon setups); the answers are checked like real ones. An
    injected ``transport`` replaces the pinned connection backend: then only the URL checks
    (scheme, literal addresses, every redirect hop) apply and the per-peer limit keys on the
    host name, so inject one only for canned responses in tests or a transport that enforces
    the policy itself. ``ssl_context`` trusts other roots (a development CA); the certificate
    is always checked against the URL's host name, also when the connection goes to a pinned
    address.
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
        self.connect_timeout = connect_timeout
        self.max_redirects = max_redirects
        self.hosts = HostLimit(per_host_limit)
        self._resolve = resolve or system_resolve
        self._pinned = transport is None
        self._client = httpx.Client(
            transport=transport or PinnedTransport(self.policy, self._resolve, ssl_context),
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

        ``accept``: media types the caller can handle; any other ``Content-Type`` is refused, as
        is a status other than 2xx. Redirects are followed (each hop checked again).
        """
        cap = self.max_bytes if max_bytes is None else max_bytes
        types = [accept] if isinstance(accept, str) else list(accept or ())
        deadline = Deadline.after(self.timeout)
        headers = {"accept": ", ".join(types) if types else "*/*"}
        current = url
        for _hop in range(self.max_redirects + 1):
            result = self._exchange("GET", current, deadline, cap, headers, types=types)
            if isinstance(result, str):
                current = result
                continue
            return result[1], result[2]
        raise FetchError(
            "fetch.failed",
            f"more than {self.max_redirects} redirects from {url}",
            message_nl=f"meer dan {self.max_redirects} omleidingen vanaf {url}",
        )

    def post(
        self,
        url: str,
        *,
        form: Mapping[str, str] | None = None,
        json_body: Any = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        max_bytes: int | None = None,
    ) -> tuple[int, bytes, Mapping[str, str]]:
        """POST a form, a JSON body or raw ``content``; returns status, body and headers.

        Same policy, deadline and caps as a GET; redirects are not followed and every status
        is returned (protocol endpoints answer errors as JSON the caller reads).
        """
        cap = self.max_bytes if max_bytes is None else max_bytes
        result = self._exchange(
            "POST", url, Deadline.after(self.timeout), cap, dict(headers or {}),
            send={"data": form, "json": json_body, "content": content},
        )
        assert not isinstance(result, str)  # POST never follows a redirect
        return result

    def post_json(
        self,
        url: str,
        *,
        form: Mapping[str, str] | None = None,
        json_body: Any = None,
        headers: Mapping[str, str] | None = None,
        max_bytes: int | None = None,
    ) -> tuple[int, Any]:
        """:meth:`post` to a protocol endpoint that answers JSON (OAuth token, nonce and
        credential endpoints, ``direct_post``): ``(status, parsed body)``, the body ``None``
        when it is empty. Every status is returned, since error answers are JSON too; a
        non-empty body that is not JSON raises :class:`FetchError` ``fetch.not_json``."""
        sent = {"accept": "application/json", **(headers or {})}
        status, body, _ = self.post(url, form=form, json_body=json_body, headers=sent,
                                    max_bytes=max_bytes)
        if not body.strip():
            return status, None
        try:
            return status, loads_json(body, what=f"response from {url}")
        except ParseError:
            raise FetchError(
                "fetch.not_json", f"{url} answered HTTP {status} with something that is not JSON",
                message_nl=f"{url} antwoordde met HTTP {status} maar niet met JSON",
                detail={"status": status},
            ) from None

    def _addresses(self, parsed: httpx.URL, url: str, deadline: Deadline) -> tuple[str, list[str]]:
        """The host as the connection backend sees it, and the checked addresses to use."""
        host = parsed.raw_host.decode("ascii")
        try:
            return host, [str(ipaddress.ip_address(host))]  # a literal: checked by check_url
        except ValueError:
            pass
        if not self._pinned:
            return host, [host]
        port = parsed.port or (443 if parsed.scheme == "https" else 80)
        answers = resolve_within(self._resolve, host, port, deadline)
        if not answers:
            raise no_address(host)
        for addr in answers:  # every answer must pass, not just the ones we use
            try:
                self.policy.check_ip(addr, url)
            except ValueError:
                raise FetchError(
                    "fetch.failed",
                    f"host {host!r} resolved to something that is not an address",
                    message_nl=f"host {host!r} gaf iets terug dat geen adres is",
                ) from None
        return host, answers[:MAX_ADDRESSES]

    def _exchange(
        self,
        method: str,
        url: str,
        deadline: Deadline,
        cap: int,
        headers: Mapping[str, str],
        *,
        types: list[str] | None = None,
        send: Mapping[str, Any] | None = None,
    ) -> tuple[int, bytes, Mapping[str, str]] | str:
        """One request under ``deadline``: a redirect target (GET) or status, body, headers."""
        parsed = self.policy.check_url(url)
        host, addresses = self._addresses(parsed, url, deadline)
        slots = self.hosts.acquire(addresses, deadline)
        if slots is None:
            raise FetchError(
                "fetch.timeout",
                f"too many concurrent requests to {host}",
                message_nl=f"te veel gelijktijdige verzoeken naar {host}",
            )
        try:
            with scope(deadline, {host: addresses} if self._pinned else None):
                return self._once(method, url, parsed, deadline, cap, headers, types, send or {})
        except httpx.TimeoutException:
            raise _timed_out(url) from None
        except httpx.HTTPError as exc:
            if deadline.remaining() <= 0:
                raise _timed_out(url) from None
            raise FetchError(
                "fetch.failed",
                f"fetching {url} failed: {exc}",
                message_nl=f"ophalen van {url} mislukt: {exc}",
            ) from None
        finally:
            self.hosts.release(slots)

    def _once(
        self,
        method: str,
        url: str,
        parsed: httpx.URL,
        deadline: Deadline,
        cap: int,
        headers: Mapping[str, str],
        types: list[str] | None,
        send: Mapping[str, Any],
    ) -> tuple[int, bytes, Mapping[str, str]] | str:
        left = deadline.remaining()
        if left <= 0:
            raise _timed_out(url)
        timeout = httpx.Timeout(left, connect=min(self.connect_timeout, left))
        with self._client.stream(method, parsed, headers=headers, timeout=timeout, **send) as resp:
            if types is not None:  # a GET: follow redirects, insist on 2xx and the media type
                if resp.status_code in _REDIRECTS and "location" in resp.headers:
                    return _redirect_target(parsed, resp.headers["location"], url)
                _check_get(resp, url, types)
            declared = resp.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > cap:
                raise _too_large(url, cap)
            body = _read_capped(resp, url, cap, deadline)
            return resp.status_code, body, resp.headers


def _redirect_target(parsed: httpx.URL, location: str, url: str) -> str:
    try:
        return str(parsed.join(location))
    except (httpx.InvalidURL, TypeError, ValueError):
        raise FetchError(
            "fetch.url_refused",
            f"{url} redirects to something that is not a URL",
            message_nl=f"{url} verwijst door naar iets dat geen URL is",
            detail={"url": url, "reason": "invalid redirect target"},
        ) from None


def _check_get(resp: httpx.Response, url: str, types: list[str]) -> None:
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


def _too_large(url: str, cap: int) -> FetchError:
    return FetchError(
        "fetch.too_large",
        f"response from {url} is larger than {cap} bytes",
        message_nl=f"antwoord van {url} is groter dan {cap} bytes",
        detail={"url": url, "max_bytes": cap},
    )


def _read_capped(resp: httpx.Response, url: str, cap: int, deadline: Deadline) -> bytes:
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
        if deadline.remaining() <= 0:
            raise _timed_out(url)
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
