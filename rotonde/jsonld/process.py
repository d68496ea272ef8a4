"""JSON-LD expansion and RDF canonicalization with an offline loader and strict checks.

* :func:`expand`: JSON-LD 1.1 API §5.1 Expansion Algorithm.
* :func:`to_quads`: JSON-LD 1.1 API §6.1 Deserialize JSON-LD to RDF.
* :func:`to_nquads` / :func:`canonize`: the RDFC-1.0 canonical N-Quads of the document, which
  is what Data Integrity ``*-rdfc-2022`` cryptosuites hash (VC-DI-EdDSA §3.2.3 Transformation).

With ``strict=True`` (the default) anything the document says that would not reach the RDF
dataset is an error (see :mod:`rotonde.jsonld.strict`). Documents whose contexts are all known
static contexts and that stay in the supported subset take the fast path of
:mod:`rotonde.jsonld._fast`; everything else goes through pyld. Both produce the same dataset.
"""

from __future__ import annotations

from typing import Any

from rotonde.errors import ParseError
from rotonde.jsonld._pyld import check_json, pyld_expand, pyld_quads
from rotonde.jsonld.loader import DocumentLoader, default_loader
from rotonde.jsonld.strict import check_expanded
from rotonde.rdfc.canon import DEFAULT_MAX_WORK, canonicalize
from rotonde.rdfc.nquads import Quad

__all__ = ["canonize", "expand", "to_nquads", "to_quads"]


def _prepare(document: Any, loader: DocumentLoader | None) -> DocumentLoader:
    check_json(document)
    return loader if loader is not None else default_loader()


def expand(
    document: Any, *, loader: DocumentLoader | None = None, strict: bool = True
) -> list[Any]:
    """Expanded form of ``document`` (a list of node objects)."""
    loader = _prepare(document, loader)
    expanded, dropped = pyld_expand(document, loader)
    if strict:
        check_expanded(document, expanded, dropped)
    return expanded


def to_quads(
    document: Any, *, loader: DocumentLoader | None = None, strict: bool = True
) -> list[Quad]:
    """The RDF dataset of ``document`` as quads (blank node labels as pyld issues them)."""
    loader = _prepare(document, loader)
    from rotonde.jsonld import _fast

    quads = _fast.try_quads(document, loader, strict=strict)
    if quads is not None:
        return quads
    return _pyld_quads(document, loader, strict=strict)


def _pyld_quads(document: Any, loader: DocumentLoader, *, strict: bool) -> list[Quad]:
    """The reference path (pyld) used when the fast path declines; tests compare the two."""
    expanded, dropped = pyld_expand(document, loader)
    if strict:
        check_expanded(document, expanded, dropped)
    return pyld_quads(expanded, loader)


def to_nquads(
    document: Any,
    *,
    loader: DocumentLoader | None = None,
    strict: bool = True,
    max_work: int = DEFAULT_MAX_WORK,
) -> str:
    """RDFC-1.0 canonical N-Quads of ``document``."""
    quads = to_quads(document, loader=loader, strict=strict)
    try:
        nquads = canonicalize(quads, max_work=max_work, validate=False)  # terms built by us
        nquads.encode("utf-8")  # what a proof hashes: lone surrogates ("\udcff") cannot be
    except UnicodeEncodeError:
        raise ParseError(
            "jsonld.not_json",
            "strings must be valid Unicode (a lone surrogate is not)",
            message_nl="teksten moeten geldige Unicode zijn (een losse surrogaat is dat niet)",
        ) from None
    return nquads


def canonize(
    document: Any,
    *,
    loader: DocumentLoader | None = None,
    strict: bool = True,
    max_work: int = DEFAULT_MAX_WORK,
) -> str:
    """Same as :func:`to_nquads`; the name Data Integrity cryptosuites use."""
    return to_nquads(document, loader=loader, strict=strict, max_work=max_work)
