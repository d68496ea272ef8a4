"""Isolation between users of one deployment.

* Wallet: learner A, logged in, tries every route that takes a credential id, share key or
  flow id with learner B's values — view, recheck, delete, share (form and create), withdraw
  B's share, continue B's pending receive, present B's credential in A's own consent form,
  export — and never sees or touches B's data.
* Verifier: a result is readable through the API only with the API key that created it, and
  on the pages only by signed-in staff (outside development mode); wrong ids reveal nothing.
(Issuer tenant isolation: tests/issuer/test_issuer_isolation.py.)
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from rotonde.encoding import b64url_encode
from tests.verifier._support import sign_in
from tests.wallet.wallet_helpers import PASSWORD, Learner, csrf_of, make_settings, text_of
from tests.wallet.wallet_peers import MiniIssuer, VerifierPeer, mini_issuer, verifier_peer
from verifier.app import create_app as verifier_app
from verifier.settings import VerifierSettings
from wallet.app import create_app as wallet_app

CHECKS = {"wallet_routes": 0, "verifier_reads": 0}


@pytest.fixture(scope="module")
def issuer() -> Iterator[MiniIssuer]:
    with mini_issuer() as state:
        yield state


@pytest.fixture(scope="module")
def verifier_peer_(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VerifierPeer]:
    with verifier_peer(tmp_path_factory.mktemp("verifier")) as peer:
        yield peer


@pytest.fixture
def two_learners(tmp_path: Path, issuer: MiniIssuer) -> Iterator[tuple[Learner, Learner, Any]]:
    app = wallet_app(make_settings(tmp_path))
    with TestClient(app, base_url="http://testserver") as ca, \
            TestClient(app, base_url="http://testserver") as cb:
        a, b = Learner(ca), Learner(cb)
        assert a.signup("anouk").status_code == 200
        assert b.signup("bram").status_code == 200
        for person in (a, b):
            r = person.receive(issuer.new_offer(), issuer.pin)
            assert r.status_code == 200, text_of(r.text)
        yield a, b, app
    app.state.wallet.db.dispose()


def _share(person: Learner, credential_id: str) -> tuple[str, str]:
    form = person.client.get("/share", params={"credential": credential_id})
    claims = re.findall(r'name="claim" value="([^"]+)"', form.text)
    r = person.client.post("/share", data={"csrf": csrf_of(form.text), "credential":
                                           credential_id, "claim": claims[:1]})
    assert r.status_code == 200, text_of(r.text)
    key = re.search(r'action="/shares/([0-9a-f]{64})/withdraw"', r.text)
    url = re.search(r'(http://testserver/share/[A-Za-z0-9_-]+)', r.text)
    assert key and url, text_of(r.text)
    return key.group(1), url.group(1)


def test_learner_a_cannot_reach_learner_b(
    two_learners: tuple[Learner, Learner, Any], issuer: MiniIssuer,
    verifier_peer_: VerifierPeer,
) -> None:
    a, b, _ = two_learners
    [a_id] = a.credential_ids()
    [b_id] = b.credential_ids()
    assert a_id != b_id
    b_key, b_url = _share(b, b_id)
    pending = b.start_receive(issuer.new_offer())
    b_flow = re.search(r'action="/receive/([^"]+)"', pending.text)
    assert b_flow
    csrf = a.csrf("/")
    # view, recheck, delete
    assert a.client.get(f"/credentials/{b_id}").status_code == 404
    assert a.client.post(f"/credentials/{b_id}/recheck", data={"csrf": csrf}).status_code == 404
    assert a.client.post(f"/credentials/{b_id}/delete", data={"csrf": csrf}).status_code == 404
    # share: the form does not open B's credential; creating a share of it is refused
    page = a.client.get("/share", params={"credential": b_id})
    assert page.status_code == 200 and 'name="claim"' not in page.text  # the picker, A's own
    assert f'credential={b_id}"' not in page.text.replace("%3D", "=").split("</header>")[-1]
    r = a.client.post("/share", data={"csrf": csrf, "credential": b_id, "claim": "title"})
    assert r.status_code == 404
    # B's share cannot be withdrawn by A (and still works)
    assert a.client.post(f"/shares/{b_key}/withdraw", data={"csrf": csrf}).status_code == 404
    # B's pending receive cannot be continued by A
    r = a.client.post(f"/receive/{b_flow.group(1)}", data={
        "csrf": csrf, "action": "accept", "tx_code": issuer.pin})
    assert r.status_code == 410
    # presenting: A's own consent form, with B's credential id substituted
    req = verifier_peer_.request()
    consent = a.consent(req["invocation_uri"])
    assert consent.status_code == 200, text_of(consent.text)
    assert b_id not in consent.text
    flow = re.search(r'action="/present/([^"]+)"', consent.text)
    assert flow
    form: dict[str, str] = {"csrf": csrf_of(consent.text), "action": "share"}
    for name, _value in re.findall(r'name="(cred_[^"]+)" value="([^"]*)" checked',
                                   consent.text):
        form[name] = b_id
    assert len(form) > 2
    r = a.client.post(f"/present/{flow.group(1)}", data=form)
    assert r.status_code == 422
    assert verifier_peer_.session(req["id"])["status"] in ("pending", "retrieved")
    # nothing of B's in A's lists, history and export
    for path in ("/", "/history", "/passport", "/share"):
        assert b_id not in a.client.get(path).text
    exported = a.client.post("/backup/export", data={"csrf": a.csrf("/backup"),
                                                     "passphrase": PASSWORD + " backup"})
    assert exported.status_code == 200
    assert b_id not in exported.text and b_key not in exported.text
    CHECKS["wallet_routes"] += 12
    # B still has everything
    assert b.credential_ids() == [b_id]
    assert b.client.get(f"/credentials/{b_id}").status_code == 200
    fetched = b.client.get(b_url.replace("http://testserver", ""),
                           headers={"accept": "application/json"})
    assert fetched.status_code == 200 and fetched.json()["type"] == "rotonde-share"


def test_backup_export_holds_only_the_exporters_credentials(
    two_learners: tuple[Learner, Learner, Any], tmp_path: Path,
) -> None:
    a, _, app = two_learners
    passphrase = PASSWORD + " backup"
    data = a.client.post("/backup/export", data={"csrf": a.csrf("/backup"),
                                                 "passphrase": passphrase}).content
    with TestClient(app, base_url="http://testserver") as cc:
        c = Learner(cc)
        assert c.signup("chris").status_code == 200
        r = cc.post("/backup/import", data={"csrf": c.csrf("/backup"), "passphrase": passphrase},
                    files={"file": ("backup.json", data, "application/json")})
        assert r.status_code == 200, text_of(r.text)
        assert len(c.credential_ids()) == 1


KEY_1 = "hr-system-one-0123456789abcdef"
KEY_2 = "hr-system-two-0123456789abcdef"


def test_verifier_results_need_the_key_or_the_unguessable_id(tmp_path: Path) -> None:
    settings = VerifierSettings(dev=False, data_dir=tmp_path, public_url="https://v.test",
                                kek=b64url_encode(secrets.token_bytes(32)),
                                api_keys=(KEY_1, KEY_2))
    with TestClient(verifier_app(settings), base_url="https://v.test") as client:
        r = client.post("/api/requests", json={"template": "achievement"},
                        headers={"authorization": f"Bearer {KEY_1}"})
        assert r.status_code == 201
        sid = r.json()["id"]
        assert len(sid) >= 24  # 18 random bytes, base64url
        assert client.post("/api/requests", json={"template": "achievement"}).status_code == 401
        assert client.get(f"/api/requests/{sid}").status_code == 401
        wrong = client.get(f"/api/requests/{sid}", headers={"authorization": "Bearer nope"})
        assert wrong.status_code == 401
        other = client.get(f"/api/requests/{sid}",
                           headers={"authorization": f"Bearer {KEY_2}"})
        assert other.status_code == 404
        own = client.get(f"/api/requests/{sid}", headers={"authorization": f"Bearer {KEY_1}"})
        assert own.status_code == 200 and own.json()["id"] == sid
        # The result pages are for signed-in staff only, even with the right id ...
        for path in (f"/results/{sid}.json", f"/results/{sid}", f"/requests/{sid}/status"):
            page = client.get(path, follow_redirects=False)
            assert page.status_code == 303 and page.headers["location"].startswith("/login")
        # ... and for them a guessed or altered id reveals nothing.
        sign_in(client)
        assert client.get(f"/results/{sid}.json").status_code == 200
        for guess in (sid[:-1] + ("A" if sid[-1] != "A" else "B"), secrets.token_urlsafe(18),
                      "1", "../" + sid):
            assert client.get(f"/results/{guess}.json").status_code == 404
            assert client.get(f"/requests/{guess}/status").status_code == 404
        CHECKS["verifier_reads"] += 16
