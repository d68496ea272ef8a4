"""OpenID4VCI 1.0 protocol endpoints, per tenant (Credential Issuer Identifier
``<public_url>/tenants/<slug>``).

* ``GET /.well-known/openid-credential-issuer/tenants/{slug}`` (§12.2.2: well-known inserted
  between host and path) and ``GET /tenants/{slug}/.well-known/openid-credential-issuer``;
* ``GET /.well-known/jwt-vc-issuer/tenants/{slug}`` — JWT VC Issuer Metadata (the SD-JWT VC
  signing keys, found from the credential's ``iss``);
* ``GET /.well-known/oauth-authorization-server/tenants/{slug}`` (RFC 8414 §3) and the
  path-appended variant; the tenant is its own authorization server (pre-authorized grant);
* ``GET /tenants/{slug}/credential-offer/{id}`` — offer by reference (§4.1.3);
* ``POST /tenants/{slug}/token`` (§6), ``POST /tenants/{slug}/nonce`` (§7),
  ``POST /tenants/{slug}/credential`` (§8).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from issuer.flows.catalogue import catalogue_kinds
from issuer.flows.issuing import offer_document
from issuer.flows.redeem import BATCH_SIZE, exchange_token, issue_credentials, new_nonce
from issuer.flows.render import configuration_metadata
from issuer.flows.tenants import jwt_vc_issuer_metadata
from issuer.routes.deps import Ctx, TenantFromPath
from rotonde.encoding import loads_json
from rotonde.errors import ParseError
from rotonde.oid4vci import PRE_AUTHORIZED_GRANT, issuer_metadata, nonce_response
from servicekit.problem import OAuthError, oauth_errors
from servicekit.ratelimit import client_key, count_request

__all__ = ["router"]

router = APIRouter(tags=["OpenID4VCI"])

_NO_STORE = {"Cache-Control": "no-store"}
_META_CACHE = {"Cache-Control": "public, max-age=300"}


def _rate_limit(request: Request, ctx: Ctx, tenant: TenantFromPath, name: str) -> None:
    """At most ``settings.rate_limit`` token / credential requests per client and tenant per
    window, counted in the database so it holds across workers (429 + Retry-After)."""
    settings = ctx.settings
    decision = count_request(ctx.once, name, f"{tenant.id}|{client_key(request)}",
                             limit=settings.rate_limit, window=settings.rate_window)
    if not decision.allowed:
        raise OAuthError("slow_down", "too many requests; try again later", status=429,
                         headers={**decision.headers, **_NO_STORE})

_OAUTH_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "OAuth error response (`error`, `error_description`)",
          "content": {"application/json": {"example": {
              "error": "invalid_grant",
              "error_description": "pre-authorized code is unknown, expired or used"}}}},
}


def _issuer_metadata(ctx: Ctx, tenant: TenantFromPath) -> dict[str, Any]:
    display = []
    for locale, name in (("nl-NL", tenant.name_nl), ("en-GB", tenant.name_en)):
        item: dict[str, Any] = {"name": name, "locale": locale}
        if tenant.logo_uri:
            item["logo"] = {"uri": tenant.logo_uri, "alt_text": name}
        display.append(item)
    base = ctx.tenant_base(tenant.slug)
    return issuer_metadata(
        credential_issuer=base,
        credential_configurations=configuration_metadata(tenant, catalogue_kinds(ctx, tenant)),
        display=display,
        credential_endpoint=base + "/credential",
        nonce_endpoint=base + "/nonce",
        batch_size=BATCH_SIZE,
    )


_META_EXAMPLE = {"credential_issuer": "https://issuer.example/tenants/roc-oost",
                 "credential_endpoint": "https://issuer.example/tenants/roc-oost/credential",
                 "nonce_endpoint": "https://issuer.example/tenants/roc-oost/nonce",
                 "credential_configurations_supported": {"microcredential_sd_jwt": {
                     "format": "dc+sd-jwt"}}}


@router.get(
    "/.well-known/openid-credential-issuer/tenants/{slug}",
    summary="Credential Issuer Metadata (OpenID4VCI §12.2)",
    responses={200: {"content": {"application/json": {"example": _META_EXAMPLE}}}},
)
def well_known_issuer(ctx: Ctx, tenant: TenantFromPath) -> JSONResponse:
    return JSONResponse(_issuer_metadata(ctx, tenant), headers=_META_CACHE)


@router.get(
    "/tenants/{slug}/.well-known/openid-credential-issuer",
    summary="Credential Issuer Metadata (path-appended variant)",
    responses={200: {"content": {"application/json": {"example": _META_EXAMPLE}}}},
)
def tenant_well_known_issuer(ctx: Ctx, tenant: TenantFromPath) -> JSONResponse:
    return JSONResponse(_issuer_metadata(ctx, tenant), headers=_META_CACHE)


@router.get(
    "/.well-known/jwt-vc-issuer/tenants/{slug}",
    summary="JWT VC Issuer Metadata: the keys that sign this issuer's SD-JWT VCs",
    responses={200: {"content": {"application/json": {"example": {
        "issuer": "https://issuer.example/tenants/roc-oost",
        "jwks": {"keys": [{"kty": "EC", "crv": "P-256", "x": "…", "y": "…",
                           "kid": "jose-4f1c…", "alg": "ES256", "use": "sig"}]}}}}}},
)
def well_known_jwt_vc_issuer(ctx: Ctx, tenant: TenantFromPath) -> JSONResponse:
    return JSONResponse(jwt_vc_issuer_metadata(ctx, tenant), headers=_META_CACHE)


def _as_metadata(ctx: Ctx, tenant: TenantFromPath) -> dict[str, Any]:
    base = ctx.tenant_base(tenant.slug)
    return {
        "issuer": base,
        "token_endpoint": base + "/token",
        "grant_types_supported": [PRE_AUTHORIZED_GRANT],
        "pre-authorized_grant_anonymous_access_supported": True,
        "response_types_supported": [],
        "token_endpoint_auth_methods_supported": ["none"],
    }


@router.get(
    "/.well-known/oauth-authorization-server/tenants/{slug}",
    summary="OAuth Authorization Server Metadata (RFC 8414)",
    responses={200: {"content": {"application/json": {"example": {
        "issuer": "https://issuer.example/tenants/roc-oost",
        "token_endpoint": "https://issuer.example/tenants/roc-oost/token"}}}}},
)
def well_known_as(ctx: Ctx, tenant: TenantFromPath) -> JSONResponse:
    return JSONResponse(_as_metadata(ctx, tenant), headers=_META_CACHE)


@router.get(
    "/tenants/{slug}/.well-known/oauth-authorization-server",
    summary="OAuth Authorization Server Metadata (path-appended variant)",
    responses={200: {"content": {"application/json": {"example": {
        "issuer": "https://issuer.example/tenants/roc-oost"}}}}},
)
def tenant_well_known_as(ctx: Ctx, tenant: TenantFromPath) -> JSONResponse:
    return JSONResponse(_as_metadata(ctx, tenant), headers=_META_CACHE)


@router.get(
    "/tenants/{slug}/credential-offer/{offer_id}",
    summary="Credential Offer by reference (OpenID4VCI §4.1.3)",
    responses={200: {"content": {"application/json": {"example": {
        "credential_issuer": "https://issuer.example/tenants/roc-oost",
        "credential_configuration_ids": ["microcredential_sd_jwt"],
        "grants": {PRE_AUTHORIZED_GRANT: {"pre-authorized_code": "…",
                                          "tx_code": {"input_mode": "numeric", "length": 6}}}}}}},
               404: {"description": "unknown or expired offer (problem+json)"}},
)
def credential_offer(ctx: Ctx, tenant: TenantFromPath, offer_id: str) -> JSONResponse:
    return JSONResponse(offer_document(ctx, tenant, offer_id), headers=_NO_STORE)


@router.post(
    "/tenants/{slug}/token",
    summary="Token Endpoint, pre-authorized code grant (OpenID4VCI §6)",
    responses={200: {"content": {"application/json": {"example": {
        "access_token": "…", "token_type": "Bearer", "expires_in": 300}}}}, **_OAUTH_ERRORS},
    openapi_extra={"requestBody": {"required": True, "content": {
        "application/x-www-form-urlencoded": {"schema": {"type": "object", "properties": {
            "grant_type": {"type": "string", "example": PRE_AUTHORIZED_GRANT},
            "pre-authorized_code": {"type": "string"},
            "tx_code": {"type": "string", "example": "493536"},
            "authorization_details": {"type": "string", "example": (
                '[{"type":"openid_credential",'
                '"credential_configuration_id":"microcredential_sd_jwt"}]')}},
            "required": ["grant_type", "pre-authorized_code"]}}}}},
)
async def token(request: Request, ctx: Ctx, tenant: TenantFromPath) -> JSONResponse:
    await run_in_threadpool(_rate_limit, request, ctx, tenant, "token")
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype != "application/x-www-form-urlencoded":
        raise OAuthError("invalid_request", "use application/x-www-form-urlencoded")
    form = await request.form()
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    with oauth_errors():
        issued = await run_in_threadpool(exchange_token, ctx, tenant, fields)
    return JSONResponse(issued, headers=_NO_STORE)


@router.post(
    "/tenants/{slug}/nonce",
    summary="Nonce Endpoint (OpenID4VCI §7)",
    responses={200: {"content": {"application/json": {"example": {"c_nonce": "wKI4LT17ac15ES9b"}}}}},
)
def nonce(ctx: Ctx, tenant: TenantFromPath) -> JSONResponse:
    return JSONResponse(nonce_response(new_nonce(ctx, tenant)), headers=_NO_STORE)


@router.post(
    "/tenants/{slug}/credential",
    summary="Credential Endpoint (OpenID4VCI §8)",
    responses={
        200: {"content": {"application/json": {"example": {"credentials": [
            {"credential": "eyJhbGciOiJFUzI1NiIsInR5cCI6ImRjK3NkLWp3dCJ9…~"}]}}}},
        401: {"description": "missing or invalid access token"},
        **_OAUTH_ERRORS,
    },
    openapi_extra={"requestBody": {"required": True, "content": {"application/json": {
        "example": {"credential_configuration_id": "microcredential_sd_jwt",
                    "proofs": {"jwt": ["eyJ0eXAiOiJvcGVuaWQ0dmNpLXByb29mK2p3dCJ9…"]}}}}}},
)
async def credential(
    request: Request,
    ctx: Ctx,
    tenant: TenantFromPath,
    authorization: Annotated[str | None, Header()] = None,
) -> JSONResponse:
    await run_in_threadpool(_rate_limit, request, ctx, tenant, "credential")
    raw = await request.body()
    try:
        body = loads_json(raw, what="credential request", max_depth=16)
    except ParseError as exc:
        raise OAuthError("invalid_credential_request", exc.message) from None
    with oauth_errors(failure="credential_request_denied"):
        issued = await run_in_threadpool(issue_credentials, ctx, tenant, authorization, body)
    return JSONResponse(issued, headers=_NO_STORE)
