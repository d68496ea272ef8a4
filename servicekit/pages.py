"""One page layer for the services' server-rendered pages (the wallet's, the verifier's and the
issuer's landing page).

A service describes its pages once, as a :class:`PageSite` stored on ``app.state.pages``
(its templates, gettext catalogue, CSRF cookie, who is signed in); everything else is shared:

* :func:`lang_of` / :func:`negotiate` — the one language choice: ``?lang=``, then the ``lang``
  cookie, then the best ``Accept-Language`` match (RFC 9110 §12.5.4 quality values); Dutch by
  default.
* :func:`render` — a template with the request's ``_``/``gettext``/``ngettext`` and Babel
  formats (:func:`servicekit.i18n.template_callables`), ``lang``, ``other_lang``, ``lang_url``
  (this page in the other language), ``err`` (a problem in words), ``csrf``, ``when`` and the
  signed-in person; forms shown before sign-in get the double-submit token cookie.
* :func:`problem_message` — what a person reads for a stable problem code: the catalogue's
  ``problem.<code>`` (or its family's) message with the next step, never the code, an HTTP
  status or the core's words (``docs/architecture.md`` §8).
* :func:`check_csrf` — a POST carries the session's CSRF token (before sign-in: the
  double-submit token); otherwise :class:`PageError` 403.
* :class:`LoginRequired` (a redirect to ``/login?next=...``) and :class:`PageError` (an error
  page in the reader's language), answered by :func:`install_page_handlers`, which also turns
  every other failure of a page request into an error page.
* :data:`PageForm` — the submitted form as a dependency, read on the event loop (a malformed
  body is a 400 page).
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette._utils import is_async_callable
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.templating import Jinja2Templates

from rotonde.errors import Problem, RotondeError
from servicekit.accounts import pre_token
from servicekit.formats import when
from servicekit.i18n import (
    DEFAULT_LANG,
    LANG_COOKIE,
    LANGS,
    Catalogue,
    format_number,
    negotiate,
    template_callables,
)

__all__ = [
    "DEFAULT_LANG",
    "LANGS",
    "LANG_COOKIE",
    "LoginRequired",
    "PageError",
    "PageForm",
    "PageSite",
    "Reason",
    "check_csrf",
    "form_text",
    "http_problem",
    "install_page_handlers",
    "lang_of",
    "lang_url",
    "negotiate",
    "problem_key",
    "problem_message",
    "read_form",
    "redirect",
    "render",
    "render_error",
    "set_lang_cookie",
]

log = logging.getLogger("servicekit")

#: What an error page says: a message id of the service's catalogue, or a problem (its code
#: picks the message, :func:`problem_message`).
Reason = str | Problem | RotondeError

#: The catalogue of servicekit alone (problem messages, generic pages).
SHARED = Catalogue()


def lang_of(request: Request) -> str:
    """The language of this request's page (:func:`servicekit.i18n.negotiate`)."""
    return negotiate(request.cookies.get(LANG_COOKIE), request.headers.get("accept-language"),
                     query=request.query_params.get("lang"))


def problem_key(code: str, catalogue: Catalogue = SHARED, lang: str = DEFAULT_LANG) -> str:
    """The message id of problem ``code``: ``problem.<code>``, else the message of its family
    (``problem.sdjwt`` for ``sdjwt.kb_missing``), else ``problem.other``."""
    parts = code.split(".")
    while parts:
        key = "problem." + ".".join(parts)
        if catalogue.knows(lang, key):
            return key
        parts.pop()
    return "problem.other"


def problem_message(lang: str, error: RotondeError | Problem | Mapping[str, Any],
                    catalogue: Catalogue = SHARED) -> str:
    """What a person reads for a domain error or problem: the catalogue's message for its
    stable code (with the next step), never the code, an HTTP status or a parser's words."""
    if isinstance(error, RotondeError):
        error = error.problems[0]
    if isinstance(error, Problem):
        code, detail = error.code, error.detail
    else:
        code, detail = str(error.get("code", "")), error.get("detail") or {}
    key = problem_key(code, catalogue, lang)
    text = catalogue.gettext(lang, key)
    if "%(" not in text:
        return text
    try:  # ``%(retry_after)s``: a value of the problem's detail, written in the language
        return text % {k: format_number(v, lang) for k, v in dict(detail).items()}
    except (KeyError, TypeError, ValueError):
        return catalogue.gettext(lang, problem_key(code.rpartition(".")[0], catalogue, lang))


class LoginRequired(Exception):
    """Nobody is signed in: the page answers with a redirect to ``/login?next=<next_url>``."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


class PageError(Exception):
    """An error page with ``status`` saying ``reason`` in the reader's language; ``headers``
    go with it (e.g. ``Retry-After`` on a 429 or 503, RFC 9110 §10.2.3)."""

    def __init__(self, status: int, reason: Reason,
                 headers: Mapping[str, str] | None = None) -> None:
        code = reason if isinstance(reason, str) else reason.code
        super().__init__(code)
        self.status = status
        self.reason = reason
        self.headers = dict(headers or {})


#: The form of a page has expired (or was never this session's): CSRF refusal.
CSRF_EXPIRED = Problem("request.csrf", "the form has expired; please try again",
                       "het formulier is verlopen; probeer het opnieuw")
#: The form does not have the fields the page needs.
FORM_INVALID = Problem("request.invalid", "The form is incomplete or invalid.",
                       "Het formulier is onvolledig of ongeldig.")
#: Something unexpected failed.
INTERNAL = Problem("server.internal", "An unexpected error occurred. Nothing was changed.",
                   "Er is een onverwachte fout opgetreden. Er is niets veranderd.")


def http_problem(status: int) -> Problem:
    """What an error page says for an HTTP error status: the message of ``http.<status>``
    (the status itself is never shown)."""
    if status == 404:
        return Problem(f"http.{status}", "page not found", "pagina niet gevonden")
    return Problem(f"http.{status}", "request not possible", "verzoek niet mogelijk")


@dataclass(frozen=True, kw_only=True)
class PageSite:
    """How one service's pages look and who signs in to them."""

    templates: Jinja2Templates
    #: The service's messages (gettext catalogues, :class:`servicekit.i18n.Catalogue`).
    catalogue: Catalogue
    #: The signed-in person of a request (anything with ``.csrf``), or ``None``.
    user: Callable[[Request], Any]
    #: The template variable naming that person (``user``, ``staff``).
    user_name: str = "user"
    #: Cookie of the double-submit CSRF token for forms shown before sign-in; ``""`` for a
    #: site without forms (the issuer's landing page): no token, no cookie.
    pre_cookie: str = ""
    secure_cookies: bool
    #: Requests whose forms need no CSRF token (the verifier's pages while they are open).
    csrf_exempt: Callable[[Request], bool] = lambda _request: False
    #: More values every template gets: ``values(request, lang)``.
    values: Callable[[Request, str], Mapping[str, Any]] = lambda _request, _lang: {}
    #: What the error pages say for a stale form, an HTTP error status, a failure.
    csrf_expired: Reason = CSRF_EXPIRED
    http_reason: Callable[[int], Reason] = http_problem
    internal: Reason = INTERNAL
    #: Most files and fields a submitted form may have (Starlette's form parser limits).
    max_files: int = 1000
    max_fields: int = 1000
    #: Requests answered with an error page (the others get problem+json); default: all.
    html: Callable[[Request], bool] = field(default=lambda _request: True)

    def explain(self, lang: str, reason: Reason) -> tuple[str, str]:
        """``(message, code)`` of an error page; the code goes into the page's markup for
        machines (``data-code``), never into its words."""
        if isinstance(reason, str):
            return self.catalogue.gettext(lang, reason), ""
        return problem_message(lang, reason, self.catalogue), reason.code

    def problem_text(self, lang: str, error: RotondeError | Problem | Mapping[str, Any]) -> str:
        """A problem in the reader's words (:func:`problem_message` with this catalogue)."""
        return problem_message(lang, error, self.catalogue)


def lang_url(request: Request, lang: str) -> str:
    """This page in language ``lang``: the same path and query, with ``lang`` set (the
    language switch of every page keeps the reader's place)."""
    query = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    return request.url.path + "?" + urlencode([*query, ("lang", lang)])


def site_of(request: Request) -> PageSite:
    site: PageSite = request.app.state.pages
    return site


def redirect(url: str) -> RedirectResponse:
    """``303 See Other``: the answer to a form POST."""
    return RedirectResponse(url, status_code=303)


def set_lang_cookie(response: Response, lang: str, secure: bool) -> None:
    """Remember the reader's choice of language for a year."""
    if lang in LANGS:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax",
                            secure=secure, httponly=True, path="/")


def render(
    request: Request, name: str, context: Mapping[str, Any] | None = None, *,
    status: int = 200, headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    """The page ``name`` in the reader's language."""
    site = site_of(request)
    lang = lang_of(request)
    other = "en" if lang == "nl" else "nl"
    user = site.user(request)
    values: dict[str, Any] = {
        "request": request,
        **template_callables(site.catalogue, lang),
        "t": site.catalogue.translator(lang),
        "lang": lang,
        "other_lang": other,
        "lang_url": lang_url(request, other),
        "err": lambda problem: site.problem_text(lang, problem),
        site.user_name: user,
        "csrf": user.csrf if user is not None
        else pre_token(request, site.pre_cookie) if site.pre_cookie else "",
        "when": when,
        **site.values(request, lang),
    }
    values.update(context or {})
    response = site.templates.TemplateResponse(request, name, values, status_code=status,
                                               headers=dict(headers or {}))
    if user is None and site.pre_cookie:
        response.set_cookie(site.pre_cookie, str(values["csrf"]), httponly=True,
                            samesite="lax", secure=site.secure_cookies, path="/")
    if request.query_params.get("lang") in LANGS:
        set_lang_cookie(response, lang, site.secure_cookies)
    response.headers.setdefault("Content-Language", lang)
    return response


def render_error(request: Request, status: int, reason: Reason) -> HTMLResponse:
    """The service's ``error.html`` saying ``reason``."""
    message, code = site_of(request).explain(lang_of(request), reason)
    return render(request, "error.html", {"message": message, "code": code}, status=status)


def check_csrf(request: Request, submitted: object) -> None:
    """A form POST must carry the signed-in person's CSRF token, or before sign-in the
    double-submit token of the pre-sign-in cookie; :class:`PageError` 403 otherwise."""
    site = site_of(request)
    if site.csrf_exempt(request):
        return
    user = site.user(request)
    expected = user.csrf if user is not None else request.cookies.get(site.pre_cookie, "")
    if not (isinstance(submitted, str) and submitted and expected
            and hmac.compare_digest(expected.encode(), submitted.encode())):
        raise PageError(403, site.csrf_expired)


async def read_form(request: Request) -> FormData:
    """The submitted form (for routes whose fields are not known in advance); a body that
    cannot be read as a form is a 400 page, never a 500."""
    site = site_of(request)
    try:
        return await request.form(max_files=site.max_files, max_fields=site.max_fields)
    except Exception:
        raise PageError(400, Problem("request.malformed", "the form could not be read",
                                     "het formulier kon niet worden gelezen")) from None


#: The submitted form as a dependency: read on the event loop (awaiting the body), while the
#: ``def`` route that takes it runs in the thread pool (database, argon2, signing, fetches).
PageForm = Annotated[FormData, Depends(read_form)]


def form_text(form: FormData, name: str, limit: int = 2000) -> str:
    """A text field of ``form``, stripped and cut at ``limit`` characters (``""`` if absent
    or a file)."""
    value = form.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


def install_page_handlers(app: FastAPI, site: PageSite) -> None:
    """Answer page failures with pages: :class:`LoginRequired` redirects to the sign-in page;
    :class:`PageError`, HTTP errors, domain errors, invalid forms and unexpected failures of a
    request ``site.html`` accepts become the error page (the others keep their problem+json
    handlers from :func:`servicekit.handlers.install_problem_handlers`). The handlers are plain
    ``def``: rendering may look up the signed-in person in the database (thread pool)."""
    app.state.pages = site
    fallback = dict(app.exception_handlers)

    def on_login_required(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, LoginRequired)
        return redirect("/login?next=" + quote(exc.next_url, safe=""))

    def on_page_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, PageError)
        response = render_error(request, exc.status, exc.reason)
        response.headers.update(exc.headers)
        return response

    def page_or(kind: type[Exception], page: Callable[[Request, Exception], Response]) -> None:
        previous = fallback.get(kind)

        async def handler(request: Request, exc: Exception) -> Response:
            if site.html(request) or previous is None:
                return await run_in_threadpool(page, request, exc)
            if is_async_callable(previous):
                answer: Response = await previous(request, exc)
                return answer
            return await run_in_threadpool(previous, request, exc)

        app.add_exception_handler(kind, handler)

    def http_page(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        return render_error(request, exc.status_code, site.http_reason(exc.status_code))

    def domain_page(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RotondeError)
        return render_error(request, 400, exc)

    def invalid_page(request: Request, exc: Exception) -> Response:
        return render_error(request, 422, FORM_INVALID)

    def failure_page(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path,
                      exc_info=exc)
        return render_error(request, 500, site.internal)

    app.add_exception_handler(LoginRequired, on_login_required)
    app.add_exception_handler(PageError, on_page_error)
    page_or(StarletteHTTPException, http_page)
    page_or(RotondeError, domain_page)
    page_or(RequestValidationError, invalid_page)
    page_or(Exception, failure_page)
