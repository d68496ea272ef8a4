"""Strict JSON-LD: nothing in a signed document may be silently dropped or left undefined.

JSON-LD 1.1 API §5.1.2 (Expansion) drops keys that do not expand to an absolute IRI or keyword,
and JSON-LD 1.1 §8 (RDF) drops relative IRIs; VCDM 2.0 §4.3 maps terms no context defines to
``https://www.w3.org/ns/credentials/issuer-dependent#`` through the base context's ``@vocab``.
Either way a signature would not cover what the reader sees. Strict mode turns each case into
a :class:`~rotonde.errors.ValidationError` with the JSON pointer of the offending key:

* ``jsonld.term_undefined``: a key or ``type`` value that is not defined by any context (dropped
  by expansion, or expanded through the issuer-dependent ``@vocab``, or a relative type IRI);
* ``jsonld.iri_relative``: an ``id`` (or ``@type: @id`` value) that is not an absolute IRI.

:func:`check_context_order` checks the ``@context`` of a credential or presentation
(VCDM 2.0 §4.3, VCDM 1.1 §4.1).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from rotonde.errors import PolicyError, ValidationError
from rotonde.jsonld._context import KEYWORDS as _KEYWORDS
from rotonde.jsonld.loader import CREDENTIALS_V1, CREDENTIALS_V2, DocumentLoader, default_loader

__all__ = [
    "ISSUER_DEPENDENT",
    "LANGUAGE_TAG",
    "RELATIVE_BASE",
    "UNDEFINED_TERM",
    "UNDEFINED_VOCABS",
    "check_context_order",
    "check_expanded",
    "find_pointer",
    "iri_relative",
    "is_absolute_iri",
    "language_invalid",
    "term_undefined",
]

#: Vocabularies that only catch undefined terms: the ``@vocab`` of
#: ``https://www.w3.org/ns/credentials/undefined-terms/v2`` (VCDM 2.0 §5.2) and the
#: ``issuer-dependent`` one of VCDM 2.0 drafts. A term expanding into either is undefined.
UNDEFINED_TERM = "https://www.w3.org/ns/credentials/undefined-term#"
ISSUER_DEPENDENT = "https://www.w3.org/ns/credentials/issuer-dependent#"
UNDEFINED_VOCABS = (UNDEFINED_TERM, ISSUER_DEPENDENT)

#: Base IRI given to pyld (RFC 2606 reserves ``.invalid``): an IRI under it was relative in the
#: document. Strict mode refuses those; non-strict output keeps them under this base.
RELATIVE_BASE = "https://relative.rotonde.invalid/"

# RFC 3987 scheme, then no character N-Quads forbids in an IRIREF (RDF 1.1 N-Quads §3)
#: Language tag syntax as RDF allows it in N-Quads (BCP 47 shape: letters, then -alnum parts).
LANGUAGE_TAG = re.compile(r"[a-zA-Z]{1,8}(?:-[a-zA-Z0-9]{1,8})*")
_KEYWORD_LIKE = re.compile(r"@[A-Za-z]+")
_ABSOLUTE = re.compile(r'[A-Za-z][A-Za-z0-9+.\-]*:[^\x00-\x20<>"{}|^`\\]*')


def is_absolute_iri(value: str) -> bool:
    """An absolute IRI that RDF can carry: a scheme, ``:``, no space/control/``<>"{}|^`\\``."""
    return _ABSOLUTE.fullmatch(value) is not None and not value.startswith(RELATIVE_BASE)


def _original(value: str) -> str:
    return value[len(RELATIVE_BASE) :] if value.startswith(RELATIVE_BASE) else value


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def _walk(doc: Any, pointer: str = "") -> Iterator[tuple[str, str, Any]]:
    """(pointer, key, value) for every member of every object, depth first, document order."""
    if isinstance(doc, dict):
        for key, value in doc.items():
            if key == "@context":
                continue
            here = f"{pointer}/{_escape(key)}"
            yield here, key, value
            yield from _walk(value, here)
    elif isinstance(doc, list):
        for i, item in enumerate(doc):
            yield from _walk(item, f"{pointer}/{i}")


def find_pointer(document: Any, name: str, *, kind: str = "key") -> str | None:
    """Best-effort JSON pointer of ``name`` in the compacted input.

    ``kind`` ``"key"``: a member named ``name`` (or ending in ``:name``); ``"type"``: a ``type``
    / ``@type`` value equal to ``name``; ``"id"``: any string value equal to ``name``.
    """
    for pointer, key, value in _walk(document):
        if kind == "key" and (key == name or key.endswith(f":{name}")):
            return pointer
        if kind == "type" and key in ("type", "@type"):
            values = value if isinstance(value, list) else [value]
            for i, v in enumerate(values):
                if v == name or (isinstance(v, str) and v.endswith(f":{name}")):
                    return f"{pointer}/{i}" if isinstance(value, list) else pointer
        if kind == "id" and value == name:
            return pointer
        if kind == "id" and isinstance(value, list):
            for i, v in enumerate(value):
                if v == name:
                    return f"{pointer}/{i}"
    return None


def term_undefined(name: str | None, pointer: str | None, why: str) -> ValidationError:
    shown = name if name is not None else "(term mapped to null)"
    return ValidationError(
        "jsonld.term_undefined",
        f"term {shown!r} is not defined by the document's contexts ({why})",
        message_nl=f"term {shown!r} is niet gedefinieerd in de contexten van het document ({why})",
        pointer=pointer,
        detail={"term": name},
    )


def language_invalid(tag: str, pointer: str | None) -> ValidationError:
    return ValidationError(
        "jsonld.language_invalid",
        f"{tag!r} is not a well-formed language tag (BCP 47)",
        message_nl=f"{tag!r} is geen geldige taalcode (BCP 47)",
        pointer=pointer,
        detail={"language": tag},
    )


def iri_relative(value: str, pointer: str | None) -> ValidationError:
    return ValidationError(
        "jsonld.iri_relative",
        f"{value!r} is not an absolute IRI and would be dropped",
        message_nl=f"{value!r} is geen absolute IRI en zou wegvallen",
        pointer=pointer,
        detail={"value": value},
    )


def check_expanded(document: Any, expanded: Any, dropped: list[str | None]) -> None:
    """Raise for the first term/IRI that expansion dropped or left undefined (see module)."""
    for name in dropped:
        if name is None:  # a keyword-like key (@foo) or a term mapped to null
            for pointer, key, _value in _walk(document):
                if _KEYWORD_LIKE.fullmatch(key) and key not in _KEYWORDS:
                    raise term_undefined(key, pointer, "not a JSON-LD keyword")
            raise term_undefined(None, None, "dropped during expansion")
        raise term_undefined(name, find_pointer(document, name), "dropped during expansion")
    _check_node(document, expanded)


def _not_in_rdf(keyword: str, document: Any) -> ValidationError:
    pointer = find_pointer(document, keyword)
    return ValidationError(
        "jsonld.not_in_rdf",
        f"{keyword} values are not part of the RDF dataset, so a proof would not cover them",
        message_nl=f"{keyword}-waarden horen niet bij de RDF-dataset; een bewijs dekt ze niet",
        pointer=pointer,
        detail={"keyword": keyword},
    )


def _local(iri: str) -> str:
    return iri.split("#", 1)[1]


def _check_type(document: Any, value: str) -> None:
    if value.startswith(UNDEFINED_VOCABS):
        name = _local(value)
        raise term_undefined(name, find_pointer(document, name, kind="type"), "type")
    if not is_absolute_iri(value) and not value.startswith("_:"):
        name = _original(value)
        raise term_undefined(name, find_pointer(document, name, kind="type"), "relative type")


def _check_node(document: Any, node: Any) -> None:
    if isinstance(node, list):
        for item in node:
            _check_node(document, item)
        return
    if not isinstance(node, dict):
        return
    for keyword in ("@index", "@direction"):
        if keyword in node:
            raise _not_in_rdf(keyword, document)
    if "@value" in node:
        language = node.get("@language")
        if isinstance(language, str) and not LANGUAGE_TAG.fullmatch(language):
            raise language_invalid(language, _language_pointer(document, language))
        datatype = node.get("@type")
        if isinstance(datatype, str) and datatype != "@json":
            _check_type(document, datatype)
        return
    for key, value in node.items():
        if key == "@id":
            if isinstance(value, str) and not (is_absolute_iri(value) or value.startswith("_:")):
                name = _original(value)
                raise iri_relative(name, find_pointer(document, name, kind="id"))
        elif key == "@type":
            for t in value if isinstance(value, list) else [value]:
                if isinstance(t, str):
                    _check_type(document, t)
        elif key in ("@graph", "@list", "@set", "@included"):
            _check_node(document, value)
        elif key == "@reverse" and isinstance(value, dict):
            for prop, items in value.items():
                _check_property(document, prop)
                _check_node(document, items)
        elif key.startswith("@"):
            continue
        else:
            _check_property(document, key)
            _check_node(document, value)


def _language_pointer(document: Any, tag: str) -> str | None:
    """Where a language tag appears: a ``@language`` value or a language-map key."""
    for pointer, key, value in _walk(document):
        if key.lower() == tag or (key == "@language" and isinstance(value, str)
                                  and value.lower() == tag):
            return pointer
    return None


def _check_property(document: Any, prop: str) -> None:
    if prop.startswith(UNDEFINED_VOCABS):
        name = _local(prop)
        raise term_undefined(name, find_pointer(document, name), "property")
    if not is_absolute_iri(prop):
        raise term_undefined(prop, find_pointer(document, prop), "relative property")


def _context_error(code: str, en: str, nl: str, pointer: str, **detail: Any) -> ValidationError:
    return ValidationError(code, en, message_nl=nl, pointer=pointer, detail=detail)


def check_context_order(document: Any, *, loader: DocumentLoader | None = None) -> str:
    """Check a credential's ``@context``; return the data model version ``"2.0"`` or ``"1.1"``.

    VCDM 2.0 §4.3: ``@context`` is an ordered set whose first item is
    ``https://www.w3.org/ns/credentials/v2`` (VCDM 1.1 §4.1: ``.../2018/credentials/v1``).
    Refused: a missing or non-list ``@context``, a different first item, the base context
    again later, both base contexts, repeated URLs, a URL the loader does not know
    (``jsonld.context_unknown``), and items that are neither URLs nor objects.
    """
    loader = loader or default_loader()
    if not isinstance(document, dict) or "@context" not in document:
        raise _context_error(
            "jsonld.context_missing",
            "document has no @context",
            "document heeft geen @context",
            "/@context",
        )
    contexts = document["@context"]
    if not isinstance(contexts, list) or not contexts:
        raise _context_error(
            "jsonld.context_order",
            "@context must be a non-empty array starting with the VC base context",
            "@context moet een niet-lege lijst zijn die begint met de VC-basiscontext",
            "/@context",
        )
    first = contexts[0]
    if first not in (CREDENTIALS_V2, CREDENTIALS_V1):
        raise _context_error(
            "jsonld.context_order",
            f"the first @context must be {CREDENTIALS_V2} (or {CREDENTIALS_V1})",
            f"de eerste @context moet {CREDENTIALS_V2} (of {CREDENTIALS_V1}) zijn",
            "/@context/0",
            found=first if isinstance(first, str) else None,
        )
    seen: set[str] = set()
    for i, item in enumerate(contexts):
        pointer = f"/@context/{i}"
        if isinstance(item, dict):
            continue
        if not isinstance(item, str):
            raise _context_error(
                "jsonld.context_invalid",
                "each @context item must be a URL or an object",
                "elk @context-item moet een URL of een object zijn",
                pointer,
            )
        if i > 0 and item in (CREDENTIALS_V1, CREDENTIALS_V2):
            raise _context_error(
                "jsonld.context_order",
                f"base context {item} must appear only once, as the first @context",
                f"basiscontext {item} mag alleen één keer voorkomen, als eerste @context",
                pointer,
                url=item,
            )
        if item in seen:
            raise _context_error(
                "jsonld.context_order",
                f"@context {item} appears twice",
                f"@context {item} komt twee keer voor",
                pointer,
                url=item,
            )
        seen.add(item)
        if item not in loader:
            raise PolicyError(
                "jsonld.context_unknown",
                f"unknown JSON-LD context {item!r}",
                message_nl=f"onbekende JSON-LD-context {item!r}",
                pointer=pointer,
                detail={"url": item},
            )
    return "2.0" if first == CREDENTIALS_V2 else "1.1"
