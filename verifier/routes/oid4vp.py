"""OpenID4VP 1.0 protocol endpoints and the verifier's did:web document.

* ``GET|POST /oid4vp/request/{id}`` — the ``request_uri`` (§5.10): a signed request object,
  ``application/oauth-authz-req+jwt``; with POST the wallet may send ``wallet_nonce``
  (echoed in the object) and ``wallet_metadata``.
* ``POST /oid4vp/response`` — the ``response_uri`` for ``direct_post`` (§8.2); answers 200
  ``{}`` once the response was processed, or an OAuth error (§8.5 style) for a malformed body,
  an unknown/expired/answered session.
* ``GET /.well-known/did.json`` (or ``<path>/did.json``) — the did:web document.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from servicekit.problem import OAuthError
from verifier.flows.ask import request_object
from verifier.flows.context import VerifierContext
from verifier.flows.receive import receive_response
from verifier.flows.sessions import get_session, mark_retrieved
from verifier.routes.deps import Ctx

__all__ = ["router"]

router = APIRouter()
_MAX_FORM = 1024 * 1024


@router.get("/.well-known/did.json", include_in_schema=False)
@router.get("/did.json", include_in_schema=False)
def did_json(ctx: Ctx) -> JSONResponse:
    return JSONResponse(ctx.did_document, media_type="application/did+json",
                        headers={"cache-control": "max-age=300"})


async def _form(request: Request, *, allow_empty: bool = False) -> dict[str, str]:
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if allow_empty and not ctype and not await request.body():
        return {}
    if ctype != "application/x-www-form-urlencoded":
        raise OAuthError("invalid_request",
                         "the body must be application/x-www-form-urlencoded")
    body = await request.body()
    if len(body) > _MAX_FORM:
        raise OAuthError("invalid_request", "the body is too large", status=413)
    from urllib.parse import parse_qsl

    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=bool(body),
                          max_num_fields=50)
    except (UnicodeDecodeError, ValueError):
        raise OAuthError("invalid_request", "the form body is malformed") from None
    out: dict[str, str] = {}
    for k, v in pairs:
        if k in out:
            raise OAuthError("invalid_request", f"parameter {k!r} appears twice")
        out[k] = v
    return out


def _serve_request(ctx: VerifierContext, session_id: str, wallet_nonce: str | None) -> Response:
    session = get_session(ctx, id=session_id)
    if session is None or session.kind != "request" or session.client_id is None or (
        session.client_id.startswith("redirect_uri:")
    ):
        raise OAuthError("invalid_request_uri", "no such presentation request", status=404)
    if session.status not in ("pending", "retrieved") or session.expired(ctx.clock.now()):
        raise OAuthError("invalid_request_uri",
                         "this presentation request has expired or was already answered",
                         status=410)
    if wallet_nonce is not None and (len(wallet_nonce) > 256 or not wallet_nonce):
        raise OAuthError("invalid_request", "wallet_nonce is malformed")
    token = request_object(ctx, session, wallet_nonce=wallet_nonce)
    mark_retrieved(ctx, session.id)
    return Response(token, media_type="application/oauth-authz-req+jwt",
                    headers={"cache-control": "no-store"})


@router.get("/oid4vp/request/{session_id}", include_in_schema=False)
def get_request_object(session_id: str, ctx: Ctx) -> Response:
    return _serve_request(ctx, session_id, None)


@router.post("/oid4vp/request/{session_id}", include_in_schema=False)
async def post_request_object(session_id: str, request: Request, ctx: Ctx) -> Response:
    form = await _form(request, allow_empty=True)
    return await run_in_threadpool(_serve_request, ctx, session_id, form.get("wallet_nonce"))


@router.post("/oid4vp/response", include_in_schema=False)
async def direct_post(request: Request, ctx: Ctx) -> JSONResponse:
    from servicekit.ratelimit import client_key, count_request

    decision = await run_in_threadpool(
        count_request, ctx.one_time, "response", client_key(request),
        limit=ctx.settings.rate_limit, window=ctx.settings.rate_window)
    if not decision.allowed:
        raise OAuthError("slow_down", "too many requests; try again later", status=429,
                         headers={**decision.headers, "cache-control": "no-store"})
    form = await _form(request)
    received = await run_in_threadpool(receive_response, ctx, form)
    if received.error is not None:
        raise OAuthError(received.error, received.description)
    return JSONResponse({}, headers={"cache-control": "no-store"})
