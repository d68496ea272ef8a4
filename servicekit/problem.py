"""RFC 9457 problem details and OAuth 2.0 error responses for the Rotonde services.

* :class:`HttpProblem` — raise it from a route for a problem+json response (RFC 9457 §3:
  ``type``, ``title``, ``status``, ``detail``, ``instance``) with Rotonde's extension members
  ``code`` (the stable dotted code) and ``errors``: a list of field-level problems
  ``{pointer, code, message, message_nl}`` (RFC 9457 §3.2 extension members).
* :class:`OAuthError` — raise it from OAuth / OpenID endpoints (token, credential, nonce, ...):
  the body is ``{"error": ..., "error_description": ...}`` (RFC 6749 §5.2, OpenID4VCI 1.0 §8.3.1).
* :func:`oauth_errors` — the edge of an OAuth endpoint: protocol errors that flows raise as
  domain errors (:class:`~rotonde.oid4vci.OID4VCIError`) become OAuth error responses.
* :func:`servicekit.handlers.install_problem_handlers` maps everything else to problem+json;
  a domain error (:class:`~rotonde.errors.RotondeError`) gets the status of its class
  (:func:`status_for_error`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from fastapi.responses import JSONResponse

from rotonde.errors import (
    ConfigurationError,
    ConflictError,
    FetchError,
    KeyFormatError,
    NotFoundError,
    ParseError,
    PolicyError,
    Problem,
    RotondeError,
    SignatureError,
    StatusError,
    ValidationError,
)
from rotonde.oid4vci import OID4VCIError

__all__ = [
    "PROBLEM_MEDIA_TYPE",
    "TITLES",
    "HttpProblem",
    "OAuthError",
    "oauth_errors",
    "oauth_response",
    "problem_response",
    "status_for_error",
]

log = logging.getLogger("servicekit")

PROBLEM_MEDIA_TYPE = "application/problem+json"
_TYPE_BASE = "https://rotonde.dev/problems/"

_STATUS_BY_CLASS: tuple[tuple[type[RotondeError], int], ...] = (
    (NotFoundError, 404),
    (ConflictError, 409),
    (ValidationError, 422),
    (ParseError, 400),
    (KeyFormatError, 400),
    (SignatureError, 400),
    (PolicyError, 403),
    (StatusError, 400),
    (FetchError, 502),
    (ConfigurationError, 500),
)

TITLES: dict[int, tuple[str, str]] = {
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
    """The HTTP status for a domain error: 404 not found, 409 conflict, 422 validation, 400
    malformed, 403 policy, 502 fetch, 500 configuration; 400 for any other."""
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
    en, nl = TITLES.get(status, ("Error", "Fout"))
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


#: HTTP status of an OAuth error code other than 400 (RFC 6749 §5.2): a missing or bad access
#: token is 401 with a ``WWW-Authenticate`` challenge (RFC 6750 §3.1); a token that does not
#: cover what was asked for is 403 ``insufficient_scope`` (RFC 6750 §3.1, OpenID4VCI §8.3.1.1).
OAUTH_STATUS: Mapping[str, int] = {"invalid_token": 401, "insufficient_scope": 403}


@contextmanager
def oauth_errors(*, failure: str = "server_error") -> Iterator[None]:
    """The edge of an OAuth / OpenID endpoint (token, credential): around the call of a flow,
    an :class:`~rotonde.oid4vci.OID4VCIError` becomes its OAuth error response
    (``error`` = its OAuth code, ``error_description`` = its message; status 400, or
    :data:`OAUTH_STATUS`), and a :class:`~rotonde.errors.ConfigurationError` (the server's own
    fault) becomes ``failure`` with status 500. Other errors pass unchanged."""
    try:
        yield
    except OID4VCIError as exc:
        status = OAUTH_STATUS.get(exc.error, 400)
        headers = ({"WWW-Authenticate": f'Bearer error="{exc.error}"'} if status in (401, 403)
                   else None)
        raise OAuthError(exc.error, exc.message, status=status, headers=headers) from None
    except ConfigurationError as exc:
        log.error("%s", exc)
        raise OAuthError(failure, exc.message, status=500) from None
