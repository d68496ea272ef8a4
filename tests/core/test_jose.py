"""vc+jwt and vp+jwt (VC-JOSE-COSE §3.1) with ES256 and EdDSA keys resolved by kid."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rotonde.clock import FixedClock
from rotonde.credential import build_credential
from rotonde.did import DidDocument, Resolver
from rotonde.did.methods import method_id_for_key
from rotonde.encoding import b64url_decode, b64url_encode
from rotonde.envelope import envelop, unwrap_envelope
from rotonde.errors import ParseError, RotondeError, SignatureError, ValidationError
from rotonde.jose import sign_vc_jwt, sign_vp_jwt, verify_vc_jwt
from rotonde.jws import sign_compact
from rotonde.keys import generate
from rotonde.presentation import build_presentation
from rotonde.verify import VerificationReport, VerifyOptions, verify

NOW = FixedClock.at("2025-06-01T00:00:00Z")
HOLDER = generate("EdDSA")
HOLDER_DID = method_id_for_key(HOLDER.public_key, "jwk").partition("#")[0]


def _vc(issuer: str) -> dict[str, Any]:
    return build_credential(issuer=issuer, subject={"id": HOLDER_DID, "name": "Jan"},
                            valid_from="2025-01-01T00:00:00Z", valid_until="2026-01-01T00:00:00Z")


def _failed(report: VerificationReport) -> dict[str, list[str]]:
    return {c.name: [p.code for p in c.problems] for c in report.checks if c.outcome == "failed"}


def _parts(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    head, body, _ = token.split(".")
    return json.loads(b64url_decode(head)), json.loads(b64url_decode(body))


@pytest.mark.parametrize("alg", ["ES256", "EdDSA"])
def test_vc_jwt_round_trip(alg: str) -> None:
    key = generate(alg)
    vm = method_id_for_key(key.public_key)
    vc = _vc(vm.partition("#")[0])
    token = sign_vc_jwt(vc, signer=key)
    header, payload = _parts(token)
    assert header == {"typ": "vc+jwt", "cty": "vc", "kid": vm, "iss": vc["issuer"], "alg": alg}
    assert payload == vc  # the payload is the credential itself
    verified = verify_vc_jwt(token)
    assert verified.document == vc and verified.method.id == vm
    report = verify(token, VerifyOptions(clock=NOW))
    assert report.format == "vc+jwt" and report.verified, report.to_dict()
    assert report.issuer == vc["issuer"]


def test_did_web_issuer_with_relative_kid_and_purpose() -> None:
    key = generate("ES256")
    doc = DidDocument.for_key("did:web:school.example", key.public_key, fragments=["k1"],
                              method_type="JsonWebKey")
    resolver = Resolver(documents={"did:web:school.example": doc})
    vc = _vc("did:web:school.example")
    token = sign_vc_jwt(vc, signer=key, kid="k1")
    assert _parts(token)[0]["kid"] == "did:web:school.example#k1"
    assert verify(token, VerifyOptions(clock=NOW, resolver=resolver)).verified
    relative = sign_compact({"typ": "vc+jwt", "kid": "#k1"}, vc, key)
    assert verify(relative, VerifyOptions(clock=NOW, resolver=resolver)).verified
    only_auth = DidDocument.for_key("did:web:school.example", key.public_key, fragments=["k1"],
                                    purposes=("authentication",))
    report = verify(token, VerifyOptions(clock=NOW, resolver=Resolver(
        documents={"did:web:school.example": only_auth})))
    assert _failed(report) == {"signature": ["di.method_not_authorized", "key.not_authorised"]}


def test_bad_vc_jwts() -> None:
    key = generate("EdDSA")
    vc = _vc(method_id_for_key(key.public_key).partition("#")[0])
    token = sign_vc_jwt(vc, signer=key)
    other = generate("EdDSA")
    forged = sign_vc_jwt(vc, signer=other, kid=method_id_for_key(other.public_key))
    assert _failed(verify(forged, VerifyOptions(clock=NOW))) == {
        "signature": ["jose.method_not_controlled"]}
    head, body, sig = token.split(".")
    tampered_payload = dict(vc, name="Forged")
    tampered = f"{head}.{b64url_encode(json.dumps(tampered_payload).encode())}.{sig}"
    assert _failed(verify(tampered, VerifyOptions(clock=NOW))) == {
        "signature": ["signature.invalid"]}
    with_vc_claim = sign_compact({"typ": "vc+jwt", "kid": method_id_for_key(key.public_key)},
                                 {**vc, "vc": {}}, key)
    assert _failed(verify(with_vc_claim, VerifyOptions(clock=NOW))) == {
        "parse": ["jose.claim_forbidden"]}
    wrong_iss = sign_compact({"typ": "vc+jwt", "kid": method_id_for_key(key.public_key),
                              "iss": "did:example:else"}, vc, key)
    assert _failed(verify(wrong_iss, VerifyOptions(clock=NOW))) == {
        "signature": ["jose.iss_mismatch"]}
    no_kid = sign_compact({"typ": "vc+jwt"}, vc, key)
    assert _failed(verify(no_kid, VerifyOptions(clock=NOW))) == {"signature": ["jose.kid_missing"]}
    invalid_vc = sign_compact({"typ": "vc+jwt", "kid": "x"}, {**vc, "issuer": None}, key)
    assert _failed(verify(invalid_vc, VerifyOptions(clock=NOW))) == {
        "parse": ["vc.issuer_invalid"]}
    expired = verify(token, VerifyOptions(clock=FixedClock.at("2027-01-01T00:00:00Z")))
    assert _failed(expired) == {"validity": ["validity.expired"]}
    exp_claim = sign_compact({"typ": "vc+jwt", "kid": method_id_for_key(key.public_key)},
                             {**vc, "exp": 1_700_000_000}, key)
    assert _failed(verify(exp_claim, VerifyOptions(clock=NOW))) == {
        "validity": ["validity.expired"]}
    none_alg = b64url_encode(b'{"alg":"none","typ":"vc+jwt"}') + "." + body + "."
    assert _failed(verify(none_alg, VerifyOptions(clock=NOW))) == {
        "parse": ["jose.alg_not_allowed"]}


def test_signing_validates_and_refuses_embedded_proofs() -> None:
    key = generate("EdDSA")
    with pytest.raises(ValidationError):
        sign_vc_jwt({"type": "VerifiableCredential"}, signer=key)
    vc = _vc(method_id_for_key(key.public_key).partition("#")[0])
    with pytest.raises(ParseError) as info:
        sign_vc_jwt({**vc, "proof": {}}, signer=key)
    assert info.value.code == "jose.embedded_proof"


def test_vp_jwt_with_enveloped_credentials_and_nonce() -> None:
    issuer = generate("ES256")
    vc_token = sign_vc_jwt(_vc(method_id_for_key(issuer.public_key).partition("#")[0]),
                           signer=issuer)
    vp = build_presentation(credentials=[vc_token], holder=HOLDER_DID)
    assert vp["verifiableCredential"][0] == envelop(vc_token)
    assert unwrap_envelope(vp["verifiableCredential"][0]) == ("vc+jwt", vc_token)
    token = sign_vp_jwt(vp, signer=HOLDER, kid=HOLDER_DID + "#0", nonce="n-123",
                        audience="https://verifier.example")
    header, payload = _parts(token)
    assert header["typ"] == "vp+jwt" and payload["nonce"] == "n-123"
    options = VerifyOptions(clock=NOW, nonce="n-123", audience="https://verifier.example")
    report = verify(token, options)
    assert report.format == "vp+jwt" and report.verified, report.to_dict()
    assert report.holder == {"id": HOLDER_DID}
    assert [(r.format, r.verified) for r in report.credentials] == [("vc+jwt", True)]
    wrong = verify(token, VerifyOptions(clock=NOW, nonce="other"))
    assert _failed(wrong) == {"holder_binding": ["holder_binding.nonce_mismatch"]}
    wrong = verify(token, VerifyOptions(clock=NOW, nonce="n-123", audience="https://evil.example"))
    assert _failed(wrong) == {"holder_binding": ["holder_binding.audience_mismatch"]}
    unbound = sign_vp_jwt(vp, signer=HOLDER, kid=HOLDER_DID + "#0")
    assert _failed(verify(unbound, VerifyOptions(clock=NOW, nonce="n-123"))) == {
        "holder_binding": ["holder_binding.nonce_mismatch"]}
    assert _failed(verify(unbound, VerifyOptions(clock=NOW, require_holder_binding=True))) == {
        "holder_binding": ["holder_binding.no_challenge"]}


def test_vp_jwt_signed_by_someone_else_and_bad_envelopes() -> None:
    stranger = generate("EdDSA")
    vp = build_presentation(holder=HOLDER_DID)
    token = sign_vp_jwt(vp, signer=stranger, nonce="n")
    report = verify(token, VerifyOptions(clock=NOW, nonce="n"))
    assert _failed(report) == {"signature": ["jose.method_not_controlled"],
                               "holder_binding": ["holder_binding.missing"]}
    vp = build_presentation(holder=HOLDER_DID)
    vp["verifiableCredential"] = [{"@context": ["https://www.w3.org/ns/credentials/v2"],
                                   "type": "EnvelopedVerifiableCredential",
                                   "id": "data:application/vc+jwt,not-a-jwt"}]
    report = verify(sign_vp_jwt(vp, signer=HOLDER, kid=HOLDER_DID + "#0"), VerifyOptions(clock=NOW))
    assert not report.verified
    assert report.credentials[0].check("parse").outcome == "failed"  # type: ignore[union-attr]
    with pytest.raises(RotondeError) as info:
        unwrap_envelope({"type": "EnvelopedVerifiableCredential", "id": "https://x.example"})
    assert info.value.code == "vp.envelope_invalid"


def test_nonce_checked_by_verify_vp_jwt_directly() -> None:
    from rotonde.jose import verify_vp_jwt

    token = sign_vp_jwt(build_presentation(holder=HOLDER_DID), signer=HOLDER,
                        kid=HOLDER_DID + "#0", nonce="a", audience="b")
    assert verify_vp_jwt(token, nonce="a", audience="b").payload["aud"] == "b"
    with pytest.raises(SignatureError) as info:
        verify_vp_jwt(token, nonce="x")
    assert info.value.code == "jose.nonce_mismatch"


KEY = generate("EdDSA")
TOKEN = sign_vc_jwt(_vc(method_id_for_key(KEY.public_key).partition("#")[0]), signer=KEY)


@given(st.integers(0, len(TOKEN) - 1), st.sampled_from("AQgw_-.~x"))
def test_mutated_tokens_never_verify_and_never_raise(index: int, char: str) -> None:
    if TOKEN[index] == char:
        return
    mutated = TOKEN[:index] + char + TOKEN[index + 1:]
    report = verify(mutated, VerifyOptions(clock=NOW))
    # base64url has slack bits in the last character of each part; only a different
    # decoded value may verify, and then it is the same token
    if report.verified:
        head, body, sig = mutated.split(".")
        original = TOKEN.split(".")
        assert b64url_decode(sig) == b64url_decode(original[2])
        assert copy.deepcopy((head, body)) == (original[0], original[1])


@given(st.text(max_size=200))
def test_arbitrary_text_never_raises(text: str) -> None:
    from rotonde.verify.jose import verify_jose

    assert not verify_jose(text, VerifyOptions(clock=NOW)).verified


@given(st.one_of(
    st.dictionaries(st.sampled_from(["id", "type", "@context"]),
                    st.text(max_size=40) | st.lists(st.text(max_size=30), max_size=2), max_size=3),
    st.text(max_size=20), st.none(),
))
def test_unwrap_envelope_never_raises_anything_but_parse_errors(value: Any) -> None:
    try:
        media, token = unwrap_envelope(value)
    except ParseError as exc:
        assert exc.code == "vp.envelope_invalid"
    else:
        assert value["id"] == f"data:application/{media},{token}"
