"""The whole pre-authorized OpenID4VCI flow over real HTTP, wallet side with httpx +
rotonde.oid4vci, and the credential checked with the core verifier."""

from __future__ import annotations

from typing import Any

from rotonde import oid4vci
from rotonde.sdjwt import parse
from rotonde.status.token import parse_status_reference
from tests.issuer._support import LiveIssuer, template, wallet


def _issue(live: LiveIssuer, token: str, **extra: Any) -> dict[str, Any]:
    with live.client(token) as api:
        ach = api.post("/api/v1/achievements", json=template())
        assert ach.status_code == 201, ach.text
        r = api.post("/api/v1/credentials", json={
            "achievement_id": ach.json()["id"], "learner": {"name": "Sanne de Vries"},
            "learner_ref": "s-48213", "award_date": "2026-06-30", **extra})
        assert r.status_code == 201, r.text
        return dict(r.json())


def test_sd_jwt_vc_end_to_end(live: LiveIssuer) -> None:
    tenant, token = live.tenant("roc-oost", brin="25LX")
    issued = _issue(live, token)
    offer_info = issued["offer"]
    assert offer_info["offer_uri"].startswith("openid-credential-offer://?credential_offer_uri=")

    w = wallet()
    offer = w.fetch_offer(offer_info["offer_uri"])
    issuer = offer.credential_issuer
    assert issuer == f"{live.url}/tenants/roc-oost"
    assert offer.tx_code is not None and offer.tx_code.length == 6
    meta = w.metadata(issuer)
    assert "microcredential_sd_jwt" in meta["credential_configurations_supported"]

    r = w.token(issuer, offer.pre_authorized_code, offer_info["tx_code"])
    assert r.status_code == 200, r.text
    assert r.headers["cache-control"] == "no-store"
    access = oid4vci.parse_token_response(r.json())["access_token"]

    nonce = w.nonce(meta)
    r = w.credential(meta, access, "microcredential_sd_jwt", [w.proof(issuer, nonce)])
    assert r.status_code == 200, r.text
    [credential] = oid4vci.parse_credential_response(r.json())

    sd = parse(credential)
    claims = sd.jws.claims()
    assert claims["iss"] == tenant.did
    assert sd.jws.header["kid"].startswith(tenant.did + "#")
    assert claims["cnf"]["jwk"] == w.key.public_key.to_jwk()
    idx, uri = parse_status_reference(claims) or (None, None)
    assert uri is not None and uri.startswith(f"{issuer}/status/")
    assert isinstance(idx, int)
    # The key named by kid in the JWT VC Issuer Metadata found from iss verifies the signature
    # (the path the core's rotonde.keyresolve takes), and it is the one in the did:web document.
    from rotonde.keys import public_key_from_jwk, public_key_from_multikey

    meta_url = f"{live.url}/.well-known/jwt-vc-issuer/tenants/roc-oost"
    jwt_meta = w.http.get(meta_url).json()
    assert jwt_meta["issuer"] == issuer
    fragment = sd.jws.header["kid"].partition("#")[2]
    [jwk] = [k for k in jwt_meta["jwks"]["keys"] if k["kid"] == fragment]
    sd.jws.verify(public_key_from_jwk(jwk))
    doc = w.http.get(f"{issuer}/did.json").json()
    vm = next(m for m in doc["verificationMethod"] if m["id"] == sd.jws.header["kid"])
    assert public_key_from_multikey(vm["publicKeyMultibase"]) == public_key_from_jwk(jwk)

    # The code is single-use: a second redemption fails with invalid_grant.
    again = w.token(issuer, offer.pre_authorized_code, offer_info["tx_code"])
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"
    # The nonce is single-use as well (asked with another configuration the token covers).
    replay = w.credential(meta, access, "open_badge_jwt_vc_json", [w.proof(issuer, nonce)])
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_nonce"

    with live.client(token) as api:
        listed = api.get("/api/v1/credentials", params={"q": "s-48213"}).json()
    assert listed["total"] == 1 and listed["items"][0]["state"] == "issued"
    assert tenant.did.startswith("did:web:127.0.0.1%3A")


def test_ldp_vc_forms_with_did_key_holder(live: LiveIssuer) -> None:
    from rotonde.did.key import did_key_from_public_key
    from rotonde.keys import public_key_from_multikey
    from rotonde.proofs import verify_proof

    _, token = live.tenant("hogeschool")
    issued = _issue(live, token)
    w = wallet("EdDSA")
    offer = w.fetch_offer(issued["offer"]["offer_uri"])
    assert set(offer.credential_configuration_ids) == {
        "microcredential_sd_jwt", "open_badge_ldp_vc", "elm_ldp_vc", "open_badge_jwt_vc_json",
        "open_badge_vc_jwt"}
    iss = offer.credential_issuer
    meta = w.metadata(iss)
    access = w.token(iss, offer.pre_authorized_code, issued["offer"]["tx_code"]).json()[
        "access_token"]
    did = did_key_from_public_key(w.key.public_key)
    kid = f"{did}#{did.removeprefix('did:key:')}"
    doc = w.http.get(f"{iss}/did.json").json()
    keys = {m["id"]: public_key_from_multikey(m["publicKeyMultibase"])
            for m in doc["verificationMethod"]}
    for config, vc_type in (("open_badge_ldp_vc", "OpenBadgeCredential"),
                            ("elm_ldp_vc", "EuropeanDigitalCredential")):
        r = w.credential(meta, access, config, [w.proof(iss, w.nonce(meta), kid=kid)])
        assert r.status_code == 200, r.text
        [vc] = oid4vci.parse_credential_response(r.json())
        assert vc_type in vc["type"]
        subject = vc["credentialSubject"]
        subject = subject[0] if isinstance(subject, list) else subject
        assert subject["id"] == did
        entries = vc["credentialStatus"]
        if config == "open_badge_ldp_vc":  # OB 3.0 §B.1.1: one credentialStatus, revocation
            assert isinstance(entries, dict) and entries["statusPurpose"] == "revocation"
            entries = [entries]
        purposes = {s["statusPurpose"] for s in entries if s["type"] == "BitstringStatusListEntry"}
        expected = {"revocation"} if config == "open_badge_ldp_vc" else {"revocation", "suspension"}
        assert expected <= purposes
        verify_proof(vc, keys=keys, require_controller=False)
