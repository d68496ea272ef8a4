"""JSON API for HR systems (``Authorization: Bearer <api key>``).

* ``POST /api/requests`` — create a presentation request from a template, a DCQL query or a
  requirement profile; returns its id, the wallet invocation URI, a QR code (SVG), the result
  URL and expiry.
* ``GET /api/requests/{id}`` — status, verdict and the full result once ready.
* ``POST /api/shares`` — verify a scanned share text (``{"text": ...}``).

Without configured API keys the API is open only in development mode. With keys, every
session records which key created it (:func:`verifier.routes.deps.key_id`) and only that key can read it.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from servicekit.problem import HttpProblem
from verifier.flows.ask import invitation, start_request
from verifier.flows.context import VerifierContext
from verifier.flows.scan import scan
from verifier.flows.sessions import SessionView, get_session
from verifier.flows.templates import compose, from_profile
from verifier.routes.deps import ApiClient, Ctx

__all__ = ["router"]

router = APIRouter(prefix="/api")


class RequestIn(BaseModel):
    template: str | None = Field(default=None, max_length=64)
    dcql_query: dict[str, Any] | None = None
    profile: dict[str, Any] | None = None
    vct: str | None = Field(default=None, max_length=512)
    min_level: int | None = None
    min_assurance: str | None = Field(default=None, max_length=32)
    accepted_issuers: list[str] | None = Field(default=None, max_length=50)
    trusted_only: bool = False
    client_id_prefix: str = Field(default="decentralized_identifier", max_length=32)
    response_mode: str = Field(default="direct_post", max_length=24)


class ShareIn(BaseModel):
    text: str = Field(max_length=256 * 1024)
    min_level: int | None = None
    min_assurance: str | None = Field(default=None, max_length=32)
    accepted_issuers: list[str] | None = Field(default=None, max_length=50)


def session_json(ctx: VerifierContext, s: SessionView) -> dict[str, Any]:
    now = ctx.clock.now()
    out: dict[str, Any] = {
        "id": s.id, "kind": s.kind, "status": s.public_status(now), "title": s.title,
        "created_at": s.created_at, "expires_at": s.expires_at, "verdict": s.verdict,
        "result_url": f"{ctx.settings.base_url}/results/{s.id}",
    }
    if s.kind == "request" and s.status in ("pending", "retrieved"):
        inv = invitation(ctx, s)
        out["invocation_uri"] = inv.uri
        out["request_uri"] = inv.request_uri
        out["wallet_link"] = inv.wallet_link
    if s.result is not None:
        out["result"] = s.result
    return out


@router.post("/requests", status_code=201)
def create_request(body: RequestIn, ctx: Ctx, client: ApiClient) -> JSONResponse:
    if body.profile is not None:
        query, requirement, title = from_profile(body.profile)
    else:
        kwargs: dict[str, Any] = {}
        if body.vct:
            kwargs["vct"] = body.vct
        query, requirement, title = compose(
            template=body.template, dcql_query=body.dcql_query, min_level=body.min_level,
            min_assurance=body.min_assurance, accepted_issuers=body.accepted_issuers,
            trusted_only=body.trusted_only, **kwargs)
    if body.client_id_prefix not in ("decentralized_identifier", "redirect_uri"):
        raise HttpProblem(422, "request.invalid_client_id_prefix",
                          "client_id_prefix must be decentralized_identifier or redirect_uri")
    if body.client_id_prefix == "redirect_uri" and not ctx.settings.dev:
        raise HttpProblem(422, "request.redirect_uri_dev_only",
                          "redirect_uri client ids are only allowed in development mode")
    if body.response_mode not in ("direct_post", "direct_post.jwt"):
        raise HttpProblem(422, "request.invalid_response_mode",
                          "response_mode must be direct_post or direct_post.jwt")
    session = start_request(ctx, dcql_query=query, requirement=requirement, title=title,
                            api_client=client, client_id_prefix=body.client_id_prefix,
                            response_mode=body.response_mode)
    out = session_json(ctx, session)
    from rotonde.qr import qr_svg

    out["qr_svg"] = qr_svg(out["invocation_uri"])
    return JSONResponse(out, status_code=201)


@router.get("/requests/{session_id}")
def read_request(session_id: str, ctx: Ctx, client: ApiClient) -> JSONResponse:
    s = get_session(ctx, id=session_id)
    # each key sees only what it created (requests and shares); sessions made on the staff
    # pages belong to no key
    if s is None or (ctx.settings.api_keys and s.api_client != client):
        raise HttpProblem(404, "session.unknown", "no such request",
                          detail_nl="verzoek bestaat niet")
    return JSONResponse(session_json(ctx, s))


@router.post("/shares", status_code=201)
def verify_share(body: ShareIn, ctx: Ctx, client: ApiClient) -> JSONResponse:
    _, requirement, _ = compose(template="achievement", min_level=body.min_level,
                                min_assurance=body.min_assurance,
                                accepted_issuers=body.accepted_issuers)
    s = scan(ctx, body.text, requirement=requirement or None, api_client=client)
    return JSONResponse(session_json(ctx, s), status_code=201)
