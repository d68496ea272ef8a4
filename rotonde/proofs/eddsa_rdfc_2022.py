"""The ``eddsa-rdfc-2022`` cryptosuite (VC-DI-EdDSA 1.0 §3.3).

Transformation (§3.3.3): the unsecured document is canonicalized with RDFC-1.0 into canonical
N-Quads by :func:`rotonde.jsonld.canonize` (strict: undefined terms are an error).
Proof configuration (§3.3.5): the proof options with the document ``@context``, canonicalized
the same way. Hashing (§3.3.4): ``SHA-256(canonical proof config) || SHA-256(canonical
document)``. Serialization (§3.3.6): an Ed25519 signature over the 64-byte hash data, encoded as
multibase base58btc in ``proofValue``. The generic steps live in
:mod:`rotonde.proofs.data_integrity`; the functions here expose each intermediate value so
the specification's test vectors can be reproduced byte for byte.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rotonde.proofs._suite import Cryptosuite, register_cryptosuite

if TYPE_CHECKING:
    from rotonde.jsonld import DocumentLoader

__all__ = ["NAME", "SUITE", "canonical_document", "canonical_proof_config"]

NAME = "eddsa-rdfc-2022"


def canonical_document(document: dict[str, Any], loader: DocumentLoader | None = None) -> str:
    """RDFC-1.0 canonical N-Quads of a JSON-LD document (§3.3.3 / §3.3.5 step 4)."""
    from rotonde import jsonld

    nquads: str = jsonld.canonize(document, loader=loader, strict=True)
    return nquads


def canonical_proof_config(proof_config: dict[str, Any], loader: DocumentLoader | None = None) -> str:
    """Canonical N-Quads of a proof configuration that already carries ``@context``."""
    return canonical_document(proof_config, loader)


def _transform(document: dict[str, Any], loader: DocumentLoader | None) -> bytes:
    return canonical_document(document, loader).encode("utf-8")


SUITE = register_cryptosuite(Cryptosuite(NAME, _transform, "EdDSA", proof_has_context=False))
