"""Receiving credentials over OpenID4VCI from a real (loopback) issuer, and every way it can
go wrong: wrong PIN, malformed links, an issuer that does not answer or sends garbage, a
credential that fails verification, oversized and undecodable uploads."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from urllib.parse import quote

import pytest
import qrcode
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.wallet.wallet_helpers import Learner, csrf_of, make_settings, text_of
from tests.wallet.wallet_peers import MiniIssuer, free_port
from wallet.app import create_app
from wallet.models import CredentialRow


def _count(learner: Learner) -> int:
    db = learner.client.app.state.wallet.db  # type: ignore[attr-defined]
    with db.session() as s:
        return int(s.scalar(select(func.count()).select_from(CredentialRow)) or 0)


def test_receive_by_reference_with_pin(learner: Learner, issuer: MiniIssuer) -> None:
    r = learner.receive(issuer.new_offer(), issuer.pin)
    assert r.status_code == 200, text_of(r.text)
    page = text_of(r.text)
    assert "Bewaard in je wallet" in page or "Stored in your wallet" in page
    ids = learner.credential_ids()
    assert len(ids) == 1
    listing = text_of(learner.client.get("/").text)
    assert "Lassen MIG/MAG basis" in listing and "NLQF 2" in listing
    assert "Metaalschool Oost" in listing
    detail = learner.client.get(f"/credentials/{ids[0]}")
    text = text_of(detail.text)
    assert "Anouk de Boer" in text and "40" in text and "lassen" in text
    assert "Geverifieerd" in text or "Verified" in text
    raw = re.search(r"<pre>(eyJ[A-Za-z0-9_.~-]+)", detail.text)  # the raw credential
    assert raw
    # stored encrypted: neither the token nor any claim appears in the database in clear
    db = learner.client.app.state.wallet.db  # type: ignore[attr-defined]
    with db.session() as s:
        row = s.scalar(select(CredentialRow))
        assert row is not None
        assert raw.group(1)[:32] not in row.secret
        assert "Lassen" not in row.meta and "Anouk" not in row.meta


def test_receive_by_value_without_pin(learner: Learner, issuer: MiniIssuer) -> None:
    r = learner.receive(issuer.new_offer(by_reference=False, pin=False), None)
    assert r.status_code == 200, text_of(r.text)
    assert _count(learner) == 1


def test_https_offer_endpoint_asks_to_log_in_then_continues(learner: Learner,
                                                           issuer: MiniIssuer) -> None:
    link = issuer.new_offer()
    query = link.split("?", 1)[1]
    c = learner.client
    c.post("/logout", data={"csrf": learner.csrf("/")})
    r = c.get("/offer?" + query, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=%2Foffer")
    r = c.get(r.headers["location"])
    token = csrf_of(r.text)
    nxt = re.search(r'name="next" value="([^"]+)"', r.text)
    assert nxt
    r = c.post("/login", data={"username": "anouk", "password": "correct horse battery",
                               "csrf": token, "next": nxt.group(1).replace("&amp;", "&")})
    assert r.status_code == 200
    assert "Metaalschool Oost" in r.text and 'name="tx_code"' in r.text


def test_wrong_pin_stores_nothing_and_can_be_retried(learner: Learner,
                                                    issuer: MiniIssuer) -> None:
    r = learner.start_receive(issuer.new_offer())
    flow = re.search(r'action="/receive/([^"]+)"', r.text)
    assert flow
    r = learner.client.post(f"/receive/{flow.group(1)}",
                            data={"csrf": csrf_of(r.text), "tx_code": "000000"})
    assert r.status_code == 400
    assert "pincode klopt niet" in text_of(r.text) or "PIN is wrong" in text_of(r.text)
    assert _count(learner) == 0
    r = learner.client.post(f"/receive/{flow.group(1)}",
                            data={"csrf": csrf_of(r.text), "tx_code": issuer.pin})
    assert r.status_code == 200 and _count(learner) == 1
    # the step is finished: using it again is refused
    r = learner.client.post(f"/receive/{flow.group(1)}",
                            data={"csrf": csrf_of(r.text), "tx_code": issuer.pin})
    assert r.status_code == 410


def test_missing_pin_is_asked_for(learner: Learner, issuer: MiniIssuer) -> None:
    r = learner.receive(issuer.new_offer(), "")
    assert r.status_code == 400
    assert "pincode" in text_of(r.text).lower() or "PIN" in text_of(r.text)
    assert _count(learner) == 0


def test_credential_with_bad_signature_is_refused(learner: Learner, issuer: MiniIssuer) -> None:
    issuer.mode = "bad_signature"
    r = learner.receive(issuer.new_offer(), issuer.pin)
    assert r.status_code == 422
    page = text_of(r.text)
    assert "Geweigerd" in page or "Refused" in page
    assert "signature" in r.text or "handtekening" in page.lower()
    assert _count(learner) == 0


def test_expired_credential_is_refused(learner: Learner, issuer: MiniIssuer) -> None:
    issuer.mode = "expired"
    r = learner.receive(issuer.new_offer(), issuer.pin)
    assert r.status_code == 422
    assert _count(learner) == 0


def test_issuer_failing_at_the_credential_endpoint(learner: Learner, issuer: MiniIssuer) -> None:
    issuer.mode = "error500"
    r = learner.receive(issuer.new_offer(), issuer.pin)
    assert r.status_code == 422
    assert "HTTP 500" in text_of(r.text)
    assert _count(learner) == 0


def test_issuer_sending_garbage(learner: Learner, issuer: MiniIssuer) -> None:
    link = issuer.new_offer()
    issuer.mode = "garbage"
    r = learner.start_receive(link)
    assert r.status_code == 400
    assert "JSON" in text_of(r.text)
    assert _count(learner) == 0


@pytest.mark.system
def test_issuer_that_does_not_answer(learner: Learner) -> None:
    dead = f"http://127.0.0.1:{free_port()}/offers/x"
    r = learner.start_receive("openid-credential-offer://?credential_offer_uri=" + quote(dead))
    assert r.status_code == 400
    assert "mislukt" in text_of(r.text) or "failed" in text_of(r.text)


def test_malformed_offer_links(learner: Learner) -> None:
    for link in ("hello", "openid-credential-offer://?credential_offer=%7Bnot-json",
                 "openid-credential-offer://?credential_offer=" + quote(json.dumps(
                     {"credential_issuer": "ftp://x", "credential_configuration_ids": []})),
                 "openid-credential-offer://?credential_offer_uri=javascript:alert(1)", ""):
        r = learner.start_receive(link)
        assert r.status_code == 400, link
        assert 'role="alert"' in r.text
    assert _count(learner) == 0


def test_qr_image_upload(learner: Learner, issuer: MiniIssuer) -> None:
    image = qrcode.make(issuer.new_offer())
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    r = learner.client.post("/receive", data={"csrf": learner.csrf("/receive")},
                            files={"image": ("qr.png", buf.getvalue(), "image/png")})
    assert r.status_code == 200, text_of(r.text)
    assert 'name="tx_code"' in r.text


def test_upload_that_is_not_a_qr_code(learner: Learner) -> None:
    r = learner.client.post("/receive", data={"csrf": learner.csrf("/receive")},
                            files={"image": ("x.png", b"\x89PNG not really", "image/png")})
    assert r.status_code == 400 and 'role="alert"' in r.text


def test_oversized_upload(learner: Learner) -> None:
    limit = learner.client.app.state.wallet.settings.max_upload_bytes  # type: ignore[attr-defined]
    r = learner.client.post("/receive", data={"csrf": learner.csrf("/receive")},
                            files={"image": ("big.png", b"0" * (limit + 10), "image/png")})
    assert r.status_code == 413
    assert "te groot" in text_of(r.text) or "too large" in text_of(r.text)


def test_unknown_or_expired_step(learner: Learner) -> None:
    r = learner.client.post("/receive/nonexistent", data={"csrf": learner.csrf("/receive")})
    assert r.status_code == 410


def test_delete_credential(learner: Learner, issuer: MiniIssuer) -> None:
    learner.receive(issuer.new_offer(), issuer.pin)
    [cid] = learner.credential_ids()
    r = learner.client.post(f"/credentials/{cid}/delete", data={"csrf": learner.csrf("/")})
    assert r.status_code == 200 and _count(learner) == 0
    assert learner.client.get(f"/credentials/{cid}").status_code == 404


def test_recheck_updates_the_status_time(learner: Learner, issuer: MiniIssuer) -> None:
    learner.receive(issuer.new_offer(), issuer.pin)
    [cid] = learner.credential_ids()
    r = learner.client.post(f"/credentials/{cid}/recheck", data={"csrf": learner.csrf("/")})
    assert r.status_code == 200
    assert "Status per" in r.text or "Status as of" in r.text


def test_pin_attempts_are_limited(learner: Learner, issuer: MiniIssuer) -> None:
    r = learner.start_receive(issuer.new_offer())
    flow = re.search(r'action="/receive/([^"]+)"', r.text)
    assert flow
    statuses = []
    for _ in range(5):
        r = learner.client.post(f"/receive/{flow.group(1)}",
                                data={"csrf": learner.csrf("/receive"), "tx_code": "111111"})
        statuses.append(r.status_code)
    assert statuses == [400, 400, 400, 400, 429]
    assert "nieuw aanbod" in text_of(r.text) or "new offer" in text_of(r.text)
    r = learner.client.post(f"/receive/{flow.group(1)}",
                            data={"csrf": learner.csrf("/receive"), "tx_code": issuer.pin})
    assert r.status_code == 410 and _count(learner) == 0


def test_issuer_on_the_trust_list(tmp_path: Path, issuer: MiniIssuer) -> None:
    trust = {"trust_list_version": "1.0", "id": "https://trust.example/list",
             "name": {"nl": "Testlijst"},
             "issuers": [{"name": {"nl": "Metaalschool Oost"}, "identifiers": [issuer.did],
                          "kinds": ["*"]}]}
    path = tmp_path / "trust.json"
    path.write_text(json.dumps(trust), encoding="utf-8")
    app = create_app(make_settings(tmp_path, trust_list=str(path)))
    with TestClient(app) as c:
        person = Learner(c)
        person.signup()
        r = person.receive(issuer.new_offer(), issuer.pin)
        assert r.status_code == 200
        [cid] = person.credential_ids()
        html = c.get(f"/credentials/{cid}").text
        row = re.search(r"<li><span class=\"badge (\w+)\">[^<]*</span> (?:Uitgever op de "
                        r"vertrouwenslijst|Issuer on the trust list)", html)
        assert row and row.group(1) == "ok", text_of(html)


def test_issuer_not_on_the_trust_list_is_held_and_labelled(tmp_path: Path,
                                                            issuer: MiniIssuer) -> None:
    """Issue 20: the wallet's trust list is advisory. A learner holds credentials from any
    issuer; one that is not on the list is stored and labelled in words (the verifier, which
    relies on the credential, keeps trust fatal)."""
    trust = {"trust_list_version": "1.0", "id": "https://trust.example/list",
             "name": {"nl": "Testlijst"},
             "issuers": [{"name": {"nl": "Andere school"},
                          "identifiers": ["did:web:andere-school.example"], "kinds": ["*"]}]}
    path = tmp_path / "trust.json"
    path.write_text(json.dumps(trust), encoding="utf-8")
    app = create_app(make_settings(tmp_path, trust_list=str(path)))
    with TestClient(app) as c:
        person = Learner(c)
        person.signup()
        r = person.receive(issuer.new_offer(), issuer.pin)
        assert r.status_code == 200, text_of(r.text)
        page = text_of(r.text)
        assert "Bewaard in je wallet" in page or "Stored in your wallet" in page
        assert "Uitgever niet op de vertrouwenslijst" in page or "Issuer not on the trust list" in page
        [cid] = person.credential_ids()
        for html in (c.get("/").text, c.get(f"/credentials/{cid}").text):
            text = text_of(html)
            assert ("Uitgever niet op de vertrouwenslijst" in text
                    or "Issuer not on the trust list" in text), text
        row = re.search(r"<li><span class=\"badge (\w+)\">[^<]*</span> (?:Uitgever op de "
                        r"vertrouwenslijst|Issuer on the trust list)", c.get(f"/credentials/{cid}").text)
        assert row and row.group(1) == "warn"  # failed, but not fatal


def test_credential_bound_to_someone_elses_key_is_refused(learner: Learner,
                                                          issuer: MiniIssuer) -> None:
    """The holder-key check is the engine's ``holder_key`` policy check, shown like any other."""
    issuer.mode = "other_holder"
    r = learner.receive(issuer.new_offer(), issuer.pin)
    assert r.status_code == 422
    page = text_of(r.text)
    assert "niet van jou" in page or "not yours" in page
    row = re.search(r"<li><span class=\"badge (\w+)\">[^<]*</span> (?:Uitgegeven aan een van "
                    r"jouw sleutels|Issued to one of your keys)", r.text)
    assert row and row.group(1) == "bad", page
    assert _count(learner) == 0


def test_offer_link_that_was_already_used(learner: Learner, issuer: MiniIssuer) -> None:
    link = issuer.new_offer()
    assert learner.receive(link, issuer.pin).status_code == 200
    r = learner.receive(link, issuer.pin)  # the code is spent: the offer has expired
    assert r.status_code == 400
    assert "al gebruikt of verlopen" in text_of(r.text) or "already used" in text_of(r.text)
    assert _count(learner) == 1
