"""Verifiable presentations: data model, Data Integrity (authentication, challenge, domain),
nested per-credential reports."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rotonde.clock import FixedClock
from rotonde.credential import build_credential
from rotonde.did.methods import method_id_for_key
from rotonde.errors import ValidationError
from rotonde.jose import sign_vc_jwt, sign_vp_jwt
from rotonde.keys import generate
from rotonde.presentation import (
    build_presentation,
    ensure_presentation,
    sign_presentation,
    validate_presentation,
)
from rotonde.proofs import add_proof, verify_proof
from rotonde.verify import VerificationReport, VerifyOptions, verify

NOW = FixedClock.at("2025-06-01T00:00:00Z")
ISSUER = generate("EdDSA")
ISSUER_VM = method_id_for_key(ISSUER.public_key)
HOLDER = generate("EdDSA")
HOLDER_DID = method_id_for_key(HOLDER.public_key).partition("#")[0]


def _vc(valid_until: str = "2026-01-01T00:00:00Z") -> dict[str, Any]:
    vc = build_credential(issuer=ISSUER_VM.partition("#")[0],
                          subject={"id": HOLDER_DID, "name": "Jan"},
                          valid_from="2025-01-01T00:00:00Z", valid_until=valid_until)
    return add_proof(vc, signer=ISSUER, verification_method=ISSUER_VM, clock=NOW)


def _vp(*credentials: Any) -> dict[str, Any]:
    vp = build_presentation(credentials=credentials or [_vc()], holder=HOLDER_DID)
    return sign_presentation(vp, signer=HOLDER, challenge="c-1", domain="verifier.example",
                             clock=NOW)


def _failed(report: VerificationReport) -> dict[str, list[str]]:
    return {c.name: [p.code for p in c.problems] for c in report.checks if c.outcome == "failed"}


def test_signed_presentation_verifies_with_nested_reports() -> None:
    vp = _vp()
    assert vp["proof"]["proofPurpose"] == "authentication"
    assert vp["proof"]["challenge"] == "c-1" and vp["proof"]["domain"] == "verifier.example"
    report = verify(vp, VerifyOptions(clock=NOW, challenge="c-1", domain="verifier.example"))
    assert report.format == "ldp_vp" and report.verified, report.to_dict()
    assert report.check("holder_binding").outcome == "passed"  # type: ignore[union-attr]
    assert report.holder == {"id": HOLDER_DID}
    assert [(r.format, r.verified) for r in report.credentials] == [("ldp_vc", True)]
    assert verify_proof(vp, expected_purpose="authentication", challenge="c-1").proofs


@pytest.mark.parametrize(
    ("options", "failed"),
    [
        ({"challenge": "c-2"}, {"holder_binding": ["holder_binding.challenge_mismatch"]}),
        ({"challenge": "c-1", "domain": "evil.example"},
         {"holder_binding": ["holder_binding.domain_mismatch"]}),
        ({"require_holder_binding": True}, {"holder_binding": ["holder_binding.no_challenge"]}),
    ],
)
def test_wrong_challenge_or_domain(options: dict[str, Any], failed: dict[str, list[str]]) -> None:
    report = verify(_vp(), VerifyOptions(clock=NOW, **options))
    assert _failed(report) == failed


def test_unsigned_presentation_is_never_verified_unless_allowed() -> None:
    """Issue 19 item 15: without a challenge an unsigned presentation used to be verified."""
    vp = build_presentation(credentials=[_vc()], holder=HOLDER_DID)
    report = verify(vp, VerifyOptions(clock=NOW))
    assert not report.verified  # nothing was asked, but nobody signed it either
    assert _failed(report) == {"signature": ["vp.unsigned"]}
    assert [r.verified for r in report.credentials] == [True]  # the credential itself is fine
    allowed = verify(vp, VerifyOptions(clock=NOW, allow_unsigned_presentation=True))
    assert allowed.verified  # the caller said so explicitly
    assert allowed.check("signature").outcome == "skipped"  # type: ignore[union-attr]
    report = verify(vp, VerifyOptions(clock=NOW, challenge="c-1",
                                      allow_unsigned_presentation=True))
    assert _failed(report) == {"holder_binding": ["holder_binding.missing"]}


def test_trust_needs_a_key_the_issuer_controls() -> None:
    """With the controller rule switched off the document's issuer is not proven by the key,
    so a trust list cannot vouch for it."""
    from rotonde.trust import load_trust_list

    issuer = ISSUER_VM.partition("#")[0]
    trust = load_trust_list({"trust_list_version": "1.0", "id": "https://trust.example/l",
                             "name": {"nl": "Lijst"}, "issuers": [
                                 {"name": {"nl": "ROC"}, "identifiers": [issuer], "kinds": ["*"]}]},
                            clock=NOW)
    assert verify(_vc(), VerifyOptions(clock=NOW, trust_list=trust)).verified
    loose = verify(_vc(), VerifyOptions(clock=NOW, trust_list=trust, require_controller=False))
    assert _failed(loose) == {"trust": ["trust.issuer_unproven"]} and not loose.verified


def test_presentation_signed_by_a_key_the_holder_does_not_control() -> None:
    vp = build_presentation(credentials=[_vc()], holder=HOLDER_DID)
    stranger = generate("EdDSA")
    signed = sign_presentation(vp, signer=stranger, challenge="c-1", clock=NOW)
    report = verify(signed, VerifyOptions(clock=NOW, challenge="c-1"))
    assert _failed(report) == {"signature": ["di.method_not_controlled"],
                               "holder_binding": ["holder_binding.missing"]}


def test_assertion_proof_is_not_a_presentation_proof() -> None:
    vp = build_presentation(credentials=[_vc()], holder=HOLDER_DID)
    signed = add_proof(vp, signer=HOLDER, verification_method=method_id_for_key(HOLDER.public_key),
                       clock=NOW)
    report = verify(signed, VerifyOptions(clock=NOW))
    assert _failed(report) == {"signature": ["di.purpose_mismatch"]}


def test_bad_embedded_credential_fails_the_presentation_only_through_its_report() -> None:
    bad = _vc()
    bad["credentialSubject"]["name"] = "Piet"
    expired = _vc(valid_until="2025-02-01T00:00:00Z")
    report = verify(_vp(_vc(), bad, expired), VerifyOptions(clock=NOW, challenge="c-1"))
    assert not report.verified
    assert _failed(report) == {}  # the presentation's own checks pass
    assert [_failed(r) for r in report.credentials] == [
        {}, {"signature": ["di.signature_invalid"]}, {"validity": ["validity.expired"]}]


def test_tampering_with_the_presentation() -> None:
    vp = _vp()
    vp["verifiableCredential"][0] = _vc(valid_until="2027-01-01T00:00:00Z")
    report = verify(vp, VerifyOptions(clock=NOW, challenge="c-1"))
    assert _failed(report)["signature"] == ["di.signature_invalid"]


def test_mixed_presentation_with_enveloped_vc_jwt() -> None:
    es = generate("ES256")
    jwt_vc = sign_vc_jwt(build_credential(
        issuer=method_id_for_key(es.public_key).partition("#")[0],
        subject={"id": HOLDER_DID, "name": "Jan"}), signer=es)
    report = verify(_vp(_vc(), jwt_vc), VerifyOptions(clock=NOW, challenge="c-1"))
    assert report.verified, report.to_dict()
    assert [r.format for r in report.credentials] == ["ldp_vc", "vc+jwt"]
    token = sign_vp_jwt(build_presentation(credentials=[jwt_vc], holder=HOLDER_DID),
                        signer=HOLDER, nonce="n")
    assert verify(token, VerifyOptions(clock=NOW, nonce="n")).verified


@pytest.mark.parametrize(
    ("change", "code", "ptr"),
    [
        ({"type": ["VerifiableCredential"]}, "vp.type_missing", "/type"),
        ({"holder": "not a url"}, "vp.holder_invalid", "/holder"),
        ({"holder": {"name": "x"}}, "vp.holder_invalid", "/holder"),
        ({"verifiableCredential": []}, "vp.credentials_empty", "/verifiableCredential"),
        ({"verifiableCredential": ["jwt"]}, "vp.credential_invalid", "/verifiableCredential/0"),
        ({"verifiableCredential": [{"type": "Thing"}]}, "vp.credential_invalid",
         "/verifiableCredential/0/type"),
        ({"verifiableCredential": {"type": "EnvelopedVerifiableCredential", "id": "https://x"}},
         "vp.envelope_invalid", "/verifiableCredential/id"),
        # one envelope rule (rotonde.envelope) for the data model and for verification
        ({"verifiableCredential": [{"type": "EnvelopedVerifiableCredential",
                                    "id": "data:text/plain,eyJ"}]},
         "vp.envelope_invalid", "/verifiableCredential/0/id"),
        ({"verifiableCredential": [{"type": "EnvelopedVerifiableCredential",
                                    "id": "data:application/vc+jwt;base64,eyJ"}]},
         "vp.envelope_invalid", "/verifiableCredential/0/id"),
        ({"@context": ["https://www.w3.org/2018/credentials/v1"]}, "vp.context_v2_missing",
         "/@context/0"),
        ({"id": 5}, "vp.id_invalid", "/id"),
    ],
)
def test_presentation_data_model(change: dict[str, Any], code: str, ptr: str) -> None:
    vp = build_presentation(credentials=[_vc()], holder=HOLDER_DID)
    vp.update(copy.deepcopy(change))
    assert [(p.code, p.pointer) for p in validate_presentation(vp)] == [(code, ptr)]
    with pytest.raises(ValidationError):
        ensure_presentation(vp)
    assert not verify(vp, VerifyOptions(clock=NOW)).verified


def test_presentation_of_nothing_and_not_an_object() -> None:
    assert validate_presentation(build_presentation()) == []
    assert [p.code for p in validate_presentation("x")] == ["vp.not_object"]
    with pytest.raises(ValidationError):
        sign_presentation({"type": "VerifiablePresentation"}, signer=HOLDER, challenge="c")


def test_did_jwk_holder_with_jcs_proof() -> None:
    holder = generate("EdDSA")
    vm = method_id_for_key(holder.public_key, "jwk")
    vp = build_presentation(credentials=[_vc()], holder=vm.partition("#")[0])
    signed = sign_presentation(vp, signer=holder, challenge="c", verification_method=vm,
                               cryptosuite="eddsa-jcs-2022", clock=NOW)
    report = verify(signed, VerifyOptions(clock=NOW, challenge="c"))
    assert report.verified, report.to_dict()
    assert report.check("signature").detail["proofs"][0]["verificationMethod"] == vm  # type: ignore[union-attr]


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=12,
)


@given(st.sampled_from(["@context", "type", "holder", "id", "verifiableCredential", "proof"]),
       JSON)
def test_presentation_members_never_raise(member: str, value: Any) -> None:
    vp = copy.deepcopy(SIGNED_VP)
    vp[member] = value
    validate_presentation(vp)
    report = verify(vp, VerifyOptions(clock=NOW, challenge="c-1"))
    assert not report.verified


SIGNED_VP = _vp()
