"""The wallet's pages on the shared page layer (:mod:`servicekit.pages`): its templates and
gettext catalogue, the signed-in learner, uploads.

Pages are server-rendered (Jinja2, autoescaped) and work without JavaScript. Every POST form
carries a CSRF token: for signed-in pages the session's token; for the sign-in and sign-up
forms a double-submit token (cookie ``wallet_pre`` equals the hidden field).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from fastapi import Request
from starlette.datastructures import UploadFile

from servicekit.pages import LoginRequired, PageError, PageSite, http_problem
from servicekit.templating import page_templates
from wallet.context import WalletContext
from wallet.flows.accounts import SessionInfo, signed_in
from wallet.i18n import CATALOGUE, claim_label, translator
from wallet.settings import WalletSettings

__all__ = [
    "PRE_COOKIE", "SESSION_COOKIE", "TEMPLATES", "context_of", "current_user", "flow_or_gone",
    "link_or_qr",
    "read_upload", "require_user", "wallet_site",
]

SESSION_COOKIE = "wallet_session"
PRE_COOKIE = "wallet_pre"
TEMPLATES = page_templates(Path(__file__).resolve().parent / "templates")


def context_of(request: Request) -> WalletContext:
    value: WalletContext = request.app.state.wallet
    return value


def current_user(request: Request) -> SessionInfo | None:
    """The signed-in learner of this request (looked up once per request), or ``None``."""
    c = context_of(request)
    return signed_in(request, cookie=SESSION_COOKIE, db=c.db, clock=c.clock)


def require_user(request: Request) -> SessionInfo:
    """The signed-in learner; :class:`LoginRequired` (back here after sign-in) otherwise."""
    user = current_user(request)
    if user is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(target)
    return user


def _values(request: Request, lang: str) -> dict[str, Any]:
    # this page, without a ``lang`` of its own: the switch's choice must win after it; a page
    # shown in answer to a form post (a refusal) switches on the page the form was on
    query = urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "lang"])
    here = request.url.path + (f"?{query}" if query else "")
    referer = urlsplit(request.headers.get("referer", ""))
    if request.method != "GET" and referer.path.startswith("/") and referer.netloc in (
            "", request.url.netloc):
        here = referer.path + (f"?{referer.query}" if referer.query else "")
    t = translator(lang)
    return {
        "here_q": quote(here, safe=""),
        "claim": lambda p: claim_label(str(p), t),
        "settings": context_of(request).settings,
    }


def wallet_site(settings: WalletSettings) -> PageSite:
    """How the wallet's pages look and who signs in to them."""
    return PageSite(
        templates=TEMPLATES, catalogue=CATALOGUE, user=current_user, user_name="user",
        pre_cookie=PRE_COOKIE, secure_cookies=settings.secure_cookies,
        values=_values, csrf_expired="error.csrf", internal="error.internal",
        http_reason=lambda status: "error.not_found" if status in (404, 405)
        else http_problem(status),
    )


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


def flow_or_gone(state: dict[str, Any] | None) -> dict[str, Any]:
    """A pending step's stored state, or the page saying the step has expired (410): its
    lifetime is over, it was finished, or it is another learner's."""
    if state is None:
        raise PageError(410, "error.flow_expired")
    return state
