"""The issuer delivers exactly the credential configuration asked for, or refuses it with the
specification's error, and advertises and offers only what it can deliver (issue 15 B.10;
OpenID4VCI 1.0 §4.1.1, §8.3.1, §12.2.4; RFC 6750 §3.1).

Before, ``credential_configurations_supported`` listed the SD-JWT VC configuration of every
record kind whatever the catalogue held, an offer could name ``qualification_sd_jwt`` for a
microcredential, and the credential endpoint then handed back a microcredential.
"""

from __future__ import annotations

import copy
from typing import Any

from rotonde import oid4vci
from rotonde.keys import generate
from rotonde.learning.sdjwt_vc import vct_for
from rotonde.sdjwt import parse
from tests.issuer._support import LiveIssuer, offered, template, wallet


def _self_assessment() -> dict[str, Any]:
    t = copy.deepcopy(template())
    t["kind"] = "self_assessment"
    t["assurance"] = "self_asserted"
    del t["level"]
    t["title"] = {"nl": "Zelfbeoordeling lassen", "en": "Welding self-assessment"}
    return t


def test_metadata_lists_the_sd_jwt_configurations_of_the_catalogue_kinds_only(
    live: LiveIssuer,
) -> None:
    _, key = live.tenant("roc-kinds")
    w = wallet()
    issuer = f"{live.url}/tenants/roc-kinds"
    empty = w.metadata(issuer)["credential_configurations_supported"]
    assert not [c for c in empty if c.endswith("_sd_jwt")]
    assert {"open_badge_ldp_vc", "elm_ldp_vc", "open_badge_jwt_vc_json",
            "open_badge_vc_jwt"} <= set(empty)
    with live.client(key) as api:
        r = api.post("/api/v1/achievements", json=template())
        assert r.status_code == 201, r.text
    configs = w.metadata(issuer)["credential_configurations_supported"]
    assert [c for c in configs if c.endswith("_sd_jwt")] == ["microcredential_sd_jwt"]
    assert configs["microcredential_sd_jwt"]["vct"] == vct_for("microcredential")


def test_an_offer_cannot_name_another_kinds_configuration(live: LiveIssuer) -> None:
    _, key = live.tenant("roc-offer")
    with live.client(key) as api:
        ach = api.post("/api/v1/achievements", json=template()).json()
        r = api.post("/api/v1/credentials", json={
            "achievement_id": ach["id"], "learner": {"name": "Sanne de Vries"},
            "configurations": ["qualification_sd_jwt"]})
        assert r.status_code == 422, r.text
        body = r.json()
        assert body["code"] == "issue.configuration_mismatch"
        assert "microcredential_sd_jwt" in body["detail"]
        assert api.get("/api/v1/credentials").json()["items"] == []


def test_a_configuration_the_token_does_not_cover_is_insufficient_scope(
    live: LiveIssuer,
) -> None:
    _, key = live.tenant("roc-scope")
    with live.client(key) as api:
        ach = api.post("/api/v1/achievements", json=template()).json()
        r = api.post("/api/v1/achievements", json=_self_assessment())
        assert r.status_code == 201, r.text
        issued = api.post("/api/v1/credentials", json={
            "achievement_id": ach["id"], "learner": {"name": "Sanne de Vries"}}).json()
    w = wallet()
    offer = w.fetch_offer(issued["offer"]["offer_uri"])
    meta = w.metadata(offer.credential_issuer)
    assert "self_assessment_sd_jwt" in meta["credential_configurations_supported"]
    access = w.token(offer.credential_issuer, offer.pre_authorized_code,
                     issued["offer"]["tx_code"]).json()["access_token"]
    proof = w.proof(offer.credential_issuer, w.nonce(meta))
    r = w.credential(meta, access, "self_assessment_sd_jwt", [proof])
    assert r.status_code == 403, r.text
    assert r.json()["error"] == "insufficient_scope"
    assert r.headers["www-authenticate"].startswith("Bearer error=\"insufficient_scope\"")
    assert "credentials" not in r.json()
    # The configuration that was offered still works, and is what was asked for.
    ok = w.credential(meta, access, "microcredential_sd_jwt", [proof])
    assert ok.status_code == 200, ok.text
    token = oid4vci.parse_credential_response(ok.json())[0]
    assert parse(token).payload["vct"] == vct_for("microcredential")


def test_every_offered_configuration_is_what_the_metadata_says(live: LiveIssuer) -> None:
    w, offer, tx_code, meta = offered(live, "roc-all")
    supported = meta["credential_configurations_supported"]
    assert set(offer.credential_configuration_ids) == set(supported)
    access = w.token(offer.credential_issuer, offer.pre_authorized_code,
                     tx_code).json()["access_token"]
    for config in offer.credential_configuration_ids:
        proof = oid4vci.create_proof(generate("ES256"), audience=offer.credential_issuer,
                                     nonce=w.nonce(meta))
        r = w.credential(meta, access, config, [proof])
        assert r.status_code == 200, (config, r.text)
        credential = oid4vci.parse_credential_response(r.json())[0]
        advertised = supported[config]
        if advertised["format"] == "dc+sd-jwt":
            assert parse(credential).payload["vct"] == advertised["vct"]
        elif advertised["format"] == "ldp_vc":
            assert isinstance(credential, dict)
            assert set(advertised["credential_definition"]["type"]) <= set(credential["type"])
        elif advertised["format"] == "jwt_vc_json":
            # OpenID4VCI 1.0 A.1.1: a VCDM 1.1 credential in the JWT's vc claim (VCDM 1.1 §6.3.1)
            header, claims = _jwt_parts(credential)
            vc = claims["vc"]
            assert header["typ"] == "JWT"
            assert vc["@context"][0] == "https://www.w3.org/2018/credentials/v1"
            assert "validFrom" not in vc and "issuanceDate" in vc
            assert set(advertised["credential_definition"]["type"]) <= set(vc["type"])
            assert {"iss", "sub", "jti", "nbf"} <= set(claims)
        else:
            # VCDM 2.0 secured with JOSE (VC-JOSE-COSE §3.1.1): the credential is the payload
            assert advertised["format"] == "vc+jwt"
            header, claims = _jwt_parts(credential)
            assert header["typ"] == "vc+jwt" and "vc" not in claims
            assert claims["@context"] == advertised["credential_definition"]["@context"]
            assert set(advertised["credential_definition"]["type"]) <= set(claims["type"])


def _jwt_parts(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    import json

    from rotonde.encoding import b64url_decode

    head, body, _ = token.split(".")
    return json.loads(b64url_decode(head)), json.loads(b64url_decode(body))
