"""The verifier's route dependencies (the model: :mod:`issuer.routes.deps`).

* ``Ctx`` — the :class:`~verifier.flows.context.VerifierContext` of the app.
* ``Staff`` — the signed-in staff member of an employer page (``None`` while the pages are
  open); without one the page redirects to the sign-in page.
* ``ApiClient`` — the caller of the JSON API and the VC-API: the fingerprint of its API key
  (``Authorization: Bearer <key>``), or ``dev`` while the API is open in development mode.
* ``PageForm`` — the submitted form of a page.

Dependencies that touch the database are plain ``def``: FastAPI runs them in the thread pool.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Annotated

from fastapi import Depends, Request

from servicekit.pages import PageForm
from servicekit.problem import HttpProblem
from verifier.flows.context import VerifierContext
from verifier.flows.staff import SessionInfo
from verifier.pages import context_of, require_staff

__all__ = ["ApiClient", "Ctx", "PageForm", "Staff", "api_client", "key_id"]

Ctx = Annotated[VerifierContext, Depends(context_of)]
Staff = Annotated[SessionInfo | None, Depends(require_staff)]


def key_id(key: str) -> str:
    """The name a session records for the API key that created it: a fingerprint of the key
    itself, so it survives adding, reordering or removing other keys (a position in the list
    did not: after a rotation the next key inherited the removed one's results)."""
    return "key:" + hashlib.sha256(key.encode()).hexdigest()[:16]


def api_client(request: Request, ctx: Ctx) -> str:
    """The API key's fingerprint (:func:`key_id`); 401 without a valid key, 403 when no keys
    are configured outside development mode."""
    keys = ctx.settings.api_keys
    if not keys:
        if ctx.settings.dev:
            return "dev"
        raise HttpProblem(403, "api.disabled", "the JSON API has no API keys configured",
                          detail_nl="de JSON-API heeft geen API-sleutels ingesteld")
    auth = request.headers.get("authorization", "")
    scheme, _, token = auth.partition(" ")
    if scheme.lower() == "bearer":
        for key in keys:
            if hmac.compare_digest(token.strip().encode(), key.encode()):
                return key_id(key)
    raise HttpProblem(401, "api.unauthorized", "a valid API key is required",
                      detail_nl="een geldige API-sleutel is vereist",
                      headers={"www-authenticate": "Bearer"})


ApiClient = Annotated[str, Depends(api_client)]
