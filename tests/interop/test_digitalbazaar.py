"""Digital Bazaar's ``@digitalbazaar/vc`` verifies what a real Rotonde issuer issues (issue 15 E).

A live issuer (uvicorn on a loopback port) issues Open Badges 3.0 and ELM credentials through
the pre-authorized OpenID4VCI flow; ``js/db_verify.mjs`` verifies each with ``@digitalbazaar/vc``
and the eddsa Data Integrity cryptosuites, with a documentLoader that knows only published
contexts and fetches nothing but the issuer's own URLs (its DID document, status lists and
Rotonde's own contexts). An OB 3.0 credential needs nothing from the issuer but its keys and
status lists; an ELM credential's context is fetched from the issuer, with the headers
``issuer/routes/vocab.py`` promises and the digest its ``relatedResource`` names.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rotonde import oid4vci
from rotonde.did.key import did_key_from_public_key
from tests.interop.conftest import run_node
from tests.issuer._support import LiveIssuer, make_settings, start_server, template, wallet

KINDS: dict[str, dict[str, Any]] = {
    "microcredential": {},
    "microcredential_rich": {
        "description": {"nl": "Basis lassen volgens MIG/MAG.", "en": "Basic MIG/MAG welding."},
        "learning_outcomes": [
            {"skill": "http://data.europa.eu/esco/skill/S6.6.1",
             "title": {"nl": "Lassen", "en": "Welding"},
             "level": {"framework": "NLQF", "value": 2, "source": "institution"}},
            {"skill": "http://data.europa.eu/esco/skill/S6.6.2",
             "title": {"nl": "Veilig werken", "en": "Working safely"}, "assurance": "attested"}],
        "equivalent_levels": [{"framework": "EQF", "value": 2, "source": "institution"}],
        "workload": {"hours": 40, "ects": 1.5},
        "assessment": {"type": "practical_exam", "supervised": "on_site",
                       "identity_verified": True,
                       "description": {"nl": "Praktijkexamen", "en": "Practical exam"}},
        "quality_assurance": {"type": "accredited_institution", "body": "NVAO"},
    },
    "qualification": {"kind": "qualification", "qualification": {"code_system": "crebo",
                                                                 "code": "25251"},
                      "level": {"framework": "NLQF", "value": 2, "source": "official"}},
    "evc": {"kind": "evc"},
    "employer_attestation": {"kind": "employer_attestation", "assurance": "attested"},
    "self_assessment": {"kind": "self_assessment", "assurance": "self_asserted",
                        "assessment": {"type": "self_assessment"},
                        "level": {"framework": "NLQF", "value": 2, "source": "self"}},
}


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveIssuer]:
    issuer = start_server(make_settings(tmp_path_factory.mktemp("issuer"),
                                        wallet_url="https://wallet.example"))
    yield issuer
    issuer.server.should_exit = True
    time.sleep(0.05)
    issuer.ctx.db.dispose()


def _credentials(live: LiveIssuer, slug: str, extra: dict[str, Any],
                 issued_to: dict[str, Any] | None = None) -> dict[str, Any]:
    """Issue one achievement to a did:key holder; every ldp_vc configuration offered.
    ``issued_to`` receives the issuer's credential id and the tenant's API key."""
    _, token = live.tenant(slug)
    achievement = {**copy.deepcopy(template()), **copy.deepcopy(extra)}
    with live.client(token) as api:
        ach = api.post("/api/v1/achievements", json=achievement)
        assert ach.status_code == 201, ach.text
        r = api.post("/api/v1/credentials", json={
            "achievement_id": ach.json()["id"], "learner": {"name": "Sanne de Vries"},
            "learner_ref": f"{slug}-1", "award_date": "2026-06-30"})
        assert r.status_code == 201, r.text
        issued = r.json()
    if issued_to is not None:
        issued_to.update(id=issued["id"], token=token)
    w = wallet("EdDSA")
    offer = w.fetch_offer(issued["offer"]["offer_uri"])
    iss = offer.credential_issuer
    meta = w.metadata(iss)
    access = w.token(iss, offer.pre_authorized_code, issued["offer"]["tx_code"]).json()[
        "access_token"]
    did = did_key_from_public_key(w.key.public_key)
    kid = f"{did}#{did.removeprefix('did:key:')}"
    out: dict[str, Any] = {}
    for config in offer.credential_configuration_ids:
        if meta["credential_configurations_supported"][config]["format"] != "ldp_vc":
            continue
        r = w.credential(meta, access, config, [w.proof(iss, w.nonce(meta), kid=kid)])
        assert r.status_code == 200, r.text
        [out[config]] = oid4vci.parse_credential_response(r.json())
    assert set(out) == {"open_badge_ldp_vc", "elm_ldp_vc"}
    return out


def _verify(node: str, live: LiveIssuer, conformance: Path, creds: list[Any]) -> dict[str, Any]:
    result: dict[str, Any] = run_node(node, "js/db_verify.mjs", {
        "credentials": creds, "issuerBase": live.url, "conformance": str(conformance)})
    return result


@pytest.mark.parametrize("variant", list(KINDS))
def test_digital_bazaar_verifies_every_ldp_credential(
    node: str, live: LiveIssuer, conformance: Path, variant: str
) -> None:
    creds = _credentials(live, f"db-{variant.replace('_', '-')}", KINDS[variant])
    ob3, elm = creds["open_badge_ldp_vc"], creds["elm_ldp_vc"]
    assert ob3["@context"] == ["https://www.w3.org/ns/credentials/v2",
                               "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
    own = f"{live.url}/contexts/elm-vcdm2/v1.jsonld"
    assert elm["@context"] == ["https://www.w3.org/ns/credentials/v2", own]
    out = _verify(node, live, conformance, [ob3, elm])
    assert [r["error"] for r in out["results"]] == [None, None]
    assert [r["verified"] for r in out["results"]] == [True, True]
    # every status entry was read, no bit is set (OB 3.0 carries revocation only, §B.1.1)
    assert [{(s["purpose"], s["set"]) for s in r["status"]} for r in out["results"]] == [
        {("revocation", False)}, {("revocation", False), ("suspension", False)}]
    contexts = [f for f in out["fetched"] if "/contexts/" in f["url"]]
    assert [f["url"] for f in contexts] == [own]  # only Rotonde's own context, once
    [ctx] = contexts
    assert ctx["status"] == 200 and ctx["contentType"] == "application/ld+json"
    assert ctx["cors"] == "*" and "immutable" in ctx["cacheControl"]
    assert ctx["sri"] == elm["relatedResource"][0]["digestSRI"]
    assert all(f["url"].startswith(live.url) for f in out["fetched"])


def test_digital_bazaar_rejects_a_tampered_credential_and_a_revoked_one(
    node: str, live: LiveIssuer, conformance: Path
) -> None:
    creds = _credentials(live, "db-tamper", {})
    ob3 = copy.deepcopy(creds["open_badge_ldp_vc"])
    ob3["credentialSubject"]["achievement"]["name"] = "Something else"
    elm = copy.deepcopy(creds["elm_ldp_vc"])
    elm["relatedResource"][0]["digestSRI"] = "sha384-" + "A" * 64
    out = _verify(node, live, conformance, [ob3, elm])
    assert [r["verified"] for r in out["results"]] == [False, False]
    assert "relatedResource" in out["results"][1]["error"] or "signature" in (
        out["results"][1]["error"] or "").lower()


def test_digital_bazaar_sees_a_revocation(node: str, live: LiveIssuer, conformance: Path) -> None:
    issued: dict[str, Any] = {}
    creds = _credentials(live, "db-revoked", {}, issued)
    with live.client(issued["token"]) as api:
        r = api.post(f"/api/v1/credentials/{issued['id']}/revoke", json={"reason": "fraud"})
        assert r.status_code == 200, r.text
    out = _verify(node, live, conformance, [creds["open_badge_ldp_vc"], creds["elm_ldp_vc"]])
    assert [r["verified"] for r in out["results"]] == [False, False]
    assert all("status bit set" in (r["error"] or "") for r in out["results"])
    assert [s for r in out["results"] for s in r["status"] if s["set"]] == [
        {"purpose": "revocation", "index": s["index"], "set": True}
        for r in out["results"] for s in r["status"] if s["purpose"] == "revocation"]
