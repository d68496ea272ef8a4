"""Private helpers of the fast path: RDF term construction (JSON-LD 1.1 API §6.2 Object to
RDF Conversion, canonical ``xsd:double``), lazy JSON pointers, and memoised key lookups."""

from __future__ import annotations

from typing import Any

from c14n import canonicalize as _jcs  # RFC 8785, the implementation pyld uses

from rotonde.jsonld._context import Ctx, Unsupported, expand_iri
from rotonde.jsonld.strict import (
    LANGUAGE_TAG,
    UNDEFINED_VOCABS,
    is_absolute_iri,
    language_invalid,
)
from rotonde.rdfc.nquads import escape_literal

__all__ = [
    "NIL",
    "RDF_FIRST",
    "RDF_REST",
    "RDF_TYPE",
    "Path",
    "check_language",
    "items",
    "json_literal",
    "kept",
    "key_info",
    "literal_term",
    "plain_id",
    "ptr",
    "scoped_of",
]

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDF_TYPE = f"<{RDF}type>"
RDF_FIRST = f"<{RDF}first>"
RDF_REST = f"<{RDF}rest>"
NIL = f"<{RDF}nil>"
XSD = "http://www.w3.org/2001/XMLSchema#"
_XSD_STRING = f"{XSD}string"
_XSD_BOOLEAN = f"{XSD}boolean"
_XSD_INTEGER = f"{XSD}integer"
_XSD_DOUBLE = f"{XSD}double"
_RDF_LANGSTRING = f"{RDF}langString"


#: A JSON pointer under construction: ``None`` (the root) or ``(parent, key_or_index)``;
#: turned into text only when an error needs it.
Path = tuple[Any, str | int] | None


def ptr(path: Path) -> str:
    parts: list[str] = []
    while path is not None:
        path, key = path
        parts.append(str(key).replace("~", "~0").replace("/", "~1"))
    return "".join(f"/{p}" for p in reversed(parts))


def _double(value: float) -> str:
    text = f"{value:1.15E}"
    mantissa, exponent = text.split("E")
    mantissa = mantissa.rstrip("0")
    if mantissa.endswith("."):
        mantissa += "0"
    exp = int(exponent)
    return f"{mantissa}E{exp}"


def check_language(tag: str, pointer: Path) -> str:
    """A BCP 47 language tag (RFC 5646 §2.1 syntax), lower-cased as JSON-LD expansion does."""
    if not LANGUAGE_TAG.fullmatch(tag):
        raise language_invalid(tag, ptr(pointer))
    return tag.lower()


def json_literal(value: Any) -> str:
    """``rdf:JSON`` literal: the JCS (RFC 8785) serialisation of ``value``."""
    try:
        text = _jcs(value).decode("utf-8")
    except Exception as exc:  # c14n refuses what JCS cannot represent
        raise Unsupported("JSON literal not representable") from exc
    return f'"{escape_literal(text)}"^^<{RDF}JSON>'


def literal_term(value: Any, datatype: str | None, language: str | None) -> str:
    if isinstance(value, bool):
        lexical = "true" if value else "false"
        datatype = datatype or _XSD_BOOLEAN
    elif isinstance(value, float) and not value.is_integer():
        return f'"{_double(value)}"^^<{datatype or _XSD_DOUBLE}>'
    elif datatype == _XSD_DOUBLE and not isinstance(value, str):
        return f'"{_double(float(value))}"^^<{_XSD_DOUBLE}>'
    elif datatype == _XSD_DOUBLE:
        raise Unsupported("string xsd:double")
    elif isinstance(value, (int, float)):
        if abs(value) >= 1e21:
            return f'"{_double(float(value))}"^^<{datatype or _XSD_DOUBLE}>'
        lexical = str(int(value))
        datatype = datatype or _XSD_INTEGER
    elif isinstance(value, str):
        if language is not None and datatype is None:
            return f'"{escape_literal(value)}"@{language}'
        lexical = value
    else:  # pragma: no cover - check_json guarantees JSON scalars
        raise Unsupported("non-JSON scalar")
    if datatype is None or datatype == _XSD_STRING:
        return f'"{escape_literal(lexical)}"'
    return f'"{escape_literal(lexical)}"^^<{datatype}>'


def kept(obj: dict[str, Any], type_entries: list[tuple[str, Any]], id_key: str | None) -> bool:
    """Whether expansion keeps a top-level node beyond its ``@id`` (§5.1.2 step 19)."""
    if any(v for _k, v in type_entries):
        return True
    for key, value in obj.items():
        if key in ("@context", id_key) or any(key == k for k, _v in type_entries):
            continue
        if value is None or (isinstance(value, dict) and value.get("@value", 0) is None):
            continue
        return True
    return False


def key_info(ctx: Ctx, key: str) -> str:
    """What a node-object key is, memoised per context: ``<iri>`` for a property, a keyword
    (``@type``, ``@id``, ...), or ``!reason`` when strict mode refuses it."""
    info = ctx.props.get(key)
    if info is None:
        ek = expand_iri(ctx, key, True)
        if ek is None:
            info = "!term mapped to null"
        elif ek[:1] == "@":
            info = ek
        elif ek.startswith(UNDEFINED_VOCABS):
            info = "!property"
        elif not is_absolute_iri(ek) or ek[:2] == "_:":
            info = "!relative property"
        else:
            info = f"<{ek}>"
        if len(ctx.props) >= 4096:
            ctx.props.clear()
        ctx.props[key] = info
    return info


def plain_id(ctx: Ctx, value: str) -> bool:
    """True when IRI expansion would return ``value`` unchanged (no prefix applies)."""
    prefix, _, suffix = value.partition(":")
    if prefix == "_" or suffix.startswith("//"):
        return True
    term = ctx.terms.get(prefix)
    return term is None or term.iri is None or not term.prefix


def scoped_of(ctx: Ctx, key: str) -> Any:
    term = ctx.terms.get(key)
    if term is not None and term.has_scoped:
        if term.scoped is None:
            raise Unsupported("null scoped context")
        return term.scoped
    return None


def items(value: Any, pointer: Path) -> list[tuple[Any, Path]]:
    if not isinstance(value, list):
        return [(value, pointer)] if value is not None else []
    out: list[tuple[Any, Path]] = []
    for i, v in enumerate(value):
        if v is None:
            continue
        out.append((v, (pointer, i)))
    return out

