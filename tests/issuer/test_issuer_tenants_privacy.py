"""Tenants (did:web / did:key, key rotation), jwt_vc_json, the verify engine on issued
credentials, retention of record details, the audit log, and resumable batch jobs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from issuer import models
from issuer.context import open_context
from issuer.flows.batch import create_job, process_pending
from issuer.flows.catalogue import create_achievement
from issuer.flows.issuing import purge_expired_details
from issuer.flows.tenants import create_tenant, did_document, key_id, rotate_key, signer_for
from rotonde import oid4vci
from rotonde.did import Resolver
from rotonde.errors import RotondeError
from rotonde.jose import verify_vc_jwt
from rotonde.jwt_vc import verify_jwt_vc
from rotonde.verify import VerifyOptions, verify
from tests.issuer._support import LiveIssuer, make_settings, template, wallet


def _redeem(live: LiveIssuer, token: str, config: str, **proof_kw: Any) -> tuple[Any, Any]:
    w = wallet()
    with live.client(token) as api:
        ach = api.post("/api/v1/achievements", json=template()).json()
        issued = api.post("/api/v1/credentials", json={
            "achievement_id": ach["id"], "learner": {"name": "Kees"}}).json()
    offer = w.fetch_offer(issued["offer"]["offer_uri"])
    iss = offer.credential_issuer
    meta = w.metadata(iss)
    access = w.token(iss, offer.pre_authorized_code, issued["offer"]["tx_code"]).json()[
        "access_token"]
    r = w.credential(meta, access, config, [w.proof(iss, w.nonce(meta), **proof_kw)])
    assert r.status_code == 200, r.text
    return oid4vci.parse_credential_response(r.json())[0], issued


def test_did_key_tenant_and_verify_engine(live: LiveIssuer) -> None:
    tenant, token = live.tenant("keyed", did_method="key")
    assert tenant.did.startswith("did:key:z6Mk")
    vc, _ = _redeem(live, token, "open_badge_ldp_vc")
    assert vc["issuer"] == tenant.did or vc["issuer"].get("id") == tenant.did
    report = verify(vc, VerifyOptions(check_status=False))
    check = report.check("signature")
    assert check is not None and check.outcome == "passed", report.to_dict()
    # Every format of a did:key tenant names the same issuer and verifies with no network:
    # one Ed25519 key is the DID, so SD-JWT VC, jwt_vc_json and vc+jwt are EdDSA-signed by it too.
    for config in ("microcredential_sd_jwt", "open_badge_jwt_vc_json", "open_badge_vc_jwt"):
        token_vc, _ = _redeem(live, token, config)
        report = verify(token_vc, VerifyOptions(check_status=False))
        assert report.issuer == tenant.did, report.to_dict()
        check = report.check("signature")
        assert check is not None and check.outcome == "passed", report.to_dict()


def test_sd_jwt_vc_passes_the_verify_engine(live: LiveIssuer) -> None:
    tenant, token = live.tenant("engine")
    sd, _ = _redeem(live, token, "microcredential_sd_jwt")
    key = signer_for(live.ctx, tenant, "jose").public_key
    report = verify(sd, VerifyOptions(issuer_key=key, check_status=False))
    check = report.check("signature")
    assert check is not None and check.outcome == "passed", report.to_dict()
    assert report.claims["learner"]["name"] == "Kees"


def test_jwt_vc_json(live: LiveIssuer) -> None:
    """``jwt_vc_json`` is VCDM 1.1 in a ``vc`` claim (OpenID4VCI 1.0 A.1.1, VCDM 1.1 §6.3.1);
    the VCDM 2.0 form is ``vc+jwt`` (VC-JOSE-COSE §3.1.1), its own configuration."""
    tenant, token = live.tenant("jwtvc")
    resolver = Resolver()
    resolver.register(tenant.did, did_document(live.ctx, tenant))
    kid = signer_for(live.ctx, tenant, "jose").kid
    jwt, _ = _redeem(live, token, "open_badge_jwt_vc_json")
    v11 = verify_jwt_vc(jwt, resolver=resolver)
    assert v11.header == {"typ": "JWT", "kid": kid, "alg": v11.header["alg"]}
    assert v11.payload["iss"] == tenant.did and v11.payload["sub"].startswith("did:")
    assert v11.payload["jti"] == v11.document["id"] and isinstance(v11.payload["nbf"], int)
    vc = v11.payload["vc"]
    assert vc["@context"][0] == "https://www.w3.org/2018/credentials/v1"
    assert "OpenBadgeCredential" in vc["type"] and "issuanceDate" in vc
    assert vc["credentialSubject"]["id"] == v11.payload["sub"]
    report = verify(jwt, VerifyOptions(resolver=resolver, check_status=False))
    assert report.verified and report.format == "jwt_vc_json", report.to_dict()
    # a vc+jwt verifier refuses it: it is not a VCDM 2.0 JOSE credential
    with pytest.raises(RotondeError):
        verify_vc_jwt(jwt, resolver=resolver)

    v2jwt, _ = _redeem(live, token, "open_badge_vc_jwt")
    v2 = verify_vc_jwt(v2jwt, resolver=resolver)
    assert v2.header["typ"] == "vc+jwt" and v2.header["kid"] == kid
    assert v2.document["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    assert "OpenBadgeCredential" in v2.document["type"] and "vc" not in v2.payload
    # the same OB 3.0 credentialSubject in both forms (two records of the same template)
    for name in ("type", "name", "description", "criteria", "achievementType"):
        assert (v2.document["credentialSubject"]["achievement"].get(name)
                == vc["credentialSubject"]["achievement"].get(name)), name
    report = verify(v2jwt, VerifyOptions(resolver=resolver, check_status=False))
    assert report.verified and report.format == "vc+jwt", report.to_dict()


def test_key_rotation_keeps_old_methods(live: LiveIssuer) -> None:
    tenant, token = live.tenant("rotating")
    old = signer_for(live.ctx, tenant, "jose")
    sd_before, _ = _redeem(live, token, "microcredential_sd_jwt")
    rotate_key(live.ctx, tenant, "jose", actor="test")
    new = signer_for(live.ctx, tenant, "jose")
    assert new.kid != old.kid
    doc = did_document(live.ctx, tenant)
    ids = [m["id"] for m in doc["verificationMethod"]]
    assert old.kid in ids and new.kid in ids and len(ids) == 3
    sd_after, _ = _redeem(live, token, "microcredential_sd_jwt")
    from rotonde.sdjwt import parse

    assert parse(sd_before).jws.header["kid"] == old.kid
    assert parse(sd_after).jws.header["kid"] == new.kid
    with live.client() as http:
        jwks = http.get(f"{live.url}/.well-known/jwt-vc-issuer/tenants/rotating").json()
    assert {k["kid"] for k in jwks["jwks"]["keys"]} == {key_id(old.kid), key_id(new.kid)}


def test_retention_erases_details_but_keeps_status(live: LiveIssuer) -> None:
    tenant, token = live.tenant("privacy")
    _, issued = _redeem(live, token, "microcredential_sd_jwt")
    ctx = live.ctx
    with ctx.db.session() as s:
        stored = s.connection().execute(select(models.issued.c.record).where(
            models.issued.c.id == issued["id"])).scalar_one()
    assert stored and "Kees" not in stored  # encrypted at rest
    with ctx.db.session() as s:
        s.connection().execute(update(models.issued).values(
            redeemed_at=ctx.now() - (ctx.settings.retention_days + 1) * 86400))
    assert purge_expired_details(ctx) == 1
    with live.client(token) as api:
        row = api.get(f"/api/v1/credentials/{issued['id']}").json()
        assert row["details_erased"] and row["learner_ref"] is None
        assert api.post(f"/api/v1/credentials/{issued['id']}/revoke",
                        json={"reason": "still works"}).json()["status"] == "revoked"
    with ctx.db.session() as s:
        record = s.connection().execute(select(models.issued.c.record).where(
            models.issued.c.id == issued["id"])).scalar_one()
        audit = s.connection().execute(select(models.audit_log.c.action).where(
            models.audit_log.c.tenant_id == tenant.id)).scalars().all()
    assert record is None
    assert {"tenant.create", "apikey.create", "achievement.create", "credential.issue",
            "credential.revoke"} <= set(audit)


@pytest.mark.system
def test_batch_resumes_after_interruption(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    first = open_context(settings)  # no app, no worker thread: the job is driven by hand
    tenant = create_tenant(first, slug="resume", name_nl="R", name_en="R")
    ach = create_achievement(first, tenant, template(), actor="test")
    items = [{"achievement_id": ach["id"], "learner": {"name": f"R{i}"}} for i in range(250)]
    job = create_job(first, tenant, items, actor="test")
    process_pending(first, max_chunks=1)  # then the process "crashes"
    first.db.dispose()
    second = open_context(settings)  # a restarted process carries on
    with second.db.session() as s:
        states = s.connection().execute(select(models.job_items.c.state).where(
            models.job_items.c.job_id == job["id"])).scalars().all()
    assert 0 < states.count("done") < 250 and "working" not in states
    process_pending(second)
    with second.db.session() as s:
        n = len(s.connection().execute(select(models.issued.c.id).where(
            models.issued.c.job_id == job["id"])).all())
    assert n == 250
    second.db.dispose()


@pytest.mark.system
def test_did_key_tenant_whose_key_is_missing_is_a_configuration_error(tmp_path: Path) -> None:
    """A did:key tenant's identifier is derived from its stored Ed25519 key; a database that
    lost that row gives the precise ``tenant.no_key`` error, not an AttributeError (HTTP 500)."""
    import pytest
    from sqlalchemy import delete

    from issuer.flows.tenants import get_tenant
    from rotonde.errors import ConfigurationError

    ctx = open_context(make_settings(tmp_path))
    try:
        tenant = create_tenant(ctx, slug="keyless", name_nl="K", name_en="K", did_method="key")
        with ctx.db.session() as s:
            s.connection().execute(delete(models.tenant_keys).where(
                models.tenant_keys.c.tenant_id == tenant.id))
        with pytest.raises(ConfigurationError) as info:
            get_tenant(ctx, tenant.id)
        assert info.value.code == "tenant.no_key"
    finally:
        ctx.db.dispose()
