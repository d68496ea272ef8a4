"""Strict JSON-LD: undefined terms, relative IRIs and bad @context orders are precise errors."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from rotonde.errors import RotondeError
from rotonde.jsonld import (
    CREDENTIALS_V1,
    CREDENTIALS_V2,
    DocumentLoader,
    check_context_order,
    default_loader,
    expand,
    to_nquads,
    to_quads,
)
from rotonde.jsonld._fast import try_quads
from rotonde.jsonld.process import _pyld_quads

EXAMPLES = "https://www.w3.org/ns/credentials/examples/v2"
OB = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"


def _vc(context: list[Any] | None = None) -> dict[str, Any]:
    context = context or [CREDENTIALS_V2]
    if context[0] == CREDENTIALS_V1:  # VCDM 1.1 shape: issuanceDate, no name term
        return {
            "@context": context,
            "id": "urn:uuid:0b3c9f0e-0000-4000-8000-000000000001",
            "type": ["VerifiableCredential"],
            "issuer": "did:example:issuer",
            "issuanceDate": "2025-01-01T00:00:00Z",
            "credentialSubject": {"id": "did:example:learner"},
        }
    return {
        "@context": context,
        "id": "urn:uuid:0b3c9f0e-0000-4000-8000-000000000001",
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner", "name": "Sam"},
    }


def _fast(doc: Any) -> Any:
    return try_quads(doc, default_loader(), strict=True)


def _pyld(doc: Any) -> Any:
    return _pyld_quads(doc, default_loader(), strict=True)


PATHS: list[Callable[[Any], Any]] = [_fast, _pyld]


def _set(path: list[str | int], value: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(doc: dict[str, Any]) -> None:
        target: Any = doc
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return mutate


CASES: list[tuple[str, list[Any] | None, Callable[[dict[str, Any]], None], str, str]] = [
    ("top-level term", None, _set(["nickname"], "x"), "jsonld.term_undefined", "/nickname"),
    (
        "nested term",
        None,
        _set(["credentialSubject", "nickname"], "x"),
        "jsonld.term_undefined",
        "/credentialSubject/nickname",
    ),
    (
        "undefined type",
        None,
        _set(["type"], ["VerifiableCredential", "AlumniCredential"]),
        "jsonld.term_undefined",
        "/type/1",
    ),
    (
        "undefined nested type",
        None,
        _set(["credentialSubject", "type"], "Student"),
        "jsonld.term_undefined",
        "/credentialSubject/type",
    ),
    (
        "v1: dropped term",
        [CREDENTIALS_V1],
        _set(["credentialSubject", "nickname"], "x"),
        "jsonld.term_undefined",
        "/credentialSubject/nickname",
    ),
    (
        "issuer-dependent @vocab",
        [CREDENTIALS_V2, "https://www.w3.org/ns/credentials/undefined-terms/v2"],
        _set(["credentialSubject", "nickname"], "x"),
        "jsonld.term_undefined",
        "/credentialSubject/nickname",
    ),
    (
        "issuer-dependent type",
        [CREDENTIALS_V2, "https://www.w3.org/ns/credentials/undefined-terms/v2"],
        _set(["type"], ["VerifiableCredential", "Diploma"]),
        "jsonld.term_undefined",
        "/type/1",
    ),
    ("relative id", None, _set(["id"], "credential-1"), "jsonld.iri_relative", "/id"),
    ("relative issuer", None, _set(["issuer"], "school"), "jsonld.iri_relative", "/issuer"),
    (
        "undefined datatype",
        None,
        _set(["credentialSubject", "name"], {"@value": "Sam", "@type": "Naam"}),
        "jsonld.term_undefined",
        "/credentialSubject/name/@type",
    ),
    (
        "key with a slash",
        None,
        _set(["credentialSubject", "a/b~c"], "x"),
        "jsonld.term_undefined",
        "/credentialSubject/a~1b~0c",
    ),
]


@pytest.mark.parametrize("path", PATHS, ids=["fast", "pyld"])
@pytest.mark.parametrize(
    ("context", "mutate", "code", "pointer"),
    [pytest.param(c, m, code, p, id=name) for name, c, m, code, p in CASES],
)
def test_strict_errors(
    path: Callable[[Any], Any],
    context: list[Any] | None,
    mutate: Callable[[dict[str, Any]], None],
    code: str,
    pointer: str,
) -> None:
    doc = _vc(context)
    assert path(copy.deepcopy(doc))  # the unmodified document is fine on this path
    mutate(doc)
    with pytest.raises(RotondeError) as info:
        path(doc)
    assert info.value.code == code
    assert info.value.pointer == pointer
    assert info.value.problems[0].message_nl


def test_public_api_is_strict_by_default() -> None:
    doc = _vc()
    doc["credentialSubject"]["nickname"] = "x"
    for fn in (expand, to_quads, to_nquads):
        with pytest.raises(RotondeError) as info:
            fn(doc)
        assert info.value.code == "jsonld.term_undefined"


def test_non_strict_keeps_pyld_behaviour() -> None:
    doc = _vc([CREDENTIALS_V1])
    doc["credentialSubject"]["nickname"] = "Sammie"
    out = to_nquads(doc, strict=False)
    assert "Sammie" not in out and "did:example:learner" in out


def test_term_mapped_to_null_is_refused() -> None:
    doc = _vc([CREDENTIALS_V2, {"nickname": None}])
    doc["credentialSubject"]["nickname"] = "x"
    with pytest.raises(RotondeError) as info:
        to_nquads(doc)
    assert info.value.code == "jsonld.term_undefined"


def test_examples_vocab_is_not_undefined() -> None:
    doc = _vc([CREDENTIALS_V2, EXAMPLES])
    doc["credentialSubject"]["alumniOf"] = "The School of Examples"
    assert "https://www.w3.org/ns/credentials/examples#alumniOf" in to_nquads(doc)


def test_protected_term_redefinition_is_an_error() -> None:
    doc = _vc([CREDENTIALS_V2, {"name": "https://example.org/name"}])
    with pytest.raises(RotondeError) as info:
        to_nquads(doc)
    assert info.value.code == "jsonld.protected_term_redefinition"


@pytest.mark.parametrize(
    ("bad", "code", "pointer"),
    [
        ({"a": {1, 2}}, "jsonld.not_json", "/a"),
        ({"a": [1.0, float("nan")]}, "jsonld.not_json", "/a/1"),
        ({"a": b"bytes"}, "jsonld.not_json", "/a"),
    ],
)
def test_non_json_input(bad: dict[str, Any], code: str, pointer: str) -> None:
    doc = _vc() | bad
    with pytest.raises(RotondeError) as info:
        to_nquads(doc)
    assert (info.value.code, info.value.pointer) == (code, pointer)


def test_too_deep() -> None:
    doc = _vc()
    node = doc["credentialSubject"]
    for _ in range(80):
        node["name"] = {"name": "x"}
        node = node["name"]
    with pytest.raises(RotondeError) as info:
        to_nquads(doc)
    assert info.value.code == "jsonld.too_deep"


@pytest.mark.parametrize(
    "document",
    [
        "not an object",
        {"@context": 5},
        {"@context": [CREDENTIALS_V2], "@id": 5},
        {"@context": [CREDENTIALS_V2], "type": 5},
        {"@context": [CREDENTIALS_V2], "credentialSubject": {"@value": {"x": 1}}},
        {"@context": [CREDENTIALS_V2], "credentialSubject": {"@language": 3, "@value": "x"}},
    ],
)
def test_invalid_json_ld_is_a_rotonde_error(document: Any) -> None:
    with pytest.raises(RotondeError) as info:
        to_nquads(document)
    assert info.value.code.startswith("jsonld.")


# -- check_context_order ---------------------------------------------------------------


def test_context_order_accepts_vcdm_2_and_1() -> None:
    assert check_context_order(_vc([CREDENTIALS_V2, EXAMPLES])) == "2.0"
    assert check_context_order(_vc([CREDENTIALS_V2, OB, {"x": "urn:x"}])) == "2.0"
    assert check_context_order(_vc([CREDENTIALS_V1])) == "1.1"


@pytest.mark.parametrize(
    ("context", "code", "pointer"),
    [
        (CREDENTIALS_V2, "jsonld.context_order", "/@context"),
        ([], "jsonld.context_order", "/@context"),
        ([EXAMPLES, CREDENTIALS_V2], "jsonld.context_order", "/@context/0"),
        ([CREDENTIALS_V2, EXAMPLES, CREDENTIALS_V2], "jsonld.context_order", "/@context/2"),
        ([CREDENTIALS_V2, CREDENTIALS_V1], "jsonld.context_order", "/@context/1"),
        ([CREDENTIALS_V2, EXAMPLES, EXAMPLES], "jsonld.context_order", "/@context/2"),
        ([CREDENTIALS_V2, "https://example.org/ctx"], "jsonld.context_unknown", "/@context/1"),
        ([CREDENTIALS_V2, 7], "jsonld.context_invalid", "/@context/1"),
        ([{"@vocab": "urn:x#"}], "jsonld.context_order", "/@context/0"),
    ],
)
def test_context_order_refusals(context: Any, code: str, pointer: str) -> None:
    doc = _vc()
    doc["@context"] = context
    with pytest.raises(RotondeError) as info:
        check_context_order(doc)
    assert (info.value.code, info.value.pointer) == (code, pointer)


def test_context_order_missing_and_registered() -> None:
    with pytest.raises(RotondeError) as info:
        check_context_order({"type": "VerifiableCredential"})
    assert info.value.code == "jsonld.context_missing"
    url = "https://rotonde.example/ctx/v1"
    loader = DocumentLoader(extra={url: {"@context": {"x": "urn:x"}}})
    assert check_context_order(_vc([CREDENTIALS_V2, url]), loader=loader) == "2.0"


@pytest.mark.parametrize(
    ("subject", "code", "pointer"),
    [
        ({"@foo": "x"}, "jsonld.term_undefined", "/credentialSubject/@foo"),
        ({"@index": "x"}, "jsonld.not_in_rdf", "/credentialSubject/@index"),
        (
            {"name": {"@value": "x", "@direction": "rtl", "@language": "ar"}},
            "jsonld.not_in_rdf",
            "/credentialSubject/name/@direction",
        ),
    ],
)
def test_data_outside_the_dataset_is_refused(
    subject: dict[str, Any], code: str, pointer: str
) -> None:
    doc = _vc()
    doc["credentialSubject"] = {"id": "did:example:learner", **subject}
    with pytest.raises(RotondeError) as info:
        to_nquads(doc)
    assert (info.value.code, info.value.pointer) == (code, pointer)
