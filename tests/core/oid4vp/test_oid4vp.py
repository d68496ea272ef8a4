"""OpenID4VP 1.0: DCQL parsing (§6, §7), matching (§6.4), requests (§5) and responses (§8)."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rotonde.clock import FixedClock
from rotonde.did import DidDocument, Resolver
from rotonde.errors import ParseError, PolicyError, RotondeError, SignatureError, ValidationError
from rotonde.jws import sign_compact
from rotonde.keys import generate
from rotonde.oid4vp import (
    build_request,
    check_request,
    direct_post_form,
    evaluate,
    invocation_uri,
    match_credential,
    parse_dcql,
    parse_direct_post,
    parse_invocation,
    parse_vp_token,
    select_path,
    sign_request_object,
    verify_request_object,
)

QUERY_FILES = [
    "query_lang/simple.json", "query_lang/claims_alternatives.json",
    "query_lang/credentials_alternatives.json", "query_lang/multi_credentials.json",
    "query_lang/value_matching_simple.json", "query_lang/simple_mdoc.json",
    "query_lang/complex_mdoc.json", "request/dcql_jwt_vc.json", "request/dcql_ldp_vc.json",
]

PID = {
    "vct": "https://credentials.example.com/identity_credential",
    "given_name": "Erika", "family_name": "Doe", "postal_code": "90210",
    "locality": "Utrecht", "region": "UT", "date_of_birth": "2000-01-01",
    "address": {"street_address": "Oudegracht 1"},
}


def _example(conformance: Path, name: str) -> dict:
    return json.loads((conformance / "oid4vp-1.0" / name).read_text())


@pytest.mark.parametrize("name", QUERY_FILES)
def test_spec_examples_parse_and_round_trip(conformance: Path, name: str) -> None:
    raw = _example(conformance, name)
    query = parse_dcql(raw)
    assert parse_dcql(query.to_json()) == query
    assert {c.id for c in query.credentials} == {c["id"] for c in raw["credentials"]}


def test_simple_query_matches_and_misses(conformance: Path) -> None:
    q = parse_dcql(_example(conformance, "query_lang/simple.json"))
    ok = match_credential(q.credentials[0], "dc+sd-jwt", PID)
    assert ok.satisfied and ("address", "street_address") in ok.claim_paths
    missing = dict(PID, address={})
    bad = match_credential(q.credentials[0], "dc+sd-jwt", missing)
    assert not bad.satisfied and bad.problems[0].code == "dcql.claim_missing"
    assert bad.problems[0].pointer == "address.street_address"
    wrong_vct = match_credential(q.credentials[0], "dc+sd-jwt", dict(PID, vct="urn:other"))
    assert wrong_vct.problems[0].code == "dcql.vct_mismatch"
    assert match_credential(q.credentials[0], "ldp_vc", PID).problems[0].code == "dcql.format_mismatch"


def test_value_matching(conformance: Path) -> None:
    q = parse_dcql(_example(conformance, "query_lang/value_matching_simple.json"))
    assert match_credential(q.credentials[0], "dc+sd-jwt", PID).satisfied
    other = match_credential(q.credentials[0], "dc+sd-jwt", dict(PID, postal_code="1234AB"))
    assert other.problems[0].code == "dcql.claim_value_mismatch"


def test_claim_sets_pick_first_satisfiable(conformance: Path) -> None:
    q = parse_dcql(_example(conformance, "query_lang/claims_alternatives.json"))
    full = match_credential(q.credentials[0], "dc+sd-jwt", PID)
    assert full.claim_paths == (("family_name",), ("locality",), ("region",), ("date_of_birth",))
    no_region = {k: v for k, v in PID.items() if k != "region"}
    second = match_credential(q.credentials[0], "dc+sd-jwt", no_region)
    assert second.claim_paths == (("family_name",), ("postal_code",), ("date_of_birth",))


def test_credential_sets_evaluation(conformance: Path) -> None:
    q = parse_dcql(_example(conformance, "query_lang/credentials_alternatives.json"))
    reduced1 = dict(PID, vct="https://credentials.example.com/reduced_identity_credential")
    reduced2 = dict(PID, vct="https://cred.example/residence_credential")
    res = evaluate(q, {"pid_reduced_cred_1": [("dc+sd-jwt", reduced1)],
                       "pid_reduced_cred_2": [("dc+sd-jwt", reduced2)]})
    assert res.satisfied, res.problems
    half = evaluate(q, {"pid_reduced_cred_1": [("dc+sd-jwt", reduced1)]})
    assert not half.satisfied and half.problems[0].code == "dcql.credential_missing"
    unknown = evaluate(q, {"pid": [("dc+sd-jwt", PID)], "bogus": [("dc+sd-jwt", PID)]})
    assert [p.code for p in unknown.problems] == ["dcql.unknown_query_id"]
    twice = evaluate(q, {"pid": [("dc+sd-jwt", PID), ("dc+sd-jwt", PID)]})
    assert "dcql.multiple_not_allowed" in [p.code for p in twice.problems]


def test_ldp_type_values(conformance: Path) -> None:
    q = parse_dcql(_example(conformance, "request/dcql_ldp_vc.json"))
    vc = _example(conformance, "response/ldp_vc.json")["verifiableCredential"][0]
    assert match_credential(q.credentials[0], "ldp_vc", vc).satisfied
    vc2 = dict(vc, type=["VerifiableCredential"])
    assert match_credential(q.credentials[0], "ldp_vc", vc2).problems[0].code == "dcql.type_mismatch"


def test_claims_path_pointer_semantics() -> None:
    doc = {"a": [{"b": 1}, {"b": 2}, {"c": 3}], "s": "x"}
    assert select_path(doc, ("a", None, "b")) == [1, 2]
    assert select_path(doc, ("a", 1, "b")) == [2]
    assert select_path(doc, ("a", 7)) == []
    assert select_path(doc, ("s", 0)) == []  # index into a non-array: nothing selected
    assert select_path(doc, ("a", "b")) == []


@pytest.mark.parametrize(
    ("query", "pointer", "code"),
    [
        ({}, "/credentials", "dcql.invalid"),
        ({"credentials": []}, "/credentials", "dcql.invalid"),
        ({"credentials": [{"id": "a b", "format": "dc+sd-jwt", "meta": {"vct_values": ["x"]}}]},
         "/credentials/0/id", "dcql.invalid"),
        ({"credentials": [{"id": "a", "format": "dc+sd-jwt", "meta": {}}]},
         "/credentials/0/meta/vct_values", "dcql.invalid"),
        ({"credentials": [{"id": "a", "format": "ldp_vc", "meta": {"type_values": ["X"]}}]},
         "/credentials/0/meta/type_values/0", "dcql.invalid"),
        ({"credentials": [{"id": "a", "format": "dc+sd-jwt", "meta": {"vct_values": ["x"]}},
                          {"id": "a", "format": "dc+sd-jwt", "meta": {"vct_values": ["x"]}}]},
         "/credentials/1/id", "dcql.duplicate_id"),
        ({"credentials": [{"id": "a", "format": "dc+sd-jwt", "meta": {"vct_values": ["x"]},
                           "claims": [{"path": ["x", -1]}]}]},
         "/credentials/0/claims/0/path/1", "dcql.invalid"),
        ({"credentials": [{"id": "a", "format": "dc+sd-jwt", "meta": {"vct_values": ["x"]},
                           "claims": [{"id": "c", "path": ["x"]}], "claim_sets": [["d"]]}]},
         "/credentials/0/claim_sets/0/0", "dcql.unknown_id"),
        ({"credentials": [{"id": "a", "format": "dc+sd-jwt", "meta": {"vct_values": ["x"]},
                           "claims": [{"path": ["x"]}], "claim_sets": [["c"]]}]},
         "/credentials/0/claims/0/id", "dcql.invalid"),
        ({"credentials": [{"id": "a", "format": "dc+sd-jwt", "meta": {"vct_values": ["x"]},
                           "claims": [{"path": ["x"], "values": [1.5]}]}]},
         "/credentials/0/claims/0/values/0", "dcql.invalid"),
        ({"credentials": [{"id": "a", "format": "dc+sd-jwt", "meta": {"vct_values": ["x"]}}],
          "credential_sets": [{"options": [["b"]]}]},
         "/credential_sets/0/options/0/0", "dcql.unknown_id"),
        ({"credentials": [{"id": "a", "format": "dc+sd-jwt", "meta": {"vct_values": ["x"]},
                           "multiple": "yes"}]},
         "/credentials/0/multiple", "dcql.invalid"),
    ],
)
def test_invalid_queries_name_the_field(query: dict, pointer: str, code: str) -> None:
    with pytest.raises(ValidationError) as info:
        parse_dcql(query)
    assert info.value.code == code
    assert info.value.pointer == pointer


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=6), c, max_size=4),
    max_leaves=20,
)


@given(_json)
def test_parse_dcql_never_crashes(value: object) -> None:
    try:
        parse_dcql(value)
    except ValidationError:
        pass


@given(st.dictionaries(st.sampled_from(["credentials", "credential_sets"]),
                       st.lists(st.dictionaries(
                           st.sampled_from(["id", "format", "meta", "claims", "claim_sets",
                                            "options", "multiple"]), _json, max_size=6),
                           max_size=3), max_size=2))
def test_parse_dcql_structured_fuzz(value: dict) -> None:
    try:
        q = parse_dcql(value)
    except ValidationError as exc:
        assert exc.pointer is not None
    else:
        assert parse_dcql(q.to_json()) == q


@given(_json, st.lists(st.one_of(st.none(), st.integers(0, 5), st.text(max_size=3)), min_size=1,
                       max_size=5))
def test_select_path_never_crashes(doc: object, path: list) -> None:
    assert isinstance(select_path(doc, tuple(path)), list)


@given(_json | st.text(max_size=40))
def test_parse_vp_token_never_crashes(value: object) -> None:
    try:
        out = parse_vp_token(value)
    except ParseError:
        return
    assert all(isinstance(v, list) and v for v in out.values())


@given(st.text(max_size=200))
def test_parse_invocation_never_crashes(uri: str) -> None:
    try:
        parse_invocation(uri)
    except (ParseError, PolicyError):
        pass


# ------------------------------------------------------------------ requests

DID = "did:web:verifier.example"
QUERY = {"credentials": [{"id": "diploma", "format": "dc+sd-jwt",
                          "meta": {"vct_values": ["https://rotonde.example/vct/mc"]},
                          "claims": [{"path": ["achievement", "level"]}]}]}


def _verifier() -> tuple[object, Resolver, str]:
    key = generate("ES256")
    doc = DidDocument.for_key(DID, key.public_key, fragments=["req"])
    return key, Resolver(documents={DID: doc}), DID + "#req"


def _request(nonce: str = "n" * 22) -> object:
    return build_request(client_id="decentralized_identifier:" + DID,
                         response_uri="https://verifier.example/oid4vp/response/abc",
                         dcql_query=QUERY, nonce=nonce, state="st-1",
                         client_metadata={"vp_formats_supported": {"dc+sd-jwt": {}}})


def test_signed_request_object_round_trip() -> None:
    key, resolver, kid = _verifier()
    req = _request()
    clock = FixedClock(1_800_000_000)
    token = sign_request_object(req, key, kid=kid, clock=clock)  # type: ignore[arg-type]
    uri = invocation_uri(client_id=req.client_id, request_uri="https://verifier.example/r/1",
                         request_uri_method="post")
    inv = parse_invocation(uri)
    assert uri.startswith("openid4vp://?") and inv.request_uri_method == "post"
    got = verify_request_object(token, client_id=inv.client_id, resolver=resolver, clock=clock)
    assert got.nonce == req.nonce and got.state == "st-1" and dict(got.dcql_query) == QUERY
    assert got.response_uri == req.response_uri
    # wallet link on an https wallet endpoint
    link = invocation_uri(client_id=req.client_id, request_uri="https://v.example/r/1",
                          base="https://wallet.example/authorize")
    assert parse_qs(urlsplit(link).query)["client_id"] == [req.client_id]


def test_request_object_refusals() -> None:
    key, resolver, kid = _verifier()
    req = _request()
    clock = FixedClock(1_800_000_000)
    token = sign_request_object(req, key, kid=kid, clock=clock)  # type: ignore[arg-type]
    with pytest.raises(ValidationError) as info:
        verify_request_object(token, client_id="decentralized_identifier:did:web:other.example",
                              resolver=resolver, clock=clock)
    assert info.value.code == "oid4vp.client_id_mismatch"
    with pytest.raises(ValidationError) as info:
        verify_request_object(token, client_id=req.client_id, resolver=resolver,
                              clock=FixedClock(1_800_000_000 + 3600))
    assert info.value.code == "oid4vp.request_expired"
    other = generate("ES256")
    forged = sign_request_object(req, other, kid=kid, clock=clock)  # type: ignore[arg-type]
    with pytest.raises(SignatureError):
        verify_request_object(forged, client_id=req.client_id, resolver=resolver, clock=clock)
    wrong_typ = sign_compact({"typ": "JWT", "kid": kid}, req.to_claims(), key)  # type: ignore[arg-type]
    with pytest.raises(PolicyError) as pinfo:
        verify_request_object(wrong_typ, client_id=req.client_id, resolver=resolver, clock=clock)
    assert pinfo.value.code == "jose.typ_mismatch"
    with pytest.raises(ValidationError) as info:
        verify_request_object(token, client_id=req.client_id, resolver=resolver, clock=clock,
                              wallet_nonce="w-1")
    assert info.value.code == "oid4vp.wallet_nonce_mismatch"


def test_request_building_rules() -> None:
    with pytest.raises(ValidationError) as info:
        build_request(client_id="redirect_uri:https://a.example/cb",
                      response_uri="https://b.example/cb", dcql_query=QUERY, nonce="n" * 22)
    assert info.value.code == "oid4vp.client_id_mismatch"
    with pytest.raises(ValidationError) as info:
        build_request(client_id="decentralized_identifier:" + DID,
                      response_uri="http://verifier.example/x", dcql_query=QUERY, nonce="n" * 22)
    assert info.value.code == "oid4vp.invalid_response_uri"
    with pytest.raises(ValidationError):
        build_request(client_id="decentralized_identifier:" + DID,
                      response_uri="https://verifier.example/x", dcql_query={"credentials": []},
                      nonce="n" * 22)
    # redirect_uri client ids: passed by value, never signed
    req = build_request(client_id="redirect_uri:http://127.0.0.1:8003/cb",
                        response_uri="http://127.0.0.1:8003/cb", dcql_query=QUERY,
                        nonce="n" * 22, allow_http=True)
    with pytest.raises(ValidationError):
        sign_request_object(req, generate("ES256"), kid="x")
    inv = parse_invocation(invocation_uri(client_id=req.client_id, request=req))
    assert inv.params is not None
    again = check_request(inv.params, allow_http=True)
    assert dict(again.dcql_query) == QUERY and again.nonce == req.nonce
    with pytest.raises(ValidationError):
        check_request(inv.params)  # http response_uri refused outside dev


def test_direct_post_round_trip() -> None:
    form = direct_post_form({"diploma": ["a~b~c"]}, "st-1")
    resp = parse_direct_post(form)
    assert resp.vp_token == {"diploma": ["a~b~c"]} and resp.state == "st-1"
    err = parse_direct_post({"error": "access_denied", "state": "st-1"})
    assert err.is_error and err.error == "access_denied"
    for bad in ({"state": "x"}, {"vp_token": "[1]"}, {"vp_token": "{\"a\": []}"},
                {"vp_token": "{\"a\": [1]}"}, {"vp_token": "not json"},
                {"response": "eyJ..."}):
        with pytest.raises(RotondeError):
            parse_direct_post(bad)


def test_narrow_paths_discloses_only_the_matching_array_elements() -> None:
    from rotonde.oid4vp import match_credential, narrow_paths, parse_dcql

    query = parse_dcql({"credentials": [{
        "id": "weld", "format": "dc+sd-jwt", "meta": {"vct_values": ["v"]},
        "claims": [{"path": ["learning_outcomes", None, "skill"], "values": ["S2"]},
                   {"path": ["level"]}],
    }]}).credentials[0]
    claims = {"vct": "v", "level": 3,
              "learning_outcomes": [{"skill": "S1"}, {"skill": "S2"}, {"skill": "S3"}]}
    match = match_credential(query, "dc+sd-jwt", claims)
    assert match.satisfied
    assert narrow_paths(query, claims, match.claim_paths) == (
        ("learning_outcomes", 1, "skill"), ("level",))
    # Without values nothing is narrowed; no element matching leaves the wildcard.
    plain = parse_dcql({"credentials": [{"id": "x", "format": "dc+sd-jwt", "meta": {"vct_values": ["v"]},
                                         "claims": [{"path": ["learning_outcomes", None]}]}]})
    cq = plain.credentials[0]
    assert narrow_paths(cq, claims, [("learning_outcomes", None)]) == (("learning_outcomes", None),)
