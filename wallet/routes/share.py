"""Holder-initiated shares: choose claims, show the QR code and link, withdraw; and the public
``GET /share/{share_id}`` endpoint a verifier fetches (``docs/share-protocol.md`` §4)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from rotonde.errors import RotondeError
from servicekit.pages import PageError, check_csrf, lang_of, redirect, render
from wallet.flows import share as flow
from wallet.flows.accounts import holder_keys, vault_for
from wallet.flows.pending import FLOW_TTL, load_flow, start_flow
from wallet.flows.store import get_credential, list_credentials, log_disclosure
from wallet.i18n import claim_label, translator
from wallet.routes.deps import Ctx, PageForm, User

__all__ = ["router"]

router = APIRouter()


@router.get("/share")
def share_form(request: Request, c: Ctx, user: User, credential: str = "") -> Response:
    from rotonde.sdjwt import disclosable_paths

    lang = lang_of(request)
    with c.db.session() as s:
        vault = vault_for(s, c.box, user.account_id)
        held = get_credential(s, vault, credential) if credential else None
        items = list_credentials(s, vault)
    if held is None:
        return render(request, "share_pick.html", {
            "active": "present",
            "credentials": [{"id": h.id, "title": h.title(lang)} for h in items
                            if h.format == "dc+sd-jwt" and h.meta.get("verified")]})
    if held.format != "dc+sd-jwt":
        raise PageError(400, "share.sdjwt_only")
    t = translator(lang)
    paths = [(p, claim_label(p, t)) for p in disclosable_paths(held.sd_jwt)]
    return render(request, "share_form.html", {"active": "present", "h": held,
                                               "title": held.title(lang), "paths": paths})


@router.post("/share")
def share_create(request: Request, c: Ctx, user: User, form: PageForm) -> Response:
    check_csrf(request, str(form.get("csrf", "")))
    credential_id = str(form.get("credential", ""))
    chosen = [str(v) for v in form.getlist("claim")][:200]
    label = str(form.get("label", ""))[:100]
    try:
        with c.db.session() as s:
            vault = vault_for(s, c.box, user.account_id)
            held = get_credential(s, vault, credential_id)
            if held is None:
                raise PageError(404, "error.not_found")
            paths = flow.check_paths(held, chosen)
            created = flow.create_share(
                s, vault, held=held, paths=paths, keys=holder_keys(s, vault), clock=c.clock,
                ttl=c.settings.share_ttl, base_url=c.settings.base_url, label=label)
            key = flow.share_key(created.share_id)
            shown = start_flow(s, vault, "share", {
                "credential": held.id, "key": key, "paths": [list(p) for p in paths],
                "url": created.url, "compact": created.compact,
                "expires_at": created.expires_at,
            }, c.clock.now(), ttl=max(1.0, min(FLOW_TTL, created.expires_at - c.clock.now())))
    except RotondeError as exc:
        raise PageError(400, exc) from None
    return redirect(f"/shares/{shown}")  # post/redirect/get: reload and language switch work


@router.get("/shares/withdrawn")
def share_withdrawn(request: Request, user: User) -> Response:
    return render(request, "share_withdrawn.html", {"active": "present"})


@router.get("/shares/{flow_id}")
def share_show(request: Request, c: Ctx, user: User, flow_id: str) -> Response:
    """The QR code and link of a share just made (while it is valid and the flow lives)."""
    from rotonde.qr import qr_svg

    lang = lang_of(request)
    with c.db.session() as s:
        vault = vault_for(s, c.box, user.account_id)
        state = load_flow(s, vault, flow_id, "share", c.clock.now())
        held = get_credential(s, vault, state["credential"]) if state else None
    if state is None or held is None:
        raise PageError(410, "error.flow_expired")
    created = SimpleNamespace(url=state["url"], compact=state["compact"],
                              expires_at=state["expires_at"])
    t = translator(lang)
    return render(request, "share_show.html", {
        "active": "present", "created": created, "key": state["key"],
        "title": held.title(lang), "qr": qr_svg(created.url, title=held.title(lang)),
        "compact_qr": qr_svg(created.compact) if created.compact else None,
        "claims": [claim_label(".".join(p), t) for p in state["paths"]],
    })


@router.post("/shares/{key}/withdraw")
def share_withdraw(request: Request, c: Ctx, user: User, key: str,
                   csrf: Annotated[str, Form()] = "") -> Response:
    check_csrf(request, csrf)
    with c.db.session() as s:
        if not flow.withdraw_share(s, vault_for(s, c.box, user.account_id), key):
            raise PageError(404, "error.not_found")
    return redirect("/shares/withdrawn")


@router.get("/share/{share_id}")
def share_fetch(request: Request, c: Ctx, share_id: str) -> Response:
    """The envelope for a verifier (JSON); a short human page for a browser."""
    wants_html = "text/html" in request.headers.get("accept", "") and "json" not in \
        request.headers.get("accept", "")
    if wants_html:
        lang = lang_of(request)
        text = translator(lang)("share.link_page")
        return HTMLResponse(f"<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">"
                            f"<meta name=\"viewport\" content=\"width=device-width\">"
                            f"<title>Rotonde</title></head><body><p>{text}</p></body></html>")
    now = c.clock.now()
    with c.db.session() as s:
        status, envelope, account_id, data = flow.fetch_share(s, c.box, share_id, now)
        if status == 200 and account_id and data:
            ua = request.headers.get("user-agent", "")[:120]
            log_disclosure(s, vault_for(s, c.box, account_id), now, {
                "kind": "share", "to": data.get("label") or (request.client.host if
                                                              request.client else ""),
                "agent": ua,
                "claims": [{"credential": data.get("title"), "credential_id":
                            data.get("credential"), "paths": data.get("claims") or ["*"]}],
            })
    if status == 200:
        return JSONResponse(envelope, headers={"Cache-Control": "no-store"})
    code = "share.unknown" if status == 404 else "share.gone"
    detail = ("unknown share" if status == 404 else
              "this share has expired, was withdrawn or was already used")
    return JSONResponse({"type": "https://rotonde.dev/problems/" + code, "title": detail,
                         "status": status, "code": code, "detail": detail},
                        status_code=status, media_type="application/problem+json",
                        headers={"Cache-Control": "no-store"})


