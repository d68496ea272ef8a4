"""direct_post.jwt response encryption (OpenID4VP 1.0 §8.3; JWE ECDH-ES, RFC 7518 §4.6)."""

from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import given
from hypothesis import strategies as st

from rotonde.encoding import b64url_decode, b64url_encode
from rotonde.errors import KeyFormatError, ParseError, PolicyError, RotondeError, SignatureError
from rotonde.keys import generate, private_key_from_jwk, public_key_from_jwk
from rotonde.oid4vp import decrypt_response, encrypt_response, jwe_kid, response_encryption_key
from rotonde.oid4vp.jwe import _concat_kdf


def test_concat_kdf_matches_rfc7518_appendix_c() -> None:
    alice = private_key_from_jwk({
        "kty": "EC", "crv": "P-256", "x": "gI0GAILBdu7T53akrFmMyGcsF3n5dO7MmwNBHKW5SV0",
        "y": "SLW_xSffzlPWrHEVI30DHM_4egVwt3NQqeUD7nMFpps",
        "d": "0_NxaRPUMQoAJt50Gz8YiTr8gRTwyEaCumd-MToTmIo"})
    bob = public_key_from_jwk({
        "kty": "EC", "crv": "P-256", "x": "weNJy2HscCSM6AEDTDg04biOvhFhyyWvOHQfeF_PxMQ",
        "y": "e8lnCO-AlStT-NJVX-crhB7QRYhiix03illJOVAOyck"})
    z = alice.key.exchange(ec.ECDH(), bob.key)  # type: ignore[union-attr,arg-type]
    assert b64url_encode(_concat_kdf(z, "A128GCM", b"Alice", b"Bob")) == "VqqN6vgjbSBcIijNcacQGg"


@pytest.mark.parametrize("enc", ["A128GCM", "A256GCM"])
def test_round_trip_and_key_selection(enc: str) -> None:
    key = generate("ES256")
    jwk = key.public_key.to_jwk() | {"kid": "k1", "use": "enc", "alg": "ECDH-ES"}
    meta = {"jwks": {"keys": [jwk]}, "encrypted_response_enc_values_supported": [enc]}
    pub, kid, chosen = response_encryption_key(meta)
    assert kid == "k1" and chosen == enc
    params = {"vp_token": {"q": ["a~b~c"]}, "state": "s-1"}
    token = encrypt_response(params, pub, kid=kid, enc=chosen)
    assert token.count(".") == 4 and token.split(".")[1] == ""
    assert jwe_kid(token) == "k1"
    assert json.loads(b64url_decode(token.split(".")[0]))["alg"] == "ECDH-ES"
    assert decrypt_response(token, key, kid="k1") == params


def test_refusals() -> None:
    key = generate("ES256")
    token = encrypt_response({"state": "x"}, key.public_key, kid="k1")
    h, ek, iv, ct, tag = token.split(".")
    with pytest.raises(SignatureError):
        decrypt_response(token, generate("ES256"))  # wrong key
    flipped = ct[:-2] + ("A" if ct[-2] != "A" else "B") + ct[-1]
    with pytest.raises(SignatureError):
        decrypt_response(".".join([h, ek, iv, flipped, tag]), key)
    header = json.loads(b64url_decode(h))
    for change, exc in (({"alg": "RSA-OAEP"}, PolicyError), ({"enc": "A128CBC-HS256"}, PolicyError),
                        ({"zip": "DEF"}, PolicyError), ({"epk": {"kty": "OKP"}}, KeyFormatError)):
        h2 = b64url_encode(json.dumps(header | change).encode())
        with pytest.raises(exc):
            decrypt_response(".".join([h2, ek, iv, ct, tag]), key)
    with pytest.raises(ParseError):
        decrypt_response(token, key, kid="other")
    with pytest.raises(ParseError):
        decrypt_response("a.b.c", key)
    with pytest.raises(ParseError):
        response_encryption_key({})


@given(st.text(max_size=200))
def test_decrypt_never_crashes(text: str) -> None:
    key = generate("ES256")
    try:
        decrypt_response(text, key)
    except RotondeError:
        pass
    assert jwe_kid(text) is None or isinstance(jwe_kid(text), str)
