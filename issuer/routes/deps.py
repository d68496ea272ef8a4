"""Shared route dependencies: the service context, the tenant from the URL, the API principal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Header, Request

from issuer.context import IssuerContext
from issuer.flows.apikeys import Principal, authenticate
from issuer.flows.tenants import Tenant, get_tenant, tenant_by_slug
from servicekit import HttpProblem

__all__ = ["Ctx", "TenantFromPath", "context", "require_scope", "tenant_from_path"]


def context(request: Request) -> IssuerContext:
    ctx: IssuerContext = request.app.state.ctx
    return ctx


Ctx = Annotated[IssuerContext, Depends(context)]


def tenant_from_path(slug: str, ctx: Ctx) -> Tenant:
    return tenant_by_slug(ctx, slug)


TenantFromPath = Annotated[Tenant, Depends(tenant_from_path)]

_UNAUTHENTICATED = {"WWW-Authenticate": 'Bearer realm="rotonde-issuer"'}


def require_scope(scope: str) -> Callable[..., tuple[Principal, Tenant]]:
    """Dependency: a valid API key with ``scope``; yields (principal, tenant)."""

    def dependency(
        ctx: Ctx,
        authorization: Annotated[str | None, Header(description="Bearer API key")] = None,
    ) -> tuple[Principal, Tenant]:
        scheme, _, token = (authorization or "").partition(" ")
        principal = authenticate(ctx, token.strip()) if scheme.lower() == "bearer" else None
        if principal is None:
            raise HttpProblem(401, "auth.invalid_api_key", "a valid API key is required",
                              detail_nl="een geldige API-sleutel is vereist",
                              headers=_UNAUTHENTICATED)
        if scope not in principal.scopes:
            raise HttpProblem(403, "auth.scope_missing", f"the API key lacks scope {scope!r}",
                              detail_nl=f"de API-sleutel mist scope {scope!r}")
        return principal, get_tenant(ctx, principal.tenant_id)

    return dependency
