"""IETF Token Status List (draft-ietf-oauth-status-list), JSON/JWT encoding.

* §4.1 Status List: ``bits`` (1, 2, 4 or 8) per Referenced Token; status of index 0 in the least
  significant bits of byte 0; ``lst`` = base64url(ZLIB/DEFLATE (RFC 1950) of the byte array).
* §5.1 Status List Token in JWT form: header ``typ: statuslist+jwt``; claims ``sub`` (the URI
  of the list, REQUIRED), ``iat`` (REQUIRED), ``exp``, ``ttl`` (RECOMMENDED), ``status_list``.
* §6.1 Referenced Token: ``{"status": {"status_list": {"idx": n, "uri": "https://..."}}}``.
* §7.1 Status types: ``VALID`` 0x00, ``INVALID`` 0x01, ``SUSPENDED`` 0x02.
* §8.3 Validation: signature, ``sub`` equals the referenced ``uri``, ``iat``/``exp``, index range.

Signing and parsing use :mod:`rotonde.jws` (ES256/EdDSA only).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Any

from rotonde.clock import Clock, SystemClock
from rotonde.encoding import b64url_decode, b64url_encode
from rotonde.errors import ParseError, RotondeError, StatusError
from rotonde.jws import Jws, parse_compact, sign_compact
from rotonde.keys import PublicKey, Signer
from rotonde.status._inflate import inflate_capped

__all__ = [
    "INVALID",
    "MEDIA_TYPE",
    "SUSPENDED",
    "TYP",
    "VALID",
    "StatusList",
    "StatusListToken",
    "issue_status_list_token",
    "parse_status_list_token",
    "parse_status_reference",
    "status_reference",
]

VALID, INVALID, SUSPENDED = 0, 1, 2
TYP = "statuslist+jwt"
MEDIA_TYPE = "application/statuslist+jwt"
BITS = (1, 2, 4, 8)
#: Default cap on the decompressed list (16 MiB).
MAX_LIST_BYTES = 16 * 1024 * 1024
#: Default cap on a status list token (4 MiB: lists are large).
MAX_TOKEN_BYTES = 4 * 1024 * 1024


def _err(code: str, message: str, message_nl: str, **detail: Any) -> StatusError:
    return StatusError(code, message, message_nl=message_nl, detail=detail)


class StatusList:
    """A mutable list of ``size`` statuses of ``bits`` bits each (§4.1)."""

    def __init__(self, size: int, *, bits: int = 1, data: bytes | bytearray | None = None) -> None:
        if bits not in BITS:
            raise ValueError(f"bits must be one of {BITS}")
        if size < 1:
            raise ValueError("size must be positive")
        nbytes = (size * bits + 7) // 8
        if data is not None and len(data) != nbytes:
            raise ValueError("data length does not match size and bits")
        self.size = size
        self.bits = bits
        self._data = bytearray(data) if data is not None else bytearray(nbytes)

    def _locate(self, index: int) -> tuple[int, int]:
        if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < self.size:
            raise _err(
                "status.index_out_of_range",
                f"status index {index} is outside 0..{self.size - 1}",
                f"statusindex {index} valt buiten 0..{self.size - 1}",
                index=index,
                size=self.size,
            )
        pos = index * self.bits
        return pos >> 3, pos & 7

    def get(self, index: int) -> int:
        byte, shift = self._locate(index)
        return (self._data[byte] >> shift) & ((1 << self.bits) - 1)

    def set(self, index: int, value: int) -> None:
        mask = (1 << self.bits) - 1
        if not 0 <= value <= mask:
            raise ValueError(f"status value must be 0..{mask}")
        byte, shift = self._locate(index)
        self._data[byte] = (self._data[byte] & ~(mask << shift) & 0xFF) | (value << shift)

    def to_bytes(self) -> bytes:
        return bytes(self._data)

    def encode_lst(self) -> str:
        return b64url_encode(zlib.compress(bytes(self._data), 6))

    def to_json(self) -> dict[str, Any]:
        return {"bits": self.bits, "lst": self.encode_lst()}

    @classmethod
    def from_json(cls, value: Any, *, max_bytes: int = MAX_LIST_BYTES) -> StatusList:
        """Parse a ``status_list`` claim; raises :class:`StatusError`."""
        if not isinstance(value, dict):
            raise _err("status.list_invalid", "status_list is not an object", "status_list is geen object")
        bits, lst = value.get("bits"), value.get("lst")
        if isinstance(bits, bool) or bits not in BITS:
            raise _err(
                "status.size_unsupported",
                f"bits {bits!r} is not 1, 2, 4 or 8",
                f"bits {bits!r} is niet 1, 2, 4 of 8",
            )
        if not isinstance(lst, str) or not lst:
            raise _err("status.encoding", "lst is not a non-empty string", "lst is geen niet-lege tekst")
        try:
            compressed = b64url_decode(lst, what="lst")
        except ParseError:
            raise _err(
                "status.encoding", "lst is not valid base64url", "lst is geen geldige base64url"
            ) from None
        raw = inflate_capped(compressed, max_bytes, gzip=False)
        if not raw:
            raise _err("status.list_too_short", "status list is empty", "statuslijst is leeg")
        return cls(len(raw) * 8 // int(bits), bits=int(bits), data=raw)


@dataclass(frozen=True)
class StatusListToken:
    """A parsed (not yet verified) Status List Token."""

    jws: Jws
    claims: dict[str, Any]
    sub: str
    iat: float
    exp: float | None
    ttl: float | None
    status_list: StatusList

    @property
    def issuer(self) -> str | None:
        iss = self.claims.get("iss")
        return iss if isinstance(iss, str) else None

    def verify(self, key: PublicKey) -> None:
        """Check the signature; raises :class:`rotonde.errors.SignatureError`."""
        self.jws.verify(key)

    def check_time(self, clock: Clock | None = None, *, leeway: float = 60.0) -> None:
        """``iat`` not in the future, ``exp`` not passed (§8.3 step 3)."""
        now = (clock or SystemClock()).now()
        if self.iat > now + leeway:
            raise _err(
                "status.list_not_yet_valid",
                "status list token is issued in the future",
                "statuslijst-token is in de toekomst uitgegeven",
            )
        if self.exp is not None and self.exp < now - leeway:
            raise _err(
                "status.list_expired",
                "status list token has expired",
                "statuslijst-token is verlopen",
                exp=self.exp,
            )

    def fresh_until(self, now: float) -> float | None:
        """When a cached copy should be refetched: the earlier of ``exp`` and now + ``ttl``."""
        times = [t for t in (self.exp, now + self.ttl if self.ttl else None) if t is not None]
        return min(times) if times else None


def issue_status_list_token(
    status_list: StatusList,
    *,
    uri: str,
    signer: Signer,
    issuer: str | None = None,
    clock: Clock | None = None,
    lifetime: float | None = 86400.0,
    ttl: int | None = 3600,
    kid: str | None = None,
) -> str:
    """Sign a Status List Token (JWT) for the list published at ``uri``."""
    now = int((clock or SystemClock()).now())
    claims: dict[str, Any] = {"sub": uri, "iat": now}
    if issuer is not None:
        claims["iss"] = issuer
    if lifetime is not None:
        claims["exp"] = now + int(lifetime)
    if ttl is not None:
        claims["ttl"] = ttl
    claims["status_list"] = status_list.to_json()
    header: dict[str, Any] = {"typ": TYP}
    if kid is not None:
        header["kid"] = kid
    return sign_compact(header, claims, signer)


def _number(claims: dict[str, Any], name: str, *, required: bool) -> float | None:
    value = claims.get(name)
    if value is None and not required:
        return None
    # 2**53: beyond it a JSON number is not a time (and float() of a huge int overflows)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 2**53:
        raise _err(
            "status.list_invalid",
            f"status list token claim {name!r} must be a number",
            f"claim {name!r} van het statuslijst-token moet een getal zijn",
        )
    return float(value)


def parse_status_list_token(
    token: str | bytes,
    *,
    max_bytes: int = MAX_TOKEN_BYTES,
    max_list_bytes: int = MAX_LIST_BYTES,
) -> StatusListToken:
    """Parse a Status List Token; raises :class:`StatusError` (``status.*``) or a JOSE error."""
    try:
        jws = parse_compact(token, typ=TYP, max_bytes=max_bytes)
        claims = jws.claims()
    except RotondeError as exc:
        raise StatusError(problems=exc.problems) from None
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub:
        raise _err("status.list_invalid", "status list token has no sub", "statuslijst-token heeft geen sub")
    iat = _number(claims, "iat", required=True)
    assert iat is not None
    exp = _number(claims, "exp", required=False)
    ttl = _number(claims, "ttl", required=False)
    lst = StatusList.from_json(claims.get("status_list"), max_bytes=max_list_bytes)
    return StatusListToken(jws, claims, sub, iat, exp, ttl, lst)


def status_reference(*, idx: int, uri: str) -> dict[str, Any]:
    """``{"status": {"status_list": {...}}}`` to merge into a Referenced Token's claims (§6.1)."""
    return {"status": {"status_list": {"idx": idx, "uri": uri}}}


def parse_status_reference(claims: dict[str, Any]) -> tuple[int, str] | None:
    """``(idx, uri)`` from a Referenced Token's claims; ``None`` if it has no status list."""
    status = claims.get("status")
    if status is None:
        return None
    if isinstance(status, dict) and "status_list" not in status:
        return None  # another status mechanism
    ref = status.get("status_list") if isinstance(status, dict) else None
    idx = ref.get("idx") if isinstance(ref, dict) else None
    uri = ref.get("uri") if isinstance(ref, dict) else None
    if isinstance(idx, bool) or not isinstance(idx, int) or idx < 0 or not isinstance(uri, str) or not uri:
        raise StatusError(
            "status.reference_invalid",
            "status.status_list needs integer idx and string uri",
            message_nl="status.status_list heeft een geheel getal idx en een uri nodig",
            pointer="status.status_list",
        )
    return idx, uri
