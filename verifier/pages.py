"""The verifier's employer pages on the shared page layer (:mod:`servicekit.pages`): its
templates and gettext catalogue, and the staff sign-in every employer page depends on.

When ``settings.require_staff`` (the default outside development mode) a page without a
signed-in staff member redirects to ``/login``; its forms then carry the session's CSRF token.
The session cookie is HttpOnly, SameSite=Lax and Secure over https. JSON and protocol routes
(``/api/``, ``/vc-api/``, ``/oid4vp/``) and clients that do not ask for HTML keep problem+json.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import Request

from servicekit.pages import LoginRequired, PageSite, http_problem
from servicekit.templating import page_templates
from verifier.flows.context import VerifierContext
from verifier.flows.staff import STAFF, SessionInfo
from verifier.i18n import CATALOGUE
from verifier.settings import VerifierSettings

__all__ = [
    "PRE_COOKIE", "SESSION_COOKIE", "TEMPLATES", "context_of", "current_staff", "require_staff",
    "verifier_site", "wants_html",
]

SESSION_COOKIE = "verifier_session"
#: Double-submit token for the sign-in form (before there is a session).
PRE_COOKIE = "verifier_pre"
TEMPLATES = page_templates(Path(__file__).resolve().parent / "templates")


def context_of(request: Request) -> VerifierContext:
    ctx: VerifierContext = request.app.state.verifier
    return ctx


def current_staff(request: Request) -> SessionInfo | None:
    """The signed-in staff member of this request, if any (looked up once per request)."""
    ctx = context_of(request)
    return STAFF.signed_in(request, cookie=SESSION_COOKIE, db=ctx.db, clock=ctx.clock)


def require_staff(request: Request) -> SessionInfo | None:
    """Dependency of every employer page: the signed-in staff member, or ``None`` when the
    pages are open (development mode without ``staff_login``)."""
    if not context_of(request).settings.require_staff:
        return None
    staff = current_staff(request)
    if staff is None:
        query = f"?{request.url.query}" if request.url.query else ""
        raise LoginRequired(request.url.path + query if request.method == "GET" else "/")
    request.state.staff = staff
    return staff


def wants_html(request: Request) -> bool:
    """Does this request get an error page (a browser on an employer page)?"""
    accept = request.headers.get("accept", "")
    return "text/html" in accept and not request.url.path.startswith(("/api/", "/vc-api/",
                                                                         "/oid4vp/"))


def verifier_site(settings: VerifierSettings) -> PageSite:
    """How the verifier's pages look and who signs in to them: the staff member the page's
    ``Staff`` dependency found (no CSRF token while the pages are open)."""
    return PageSite(
        templates=TEMPLATES, catalogue=CATALOGUE,
        user=lambda request: getattr(request.state, "staff", None), user_name="staff",
        pre_cookie=PRE_COOKIE, secure_cookies=settings.secure_cookies,
        csrf_exempt=lambda _request: not settings.require_staff, http_reason=http_problem,
        max_files=1, max_fields=20, html=wants_html,
    )
