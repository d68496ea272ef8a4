"""RFC 9457 problem details and OAuth 2.0 error responses for the Rotonde services.

* :class:`HttpProblem` — raise it from a route for a problem+json response (RFC 9457 §3:
  ``type``, ``title``, ``status``, ``detail``, ``instance``) with Rotonde's extension members
  ``code`` (the stable dotted code) and ``errors``: a list of field-level problems
  ``{pointer, code, message, message_nl}`` (RFC 9457 §3.2 extension members).
* :class:`OAuthError` — raise it from OAuth / OpenID endpoints (token, credential, nonce, ...):
  the body is ``{"error": ..., "error_description": ...}`` (RFC 6749 §5.2, OpenID4VCI 1.0 §8.3.1).
* :func:`install_problem_handlers` — maps :class:`~rotonde.errors.RotondeError`, request
  validation errors, HTTP errors and unexpected exceptions to problem+json. Unexpected exceptions
  never leak a stack trace or message to the client.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from rotonde.errors import (
    ConfigurationError,
    FetchError,
    KeyFormatError,
    ParseError,
    PolicyError,
    Problem,
    RotondeError,
    SignatureError,
    StatusError,
    ValidationError,
)

__all__ = [
    "PROBLEM_MEDIA_TYPE",
    "HttpProblem",
    "OAuthError",
    "install_problem_handlers",
    "oauth_response",
    "problem_response",
    "status_for_error",
]

log = logging.getLogger("rotonde.web")

PROBLEM_MEDIA_TYPE = "application/problem+json"
_TYPE_BASE = "https://rotonde.dev/problems/"

_STATUS_BY_CLASS: tuple[tuple[type[RotondeError], int], ...] = (
    (ValidationError, 422),
    (ParseError, 400),
    (KeyFormatError, 400),
    (SignatureError, 400),
    (PolicyError, 403),
    (StatusError, 400),
    (FetchError, 502),
    (ConfigurationError, 500),
)

_TITLES: dict[int, tuple[str, str]] = {
    400: ("Bad request", "Ongeldig verzoek"),
    401: ("Unauthorized", "Niet geauthenticeerd"),
    403: ("Forbidden", "Geen toegang"),
    404: ("Not found", "Niet gevonden"),
    405: ("Method not allowed", "Methode niet toegestaan"),
    409: ("Conflict", "Conflict"),
    413: ("Content too large", "Inhoud te groot"),
    415: ("Unsupported media type", "Mediatype niet ondersteund"),
    422: ("Unprocessable content", "Inhoud niet verwerkbaar"),
    429: ("Too many requests", "Te veel verzoeken"),
    500: ("Internal server error", "Interne serverfout"),
    502: ("Bad gateway", "Fout bij externe bron"),
    503: ("Service unavailable", "Dienst niet beschikbaar"),
}


def status_for_error(error: RotondeError) -> int:
    """The HTTP status for a core error: 422 validation, 400 malformed, 403 policy, ..."""
    for cls, status in _STATUS_BY_CLASS:
        if isinstance(error, cls):
            return status
    return 400


def _problem_dict(p: Problem) -> dict[str, Any]:
    out: dict[str, Any] = {
        "pointer": p.pointer if p.pointer is not None else "",
        "code": p.code,
        "message": p.message,
        "message_nl": p.message_nl or p.message,
    }
    if p.detail:
        out["detail"] = dict(p.detail)
    return out


def problem_response(
    status: int,
    *,
    code: str,
    detail: str = "",
    detail_nl: str = "",
    title: str | None = None,
    errors: Iterable[Problem | Mapping[str, Any]] = (),
    instance: str | None = None,
    headers: Mapping[str, str] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> JSONResponse:
    """Build an ``application/problem+json`` response (RFC 9457 §3).

    ``type`` is derived from ``code`` (``https://rotonde.dev/problems/<code>``), ``title`` from
    the status unless given; ``errors`` carries field-level problems.
    """
    en, nl = _TITLES.get(status, ("Error", "Fout"))
    body: dict[str, Any] = {
        "type": _TYPE_BASE + code,
        "title": title or en,
        "status": status,
        "code": code,
        "detail": detail or (title or en),
        "detail_nl": detail_nl or detail or nl,
    }
    if instance:
        body["instance"] = instance
    errs = [_problem_dict(e) if isinstance(e, Problem) else dict(e) for e in errors]
    if errs:
        body["errors"] = errs
    if extra:
        body.update(extra)
    hdrs = {"Cache-Control": "no-store"}
    hdrs.update(headers or {})
    return JSONResponse(body, status_code=status, headers=hdrs, media_type=PROBLEM_MEDIA_TYPE)


class HttpProblem(Exception):
    """Raise in a route to answer with problem+json."""

    def __init__(
        self,
        status: int,
        code: str,
        detail: str = "",
        *,
        detail_nl: str = "",
        errors: Sequence[Problem | Mapping[str, Any]] = (),
        headers: Mapping[str, str] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(f"{status} {code}: {detail}")
        self.status = status
        self.code = code
        self.detail = detail
        self.detail_nl = detail_nl
        self.errors = list(errors)
        self.headers = dict(headers or {})
        self.extra = dict(extra or {})

    @classmethod
    def from_error(cls, error: RotondeError, status: int | None = None) -> HttpProblem:
        first = error.problems[0]
        return cls(
            status or status_for_error(error),
            first.code,
            first.message,
            detail_nl=first.message_nl,
            errors=error.problems,
        )

    def response(self, instance: str | None = None) -> JSONResponse:
        return problem_response(
            self.status,
            code=self.code,
            detail=self.detail,
            detail_nl=self.detail_nl,
            errors=self.errors,
            instance=instance,
            headers=self.headers,
            extra=self.extra,
        )


class OAuthError(Exception):
    """An OAuth 2.0 style error (RFC 6749 §5.2; OpenID4VCI 1.0 §6.3, §8.3.1, §7.2).

    ``error`` is a registered code such as ``invalid_grant``, ``invalid_proof``,
    ``invalid_nonce``, ``invalid_credential_request``, ``unknown_credential_configuration``.
    """

    def __init__(
        self,
        error: str,
        description: str = "",
        *,
        status: int = 400,
        headers: Mapping[str, str] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description
        self.status = status
        self.headers = dict(headers or {})
        self.extra = dict(extra or {})

    def response(self) -> JSONResponse:
        return oauth_response(
            self.error, self.description, status=self.status, headers=self.headers, extra=self.extra
        )


def oauth_response(
    error: str,
    description: str = "",
    *,
    status: int = 400,
    headers: Mapping[str, str] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> JSONResponse:
    """``{"error": ..., "error_description": ...}`` with ``Cache-Control: no-store``."""
    body: dict[str, Any] = {"error": error}
    if description:
        body["error_description"] = description
    if extra:
        body.update(extra)
    hdrs = {"Cache-Control": "no-store"}
    hdrs.update(headers or {})
    return JSONResponse(body, status_code=status, headers=hdrs)


def _pointer_from_loc(loc: Sequence[Any]) -> str:
    parts = list(loc)
    if parts and parts[0] in ("body", "query", "path", "header", "cookie"):
        where = parts.pop(0)
        if where != "body":
            return f"#{where}/" + "/".join(str(p) for p in parts)
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def validation_problems(exc: RequestValidationError) -> list[Problem]:
    """Pydantic request validation errors as field-level problems with JSON pointers."""
    out: list[Problem] = []
    for err in exc.errors():
        kind = str(err.get("type", "invalid"))
        msg = str(err.get("msg", "invalid value"))
        out.append(
            Problem(
                f"request.{kind.replace('.', '_')}",
                msg,
                f"ongeldige waarde: {msg}",
                _pointer_from_loc(err.get("loc", ())),
            )
        )
    return out


def install_problem_handlers(app: FastAPI) -> None:
    """Register the exception handlers that turn every failure into problem+json / OAuth errors."""

    async def on_http_problem(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, HttpProblem)
        return exc.response(instance=request.url.path)

    async def on_oauth(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, OAuthError)
        return exc.response()

    async def on_rotonde(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RotondeError)
        if isinstance(exc, ConfigurationError):
            log.error("configuration error: %s", exc)
        return HttpProblem.from_error(exc).response(instance=request.url.path)

    async def on_validation(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        return problem_response(
            422,
            code="request.invalid",
            detail="the request does not match the expected shape",
            detail_nl="het verzoek heeft niet de verwachte vorm",
            errors=validation_problems(exc),
            instance=request.url.path,
        )

    async def on_http(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        en, nl = _TITLES.get(exc.status_code, ("Error", "Fout"))
        detail = exc.detail if isinstance(exc.detail, str) else en
        return problem_response(
            exc.status_code,
            code=f"http.{exc.status_code}",
            detail=detail,
            detail_nl=nl,
            instance=request.url.path,
            headers=dict(exc.headers or {}),
        )

    async def on_unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem_response(
            500,
            code="server.internal",
            detail="an unexpected error occurred",
            detail_nl="er is een onverwachte fout opgetreden",
            instance=request.url.path,
        )

    app.add_exception_handler(HttpProblem, on_http_problem)
    app.add_exception_handler(OAuthError, on_oauth)
    app.add_exception_handler(RotondeError, on_rotonde)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(Exception, on_unexpected)
