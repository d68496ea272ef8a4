"""Two wallet worker processes sharing one PostgreSQL schema: a learner signed up on one worker
is logged in on the other (sessions live in the database), a credential received through one
is listed by the other, and a share link fetched through one worker is refused on the other
(served once), also when both are asked at the same moment."""

from __future__ import annotations

import re
import secrets
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from rotonde.encoding import b64url_encode
from tests.pg import fresh_schema
from tests.resilience._procs import Proc, free_port, start_service
from tests.wallet.wallet_helpers import Learner, csrf_of, text_of
from tests.wallet.wallet_peers import MiniIssuer, mini_issuer

pytestmark = pytest.mark.postgres


@pytest.fixture
def wallets(tmp_path: Path) -> Iterator[tuple[Proc, Proc]]:
    with fresh_schema("rotonde_res_wal") as (url, schema):
        port_a = free_port()
        env = {"dev": "1", "data_dir": str(tmp_path / "wallet-data"),
               "kek": b64url_encode(secrets.token_bytes(32)), "database_url": url,
               "db_schema": schema, "public_url": f"http://127.0.0.1:{port_a}"}
        procs: list[Proc] = []
        try:
            procs.append(start_service("wallet", env, log_dir=tmp_path, port=port_a))
            procs.append(start_service("wallet", env, log_dir=tmp_path))
            yield procs[0], procs[1]
        finally:
            for p in procs:
                p.stop()


@pytest.fixture
def issuer() -> Iterator[MiniIssuer]:
    with mini_issuer() as state:
        yield state


def _share(person: Learner, credential_id: str) -> str:
    form = person.client.get("/share", params={"credential": credential_id})
    claims = re.findall(r'name="claim" value="([^"]+)"', form.text)
    r = person.client.post("/share", data={"csrf": csrf_of(form.text),
                                           "credential": credential_id, "claim": claims[:1]})
    assert r.status_code == 200, text_of(r.text)
    m = re.search(r'/share/([A-Za-z0-9_-]{16,64})', r.text)
    assert m, text_of(r.text)
    return m.group(1)


def test_learner_moves_between_workers_and_shares_are_served_once(
    wallets: tuple[Proc, Proc], issuer: MiniIssuer,
) -> None:
    a, b = wallets
    with httpx.Client(base_url=a.url, timeout=60, follow_redirects=True) as ca, \
            httpx.Client(base_url=b.url, timeout=60, follow_redirects=True) as cb:
        on_a = Learner(ca)  # type: ignore[arg-type]
        assert on_a.signup("femke").status_code == 200
        cb.cookies = ca.cookies  # the same browser, routed to the other worker
        on_b = Learner(cb)  # type: ignore[arg-type]
        assert "/login" not in str(cb.get("/").url)
        r = on_a.receive(issuer.new_offer(), issuer.pin)
        assert r.status_code == 200, text_of(r.text)
        [cid] = on_b.credential_ids()
        assert on_a.credential_ids() == [cid]
        # A share created on B, fetched through A: served once, refused on B afterwards.
        share_id = _share(on_b, cid)
        accept = {"accept": "application/json"}
        first = httpx.get(f"{a.url}/share/{share_id}", headers=accept, timeout=60)
        assert first.status_code == 200 and first.json()["type"] == "rotonde-share"
        again = httpx.get(f"{b.url}/share/{share_id}", headers=accept, timeout=60)
        assert again.status_code == 410 and again.json()["code"] == "share.gone"
        # Concurrent fetches of a fresh share on both workers: exactly one gets it.
        for _ in range(3):
            share_id = _share(on_a, cid)
            codes: list[int] = []
            barrier = threading.Barrier(4)

            def fetch(base: str, sid: str = share_id, codes: list[int] = codes,
                      barrier: threading.Barrier = barrier) -> None:
                barrier.wait()
                codes.append(httpx.get(f"{base}/share/{sid}", headers=accept,
                                       timeout=60).status_code)

            threads = [threading.Thread(target=fetch, args=(p.url,)) for p in (a, b, a, b)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=60)
            assert sorted(codes) == [200, 410, 410, 410], codes
