"""W3C VC-API: ``POST /vc-api/credentials/issue`` and ``POST /vc-api/credentials/status``
(Bearer API key of the issuing tenant; scopes ``issue`` and ``status:write``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends
from fastapi.responses import JSONResponse

from issuer.flows import vcapi
from issuer.flows.apikeys import Principal
from issuer.flows.tenants import Tenant
from issuer.routes.api import ERRORS, PROBLEM
from issuer.routes.deps import Ctx, require_scope

__all__ = ["router"]

router = APIRouter(prefix="/vc-api", tags=["VC-API"])

IssueAuth = Annotated[tuple[Principal, Tenant], Depends(require_scope("issue"))]
StatusAuth = Annotated[tuple[Principal, Tenant], Depends(require_scope("status:write"))]

_ISSUE_EXAMPLE = {"credential": {
    "@context": ["https://www.w3.org/ns/credentials/v2"],
    "type": ["VerifiableCredential"],
    "credentialSubject": {"id": "did:example:learner"}}, "options": {}}


@router.post(
    "/credentials/issue", summary="Issue a credential (VC-API; Data Integrity eddsa-rdfc-2022)",
    status_code=201,
    responses={201: {"content": {"application/json": {"example": {"verifiableCredential": {
        "@context": ["https://www.w3.org/ns/credentials/v2"], "proof": {
            "type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022"}}}}}}, **ERRORS},
)
def issue_credential(
    ctx: Ctx, auth: IssueAuth,
    body: Annotated[dict[str, Any], Body(examples=[_ISSUE_EXAMPLE])],
) -> JSONResponse:
    principal, tenant = auth
    signed = vcapi.issue_vc(ctx, tenant, body.get("credential"), actor=principal.actor)
    return JSONResponse({"verifiableCredential": signed}, status_code=201)


@router.post(
    "/credentials/status", summary="Update a credential's status (VC-API)",
    responses={200: {"content": {"application/json": {"example": {
        "credentialId": "urn:uuid:…", "status": "revoked"}}}}, 404: PROBLEM, **ERRORS},
)
def update_status(
    ctx: Ctx, auth: StatusAuth,
    body: Annotated[dict[str, Any], Body(examples=[{
        "credentialId": "urn:uuid:…",
        "credentialStatus": [{"type": "BitstringStatusListCredential", "status": "revoked"}]}])],
) -> dict[str, Any]:
    principal, tenant = auth
    return vcapi.update_status(ctx, tenant, body, actor=principal.actor)
