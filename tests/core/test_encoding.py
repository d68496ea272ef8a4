"""Strict encodings never accept what they should not, and never crash."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rotonde.encoding import (
    MAX_BASE58,
    b58decode,
    b58encode,
    b64url_decode,
    b64url_encode,
    json_depth,
    loads_json,
    multibase_decode,
    multibase_encode,
)
from rotonde.errors import ParseError


@given(st.binary(max_size=200))
def test_b64url_roundtrip(data: bytes) -> None:
    text = b64url_encode(data)
    assert "=" not in text
    assert b64url_decode(text) == data


@pytest.mark.parametrize("bad", ["ab=", "a+b/", "a b", "abcde", "é"])
def test_b64url_rejects_non_canonical(bad: str) -> None:
    with pytest.raises(ParseError) as info:
        b64url_decode(bad)
    assert info.value.code == "encoding.base64url"


@given(st.text(max_size=60))
def test_b64url_decode_never_crashes(text: str) -> None:
    try:
        b64url_decode(text)
    except ParseError:
        pass


@given(st.binary(max_size=80))
def test_base58_roundtrip_including_leading_zeros(data: bytes) -> None:
    assert b58decode(b58encode(data)) == data


def test_base58_known_vector() -> None:
    # draft-msporny-base58 §5: "Hello World!" -> 2NEpo7TZRRrLZSi2U
    assert b58encode(b"Hello World!") == "2NEpo7TZRRrLZSi2U"
    assert b58decode("11") == b"\0\0"



def test_base58_length_is_checked_before_decoding() -> None:
    """Base58 decoding is quadratic: 62 KB took half a second, 1 MiB minutes. Every value
    Rotonde reads fits in MAX_BASE58 characters; a longer one is refused without decoding."""
    import time

    signature = b58encode(b"\xff" * 64)
    assert len(signature) <= 88 <= MAX_BASE58
    assert b58decode(signature) == b"\xff" * 64
    assert multibase_decode("z" + b58encode(b"\xed\x01" + b"\xff" * 32)) == b"\xed\x01" + b"\xff" * 32
    started = time.monotonic()
    for text in ("2" * (MAX_BASE58 + 1), "z" * 62_000, "z" * (1024 * 1024)):
        for decode in (b58decode, lambda t: multibase_decode("z" + t)):
            with pytest.raises(ParseError) as err:
                decode(text)
            assert err.value.code == "encoding.too_long"
            assert err.value.problems[0].detail["length"] >= len(text)
    assert time.monotonic() - started < 1.0  # runaway detector: before the cap, minutes
    assert b58decode("2" * 200, max_length=200)  # a caller that needs more can say so

@given(st.binary(max_size=64), st.sampled_from(["base58btc", "base64url"]))
def test_multibase_roundtrip(data: bytes, base: str) -> None:
    assert multibase_decode(multibase_encode(data, base)) == data


@pytest.mark.parametrize("bad", ["", "m" + base64.b64encode(b"x").decode(), "z0OIl", "u+/"])
def test_multibase_rejects(bad: str) -> None:
    with pytest.raises(ParseError):
        multibase_decode(bad)


def test_json_depth_cap() -> None:
    deep = "[" * 100 + "]" * 100
    with pytest.raises(ParseError) as info:
        loads_json(deep, max_depth=64)
    assert info.value.code == "json.too_deep"
    assert json_depth(loads_json("[" * 10 + "]" * 10)) == 10
    with pytest.raises(ParseError) as info:
        loads_json("[" * 100_000 + "]" * 100_000)
    assert info.value.code == "json.too_deep"


def test_json_duplicates_rejected_when_asked() -> None:
    assert loads_json('{"a":1,"a":2}') == {"a": 2}
    with pytest.raises(ParseError) as info:
        loads_json('{"a":1,"a":2}', reject_duplicates=True)
    assert info.value.code == "json.duplicate_member"


@given(st.text(max_size=100))
def test_loads_json_never_crashes(text: str) -> None:
    try:
        loads_json(text, reject_duplicates=True)
    except ParseError:
        pass


def test_lone_surrogates_are_refused_like_i_json() -> None:
    """RFC 7493 §2.1: no unpaired surrogates; a proper pair is one character."""
    assert loads_json('{"a":"\\ud83d\\ude00"}') == {"a": "\U0001f600"}
    for bad in ('{"a":"\\udcff"}', b'["\\uD800"]', '["\udcff"]', '{"\\udcff":1}'):
        with pytest.raises(ParseError) as info:
            loads_json(bad)
        assert info.value.code == "json.lone_surrogate"
