"""Compact JWS: the policy (alg allow-list, crit, typ, size) and tamper detection."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rotonde import keys
from rotonde.encoding import b64url_encode
from rotonde.errors import RotondeError, SignatureError
from rotonde.jws import parse_compact, sign_compact


def _forge(header: dict[str, object], payload: dict[str, object], sig: bytes = b"x" * 64) -> str:
    enc = lambda v: b64url_encode(json.dumps(v).encode())  # noqa: E731
    return f"{enc(header)}.{enc(payload)}.{b64url_encode(sig)}"


@pytest.mark.parametrize("alg", ["ES256", "EdDSA"])
def test_roundtrip_and_tamper(alg: str) -> None:
    key = keys.generate(alg, kid="k")
    token = sign_compact({"typ": "x+jwt"}, {"n": 1}, key)
    jws = parse_compact(token, typ="x+jwt")
    assert jws.header == {"typ": "x+jwt", "alg": alg, "kid": "k"}
    jws.verify(key.public_key)
    h, _, s = token.split(".")
    forged_payload = b64url_encode(b'{"n":2}')
    tampered = parse_compact(f"{h}.{forged_payload}.{s}")
    with pytest.raises(SignatureError):
        tampered.verify(key.public_key)


@pytest.mark.parametrize("alg", ["none", "HS256", "RS256", "ES512"])
def test_forbidden_algorithms(alg: str) -> None:
    with pytest.raises(RotondeError) as info:
        parse_compact(_forge({"alg": alg}, {}))
    assert info.value.code == "jose.alg_not_allowed"


def test_alg_must_match_key() -> None:
    ed = keys.generate("EdDSA")
    es = keys.generate("ES256")
    token = sign_compact({}, {}, ed)
    with pytest.raises(SignatureError) as info:
        parse_compact(token).verify(es.public_key)
    assert info.value.code == "jose.alg_key_mismatch"


def test_crit_and_typ() -> None:
    with pytest.raises(RotondeError) as info:
        parse_compact(_forge({"alg": "ES256", "crit": ["b64"], "b64": False}, {}))
    assert info.value.code == "jose.crit_unsupported"
    parse_compact(_forge({"alg": "ES256", "crit": ["x"], "x": 1}, {}), understood_crit=["x"])
    with pytest.raises(RotondeError) as info:
        parse_compact(_forge({"alg": "ES256", "crit": ["x"]}, {}), understood_crit=["x"])
    assert info.value.code == "jose.crit_malformed"
    with pytest.raises(RotondeError) as info:
        parse_compact(_forge({"alg": "ES256", "typ": "JWT"}, {}), typ="kb+jwt")
    assert info.value.code == "jose.typ_mismatch"


def test_size_cap_and_shape() -> None:
    with pytest.raises(RotondeError) as info:
        parse_compact("a" * 70_000)
    assert info.value.code == "jose.too_large"
    for bad in ["", "a.b", "a.b.c.d", "!!.a.b"]:
        with pytest.raises(RotondeError):
            parse_compact(bad)


@given(st.text(max_size=300))
def test_parse_never_crashes(text: str) -> None:
    try:
        parse_compact(text).claims()
    except RotondeError:
        pass


@given(st.dictionaries(st.text(max_size=5), st.integers() | st.text(max_size=5), max_size=4))
def test_random_headers_never_crash(header: dict[str, object]) -> None:
    try:
        parse_compact(_forge(header, {}))
    except RotondeError:
        pass
