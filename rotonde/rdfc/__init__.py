"""RDF Dataset Canonicalization (RDFC-1.0) and canonical N-Quads.

Public API::

    canonicalize(nquads_or_dataset, *, max_work=DEFAULT_MAX_WORK, hash_algorithm="sha256") -> str
    canonicalize_dataset(...) -> CanonicalDataset(nquads, issued, work)
    parse_nquads(text) -> list[Quad]
    serialize_nquads(quads) -> str
"""

from rotonde.rdfc.canon import (
    DEFAULT_MAX_WORK,
    CanonicalDataset,
    canonicalize,
    canonicalize_dataset,
)
from rotonde.rdfc.nquads import (
    Quad,
    blank,
    escape_literal,
    iri,
    is_blank,
    literal,
    parse_nquads,
    quad_line,
    serialize_nquads,
)

__all__ = [
    "DEFAULT_MAX_WORK",
    "CanonicalDataset",
    "Quad",
    "blank",
    "canonicalize",
    "canonicalize_dataset",
    "escape_literal",
    "iri",
    "is_blank",
    "literal",
    "parse_nquads",
    "quad_line",
    "serialize_nquads",
]
