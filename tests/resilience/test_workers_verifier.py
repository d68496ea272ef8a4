"""Two verifier worker processes sharing one PostgreSQL schema: a presentation request created
on one worker is answered on the other and read back on the first; the same OpenID4VP
response posted again (to either worker, also concurrently) is refused; a share used on one
worker is refused on the other; a KB-JWT made for verifier A is refused by verifier B."""

from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from rotonde.clock import format_datetime
from rotonde.encoding import b64url_encode
from rotonde.jws import parse_compact
from rotonde.keys import generate
from rotonde.sdjwt import present
from tests.pg import fresh_schema
from tests.resilience._procs import Proc, free_port, start_service
from tests.verifier._support import Issuer, request_params, wallet_answer

pytestmark = pytest.mark.postgres


@pytest.fixture
def verifiers(tmp_path: Path) -> Iterator[tuple[Proc, Proc, str]]:
    with fresh_schema("rotonde_res_ver") as (url, schema):
        port_a = free_port()
        public = f"http://127.0.0.1:{port_a}"
        env = {"dev": "1", "data_dir": str(tmp_path / "verifier-data"),
               "kek": b64url_encode(secrets.token_bytes(32)), "database_url": url,
               "db_schema": schema, "public_url": public}
        procs: list[Proc] = []
        try:
            procs.append(start_service("verifier", env, log_dir=tmp_path, port=port_a))
            procs.append(start_service("verifier", env, log_dir=tmp_path))
            yield procs[0], procs[1], public
        finally:
            for p in procs:
                p.stop()


def _start(proc: Proc) -> tuple[str, dict[str, Any]]:
    r = httpx.post(proc.url + "/api/requests", json={"template": "level", "min_level": 3},
                   timeout=60)
    assert r.status_code == 201, r.text
    out = r.json()
    uri = request_params(out["invocation_uri"])["request_uri"]
    ro = httpx.get(proc.url + urlsplit(uri).path, timeout=60)
    assert ro.status_code == 200, ro.text
    return out["id"], parse_compact(ro.text).claims()


def test_session_created_on_one_worker_completes_on_the_other(
    verifiers: tuple[Proc, Proc, str],
) -> None:
    a, b, _ = verifiers
    # Both workers sign request objects with the one key in the database.
    docs = [httpx.get(p.url + "/.well-known/did.json", timeout=60).json() for p in (a, b)]
    assert docs[0] == docs[1]
    issuer, holder = Issuer(), generate("ES256")
    sid, req = _start(a)
    vp = wallet_answer(issuer.credential(holder), holder, nonce=req["nonce"],
                       aud=req["client_id"])
    form = {"vp_token": vp, "state": req["state"]}
    r = httpx.post(b.url + "/oid4vp/response", data=form, timeout=60)
    assert r.status_code == 200, r.text
    out = httpx.get(f"{a.url}/api/requests/{sid}", timeout=60).json()
    assert out["status"] == "completed" and out["verdict"] == "accepted", out["result"]["reasons"]
    # The same response again, on either worker: refused, the result unchanged.
    for proc in (a, b):
        again = httpx.post(proc.url + "/oid4vp/response", data=form, timeout=60)
        assert again.status_code == 400 and again.json()["error"] == "invalid_request"
        assert "already answered" in again.json()["error_description"]
    assert httpx.get(f"{b.url}/api/requests/{sid}", timeout=60).json()["verdict"] == "accepted"


def test_concurrent_responses_on_both_workers_complete_once(
    verifiers: tuple[Proc, Proc, str],
) -> None:
    a, b, _ = verifiers
    issuer, holder = Issuer(), generate("ES256")
    lock = threading.Lock()
    races = 3
    for _ in range(races):
        sid, req = _start(b)
        vp = wallet_answer(issuer.credential(holder), holder, nonce=req["nonce"],
                           aud=req["client_id"])
        form = {"vp_token": vp, "state": req["state"]}
        codes: list[int] = []
        barrier = threading.Barrier(4)

        def post(proc: Proc, form: dict[str, str] = form, codes: list[int] = codes,
                 barrier: threading.Barrier = barrier) -> None:
            barrier.wait()
            status = httpx.post(proc.url + "/oid4vp/response", data=form, timeout=60).status_code
            with lock:
                codes.append(status)

        threads = [threading.Thread(target=post, args=(p,)) for p in (a, b, a, b)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert sorted(codes) == [200, 400, 400, 400], codes
        out = httpx.get(f"{a.url}/api/requests/{sid}", timeout=60).json()
        assert out["status"] == "completed" and out["verdict"] == "accepted", out["result"]["reasons"]


def _share_text(issuer: Issuer, holder: Any) -> str:
    share_id, nonce = secrets.token_urlsafe(18), secrets.token_urlsafe(18)
    shown = present(issuer.credential(holder), disclose=["title", "level", "assurance"],
                    holder_key=holder, nonce=nonce, aud="rotonde:share:" + share_id)
    import time

    envelope = {"type": "rotonde-share", "version": 1, "share_id": share_id, "nonce": nonce,
                "presentations": [shown], "expires_at": format_datetime(time.time() + 600)}
    return "rotonde-share:" + b64url_encode(json.dumps(envelope).encode())


def test_share_used_on_one_worker_is_refused_on_the_other(
    verifiers: tuple[Proc, Proc, str],
) -> None:
    a, b, _ = verifiers
    text = _share_text(Issuer(), generate("ES256"))
    first = httpx.post(a.url + "/api/shares", json={"text": text}, timeout=60).json()
    assert first["verdict"] == "accepted", first
    second = httpx.post(b.url + "/api/shares", json={"text": text}, timeout=60).json()
    assert second["verdict"] == "rejected"
    codes = [p["code"] for p in second["result"]["reasons"]]
    assert "share.replayed" in codes


def test_kb_jwt_for_verifier_a_is_refused_by_verifier_b(
    verifiers: tuple[Proc, Proc, str], tmp_path: Path,
) -> None:
    """Another deployment (its own database, another client_id) — the KB-JWT's ``aud`` names
    verifier A, so B refuses it even with B's own nonce and state."""
    a, _, _ = verifiers
    other = start_service("verifier", {"dev": "1", "data_dir": str(tmp_path / "other"),
                                       "kek": b64url_encode(secrets.token_bytes(32))},
                          log_dir=tmp_path)
    try:
        issuer, holder = Issuer(), generate("ES256")
        _, req_a = _start(a)
        sid_b, req_b = _start(other)
        assert req_a["client_id"] != req_b["client_id"]
        # A presentation made for A, sent with B's state and B's nonce inside — only the
        # audience differs.
        vp = wallet_answer(issuer.credential(holder), holder, nonce=req_b["nonce"],
                           aud=req_a["client_id"])
        r = httpx.post(other.url + "/oid4vp/response",
                       data={"vp_token": vp, "state": req_b["state"]}, timeout=60)
        assert r.status_code == 400  # not bound to B: refused, and B stays open
        out = httpx.get(f"{other.url}/api/requests/{sid_b}", timeout=60).json()
        assert out["verdict"] == "rejected" and out["result"]["final"] is False, out
        binding = next(c for c in out["result"]["checks"] if c["name"] == "holder_binding")
        assert binding["outcome"] == "failed"
        assert any("aud" in p["code"] for p in binding["problems"]), binding
    finally:
        other.stop()
