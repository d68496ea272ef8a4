"""Enumerate an app's HTTP routes (FastAPI nests included routers lazily)."""

from __future__ import annotations

from typing import Any

__all__ = ["http_routes"]


def http_routes(app: Any) -> list[tuple[str, set[str]]]:
    """``(path, methods)`` of every HTTP route of ``app``, included routers flattened."""
    out: list[tuple[str, set[str]]] = []

    def walk(routes: list[Any], prefix: str) -> None:
        for route in routes:
            inner = getattr(route, "original_router", None)
            if inner is not None:
                context = getattr(route, "include_context", None)
                walk(list(inner.routes), prefix + str(getattr(context, "prefix", "") or ""))
                continue
            methods = getattr(route, "methods", None)
            path = getattr(route, "path", None)
            if methods and path:
                out.append((prefix + path, set(methods)))

    walk(list(app.routes), "")
    return out
