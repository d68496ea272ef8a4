"""Presenting to a real (loopback) verifier over OpenID4VP, the consent page, history, and bad
requests (malformed links, a verifier that does not answer or sends garbage, declining)."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from rotonde.clock import SystemClock
from rotonde.errors import RotondeError
from rotonde.http import Fetcher, URLPolicy
from rotonde.learning import sdjwt_vc
from tests.wallet.wallet_helpers import Learner, make_settings, text_of
from tests.wallet.wallet_peers import MiniIssuer, VerifierPeer, free_port
from wallet.app import create_app
from wallet.flows.present import read_request

VCT = sdjwt_vc.vct_for("microcredential")


@pytest.fixture
def holder(learner: Learner, issuer: MiniIssuer) -> Learner:
    r = learner.receive(issuer.new_offer(), issuer.pin)
    assert r.status_code == 200, text_of(r.text)
    return learner


def test_present_to_verifier_with_selective_disclosure(holder: Learner,
                                                      verifier: VerifierPeer) -> None:
    req = verifier.request(vct=VCT)
    consent = holder.consent(req["invocation_uri"])
    assert consent.status_code == 200, text_of(consent.text)
    page = text_of(consent.text)
    assert "did:web:127.0.0.1" in page
    assert "niet op de vertrouwenslijst" in page or "Not on the trust list" in page
    assert "ondertekend en de handtekening klopt" in page or "signature checks out" in page
    assert "Lassen MIG/MAG basis" in page
    done = holder.share_all_checked(consent)
    assert done.status_code == 200, text_of(done.text)
    assert "Gedeeld" in done.text or "Shared" in done.text
    session = verifier.session(req["id"])
    assert session["verdict"] == "accepted", json.dumps(session["result"])[:2000]
    [cred] = session["result"]["credentials"]
    assert cred["claims"]["title"]["nl"] == "Lassen MIG/MAG basis"
    assert "name" not in cred["claims"].get("learner", {})  # not asked, not disclosed
    history = text_of(holder.client.get("/history").text)
    assert "did:web:127.0.0.1" in history and ("titel" in history or "title" in history)


def test_https_authorize_link(holder: Learner, verifier: VerifierPeer) -> None:
    req = verifier.request(vct=VCT)
    query = req["invocation_uri"].split("?", 1)[1]
    r = holder.client.get("/authorize?" + query)
    assert r.status_code == 200 and "/present/" in r.text


def test_trusted_verifier_is_shown_as_trusted(tmp_path: Path, issuer: MiniIssuer,
                                              verifier: VerifierPeer) -> None:
    req = verifier.request(vct=VCT)
    did = json.loads(json.dumps(req))["invocation_uri"].split("client_id=")[1].split("&")[0]
    from urllib.parse import unquote

    client_id = unquote(did)
    app = create_app(make_settings(tmp_path, trusted_verifiers=(client_id,)))
    with TestClient(app) as c:
        person = Learner(c)
        person.signup()
        person.receive(issuer.new_offer(), issuer.pin)
        page = text_of(person.consent(req["invocation_uri"]).text)
        assert "Staat op de vertrouwenslijst" in page or "On your wallet's trust list" in page


def test_decline_sends_nothing(holder: Learner, verifier: VerifierPeer) -> None:
    req = verifier.request(vct=VCT)
    consent = holder.consent(req["invocation_uri"])
    r = holder.share_all_checked(consent, action="decline")
    assert r.status_code == 200
    assert "niets gedeeld" in text_of(r.text) or "Nothing was shared" in text_of(r.text)
    assert verifier.session(req["id"])["verdict"] is None
    history = text_of(holder.client.get("/history").text)
    assert "nog niets gedeeld" in history or "not shared anything" in history


def test_no_matching_credential(learner: Learner, verifier: VerifierPeer) -> None:
    req = verifier.request(vct=VCT)
    consent = learner.consent(req["invocation_uri"])
    assert consent.status_code == 200
    assert "past bij dit verzoek" in consent.text or "matches this request" in consent.text
    r = learner.share_all_checked(consent)  # forcing "share" anyway is refused
    assert r.status_code == 422
    assert verifier.session(req["id"])["verdict"] is None


def test_malformed_request_links(learner: Learner) -> None:
    for link in ("", "hello", "openid4vp://?request_uri=x",
                 "openid4vp://?client_id=x&client_id=y",
                 "openid4vp://?client_id=redirect_uri:https://v.example/cb&response_type=code"):
        r = learner.consent(link)
        assert r.status_code == 400, link
        assert 'role="alert"' in r.text


@pytest.mark.system
def test_verifier_that_does_not_answer(learner: Learner) -> None:
    dead = f"http://127.0.0.1:{free_port()}/request"
    link = ("openid4vp://?client_id=decentralized_identifier%3Adid%3Aweb%3Ax.example"
            "&request_uri=" + quote(dead, safe=""))
    r = learner.consent(link)
    assert r.status_code == 400
    assert "mislukt" in text_of(r.text) or "failed" in text_of(r.text)


def test_verifier_sending_garbage(learner: Learner, issuer: MiniIssuer) -> None:
    issuer.mode = "garbage"  # its endpoints answer with bytes that are not a request object
    link = ("openid4vp://?client_id=decentralized_identifier%3Adid%3Aweb%3Ax.example"
            "&request_uri=" + quote(issuer.base + "/nonce", safe="") + "&request_uri_method=post")
    r = learner.consent(link)
    assert r.status_code == 400 and 'role="alert"' in r.text


def test_consent_step_is_single_use(holder: Learner, verifier: VerifierPeer) -> None:
    req = verifier.request(vct=VCT)
    consent = holder.consent(req["invocation_uri"])
    assert holder.share_all_checked(consent).status_code == 200
    assert holder.share_all_checked(consent).status_code == 410


_FETCHER = Fetcher(policy=URLPolicy())


@given(st.text(max_size=300))
def test_read_request_only_raises_rotonde_errors(text: str) -> None:
    try:
        read_request(text, fetcher=_FETCHER, resolver=None, clock=SystemClock(),
                     allow_http=False)
    except RotondeError:
        pass


@given(st.dictionaries(st.sampled_from(["client_id", "response_type", "response_mode",
                                        "response_uri", "nonce", "dcql_query", "state"]),
                       st.text(max_size=30), max_size=7))
def test_read_request_by_value_only_raises_rotonde_errors(params: dict[str, str]) -> None:
    from urllib.parse import urlencode

    try:
        read_request("openid4vp://?" + urlencode(params), fetcher=_FETCHER, resolver=None,
                     clock=SystemClock(), allow_http=False)
    except RotondeError:
        pass


def test_request_link_that_was_already_answered(holder: Learner,
                                                verifier: VerifierPeer) -> None:
    req = verifier.request(vct=VCT)
    assert holder.share_all_checked(holder.consent(req["invocation_uri"])).status_code == 200
    again = holder.consent(req["invocation_uri"])  # the request has been used: expired
    assert again.status_code == 400
    assert "410" in text_of(again.text)


def test_request_from_an_uploaded_qr_image(holder: Learner, verifier: VerifierPeer) -> None:
    import io

    import qrcode

    req = verifier.request(vct=VCT)
    buf = io.BytesIO()
    qrcode.make(req["invocation_uri"]).save(buf, format="PNG")
    r = holder.client.post("/present", data={"csrf": holder.csrf("/present")},
                           files={"image": ("qr.png", buf.getvalue(), "image/png")})
    assert r.status_code == 200, text_of(r.text)
    assert "/present/" in r.text


def _claim_set_request(verifier: VerifierPeer) -> dict[str, object]:
    query = {"credentials": [{
        "id": "mc", "format": "dc+sd-jwt", "meta": {"vct_values": [VCT]},
        "claims": [{"id": "t", "path": ["title"]}, {"id": "l", "path": ["level"]}],
        "claim_sets": [["t", "l"], ["t"]]}]}
    return verifier.request(template=None, dcql_query=query)


@pytest.mark.parametrize("keep_level", [True, False])
def test_optional_claims_can_be_left_out(holder: Learner, verifier: VerifierPeer,
                                         keep_level: bool) -> None:
    import re

    req = _claim_set_request(verifier)
    consent = holder.consent(str(req["invocation_uri"]))
    page = text_of(consent.text)
    assert "niveau (Mag je weglaten)" in page or "level (You may leave this out)" in page
    m = re.search(r'action="/present/([^"]+)"', consent.text)
    opt = re.search(r'name="(opt_[^"]+)" value="([^"]+)"', consent.text)
    cred = re.search(r'name="(cred_[^"]+)" value="([^"]*)" checked', consent.text)
    assert m and opt and cred
    from tests.wallet.wallet_helpers import csrf_of

    form = {"csrf": csrf_of(consent.text), "action": "share", cred.group(1): cred.group(2)}
    if keep_level:
        form[opt.group(1)] = opt.group(2).replace("&#34;", '"').replace("&quot;", '"')
    r = holder.client.post(f"/present/{m.group(1)}", data=form)
    assert r.status_code == 200, text_of(r.text)
    session = verifier.session(str(req["id"]))
    assert session["verdict"] == "accepted", json.dumps(session["result"])[:1500]
    [cred_result] = session["result"]["credentials"]
    assert ("level" in cred_result["claims"]) is keep_level
    assert "title" in cred_result["claims"]


@pytest.mark.parametrize("kept", ['[["level"]]', '[{"level": 1}]'])
def test_optional_claims_that_are_not_claim_paths_are_ignored(holder: Learner,
                                                               verifier: VerifierPeer,
                                                               kept: str) -> None:
    """A tampered ``opt_`` field that is not a DCQL claims path (an array or object inside)
    keeps nothing and is not an error (before: TypeError, unhashable, HTTP 500)."""
    import re

    req = _claim_set_request(verifier)
    consent = holder.consent(str(req["invocation_uri"]))
    m = re.search(r'action="/present/([^"]+)"', consent.text)
    opt = re.search(r'name="(opt_[^"]+)" value="([^"]+)"', consent.text)
    cred = re.search(r'name="(cred_[^"]+)" value="([^"]*)" checked', consent.text)
    assert m and opt and cred
    from tests.wallet.wallet_helpers import csrf_of

    form = {"csrf": csrf_of(consent.text), "action": "share", cred.group(1): cred.group(2),
            opt.group(1): kept}
    r = holder.client.post(f"/present/{m.group(1)}", data=form)
    assert r.status_code == 200, text_of(r.text)
    session = verifier.session(str(req["id"]))
    assert session["verdict"] == "accepted", json.dumps(session["result"])[:1500]
    [cred_result] = session["result"]["credentials"]
    assert "level" not in cred_result["claims"] and "title" in cred_result["claims"]
