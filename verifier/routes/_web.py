"""Page helpers: the context dependency, language choice, Jinja2 rendering, page errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from rotonde.errors import Problem
from verifier.flows.context import VerifierContext
from verifier.i18n import LANGS, translator

__all__ = ["PageError", "get_ctx", "lang_of", "render", "render_error", "wants_html"]

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).resolve().parent.parent / "templates"))
TEMPLATES.env.filters["tojson_pretty"] = lambda v: json.dumps(v, indent=2, ensure_ascii=False)


def _when(ts: Any) -> str:
    from datetime import UTC, datetime

    if not isinstance(ts, (int, float)) or isinstance(ts, bool):
        return ""
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M UTC")


TEMPLATES.env.filters["when"] = _when


class PageError(Exception):
    def __init__(self, status: int, problem: Problem) -> None:
        super().__init__(problem.code)
        self.status = status
        self.problem = problem


def get_ctx(request: Request) -> VerifierContext:
    ctx: VerifierContext = request.app.state.verifier
    return ctx


def lang_of(request: Request) -> str:
    """``?lang=`` wins, then the ``lang`` cookie, then Accept-Language; Dutch by default."""
    q = request.query_params.get("lang")
    if q in LANGS:
        return str(q)
    c = request.cookies.get("lang")
    if c in LANGS:
        return str(c)
    header = request.headers.get("accept-language", "")
    best, best_q = "nl", -1.0
    for part in header.split(","):
        tag, _, params = part.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        qv = 1.0
        if params.strip().startswith("q="):
            try:
                qv = float(params.strip()[2:])
            except ValueError:
                qv = 0.0
        if primary in LANGS and qv > best_q:
            best, best_q = primary, qv
    return best


def wants_html(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "text/html" in accept and not request.url.path.startswith(("/api/", "/vc-api/",
                                                                         "/oid4vp/"))


def render(request: Request, name: str, context: dict[str, Any], *,
           status: int = 200, headers: dict[str, str] | None = None) -> HTMLResponse:
    lang = lang_of(request)
    ctx = {"request": request, "lang": lang, "t": translator(lang),
           "other_lang": "en" if lang == "nl" else "nl", **context}
    resp = TEMPLATES.TemplateResponse(request, name, ctx, status_code=status, headers=headers)
    if request.query_params.get("lang") in LANGS:
        secure = request.app.state.verifier.settings.public_url.startswith("https://")
        resp.set_cookie("lang", lang, max_age=365 * 86400, samesite="lax", httponly=True,
                        secure=secure)
    return resp


def render_error(request: Request, status: int, problem: Problem) -> HTMLResponse:
    lang = lang_of(request)
    message = problem.message_nl if lang == "nl" and problem.message_nl else problem.message
    return render(request, "error.html", {"message": message, "code": problem.code},
                  status=status)
