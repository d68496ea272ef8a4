"""Key pairs for issuers and holders: Ed25519 (``EdDSA``) and P-256 (``ES256``).

* JWK import/export, public and private (RFC 7517, RFC 8037 for OKP keys).
* JWK thumbprints (RFC 7638) and thumbprint URIs.
* Multikey encoding (Controlled Identifiers 1.0 §2.2.2; multicodec ``ed25519-pub`` 0xed,
  ``p256-pub`` 0x1200 with a compressed point, and the matching ``-priv`` codes).
* A :class:`Signer` protocol, so private keys can live in an HSM or KMS: anything with
  ``alg``, ``kid``, ``public_key`` and ``sign(data)`` signs.
* Ed25519 keys and signatures that OpenSSL would accept but RFC 8032 forbids are refused here,
  the one place every key and every signature passes (:mod:`rotonde._ed25519`): a public key
  must be a canonically encoded curve point of large order (``key.small_order``,
  ``key.non_canonical``, ``key.invalid``), checked whenever a :class:`PublicKey` is made (JWK,
  Multikey, did:key, did:jwk, DID documents); a signature needs ``S < L`` and a canonical ``R``
  of large order (``signature.non_canonical``, ``signature.small_order``), checked in
  :meth:`PublicKey.verify` (JWS, SD-JWT and KB-JWT, key proofs, Data Integrity).

Only ``ES256`` and ``EdDSA`` are allowed (docs/architecture.md §5). ES256 signatures use the JWS
format (``r || s``, 64 bytes, RFC 7518 §3.4) everywhere in Rotonde.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

from rotonde._ed25519 import key_problem, signature_problem
from rotonde.encoding import (
    b64url_decode,
    b64url_encode,
    canonical_json,
    multibase_decode,
    multibase_encode,
)
from rotonde.errors import KeyFormatError, ParseError, PolicyError, SignatureError

__all__ = [
    "ALGORITHMS",
    "Algorithm",
    "PrivateKey",
    "PublicKey",
    "Signer",
    "check_algorithm",
    "generate",
    "private_key_from_jwk",
    "public_key_from_jwk",
    "public_key_from_multikey",
]

Algorithm = Literal["ES256", "EdDSA"]
#: The allow-list. Nothing else is ever accepted for signing or verification.
ALGORITHMS: frozenset[str] = frozenset({"ES256", "EdDSA"})

_ED25519_PUB = b"\xed\x01"
_P256_PUB = b"\x80\x24"
_ECDSA_SHA256 = ec.ECDSA(hashes.SHA256())


def check_algorithm(alg: object) -> Algorithm:
    """Return ``alg`` if it is allow-listed, else raise ``PolicyError('jose.alg_not_allowed')``."""
    if alg == "ES256" or alg == "EdDSA":
        return alg
    raise PolicyError(
        "jose.alg_not_allowed",
        f"algorithm {alg!r} is not allowed (only ES256 and EdDSA)",
        message_nl=f"algoritme {alg!r} is niet toegestaan (alleen ES256 en EdDSA)",
    )


def _key_error(message: str, message_nl: str, code: str = "key.invalid") -> KeyFormatError:
    return KeyFormatError(code, message, message_nl=message_nl)


@dataclass(frozen=True, eq=False)
class PublicKey:
    """A public key with its algorithm. ``verify`` raises; it never returns ``False``.

    Making one checks an Ed25519 key (RFC 8032 §5.1.3: canonical, on the curve, not of small
    order) and raises :class:`KeyFormatError` for a key that would accept forged signatures.
    """

    alg: Algorithm
    key: ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey
    _jwk: dict[str, str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if self.alg == "EdDSA":
            raw = self.key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
            problem = key_problem(raw)
            if problem is not None:
                raise KeyFormatError(problem[0], problem[1], message_nl=problem[2])

    def verify(self, signature: bytes, data: bytes) -> None:
        """Verify a raw signature (``r || s`` for ES256); raise :class:`SignatureError`.

        An Ed25519 signature is first checked as RFC 8032 §5.1.7 requires and OpenSSL does not
        fully: ``S < L``, ``R`` canonical and not of small order."""
        if self.alg == "EdDSA":
            problem = signature_problem(signature)
            if problem is not None:
                raise SignatureError(problem[0], problem[1], message_nl=problem[2])
        try:
            if self.alg == "EdDSA":
                self.key.verify(signature, data)  # type: ignore[call-arg]
            else:
                if len(signature) != 64:
                    raise InvalidSignature
                der = encode_dss_signature(
                    int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
                )
                self.key.verify(der, data, _ECDSA_SHA256)  # type: ignore[call-arg]
        except InvalidSignature:
            raise SignatureError(
                "signature.invalid",
                "signature does not verify",
                message_nl="handtekening klopt niet",
            ) from None

    def to_jwk(self) -> dict[str, str]:
        """The public JWK (``kty``, ``crv``, ``x``[, ``y``]) without ``kid`` or ``alg``."""
        if not self._jwk:
            if self.alg == "EdDSA":
                raw = self.key.public_bytes(
                    serialization.Encoding.Raw, serialization.PublicFormat.Raw
                )
                jwk = {"kty": "OKP", "crv": "Ed25519", "x": b64url_encode(raw)}
            else:
                nums = self.key.public_numbers()  # type: ignore[union-attr]
                jwk = {
                    "kty": "EC",
                    "crv": "P-256",
                    "x": b64url_encode(nums.x.to_bytes(32, "big")),
                    "y": b64url_encode(nums.y.to_bytes(32, "big")),
                }
            object.__setattr__(self, "_jwk", jwk)
        return dict(self._jwk)

    def raw_bytes(self) -> bytes:
        """Raw public key: 32 bytes (Ed25519) or the 33-byte compressed point (P-256)."""
        if self.alg == "EdDSA":
            return self.key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return self.key.public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint
        )

    def thumbprint(self) -> str:
        """RFC 7638 JWK thumbprint (SHA-256, base64url)."""
        jwk = self.to_jwk()
        members = {k: jwk[k] for k in ("crv", "kty", "x", "y") if k in jwk}
        return b64url_encode(hashlib.sha256(canonical_json(members)).digest())

    def multikey(self) -> str:
        """``publicKeyMultibase`` value (base58btc multicodec key)."""
        prefix = _ED25519_PUB if self.alg == "EdDSA" else _P256_PUB
        return multibase_encode(prefix + self.raw_bytes())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PublicKey) and self.to_jwk() == other.to_jwk()

    def __hash__(self) -> int:
        return hash(self.thumbprint())


@runtime_checkable
class Signer(Protocol):
    """What the core needs from a private key. Implement it to sign with an HSM or KMS."""

    @property
    def alg(self) -> Algorithm: ...

    @property
    def kid(self) -> str | None: ...

    @property
    def public_key(self) -> PublicKey: ...

    def sign(self, data: bytes) -> bytes:
        """Raw signature over ``data`` (``r || s`` for ES256)."""
        ...


@dataclass(frozen=True, eq=False)
class PrivateKey:
    """An in-process private key; satisfies :class:`Signer`."""

    alg: Algorithm
    key: ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey
    kid: str | None = None
    _public: PublicKey | None = field(default=None, repr=False)

    @property
    def public_key(self) -> PublicKey:
        if self._public is None:
            object.__setattr__(self, "_public", PublicKey(self.alg, self.key.public_key()))
        assert self._public is not None
        return self._public

    def with_kid(self, kid: str | None) -> PrivateKey:
        return PrivateKey(self.alg, self.key, kid, self._public)

    def sign(self, data: bytes) -> bytes:
        if self.alg == "EdDSA":
            return self.key.sign(data)  # type: ignore[call-arg]
        der = self.key.sign(data, _ECDSA_SHA256)  # type: ignore[call-arg]
        r, s = decode_dss_signature(der)
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")

    def to_jwk(self, *, private: bool = True) -> dict[str, str]:
        """The JWK; with ``private`` the ``d`` member too. ``kid`` and ``alg`` are included."""
        jwk = self.public_key.to_jwk()
        if private:
            if self.alg == "EdDSA":
                d = self.key.private_bytes(
                    serialization.Encoding.Raw,
                    serialization.PrivateFormat.Raw,
                    serialization.NoEncryption(),
                )
            else:
                d = self.key.private_numbers().private_value.to_bytes(32, "big")  # type: ignore[union-attr]
            jwk["d"] = b64url_encode(d)
        jwk["alg"] = self.alg
        if self.kid:
            jwk["kid"] = self.kid
        return jwk


def generate(alg: str = "ES256", *, kid: str | None = None) -> PrivateKey:
    """A fresh key pair for an allow-listed algorithm."""
    checked = check_algorithm(alg)
    if checked == "EdDSA":
        return PrivateKey("EdDSA", ed25519.Ed25519PrivateKey.generate(), kid)
    return PrivateKey("ES256", ec.generate_private_key(ec.SECP256R1()), kid)


def _coord(jwk: dict[str, Any], name: str, size: int) -> bytes:
    value = jwk.get(name)
    if not isinstance(value, str):
        raise _key_error(f"JWK member {name!r} is missing", f"JWK-lid {name!r} ontbreekt")
    try:
        raw = b64url_decode(value, what=f"JWK member {name!r}")
    except ParseError as exc:
        raise _key_error(exc.message, exc.problems[0].message_nl) from None
    if len(raw) != size:
        raise _key_error(
            f"JWK member {name!r} must be {size} bytes", f"JWK-lid {name!r} moet {size} bytes zijn"
        )
    return raw


def _alg_for(jwk: dict[str, Any]) -> Algorithm:
    if not isinstance(jwk, dict):
        raise _key_error("JWK is not a JSON object", "JWK is geen JSON-object")
    kty, crv = jwk.get("kty"), jwk.get("crv")
    if kty == "OKP" and crv == "Ed25519":
        alg: Algorithm = "EdDSA"
    elif kty == "EC" and crv == "P-256":
        alg = "ES256"
    else:
        raise _key_error(
            f"unsupported key type kty={kty!r} crv={crv!r} (only Ed25519 and P-256)",
            f"niet-ondersteund sleuteltype kty={kty!r} crv={crv!r} (alleen Ed25519 en P-256)",
            "key.unsupported",
        )
    declared = jwk.get("alg")
    if declared is not None and declared != alg:
        raise _key_error(
            f"JWK alg {declared!r} does not match its key type ({alg})",
            f"JWK-alg {declared!r} past niet bij het sleuteltype ({alg})",
            "key.alg_mismatch",
        )
    return alg


def public_key_from_jwk(jwk: dict[str, Any]) -> PublicKey:
    """Import a public JWK (private members are ignored). Raises :class:`KeyFormatError`."""
    alg = _alg_for(jwk)
    if alg == "EdDSA":
        return PublicKey(alg, ed25519.Ed25519PublicKey.from_public_bytes(_coord(jwk, "x", 32)))
    x = int.from_bytes(_coord(jwk, "x", 32), "big")
    y = int.from_bytes(_coord(jwk, "y", 32), "big")
    try:
        key = ec.EllipticCurvePublicNumbers(x, y, ec.SECP256R1()).public_key()
    except ValueError:
        raise _key_error("EC point is not on P-256", "EC-punt ligt niet op P-256") from None
    return PublicKey(alg, key)


def private_key_from_jwk(jwk: dict[str, Any]) -> PrivateKey:
    """Import a private JWK; checks that ``d`` matches the public members if present."""
    alg = _alg_for(jwk)
    d = _coord(jwk, "d", 32)
    key: ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey
    try:
        if alg == "EdDSA":
            key = ed25519.Ed25519PrivateKey.from_private_bytes(d)
        else:
            key = ec.derive_private_key(int.from_bytes(d, "big"), ec.SECP256R1())
    except ValueError:
        raise _key_error(
            "private key value is invalid", "waarde van privésleutel is ongeldig"
        ) from None
    kid = jwk.get("kid")
    priv = PrivateKey(alg, key, kid if isinstance(kid, str) else None)
    if "x" in jwk and public_key_from_jwk(jwk) != priv.public_key:
        raise _key_error(
            "private and public members of the JWK do not belong together",
            "privé- en publieke delen van de JWK horen niet bij elkaar",
            "key.mismatch",
        )
    return priv


def public_key_from_multikey(value: str) -> PublicKey:
    """Import a ``publicKeyMultibase`` (Ed25519 or compressed P-256)."""
    raw = multibase_decode(value)
    if raw[:2] == _ED25519_PUB and len(raw) == 34:
        return PublicKey("EdDSA", ed25519.Ed25519PublicKey.from_public_bytes(raw[2:]))
    if raw[:2] == _P256_PUB and len(raw) == 35:
        try:
            key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw[2:])
        except ValueError:
            raise _key_error("P-256 point is invalid", "P-256-punt is ongeldig") from None
        return PublicKey("ES256", key)
    raise _key_error(
        "Multikey is not an Ed25519 or P-256 public key",
        "Multikey is geen publieke Ed25519- of P-256-sleutel",
        "key.unsupported",
    )
