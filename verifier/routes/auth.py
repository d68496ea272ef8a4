"""Staff sign-in for the employer pages: ``GET|POST /login``, ``POST /logout``.

Accounts come from ``rotonde verifier staff add``; passwords, sessions and throttling are
:mod:`servicekit.accounts`. While the pages are open (development mode without
``staff_login``) ``/login`` leads straight to the pages.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from rotonde.errors import PolicyError
from servicekit.accounts import DEVICE_TTL, safe_next, sign_in_status
from servicekit.pages import check_csrf, form_text, lang_of, redirect, render
from servicekit.ratelimit import client_key
from verifier.flows.staff import STAFF
from verifier.i18n import problem_text
from verifier.pages import PRE_COOKIE, SESSION_COOKIE, current_staff, require_staff
from verifier.routes.deps import Ctx, PageForm

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
#: Marks a browser a staff member signed in on before (:mod:`servicekit.throttle`).
DEVICE_COOKIE = "verifier_device"


@router.get("/login")
def login_page(request: Request, ctx: Ctx, next: str = "/") -> Response:
    if not ctx.settings.require_staff or current_staff(request) is not None:
        return redirect(safe_next(next))
    return render(request, "login.html", {"next": safe_next(next), "error": None})


@router.post("/login")
def login(request: Request, ctx: Ctx, form: PageForm) -> Response:
    check_csrf(request, form.get("csrf"))
    username, password = form_text(form, "username", 64), form.get("password")
    next_url = safe_next(form.get("next"))
    if not isinstance(password, str):
        password = ""
    client = client_key(request)
    settings = ctx.settings
    try:
        signed_in = STAFF.authenticate(ctx.db, ctx.clock, username, password, client,
                                       device=request.cookies.get(DEVICE_COOKIE),
                                       max_failures=settings.login_max_failures,
                                       window=settings.login_window)
        with ctx.db.session() as s:
            token, _ = STAFF.create_session(s, ctx.clock, signed_in.account_id,
                                            settings.session_ttl)
    except PolicyError as exc:
        message = problem_text(lang_of(request), exc)
        status, headers = sign_in_status(exc)
        return render(request, "login.html",
                      {"next": next_url, "error": message, "username": username},
                      status=status, headers=headers)
    response = redirect(next_url)
    response.set_cookie(SESSION_COOKIE, token, max_age=settings.session_ttl, httponly=True,
                        samesite="lax", secure=settings.secure_cookies, path="/")
    response.set_cookie(DEVICE_COOKIE, signed_in.device, max_age=DEVICE_TTL, httponly=True,
                        samesite="lax", secure=settings.secure_cookies, path="/")
    response.delete_cookie(PRE_COOKIE, path="/")
    return response


@router.post("/logout", dependencies=[Depends(require_staff)])
def logout(request: Request, ctx: Ctx, form: PageForm) -> Response:
    check_csrf(request, form.get("csrf"))
    with ctx.db.session() as s:
        STAFF.end_session(s, request.cookies.get(SESSION_COOKIE, ""))
    response = redirect("/login")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
