"""N-Quads: a strict parser and the canonical serialisation RDFC-1.0 hashes and outputs.

RDF 1.1 N-Quads §2-§3 (grammar) and RDFC-1.0 §4 / RDF 1.1 N-Triples §4 (canonical form):
one space between terms, `` .`` and a single LF after each quad, IRIs without escapes, literals
with only ``"``, ``\\``, LF, CR, TAB, BS and FF escaped as ECHAR and the remaining control
characters (U+0000-U+001F, U+007F) as ``\\uXXXX`` with upper-case hex, ``xsd:string`` datatype
omitted. All other characters, including non-ASCII ones, appear as themselves.

A :class:`Quad` holds its four terms already serialised in that canonical form (the graph is
``""`` for the default graph), so serialising a quad is a string join and blank nodes are the
terms that start with ``_:``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

from rotonde.errors import ParseError

__all__ = [
    "XSD_STRING",
    "Quad",
    "blank",
    "escape_literal",
    "iri",
    "is_blank",
    "literal",
    "parse_nquads",
    "quad_line",
    "serialize_nquads",
]

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

#: Cap on the size of N-Quads input accepted by :func:`parse_nquads` (characters).
MAX_NQUADS_CHARS = 8_000_000


class Quad(NamedTuple):
    """One quad; every term in canonical N-Quads syntax, ``graph`` ``""`` = default graph."""

    subject: str
    predicate: str
    object: str
    graph: str = ""


def quad_line(q: Quad | tuple[str, str, str, str]) -> str:
    """``s p o [g] .\\n`` (canonical N-Quads line)."""
    s, p, o, g = q
    if g:
        return f"{s} {p} {o} {g} .\n"
    return f"{s} {p} {o} .\n"


def serialize_nquads(quads: Iterable[Quad | tuple[str, str, str, str]]) -> str:
    """Serialise quads in canonical form, sorted in code point order, duplicates removed."""
    return "".join(sorted({quad_line(q) for q in quads}))


_ESCAPES = {i: f"\\u{i:04X}" for i in range(0x20)}
_ESCAPES.update(
    {
        0x08: "\\b",
        0x09: "\\t",
        0x0A: "\\n",
        0x0C: "\\f",
        0x0D: "\\r",
        0x22: '\\"',
        0x5C: "\\\\",
        0x7F: "\\u007F",
    }
)
_NEEDS_ESCAPE = re.compile('[\x00-\x1f"\\\\\x7f]')


def escape_literal(text: str) -> str:
    """Escape a lexical form for a canonical N-Quads string literal."""
    if _NEEDS_ESCAPE.search(text) is None:
        return text
    return text.translate(_ESCAPES)


def iri(value: str) -> str:
    """Canonical term for an IRI (no escaping: canonical form writes IRIs as they are)."""
    return f"<{value}>"


def blank(label: str) -> str:
    """Term for a blank node label (without ``_:``)."""
    return f"_:{label}"


def is_blank(term: str) -> bool:
    return term[:2] == "_:"


def literal(value: str, datatype: str | None = None, language: str | None = None) -> str:
    """Canonical term for a literal; ``xsd:string`` is implied and omitted."""
    body = f'"{escape_literal(value)}"'
    if language:
        return f"{body}@{language}"
    if datatype and datatype != XSD_STRING:
        return f"{body}^^<{datatype}>"
    return body


# -- parser ---------------------------------------------------------------------------------

_PN_CHARS_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_PN_CHARS_U = _PN_CHARS_BASE + "_:"
_PN_CHARS = _PN_CHARS_U + "\\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"

_WS = re.compile(r"[ \t]*")
_IRIREF = re.compile(r'<((?:[^\x00-\x20<>"{}|^`\\]|' + _UCHAR + r")*)>")
_BNODE = re.compile(f"_:([{_PN_CHARS_U}0-9](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?)")
_STRING = re.compile(r'"((?:[^"\\\n\r]|\\[tbnrf"\'\\]|' + _UCHAR + r')*)"')
_LANGTAG = re.compile(r"@([a-zA-Z]+(?:-[a-zA-Z0-9]+)*)")
_ESCAPE_SEQ = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|([tbnrf\"'\\]))")
_ECHAR = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")


class _Syntax(Exception):
    def __init__(self, message: str, column: int) -> None:
        super().__init__(message)
        self.message = message
        self.column = column


def _unescape(text: str, column: int) -> str:
    if "\\" not in text:
        return text

    def repl(m: re.Match[str]) -> str:
        if m.group(3) is not None:
            return _ECHAR[m.group(3)]
        code = int(m.group(1) or m.group(2), 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise _Syntax(f"escape {m.group(0)} is not a Unicode scalar value", column)
        return chr(code)

    return _ESCAPE_SEQ.sub(repl, text)


def _iri_at(line: str, pos: int) -> tuple[str, int] | None:
    m = _IRIREF.match(line, pos)
    if m is None:
        return None
    value = _unescape(m.group(1), pos)
    if _SCHEME.match(value) is None:
        raise _Syntax(f"IRI <{value}> is not absolute", pos)
    if re.search(r'[\x00-\x20<>"{}|^`\\]', value):
        raise _Syntax(f"IRI <{value}> contains a forbidden character", pos)
    return f"<{value}>", m.end()


def _term(line: str, pos: int, *, allow_literal: bool, what: str) -> tuple[str, int]:
    if line.startswith("<", pos):
        found = _iri_at(line, pos)
        if found is None:
            raise _Syntax(f"malformed IRI in {what}", pos)
        return found
    if line.startswith("_:", pos):
        m = _BNODE.match(line, pos)
        if m is None:
            raise _Syntax(f"malformed blank node label in {what}", pos)
        return f"_:{m.group(1)}", m.end()
    if allow_literal and line.startswith('"', pos):
        m = _STRING.match(line, pos)
        if m is None:
            raise _Syntax(f"malformed string literal in {what}", pos)
        value = _unescape(m.group(1), pos)
        end = m.end()
        if line.startswith("^^", end):
            found = _iri_at(line, end + 2)
            if found is None:
                raise _Syntax("malformed datatype IRI", end + 2)
            datatype, end = found
            return literal(value, datatype[1:-1]), end
        lm = _LANGTAG.match(line, end)
        if lm is not None:
            return literal(value, language=lm.group(1)), lm.end()
        return literal(value), end
    raise _Syntax(f"expected {what}", pos)


def _parse_line(line: str) -> Quad | None:
    pos = _WS.match(line, 0).end()  # type: ignore[union-attr]
    if pos == len(line) or line[pos] == "#":
        return None
    s, pos = _term(line, pos, allow_literal=False, what="subject")
    pos = _WS.match(line, pos).end()  # type: ignore[union-attr]
    if not line.startswith("<", pos):
        raise _Syntax("expected predicate IRI", pos)
    p, pos = _term(line, pos, allow_literal=False, what="predicate")
    pos = _WS.match(line, pos).end()  # type: ignore[union-attr]
    o, pos = _term(line, pos, allow_literal=True, what="object")
    pos = _WS.match(line, pos).end()  # type: ignore[union-attr]
    g = ""
    if pos < len(line) and line[pos] != ".":
        g, pos = _term(line, pos, allow_literal=False, what="graph label")
        pos = _WS.match(line, pos).end()  # type: ignore[union-attr]
    if not line.startswith(".", pos):
        raise _Syntax("expected '.' at the end of the quad", pos)
    pos = _WS.match(line, pos + 1).end()  # type: ignore[union-attr]
    if pos < len(line) and line[pos] != "#":
        raise _Syntax("unexpected text after '.'", pos)
    return Quad(s, p, o, g)


def parse_nquads(text: str) -> list[Quad]:
    """Parse an N-Quads document (RDF 1.1 N-Quads §3) into canonical-form quads.

    Raises :class:`ParseError` ``rdfc.nquads_syntax`` with the line and column of the first
    error; duplicates are kept (they are removed when serialising a dataset).
    """
    if not isinstance(text, str):
        raise ParseError(
            "rdfc.nquads_syntax",
            "N-Quads input must be text",
            message_nl="N-Quads-invoer moet tekst zijn",
        )
    if len(text) > MAX_NQUADS_CHARS:
        raise ParseError(
            "rdfc.too_large",
            f"N-Quads input exceeds {MAX_NQUADS_CHARS} characters",
            message_nl=f"N-Quads-invoer is groter dan {MAX_NQUADS_CHARS} tekens",
        )
    quads: list[Quad] = []
    for number, line in enumerate(re.split(r"\r\n|\n|\r", text), start=1):
        try:
            q = _parse_line(line)
        except _Syntax as exc:
            raise ParseError(
                "rdfc.nquads_syntax",
                f"N-Quads line {number}, column {exc.column + 1}: {exc.message}",
                message_nl=f"N-Quads regel {number}, kolom {exc.column + 1}: ongeldige syntaxis "
                f"({exc.message})",
                detail={"line": number, "column": exc.column + 1},
            ) from None
        if q is not None:
            quads.append(q)
    return quads
