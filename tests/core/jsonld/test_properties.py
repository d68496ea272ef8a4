"""Property tests: the fast path agrees with pyld, and strict mode never drops a term."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from rotonde.errors import RotondeError
from rotonde.jsonld import canonize, default_loader
from rotonde.jsonld._fast import try_quads
from rotonde.jsonld.process import _pyld_quads
from rotonde.rdfc import canonicalize, escape_literal

V1 = "https://www.w3.org/2018/credentials/v1"
V2 = "https://www.w3.org/ns/credentials/v2"
EXAMPLES = "https://www.w3.org/ns/credentials/examples/v2"
OB = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
DI = "https://w3id.org/security/data-integrity/v2"
STATUS = "https://www.w3.org/ns/credentials/status/v1"

CONTEXTS = st.sampled_from(
    # contexts with an @vocab (examples) make most documents valid; the others exercise errors
    [[V2], [V2, EXAMPLES], [V2, OB], [V1], [V1, OB], [V2, OB, EXAMPLES], [V2, DI], [V2, STATUS],
     [V2, EXAMPLES], [V2, OB, EXAMPLES], [V1, EXAMPLES], [V2, STATUS, EXAMPLES],
     [V2, {"ex": "https://example.org/#"}], [V2, OB, {"@vocab": "https://example.org/v#"}],
     [V2, EXAMPLES, {"@language": "en"}],
     [V2, {"nickname": "https://example.org/nick", "score": {"@id": "https://example.org/s",
                                                          "@type": "xsd:decimal"}}],
     [V2, {"name": "https://example.org/name"}],  # protected term redefinition
     [V2, OB, {"r": {"@reverse": "https://example.org/r"}}],
     [V2, {"label": {"@id": "https://example.org/label", "@container": "@language"}}],
     [V2, "https://www.w3.org/ns/credentials/undefined-terms/v2"]]
)
KEYS = st.sampled_from(
    [
        "id", "type", "name", "description", "issuer", "credentialSubject", "validFrom",
        "validUntil", "evidence", "proof", "achievement", "alignment", "image", "url",
        "verifiableCredential", "relatedResource", "termsOfUse", "criteria", "narrative",
        "result", "achievementType", "creator", "created", "proofPurpose", "cryptosuite",
        "verificationMethod", "statusPurpose", "credentialStatus", "digestMultibase",
        "nickname", "alumniOf", "@id", "@type", "ex:thing", "https://example.org/p",
        "credentialSchema", "jsonSchema", "score", "label",
    ]
)  # fmt: skip
TYPES = st.sampled_from(
    [
        "VerifiableCredential", "OpenBadgeCredential", "Achievement", "AchievementSubject",
        "Profile", "DataIntegrityProof", "Evidence", "Image", "Alignment", "Criteria",
        "BitstringStatusListEntry", "Foo", "_:t", "https://example.org/T", "JsonSchema",
    ]
)  # fmt: skip
IDS = st.sampled_from(
    ["did:example:1", "urn:uuid:2", "https://example.org/x#y", "_:b1", "_:b2", "relative"]
)
EMBEDDED = st.sampled_from(
    [EXAMPLES, OB, [OB, EXAMPLES], {"@vocab": "https://example.org/e#"}, {"@language": "nl"}]
)
SCALARS = st.one_of(
    st.text(max_size=8),
    st.integers(-(10**22), 10**22),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.none(),
    IDS,
)


def _node(children: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    return st.dictionaries(KEYS, children, max_size=4)


VALUES = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        _node(children),
        st.builds(lambda v: {"@value": v}, SCALARS),
        st.builds(lambda v, t: {"@value": v, "@type": t}, st.text(max_size=4),
                  st.sampled_from(["xsd:dateTime", "https://example.org/dt", "Foo"])),
        st.builds(lambda v, lang: {"@value": v, "@language": lang}, st.text(max_size=4),
                  st.sampled_from(["en", "NL-be"])),
        st.builds(lambda v: {"@list": v}, st.lists(SCALARS | _node(SCALARS), max_size=3)),
        st.builds(lambda t: {"type": t}, st.one_of(TYPES, st.lists(TYPES, max_size=3))),
        st.builds(lambda c, n: {"@context": c, **n}, EMBEDDED, _node(children)),
        st.dictionaries(  # a language map (or, under another key, a node with odd keys)
            st.sampled_from(["nl", "EN-gb", "@none", "x y"]),
            st.one_of(st.text(max_size=3), st.none(), st.lists(st.text(max_size=3) | st.none(),
                                                              max_size=2)),
            max_size=3,
        ),
    ),
    max_leaves=12,
)


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    doc: dict[str, Any] = {"@context": draw(CONTEXTS)}
    doc["type"] = draw(st.one_of(TYPES, st.lists(TYPES, max_size=3)))
    doc.update(draw(st.dictionaries(KEYS.filter(lambda k: k != "type"), VALUES, max_size=5)))
    return doc


def _outcome(fn: Any, doc: Any) -> str | None:
    try:
        quads = fn(doc, default_loader(), strict=True)
    except RotondeError as exc:
        return f"error {exc.code}"
    return None if quads is None else canonicalize(quads)


@settings(deadline=None)
@given(documents())
def test_fast_path_equals_pyld(doc: dict[str, Any]) -> None:
    fast = _outcome(try_quads, doc)
    if fast is None:  # declined: pyld handles it
        return
    reference = _outcome(_pyld_quads, doc)
    if fast.startswith("error") or (reference or "").startswith("error"):
        assert fast.startswith("error") and (reference or "").startswith("error"), (fast, reference)
    else:
        assert fast == reference


@settings(deadline=None)
@given(
    st.sampled_from([[V2], [V2, OB], [V1]]),
    st.text(min_size=1, max_size=12).filter(lambda k: not k.startswith("@")),
    st.text(min_size=1, max_size=12),
)
def test_strict_never_silently_drops_a_term(context: list[str], key: str, value: str) -> None:
    doc = {
        "@context": context,
        "type": ["VerifiableCredential"],
        "credentialSubject": {"id": "did:example:learner", key: value},
    }
    try:
        out = canonize(doc)
    except RotondeError as exc:
        assert exc.code in ("jsonld.term_undefined", "jsonld.iri_relative", "jsonld.invalid"), exc
        assert exc.pointer is None or exc.pointer.startswith("/credentialSubject")
        return
    # the value reached the dataset, as a literal or as an IRI
    assert f'"{escape_literal(value)}"' in out or value in out


JUNK_KEYS = st.one_of(
    KEYS,
    st.sampled_from(["@context", "@graph", "@list", "@set", "@reverse", "@index", "@nest",
                     "@language", "@value", "@included", "@json", "@vocab", "@foo", ""]),
    st.text(max_size=5),
)
JUNK = st.recursive(
    st.one_of(SCALARS, st.sampled_from([V2, OB, EXAMPLES, "https://example.org/unknown"])),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(JUNK_KEYS, children,
                                                                     max_size=4),
    max_leaves=15,
)


@settings(deadline=None)
@given(CONTEXTS, st.dictionaries(JUNK_KEYS, JUNK, max_size=5))
def test_hostile_documents_only_raise_rotonde_errors(context: Any, body: dict[str, Any]) -> None:
    doc = {"@context": context, **body}
    try:
        canonize(doc)
    except RotondeError:
        pass
