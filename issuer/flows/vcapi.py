"""W3C VC-API (Verifiable Credentials API v0.3) issuing for a tenant.

* ``issue_vc`` — ``POST /credentials/issue``: secures a caller-supplied VCDM 2.0 credential
  with Data Integrity ``eddsa-rdfc-2022`` under the tenant's did (``issuer`` must be the
  tenant's DID or absent). A ``BitstringStatusListEntry`` for revocation and one for suspension
  are added; if the caller supplies its own ``credentialStatus`` it is kept unchanged.
* ``update_status`` — ``POST /credentials/status``: ``{"credentialId", "credentialStatus":
  [{"type": ..., "status": "revoked"|"suspended"|"active"}]}`` drives the same record status
  as the provider API.
"""

from __future__ import annotations

import copy
from typing import Any

from sqlalchemy import insert, select

from issuer import models
from issuer.context import IssuerContext, new_id
from issuer.flows.issuing import change_status
from issuer.flows.status import allocate_index, list_urls
from issuer.flows.tenants import Tenant, signer_for
from rotonde.errors import ConflictError, NotFoundError, Problem, ValidationError

__all__ = ["issue_vc", "update_status"]

VCDM2 = "https://www.w3.org/ns/credentials/v2"


def _check(ctx: IssuerContext, tenant: Tenant, credential: Any) -> dict[str, Any]:
    problems: list[Problem] = []
    if not isinstance(credential, dict):
        raise ValidationError("vcapi.credential", "credential must be a JSON object",
                              message_nl="credential moet een JSON-object zijn",
                              pointer="/credential")
    ctxs = credential.get("@context")
    if not isinstance(ctxs, list) or not ctxs or ctxs[0] != VCDM2:
        problems.append(Problem("vcapi.context", f"@context must start with {VCDM2}",
                                f"@context moet beginnen met {VCDM2}", "/credential/@context"))
    types = credential.get("type")
    if not isinstance(types, list) or "VerifiableCredential" not in types:
        problems.append(Problem("vcapi.type", "type must include VerifiableCredential",
                                "type moet VerifiableCredential bevatten", "/credential/type"))
    if not isinstance(credential.get("credentialSubject"), (dict, list)):
        problems.append(Problem("vcapi.subject", "credentialSubject is required",
                                "credentialSubject is verplicht", "/credential/credentialSubject"))
    issuer = credential.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if issuer_id is not None and issuer_id != tenant.did:
        problems.append(Problem("vcapi.issuer", f"issuer must be {tenant.did}",
                                f"issuer moet {tenant.did} zijn", "/credential/issuer"))
    if "proof" in credential:
        problems.append(Problem("vcapi.proof_present", "credential already has a proof",
                                "credential heeft al een bewijs", "/credential/proof"))
    cid = credential.get("id")
    if cid is not None and (not isinstance(cid, str) or len(cid) > 500 or ":" not in cid):
        problems.append(Problem("vcapi.id", "id must be a URL of at most 500 characters",
                                "id moet een URL van hooguit 500 tekens zijn", "/credential/id"))
    if problems:
        raise ValidationError(problems=problems)
    doc = copy.deepcopy(credential)
    doc.setdefault("issuer", tenant.did)
    from rotonde.credential import validate_credential

    core = validate_credential(doc)  # VCDM 2.0 data model rules of the core
    if core:
        raise ValidationError(problems=[
            Problem(p.code, p.message, p.message_nl, "/credential" + (p.pointer or ""),
                    p.detail) for p in core])
    return doc


def issue_vc(ctx: IssuerContext, tenant: Tenant, credential: Any, *, actor: str) -> dict[str, Any]:
    from rotonde.proofs import add_proof
    from rotonde.status.bitstring import build_status_entry

    doc = _check(ctx, tenant, credential)
    issued_id = new_id()
    cid = doc.setdefault("id", f"urn:uuid:{issued_id}")
    with ctx.db.session() as s:
        conn = s.connection()
        if conn.execute(select(models.issued.c.id).where(
                models.issued.c.credential_id == cid)).first():
            raise ConflictError("vcapi.duplicate_id", "a credential with this id was issued",
                              message_nl="er is al een credential met dit id uitgegeven")
        list_id, number, idx = allocate_index(ctx, conn, tenant, issued_id)
        if "credentialStatus" not in doc:
            urls = list_urls(ctx, tenant, number)
            doc["credentialStatus"] = [
                build_status_entry(list_credential=urls["revocation"], index=idx,
                                   purpose="revocation"),
                build_status_entry(list_credential=urls["suspension"], index=idx,
                                   purpose="suspension"),
            ]
        signer = signer_for(ctx, tenant, "di")
        signed = add_proof(doc, signer=signer, verification_method=signer.kid or "",
                           clock=ctx.clock)
        conn.execute(insert(models.issued).values(
            id=issued_id, tenant_id=tenant.id, achievement_id="vc-api", record=None,
            title="", state="issued", status="active", list_id=list_id, idx=idx,
            credential_id=cid, created_at=ctx.now(), redeemed_at=ctx.now(),
        ))
        ctx.audit(conn, tenant_id=tenant.id, actor=actor, action="vcapi.issue", target=issued_id)
    return signed


_STATUS = {"revoked": "revoke", "suspended": "suspend", "active": "reinstate",
           "revocation": "revoke", "suspension": "suspend"}


def update_status(ctx: IssuerContext, tenant: Tenant, body: Any, *, actor: str) -> dict[str, Any]:
    if not isinstance(body, dict) or not isinstance(body.get("credentialId"), str):
        raise ValidationError("vcapi.credential_id", "credentialId is required",
                              message_nl="credentialId is verplicht", pointer="/credentialId")
    changes = body.get("credentialStatus")
    if not isinstance(changes, list) or not changes:
        raise ValidationError("vcapi.credential_status", "credentialStatus must be a list",
                              message_nl="credentialStatus moet een lijst zijn",
                              pointer="/credentialStatus")
    with ctx.db.session() as s:
        row = s.connection().execute(select(models.issued.c.id).where(
            models.issued.c.credential_id == body["credentialId"],
            models.issued.c.tenant_id == tenant.id)).first()
    if row is None:
        raise NotFoundError("credential.not_found", "credential not found",
                          message_nl="credential niet gevonden")
    result: dict[str, Any] = {}
    for i, change in enumerate(changes):
        status = change.get("status") if isinstance(change, dict) else None
        if isinstance(status, bool) and isinstance(change, dict):
            purpose = change.get("statusPurpose")
            status = ({"revocation": "revoked", "suspension": "suspended"}.get(str(purpose))
                      if status else "active")
        action = _STATUS.get(str(status))
        if action is None:
            raise ValidationError("vcapi.status", "status must be revoked, suspended or active",
                                  message_nl="status moet revoked, suspended of active zijn",
                                  pointer=f"/credentialStatus/{i}/status")
        result = change_status(ctx, tenant, row.id, action, reason=f"VC-API {status}",
                               actor=actor)
    return {"credentialId": body["credentialId"], "status": result.get("status")}
