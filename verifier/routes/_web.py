"""Page helpers: the context dependency, language choice, Jinja2 rendering, page errors, and
the staff sign-in every employer page depends on (:func:`require_staff`, :func:`check_csrf`).

When ``settings.require_staff`` (the default outside development mode) a page without a
signed-in staff member redirects to ``/login``; its forms then carry the session's CSRF token.
The session cookie is HttpOnly, SameSite=Lax and Secure over https.
"""

from __future__ import annotations

import hmac
import json
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from rotonde.errors import Problem
from servicekit.accounts import pre_token, safe_next
from servicekit.templating import neutralise_bidi
from verifier.flows.context import VerifierContext
from verifier.flows.staff import STAFF, SessionInfo
from verifier.i18n import LANGS, translator

__all__ = [
    "PRE_COOKIE",
    "SESSION_COOKIE",
    "LoginRequired",
    "PageError",
    "PageForm",
    "check_csrf",
    "current_staff",
    "form_text",
    "get_ctx",
    "lang_of",
    "read_form",
    "render",
    "render_error",
    "require_staff",
    "safe_next",
    "wants_html",
]

SESSION_COOKIE = "verifier_session"
#: Double-submit token for the sign-in form (before there is a session).
PRE_COOKIE = "verifier_pre"

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).resolve().parent.parent / "templates"))
TEMPLATES.env.filters["tojson_pretty"] = lambda v: json.dumps(v, indent=2, ensure_ascii=False)
neutralise_bidi(TEMPLATES.env)  # no directional override from a credential reaches a page


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


class LoginRequired(Exception):
    """No signed-in staff member: the app answers with a redirect to ``/login?next=...``."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


def get_ctx(request: Request) -> VerifierContext:
    ctx: VerifierContext = request.app.state.verifier
    return ctx


def current_staff(request: Request) -> SessionInfo | None:
    """The signed-in staff member of this request, if any."""
    token = request.cookies.get(SESSION_COOKIE, "")
    if not token:
        return None
    ctx = get_ctx(request)
    with ctx.db.session() as s:
        return STAFF.load_session(s, ctx.clock, token)


def require_staff(request: Request) -> SessionInfo | None:
    """Dependency of every employer page: the signed-in staff member, or ``None`` when the
    pages are open (development mode without ``staff_login``)."""
    if not get_ctx(request).settings.require_staff:
        return None
    staff = current_staff(request)
    if staff is None:
        query = f"?{request.url.query}" if request.url.query else ""
        raise LoginRequired(request.url.path + query if request.method == "GET" else "/")
    request.state.staff = staff
    return staff




def check_csrf(request: Request, submitted: object) -> None:
    """A POST from an employer page must carry the session's CSRF token (the sign-in form:
    the double-submit token). Nothing to check while the pages are open."""
    staff = getattr(request.state, "staff", None)
    if staff is None and get_ctx(request).settings.require_staff is False:
        return
    expected = staff.csrf if staff is not None else request.cookies.get(PRE_COOKIE, "")
    if not (isinstance(submitted, str) and expected
            and hmac.compare_digest(expected.encode(), submitted.encode())):
        raise PageError(403, Problem("request.csrf", "the form has expired; please try again",
                                     "het formulier is verlopen; probeer het opnieuw"))


async def read_form(request: Request) -> Any:
    """The submitted form; a malformed body is a 400 page, never a 500."""
    try:
        return await request.form(max_files=1, max_fields=20)
    except Exception:
        raise PageError(400, Problem("request.malformed", "the form could not be read",
                                     "het formulier kon niet worden gelezen")) from None


#: The submitted form as a dependency: it is read on the event loop (awaiting the body), the
#: ``def`` route that takes it runs in the thread pool (database, argon2, signing).
PageForm = Annotated[Any, Depends(read_form)]


def form_text(form: Any, name: str, limit: int = 2000) -> str:
    value = form.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""




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
    staff = getattr(request.state, "staff", None)
    ctx = {"request": request, "lang": lang, "t": translator(lang),
           "other_lang": "en" if lang == "nl" else "nl", "staff": staff,
           "csrf": staff.csrf if staff is not None else pre_token(request, PRE_COOKIE),
           **context}
    resp = TEMPLATES.TemplateResponse(request, name, ctx, status_code=status, headers=headers)
    if staff is None:
        resp.set_cookie(PRE_COOKIE, str(ctx["csrf"]), httponly=True, samesite="lax",
                        secure=get_ctx(request).settings.secure_cookies, path="/")
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
