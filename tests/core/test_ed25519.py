"""Small-order and non-canonical Ed25519 keys and signatures are refused (RFC 8032 §5.1.3,
§5.1.7; rotonde/_ed25519.py, checked in rotonde/keys.py).

The attack: the identity point as public key and the signature ``R`` = identity, ``S`` = 0
verify for *any* message under OpenSSL. A holder key like that proves nothing — anyone can make
a KB-JWT or a key proof for it without a private key. Every way a key enters Rotonde (JWK,
Multikey, did:key, did:jwk, DID documents) refuses it with ``key.small_order``, every Ed25519
verification refuses a small-order ``R`` (``signature.small_order``) and ``S >= L`` or a
non-canonical ``R`` (``signature.non_canonical``); genuine keys and signatures still verify.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519

from rotonde._ed25519 import SMALL_ORDER, L, key_problem
from rotonde.did import (
    DidDocument,
    did_key_from_public_key,
    public_key_from_did_jwk,
    public_key_from_did_key,
)
from rotonde.encoding import b64url_encode, multibase_encode
from rotonde.errors import RotondeError, SignatureError
from rotonde.jws import parse_compact, sign_compact
from rotonde.keys import generate, public_key_from_jwk, public_key_from_multikey
from rotonde.oid4vci import PROOF_TYP, OID4VCIError, validate_proof
from rotonde.sdjwt import issue
from rotonde.sdjwt.disclosure import digest
from rotonde.verify import VerifyOptions, verify

IDENTITY = bytes.fromhex("01" + "00" * 31)
#: R = identity, S = 0: OpenSSL accepts it for every message under the identity key.
FORGED = IDENTITY + bytes(32)
#: Encodings of small-order points that are not canonical: y >= p, or x = 0 with the sign set.
NON_CANONICAL = [bytes.fromhex(h) for h in (
    "0100000000000000000000000000000000000000000000000000000000000080",  # identity, x = -0
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",  # (0, -1), x = -0
    "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  # y = p (= 0)
    "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  # y = p + 1 (= 1)
    "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
)]
WEAK = [(raw, "key.small_order") for raw in sorted(SMALL_ORDER)] + [
    (raw, "key.non_canonical") for raw in NON_CANONICAL]
VCT = "https://rotonde.example/credentials/microcredential/1.0"


def _jwk(raw: bytes) -> dict[str, str]:
    return {"kty": "OKP", "crv": "Ed25519", "x": b64url_encode(raw)}


def _compact(header: dict[str, Any], claims: dict[str, Any], signature: bytes) -> str:
    part = [b64url_encode(json.dumps(v).encode()) for v in (header, claims)]
    return ".".join([*part, b64url_encode(signature)])


def test_the_premise_openssl_accepts_the_forgery() -> None:
    """Why Rotonde checks itself: the installed OpenSSL takes the identity-point forgery."""
    key = ed25519.Ed25519PublicKey.from_public_bytes(IDENTITY)
    try:
        key.verify(FORGED, b"any message at all")
    except Exception:  # a future OpenSSL refusing it is fine; the checks below still hold
        pytest.skip("this OpenSSL refuses the identity-point forgery by itself")


def test_the_small_order_list_is_complete_and_exact() -> None:
    # eight distinct canonical encodings, each of small order by the full decoding ...
    assert len(SMALL_ORDER) == 8
    assert all(key_problem(raw) == key_problem(IDENTITY) for raw in SMALL_ORDER)
    assert key_problem(IDENTITY) is not None and key_problem(IDENTITY)[0] == "key.small_order"
    # ... and genuine keys (large prime order) are not
    for _ in range(50):
        assert key_problem(generate("EdDSA").public_key.raw_bytes()) is None


def _entries(raw: bytes) -> dict[str, Callable[[], object]]:
    """Every way a public key enters Rotonde."""
    multikey = multibase_encode(b"\xed\x01" + raw)
    did_key = "did:key:" + multikey
    did_jwk = "did:jwk:" + b64url_encode(json.dumps(_jwk(raw)).encode())
    did_web = "did:web:school.example"

    def document(vm: dict[str, Any]) -> object:
        return DidDocument.from_json({"id": did_web, "verificationMethod": [
            {"id": did_web + "#k", "controller": did_web, **vm}],
            "assertionMethod": [did_web + "#k"]})

    return {
        "jwk": lambda: public_key_from_jwk(_jwk(raw)),
        "multikey": lambda: public_key_from_multikey(multikey),
        "did:key": lambda: public_key_from_did_key(did_key),
        "did:jwk": lambda: public_key_from_did_jwk(did_jwk),
        "did:web Multikey": lambda: document({"type": "Multikey", "publicKeyMultibase": multikey}),
        "did:web Ed25519VerificationKey2020": lambda: document(
            {"type": "Ed25519VerificationKey2020", "publicKeyMultibase": multikey}),
        "did:web JsonWebKey2020": lambda: document(
            {"type": "JsonWebKey2020", "publicKeyJwk": _jwk(raw)}),
    }


@pytest.mark.parametrize("raw, code", WEAK, ids=[r.hex()[:8] + "…" + r.hex()[-2:] for r, _ in WEAK])
def test_weak_keys_are_refused_wherever_a_key_enters(raw: bytes, code: str) -> None:
    for where, load in _entries(raw).items():
        with pytest.raises(RotondeError) as err:
            load()
        assert err.value.code == code, (where, err.value)
        assert err.value.problems[0].message_nl, where


def test_a_point_off_the_curve_is_refused() -> None:
    off = next(y for y in range(2, 100) if key_problem(y.to_bytes(32, "little")) is not None)
    with pytest.raises(RotondeError) as err:
        public_key_from_jwk(_jwk(off.to_bytes(32, "little")))
    assert err.value.code == "key.invalid"


def test_forged_jws_under_the_identity_key_is_refused() -> None:
    token = _compact({"alg": "EdDSA", "jwk": _jwk(IDENTITY)}, {"sub": "anything"}, FORGED)
    jws = parse_compact(token)
    with pytest.raises(RotondeError) as err:
        public_key_from_jwk(jws.header["jwk"])
    assert err.value.code == "key.small_order"


def test_weak_signatures_are_refused_under_a_genuine_key() -> None:
    key = generate("EdDSA")
    token = sign_compact({"typ": "JWT"}, {"sub": "x"}, key)
    jws = parse_compact(token)
    jws.verify(key.public_key)  # the genuine signature verifies
    r, s = jws.signature[:32], int.from_bytes(jws.signature[32:], "little")
    cases = {
        "signature.small_order": [o + jws.signature[32:] for o in sorted(SMALL_ORDER)],
        "signature.non_canonical": [r + (s + L).to_bytes(32, "little"),  # S >= L (malleability)
                                    r + (2**256 - 1).to_bytes(32, "little"),
                                    *(n + jws.signature[32:] for n in NON_CANONICAL)],
    }
    for code, signatures in cases.items():
        for sig in signatures:
            forged = token.rsplit(".", 1)[0] + "." + b64url_encode(sig)
            with pytest.raises(SignatureError) as err:
                parse_compact(forged).verify(key.public_key)
            assert err.value.code == code, sig.hex()


def test_kb_jwt_forged_without_a_private_key_is_refused() -> None:
    """An issuer (tricked into) binding a credential to the identity key: the KB-JWT made with
    R = identity, S = 0 must not pass holder binding."""
    issuer = generate("ES256")
    did = did_key_from_public_key(issuer.public_key)
    signer = issuer.with_kid(did + "#" + did.split(":")[-1])
    token = issue({"title": "Lassen", "cnf": {"jwk": _jwk(IDENTITY)}}, signer=signer,
                  disclosable=["title"], vct=VCT, iss=did)
    shown = token if token.endswith("~") else token + "~"
    kb = _compact({"alg": "EdDSA", "typ": "kb+jwt"},
                  {"iat": int(time.time()), "aud": "https://verifier.example", "nonce": "n-1",
                   "sd_hash": digest(shown)}, FORGED)
    report = verify(shown + kb, VerifyOptions(nonce="n-1", audience="https://verifier.example"))
    assert not report.verified
    binding = report.check("holder_binding")
    assert binding is not None and binding.outcome == "failed", report.to_dict()
    assert "key.small_order" in [p.code for p in binding.problems], binding


def test_key_proof_under_the_identity_key_is_refused() -> None:
    """OpenID4VCI key proof (Appendix F.1) whose header jwk is the identity point."""
    proof = _compact({"typ": PROOF_TYP, "alg": "EdDSA", "jwk": _jwk(IDENTITY)},
                     {"aud": "https://issuer.example", "iat": int(time.time()), "nonce": "c"},
                     FORGED)
    with pytest.raises(OID4VCIError) as err:
        validate_proof(proof, audience="https://issuer.example")
    assert err.value.error == "invalid_proof"
    assert "key.small_order" in err.value.message
