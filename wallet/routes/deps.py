"""The wallet's route dependencies (the model: :mod:`issuer.routes.deps`).

* ``Ctx`` — the :class:`~wallet.context.WalletContext` of the app.
* ``User`` — the signed-in learner; without one the page redirects to the sign-in page and
  comes back afterwards (:class:`~servicekit.pages.LoginRequired`).
* ``PageForm`` — the submitted form, for routes whose fields are not known in advance
  (:data:`servicekit.pages.PageForm`; single fields are ``Annotated[str, Form()]``).
* :func:`fetches_for_learner` — the route fetches from other servers for the learner and holds
  one of their outbound slots while it runs (:mod:`wallet.outbound`).

Dependencies that touch the database are plain ``def``: FastAPI runs them in the thread pool.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request, params

from rotonde.errors import PolicyError
from servicekit.pages import PageError, PageForm
from wallet.context import WalletContext
from wallet.flows.accounts import SessionInfo
from wallet.pages import context_of, current_user, require_user

__all__ = ["Ctx", "PageForm", "User", "fetches_for_learner"]

Ctx = Annotated[WalletContext, Depends(context_of)]
User = Annotated[SessionInfo, Depends(require_user)]


def fetches_for_learner(query: str | None = None) -> params.Depends:
    """A route dependency (``dependencies=[fetches_for_learner()]``): the request fetches from
    other servers for the signed-in learner, and holds one of their slots while the route runs
    (released before the response is sent, so the next request finds it free).

    A GET only fetches when it carries a query (an offer or request link): without one, or
    without the query parameter ``query`` when named, it takes no slot. Requests without a
    signed-in learner take none either (the route sends them to the login page).
    """

    def dependency(request: Request) -> Iterator[None]:
        user = current_user(request)
        params = request.query_params
        if user is None or (request.method == "GET" and not (
                query in params if query else params)):
            yield
            return
        limit = context_of(request).outbound
        try:
            limit.acquire(user.account_id)
        except PolicyError as exc:
            # RFC 6585 §4: when to try again (the rate window's end; a few seconds when the
            # learner's own links are still being fetched)
            retry = exc.problems[0].detail.get("retry_after", 5) if exc.problems else 5
            raise PageError(429, exc, headers={"Retry-After": str(retry)}) from None
        try:
            yield
        finally:
            limit.release(user.account_id)

    return params.Depends(dependency, scope="function")
