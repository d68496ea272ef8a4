"""Outbound POSTs for the protocol flows, under the same URL policy as every GET.

:class:`rotonde.http.Fetcher` only GETs; token, nonce, credential and ``direct_post`` requests
need POST. This helper checks the URL with the fetcher's :class:`~rotonde.http.URLPolicy`,
sends through the fetcher's pinned transport (so the checked address is the one connected to),
does not follow redirects and caps the response size.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

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
    checked = fetcher.policy.check_url(url)
    client: httpx.Client = fetcher._client
    hdrs = {"accept": "application/json"}
    hdrs.update(headers or {})
    try:
        with client.stream("POST", checked, data=form, json=json_body, headers=hdrs) as resp:
            chunks: list[bytes] = []
            size = 0
            for chunk in resp.iter_raw():
                size += len(chunk)
                if size > max_bytes:
                    raise FetchError(
                        "fetch.too_large", f"response from {url} is larger than {max_bytes} bytes",
                        message_nl=f"antwoord van {url} is groter dan {max_bytes} bytes",
                    )
                chunks.append(chunk)
            body = b"".join(chunks)
            status = resp.status_code
    except httpx.TimeoutException:
        raise FetchError("fetch.timeout", f"{url} did not answer in time",
                         message_nl=f"{url} antwoordde niet op tijd") from None
    except httpx.HTTPError as exc:
        raise FetchError("fetch.failed", f"{url} could not be reached: {exc}",
                         message_nl=f"{url} is niet bereikbaar: {exc}") from None
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
