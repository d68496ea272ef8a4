"""Sign up, log in, log out, language switch, account page and account deletion."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from rotonde.errors import PolicyError, RotondeError
from servicekit.accounts import DEVICE_TTL, THROTTLED, safe_next, sign_in_status
from servicekit.pages import check_csrf, lang_of, redirect, render, set_lang_cookie
from wallet.flows import accounts
from wallet.flows.accounts import SessionInfo
from wallet.pages import SESSION_COOKIE, context_of, current_user
from wallet.routes.deps import Ctx, User

__all__ = ["router"]

router = APIRouter()

Text = Annotated[str, Form(max_length=1024)]
#: Marks a browser the learner signed in on before (:mod:`servicekit.throttle`).
DEVICE_COOKIE = "wallet_device"


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _start_session(request: Request, account_id: str, target: str, device: str) -> Response:
    c = context_of(request)
    with c.db.session() as s:
        old = request.cookies.get(SESSION_COOKIE)
        if old:
            accounts.end_session(s, old)  # a fresh session id at every login (no fixation)
        token, _ = accounts.create_session(s, c.clock, account_id, c.settings.session_ttl)
    response = redirect(safe_next(target))
    response.set_cookie(
        SESSION_COOKIE, token, max_age=c.settings.session_ttl, httponly=True, samesite="lax",
        secure=c.settings.secure_cookies, path="/",
    )
    response.set_cookie(DEVICE_COOKIE, device, max_age=DEVICE_TTL, httponly=True,
                        samesite="lax", secure=c.settings.secure_cookies, path="/")
    return response


def _refused(request: Request, template: str, values: dict[str, object],
             exc: RotondeError, status: int) -> Response:
    """The form again with the reason; a throttled or busy sign-in gets 429/503 with
    ``Retry-After``."""
    headers: dict[str, str] = {}
    if isinstance(exc, PolicyError) and exc.code in THROTTLED:
        status, headers = sign_in_status(exc)
    response = render(request, template, {**values, "error": _text(request, exc)},
                      status=status)
    response.headers.update(headers)
    return response


@router.get("/signup")
def signup_page(request: Request, next: str = "/") -> Response:
    return render(request, "signup.html", {"next": safe_next(next)})


@router.post("/signup")
def signup(
    request: Request, c: Ctx, username: Text, password: Text, csrf: Text = "", next: Text = "/"
) -> Response:
    check_csrf(request, csrf)
    try:
        with c.db.session() as s:
            account_id = accounts.create_account(s, c.box, c.clock, username, password)
    except RotondeError as exc:
        return _refused(request, "signup.html", {"next": safe_next(next), "username": username},
                        exc, 422)
    device = accounts.remember_device(c.db, c.clock, account_id)
    return _start_session(request, account_id, next, device)


@router.get("/login")
def login_page(request: Request, next: str = "/", notice: str = "") -> Response:
    if current_user(request) is not None:
        return redirect(safe_next(next))
    words = _t(request, notice) if notice in ("account.deleted",) else None
    return render(request, "login.html", {"next": safe_next(next), "notice": words})


@router.post("/login")
def login(
    request: Request, c: Ctx, username: Text, password: Text, csrf: Text = "", next: Text = "/"
) -> Response:
    check_csrf(request, csrf)
    try:
        signed_in = accounts.authenticate(
            c.db, c.clock, username, password, _client(request),
            device=request.cookies.get(DEVICE_COOKIE),
            max_failures=c.settings.login_max_failures, window=c.settings.login_window,
        )
    except RotondeError as exc:
        return _refused(request, "login.html", {"next": safe_next(next), "username": username},
                        exc, 401)
    return _start_session(request, signed_in.account_id, next, signed_in.device)


@router.post("/logout")
def logout(request: Request, c: Ctx, csrf: Text = "") -> Response:
    check_csrf(request, csrf)
    with c.db.session() as s:
        accounts.end_session(s, request.cookies.get(SESSION_COOKIE, ""))
    response = redirect("/login")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/lang/{code}")
def switch_language(request: Request, code: str, next: str = "/") -> Response:
    response = redirect(safe_next(next))
    set_lang_cookie(response, code, context_of(request).settings.secure_cookies)
    return response


def _listed_keys(request: Request, user: SessionInfo) -> list[dict[str, str]]:
    """The account's holder keys with their identifiers (did:jwk for P-256, did:key for
    Ed25519)."""
    from rotonde.did.jwk import did_jwk_from_public_key
    from rotonde.did.key import did_key_from_public_key

    c = context_of(request)
    with c.db.session() as s:
        keys = accounts.all_holder_keys(s, accounts.vault_for(s, c.box, user.account_id))
    return [{"alg": k.alg, "id": did_jwk_from_public_key(k.public_key) if k.alg == "ES256"
             else did_key_from_public_key(k.public_key), "imported": "1" if imported else ""}
            for k, imported in keys]


@router.get("/account")
def account_page(request: Request, user: User) -> Response:
    return render(request, "account.html", {"keys": _listed_keys(request, user),
                                            "active": "account"})


@router.post("/account/delete")
def delete_account(request: Request, c: Ctx, user: User, password: Text,
                   csrf: Text = "") -> Response:
    check_csrf(request, csrf)
    try:
        accounts.authenticate(
            c.db, c.clock, user.username, password, _client(request),
            device=request.cookies.get(DEVICE_COOKIE),
            max_failures=c.settings.login_max_failures, window=c.settings.login_window,
        )
    except RotondeError as exc:
        return _refused(request, "account.html",
                        {"keys": _listed_keys(request, user), "active": "account"}, exc, 403)
    with c.db.session() as s:
        accounts.delete_account(s, user.account_id)
    accounts.signed_out(request, cookie=SESSION_COOKIE)
    response = redirect("/login?notice=account.deleted")  # post/redirect/get
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def _text(request: Request, exc: RotondeError) -> str:
    from wallet.i18n import problem_text

    return problem_text(lang_of(request), exc)


def _t(request: Request, key: str) -> str:
    from wallet.i18n import translator

    return translator(lang_of(request))(key)
