"""VCDM 2.0 data model validation: every rule gives a precise code and JSON pointer."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rotonde.credential import (
    VC_V2_CONTEXT,
    build_credential,
    ensure_credential,
    is_url,
    validate_credential,
)
from rotonde.errors import ValidationError
from tests.conftest import load_json

BASE: dict[str, Any] = {
    "@context": [VC_V2_CONTEXT, "https://www.w3.org/ns/credentials/examples/v2"],
    "id": "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
    "type": ["VerifiableCredential", "ExampleCredential"],
    "issuer": "https://vc.example/issuers/5678",
    "validFrom": "2023-01-01T00:00:00Z",
    "credentialSubject": {"id": "did:example:abcdefgh", "alumniOf": "The School of Examples"},
}


def _codes(doc: Any) -> list[tuple[str, str | None]]:
    return [(p.code, p.pointer) for p in validate_credential(doc)]


def _with(**changes: Any) -> dict[str, Any]:
    doc = copy.deepcopy(BASE)
    for key, value in changes.items():
        key = {"context": "@context"}.get(key, key)
        if value is ...:
            doc.pop(key, None)
        else:
            doc[key] = value
    return doc


def test_base_is_valid() -> None:
    assert validate_credential(BASE) == []
    assert ensure_credential(BASE) is BASE


def test_published_examples_are_valid(conformance: Path) -> None:
    names = ["vc-di-eddsa/unsigned.json", "vc-di-eddsa/employmentAuth.json"] + [
        f"obv3/examples/{p.name}" for p in sorted((conformance / "obv3/examples").glob("*.json"))
        if p.name != "linked-data-proof-ob-proof.json"  # a bare proof object
    ]
    assert len(names) == 11
    for name in names:
        assert validate_credential(load_json(conformance / name)) == [], name


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"context": ...}, [("vc.context_missing", "/@context")]),
        ({"context": VC_V2_CONTEXT}, [("vc.context_invalid", "/@context")]),
        ({"context": ["https://www.w3.org/ns/credentials/examples/v2", VC_V2_CONTEXT]},
         [("vc.context_order", "/@context/0")]),
        # VCDM 1.1 is read (issue 15 D): its context is accepted, and it needs an issuanceDate
        ({"context": ["https://www.w3.org/2018/credentials/v1"]},
         [("vc.issuance_date_missing", "/issuanceDate")]),
        ({"context": ["https://example.org/ctx", "https://www.w3.org/2018/credentials/v1"]},
         [("vc.context_v2_missing", "/@context/0")]),
        ({"context": [VC_V2_CONTEXT, 5]}, [("vc.context_invalid", "/@context/1")]),
        ({"id": "not a url"}, [("vc.id_invalid", "/id")]),
        ({"type": ["ExampleCredential"]}, [("vc.type_missing", "/type")]),
        ({"type": []}, [("vc.type_missing", "/type")]),
        ({"issuer": ...}, [("vc.issuer_missing", "/issuer")]),
        ({"issuer": None}, [("vc.issuer_invalid", "/issuer")]),
        ({"issuer": "example school"}, [("vc.issuer_invalid", "/issuer")]),
        ({"issuer": {"name": "School"}}, [("vc.issuer_invalid", "/issuer/id")]),
        ({"issuer": {"id": None}}, [("vc.issuer_invalid", "/issuer/id")]),
        ({"issuer": {"id": "did:example:1", "name": 5}},
         [("vc.language_value_invalid", "/issuer/name")]),
        ({"credentialSubject": ...}, [("vc.subject_missing", "/credentialSubject")]),
        ({"credentialSubject": {}}, [("vc.subject_empty", "/credentialSubject")]),
        ({"credentialSubject": []}, [("vc.subject_empty", "/credentialSubject")]),
        ({"credentialSubject": [{"id": "did:example:1"}, {}]},
         [("vc.subject_empty", "/credentialSubject/1")]),
        ({"credentialSubject": "did:example:1"}, [("vc.subject_invalid", "/credentialSubject")]),
        ({"validFrom": "2023-01-01"}, [("vc.datetime_invalid", "/validFrom")]),
        ({"validFrom": "2023-01-01T00:00:00"}, [("vc.datetime_invalid", "/validFrom")]),
        ({"validUntil": "2022-01-01T00:00:00Z"}, [("vc.validity_order", "/validUntil")]),
        ({"name": {"@value": "x", "@language": "nl", "extra": 1}},
         [("vc.language_value_invalid", "/name")]),
        ({"description": ["ok", {"@language": "en"}]},
         [("vc.language_value_invalid", "/description/1")]),
        ({"name": {"@value": "x", "@direction": "up"}}, [("vc.language_value_invalid", "/name")]),
        ({"name": {"@value": "x", "@language": "not a tag"}},
         [("vc.language_value_invalid", "/name")]),
        ({"name": {"nl": 5}}, [("vc.language_value_invalid", "/name")]),
        ({"name": {}}, [("vc.language_value_invalid", "/name")]),
        ({"credentialStatus": {"id": "https://x.example/1"}},
         [("vc.status_invalid", "/credentialStatus/type")]),
        ({"credentialSchema": {"type": "JsonSchema"}}, [("vc.schema_invalid", "/credentialSchema/id")]),
        ({"credentialSchema": {"id": "https://x.example/s.json", "type": ["JsonSchema", 5]}},
         [("vc.schema_invalid", "/credentialSchema/type")]),
        ({"credentialSchema": [{"id": "https://x.example/s.json"}]},
         [("vc.schema_invalid", "/credentialSchema/0/type")]),
        ({"refreshService": {"url": "https://x.example"}},
         [("vc.refresh_service_invalid", "/refreshService/type")]),
        ({"refreshService": "https://x.example"},
         [("vc.refresh_service_invalid", "/refreshService")]),
        ({"termsOfUse": [{}]}, [("vc.terms_of_use_invalid", "/termsOfUse/0/type")]),
        ({"evidence": [{"type": "Evidence", "id": "nope"}]},
         [("vc.evidence_invalid", "/evidence/0/id")]),
        ({"relatedResource": [{"id": "https://x.example/a.png"}]},
         [("vc.related_resource_invalid", "/relatedResource/0")]),
        ({"relatedResource": [{"id": "https://x.example/a", "digestSRI": "md5-abc"}]},
         [("vc.related_resource_invalid", "/relatedResource/0/digestSRI")]),
        ({"relatedResource": [{"id": "https://x.example/a", "digestMultibase": "abc"}]},
         [("vc.related_resource_invalid", "/relatedResource/0/digestMultibase")]),
        ({"relatedResource": [{"digestMultibase": "zabc"}]},
         [("vc.related_resource_invalid", "/relatedResource/0")]),
        ({"relatedResource": [{"id": "https://x.example/a", "digestMultibase": "zQm"},
                              {"id": "https://x.example/a", "digestMultibase": "zQm"}]},
         [("vc.related_resource_invalid", "/relatedResource/1/id")]),
    ],
)
def test_each_rule_has_a_precise_code(
    changes: dict[str, Any], expected: list[tuple[str, str | None]]
) -> None:
    assert _codes(_with(**changes)) == expected


def test_valid_optional_members() -> None:
    doc = _with(
        name=[{"@value": "Diploma", "@language": "nl"}, {"@value": "Diploma", "@language": "en"}],
        description={"nl": "Diploma mbo", "en": "VET diploma"},
        validUntil="2030-01-01T00:00:00+01:00",
        credentialStatus={"type": "BitstringStatusListEntry", "statusPurpose": "revocation"},
        credentialSchema=[{"id": "https://x.example/s.json", "type": "JsonSchema"},
                          {"id": "https://x.example/c", "type": "JsonSchemaCredential"}],
        relatedResource=[{"id": "https://x.example/a.png",
                          "digestSRI": "sha384-S57yQDg1MTzF56Oi9DbSQ14u7jBy0RDdx0YbeV7shwhCS88G8SCXeFq82PafhCrW"},
                         {"id": "https://x.example/b", "digestMultibase": "uEiBZlVztZpfWHgPyslVv6-UwirFoQoRvW1htfx963sknNA"}],
        refreshService={"type": "VerifiableCredentialRefreshService2021",
                        "url": "https://x.example/refresh"},
        termsOfUse={"type": "TrustFrameworkPolicy"},
        evidence=[{"type": ["Evidence"], "id": "https://x.example/evidence/1"}],
    )
    assert validate_credential(doc) == []


def test_not_an_object() -> None:
    assert _codes([BASE]) == [("vc.not_object", "")]


def test_every_problem_is_reported_at_once() -> None:
    doc = _with(context=..., issuer=None, credentialSubject={}, type="Foo")
    with pytest.raises(ValidationError) as info:
        ensure_credential(doc)
    assert {p.code for p in info.value.problems} == {
        "vc.context_missing", "vc.type_missing", "vc.issuer_invalid", "vc.subject_empty",
    }
    assert all(p.message_nl for p in info.value.problems)


def test_build_credential() -> None:
    vc = build_credential(
        issuer={"id": "did:web:school.example", "name": "School"},
        subject={"id": "did:example:learner", "name": "Jan"},
        types=["ExampleCredential"],
        contexts=["https://www.w3.org/ns/credentials/examples/v2"],
        id="urn:uuid:1", valid_from="2024-01-01T00:00:00Z", valid_until="2025-01-01T00:00:00Z",
        name="Badge", status={"type": "BitstringStatusListEntry"},
        schema={"id": "https://x.example/s.json", "type": "JsonSchema"},
        extra={"evidence": [{"type": "Evidence"}]},
    )
    assert vc["@context"][0] == VC_V2_CONTEXT
    assert vc["type"] == ["VerifiableCredential", "ExampleCredential"]
    assert list(vc)[:3] == ["@context", "id", "type"]
    assert vc["evidence"] == [{"type": "Evidence"}]
    with pytest.raises(ValidationError) as info:
        build_credential(issuer="x", subject={})
    assert {p.code for p in info.value.problems} == {"vc.issuer_invalid", "vc.subject_empty"}


def test_is_url() -> None:
    assert is_url("did:key:z6Mk")
    assert is_url("urn:uuid:1")
    assert not is_url("no scheme")
    assert not is_url("https://a b")
    assert not is_url(None)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=12,
)


MEMBERS = [*sorted(BASE), "credentialStatus", "credentialSchema", "relatedResource",
           "refreshService", "evidence", "termsOfUse", "name"]


@given(st.sampled_from(MEMBERS), JSON)
def test_validation_never_raises(member: str, value: Any) -> None:
    doc = copy.deepcopy(BASE)
    doc[member] = value
    problems = validate_credential(doc)
    assert all(p.code.startswith("vc.") and p.pointer is not None for p in problems)


@given(JSON)
def test_validation_of_arbitrary_json_never_raises(value: Any) -> None:
    validate_credential(value)
