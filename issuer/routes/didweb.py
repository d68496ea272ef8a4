"""``GET /tenants/{slug}/did.json``: the tenant's did:web document (DID Web method §3.2)."""

from __future__ import annotations

import hashlib
import json

from fastapi import APIRouter, Request, Response

from issuer.flows.tenants import did_document
from issuer.routes.deps import Ctx, TenantFromPath

__all__ = ["router"]

router = APIRouter(tags=["DID"])


@router.get(
    "/tenants/{slug}/did.json",
    summary="The tenant's did:web DID document",
    responses={200: {"content": {"application/did+json": {"example": {
        "id": "did:web:issuer.example:tenants:roc-oost",
        "verificationMethod": [{"id": "did:web:issuer.example:tenants:roc-oost#di-abc",
                                "type": "Multikey"}]}}}}},
)
def did_json(request: Request, ctx: Ctx, tenant: TenantFromPath) -> Response:
    body = json.dumps(did_document(ctx, tenant), separators=(",", ":")).encode()
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {"Cache-Control": "public, max-age=300", "ETag": etag}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/did+json", headers=headers)
