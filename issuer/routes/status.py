"""Status lists, served with caching headers (``Cache-Control: max-age``, ``ETag``):

* ``GET /tenants/{slug}/status/{n}/token`` — Token Status List JWT
  (``application/statuslist+jwt``);
* ``GET /tenants/{slug}/status/{n}/revocation`` and ``.../suspension`` — Bitstring Status List
  credentials (W3C Bitstring Status List 1.0 §2.2), secured with ``eddsa-rdfc-2022``.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request, Response

from issuer.flows.status import published_list
from issuer.routes.deps import Ctx, TenantFromPath
from servicekit import HttpProblem

__all__ = ["router"]

router = APIRouter(tags=["Status"])


def _serve(request: Request, ctx: Ctx, tenant: TenantFromPath, number: int, purpose: str
           ) -> Response:
    found = published_list(ctx, tenant, number, purpose)
    if found is None:
        raise HttpProblem(404, "status.list_not_found", "status list not found",
                          detail_nl="statuslijst niet gevonden")
    etag, body, media = found
    headers = {"Cache-Control": f"public, max-age={ctx.settings.status_max_age}", "ETag": etag}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media, headers=headers)


@router.get(
    "/tenants/{slug}/status/{number}/token",
    summary="Token Status List (JWT)",
    responses={200: {"content": {"application/statuslist+jwt": {"example": "eyJ…"}}},
               304: {"description": "not modified (If-None-Match)"},
               404: {"description": "no such list (problem+json)"}},
)
def token_list(request: Request, ctx: Ctx, tenant: TenantFromPath, number: int) -> Response:
    return _serve(request, ctx, tenant, number, "token")


_BITSTRING_EXAMPLE = {
    "type": ["VerifiableCredential", "BitstringStatusListCredential"],
    "credentialSubject": {
        "type": "BitstringStatusList", "statusPurpose": "revocation", "encodedList": "uH4sI…",
    },
}


@router.get(
    "/tenants/{slug}/status/{number}/{purpose}",
    summary="Bitstring Status List credential (revocation or suspension)",
    responses={
        200: {"content": {"application/vc+ld+json": {"example": _BITSTRING_EXAMPLE}}},
        304: {"description": "not modified (If-None-Match)"},
        404: {"description": "no such list (problem+json)"},
    },
)
def bitstring(
    request: Request, ctx: Ctx, tenant: TenantFromPath, number: int,
    purpose: Literal["revocation", "suspension"],
) -> Response:
    return _serve(request, ctx, tenant, number, purpose)
