"""Staff sign-in for the employer pages: ``GET|POST /login``, ``POST /logout``.

Accounts come from ``rotonde verifier staff add``; passwords, sessions and throttling are
:mod:`rotonde.web.accounts`. While the pages are open (development mode without
``staff_login``) ``/login`` leads straight to the pages.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from rotonde.errors import PolicyError
from rotonde.web.ratelimit import client_key
from verifier.flows.context import VerifierContext
from verifier.flows.staff import STAFF
from verifier.routes._web import (
    PRE_COOKIE,
    SESSION_COOKIE,
    check_csrf,
    current_staff,
    form_text,
    get_ctx,
    lang_of,
    read_form,
    render,
    require_staff,
    safe_next,
)

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
Ctx = Annotated[VerifierContext, Depends(get_ctx)]


@router.get("/login")
def login_page(request: Request, ctx: Ctx, next: str = "/") -> Response:
    if not ctx.settings.require_staff or current_staff(request) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return render(request, "login.html", {"next": safe_next(next), "error": None})


@router.post("/login")
async def login(request: Request, ctx: Ctx) -> Response:
    form = await read_form(request)
    check_csrf(request, form.get("csrf"))
    username, password = form_text(form, "username", 64), form.get("password")
    next_url = safe_next(form.get("next"))
    if not isinstance(password, str):
        password = ""
    client = client_key(request)
    settings = ctx.settings
    try:
        with ctx.db.session() as s:
            staff_id = STAFF.authenticate(s, ctx.clock, username, password, client,
                                          max_failures=settings.login_max_failures,
                                          window=settings.login_window)
            token, _ = STAFF.create_session(s, ctx.clock, staff_id, settings.session_ttl)
    except PolicyError as exc:
        if exc.code == "account.login_failed":
            with ctx.db.session() as s:
                STAFF.record_failure(s, ctx.clock, username, client, settings.login_window)
        problem = exc.problems[0]
        message = (problem.message_nl if lang_of(request) == "nl" and problem.message_nl
                   else problem.message)
        status = 429 if exc.code == "account.rate_limited" else 401
        return render(request, "login.html",
                      {"next": next_url, "error": message, "username": username}, status=status)
    response = RedirectResponse(next_url, status_code=303)
    response.set_cookie(SESSION_COOKIE, token, max_age=settings.session_ttl, httponly=True,
                        samesite="lax", secure=settings.secure_cookies, path="/")
    response.delete_cookie(PRE_COOKIE, path="/")
    return response


@router.post("/logout", dependencies=[Depends(require_staff)])
async def logout(request: Request, ctx: Ctx) -> Response:
    form = await read_form(request)
    check_csrf(request, form.get("csrf"))
    with ctx.db.session() as s:
        STAFF.end_session(s, request.cookies.get(SESSION_COOKIE, ""))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
