"""The printable offer page: ``GET /tenants/{slug}/offer/{id}?lang=nl|en``.

Shows the achievement, an inline SVG QR code holding
``openid-credential-offer://?credential_offer_uri=...`` (by reference, so the QR stays small),
a link with the same URI, and — when ``settings.wallet_url`` is set — an https link to that web
wallet's Credential Offer Endpoint (``<wallet_url>/offer?credential_offer_uri=...``) so a phone
camera opens the wallet directly. Dutch by default, English on request or by Accept-Language.
No script; styles come from a static file (strict CSP).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup
from sqlalchemy import select

from issuer import models
from issuer.routes.deps import Ctx, TenantFromPath
from rotonde.oid4vci import offer_uri
from rotonde.qr import qr_svg
from servicekit import HttpProblem
from servicekit.i18n import (
    LANG_COOKIE,
    Catalogue,
    format_datetime,
    negotiate,
    template_callables,
)
from servicekit.pages import lang_url
from servicekit.templating import page_templates

__all__ = ["router"]

router = APIRouter(tags=["Pages"])
HERE = Path(__file__).resolve().parent.parent
TEMPLATES = page_templates(HERE / "templates")
_CSS = (HERE / "static" / "offer.css").read_bytes()

#: The offer page's messages (``issuer/locale``), then servicekit's.
CATALOGUE = Catalogue(HERE / "locale")


@router.get("/static/offer.css", summary="Offer page stylesheet", include_in_schema=False)
def css() -> Response:
    return Response(_CSS, media_type="text/css",
                    headers={"Cache-Control": "public, max-age=86400"})


@router.get(
    "/tenants/{slug}/offer/{offer_id}",
    summary="Printable offer page with QR code (Dutch/English)",
    response_class=HTMLResponse,
    responses={200: {"content": {"text/html": {"example": "<!doctype html>…"}}},
               404: {"description": "unknown or expired offer (problem+json)"}},
)
def offer_page(
    request: Request, ctx: Ctx, tenant: TenantFromPath, offer_id: str,
    lang: Annotated[str | None, Query(pattern="^(nl|en)$")] = None,
    accept_language: Annotated[str | None, Header()] = None,
) -> HTMLResponse:
    with ctx.db.session() as s:
        conn = s.connection()
        row = conn.execute(select(models.offers).where(
            models.offers.c.id == offer_id, models.offers.c.tenant_id == tenant.id)).first()
        issued = conn.execute(select(models.issued.c.title, models.issued.c.state).where(
            models.issued.c.id == row.issued_id)).first() if row is not None else None
    chosen = negotiate(request.cookies.get(LANG_COOKIE), accept_language, query=lang)
    if row is None or issued is None or row.expires_at <= ctx.now():
        if "text/html" in request.headers.get("accept", ""):  # a learner's browser: in words
            page = TEMPLATES.get_template("offer_gone.html").render(
                lang=chosen, css_url=f"{ctx.settings.base_url}/static/offer.css",
                lang_urls={code: lang_url(request, code) for code in ("nl", "en")},
                **template_callables(CATALOGUE, chosen))
            return HTMLResponse(page, status_code=404, headers={"Cache-Control": "no-store"})
        raise HttpProblem(404, "offer.not_found", "offer not found or expired",
                          detail_nl="aanbod niet gevonden of verlopen")
    base = ctx.tenant_base(tenant.slug)
    ref = f"{base}/credential-offer/{offer_id}"
    uri = offer_uri(credential_offer_uri=ref)
    wallet = ctx.settings.wallet_url.rstrip("/")
    expires = datetime.fromtimestamp(row.expires_at, UTC)
    context: dict[str, Any] = {
        "lang": chosen, **template_callables(CATALOGUE, chosen),
        "tx_code_length": ctx.settings.tx_code_length,
        "lang_urls": {code: lang_url(request, code) for code in ("nl", "en")},
        "issuer_name": tenant.name_nl if chosen == "nl" else tenant.name_en,
        "logo_uri": tenant.logo_uri, "achievement_title": issued.title,
        "qr_svg": Markup(qr_svg(uri, title=CATALOGUE.gettext(chosen, "offer.scan"))),
        "offer_uri": uri,
        "wallet_link": offer_uri(credential_offer_uri=ref, base=wallet + "/offer") if wallet
        else None,
        "expires_iso": expires.isoformat(), "expires_text": format_datetime(row.expires_at, chosen),
        "css_url": f"{ctx.settings.base_url}/static/offer.css",
    }
    html = TEMPLATES.get_template("offer.html").render(**context)
    return HTMLResponse(html, headers={"Cache-Control": "no-store"})
