"""Security middlewares (pure ASGI, so they run before any body is read or parsed).

:class:`SecurityHeadersMiddleware` adds to every HTTP response:

* ``Content-Security-Policy`` without inline script (``script-src 'self'``), with
  ``frame-ancestors 'none'`` (no framing: clickjacking), ``object-src 'none'``, ``base-uri 'none'``;
  paths can get their own policy (e.g. the interactive API docs);
* ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: no-referrer``, ``X-Frame-Options: DENY``,
  ``Cross-Origin-Opener-Policy: same-origin``;
* ``Strict-Transport-Security`` when the service is served over TLS (``hsts=True``);
* ``Cache-Control: no-store`` on every response that does not set its own caching policy, so
  tokens, codes, nonces and personal data are never cached by default (RFC 9111 §5.2.2.5).

:class:`BodyLimitMiddleware` rejects a request whose ``Content-Length`` exceeds the cap with 413
before the application sees it, and aborts a streamed (chunked) body as soon as it grows past
the cap.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["DEFAULT_CSP", "DOCS_CSP", "BodyLimitMiddleware", "SecurityHeadersMiddleware"]

DEFAULT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
#: The interactive API docs (/docs, /redoc; :mod:`servicekit.apidocs`): the same origin-only
#: scripts (no inline script, no CDN); the only relaxations are inline *styles* (ReDoc and
#: Swagger UI style their components from JavaScript) and ``blob:`` workers (ReDoc's search).
DOCS_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; font-src 'self' data:; worker-src 'self' blob:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


class SecurityHeadersMiddleware:
    """Add the security headers described in the module docstring."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        hsts: bool = False,
        csp: str = DEFAULT_CSP,
        path_csp: Mapping[str, str] | None = None,
    ) -> None:
        self.app = app
        self.hsts = hsts
        self.csp = csp
        self.path_csp = dict(
            path_csp if path_csp is not None else {"/docs": DOCS_CSP, "/redoc": DOCS_CSP}
        )

    def _csp_for(self, path: str) -> str:
        for prefix, policy in self.path_csp.items():
            if path == prefix or path.startswith(prefix + "/"):
                return policy
        return self.csp

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        csp = self._csp_for(scope.get("path", ""))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers: list[tuple[bytes, bytes]] = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                extra = [
                    (b"content-security-policy", csp.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"x-frame-options", b"DENY"),
                    (b"cross-origin-opener-policy", b"same-origin"),
                ]
                if self.hsts:
                    extra.append(
                        (b"strict-transport-security", b"max-age=31536000; includeSubDomains")
                    )
                if b"cache-control" not in present:
                    extra.append((b"cache-control", b"no-store"))
                headers.extend((k, v) for k, v in extra if k not in present)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimitMiddleware:
    """Reject request bodies over ``max_bytes`` with a 413 problem+json, before parsing."""

    def __init__(
        self, app: ASGIApp, *, max_bytes: int, path_limits: Iterable[tuple[str, int]] = ()
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.path_limits = sorted(path_limits, key=lambda p: -len(p[0]))

    def _limit(self, path: str) -> int:
        for prefix, limit in self.path_limits:
            if path.startswith(prefix):
                return limit
        return self.max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self._limit(scope.get("path", ""))
        for key, value in scope.get("headers", []):
            if key == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    await _reject(send, 400, "request.bad_length", "invalid Content-Length")
                    return
                if declared > limit:
                    await _reject(send, 413, "request.too_large", _too_large(limit))
                    return
        received = 0
        started = False
        rejected = False

        async def limited_receive() -> Message:
            nonlocal received, rejected
            if rejected:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # Answer 413 now and tell the app the client went away: frameworks that
                    # wrap body-reading errors (FastAPI answers 400) never see the body.
                    rejected = True
                    if not started:
                        await _reject(send, 413, "request.too_large", _too_large(limit))
                    return {"type": "http.disconnect"}
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if rejected:
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except Exception:
            if not rejected:
                raise


def _too_large(limit: int) -> str:
    return f"request body is larger than {limit} bytes"


async def _reject(send: Send, status: int, code: str, detail: str) -> None:
    body: dict[str, Any] = {
        "type": "https://rotonde.dev/problems/" + code,
        "title": "Content too large" if status == 413 else "Bad request",
        "status": status,
        "code": code,
        "detail": detail,
        "detail_nl": "verzoek is te groot" if status == 413 else "ongeldig verzoek",
    }
    raw = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/problem+json"),
                (b"content-length", str(len(raw)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": raw})
