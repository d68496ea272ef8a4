"""Crash safety of the verifier and the wallet: the process is SIGKILLed in the middle of a
request that is waiting on the network (frozen by a listener that never answers), restarted on
the same SQLite database, and must be in a clean state.

* Verifier, during a wallet's ``direct_post`` (while it fetches the status list): the session
  is still open afterwards — never stuck half-answered — and the wallet's retry completes it.
* Wallet, during a receive, between the token and the credential response: nothing is stored,
  the learner's session survives the restart (it lives in the database), a retry of the same
  offer gives a clear message, and a new offer is received normally.
"""

from __future__ import annotations

import asyncio
import re
import secrets
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from sqlalchemy import create_engine, func, select, text

from rotonde.encoding import b64url_encode
from rotonde.jws import parse_compact
from rotonde.keys import generate
from tests.resilience._listener import Listener
from tests.resilience._procs import Proc, free_port, start_service
from tests.verifier._support import Issuer, request_params, wallet_answer
from tests.wallet.wallet_helpers import Learner, csrf_of, text_of
from tests.wallet.wallet_peers import MiniIssuer, mini_issuer_app, serve

FAULTS: dict[str, int] = {"verifier": 0, "wallet": 0}
LOST: dict[str, int] = {"verifier": 0, "wallet": 0}


def _post_in_thread(url: str, **kw: Any) -> threading.Thread:
    def go() -> None:
        try:
            httpx.post(url, timeout=60, **kw)
        except httpx.HTTPError:
            pass  # the server was killed under it

    t = threading.Thread(target=go, daemon=True)
    t.start()
    return t


def test_verifier_killed_mid_response_leaves_the_session_open(tmp_path: Path) -> None:
    port = free_port()
    env = {"dev": "1", "data_dir": str(tmp_path / "verifier-data"),
           "kek": b64url_encode(secrets.token_bytes(32))}
    proc = start_service("verifier", env, log_dir=tmp_path, port=port)
    issuer, holder = Issuer(), generate("ES256")
    try:
        r = httpx.post(proc.url + "/api/requests", json={"template": "level", "min_level": 3},
                       timeout=60)
        assert r.status_code == 201, r.text
        sid = r.json()["id"]
        uri = request_params(r.json()["invocation_uri"])["request_uri"]
        req = parse_compact(httpx.get(proc.url + urlsplit(uri).path, timeout=60).text).claims()
        with Listener() as status_server:
            status = {"status_list": {"idx": 7, "uri": f"http://127.0.0.1:{status_server.port}"
                                                      "/lists/1"}}
            vp = wallet_answer(issuer.credential(holder, status=status), holder,
                               nonce=req["nonce"], aud=req["client_id"])
            poster = _post_in_thread(proc.url + "/oid4vp/response",
                                     data={"vp_token": vp, "state": req["state"]})
            assert status_server.connected.wait(30), "the verifier never fetched the status list"
            proc.kill()
            FAULTS["verifier"] += 1
            poster.join(timeout=30)
        proc = start_service("verifier", env, log_dir=tmp_path, port=port)
        out = httpx.get(f"{proc.url}/api/requests/{sid}", timeout=60).json()
        assert out["status"] in ("pending", "retrieved"), out
        assert out["verdict"] is None and "result" not in out
        # The wallet retries (its first POST got no answer): now without a status reference.
        retry = wallet_answer(issuer.credential(holder), holder, nonce=req["nonce"],
                              aud=req["client_id"])
        r = httpx.post(proc.url + "/oid4vp/response",
                       data={"vp_token": retry, "state": req["state"]}, timeout=60)
        assert r.status_code == 200, r.text
        out = httpx.get(f"{proc.url}/api/requests/{sid}", timeout=60).json()
        assert out["status"] == "completed" and out["verdict"] == "accepted", out
        LOST["verifier"] += 0 if out["result"] else 1
        # And every session row in the database is in a known state.
        engine = create_engine(f"sqlite:///{tmp_path / 'verifier-data' / 'verifier.sqlite3'}")
        with engine.connect() as conn:
            states = {row[0] for row in conn.execute(text(
                "SELECT status FROM verifier_sessions"))}
        engine.dispose()
        assert states <= {"pending", "retrieved", "completed"}
        assert LOST["verifier"] == 0
    finally:
        proc.stop()


class _Gate:
    """Freezes the mini issuer's credential endpoint while ``hold`` is set."""

    def __init__(self) -> None:
        self.hold = False
        self.reached = threading.Event()


@pytest.fixture
def frozen_issuer() -> Iterator[tuple[MiniIssuer, _Gate]]:
    state, gate = MiniIssuer(), _Gate()
    port = free_port()
    state.base = f"http://127.0.0.1:{port}"
    app = mini_issuer_app(state)

    @app.middleware("http")  # type: ignore[untyped-decorator]
    async def freeze(request: Any, call_next: Any) -> Any:
        if request.url.path == "/credential" and gate.hold:
            gate.reached.set()
            for _ in range(600):  # until the wallet on the other end is gone
                await asyncio.sleep(0.1)
                if not gate.hold:
                    break
        return await call_next(request)

    with serve(app, port):
        yield state, gate


def _count_credentials(db: Path) -> int:
    engine = create_engine(f"sqlite:///{db}")
    try:
        with engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(
                text("credentials"))).scalar() or 0)
    finally:
        engine.dispose()


def test_wallet_killed_between_token_and_credential(
    tmp_path: Path, frozen_issuer: tuple[MiniIssuer, _Gate],
) -> None:
    state, gate = frozen_issuer
    port = free_port()
    data = tmp_path / "wallet-data"
    env = {"dev": "1", "data_dir": str(data), "kek": b64url_encode(secrets.token_bytes(32))}
    proc: Proc = start_service("wallet", env, log_dir=tmp_path, port=port)
    http = httpx.Client(base_url=proc.url, timeout=60, follow_redirects=True)  # post/redirect/get
    try:
        learner = Learner(http)  # type: ignore[arg-type]
        assert learner.signup().status_code in (200, 303)
        page = learner.start_receive(state.new_offer())
        assert page.status_code == 200, text_of(page.text)
        flow = re.search(r'action="/receive/([^"]+)"', page.text)
        assert flow
        gate.hold = True
        poster = _post_in_thread(f"{proc.url}/receive/{flow.group(1)}", cookies=http.cookies,
                                 data={"csrf": csrf_of(page.text), "action": "accept",
                                       "tx_code": state.pin})
        assert gate.reached.wait(30), "the wallet never asked for the credential"
        assert not state.codes, "the token step should have consumed the code"
        proc.kill()
        FAULTS["wallet"] += 1
        gate.hold = False
        poster.join(timeout=30)

        assert _count_credentials(data / "wallet.sqlite3") == 0  # nothing half-stored
        proc = start_service("wallet", env, log_dir=tmp_path, port=port)
        # The login session is in the database: still logged in after the restart.
        home = http.get("/")
        assert home.status_code == 200 and "/login" not in str(home.url)
        assert learner.credential_ids() == []
        # Retrying the interrupted offer: a clear message, not a crash (its code was used).
        again = http.post(f"/receive/{flow.group(1)}", data={
            "csrf": learner.csrf("/receive"), "action": "accept", "tx_code": state.pin})
        assert again.status_code == 400, again.status_code
        alert = re.search(r'role="alert">(.*?)</div>', again.text, re.S)
        assert alert, text_of(again.text)
        print("\nretry after the crash shows:", text_of(alert.group(1)))
        # A new offer is received normally.
        r = learner.receive(state.new_offer(), state.pin)
        assert r.status_code == 200, text_of(r.text)
        assert len(learner.credential_ids()) == 1
        assert _count_credentials(data / "wallet.sqlite3") == 1
        LOST["wallet"] += 0
        print(f"\ncrash faults injected={FAULTS} records lost={LOST}")
    finally:
        http.close()
        proc.stop()
