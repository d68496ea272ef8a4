"""The ``eddsa-jcs-2022`` cryptosuite (VC-DI-EdDSA 1.0 §3.4).

Identical to ``eddsa-rdfc-2022`` except that the transformation (§3.4.3) and the proof
configuration serialization (§3.4.5) use the JSON Canonicalization Scheme (RFC 8785) instead
of RDF canonicalization, and that the proof carries the document ``@context`` (§3.4.1 step 2).
No JSON-LD processing happens, so no document loader is needed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rotonde.proofs._jcs import canonicalize
from rotonde.proofs._suite import Cryptosuite, register_cryptosuite

if TYPE_CHECKING:
    from rotonde.jsonld import DocumentLoader

__all__ = ["NAME", "SUITE", "canonical_document"]

NAME = "eddsa-jcs-2022"


def canonical_document(document: dict[str, Any], loader: DocumentLoader | None = None) -> str:
    """RFC 8785 canonical JSON of a document or proof configuration (``loader`` is unused)."""
    return canonicalize(document).decode("utf-8")


def _transform(document: dict[str, Any], loader: DocumentLoader | None) -> bytes:
    return canonicalize(document)


SUITE = register_cryptosuite(Cryptosuite(NAME, _transform, "EdDSA", proof_has_context=True))
