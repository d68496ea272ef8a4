"""Bad input gets a precise error and changes nothing."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import func, select

from issuer import models
from rotonde import oid4vci
from rotonde.jws import sign_compact
from rotonde.keys import generate
from tests.issuer._support import LiveIssuer, template, wallet


def _count(live: LiveIssuer, table: Any) -> int:
    with live.ctx.db.session() as s:
        return int(s.connection().execute(select(func.count()).select_from(table)).scalar_one())


def _offer(live: LiveIssuer, slug: str = "roc-a") -> tuple[str, dict[str, Any]]:
    _, token = live.tenant(slug)
    with live.client(token) as api:
        ach = api.post("/api/v1/achievements", json=template()).json()
        issued = api.post("/api/v1/credentials", json={
            "achievement_id": ach["id"], "learner": {"name": "Piet"}}).json()
    return token, issued["offer"]


def test_invalid_achievement_is_422_with_field_errors_and_nothing_stored(live: LiveIssuer) -> None:
    _, token = live.tenant("roc-bad")
    bad = template()
    bad["learning_outcomes"][0]["skill"] = "not-an-esco-uri"
    bad["level"]["value"] = 12
    with live.client(token) as api:
        r = api.post("/api/v1/achievements", json=bad)
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    pointers = {e["pointer"] for e in body["errors"]}
    assert "/learning_outcomes/0/skill" in pointers
    assert any(p.startswith("/level") for p in pointers)
    assert all(e["message"] and e["message_nl"] for e in body["errors"])
    assert _count(live, models.achievements) == 0
    with live.client(token) as api:
        r = api.post("/api/v1/achievements", json={**template(), "learner": {"name": "x"}})
        assert r.status_code == 422 and r.json()["errors"][0]["pointer"] == "/learner"
        r = api.post("/api/v1/credentials", json={"achievement_id": "x", "learner": {}})
        assert r.status_code == 422 and any(
            e["pointer"] == "/learner/name" for e in r.json()["errors"])
    assert _count(live, models.issued) == 0


def test_unknown_expired_and_reused_codes_are_invalid_grant(live: LiveIssuer) -> None:
    _, info = _offer(live)
    w = wallet()
    offer = w.fetch_offer(info["offer_uri"])
    iss = offer.credential_issuer
    r = w.token(iss, "no-such-code", "123456")
    assert r.status_code == 400 and r.json()["error"] == "invalid_grant"
    assert w.token(iss, offer.pre_authorized_code, None).json()["error"] == "invalid_request"
    assert w.token(iss, offer.pre_authorized_code, info["tx_code"]).status_code == 200
    assert w.token(iss, offer.pre_authorized_code, info["tx_code"]).json()["error"] == (
        "invalid_grant")
    r = w.http.post(f"{iss}/token", data={"grant_type": "authorization_code", "code": "x"})
    assert r.json()["error"] == "unsupported_grant_type"
    r = w.http.post(f"{iss}/token", json={"grant_type": oid4vci.PRE_AUTHORIZED_GRANT})
    assert r.json()["error"] == "invalid_request"


def test_expired_code_is_invalid_grant(live: LiveIssuer) -> None:
    _, info = _offer(live)
    w = wallet()
    offer = w.fetch_offer(info["offer_uri"])
    from sqlalchemy import update

    from servicekit.replay import one_time_table

    with live.ctx.db.session() as s:
        s.connection().execute(update(one_time_table).values(expires_at=time.time() - 1))
    r = w.token(offer.credential_issuer, offer.pre_authorized_code, info["tx_code"])
    assert r.json()["error"] == "invalid_grant"


def test_wrong_pin_counts_attempts_then_locks(live: LiveIssuer) -> None:
    _, info = _offer(live)
    w = wallet()
    offer = w.fetch_offer(info["offer_uri"])
    wrong = "000000" if info["tx_code"] != "000000" else "111111"
    limit = live.ctx.settings.tx_code_attempts
    for i in range(limit):
        r = w.token(offer.credential_issuer, offer.pre_authorized_code, wrong)
        assert r.status_code == 400 and r.json()["error"] == "invalid_grant"
        assert ("locked" in r.json()["error_description"]) == (i == limit - 1)
    r = w.token(offer.credential_issuer, offer.pre_authorized_code, info["tx_code"])
    assert r.json()["error"] == "invalid_grant"  # locked out, even with the right PIN


def _access(live: LiveIssuer) -> tuple[Any, dict[str, Any], str, str]:
    _, info = _offer(live)
    w = wallet()
    offer = w.fetch_offer(info["offer_uri"])
    meta = w.metadata(offer.credential_issuer)
    access = w.token(offer.credential_issuer, offer.pre_authorized_code,
                     info["tx_code"]).json()["access_token"]
    return w, meta, access, offer.credential_issuer



def test_key_proof_for_a_small_order_key_binds_nothing(live: LiveIssuer) -> None:
    """A key proof whose header jwk is the Ed25519 identity point, "signed" R = identity, S = 0
    without any private key (OpenSSL accepts that for every message): refused, no credential is
    bound to that key."""
    import json

    from rotonde.encoding import b64url_encode

    w, meta, access, iss = _access(live)
    identity = b64url_encode(bytes.fromhex("01" + "00" * 31))
    header = {"typ": oid4vci.PROOF_TYP, "alg": "EdDSA",
              "jwk": {"kty": "OKP", "crv": "Ed25519", "x": identity}}
    claims = {"aud": iss, "iat": int(time.time()), "nonce": w.nonce(meta)}
    forged = ".".join([b64url_encode(json.dumps(header).encode()),
                       b64url_encode(json.dumps(claims).encode()),
                       b64url_encode(bytes.fromhex("01" + "00" * 63))])
    r = w.credential(meta, access, "microcredential_sd_jwt", [forged])
    assert r.status_code == 400, r.text
    assert r.json()["error"] == "invalid_proof"
    assert "key.small_order" in r.json()["error_description"]
    assert "credentials" not in r.json() and "credential" not in r.json()

def test_bad_proofs(live: LiveIssuer) -> None:
    w, meta, access, iss = _access(live)

    def err(proofs: list[str], config: str = "microcredential_sd_jwt") -> str:
        r = w.credential(meta, access, config, proofs)
        assert r.status_code == 400, r.text
        return str(r.json()["error"])

    assert err([w.proof("https://other.example", w.nonce(meta))]) == "invalid_proof"
    assert err([w.proof(iss, "never-issued")]) == "invalid_nonce"
    assert err([w.proof(iss, None)]) == "invalid_proof"  # §8.3.1.2 (3): no c_nonce at all
    assert err([w.proof(iss, w.nonce(meta), issued_at=time.time() - 3600)]) == "invalid_proof"
    # Wrong typ, and a key the issuer does not accept (header jwk of another key).
    nonce = w.nonce(meta)
    wrong_typ = sign_compact({"typ": "JWT", "jwk": w.key.public_key.to_jwk()},
                             {"aud": iss, "iat": int(time.time()), "nonce": nonce}, w.key)
    assert err([wrong_typ]) == "invalid_proof"
    other = generate("ES256")
    mismatched = sign_compact({"typ": oid4vci.PROOF_TYP, "jwk": other.public_key.to_jwk()},
                              {"aud": iss, "iat": int(time.time()), "nonce": nonce}, w.key)
    assert err([mismatched]) == "invalid_proof"
    assert err([w.proof(iss, nonce)], config="NoSuchThing") == "unknown_credential_configuration"
    r = w.http.post(meta["credential_endpoint"], content=b"{not json",
                    headers={"Authorization": f"Bearer {access}"})
    assert r.json()["error"] == "invalid_credential_request"
    r = w.http.post(meta["credential_endpoint"],
                    json={"credential_configuration_id": "microcredential_sd_jwt",
                          "proof": {"proof_type": "jwt", "jwt": "x"}},
                    headers={"Authorization": f"Bearer {access}"})
    assert r.json()["error"] == "invalid_credential_request"
    r = w.credential(meta, "bogus", "microcredential_sd_jwt", [w.proof(iss, nonce)])
    assert r.status_code == 401 and r.json()["error"] == "invalid_token"
    # After all that, a good request still works (the nonce above was never consumed).
    assert w.credential(meta, access, "microcredential_sd_jwt", [w.proof(iss, nonce)]).status_code == 200


def test_replayed_nonce_across_requests(live: LiveIssuer) -> None:
    w, meta, access, iss = _access(live)
    nonce = w.nonce(meta)
    assert w.credential(meta, access, "microcredential_sd_jwt", [w.proof(iss, nonce)]).status_code == 200
    # (another configuration: the token already obtained the first one)
    r = w.credential(meta, access, "open_badge_jwt_vc_json", [w.proof(iss, nonce)])
    assert r.json()["error"] == "invalid_nonce"


def test_oversized_body_rejected_before_parsing(live: LiveIssuer) -> None:
    _, token = live.tenant("roc-big")
    limit = live.ctx.settings.max_body_bytes
    with live.client(token) as api:
        r = api.post("/api/v1/achievements", content=b"{" + b" " * limit + b"}",
                     headers={"content-type": "application/json"})
        assert r.status_code == 413
        assert r.json()["code"] == "request.too_large"

        def chunks() -> Any:
            for _ in range(limit // 65536 + 2):
                yield b" " * 65536

        r = api.post("/api/v1/achievements", content=chunks(),
                     headers={"content-type": "application/json"})
        assert r.status_code == 413
    assert _count(live, models.achievements) == 0


def test_missing_or_wrong_api_key(live: LiveIssuer) -> None:
    with live.client() as anon:
        r = anon.get("/api/v1/achievements")
        assert r.status_code == 401 and r.json()["code"] == "auth.invalid_api_key"
    with live.client("rtk_forged") as forged:
        assert forged.get("/api/v1/achievements").status_code == 401
    tenant, _ = live.tenant("roc-scoped")
    from issuer.flows.apikeys import new_api_key

    _, read_only = new_api_key(live.ctx, tenant.id, scopes=["achievements:read"])
    with live.client(read_only) as api:
        assert api.get("/api/v1/achievements").status_code == 200
        r = api.post("/api/v1/achievements", json=template())
        assert r.status_code == 403 and r.json()["code"] == "auth.scope_missing"


def test_awarding_body_must_be_the_tenant_itself(live: LiveIssuer) -> None:
    """Issue 19 item 2: a tenant could name another school's DID as awarding body; wallets then
    showed "Uitgegeven door: ROC Rijnvallei" for a credential the tenant signed."""
    tenant, token = live.tenant("roc-claims")
    other = {"id": "did:web:roc-rijnvallei.example", "name": {"nl": "ROC Rijnvallei"},
             "country": "NL"}
    before = (_count(live, models.achievements), _count(live, models.issued))
    with live.client(token) as api:
        r = api.post("/api/v1/achievements", json={**template(), "awarding_body": other})
        assert r.status_code == 422, r.text
        assert r.json()["errors"][0]["code"] == "achievement.awarding_body_not_tenant"
        assert r.json()["errors"][0]["pointer"] == "/awarding_body/id"
        assert (_count(live, models.achievements), _count(live, models.issued)) == before
        own = api.post("/api/v1/achievements", json={
            **template(), "awarding_body": {**other, "id": tenant.did}})
        assert own.status_code == 201, own.text
        ach = api.post("/api/v1/achievements", json=template()).json()  # filled in: the tenant
        assert ach["template"]["awarding_body"]["id"] == tenant.did
        r = api.post("/api/v1/credentials", json={
            "achievement_id": ach["id"], "learner": {"name": "Piet"},
            "extra": {"awarding_body": other}})
        assert r.status_code == 422, r.text  # per-learner fields are an allow-list (item 7)
        assert r.json()["errors"][0]["code"] == "issue.extra_not_allowed"
        assert r.json()["errors"][0]["pointer"] == "/extra/awarding_body"
    assert _count(live, models.issued) == before[1]


def test_nothing_is_signed_in_another_schools_name(live: LiveIssuer) -> None:
    """The signing step refuses such a record too (e.g. one stored before the check existed)."""
    import pytest

    from issuer.flows.render import render_credential
    from rotonde.errors import ValidationError

    tenant, _ = live.tenant("roc-old")
    record = {**template(), "learner": {"name": "Piet"}, "award_date": "2026-06-30",
              "awarding_body": {"id": "did:web:roc-rijnvallei.example",
                                "name": {"nl": "ROC Rijnvallei"}, "country": "NL"}}
    for config in ("microcredential_sd_jwt", "open_badge_ldp_vc"):
        with pytest.raises(ValidationError) as err:
            render_credential(live.ctx, tenant, config, record, credential_id="c1",
                              list_number=0, idx=1, holder_key=generate("ES256").public_key)
        assert err.value.code == "achievement.awarding_body_not_tenant"
