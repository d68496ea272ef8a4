"""W3C Bitstring Status List v1.0: the list, its encoding, entries and the list credential."""

from __future__ import annotations

import gzip
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rotonde.clock import FixedClock
from rotonde.encoding import b64url_encode, multibase_encode
from rotonde.errors import RotondeError, StatusError, ValidationError
from rotonde.status import (
    MIN_ENTRIES,
    BitstringStatusList,
    build_status_entry,
    build_status_list_credential,
    parse_status_entry,
    read_status_list_credential,
)

# Bitstring Status List v1.0 Examples 3/5: a revocation list with no bit set.
SPEC_EMPTY = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"


def _encoded(raw: bytes) -> str:
    return multibase_encode(gzip.compress(raw), "base64url")


def test_spec_example_decodes_to_empty_minimum_list() -> None:
    lst = BitstringStatusList.decode(SPEC_EMPTY)
    assert lst.size == MIN_ENTRIES == 131_072
    assert lst.to_bytes() == bytes(16 * 1024)
    assert lst.get(94567) == 0


def test_bit_order_is_left_most_first() -> None:
    lst = BitstringStatusList()
    lst.set(0, 1)
    lst.set(9, True)
    assert lst.to_bytes()[:2] == bytes([0b1000_0000, 0b0100_0000])
    wide = BitstringStatusList(status_size=2)
    wide.set(1, 3)
    assert wide.to_bytes()[0] == 0b0011_0000
    assert wide.get(1) == 3 and wide.get(0) == 0


@pytest.mark.parametrize("status_size", [1, 2, 4, 8])
def test_roundtrip_all_status_sizes(status_size: int) -> None:
    lst = BitstringStatusList(status_size=status_size)
    top = (1 << status_size) - 1
    for i, idx in enumerate((0, 1, 7, 8, 65_535, MIN_ENTRIES - 1)):
        lst.set(idx, (i + 1) % (top + 1) or top)
    again = BitstringStatusList.decode(lst.encode(), status_size=status_size)
    assert again.to_bytes() == lst.to_bytes()
    assert again.size == MIN_ENTRIES
    with pytest.raises(ValueError):
        lst.set(0, top + 1)


def test_encoding_is_deterministic_multibase_gzip() -> None:
    lst = BitstringStatusList()
    lst.set(42, 1)
    enc = lst.encode()
    assert enc.startswith("uH4sI") and "=" not in enc
    assert enc == lst.encode()


def test_minimum_length_enforced() -> None:
    with pytest.raises(ValueError):
        BitstringStatusList(1024)
    with pytest.raises(StatusError) as err:
        BitstringStatusList.decode(_encoded(bytes(1024)))
    assert err.value.code == "status.list_too_short"
    # status size 2 needs 131,072 entries, i.e. twice the bytes
    with pytest.raises(StatusError):
        BitstringStatusList.decode(_encoded(bytes(16 * 1024)), status_size=2)
    small = BitstringStatusList.decode(_encoded(bytes(16)), minimum=128)
    assert small.size == 128


def test_zip_bomb_is_capped() -> None:
    bomb = _encoded(bytes(64 * 1024 * 1024))  # 64 MiB of zeros, ~64 KiB compressed
    assert len(bomb) < 200_000
    with pytest.raises(StatusError) as err:
        BitstringStatusList.decode(bomb)
    assert err.value.code == "status.too_large"
    with pytest.raises(StatusError):
        BitstringStatusList.decode(SPEC_EMPTY, max_bytes=1024)


@pytest.mark.parametrize(
    "encoded",
    [
        SPEC_EMPTY[1:],  # no multibase prefix
        "z" + SPEC_EMPTY[1:],  # wrong multibase
        "u!!!!",
        "u" + b64url_encode(b"not gzip at all"),
        SPEC_EMPTY[:-8],  # truncated
        "u" + b64url_encode(gzip.compress(bytes(16384)) + b"trailing"),
        "",
        42,
        None,
    ],
)
def test_bad_encodings(encoded: Any) -> None:
    with pytest.raises(StatusError) as err:
        BitstringStatusList.decode(encoded)
    assert err.value.code.startswith("status.")


def test_index_out_of_range() -> None:
    lst = BitstringStatusList()
    for idx in (-1, MIN_ENTRIES, 10**12):
        with pytest.raises(StatusError) as err:
            lst.get(idx)
        assert err.value.code == "status.index_out_of_range"


# -- entries ----------------------------------------------------------------------------------

LIST_URL = "https://issuer.example/status/3"


def test_entry_builder_and_parser() -> None:
    entry = build_status_entry(list_credential=LIST_URL, index=94567)
    assert entry == {
        "id": f"{LIST_URL}#94567",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "94567",
        "statusListCredential": LIST_URL,
    }
    parsed = parse_status_entry(entry)
    assert (parsed.purpose, parsed.index, parsed.list_credential) == ("revocation", 94567, LIST_URL)


def test_message_entries_need_all_messages() -> None:
    msgs = [
        {"status": f"0x{v:x}", "message": m}
        for v, m in enumerate(["geldig", "in behandeling", "afgewezen", "ingetrokken"])
    ]
    entry = build_status_entry(
        list_credential=LIST_URL, index=3, purpose="message", status_size=2, status_messages=msgs
    )
    assert parse_status_entry(entry).message_for(2) == "afgewezen"
    with pytest.raises(ValidationError) as err:
        build_status_entry(list_credential=LIST_URL, index=3, purpose="message", status_size=2)
    assert err.value.code == "status.entry_messages"
    with pytest.raises(ValidationError):
        build_status_entry(
            list_credential=LIST_URL, index=3, purpose="message", status_size=2, status_messages=msgs[:3]
        )


@pytest.mark.parametrize(
    "patch, code, pointer",
    [
        ({"statusListIndex": 5}, "status.entry_index", "/credentialStatus/statusListIndex"),
        ({"statusListIndex": "-5"}, "status.entry_index", "/credentialStatus/statusListIndex"),
        ({"statusListIndex": "٣"}, "status.entry_index", "/credentialStatus/statusListIndex"),
        ({"type": "StatusList2021Entry"}, "status.entry_type", "/credentialStatus/type"),
        ({"statusPurpose": None}, "status.entry_purpose", "/credentialStatus/statusPurpose"),
        ({"statusListCredential": "nope"}, "status.entry_list", "/credentialStatus/statusListCredential"),
        ({"statusSize": 0}, "status.entry_size", "/credentialStatus/statusSize"),
        (
            {"statusSize": 3, "statusMessage": [{"status": f"0x{i}", "message": "m"} for i in range(8)]},
            "status.size_unsupported",
            "/credentialStatus/statusSize",
        ),
    ],
)
def test_entry_problems_have_codes_and_pointers(patch: dict[str, Any], code: str, pointer: str) -> None:
    entry = dict(build_status_entry(list_credential=LIST_URL, index=1), **patch)
    with pytest.raises(ValidationError) as err:
        parse_status_entry(entry)
    assert err.value.code == code and err.value.pointer == pointer


# -- the list credential ----------------------------------------------------------------------


def _credential(**kw: Any) -> dict[str, Any]:
    lst = BitstringStatusList()
    lst.set(7, 1)
    args: dict[str, Any] = {
        "id": LIST_URL,
        "issuer": "did:web:issuer.example",
        "status_list": lst,
        "valid_from": "2026-01-01T00:00:00Z",
        "valid_until": "2026-12-31T00:00:00Z",
        "ttl": 300_000,
    }
    args.update(kw)
    return build_status_list_credential(**args)


def test_build_and_read_list_credential() -> None:
    cred = _credential()
    assert cred["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert cred["credentialSubject"]["type"] == "BitstringStatusList"
    assert cred["credentialSubject"]["id"] == LIST_URL + "#list"
    assert cred["@context"] == ["https://www.w3.org/ns/credentials/v2"]
    lst = read_status_list_credential(cred, purpose="revocation", clock=FixedClock.at("2026-06-01T00:00:00Z"))
    assert lst.get(7) == 1 and lst.get(8) == 0


@pytest.mark.parametrize(
    "now, purpose, code",
    [
        ("2026-06-01T00:00:00Z", "suspension", "status.purpose_mismatch"),
        ("2027-06-01T00:00:00Z", "revocation", "status.list_expired"),
        ("2025-06-01T00:00:00Z", "revocation", "status.list_not_yet_valid"),
    ],
)
def test_list_credential_purpose_and_window(now: str, purpose: str, code: str) -> None:
    with pytest.raises(StatusError) as err:
        read_status_list_credential(_credential(), purpose=purpose, clock=FixedClock.at(now))
    assert err.value.code == code


def test_list_credential_shape_errors() -> None:
    good = _credential()
    broken: list[Any] = [
        None,
        dict(good, type=["VerifiableCredential"]),
        dict(good, credentialSubject={"type": "StatusList2021"}),
        dict(good, validUntil="tomorrow"),
    ]
    for cred in broken:
        with pytest.raises(StatusError):
            read_status_list_credential(cred, purpose="revocation", clock=FixedClock(0))
    multi = _credential(purpose=["revocation", "suspension"])
    read_status_list_credential(multi, purpose="suspension", clock=FixedClock.at("2026-02-01T00:00:00Z"))


# -- properties -------------------------------------------------------------------------------


@given(st.binary(max_size=400))
def test_random_gzip_payload_never_crashes(data: bytes) -> None:
    for blob in (data, gzip.compress(data)):
        try:
            BitstringStatusList.decode("u" + b64url_encode(blob), minimum=8)
        except StatusError:
            pass


@given(st.text(max_size=200))
def test_random_text_never_crashes(text: str) -> None:
    try:
        BitstringStatusList.decode(text)
    except StatusError:
        pass


@given(
    st.sampled_from([1, 2, 4, 8]),
    st.lists(st.tuples(st.integers(0, MIN_ENTRIES - 1), st.integers(0, 255)), max_size=30),
)
def test_get_set_roundtrip(status_size: int, writes: list[tuple[int, int]]) -> None:
    lst = BitstringStatusList(status_size=status_size)
    expected: dict[int, int] = {}
    for idx, value in writes:
        value &= (1 << status_size) - 1
        lst.set(idx, value)
        expected[idx] = value
    decoded = BitstringStatusList.decode(lst.encode(), status_size=status_size)
    for idx, value in expected.items():
        assert decoded.get(idx) == value


@given(
    st.dictionaries(
        st.sampled_from(
            [
                "type",
                "statusPurpose",
                "statusListIndex",
                "statusListCredential",
                "statusSize",
                "statusMessage",
            ]
        ),
        st.none()
        | st.text(max_size=6)
        | st.integers(-3, 9)
        | st.lists(st.dictionaries(st.text(max_size=7), st.text(max_size=4)), max_size=3),
    )
)
def test_entry_parser_never_crashes(entry: dict[str, Any]) -> None:
    try:
        parse_status_entry(entry)
    except RotondeError as exc:
        assert exc.code.startswith("status.")


def test_unknown_list_purpose_refused() -> None:
    with pytest.raises(ValueError):
        _credential(purpose="deleted")
    with pytest.raises(ValueError):
        _credential(purpose=["revocation", "expired"])
