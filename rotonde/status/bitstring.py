"""W3C Bitstring Status List v1.0.

* §2.1 ``BitstringStatusListEntry`` (``statusPurpose``, ``statusListIndex`` as a string of an
  integer, ``statusListCredential``; ``statusSize``, ``statusMessage`` — required, with
  2^statusSize elements, when ``statusSize`` > 1 — and ``statusReference``).
* §2.2 ``BitstringStatusListCredential`` with a ``BitstringStatusList`` subject
  (``statusPurpose``, ``encodedList``, ``ttl``; ``validFrom``/``validUntil`` on the credential).
* §3.1 Bitstring generation: index 0 is the left-most (most significant) bit of the first byte;
  an entry of ``statusSize`` bits starts at bit ``index * statusSize``; the list is GZIP-compressed
  (RFC 1952) and Multibase base64url-encoded without padding (``u`` prefix).
* §3.2 Validation: at least 131,072 entries (``STATUS_LIST_LENGTH_ERROR``); decompression is
  capped so a zip bomb cannot exhaust memory.

The credential is built unsigned; securing it (Data Integrity) is someone else's job.
"""

from __future__ import annotations

import gzip
from typing import Any

from rotonde.clock import Clock, SystemClock, format_datetime, parse_datetime
from rotonde.encoding import multibase_decode, multibase_encode
from rotonde.errors import ParseError, StatusError
from rotonde.status._inflate import inflate_capped
from rotonde.status.entry import (
    STATUS_SIZES,
    BitstringStatusEntry,
    build_status_entry,
    parse_status_entry,
)

__all__ = [
    "MIN_ENTRIES",
    "PURPOSES",
    "BitstringStatusEntry",
    "BitstringStatusList",
    "build_status_entry",
    "build_status_list_credential",
    "parse_status_entry",
    "read_status_list_credential",
]

#: Minimum number of entries in a list (§3.2, herd privacy).
MIN_ENTRIES = 131_072
#: Default cap on the decompressed bitstring (16 MiB).
MAX_DECODED_BYTES = 16 * 1024 * 1024
PURPOSES = ("revocation", "suspension", "refresh", "message")
VCDM2_CONTEXT = "https://www.w3.org/ns/credentials/v2"


def _status_error(code: str, message: str, message_nl: str, **detail: Any) -> StatusError:
    return StatusError(code, message, message_nl=message_nl, detail=detail)


class BitstringStatusList:
    """A mutable bitstring of ``size`` entries of ``status_size`` bits each."""

    def __init__(
        self,
        size: int = MIN_ENTRIES,
        *,
        status_size: int = 1,
        minimum: int = MIN_ENTRIES,
        data: bytes | bytearray | None = None,
    ) -> None:
        if status_size not in STATUS_SIZES:
            raise ValueError(f"statusSize must be one of {STATUS_SIZES}")
        if size < minimum or size % 8:
            raise ValueError(f"size must be a multiple of 8 and at least {minimum}")
        nbytes = size * status_size // 8
        if data is not None and len(data) != nbytes:
            raise ValueError("data length does not match size and status_size")
        self.size = size
        self.status_size = status_size
        self._bits = bytearray(data) if data is not None else bytearray(nbytes)

    def _locate(self, index: int) -> tuple[int, int]:
        if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < self.size:
            raise _status_error(
                "status.index_out_of_range",
                f"status index {index} is outside 0..{self.size - 1}",
                f"statusindex {index} valt buiten 0..{self.size - 1}",
                index=index,
                size=self.size,
            )
        pos = index * self.status_size
        return pos >> 3, 8 - self.status_size - (pos & 7)

    def get(self, index: int) -> int:
        """The status value at ``index`` (0 .. 2^statusSize - 1)."""
        byte, shift = self._locate(index)
        return (self._bits[byte] >> shift) & ((1 << self.status_size) - 1)

    def set(self, index: int, value: int | bool) -> None:
        mask = (1 << self.status_size) - 1
        if not 0 <= int(value) <= mask:
            raise ValueError(f"status value must be 0..{mask}")
        byte, shift = self._locate(index)
        self._bits[byte] = (self._bits[byte] & ~(mask << shift) & 0xFF) | (int(value) << shift)

    def to_bytes(self) -> bytes:
        return bytes(self._bits)

    def encode(self) -> str:
        """``encodedList``: ``u`` + base64url(GZIP(bitstring)) (§3.1)."""
        return multibase_encode(gzip.compress(bytes(self._bits), compresslevel=6, mtime=0), "base64url")

    @classmethod
    def decode(
        cls,
        encoded: object,
        *,
        status_size: int = 1,
        minimum: int = MIN_ENTRIES,
        max_bytes: int = MAX_DECODED_BYTES,
    ) -> BitstringStatusList:
        """Parse an ``encodedList``; raises :class:`StatusError` (``status.*``) on bad input."""
        if status_size not in STATUS_SIZES:
            raise _status_error(
                "status.size_unsupported",
                f"statusSize {status_size!r} is not supported",
                f"statusSize {status_size!r} wordt niet ondersteund",
            )
        if not isinstance(encoded, str) or not encoded.startswith("u"):
            raise _status_error(
                "status.encoding",
                "encodedList must be multibase base64url ('u')",
                "encodedList moet multibase-base64url ('u') zijn",
            )
        try:
            compressed = multibase_decode(encoded)
        except ParseError:
            raise _status_error(
                "status.encoding",
                "encodedList is not valid base64url",
                "encodedList is geen geldige base64url",
            ) from None
        raw = inflate_capped(compressed, max_bytes, gzip=True)
        bits = len(raw) * 8
        if bits // status_size < minimum:
            raise _status_error(
                "status.list_too_short",
                f"status list has {bits // status_size} entries, fewer than {minimum}",
                f"statuslijst heeft {bits // status_size} posities, minder dan {minimum}",
            )
        return cls(bits // status_size, status_size=status_size, minimum=minimum, data=raw)


def build_status_list_credential(
    *,
    id: str,
    issuer: str | dict[str, Any],
    status_list: BitstringStatusList,
    purpose: str | list[str] = "revocation",
    valid_from: str | float | None = None,
    valid_until: str | float | None = None,
    ttl: int | None = None,
) -> dict[str, Any]:
    """An unsigned ``BitstringStatusListCredential`` (VCDM 2.0, §2.2). ``ttl`` is milliseconds."""
    for name in [purpose] if isinstance(purpose, str) else purpose:
        if name not in PURPOSES:
            raise ValueError(f"statusPurpose {name!r} is not one of {PURPOSES}")
    subject: dict[str, Any] = {
        "id": f"{id}#list",
        "type": "BitstringStatusList",
        "statusPurpose": purpose,
        "encodedList": status_list.encode(),
    }
    if ttl is not None:
        subject["ttl"] = ttl
    cred: dict[str, Any] = {
        "@context": [VCDM2_CONTEXT],
        "id": id,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
    }
    if valid_from is not None:
        cred["validFrom"] = valid_from if isinstance(valid_from, str) else format_datetime(valid_from)
    if valid_until is not None:
        cred["validUntil"] = valid_until if isinstance(valid_until, str) else format_datetime(valid_until)
    cred["credentialSubject"] = subject
    return cred


def read_status_list_credential(
    credential: Any,
    *,
    purpose: str,
    status_size: int = 1,
    clock: Clock | None = None,
    leeway: float = 60.0,
    max_bytes: int = MAX_DECODED_BYTES,
    minimum: int = MIN_ENTRIES,
) -> BitstringStatusList:
    """Check type, purpose and validity window of an (already verified) list credential and
    decode its list. Raises :class:`StatusError` with ``status.list_invalid``,
    ``status.purpose_mismatch``, ``status.list_expired``/``status.list_not_yet_valid``, ...
    """
    if not isinstance(credential, dict):
        raise _status_error(
            "status.list_invalid",
            "status list credential is not an object",
            "statuslijstbewijs is geen object",
        )
    types = credential.get("type")
    if not isinstance(types, list) or "BitstringStatusListCredential" not in types:
        raise _status_error(
            "status.list_invalid",
            "type must include BitstringStatusListCredential",
            "type moet BitstringStatusListCredential bevatten",
        )
    subject = credential.get("credentialSubject")
    if not isinstance(subject, dict) or subject.get("type") != "BitstringStatusList":
        raise _status_error(
            "status.list_invalid",
            "credentialSubject must be a BitstringStatusList",
            "credentialSubject moet een BitstringStatusList zijn",
        )
    declared = subject.get("statusPurpose")
    purposes = declared if isinstance(declared, list) else [declared]
    if purpose not in purposes:
        raise _status_error(
            "status.purpose_mismatch",
            f"list purpose {declared!r} is not {purpose!r}",
            f"doel van de lijst {declared!r} is niet {purpose!r}",
        )
    now = (clock or SystemClock()).now()
    try:
        for name, sign in (("validFrom", 1), ("validUntil", -1)):
            value = credential.get(name)
            if value is None:
                continue
            stamp = parse_datetime(value).timestamp()
            if sign == 1 and now + leeway < stamp:
                raise _status_error(
                    "status.list_not_yet_valid",
                    f"status list is valid from {value}",
                    f"statuslijst is geldig vanaf {value}",
                )
            if sign == -1 and now - leeway > stamp:
                raise _status_error(
                    "status.list_expired",
                    f"status list expired at {value}",
                    f"statuslijst is verlopen op {value}",
                )
    except (ValueError, TypeError):
        raise _status_error(
            "status.list_invalid",
            "validFrom/validUntil is not a date-time",
            "validFrom/validUntil is geen datum-tijd",
        ) from None
    return BitstringStatusList.decode(
        subject.get("encodedList"), status_size=status_size, max_bytes=max_bytes, minimum=minimum
    )
