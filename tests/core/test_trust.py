"""Trust lists of accredited issuers: loading, signatures, schema and evaluation."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from rotonde.clock import FixedClock
from rotonde.errors import ParseError, PolicyError, RotondeError, SignatureError, ValidationError
from rotonde.jws import sign_compact
from rotonde.keys import generate
from rotonde.trust import TYP, Level, load_trust_list, sign_trust_list

SCHEMA = Path(__file__).resolve().parents[2] / "schemas" / "trust-list.schema.json"
ROC = "did:web:roc-rijnland.example"
BEDRIJF = "https://academie.bouw.example/issuer"

LIST: dict[str, Any] = {
    "trust_list_version": "1.0",
    "id": "https://vertrouwen.example/lijsten/llo-2026",
    "name": {"nl": "Erkende aanbieders LLO 2026", "en": "Accredited providers LLO 2026"},
    "issued": "2026-01-01T00:00:00Z",
    "valid_until": "2027-01-01T00:00:00Z",
    "issuers": [
        {
            "name": {"nl": "ROC Rijnland", "en": "ROC Rijnland"},
            "identifiers": [ROC, "https://roc-rijnland.example"],
            "registrations": [
                {"scheme": "BRIN", "value": "25LH"},
                {"scheme": "accreditation", "value": "CREBO", "body": "SBB"},
            ],
            "kinds": ["microcredential", "qualification"],
            "max_levels": [{"framework": "NLQF", "value": 4}],
        },
        {
            "name": {"nl": "Bouwacademie"},
            "identifiers": [BEDRIJF],
            "registrations": [{"scheme": "KvK", "value": "12345678"}],
            "kinds": ["microcredential"],
            "max_levels": [{"framework": "EQF", "value": 2}],
            "valid_until": "2026-06-01T00:00:00Z",
        },
    ],
}
CLOCK = FixedClock.at("2026-03-01T00:00:00Z")


def test_schema_is_valid_2020_12_with_versioned_id() -> None:
    schema = json.loads(SCHEMA.read_text())
    Draft202012Validator.check_schema(schema)
    assert schema["$id"] == "https://rotonde.example/schemas/trust-list/1.0"


def test_load_from_dict_path_text_and_bytes(tmp_path: Path) -> None:
    path = tmp_path / "trust.json"
    path.write_text(json.dumps(LIST))
    for source in (LIST, path, str(path), json.dumps(LIST), json.dumps(LIST).encode()):
        trust = load_trust_list(source, clock=CLOCK)  # type: ignore[arg-type]
        assert trust.id == LIST["id"] and len(trust.issuers) == 2 and trust.signed_by is None
    entry = trust.lookup(ROC + "#key-1")
    assert entry is not None and entry.display_name("en") == "ROC Rijnland"
    assert trust.lookup("https://roc-rijnland.example") is entry
    assert entry.registrations[0].value == "25LH"
    assert trust.lookup("did:web:unknown.example") is None


def test_evaluate_scope() -> None:
    trust = load_trust_list(LIST, clock=CLOCK)
    assert trust.evaluate(ROC) == []
    assert trust.evaluate(ROC, kind="qualification", level={"framework": "NLQF", "value": 4}) == []
    assert trust.evaluate(ROC, level=Level("EQF", 3)) == []  # EQF stands in for NLQF
    assert trust.evaluate(ROC, level=("NLQF", "entry")) == []

    def codes(issuer: str, **kw: Any) -> list[str]:
        return [p.code for p in trust.evaluate(issuer, **kw)]

    assert codes("did:web:nep.example") == ["trust.issuer_unknown"]
    assert codes(ROC, kind="evc") == ["trust.kind_not_accredited"]
    assert codes(ROC, level={"framework": "NLQF", "value": 5}) == ["trust.level_exceeds_accreditation"]
    assert codes(BEDRIJF, kind="qualification", level=("EQF", 3)) == [
        "trust.kind_not_accredited",
        "trust.level_exceeds_accreditation",
    ]
    assert codes(ROC, level={"framework": "EQF"}) == ["trust.level_invalid"]
    later = FixedClock.at("2026-07-01T00:00:00Z").now()
    assert codes(BEDRIJF, now=later) == ["trust.accreditation_expired"]
    assert codes(ROC, now=FixedClock.at("2027-02-01T00:00:00Z").now()) == ["trust.list_expired"]
    problem = trust.evaluate(ROC, kind="evc")[0]
    assert "ROC Rijnland" in problem.message and problem.message_nl


def test_signed_list() -> None:
    anchor = generate("ES256", kid="anchor-2026")
    token = sign_trust_list(LIST, anchor)
    trust = load_trust_list(token, anchor_key=anchor.public_key, clock=CLOCK)
    assert trust.signed_by == anchor.public_key.thumbprint()
    assert trust.evaluate(ROC) == []
    with pytest.raises(SignatureError) as err:
        load_trust_list(token, anchor_key=generate("ES256").public_key)
    assert err.value.code == "trust.signature_invalid"
    tampered = copy.deepcopy(LIST)
    tampered["issuers"][1]["kinds"].append("qualification")
    head, _, sig = token.split(".")
    forged = head + "." + sign_trust_list(tampered, anchor).split(".")[1] + "." + sig
    with pytest.raises(SignatureError):
        load_trust_list(forged, anchor_key=anchor.public_key)
    with pytest.raises(PolicyError) as perr:
        load_trust_list(token)
    assert perr.value.code == "trust.anchor_required"
    with pytest.raises(PolicyError) as perr:
        load_trust_list(LIST, anchor_key=anchor.public_key)
    assert perr.value.code == "trust.unsigned"
    wrong_typ = sign_compact({"typ": "JWT"}, LIST, anchor)
    with pytest.raises(ParseError) as perr2:
        load_trust_list(wrong_typ, anchor_key=anchor.public_key)
    assert [p.code for p in perr2.value.problems] == ["trust.malformed", "jose.typ_mismatch"]
    assert TYP == "rotonde-trust-list+jwt"


@pytest.mark.parametrize(
    "mutate, pointer",
    [
        (lambda d: d.pop("issuers"), "/issuers"),
        (
            lambda d: d["issuers"][1]["registrations"][0].update(value="123"),
            "/issuers/1/registrations/0/value",
        ),
        (
            lambda d: d["issuers"][0]["identifiers"].append("http://insecure.example"),
            "/issuers/0/identifiers/2",
        ),
        (lambda d: d["issuers"][0].update(kinds=["diploma"]), "/issuers/0/kinds/0"),
        (lambda d: d["issuers"][0]["max_levels"][0].update(value=9), "/issuers/0/max_levels/0/value"),
        (lambda d: d.update(extra=True), "/extra"),
        (lambda d: d["issuers"][0]["registrations"][1].pop("body"), "/issuers/0/registrations/1/body"),
    ],
)
def test_schema_violations_are_precise(mutate: Any, pointer: str) -> None:
    data = copy.deepcopy(LIST)
    mutate(data)
    with pytest.raises(ValidationError) as err:
        load_trust_list(data)
    assert err.value.code.startswith("trust.schema.")
    assert pointer in [p.pointer for p in err.value.problems]


def test_unreadable_and_malformed() -> None:
    with pytest.raises(ParseError) as err:
        load_trust_list(Path("does/not/exist.json"))
    assert err.value.code == "trust.unreadable"
    with pytest.raises(ParseError):
        load_trust_list(b"\xff\xfe not json")
    with pytest.raises(ParseError):
        load_trust_list('{"id": 1, "id": 2}')  # duplicate members
    with pytest.raises(ParseError) as err:
        load_trust_list(json.dumps(LIST), max_bytes=100)
    assert err.value.code == "trust.too_large"


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=10),
        lambda c: (
            st.lists(c, max_size=4)
            | st.dictionaries(
                st.sampled_from(
                    [
                        "trust_list_version",
                        "id",
                        "name",
                        "issuers",
                        "identifiers",
                        "kinds",
                        "nl",
                        "valid_until",
                    ]
                ),
                c,
                max_size=5,
            )
        ),
        max_leaves=20,
    )
)
def test_loader_never_crashes_on_any_json(value: Any) -> None:
    source = value if isinstance(value, dict) else json.dumps(value)
    try:
        load_trust_list(source)
    except RotondeError:
        pass


@given(st.binary(max_size=200))
def test_loader_never_crashes_on_bytes(data: bytes) -> None:
    try:
        load_trust_list(data, anchor_key=generate("EdDSA").public_key)
    except RotondeError:
        pass
