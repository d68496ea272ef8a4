"""Private: run pyld with a Rotonde loader, map its errors, convert its RDF dataset.

pyld is the reference path (and the fallback of the fast path in :mod:`rotonde.jsonld._fast`).
Every call gets ``documentLoader`` and a ``contextResolver`` whose shared cache belongs to the
loader, so the process-global pyld caches and loader are never consulted.
"""

from __future__ import annotations

import math
import sys
from typing import Any

from cachetools import LRUCache
from pyld import jsonld as pyld_jsonld
from pyld.context_resolver import ContextResolver

from rotonde.errors import ParseError, RotondeError, ValidationError
from rotonde.jsonld.loader import DocumentLoader
from rotonde.jsonld.strict import RELATIVE_BASE
from rotonde.rdfc.nquads import Quad, literal

__all__ = ["check_json", "pyld_expand", "pyld_quads"]

_MAX_DEPTH = 64

# pyld error codes (JSON-LD 1.1 API §9.3.1) that get their own Rotonde code
_CODES = {
    "protected term redefinition": "jsonld.protected_term_redefinition",
    "invalid IRI mapping": "jsonld.invalid_iri_mapping",
    "invalid type mapping": "jsonld.invalid_type_mapping",
    "invalid local context": "jsonld.invalid_context",
    "invalid remote context": "jsonld.invalid_context",
    "loading remote context failed": "jsonld.context_unknown",
    "invalid @id value": "jsonld.invalid_id",
    "invalid type value": "jsonld.invalid_type",
    "invalid typed value": "jsonld.invalid_typed_value",
    "invalid value object": "jsonld.invalid_value",
    "invalid value object value": "jsonld.invalid_value",
    "invalid language-tagged string": "jsonld.invalid_language",
    "colliding keywords": "jsonld.colliding_keywords",
    "keyword redefinition": "jsonld.keyword_redefinition",
    "cyclic IRI mapping": "jsonld.cyclic_iri_mapping",
    "context overflow": "jsonld.context_overflow",
}


_MAX_DOUBLE = sys.float_info.max


def check_json(document: Any) -> None:
    """Reject what is not JSON (or too deep) before any JSON-LD processing sees it."""
    _check(document, None, 0)


def _pointer(path: Any) -> str:
    parts: list[str] = []
    while path is not None:
        path, key = path
        parts.append(_escape(str(key)))
    return "".join(f"/{p}" for p in reversed(parts)) or "/"


def _check(document: Any, path: Any, depth: int) -> None:
    if depth > _MAX_DEPTH:
        raise ParseError(
            "jsonld.too_deep",
            f"document nesting exceeds {_MAX_DEPTH} levels",
            message_nl=f"document is dieper genest dan {_MAX_DEPTH} niveaus",
            pointer=_pointer(path),
        )
    kind = type(document)
    if kind is str or kind is bool or document is None:
        return
    if kind is int:
        if not -_MAX_DOUBLE <= document <= _MAX_DOUBLE:  # exact int/float comparison
            raise _not_json(_pointer(path), "numbers must fit in a double (RFC 8259 §6)",
                            "getallen moeten in een double passen (RFC 8259 §6)")
        return
    if kind is dict:
        for key, value in document.items():
            if type(key) is not str:
                raise _not_json(_pointer(path), "object keys must be strings", "sleutels moeten tekst zijn")
            if type(value) is not str:
                _check(value, (path, key), depth + 1)
    elif kind is list:
        for i, item in enumerate(document):
            if type(item) is not str:
                _check(item, (path, i), depth + 1)
    elif kind is float:
        if not math.isfinite(document):
            raise _not_json(_pointer(path), "numbers must be finite", "getallen moeten eindig zijn")
    else:
        raise _not_json(
            _pointer(path),
            f"value of type {kind.__name__} is not JSON",
            f"waarde van type {kind.__name__} is geen JSON",
        )


def _not_json(pointer: str, en: str, nl: str) -> ParseError:
    return ParseError("jsonld.not_json", en, message_nl=nl, pointer=pointer)


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def _options(loader: DocumentLoader) -> dict[str, Any]:
    cache = loader.cache("pyld.resolved", lambda: LRUCache(maxsize=512))
    return {
        "documentLoader": loader,
        "contextResolver": ContextResolver(cache, loader),
        # pyld resolves relative IRIs against http://example.org/base/ when the base is empty;
        # a reserved base makes them recognisable so strict mode can refuse them
        "base": RELATIVE_BASE,
        "processingMode": "json-ld-1.1",
    }


def _find_rotonde(exc: BaseException) -> RotondeError | None:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, RotondeError):
            return current
        details = getattr(current, "details", None)
        if isinstance(details, dict):
            for value in details.values():
                if isinstance(value, RotondeError):
                    return value
        current = current.__cause__ or current.__context__
    return None


def _map_error(exc: Exception) -> RotondeError:
    found = _find_rotonde(exc)
    if found is not None:
        return found
    codes: list[str] = []
    current: BaseException | None = exc
    seen: set[int] = set()
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        code = getattr(current, "code", None)
        if isinstance(code, str):
            codes.append(code)
        current = current.__cause__ or current.__context__
    jsonld_code = codes[-1] if codes else None
    rotonde_code = _CODES.get(jsonld_code or "", "jsonld.invalid")
    what = jsonld_code or type(exc).__name__
    return ValidationError(
        rotonde_code,
        f"JSON-LD processing failed: {what}",
        message_nl=f"JSON-LD-verwerking mislukt: {what}",
        detail={"jsonld_code": jsonld_code} if jsonld_code else {},
    )


def pyld_expand(document: Any, loader: DocumentLoader) -> tuple[list[Any], list[str | None]]:
    """pyld expansion; returns the expanded document and the keys pyld dropped."""
    dropped: list[str | None] = []
    try:
        expanded = pyld_jsonld.expand(document, _options(loader), on_property_dropped=dropped.append)
    except RotondeError:
        raise
    except Exception as exc:  # pyld raises JsonLdError, and worse on hostile input
        raise _map_error(exc) from None
    return list(expanded), dropped


def _term(node: dict[str, Any]) -> str:
    if node["type"] == "IRI":
        value = node["value"]
        return f"_:{value[2:]}" if value.startswith("_:") else f"<{value}>"
    if node["type"] == "blank node":
        return f"_:{node['value'][2:]}"
    return literal(node["value"], node.get("datatype"), node.get("language"))


def pyld_quads(expanded: list[Any], loader: DocumentLoader) -> list[Quad]:
    """Expanded JSON-LD -> RDF quads (JSON-LD 1.1 API §6.1 Deserialize JSON-LD to RDF)."""
    options = _options(loader)
    try:
        dataset = pyld_jsonld.to_rdf(expanded, options)
    except RotondeError:
        raise
    except Exception as exc:
        raise _map_error(exc) from None
    quads: list[Quad] = []
    for graph_name, triples in dataset.items():
        if graph_name == "@default":
            g = ""
        elif graph_name.startswith("_:"):
            g = graph_name
        else:
            g = f"<{graph_name}>"
        for t in triples:
            quads.append(Quad(_term(t["subject"]), _term(t["predicate"]), _term(t["object"]), g))
    return quads
