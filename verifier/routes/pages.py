"""Employer pages: compose a request, show it as a QR code that updates by itself, scan a
learner's share QR, read the result (plain-language verdict first), see the trust list.

Pages work without JavaScript (a refresh link and ``<noscript>`` meta refresh); the small
scripts in ``static/`` poll the status endpoint and use the camera where the browser offers
``BarcodeDetector``.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from rotonde.errors import Problem, RotondeError
from servicekit.formats import when
from servicekit.pages import PageError, check_csrf, form_text, lang_of, redirect, render
from verifier.flows.ask import invitation, start_request
from verifier.flows.context import VerifierContext
from verifier.flows.disclosed import claim_cards
from verifier.flows.images import decode_upload
from verifier.flows.scan import scan
from verifier.flows.sessions import SessionView, get_session, raw_presentation
from verifier.flows.templates import TEMPLATES, compose, from_profile
from verifier.pages import require_staff
from verifier.routes.deps import Ctx, PageForm

__all__ = ["router"]

#: Every page here is for employer staff: signed in when ``settings.require_staff``.
router = APIRouter(include_in_schema=False, dependencies=[Depends(require_staff)])


def _session(ctx: VerifierContext, session_id: str) -> SessionView:
    s = get_session(ctx, id=session_id)
    if s is None:
        raise PageError(404, Problem("session.unknown", "this request or result does not exist",
                                     "dit verzoek of resultaat bestaat niet"))
    return s


@router.get("/", response_class=HTMLResponse)
def ask_page(request: Request, ctx: Ctx) -> HTMLResponse:
    lang = lang_of(request)
    return render(request, "ask.html", {
        "templates": [(t.id, t.title(lang)) for t in TEMPLATES.values()],
        "has_trust": ctx.trust_list is not None, "dev": ctx.settings.dev,
        "http_dev": ctx.settings.dev and ctx.settings.base_url.startswith("http://"),
        "profiles": [(pid, _title(p, lang)) for pid, p in ctx.profiles.items()],
    })


def _title(profile: dict[str, Any], lang: str) -> str:
    title = profile.get("title")
    if isinstance(title, dict):
        return str(title.get(lang) or next(iter(title.values()), profile.get("id")))
    return str(profile.get("id"))


@router.post("/requests")
def create_request_page(request: Request, ctx: Ctx, form: PageForm) -> Response:
    check_csrf(request, form.get("csrf"))
    level = form_text(form, "min_level")
    try:
        if level and not level.isdigit():
            raise RotondeError("request.invalid", "min_level must be a number",
                               message_nl="min_level moet een getal zijn")
        issuers = [ln.strip() for ln in form_text(form, "accepted_issuers", 20000).splitlines()
                   if ln.strip()]
        profile = ctx.profiles.get(form_text(form, "profile"))
        if profile is not None:
            query, requirement, _ = from_profile(profile)
            title = _title(profile, lang_of(request))
        else:
            query, requirement, _ = compose(
                template=form_text(form, "template") or None,
                min_level=int(level) if level else None,
                min_assurance=form_text(form, "min_assurance") or None, accepted_issuers=issuers,
                trusted_only=form_text(form, "trusted_only") == "1")
            tpl = TEMPLATES.get(form_text(form, "template") or "achievement")
            title = tpl.title(lang_of(request)) if tpl else "Request"
        prefix = "redirect_uri" if (ctx.settings.dev and form_text(form, "client_id_prefix")
                                    == "redirect_uri") else "decentralized_identifier"
        s = start_request(ctx, dcql_query=query, requirement=requirement, title=title,
                          client_id_prefix=prefix)
    except RotondeError as exc:
        raise PageError(422, exc.problems[0]) from None
    return redirect(f"/requests/{s.id}")


@router.get("/requests/{session_id}", response_class=HTMLResponse)
def request_page(session_id: str, request: Request, ctx: Ctx) -> Response:
    s = _session(ctx, session_id)
    status = s.public_status(ctx.clock.now())
    if s.kind != "request" or status in ("completed", "failed"):
        return redirect(f"/results/{s.id}")
    from rotonde.qr import qr_svg

    inv = invitation(ctx, s) if status in ("pending", "retrieved") else None
    return render(request, "request.html", {
        "s": s, "status": status, "inv": inv,
        "qr": qr_svg(inv.uri, title="QR code") if inv else "",
        "expires": when(s.expires_at),
    })


@router.get("/requests/{session_id}/status")
def request_status(session_id: str, ctx: Ctx) -> JSONResponse:
    s = get_session(ctx, id=session_id)
    if s is None:
        return JSONResponse({"status": "unknown"}, status_code=404)
    status = s.public_status(ctx.clock.now())
    return JSONResponse({"status": status, "verdict": s.verdict,
                         "result_url": f"/results/{s.id}" if s.result else None})


@router.get("/results/{session_id}.json")
def result_json(session_id: str, ctx: Ctx) -> JSONResponse:
    s = _session(ctx, session_id)
    return JSONResponse({"id": s.id, "kind": s.kind, "status": s.public_status(ctx.clock.now()),
                         "verdict": s.verdict, "result": s.result})


@router.get("/results/{session_id}")
def result_page(session_id: str, request: Request, ctx: Ctx) -> Response:
    if "application/json" in request.headers.get("accept", "") and "text/html" not in (
        request.headers.get("accept", "")
    ):
        return result_json(session_id, ctx)
    s = _session(ctx, session_id)
    if s.result is None:
        if s.kind == "request":
            return redirect(f"/requests/{s.id}")
        raise PageError(404, Problem("session.no_result", "there is no result yet",
                                     "er is nog geen resultaat"))
    raw = raw_presentation(ctx, s.id)
    return render(request, "result.html", {
        "s": s, "r": s.result, "claims": claim_cards(s.result, lang_of(request)),
        "checked_at": when(s.result.get("checked_at")),
        "raw": json.dumps(raw, indent=2, ensure_ascii=False) if raw is not None else "",
    })


@router.get("/scan", response_class=HTMLResponse)
def scan_page(request: Request, ctx: Ctx) -> HTMLResponse:
    return render(request, "scan.html", {"max_kb": ctx.settings.max_upload_bytes // 1024})


@router.post("/scan")
def scan_submit(request: Request, ctx: Ctx, form: PageForm) -> Response:
    check_csrf(request, form.get("csrf"))
    text = form_text(form, "text", 256 * 1024)
    upload = form.get("image")
    if not text and upload is not None and not isinstance(upload, str):
        data = upload.file.read(ctx.settings.max_upload_bytes + 1)
        if data:
            try:
                text = decode_upload(data, max_bytes=ctx.settings.max_upload_bytes)
            except RotondeError as exc:
                raise PageError(422, exc.problems[0]) from None
    if not text:
        raise PageError(422, Problem("share.empty", "nothing was scanned, uploaded or pasted",
                                     "er is niets gescand, geüpload of geplakt"))
    level = form_text(form, "min_level")
    requirement = {"min_level": int(level)} if level.isdigit() else None
    s = scan(ctx, text, requirement=requirement)
    return redirect(f"/results/{s.id}")


@router.get("/trust", response_class=HTMLResponse)
def trust_page(request: Request, ctx: Ctx) -> HTMLResponse:
    info = dict(ctx.trust_info)
    lang = lang_of(request)
    rows = []
    for e in info.get("issuers") or []:
        name = e.get("name") or {}
        rows.append({"name": name.get(lang) or next(iter(name.values()), ""),
                     "identifiers": e.get("identifiers", []), "kinds": e.get("kinds", []),
                     "max_levels": e.get("max_levels", [])})
    list_name = info.get("name") or {}
    return render(request, "trust.html", {
        "info": info, "rows": rows, "configured": ctx.trust_list is not None,
        "list_name": list_name.get(lang) or next(iter(list_name.values()), ""),
        "valid_until": when(info.get("valid_until")),
    })
