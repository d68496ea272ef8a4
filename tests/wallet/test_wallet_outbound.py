"""What the wallet fetches for a learner is bounded (docs/architecture.md §5; wallet/outbound.py).

* Every GET and POST the wallet makes (``request_uri``, ``response_uri``) ends at the Fetcher's
  one deadline, also when the peer drips its answer byte by byte.
* One learner can run at most ``fetch_concurrency`` fetching requests at once and
  ``fetch_limit`` per window (across workers); over it they see why, in their language, with
  HTTP 429, and nothing is fetched; another learner is not affected.

Real peers on loopback (a dripping raw socket server, a quick HTTP server), the wallet under
uvicorn on a real port, one httpx client per learner.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from rotonde.clock import SystemClock
from rotonde.errors import FetchError
from rotonde.http import Fetcher, URLPolicy
from tests.core.http.test_deadline import MARGIN, Dripper
from tests.resilience._listener import Listener
from tests.servers import free_port, serve
from tests.wallet.wallet_helpers import Learner, csrf_of, make_settings, text_of
from wallet.app import create_app
from wallet.flows import present as flow
from wallet.settings import WalletSettings

pytestmark = pytest.mark.system  # peers over real sockets, worker processes

DEV = URLPolicy(allow_http=True, allow_private=True)
DEADLINE = 2.0


@pytest.fixture
def dripper() -> Iterator[Dripper]:
    peer = Dripper("headers", pause=0.5)
    yield peer
    peer.close()


@pytest.fixture
def quick() -> Iterator[str]:
    class Pathway(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            body = json.dumps({"id": "urn:rotonde:pathway:quick", "title": {"en": "Quick"},
                               "requirements": []}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    srv = ThreadingHTTPServer(("127.0.0.2", 0), Pathway)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.2:{srv.server_address[1]}/pathway.json"
    srv.shutdown()
    srv.server_close()


def _timed(call: Callable[[], Any]) -> tuple[float, Any]:
    started = time.monotonic()
    out = call()
    return time.monotonic() - started, out


def test_request_uri_and_response_uri_end_at_the_deadline(dripper: Dripper) -> None:
    fetcher = Fetcher(policy=DEV, timeout=DEADLINE)
    url = f"http://127.0.0.1:{dripper.port}/r"
    for method in ("get", "post"):
        link = ("openid4vp://?client_id=" + quote("decentralized_identifier:did:web:v.test")
                + "&request_uri=" + quote(url, safe="") + f"&request_uri_method={method}")

        def read(link: str = link) -> FetchError:
            with pytest.raises(FetchError) as err:
                flow.read_request(link, fetcher=fetcher, resolver=None, clock=SystemClock(),
                                  allow_http=True)
            return err.value

        took, err = _timed(read)
        assert err.code == "fetch.timeout", (method, err)
        assert DEADLINE - 0.05 <= took <= DEADLINE + MARGIN, (method, took)
    # direct_post of the answer to the verifier's response_uri
    request = {"response_mode": "direct_post", "response_uri": url, "state": "s"}
    took, out = _timed(lambda: flow.send_response(request, {"q": ["x"]}, fetcher=fetcher))
    assert out["ok"] is False and out["problem"]["code"] == "fetch.timeout", out
    assert DEADLINE - 0.05 <= took <= DEADLINE + MARGIN, took


def _wallet(settings: WalletSettings) -> Any:
    return create_app(settings, fetcher=Fetcher(policy=DEV, timeout=DEADLINE + 1))


def _account_id(app: Any, username: str) -> str:
    from sqlalchemy import select

    from wallet.models import Account

    with app.state.wallet.db.session() as s:
        return str(s.scalars(select(Account.id).where(Account.username == username)).one())


def _learner(base: str, name: str, lang: str = "en") -> Learner:
    person = Learner(httpx.Client(base_url=base, timeout=30, follow_redirects=True, headers={"accept-language": lang}))
    assert person.signup(name).status_code == 200
    return person


def test_one_learner_cannot_hold_more_than_its_slots(
    tmp_path: Path, dripper: Dripper, quick: str,
) -> None:
    app = _wallet(make_settings(tmp_path, fetch_concurrency=2))
    with serve(app, free_port()) as base:
        anouk, bram = _learner(base, "anouk"), _learner(base, "bram", lang="nl")
        slow = f"http://127.0.0.1:{dripper.port}/pathway.json"
        codes: list[int] = []
        held = [threading.Thread(target=lambda: codes.append(
            anouk.client.get("/progress", params={"url": slow}).status_code)) for _ in range(2)]
        for t in held:
            t.start()
        deadline = time.monotonic() + 5
        while len(dripper.opened) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        # Anouk's third link is refused at once, in words; nothing is fetched for it.
        took, r = _timed(lambda: anouk.client.get("/progress", params={"url": quick}))
        assert r.status_code == 429 and took < 1.0, (r.status_code, took)
        assert r.headers["retry-after"] == "5"  # RFC 6585 §4: her own links finish first
        words = text_of(r.text)
        assert "already fetching 2 links for you" in words and "outbound.busy" in words
        # Bram is not affected: his link is fetched while Anouk's are still dripping.
        r = bram.client.get("/progress", params={"url": quick})
        assert r.status_code == 200 and "Quick" in text_of(r.text), text_of(r.text)[:300]
        for t in held:
            t.join(timeout=30)
        assert codes == [200, 200]  # the dripping links ended at the deadline, with a message
        assert len(dripper.opened) == 2
        # Her slots are free again.
        assert anouk.client.get("/progress", params={"url": quick}).status_code == 200
        assert app.state.wallet.outbound.in_flight(_account_id(app, "anouk")) == 0


def test_recent_fetches_are_limited_across_workers(tmp_path: Path, quick: str) -> None:
    """Two wallet processes on one database share the learner's count (``fetch_limit``)."""
    settings = make_settings(tmp_path, fetch_limit=3, fetch_window=3600)  # one KEK, one database
    first, second = _wallet(settings), _wallet(settings)
    with serve(first, free_port()) as one, serve(second, free_port()) as two:
        anouk = _learner(one, "anouk", lang="nl")
        other = httpx.Client(base_url=two, timeout=30, follow_redirects=True,
                             cookies=anouk.client.cookies, headers={"accept-language": "nl"})
        assert anouk.client.get("/progress", params={"url": quick}).status_code == 200
        assert other.get("/progress", params={"url": quick}).status_code == 200
        assert anouk.client.get("/progress", params={"url": quick}).status_code == 200
        r = other.get("/progress", params={"url": quick})
        assert r.status_code == 429
        assert 0 < int(r.headers["retry-after"]) <= 3600  # until the window ends
        words = text_of(r.text)
        assert "meer dan 3 links geopend" in words and "outbound.rate_limited" in words, words
        # pages that fetch nothing still work
        assert other.get("/progress").status_code == 200
        bram = _learner(two, "bram")
        assert bram.client.get("/progress", params={"url": quick}).status_code == 200


def test_every_page_that_fetches_takes_a_slot(tmp_path: Path) -> None:
    """With the learner's slots taken, each page that would contact another server answers
    429 before doing anything: no connection reaches the peer."""
    app = _wallet(make_settings(tmp_path, fetch_concurrency=1))
    with serve(app, free_port()) as base, Listener() as peer:
        anouk = _learner(base, "anouk")
        target = f"http://127.0.0.1:{peer.port}"
        offer = "openid-credential-offer://?credential_offer_uri=" + quote(target + "/o", safe="")
        request = ("openid4vp://?client_id=" + quote("decentralized_identifier:did:web:v.test")
                   + "&request_uri=" + quote(target + "/r", safe=""))
        csrf = {page: csrf_of(anouk.client.get(page).text) for page in ("/receive", "/present")}
        pages: list[tuple[str, str, dict[str, Any]]] = [
            ("GET", "/offer", {"params": {"credential_offer_uri": target + "/o"}}),
            ("POST", "/receive", {"data": {"csrf": csrf["/receive"], "offer": offer}}),
            ("POST", "/receive/0123456789abcdef", {"data": {"csrf": csrf["/receive"]}}),
            ("GET", "/authorize", {"params": {
                "client_id": "decentralized_identifier:did:web:v.test",
                "request_uri": target + "/r"}}),
            ("POST", "/present", {"data": {"csrf": csrf["/present"], "request_link": request}}),
            ("POST", "/present/0123456789abcdef", {"data": {"csrf": csrf["/present"],
                                                            "action": "share"}}),
            ("POST", "/credentials/0123456789abcdef/recheck", {"data": {"csrf": csrf["/receive"]}}),
            ("GET", "/progress", {"params": {"url": target + "/p"}}),
        ]
        account_id = _account_id(app, "anouk")
        limit = app.state.wallet.outbound
        limit.acquire(account_id)  # as if a slow link of hers were being fetched
        try:
            for method, path, kw in pages:
                r = anouk.client.request(method, path, **kw)
                assert r.status_code == 429, (path, r.status_code, text_of(r.text)[:200])
                assert "outbound.busy" in text_of(r.text), path
        finally:
            limit.release(account_id)
        assert peer.connections == 0
        # without the held slot, the same pages go ahead (and reach the peer or fail on it)
        r = anouk.client.get("/progress", params={"url": target + "/p"})
        assert r.status_code == 200 and peer.connections == 1
