"""Outbound POSTs for the protocol flows, through the one Fetcher.

Token, nonce, credential and ``direct_post`` requests are POSTs: :meth:`rotonde.http.Fetcher.post`
applies the same URL policy, pinned connection, wall-clock deadline, per-peer limit and size cap
as every GET, and follows no redirect. These helpers add the JSON reading the flows need.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rotonde.encoding import loads_json
from rotonde.errors import FetchError
from rotonde.http import Fetcher

__all__ = ["DevFetcher", "post", "post_raw"]

MAX_RESPONSE = 512 * 1024


def post(
    fetcher: Fetcher,
    url: str,
    *,
    form: Mapping[str, str] | None = None,
    json_body: Any = None,
    headers: Mapping[str, str] | None = None,
    max_bytes: int = MAX_RESPONSE,
) -> tuple[int, Any]:
    """POST and return ``(status, parsed JSON body or None)``. Raises :class:`FetchError` when
    the URL is refused, the server does not answer, or the body is too large or not JSON
    (for non-empty bodies)."""
    status, body = post_raw(fetcher, url, form=form, json_body=json_body, headers=headers,
                            max_bytes=max_bytes)
    if not body.strip():
        return status, None
    try:
        return status, loads_json(body, what=f"response from {url}")
    except Exception:
        raise FetchError(
            "fetch.not_json", f"{url} answered HTTP {status} with something that is not JSON",
            message_nl=f"{url} antwoordde met HTTP {status} maar niet met JSON",
            detail={"status": status},
        ) from None


def post_raw(
    fetcher: Fetcher,
    url: str,
    *,
    form: Mapping[str, str] | None = None,
    json_body: Any = None,
    headers: Mapping[str, str] | None = None,
    max_bytes: int = MAX_RESPONSE,
) -> tuple[int, bytes]:
    """POST and return ``(status, body bytes)`` (see :func:`post`)."""
    hdrs = {"accept": "application/json"}
    hdrs.update(headers or {})
    status, body, _ = fetcher.post(url, form=form, json_body=json_body, headers=hdrs,
                                   max_bytes=max_bytes)
    return status, body


_LOOPBACK = ("https://127.0.0.1:", "https://localhost:", "https://[::1]:", "https://127.0.0.1/",
             "https://localhost/")


class DevFetcher(Fetcher):
    """Development mode only: the local services run without TLS, but ``did:web`` always
    resolves to ``https://``; a loopback ``https`` URL is therefore fetched over ``http``.
    Every other URL is fetched exactly as :class:`Fetcher` does (same policy and caps)."""

    def get_bytes(
        self, url: str, *, max_bytes: int | None = None, accept: Any = None,
    ) -> tuple[bytes, Mapping[str, str]]:
        if url.startswith(_LOOPBACK):
            url = "http://" + url[len("https://"):]
        return super().get_bytes(url, max_bytes=max_bytes, accept=accept)
