"""IETF Token Status List: the list, the statuslist+jwt token and the status reference."""

from __future__ import annotations

import zlib
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rotonde.clock import FixedClock
from rotonde.encoding import b64url_encode
from rotonde.errors import RotondeError, SignatureError, StatusError
from rotonde.jws import sign_compact
from rotonde.keys import generate
from rotonde.status import (
    INVALID,
    SUSPENDED,
    VALID,
    StatusList,
    issue_status_list_token,
    parse_status_list_token,
    parse_status_reference,
    status_reference,
)

URI = "https://issuer.example/statuslists/1"


def test_draft_examples_one_and_two_bits() -> None:
    """draft-ietf-oauth-status-list §4.1 examples (1-bit and 2-bit)."""
    one = StatusList.from_json({"bits": 1, "lst": "eNrbuRgAAhcBXQ"})
    assert one.to_bytes() == bytes([0xB9, 0xA3])
    assert [one.get(i) for i in range(16)] == [1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1]
    two = StatusList.from_json({"bits": 2, "lst": "eNo76fITAAPfAgc"})
    assert two.to_bytes() == bytes([0xC9, 0x44, 0xF9])
    assert [two.get(i) for i in range(12)] == [1, 2, 0, 3, 0, 1, 0, 1, 1, 2, 3, 3]


@pytest.mark.parametrize("bits", [1, 2, 4, 8])
def test_roundtrip(bits: int) -> None:
    lst = StatusList(1000, bits=bits)
    lst.set(0, INVALID)
    lst.set(999, (1 << bits) - 1)
    again = StatusList.from_json(lst.to_json())
    assert again.get(0) == INVALID and again.get(999) == (1 << bits) - 1 and again.get(500) == VALID
    with pytest.raises(StatusError) as err:
        again.get(again.size)
    assert err.value.code == "status.index_out_of_range"


@pytest.mark.parametrize(
    "claim, code",
    [
        ({"bits": 3, "lst": "eNrbuRgAAhcBXQ"}, "status.size_unsupported"),
        ({"bits": True, "lst": "eNrbuRgAAhcBXQ"}, "status.size_unsupported"),
        ({"bits": 1, "lst": "eNrbuRgAAhcBXQ=="}, "status.encoding"),
        ({"bits": 1, "lst": b64url_encode(b"garbage")}, "status.encoding"),
        ({"bits": 1, "lst": b64url_encode(zlib.compress(b""))}, "status.list_too_short"),
        ({"bits": 1}, "status.encoding"),
        ("eNrbuRgAAhcBXQ", "status.list_invalid"),
    ],
)
def test_bad_lists(claim: Any, code: str) -> None:
    with pytest.raises(StatusError) as err:
        StatusList.from_json(claim)
    assert err.value.code == code


def test_zlib_bomb_capped() -> None:
    bomb = {"bits": 1, "lst": b64url_encode(zlib.compress(bytes(32 * 1024 * 1024), 9))}
    with pytest.raises(StatusError) as err:
        StatusList.from_json(bomb)
    assert err.value.code == "status.too_large"


def test_issue_parse_verify_token() -> None:
    key = generate("ES256", kid="did:web:issuer.example#k1")
    lst = StatusList(4096, bits=2)
    lst.set(12, SUSPENDED)
    token = issue_status_list_token(
        lst,
        uri=URI,
        signer=key,
        issuer="did:web:issuer.example",
        clock=FixedClock(1_800_000_000),
        lifetime=3600,
        ttl=600,
    )
    parsed = parse_status_list_token(token)
    assert parsed.jws.header["typ"] == "statuslist+jwt"
    assert parsed.jws.header["kid"] == "did:web:issuer.example#k1"
    assert (parsed.sub, parsed.iat, parsed.exp, parsed.ttl) == (URI, 1_800_000_000, 1_800_003_600, 600)
    assert parsed.issuer == "did:web:issuer.example"
    assert parsed.status_list.get(12) == SUSPENDED
    parsed.verify(key.public_key)
    parsed.check_time(FixedClock(1_800_000_100))
    assert parsed.fresh_until(1_800_000_100) == 1_800_000_700
    with pytest.raises(StatusError) as err:
        parsed.check_time(FixedClock(1_800_010_000))
    assert err.value.code == "status.list_expired"
    with pytest.raises(StatusError) as err:
        parsed.check_time(FixedClock(1_799_000_000))
    assert err.value.code == "status.list_not_yet_valid"
    with pytest.raises(SignatureError):
        parsed.verify(generate("ES256").public_key)


def test_token_claim_checks() -> None:
    key = generate("EdDSA")
    lst = StatusList(8).to_json()
    cases: list[tuple[dict[str, Any], dict[str, Any]]] = [
        ({"typ": "statuslist+jwt"}, {"iat": 1, "status_list": lst}),  # no sub
        ({"typ": "statuslist+jwt"}, {"sub": URI, "status_list": lst}),  # no iat
        ({"typ": "statuslist+jwt"}, {"sub": URI, "iat": "yesterday", "status_list": lst}),
        ({"typ": "statuslist+jwt"}, {"sub": URI, "iat": 1, "exp": -5, "status_list": lst}),
        ({"typ": "statuslist+jwt"}, {"sub": URI, "iat": 1}),  # no list
        ({"typ": "JWT"}, {"sub": URI, "iat": 1, "status_list": lst}),  # wrong typ
    ]
    for header, claims in cases:
        with pytest.raises(StatusError):
            parse_status_list_token(sign_compact(header, claims, key))
    tampered = issue_status_list_token(StatusList(8), uri=URI, signer=key)
    head, body, _sig = tampered.split(".")
    with pytest.raises(StatusError):
        parse_status_list_token(f"{head}.{body}")


def test_status_reference() -> None:
    claims = {"iss": "x", **status_reference(idx=7, uri=URI)}
    assert claims["status"] == {"status_list": {"idx": 7, "uri": URI}}
    assert parse_status_reference(claims) == (7, URI)
    assert parse_status_reference({"iss": "x"}) is None
    assert parse_status_reference({"status": {"other_mechanism": {}}}) is None
    for bad in (
        {"status_list": {"idx": "7", "uri": URI}},
        {"status_list": {"idx": -1, "uri": URI}},
        {"status_list": {"idx": 1}},
        {"status_list": "x"},
        "x",
        {"status_list": None},
    ):
        with pytest.raises(StatusError) as err:
            parse_status_reference({"status": bad})
        assert err.value.code == "status.reference_invalid"


# -- properties -------------------------------------------------------------------------------


@given(st.text(max_size=300))
def test_token_parser_never_crashes_on_text(text: str) -> None:
    try:
        parse_status_list_token(text)
    except RotondeError:
        pass


@given(st.sampled_from([1, 2, 4, 8]) | st.integers(-2, 20), st.binary(max_size=300))
def test_list_parser_never_crashes(bits: int, data: bytes) -> None:
    for blob in (data, zlib.compress(data)):
        try:
            StatusList.from_json({"bits": bits, "lst": b64url_encode(blob)})
        except StatusError:
            pass


@given(
    st.sampled_from([1, 2, 4, 8]),
    st.integers(1, 5000),
    st.lists(st.tuples(st.integers(0, 4999), st.integers(0, 255)), max_size=20),
)
def test_get_set_roundtrip(bits: int, size: int, writes: list[tuple[int, int]]) -> None:
    lst = StatusList(size, bits=bits)
    expected: dict[int, int] = {}
    for idx, value in writes:
        if idx >= size:
            continue
        value &= (1 << bits) - 1
        lst.set(idx, value)
        expected[idx] = value
    again = StatusList.from_json(lst.to_json())
    for idx, value in expected.items():
        assert again.get(idx) == value
