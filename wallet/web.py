"""Request plumbing for the wallet pages: the app context, the logged-in learner, CSRF,
language and rendering.

Pages are server-rendered (Jinja2, autoescaped) and work without JavaScript. Every POST form
carries a CSRF token: for logged-in pages the session's token; for the login and sign-up forms a
double-submit token (cookie ``wallet_pre`` equals the hidden field).
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.datastructures import FormData, UploadFile

from rotonde.clock import Clock, format_datetime
from rotonde.errors import RotondeError
from rotonde.http import Fetcher
from servicekit.accounts import pre_token as shared_pre_token
from servicekit.crypto import SecretBox
from servicekit.db import Database
from servicekit.replay import OneTimeStore
from wallet.flows.accounts import SessionInfo, load_session
from wallet.i18n import LANGS, claim_label, negotiate, problem_text, translator
from wallet.settings import WalletSettings

if TYPE_CHECKING:
    from wallet.outbound import OutboundLimit

__all__ = [
    "SESSION_COOKIE",
    "LoginRequired",
    "PageError",
    "PageForm",
    "WalletContext",
    "check_csrf",
    "ctx",
    "current_user",
    "lang_of",
    "link_or_qr",
    "read_upload",
    "redirect",
    "render",
    "require_user",
]

SESSION_COOKIE = "wallet_session"
PRE_COOKIE = "wallet_pre"
LANG_COOKIE = "lang"
TEMPLATES = Path(__file__).parent / "templates"


@dataclass
class WalletContext:
    """Everything the routes share, created once by :func:`wallet.app.create_app`."""

    settings: WalletSettings
    db: Database
    box: SecretBox
    clock: Clock
    fetcher: Fetcher
    templates: Jinja2Templates
    one_time: OneTimeStore
    #: The learners' outbound slots (:mod:`wallet.outbound`).
    outbound: OutboundLimit
    extra: dict[str, Any] = field(default_factory=dict)


class LoginRequired(Exception):
    """Raised by :func:`require_user`; answered with a redirect to the login page."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


class PageError(Exception):
    """An error page in the learner's language (status code, message key or core error)."""

    def __init__(self, status: int, key: str = "", error: RotondeError | None = None) -> None:
        super().__init__(key or (error.code if error else str(status)))
        self.status = status
        self.key = key
        self.error = error


def ctx(request: Request) -> WalletContext:
    value: WalletContext = request.app.state.wallet
    return value


def lang_of(request: Request) -> str:
    return negotiate(request.cookies.get(LANG_COOKIE), request.headers.get("accept-language"))


def current_user(request: Request) -> SessionInfo | None:
    if getattr(request.state, "user_loaded", False):
        cached: SessionInfo | None = request.state.user
        return cached
    token = request.cookies.get(SESSION_COOKIE, "")
    user = None
    if token:
        c = ctx(request)
        with c.db.session() as s:
            user = load_session(s, c.clock, token)
    request.state.user = user
    request.state.user_loaded = True
    return user


def require_user(request: Request) -> SessionInfo:
    user = current_user(request)
    if user is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(target)
    return user


def pre_token(request: Request) -> str:
    """The double-submit token for logged-out forms (cookie set by :func:`render`)."""
    return shared_pre_token(request, PRE_COOKIE)


def check_csrf(request: Request, submitted: str | None) -> None:
    user = current_user(request)
    expected = user.csrf if user else request.cookies.get(PRE_COOKIE, "")
    if not expected or not submitted or not hmac.compare_digest(
        expected.encode(), submitted.encode()
    ):
        raise PageError(403, "error.csrf")




def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def render(
    request: Request, name: str, context: Mapping[str, Any] | None = None, *, status: int = 200
) -> HTMLResponse:
    c = ctx(request)
    lang = lang_of(request)
    user = current_user(request)
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    values: dict[str, Any] = {
        "request": request,
        "t": translator(lang),
        "lang": lang,
        "other_lang": "en" if lang == "nl" else "nl",
        "user": user,
        "csrf": user.csrf if user else pre_token(request),
        "here_q": quote(here, safe=""),
        "when": lambda ts: format_datetime(ts).replace("T", " ").replace("Z", " UTC")
        if ts else "",
        "err": lambda e: problem_text(lang, e),
        "claim": lambda p: claim_label(str(p), translator(lang)),
        "settings": c.settings,
    }
    values.update(context or {})
    response = c.templates.TemplateResponse(request, name, values, status_code=status)
    if user is None:
        response.set_cookie(
            PRE_COOKIE, str(values["csrf"]), httponly=True, samesite="lax",
            secure=c.settings.secure_cookies, path="/",
        )
    response.headers.setdefault("Content-Language", lang)
    return response


def set_lang_cookie(response: Response, lang: str, secure: bool) -> None:
    if lang in LANGS:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax",
                            secure=secure, httponly=True, path="/")


async def read_form(request: Request) -> FormData:
    """The submitted form, for routes whose fields are not known in advance."""
    return await request.form()


#: The submitted form as a dependency: it is read on the event loop (awaiting the body), the
#: ``def`` route that takes it runs in the thread pool (database, signing, outbound requests).
PageForm = Annotated[FormData, Depends(read_form)]


def read_upload(upload: UploadFile | str | None, limit: int) -> bytes | None:
    """Read an uploaded file up to ``limit`` bytes; ``None`` when no file was chosen (call from
    a ``def`` route: the spooled file is read synchronously, in the thread pool)."""
    if upload is None or isinstance(upload, str) or not upload.filename:
        return None
    data = upload.file.read(limit + 1)
    if len(data) > limit:
        raise PageError(413, "error.too_large")
    return data or None


def link_or_qr(text: str, image: UploadFile | str | None, limit: int) -> str:
    """The pasted link, or the text of the QR code in an uploaded image when one was chosen.

    Raises :class:`~rotonde.errors.RotondeError` when the image holds no readable QR code."""
    data = read_upload(image, limit)
    if data is None:
        return text.strip()
    from servicekit.qrscan import decode_qr

    return decode_qr(data)
