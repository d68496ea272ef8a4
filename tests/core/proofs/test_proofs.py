"""Data Integrity proofs: add/verify, purposes, controllers, bad input with precise codes.

Every failure case goes through :func:`rotonde.verify.verify` (which must never raise) and, where
the proof layer decides, through :func:`rotonde.proofs.verify_proof` (which raises precisely).
No test makes a network request: resolvers have no fetcher.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rotonde.clock import FixedClock
from rotonde.credential import build_credential
from rotonde.did import DidDocument, Resolver
from rotonde.did.methods import method_id_for_key
from rotonde.errors import RotondeError, SignatureError, ValidationError
from rotonde.keys import PrivateKey, generate
from rotonde.proofs import add_proof, get_cryptosuite, verify_proof
from rotonde.verify import VerificationReport, VerifyOptions, verify

ISSUER_KEY = generate("EdDSA")
ISSUER_VM = method_id_for_key(ISSUER_KEY.public_key)
ISSUER = ISSUER_VM.partition("#")[0]
NOW = FixedClock.at("2025-06-01T00:00:00Z")


def _credential(issuer: str = ISSUER) -> dict[str, Any]:
    return build_credential(
        issuer=issuer,
        subject={"id": "did:example:learner", "name": "Jan de Vries"},
        id="urn:uuid:0b6c7b1e-9f44-4f8b-9d2c-1f4c2b9c0d11",
        name="Lassen niveau 2",
        valid_from="2025-01-01T00:00:00Z",
        valid_until="2026-01-01T00:00:00Z",
    )


SIGNED = add_proof(_credential(), signer=ISSUER_KEY, verification_method=ISSUER_VM,
                   created="2025-01-01T00:00:00Z")


def _failed(report: VerificationReport) -> dict[str, list[str]]:
    return {c.name: [p.code for p in c.problems] for c in report.checks if c.outcome == "failed"}


def _mutated(**proof_changes: Any) -> dict[str, Any]:
    doc = copy.deepcopy(SIGNED)
    doc["proof"].update(proof_changes)
    return doc


def test_round_trip_and_report() -> None:
    result = verify_proof(SIGNED)
    assert result.proofs[0].controller == ISSUER
    assert result.proofs[0].verification_method == ISSUER_VM
    report = verify(SIGNED, VerifyOptions(clock=NOW))
    assert report.verified, report.to_dict()
    assert report.format == "ldp_vc"
    assert report.issuer == ISSUER
    assert [c.name for c in report.checks] == [
        "parse", "signature", "holder_binding", "validity", "status", "trust", "schema"]
    assert report.claims is not None and "proof" not in report.claims


def test_add_proof_keeps_input_untouched_and_defaults_created_to_the_clock() -> None:
    doc = _credential()
    before = copy.deepcopy(doc)
    signed = add_proof(doc, signer=ISSUER_KEY, verification_method=ISSUER_VM, clock=NOW)
    assert doc == before
    assert signed["proof"]["created"] == "2025-06-01T00:00:00Z"
    assert list(signed["proof"]) == [
        "type", "cryptosuite", "created", "verificationMethod", "proofPurpose", "proofValue"]


def test_single_proof_as_an_array_signs_the_same_bytes() -> None:
    listed = add_proof(_credential(), signer=ISSUER_KEY, verification_method=ISSUER_VM,
                       created="2025-01-01T00:00:00Z", proof_array=True)
    assert listed["proof"] == [SIGNED["proof"]]
    assert verify(listed, VerifyOptions(clock=NOW)).verified


def test_jcs_suite_round_trip() -> None:
    signed = add_proof(_credential(), signer=ISSUER_KEY, verification_method=ISSUER_VM,
                       cryptosuite="eddsa-jcs-2022", clock=NOW)
    assert signed["proof"]["@context"] == signed["@context"]
    assert verify(signed, VerifyOptions(clock=NOW)).verified
    signed["proof"]["@context"] = [*signed["@context"], "https://w3id.org/security/data-integrity/v2"]
    with pytest.raises(SignatureError) as info:
        verify_proof(signed)
    assert info.value.code == "di.context_mismatch"
    signed["proof"]["@context"] = []
    with pytest.raises(SignatureError) as info:
        verify_proof(signed)
    assert info.value.code == "di.signature_invalid"


def test_proof_set_of_two_issuers_keys() -> None:
    second = generate("EdDSA")
    doc = DidDocument.for_key("did:web:school.example", [ISSUER_KEY.public_key, second.public_key])
    resolver = Resolver(documents={"did:web:school.example": doc})
    cred = _credential("did:web:school.example")
    signed = add_proof(cred, signer=ISSUER_KEY, clock=NOW,
                       verification_method=doc.methods[0].id)
    signed = add_proof(signed, signer=second, clock=NOW, verification_method=doc.methods[1].id)
    assert len(signed["proof"]) == 2
    assert len(verify_proof(signed, resolver=resolver).proofs) == 2
    signed["proof"][1]["proofValue"] = signed["proof"][0]["proofValue"]
    with pytest.raises(SignatureError) as info:
        verify_proof(signed, resolver=resolver)
    assert info.value.code == "di.signature_invalid"
    assert info.value.pointer == "/proof/1/proofValue"


@pytest.mark.parametrize(
    ("changes", "check", "code"),
    [
        ({"cryptosuite": "ecdsa-rdfc-2019"}, "signature", "di.cryptosuite_unsupported"),
        ({"cryptosuite": None}, "signature", "di.cryptosuite_unsupported"),
        ({"type": "Ed25519Signature2020"}, "signature", "di.proof_type_unsupported"),
        ({"proofValue": "zzzz"}, "signature", "di.proof_value_malformed"),
        ({"proofValue": "u" + "A" * 86}, "signature", "di.proof_value_malformed"),
        ({"proofValue": 5}, "signature", "di.proof_value_missing"),
        ({"proofPurpose": "authentication"}, "signature", "di.purpose_mismatch"),
        ({"proofPurpose": None}, "signature", "di.proof_malformed"),
        ({"verificationMethod": "did:example:nobody#key"}, "signature", "di.method_unresolvable"),
        ({"verificationMethod": "https://school.example/keys#1"}, "signature",
         "di.method_unresolvable"),
        ({"created": "yesterday"}, "signature", "di.datetime_invalid"),
        ({"created": "2025-01-01T00:00:01Z"}, "signature", "di.signature_invalid"),
        ({"expires": "2025-02-01T00:00:00Z"}, "signature", "di.proof_expired"),
        ({"previousProof": "urn:uuid:missing"}, "signature", "di.previous_proof_missing"),
        ({"previousProof": 7}, "signature", "di.previous_proof_malformed"),
    ],
)
def test_bad_proofs_fail_precisely(changes: dict[str, Any], check: str, code: str) -> None:
    report = verify(_mutated(**changes), VerifyOptions(clock=NOW))
    assert not report.verified
    assert _failed(report)[check][0] == code



def test_oversized_proof_value_is_refused_before_decoding() -> None:
    """A 62 KB base58 proofValue (decoding it took about a second): refused with
    di.proof_value_malformed saying why, without decoding it."""
    import time

    doc = _mutated(proofValue="z" + "2" * 62_000)
    started = time.monotonic()
    with pytest.raises(SignatureError) as err:
        verify_proof(doc)
    assert err.value.code == "di.proof_value_malformed"
    assert "62001 characters long" in err.value.message
    assert "tekens lang" in err.value.problems[0].message_nl
    assert _failed(verify(doc, VerifyOptions(clock=NOW))) == {
        "signature": ["di.proof_value_malformed"]}
    assert time.monotonic() - started < 0.5  # runaway detector; it took ~1 s per decode


def test_oversized_public_key_multibase_in_a_did_document() -> None:
    """publicKeyMultibase from a fetched did:web document (up to the 1 MiB body cap; minutes
    to decode): refused before decoding, with the precise code."""
    import time

    started = time.monotonic()
    for size in (200, 1024 * 1024 - 200):
        doc = {"id": "did:web:school.example", "verificationMethod": [{
            "id": "did:web:school.example#k", "type": "Multikey",
            "controller": "did:web:school.example", "publicKeyMultibase": "z" + "2" * size}]}
        with pytest.raises(RotondeError) as err:
            DidDocument.from_json(doc)
        assert err.value.code == "encoding.too_long", size
    assert time.monotonic() - started < 1.0  # runaway detector: before the cap, minutes

def test_tampered_document_fails() -> None:
    doc = copy.deepcopy(SIGNED)
    doc["credentialSubject"]["name"] = "Piet"
    assert _failed(verify(doc, VerifyOptions(clock=NOW))) == {"signature": ["di.signature_invalid"]}


def test_proof_must_be_present_and_well_formed() -> None:
    doc = copy.deepcopy(SIGNED)
    del doc["proof"]
    assert _failed(verify(doc, VerifyOptions(clock=NOW))) == {"signature": ["di.proof_missing"]}
    doc["proof"] = ["not an object"]
    assert _failed(verify(doc, VerifyOptions(clock=NOW))) == {"signature": ["di.proof_malformed"]}
    with pytest.raises(SignatureError):
        verify_proof({"proof": []})


def test_method_the_issuer_does_not_control() -> None:
    other = generate("EdDSA")
    signed = add_proof(_credential(), signer=other, clock=NOW,
                       verification_method=method_id_for_key(other.public_key))
    report = verify(signed, VerifyOptions(clock=NOW))
    assert _failed(report) == {"signature": ["di.method_not_controlled"]}
    assert verify_proof(signed, require_controller=False).proofs


def test_method_not_authorised_for_the_purpose() -> None:
    doc = DidDocument.for_key("did:web:school.example", ISSUER_KEY.public_key,
                              purposes=("authentication",))
    resolver = Resolver(documents={"did:web:school.example": doc})
    signed = add_proof(_credential("did:web:school.example"), signer=ISSUER_KEY, clock=NOW,
                       verification_method=doc.methods[0].id)
    report = verify(signed, VerifyOptions(clock=NOW, resolver=resolver))
    assert _failed(report) == {"signature": ["di.method_not_authorized", "key.not_authorised"]}


def test_https_controller_document_is_never_fetched_without_a_fetcher() -> None:
    signed = add_proof(_credential("https://school.example/issuer"), signer=ISSUER_KEY,
                       clock=NOW, verification_method="https://school.example/issuer#key-1")
    report = verify(signed, VerifyOptions(clock=NOW))
    assert _failed(report) == {"signature": ["di.method_unresolvable", "fetch.disabled"]}


def test_signing_needs_an_ed25519_key_and_known_suite() -> None:
    with pytest.raises(SignatureError) as info:
        add_proof(_credential(), signer=generate("ES256"), verification_method=ISSUER_VM)
    assert info.value.code == "di.key_type_mismatch"
    with pytest.raises(SignatureError) as info:
        add_proof(_credential(), signer=ISSUER_KEY, verification_method=ISSUER_VM,
                  cryptosuite="bbs-2023")
    assert info.value.code == "di.cryptosuite_unsupported"
    with pytest.raises(ValidationError) as vinfo:
        add_proof(_credential(), signer=ISSUER_KEY, verification_method=ISSUER_VM,
                  proof_purpose="authentication")
    assert vinfo.value.code == "di.challenge_missing"
    assert get_cryptosuite("eddsa-rdfc-2022").name == "eddsa-rdfc-2022"


def test_signing_refuses_undefined_terms() -> None:
    doc = _credential()
    doc["credentialSubject"]["schoolNickname"] = "De Rotonde"
    with pytest.raises(RotondeError) as info:
        add_proof(doc, signer=ISSUER_KEY, verification_method=ISSUER_VM)
    assert info.value.code == "jsonld.term_undefined"


@pytest.mark.parametrize(
    ("mutate", "code"),
    [
        (lambda d: d.__setitem__("nickname", "x"), "jsonld.term_undefined"),
        (lambda d: d["credentialSubject"].__setitem__("nickname", "x"), "jsonld.term_undefined"),
        (lambda d: d["@context"].append("https://unknown.example/context"),
         "jsonld.context_unknown"),
        (lambda d: d["@context"].insert(0, "https://www.w3.org/ns/credentials/examples/v2"),
         "vc.context_order"),
        (lambda d: d["@context"].append(d["@context"][0]), "jsonld.context_order"),
        (lambda d: d["@context"].append({"name": "https://x.example/#name"}),
         "jsonld.protected_term_redefinition"),
        (lambda d: d.__setitem__("validUntil", "2024-01-01T00:00:00Z"), "vc.validity_order"),
        (lambda d: d.__setitem__("issuer", None), "vc.issuer_invalid"),
        (lambda d: d.__setitem__("issuer", "Mijn School"), "vc.issuer_invalid"),
        (lambda d: d.__setitem__("credentialSubject", {}), "vc.subject_empty"),
        (lambda d: d.__setitem__("credentialSchema", {"type": "JsonSchema"}), "vc.schema_invalid"),
        (lambda d: d.__setitem__("relatedResource", [{"id": "https://x.example/a"}]),
         "vc.related_resource_invalid"),
        (lambda d: d.__setitem__("refreshService", {"id": "https://x.example"}),
         "vc.refresh_service_invalid"),
    ],
)
def test_bad_documents_fail_in_parse(mutate: Any, code: str) -> None:
    doc = copy.deepcopy(SIGNED)
    mutate(doc)
    report = verify(doc, VerifyOptions(clock=NOW))
    assert _failed(report)["parse"][0] == code
    assert report.check("signature") is None  # nothing else runs on unparseable input


def test_very_large_and_deeply_nested_documents() -> None:
    deep: Any = "x"
    for _ in range(200):
        deep = {"a": deep}
    doc = copy.deepcopy(SIGNED)
    doc["credentialSubject"]["deep"] = deep
    assert _failed(verify(doc, VerifyOptions(clock=NOW))) == {"parse": ["json.too_deep"]}
    doc = copy.deepcopy(SIGNED)
    doc["credentialSubject"]["name"] = "x" * 200_000
    assert _failed(verify(doc, VerifyOptions(clock=NOW))) == {"parse": ["parse.too_large"]}
    report = verify(doc, VerifyOptions(clock=NOW, max_bytes=1_000_000))
    assert _failed(report) == {"signature": ["di.signature_invalid"]}


def test_validity_window_uses_the_injected_clock_and_leeway() -> None:
    early = verify(SIGNED, VerifyOptions(clock=FixedClock.at("2024-12-31T23:59:30Z")))
    assert early.verified  # within the 60 s leeway
    early = verify(SIGNED, VerifyOptions(clock=FixedClock.at("2024-12-31T23:58:00Z")))
    assert _failed(early) == {"validity": ["validity.not_yet_valid"]}
    late = verify(SIGNED, VerifyOptions(clock=FixedClock.at("2026-01-02T00:00:00Z")))
    assert _failed(late) == {"validity": ["validity.expired"]}


def test_pinned_issuer_key_and_trust_and_schema_hooks() -> None:
    class Trust:
        def evaluate(self, issuer: str, **_: Any) -> list[Any]:
            from rotonde.errors import Problem

            return [] if issuer == ISSUER else [Problem("trust.unknown_issuer", "no", "nee")]

    report = verify(SIGNED, VerifyOptions(clock=NOW, issuer_key=ISSUER_KEY.public_key,
                                          trust_list=Trust(),
                                          schema_validator=lambda doc, fmt: []))
    assert report.verified
    assert report.check("trust").outcome == "passed"  # type: ignore[union-attr]
    assert report.check("schema").outcome == "passed"  # type: ignore[union-attr]
    wrong = generate("EdDSA").public_key
    report = verify(SIGNED, VerifyOptions(clock=NOW, issuer_key=wrong))
    assert _failed(report) == {"signature": ["di.signature_invalid"]}


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(value, dict):
        for k, v in value.items():
            out.extend(_paths(v, (*prefix, k)))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out.extend(_paths(v, (*prefix, i)))
    return out


def _get(doc: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        doc = doc[part]
    return doc


PATHS = _paths(SIGNED)
LEAVES = [p for p in PATHS if isinstance(_get(SIGNED, p), str)]
MEMBERS = [p for p in PATHS if isinstance(p[-1], str)]
OBJECTS = [()] + [p for p in PATHS if isinstance(_get(SIGNED, p), dict)]


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.tuples(st.just("replace"), st.sampled_from(LEAVES), st.text(max_size=20)),
        st.tuples(st.just("delete"), st.sampled_from(MEMBERS), st.none()),
        st.tuples(st.just("add"), st.sampled_from(OBJECTS),
                  st.tuples(st.text(min_size=1, max_size=8), st.text(max_size=8))),
    )
)
def test_mutated_signed_documents_never_verify_and_never_raise(mutation: Any) -> None:
    kind, path, value = mutation
    doc = copy.deepcopy(SIGNED)
    if kind == "replace":
        if _get(doc, path) == value:
            value += "x"
        _get(doc, path[:-1])[path[-1]] = value
    elif kind == "delete":
        del _get(doc, path[:-1])[path[-1]]
    else:
        target = _get(doc, path)
        name, text = value
        if name in target:
            name += "_"
        target[name] = text
    report = verify(doc, VerifyOptions(clock=NOW))
    assert not report.verified, json.dumps(mutation)
    assert report.problems


@given(st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=10,
))
def test_arbitrary_proof_values_never_raise(proof: Any) -> None:
    doc = copy.deepcopy(SIGNED)
    doc["proof"] = proof
    report = verify(doc, VerifyOptions(clock=NOW))
    assert not report.verified


def test_signers_are_protocol_objects() -> None:
    class Hsm:
        def __init__(self, key: PrivateKey) -> None:
            self._key = key
            self.alg = key.alg
            self.kid = None
            self.public_key = key.public_key

        def sign(self, data: bytes) -> bytes:
            return self._key.sign(data)

    signed = add_proof(_credential(), signer=Hsm(ISSUER_KEY), verification_method=ISSUER_VM,
                       created="2025-01-01T00:00:00Z")
    assert signed == SIGNED  # Ed25519 is deterministic


@pytest.mark.parametrize("subject", [{"": None}, {"@id": 5}, {"name": {"@value": {}}}])
def test_odd_json_ld_never_escapes_as_a_crash(subject: Any) -> None:
    doc = copy.deepcopy(SIGNED)
    doc["credentialSubject"] = subject
    report = verify(doc, VerifyOptions(clock=NOW))
    assert _failed(report).get("parse"), report.to_dict()
    with pytest.raises(RotondeError):
        add_proof({**_credential(), "credentialSubject": subject}, signer=ISSUER_KEY,
                  verification_method=ISSUER_VM)


def test_a_registered_cryptosuite_cannot_be_replaced() -> None:
    """A plug-in may add a cryptosuite, never silently swap the one every verifier relies on
    (here: one whose transformation ignores the document, so any proof would verify)."""
    from rotonde.errors import ConfigurationError
    from rotonde.proofs import CRYPTOSUITES, Cryptosuite, register_cryptosuite

    builtin = get_cryptosuite("eddsa-rdfc-2022")
    with pytest.raises(ConfigurationError) as err:
        register_cryptosuite(Cryptosuite("eddsa-rdfc-2022", lambda doc, loader: b"constant"))
    assert err.value.code == "di.cryptosuite_taken"
    assert CRYPTOSUITES["eddsa-rdfc-2022"] is builtin
    assert register_cryptosuite(builtin) is builtin  # the same suite again changes nothing
    assert verify(SIGNED, VerifyOptions(clock=NOW)).verified
