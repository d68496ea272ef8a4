"""Paged lists of the provider API: ``total``, ``offset``, ``limit`` and ``next`` in the body,
and the next page as an RFC 8288 ``Link: <…>; rel="next"`` header too.

``next`` is the absolute URL (under the issuer's public URL, so it is right behind a proxy) of
the following page with the same filters, or ``null`` on the last page.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from fastapi.responses import JSONResponse

from issuer.context import IssuerContext

__all__ = ["LINK_HEADER", "paged"]

#: The ``Link`` response header in the OpenAPI document.
LINK_HEADER: dict[str, Any] = {
    "Link": {
        "description": 'RFC 8288 link to the next page: `<url>; rel="next"`; absent on the '
                       "last page (the body's `next` is then null)",
        "schema": {"type": "string"},
    }
}


def paged(
    ctx: IssuerContext, path: str, *, filters: Mapping[str, Any], total: int, offset: int,
    limit: int, items: list[dict[str, Any]], extra: Mapping[str, Any] | None = None,
) -> JSONResponse:
    """The page ``items`` (``offset``.. of ``total``) as a JSON response with ``next``."""
    nxt: str | None = None
    if offset + len(items) < total and items:
        query = {k: v for k, v in filters.items() if v is not None}
        query.update(offset=offset + len(items), limit=limit)
        nxt = f"{ctx.settings.base_url}{path}?{urlencode(query)}"
    body = {**(extra or {}), "total": total, "offset": offset, "limit": limit, "next": nxt,
            "items": items}
    headers = {"Link": f'<{nxt}>; rel="next"'} if nxt else {}
    return JSONResponse(body, headers=headers)
