"""Against the real issuer app (``issuer/``): receive every format it offers; an Open Badge
(Data Integrity, ``ldp_vc``) is verified, stored and presented to the real verifier."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests._system import system_fixture
from tests.wallet.wallet_helpers import Learner, text_of
from tests.wallet.wallet_peers import IssuerPeer, VerifierPeer, issuer_peer


@pytest.fixture(scope="module")
@system_fixture
def real_issuer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[IssuerPeer]:
    with issuer_peer(tmp_path_factory.mktemp("issuer")) as peer:
        yield peer


def _ldp_badge_configuration(peer: IssuerPeer) -> str:
    meta: dict[str, Any] = httpx.get(
        f"{peer.base}/.well-known/openid-credential-issuer/tenants/roc-rijnvallei",
        timeout=30).json()
    for cid, conf in meta["credential_configurations_supported"].items():
        types = (conf.get("credential_definition") or {}).get("type") or []
        if conf.get("format") == "ldp_vc" and "OpenBadgeCredential" in types:
            return str(cid)
    raise AssertionError(f"the issuer offers no Open Badge ldp_vc: {list(meta)}")


def test_receive_every_format_gives_a_clear_outcome(learner: Learner,
                                                   real_issuer: IssuerPeer) -> None:
    offer = real_issuer.offer()["offer"]
    r = learner.receive(offer["offer_uri"], offer["tx_code"])
    assert r.status_code in (200, 422)
    page = text_of(r.text)
    outcomes = page.count("Bewaard in je wallet") + page.count("Geweigerd")
    assert outcomes >= 1
    assert len(learner.credential_ids()) == page.count("Bewaard in je wallet")


def test_open_badge_received_and_presented(learner: Learner, real_issuer: IssuerPeer,
                                          verifier: VerifierPeer, tmp_path: Path) -> None:
    config = _ldp_badge_configuration(real_issuer)
    offer = real_issuer.offer(configurations=[config])["offer"]
    r = learner.receive(offer["offer_uri"], offer["tx_code"])
    assert r.status_code == 200, text_of(r.text)
    [cid] = learner.credential_ids()
    detail = text_of(learner.client.get(f"/credentials/{cid}").text)
    assert "Lassen MIG/MAG basis" in detail and "ROC Rijnvallei" in detail
    query = {"credentials": [{"id": "badge", "format": "ldp_vc",
                              "meta": {"type_values": [["OpenBadgeCredential"]]}}]}
    req = verifier.request(template=None, dcql_query=query)
    consent = learner.consent(req["invocation_uri"])
    assert "het hele bewijs" in consent.text or "the whole credential" in consent.text
    done = learner.share_all_checked(consent)
    assert done.status_code == 200, text_of(done.text)
    assert verifier.session(req["id"])["verdict"] == "accepted"


def test_both_jwt_forms_are_received_verified_and_presented(
        learner: Learner, real_issuer: IssuerPeer, verifier: VerifierPeer) -> None:
    """``jwt_vc_json`` (VCDM 1.1 in the ``vc`` claim, OpenID4VCI 1.0 A.1.1) and ``vc+jwt``
    (VCDM 2.0 with JOSE, VC-JOSE-COSE §3.1.1) from the real issuer: each is stored as
    verified and shown; the VCDM 1.1 one answers a jwt_vc_json query of the real verifier."""
    query = {"credentials": [{"id": "badge", "format": "jwt_vc_json",
                              "meta": {"type_values": [["OpenBadgeCredential"]]}}]}
    for n, (config, base) in enumerate((
            ("open_badge_jwt_vc_json", "https://www.w3.org/2018/credentials/v1"),
            ("open_badge_vc_jwt", "https://www.w3.org/ns/credentials/v2")), start=1):
        offer = real_issuer.offer(configurations=[config])["offer"]
        r = learner.receive(offer["offer_uri"], offer["tx_code"])
        assert r.status_code == 200, text_of(r.text)
        assert text_of(r.text).count("Bewaard in je wallet") == 1, text_of(r.text)
        ids = learner.credential_ids()
        assert len(ids) == n
        for cid in ids:
            detail = text_of(learner.client.get(f"/credentials/{cid}").text)
            assert "Lassen MIG/MAG basis" in detail and "ROC Rijnvallei" in detail, detail
        # only this credential answers the query: the first round holds the 1.1 one alone
        if n == 1:
            req = verifier.request(template=None, dcql_query=query)
            done = learner.share_all_checked(learner.consent(req["invocation_uri"]))
            assert done.status_code == 200, text_of(done.text)
            session = verifier.session(req["id"])
            assert session["verdict"] == "accepted", session
            assert base in json.dumps(session["result"])
