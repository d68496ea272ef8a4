"""The Fetcher: URL policy, caps, redirects, against a real local HTTP server and mock responses."""

from __future__ import annotations

import gzip
import ipaddress
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rotonde.errors import FetchError
from rotonde.http import Fetcher, TTLCache, URLPolicy, cache_max_age
from tests._system import system_fixture
from tests.conftest import SettableClock

DEV = URLPolicy(allow_http=True, allow_private=True)


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:  # keep test output quiet
        pass

    def _send(
        self,
        status: int,
        body: bytes,
        ctype: str = "application/json",
        extra: dict[str, str] | None = None,
        length: bool = True,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        if length:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except BrokenPipeError:  # the client gave up (timeout test)
            pass

    def do_GET(self) -> None:
        self.server.seen.append((self.path, self.headers))  # type: ignore[attr-defined]
        path = self.path
        if path == "/json":
            self._send(200, b'{"hello": "wereld"}', extra={"Cache-Control": "max-age=60"})
        elif path == "/big":
            self._send(200, b"[" + b"0," * 600_000 + b"0]")
        elif path == "/big-unannounced":
            # no Content-Length: the cap must be enforced while streaming
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Connection", "close")
            self.end_headers()
            for _ in range(40):
                self.wfile.write(b" " * 65536)
        elif path == "/gzip-bomb":
            self._send(200, gzip.compress(b" " * 5_000_000), extra={"Content-Encoding": "gzip"})
        elif path == "/gzip-ok":
            self._send(200, gzip.compress(b'{"ok": true}'), extra={"Content-Encoding": "gzip"})
        elif path == "/html":
            self._send(200, b"<html></html>", ctype="text/html")
        elif path == "/missing":
            self._send(404, b"{}")
        elif path.startswith("/hop/"):
            n = int(path.rsplit("/", 1)[1])
            target = "/json" if n == 0 else f"/hop/{n - 1}"
            self._send(302, b"", extra={"Location": target})
        elif path == "/to-ftp":
            self._send(302, b"", extra={"Location": "ftp://example.com/x"})
        elif path == "/slow":
            time.sleep(1.5)
            self._send(200, b"{}")
        else:
            self._send(404, b"{}")


@pytest.fixture(scope="module")
@system_fixture
def server() -> Iterator[ThreadingHTTPServer]:
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    srv.seen = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def _base(srv: ThreadingHTTPServer) -> str:
    return f"http://127.0.0.1:{srv.server_address[1]}"


def _no_network() -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        raise AssertionError(f"no request may be sent, got {request.url}")

    return httpx.MockTransport(handler)


# -- URL policy -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/x",
        "https://10.1.2.3/",
        "https://172.16.0.1/",
        "https://192.168.1.1/",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::1]/",
        "https://[::ffff:127.0.0.1]/",
        "https://[::ffff:a9fe:a9fe]/",
        "https://[fe80::1]/",
        "https://[fc00::1]/",
        "https://0.0.0.0/",
        "https://[::]/",
        "https://224.0.0.1/",
        "https://100.64.0.1/",
        "https://[64:ff9b::7f00:1]/",
        "https://[2002:7f00:1::]/",
        "https://240.0.0.1/",
    ],
)
def test_non_public_addresses_refused_without_connecting(url: str) -> None:
    fetcher = Fetcher(transport=_no_network())
    with pytest.raises(FetchError) as err:
        fetcher.get_bytes(url)
    assert err.value.code == "fetch.url_refused"
    assert "address" in err.value.message


@pytest.mark.parametrize(
    "url, reason",
    [
        ("http://example.com/", "https"),
        ("ftp://example.com/", "https"),
        ("file:///etc/passwd", "https"),
        ("https://user:pw@example.com/", "user info"),
        ("https:///nohost", "host"),
        ("not a url at all", "https"),
        ("https://xn--n3h.example.com/x", "IDNA"),  # U+2603 is not allowed in IDNA 2008
        ("https://xn--zz-.example.com/x", "IDNA"),
    ],
)
def test_scheme_and_userinfo_refused(url: str, reason: str) -> None:
    with pytest.raises(FetchError) as err:
        Fetcher(transport=_no_network()).get_bytes(url)
    assert err.value.code == "fetch.url_refused"
    assert reason in err.value.message


def test_public_address_passes_policy() -> None:
    URLPolicy().check_url("https://93.184.215.14/x")
    URLPolicy().check_url("https://[2606:4700::1111]/")


def test_dns_answers_are_checked_and_pinned(server: ThreadingHTTPServer) -> None:
    port = server.server_address[1]
    # A public-looking name that resolves to loopback (DNS rebinding) is refused by default ...
    rebinding = Fetcher(policy=URLPolicy(allow_http=True), resolve=lambda h, p: ["127.0.0.1"])
    with pytest.raises(FetchError) as err:
        rebinding.get_json(f"http://issuer.example:{port}/json")
    assert err.value.code == "fetch.url_refused"
    # ... also when only one of several answers is private.
    mixed = Fetcher(policy=URLPolicy(allow_http=True), resolve=lambda h, p: ["93.184.215.14", "10.0.0.7"])
    with pytest.raises(FetchError) as err:
        mixed.get_json(f"http://issuer.example:{port}/json")
    assert err.value.code == "fetch.url_refused"
    # With allow_private the connection goes to exactly the address that was resolved/checked.
    pinned = Fetcher(policy=DEV, resolve=lambda h, p: ["127.0.0.1"])
    assert pinned.get_json(f"http://issuer.example:{port}/json") == {"hello": "wereld"}
    assert server.seen[-1][1].get("Host") == f"issuer.example:{port}"


def test_localhost_name_refused_by_default(server: ThreadingHTTPServer) -> None:
    fetcher = Fetcher(policy=URLPolicy(allow_http=True))
    with pytest.raises(FetchError) as err:
        fetcher.get_json(f"http://localhost:{server.server_address[1]}/json")
    assert err.value.code == "fetch.url_refused"


# -- real server ------------------------------------------------------------------------------


def test_get_json_and_headers(server: ThreadingHTTPServer) -> None:
    with Fetcher(policy=DEV) as fetcher:
        assert fetcher.get_json(_base(server) + "/json") == {"hello": "wereld"}
        body, headers = fetcher.get_bytes(_base(server) + "/json", accept="application/json")
    assert json.loads(body) == {"hello": "wereld"}
    assert cache_max_age(headers) == 60
    assert server.seen[-1][1].get("Accept") == "application/json"


def test_size_cap_announced_and_streamed(server: ThreadingHTTPServer) -> None:
    fetcher = Fetcher(policy=DEV)
    for path in ("/big", "/big-unannounced"):
        with pytest.raises(FetchError) as err:
            fetcher.get_bytes(_base(server) + path)
        assert err.value.code == "fetch.too_large", path
    body, _ = fetcher.get_bytes(_base(server) + "/big", max_bytes=2 * 1024 * 1024)
    assert len(body) > 1024 * 1024


def test_gzip_bomb_capped_after_decoding(server: ThreadingHTTPServer) -> None:
    fetcher = Fetcher(policy=DEV)
    with pytest.raises(FetchError) as err:
        fetcher.get_bytes(_base(server) + "/gzip-bomb")
    assert err.value.code == "fetch.too_large"
    assert fetcher.get_json(_base(server) + "/gzip-ok") == {"ok": True}


def test_content_type_and_status(server: ThreadingHTTPServer) -> None:
    fetcher = Fetcher(policy=DEV)
    with pytest.raises(FetchError) as err:
        fetcher.get_json(_base(server) + "/html")
    assert err.value.code == "fetch.content_type"
    with pytest.raises(FetchError) as err:
        fetcher.get_json(_base(server) + "/missing")
    assert err.value.code == "fetch.http_status"
    assert err.value.problems[0].detail["status"] == 404


def test_redirects_followed_rechecked_and_capped(server: ThreadingHTTPServer) -> None:
    fetcher = Fetcher(policy=DEV)
    assert fetcher.get_json(_base(server) + "/hop/4") == {"hello": "wereld"}
    with pytest.raises(FetchError) as err:
        fetcher.get_json(_base(server) + "/hop/5")
    assert err.value.code == "fetch.failed"
    assert "redirects" in err.value.message
    with pytest.raises(FetchError) as err:
        fetcher.get_json(_base(server) + "/to-ftp")
    assert err.value.code == "fetch.url_refused"


def test_redirect_to_private_address_refused() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "issuer.example":
            return httpx.Response(302, headers={"Location": "https://169.254.169.254/latest"})
        raise AssertionError("the redirect target must not be contacted")

    fetcher = Fetcher(transport=httpx.MockTransport(handler))
    with pytest.raises(FetchError) as err:
        fetcher.get_json("https://issuer.example/.well-known/did.json")
    assert err.value.code == "fetch.url_refused"


def test_timeout(server: ThreadingHTTPServer) -> None:
    fetcher = Fetcher(policy=DEV, timeout=0.3)
    with pytest.raises(FetchError) as err:
        fetcher.get_json(_base(server) + "/slow")
    assert err.value.code == "fetch.timeout"


def test_per_host_concurrency_cap(server: ThreadingHTTPServer) -> None:
    from rotonde._deadline import Deadline

    fetcher = Fetcher(policy=DEV, per_host_limit=1, timeout=0.3)
    held = fetcher.hosts.acquire(["127.0.0.1"], Deadline.after(1))
    assert held is not None
    try:
        with pytest.raises(FetchError) as err:
            fetcher.get_json(_base(server) + "/json")
        assert err.value.code == "fetch.timeout"
    finally:
        fetcher.hosts.release(held)
    assert fetcher.get_json(_base(server) + "/json") == {"hello": "wereld"}


def test_connection_refused_is_fetch_failed() -> None:
    fetcher = Fetcher(policy=DEV, timeout=2)
    with pytest.raises(FetchError) as err:
        fetcher.get_bytes("http://127.0.0.1:9/")  # discard port: nothing listens
    assert err.value.code in ("fetch.failed", "fetch.timeout")


# -- cache ------------------------------------------------------------------------------------


def test_ttl_cache_expiry_and_cache_control(clock: SettableClock) -> None:
    cache: TTLCache[str, int] = TTLCache(ttl=10, clock=clock, max_entries=2)
    cache.set("a", 1)
    cache.set("b", 2, headers={"Cache-Control": "public, max-age=100"})
    cache.set("c", 3, headers={"cache-control": "no-store"})
    assert cache.get("a") == 1 and cache.get("b") == 2 and cache.get("c") is None
    clock.advance(11)
    assert cache.get("a") is None and cache.get("b") == 2
    cache.set("d", 4)
    cache.set("e", 5)  # evicts the least recently used
    assert len(cache) == 2 and cache.get("b") is None


def test_ttl_cache_bounded_by_bytes(clock: SettableClock) -> None:
    """Issue 19 item 3: a cache of status lists was bounded by entries only (1,024 of any size)."""
    cache: TTLCache[str, bytes] = TTLCache(ttl=60, clock=clock, max_bytes=10)
    cache.set("a", b"1234")
    cache.set("b", b"1234")
    assert cache.size == 8
    cache.get("a")  # a is now the most recently used
    cache.set("c", b"123")  # 11 bytes: the least recently used (b) goes
    assert cache.get("b") is None and cache.get("a") == b"1234" and cache.get("c") == b"123"
    assert cache.size == 7
    cache.set("a", b"12")  # replacing an entry counts its new size only
    assert cache.size == 5
    cache.set("huge", b"x" * 11)  # heavier than the whole budget: not kept, nothing evicted
    assert cache.get("huge") is None and cache.size == 5 and len(cache) == 2
    cache.set("c", b"123", ttl=0)  # no-store drops it
    assert cache.size == 2
    cache.clear()
    assert cache.size == 0 and len(cache) == 0
    weighed: TTLCache[str, dict[str, int]] = TTLCache(max_bytes=3, weigh=lambda v: v["n"])
    weighed.set("x", {"n": 2})
    weighed.set("y", {"n": 2})
    assert weighed.get("x") is None and weighed.size == 2


def test_cache_max_age_parsing() -> None:
    assert cache_max_age({}) is None
    assert cache_max_age({"cache-control": "max-age=abc"}) is None
    assert cache_max_age({"cache-control": 'max-age="30"'}) == 30
    assert cache_max_age({"cache-control": "no-cache, max-age=30"}) == 0


# -- properties -------------------------------------------------------------------------------


@given(st.text(max_size=200))
def test_policy_never_crashes_on_any_text(text: str) -> None:
    try:
        URLPolicy().check_url(text)
    except FetchError as exc:
        assert exc.code == "fetch.url_refused"


_PRIVATE_NETS = [
    ipaddress.ip_network(n)
    for n in (
        "10.0.0.0/8",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "::1/128",
        "fc00::/7",
        "fe80::/10",
        "::ffff:0:0/96",
    )
]


@given(st.one_of(st.ip_addresses(v=4), st.ip_addresses(v=6)))
def test_every_private_address_refused(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> None:
    host = f"[{ip}]" if ip.version == 6 else str(ip)
    try:
        URLPolicy().check_url(f"https://{host}/")
    except FetchError as exc:
        assert exc.code == "fetch.url_refused"
        return
    # accepted: it must be public, and not inside any private network; an IPv6 address that
    # embeds an IPv4 address (mapped, 6to4, NAT64) is judged by the embedded address
    assert not any(ip in net for net in _PRIVATE_NETS[:5] + _PRIVATE_NETS[5:8] if net.version == ip.version)
    inner = None
    if isinstance(ip, ipaddress.IPv6Address):
        inner = ip.ipv4_mapped or ip.sixtofour
        if ip in ipaddress.ip_network("64:ff9b::/96"):
            inner = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    assert inner.is_global if inner is not None else ip.is_global
