"""N-Quads parser and canonical serialiser (RDF 1.1 N-Quads, RDFC-1.0 §4 canonical form)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rotonde.errors import ParseError
from rotonde.rdfc import Quad, escape_literal, literal, parse_nquads, serialize_nquads


@pytest.mark.parametrize(
    ("line", "quad"),
    [
        ("<urn:s> <urn:p> <urn:o> .", Quad("<urn:s>", "<urn:p>", "<urn:o>", "")),
        ("_:b0 <urn:p> _:b1 _:g .", Quad("_:b0", "<urn:p>", "_:b1", "_:g")),
        ('<urn:s> <urn:p> "x"@en-GB <urn:g> .', Quad("<urn:s>", "<urn:p>", '"x"@en-GB', "<urn:g>")),
        (
            '<urn:s> <urn:p> "x"^^<http://www.w3.org/2001/XMLSchema#string> .',
            Quad("<urn:s>", "<urn:p>", '"x"', ""),
        ),
        ('<urn:s> <urn:p> "\\u0041\\U0001F303\\t" .', Quad("<urn:s>", "<urn:p>", '"A🌃\\t"', "")),
        ("<urn:\\u0065x> <urn:p> <urn:o> . # comment", Quad("<urn:ex>", "<urn:p>", "<urn:o>", "")),
        ("\t<urn:s>\t<urn:p>\t<urn:o>\t.\t", Quad("<urn:s>", "<urn:p>", "<urn:o>", "")),
    ],
)
def test_parse_lines(line: str, quad: Quad) -> None:
    assert parse_nquads(line + "\n") == [quad]


@pytest.mark.parametrize(
    "text",
    [
        "<urn:s> <urn:p> <urn:o>",  # no dot
        "<urn:s> _:p <urn:o> .",  # blank predicate
        '"lit" <urn:p> <urn:o> .',  # literal subject
        "<rel> <urn:p> <urn:o> .",  # relative IRI
        "<urn:s> <urn:p> <urn:o> <urn:g> <urn:x> .",
        '<urn:s> <urn:p> "unterminated .',
        '<urn:s> <urn:p> "x"@ .',
        "<urn:s> <urn:p> <urn:o> . trailing",
        '<urn:s> <urn:p> "\\uD800" .',  # lone surrogate
        "<urn:s p> <urn:p> <urn:o> .",
    ],
)
def test_parse_errors(text: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_nquads(text)
    assert info.value.code == "rdfc.nquads_syntax"
    assert info.value.problems[0].detail["line"] == 1


def test_error_names_line() -> None:
    with pytest.raises(ParseError) as info:
        parse_nquads("<urn:s> <urn:p> <urn:o> .\n\n# c\nbad\n")
    assert info.value.problems[0].detail["line"] == 4


def test_not_text() -> None:
    with pytest.raises(ParseError):
        parse_nquads(b"<urn:s> <urn:p> <urn:o> .")  # type: ignore[arg-type]


def test_escape_literal_canonical() -> None:
    raw = "".join(chr(c) for c in range(0x20)) + '"\\\x7f é'
    escaped = escape_literal(raw)
    assert escaped.startswith("\\u0000\\u0001")
    assert "\\b\\t\\n\\u000B\\f\\r" in escaped
    assert escaped.endswith('\\"\\\\\\u007F é')


def test_literal_forms() -> None:
    assert literal("a") == '"a"'
    assert literal("a", "http://www.w3.org/2001/XMLSchema#string") == '"a"'
    assert literal("1", "http://www.w3.org/2001/XMLSchema#integer") == (
        '"1"^^<http://www.w3.org/2001/XMLSchema#integer>'
    )
    assert literal("a", language="nl") == '"a"@nl'


@given(st.text(max_size=200))
def test_parser_never_crashes(text: str) -> None:
    try:
        quads = parse_nquads(text)
    except ParseError as exc:
        assert exc.code in ("rdfc.nquads_syntax", "rdfc.too_large")
    else:
        assert parse_nquads(serialize_nquads(quads)) == sorted(set(quads), key=_line)


def _line(q: Quad) -> str:
    return serialize_nquads([q])


_iri = st.sampled_from(["<urn:a>", "<urn:b>", "<http://example.org/é>", "<urn:x:\U0001f303>"])
_lexical = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"]), max_size=20
)


@st.composite
def _quads(draw: st.DrawFn) -> list[Quad]:
    n = draw(st.integers(0, 8))
    out = []
    for _ in range(n):
        s = draw(st.one_of(_iri, st.sampled_from(["_:a", "_:b", "_:c"])))
        o = draw(
            st.one_of(
                _iri,
                st.sampled_from(["_:a", "_:b", "_:c"]),
                _lexical.map(literal),
                st.tuples(_lexical, st.sampled_from(["en", "nl-NL"])).map(
                    lambda t: literal(t[0], language=t[1])
                ),
            )
        )
        g = draw(st.sampled_from(["", "<urn:g>", "_:g"]))
        out.append(Quad(s, draw(_iri), o, g))
    return out


@given(_quads())
def test_serialise_parse_round_trip(quads: list[Quad]) -> None:
    text = serialize_nquads(quads)
    assert serialize_nquads(parse_nquads(text)) == text
