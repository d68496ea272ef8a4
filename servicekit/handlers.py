"""Exception handlers: every failure of a Rotonde service becomes problem+json (RFC 9457) or,
on OAuth/OpenID endpoints that raise :class:`~servicekit.problem.OAuthError`, an OAuth error
response. Request validation errors carry field-level ``errors`` with JSON pointers; unexpected
exceptions are logged and answered with a bare 500 that leaks nothing."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from rotonde.errors import ConfigurationError, Problem, RotondeError
from servicekit.problem import TITLES, HttpProblem, OAuthError, problem_response

__all__ = ["install_problem_handlers", "validation_problems"]

log = logging.getLogger("servicekit")


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
        en, nl = TITLES.get(exc.status_code, ("Error", "Fout"))
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
