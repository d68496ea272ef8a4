"""Keys: JWK round trips, RFC 7638 thumbprints, Multikey, the algorithm allow-list."""

from __future__ import annotations

import json

import jwt as pyjwt
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rotonde import keys
from rotonde.errors import KeyFormatError, PolicyError, SignatureError

ALGS = ["ES256", "EdDSA"]


@pytest.mark.parametrize("alg", ALGS)
def test_sign_verify_roundtrip(alg: str) -> None:
    key = keys.generate(alg)
    sig = key.sign(b"hello")
    key.public_key.verify(sig, b"hello")
    with pytest.raises(SignatureError):
        key.public_key.verify(sig, b"hellO")


@pytest.mark.parametrize("alg", ALGS)
def test_private_jwk_roundtrip(alg: str) -> None:
    key = keys.generate(alg, kid="k1")
    jwk = key.to_jwk()
    assert jwk["alg"] == alg and jwk["kid"] == "k1" and "d" in jwk
    again = keys.private_key_from_jwk(jwk)
    assert again.public_key == key.public_key
    assert again.kid == "k1"
    again.public_key.verify(key.sign(b"x"), b"x")
    assert "d" not in key.to_jwk(private=False)


@pytest.mark.parametrize("alg", ALGS)
def test_multikey_roundtrip(alg: str) -> None:
    key = keys.generate(alg)
    mk = key.public_key.multikey()
    assert mk.startswith("z6Mk" if alg == "EdDSA" else "zDna")
    assert keys.public_key_from_multikey(mk) == key.public_key


def test_rfc7638_thumbprint_example() -> None:
    # RFC 7638 §3.1 example key and its thumbprint — but that key is RSA; use RFC 8037 §A.3.
    jwk = {"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}
    assert keys.public_key_from_jwk(jwk).thumbprint() == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"


@pytest.mark.parametrize("alg", ALGS)
def test_es256_signatures_interoperate_with_pyjwt(alg: str) -> None:
    """Our raw JWS signatures verify with an independent implementation (PyJWT)."""
    from rotonde.jws import parse_compact, sign_compact

    key = keys.generate(alg)
    token = sign_compact({"typ": "JWT"}, {"sub": "x"}, key)
    pub = pyjwt.PyJWK(key.public_key.to_jwk() | {"alg": alg}).key
    assert pyjwt.decode(token, pub, algorithms=[alg]) == {"sub": "x"}
    theirs = pyjwt.encode({"a": 1}, pyjwt.PyJWK(key.to_jwk()).key, algorithm=alg)
    parsed = parse_compact(theirs)
    parsed.verify(key.public_key)
    assert parsed.claims() == {"a": 1}


@pytest.mark.parametrize(
    "jwk, code",
    [
        ({"kty": "RSA", "n": "x", "e": "AQAB"}, "key.unsupported"),
        ({"kty": "EC", "crv": "P-384", "x": "a", "y": "b"}, "key.unsupported"),
        ({"kty": "OKP", "crv": "Ed25519"}, "key.invalid"),
        ({"kty": "OKP", "crv": "Ed25519", "x": "AAAA"}, "key.invalid"),
        ({"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo", "alg": "ES256"}, "key.alg_mismatch"),
        ({"kty": "EC", "crv": "P-256", "x": "A" * 43, "y": "A" * 43}, "key.invalid"),
        ([], "key.invalid"),
    ],
)
def test_bad_jwks_are_rejected_precisely(jwk: object, code: str) -> None:
    with pytest.raises(KeyFormatError) as info:
        keys.public_key_from_jwk(jwk)  # type: ignore[arg-type]
    assert info.value.code == code


def test_mismatched_private_jwk_is_rejected() -> None:
    a, b = keys.generate("ES256").to_jwk(), keys.generate("ES256").to_jwk()
    a["x"], a["y"] = b["x"], b["y"]
    with pytest.raises(KeyFormatError) as info:
        keys.private_key_from_jwk(a)
    assert info.value.code == "key.mismatch"


@pytest.mark.parametrize("alg", ["none", "HS256", "RS256", "ES384", None, 1])
def test_algorithm_allow_list(alg: object) -> None:
    with pytest.raises(PolicyError) as info:
        keys.check_algorithm(alg)
    assert info.value.code == "jose.alg_not_allowed"
    with pytest.raises(PolicyError):
        keys.generate(alg)  # type: ignore[arg-type]


jwk_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=60),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=4),
    max_leaves=10,
)


@given(
    st.fixed_dictionaries(
        {},
        optional={
            "kty": st.sampled_from(["OKP", "EC", "RSA", "oct"]) | st.text(max_size=4),
            "crv": st.sampled_from(["Ed25519", "P-256", "X25519"]) | st.text(max_size=4),
            "x": st.text(max_size=50) | jwk_values,
            "y": st.text(max_size=50) | jwk_values,
            "d": st.text(max_size=50) | jwk_values,
            "alg": st.sampled_from(["ES256", "EdDSA", "none"]) | jwk_values,
        },
    )
)
def test_jwk_import_never_crashes(jwk: dict[str, object]) -> None:
    for fn in (keys.public_key_from_jwk, keys.private_key_from_jwk):
        try:
            fn(jwk)
        except KeyFormatError:
            pass


@given(st.text(max_size=80))
def test_multikey_import_never_crashes(value: str) -> None:
    from rotonde.errors import RotondeError

    try:
        keys.public_key_from_multikey(value)
    except RotondeError:
        pass


def test_cli_roundtrip_is_json() -> None:
    key = keys.generate("EdDSA")
    assert json.loads(json.dumps(key.to_jwk()))["crv"] == "Ed25519"
