"""W3C VC-API verification endpoints (VC-API §3.3 "Verify Credential", "Verify Presentation").

* ``POST /vc-api/credentials/verify`` ``{"verifiableCredential", "options"}``
* ``POST /vc-api/presentations/verify`` ``{"verifiablePresentation", "options":
  {"challenge", "domain"}}``

Both answer 200 ``{"verified", "checks", "warnings", "errors", "report"}`` when verified and
400 with the same body when not (as the VC-API test suites expect). Bad input is a 400 with
a precise error, never a 500. Like the JSON API they need an API key (``Authorization: Bearer``;
:func:`verifier.routes.deps.api_client`): open without keys in development mode only, refused
(403 ``api.disabled``) in production without keys — every verification may make the verifier
resolve DIDs and fetch status lists, so it is not offered to anyone who asks.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from rotonde.verify import VerificationReport, VerifyOptions, verify
from servicekit.problem import HttpProblem
from verifier.flows.context import VerifierContext
from verifier.routes.deps import Ctx, api_client

__all__ = ["router"]

router = APIRouter(prefix="/vc-api")

async def _body(request: Request) -> dict[str, Any]:
    from rotonde.encoding import loads_json
    from rotonde.errors import RotondeError

    try:  # depth-capped: json.loads on deeply nested input raises RecursionError (a 500)
        value = loads_json(await request.body(), what="VC-API request")
    except RotondeError:
        raise HttpProblem(400, "vcapi.malformed", "the body is not JSON (or is nested too deep)",
                          detail_nl="de body is geen JSON (of is te diep genest)") from None
    if not isinstance(value, dict):
        raise HttpProblem(400, "vcapi.malformed", "the body must be a JSON object",
                          detail_nl="de body moet een JSON-object zijn")
    return value


def _body_doc(member: str) -> dict[str, Any]:
    """The documented request body (the route reads it itself, depth-capped)."""
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": {
        "type": "object", "required": [member], "properties": {
            member: {"oneOf": [{"type": "object"}, {"type": "string"}]},
            "options": {"type": "object", "properties": {
                "challenge": {"type": "string"}, "domain": {"type": "string"}}}}}}}}}


def _answer(report: VerificationReport) -> JSONResponse:
    checks = [c.name for c in report.checks if c.outcome == "passed"]
    errors = [p.to_dict() for c in report.checks if c.outcome == "failed" and c.fatal
              for p in c.problems]
    warnings = [p.to_dict() for c in report.checks if c.outcome == "failed" and not c.fatal
                for p in c.problems]
    for r in report.credentials:
        errors.extend(p.to_dict() for c in r.checks if c.outcome == "failed" and c.fatal
                      for p in c.problems)
    body = {"verified": report.verified, "checks": checks, "warnings": warnings,
            "errors": errors, "report": report.to_dict()}
    return JSONResponse(body, status_code=200 if report.verified else 400)


def _options(ctx: VerifierContext, opts: Any) -> VerifyOptions:
    opts = opts if isinstance(opts, dict) else {}
    challenge = opts.get("challenge") if isinstance(opts.get("challenge"), str) else None
    domain = opts.get("domain") if isinstance(opts.get("domain"), str) else None
    return VerifyOptions(challenge=challenge, domain=domain, nonce=challenge, audience=domain,
                         clock=ctx.clock, resolver=ctx.resolver, fetcher=ctx.fetcher,
                         trust_list=ctx.trust_list, status_resolver=ctx.status_resolver)


@router.post("/credentials/verify", dependencies=[Depends(api_client)],
             openapi_extra=_body_doc("verifiableCredential"))
async def verify_credential(request: Request, ctx: Ctx) -> JSONResponse:
    body = await _body(request)
    vc = body.get("verifiableCredential")
    if not isinstance(vc, (dict, str)):
        raise HttpProblem(400, "vcapi.missing_credential", "verifiableCredential is missing",
                          detail_nl="verifiableCredential ontbreekt")
    from starlette.concurrency import run_in_threadpool

    report = await run_in_threadpool(verify, vc, _options(ctx, body.get("options")))
    return _answer(report)


@router.post("/presentations/verify", dependencies=[Depends(api_client)],
             openapi_extra=_body_doc("verifiablePresentation"))
async def verify_presentation(request: Request, ctx: Ctx) -> JSONResponse:
    body = await _body(request)
    vp = body.get("verifiablePresentation")
    if not isinstance(vp, (dict, str)):
        raise HttpProblem(400, "vcapi.missing_presentation", "verifiablePresentation is missing",
                          detail_nl="verifiablePresentation ontbreekt")
    from starlette.concurrency import run_in_threadpool

    report = await run_in_threadpool(verify, vp, _options(ctx, body.get("options")))
    return _answer(report)
