"""Offline, strict JSON-LD for Verifiable Credentials.

Public API::

    DocumentLoader(extra: Mapping[str, dict] | None = None)    # shipped + registered contexts
    default_loader() -> DocumentLoader     # shared, frozen: shipped + schemas/contexts
    expand(document, *, loader=None, strict=True) -> list
    to_quads(document, *, loader=None, strict=True) -> list[Quad]
    to_nquads(document, *, loader=None, strict=True, max_work=...) -> str   # RDFC-1.0
    canonize(document, *, loader=None, strict=True, max_work=...) -> str    # same as to_nquads
    check_context_order(document, *, loader=None) -> "2.0" | "1.1"
    shipped_contexts() -> list[ShippedContext]
"""

from rotonde.jsonld.loader import (
    CREDENTIALS_V1,
    CREDENTIALS_V2,
    DocumentLoader,
    ShippedContext,
    default_loader,
    shipped_contexts,
)
from rotonde.jsonld.process import canonize, expand, to_nquads, to_quads
from rotonde.jsonld.strict import ISSUER_DEPENDENT, UNDEFINED_TERM, check_context_order

__all__ = [
    "CREDENTIALS_V1",
    "CREDENTIALS_V2",
    "ISSUER_DEPENDENT",
    "UNDEFINED_TERM",
    "DocumentLoader",
    "ShippedContext",
    "canonize",
    "check_context_order",
    "default_loader",
    "expand",
    "shipped_contexts",
    "to_nquads",
    "to_quads",
]
