"""The issuer's landing page: ``GET /`` (Dutch or English, ``docs/architecture.md`` §8).

What a person reaches at the service's root: the education providers (tenants) issuing here,
with their display names and logos, what the service is for in plain words (a school issues
learning credentials here; learners receive them in a wallet), links to the API documentation
(``/docs``, ``/redoc``, served offline by :mod:`servicekit.apidocs`) and, for developers, each
provider's Credential Issuer Identifier and metadata URL (OpenID4VCI 1.0 §12.2.2: the
well-known suffix ``/.well-known/openid-credential-issuer`` inserted before the identifier's
path). Rendered through the one page layer (:func:`servicekit.pages.render`: language
negotiation, the language switch, ``Content-Language``) under the services' CSP: no script, no
inline style.

A client that asks for JSON (``Accept: application/json`` without ``text/html``) gets the same
index as a small JSON object instead (RFC 9110 §12.5.1 proactive negotiation; ``Vary: Accept``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import func, select

from issuer import models
from issuer.context import IssuerContext
from issuer.routes.deps import Ctx
from issuer.routes.pages import CATALOGUE, TEMPLATES
from issuer.settings import IssuerSettings
from rotonde._urls import well_known
from servicekit.pages import PageSite, lang_of, render

__all__ = ["MAX_PROVIDERS", "issuer_site", "router"]

router = APIRouter(tags=["Pages"])
_CSS = (Path(__file__).resolve().parent.parent / "static" / "site.css").read_bytes()

#: At most this many providers are listed (by Dutch name); the page says how many more.
MAX_PROVIDERS = 200

#: The documentation every visitor can reach (``servicekit.apidocs``, no CDN).
DOCS = {"docs": "/docs", "redoc": "/redoc", "openapi": "/openapi.json"}


def issuer_site(settings: IssuerSettings) -> PageSite:
    """The issuer's pages on the shared page layer: nobody signs in, there are no forms (no
    CSRF cookie), and every error keeps its problem+json answer (``html`` is never true)."""
    return PageSite(templates=TEMPLATES, catalogue=CATALOGUE, user=lambda _request: None,
                    secure_cookies=settings.base_url.startswith("https://"),
                    html=lambda _request: False)


def _wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "").lower()
    return "json" in accept and "text/html" not in accept


def providers(ctx: IssuerContext) -> tuple[list[dict[str, Any]], int]:
    """The listed providers (slug, names, logo, issuer identifier, metadata URL) and how many
    there are in all."""
    t = models.tenants.c
    with ctx.db.session() as s:
        rows = s.execute(select(t.slug, t.name_nl, t.name_en, t.logo_uri)
                         .order_by(t.name_nl, t.slug).limit(MAX_PROVIDERS)).all()
        total = int(s.execute(select(func.count()).select_from(models.tenants)).scalar_one())
    return [{
        "slug": r.slug, "name": {"nl": r.name_nl, "en": r.name_en}, "logo_uri": r.logo_uri,
        "credential_issuer": ctx.tenant_base(r.slug),
        "metadata": well_known(ctx.tenant_base(r.slug), "openid-credential-issuer"),
    } for r in rows], total


@router.get("/static/site.css", include_in_schema=False)
def css() -> Response:
    return Response(_CSS, media_type="text/css",
                    headers={"Cache-Control": "public, max-age=86400"})


@router.get("/", include_in_schema=False)
def landing(request: Request, ctx: Ctx) -> Response:
    """The landing page (or, for a JSON client, the index as JSON)."""
    listed, total = providers(ctx)
    vary = {"Vary": "Accept, Accept-Language, Cookie", "Cache-Control": "no-cache"}
    if _wants_json(request):
        return JSONResponse({"service": "issuer", "providers": listed, "total": total,
                             **DOCS}, headers=vary)
    lang = lang_of(request)
    return render(request, "landing.html", {
        "providers": [{**p, "display": p["name"][lang]} for p in listed],
        "total": total, "hidden": total - len(listed), "docs": DOCS,
    }, headers=vary)
