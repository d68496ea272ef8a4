"""Keep secrets out of access logs and HTTP client logs.

Request targets carry single-use secrets in this system: query strings
(``credential_offer_uri``, ``request_uri``, ``?next=``) and capability paths — the offer id in
``/tenants/{slug}/credential-offer/{id}`` gives the pre-authorized code, the session id in
``/oid4vp/request/{id}`` or ``/results/{id}`` gives a verifier session, ``/share/{id}`` a share.
Web servers log the full target and httpx logs every URL it fetches (at INFO).

:class:`RedactQueryFilter` rewrites such targets to ``/path?[redacted]`` and
``/credential-offer/[redacted]`` (the route is kept for operations);
:func:`install_log_redaction` attaches it, once, to uvicorn's and Gunicorn's access loggers
and to the httpx / httpcore loggers.

Design §5 ("secrets never logged").
"""

from __future__ import annotations

import logging
import re

__all__ = ["LOGGERS", "RedactQueryFilter", "install_log_redaction", "redact_target"]

LOGGERS = ("uvicorn.access", "gunicorn.access", "httpx", "httpcore")

#: Route parts whose next path segment is a capability (a bearer secret).
_CAPABILITY_ROUTES: tuple[tuple[str, ...], ...] = (
    ("credential-offer",), ("offer",), ("oid4vp", "request"), ("requests",), ("results",),
    ("share",), ("shares",),
)
_URL = re.compile(r"(?:https?://[^/\s\"']+)?/[^\s\"']*")


def redact_target(target: str) -> str:
    """``/offer?credential_offer_uri=...`` -> ``/offer?[redacted]``;
    ``/tenants/x/credential-offer/abc`` -> ``/tenants/x/credential-offer/[redacted]``.
    Works on paths and absolute URLs; other text is returned unchanged.

    Each segment is judged on the original path, so a capability route that is itself in a
    capability position (``/share/credential-offer/abc``) still hides the segment after it."""
    path, sep, _ = target.partition("?")
    path = path.partition("#")[0]  # a fragment is never logged
    segments = path.split("/")
    hidden: set[int] = set()
    for i in range(len(segments)):
        for route in _CAPABILITY_ROUTES:
            end = i + len(route)
            if end < len(segments) and tuple(segments[i:end]) == route and segments[end]:
                hidden.add(end)
    out = "/".join("[redacted]" if i in hidden else seg for i, seg in enumerate(segments))
    return f"{out}?[redacted]" if sep else out


def _redact_text(text: str) -> str:
    return _URL.sub(lambda m: redact_target(m.group(0)), text)


class RedactQueryFilter(logging.Filter):
    """Redact request targets in log records (uvicorn and httpx pass them as args)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and args:
            record.args = tuple(self._arg(a) for a in args)
        elif isinstance(record.msg, str) and not args:
            record.msg = _redact_text(record.msg)
        return True

    @staticmethod
    def _arg(value: object) -> object:
        if isinstance(value, (int, float)) or value is None:
            return value
        text = value if isinstance(value, str) else str(value)
        if text.startswith(("/", "http://", "https://")):
            return redact_target(text)
        return value


def install_log_redaction() -> None:
    """Attach :class:`RedactQueryFilter` to the access and HTTP client loggers (idempotent)."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactQueryFilter) for f in logger.filters):
            logger.addFilter(RedactQueryFilter())
