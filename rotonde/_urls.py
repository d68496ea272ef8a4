"""A ``urlsplit`` for untrusted text that never raises.

:func:`urllib.parse.urlsplit` raises ``ValueError`` for some malformed URLs (an unbalanced or
invalid ``[IPv6]`` host, RFC 3986 §3.2.2), and ``SplitResult.port`` raises for a port that is not
a number in range. Parsers of hostile input split with :func:`split_url` instead: a malformed URL
splits as the empty URL, so the caller's own checks (scheme, host) reject it with their precise
error code.
"""

from __future__ import annotations

from urllib.parse import SplitResult, urlsplit

__all__ = ["split_url", "well_known"]

_EMPTY = urlsplit("")


def split_url(value: str) -> SplitResult:
    """``urlsplit(value)``, or the empty split when ``value`` is not a well-formed URL."""
    try:
        parts = urlsplit(value)
        _ = parts.port  # raises ValueError for "https://host:99999" or "https://host:x"
    except (ValueError, TypeError):
        return _EMPTY
    return parts


def well_known(url: str, name: str) -> str:
    """``/.well-known/<name>`` inserted between the host and the path of ``url``, a trailing
    ``/`` of the path dropped: where RFC 8414 §3.1 (Authorization Server Metadata), OpenID4VCI
    1.0 §12.2.2 (Credential Issuer Metadata) and SD-JWT VC §5 (JWT VC Issuer Metadata) look.
    A malformed ``url`` gives a URL the Fetcher refuses, never an exception."""
    parts = split_url(url)
    return f"{parts.scheme}://{parts.netloc}/.well-known/{name}{parts.path.rstrip('/')}"
