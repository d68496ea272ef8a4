"""Encrypted Authorization Responses for ``direct_post.jwt`` (OpenID4VP 1.0 §8.3).

The wallet encrypts the response parameters (§8.1: ``vp_token``, ``state``) as a compact JWE
(RFC 7516 §7.1) to a key from the verifier's ``client_metadata.jwks`` and posts it as the
``response`` form parameter. Supported: ``alg`` ``ECDH-ES`` (direct key agreement, RFC 7518
§4.6) on P-256 with ``enc`` ``A128GCM`` or ``A256GCM`` (RFC 7518 §5.3); the Concat KDF of
NIST SP 800-56A §5.8.1 as profiled by RFC 7518 §4.6.2 (AlgorithmID = ``enc``; ``apu``/``apv``
from the header when present). Anything else is refused before any key is used.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from rotonde.encoding import b64url_decode, b64url_encode, loads_json
from rotonde.errors import ParseError, PolicyError, SignatureError
from rotonde.keys import PrivateKey, PublicKey, public_key_from_jwk

__all__ = [
    "ENC_VALUES",
    "decrypt_response",
    "encrypt_response",
    "jwe_kid",
    "response_encryption_key",
]

#: Content encryption algorithms accepted, with their key sizes in bits.
ENC_VALUES: dict[str, int] = {"A128GCM": 128, "A256GCM": 256}
MAX_JWE_BYTES = 1024 * 1024


def _len_prefixed(data: bytes) -> bytes:
    return len(data).to_bytes(4, "big") + data


def _concat_kdf(z: bytes, enc: str, apu: bytes, apv: bytes) -> bytes:
    """RFC 7518 §4.6.2: one or two rounds of SHA-256 over counter || Z || OtherInfo."""
    bits = ENC_VALUES[enc]
    other = (_len_prefixed(enc.encode()) + _len_prefixed(apu) + _len_prefixed(apv)
             + bits.to_bytes(4, "big"))
    out = b""
    counter = 1
    while len(out) * 8 < bits:
        out += hashlib.sha256(counter.to_bytes(4, "big") + z + other).digest()
        counter += 1
    return out[: bits // 8]


def _ec_key(key: PublicKey | PrivateKey) -> Any:
    if key.alg != "ES256":
        raise PolicyError("jwe.key_unsupported", "ECDH-ES needs a P-256 key",
                          message_nl="ECDH-ES vereist een P-256-sleutel")
    return key.key


def encrypt_response(
    params: Mapping[str, Any],
    recipient: PublicKey,
    *,
    kid: str | None = None,
    enc: str = "A128GCM",
    rng: Any = os.urandom,
) -> str:
    """Encrypt response parameters to ``recipient`` (wallet side)."""
    if enc not in ENC_VALUES:
        raise PolicyError("jwe.enc_unsupported", f"enc {enc!r} is not supported",
                          message_nl=f"enc {enc!r} wordt niet ondersteund")
    peer = _ec_key(recipient)
    eph = ec.generate_private_key(ec.SECP256R1())
    z = eph.exchange(ec.ECDH(), peer)
    nums = eph.public_key().public_numbers()
    epk = {"kty": "EC", "crv": "P-256", "x": b64url_encode(nums.x.to_bytes(32, "big")),
           "y": b64url_encode(nums.y.to_bytes(32, "big"))}
    header: dict[str, Any] = {"alg": "ECDH-ES", "enc": enc, "epk": epk}
    if kid is not None:
        header["kid"] = kid
    h64 = b64url_encode(json.dumps(header, separators=(",", ":")).encode())
    cek = _concat_kdf(z, enc, b"", b"")
    iv = rng(12)
    sealed = AESGCM(cek).encrypt(iv, json.dumps(dict(params)).encode(), h64.encode("ascii"))
    ciphertext, tag = sealed[:-16], sealed[-16:]
    return ".".join([h64, "", b64url_encode(iv), b64url_encode(ciphertext), b64url_encode(tag)])


def _bad(code: str, en: str, nl: str) -> ParseError:
    return ParseError(code, en, message_nl=nl, pointer="/response")


def decrypt_response(
    token: str,
    key: PrivateKey,
    *,
    kid: str | None = None,
    enc_values: tuple[str, ...] = tuple(ENC_VALUES),
) -> dict[str, Any]:
    """Decrypt a ``direct_post.jwt`` ``response`` (verifier side) into its parameters."""
    if not isinstance(token, str) or len(token) > MAX_JWE_BYTES:
        raise _bad("jwe.malformed", "the encrypted response is missing or too large",
                   "het versleutelde antwoord ontbreekt of is te groot")
    parts = token.strip().split(".")
    if len(parts) != 5:
        raise _bad("jwe.malformed", "a compact JWE has five parts",
                   "een compacte JWE heeft vijf delen")
    h64, ek64, iv64, ct64, tag64 = parts
    header = loads_json(b64url_decode(h64, what="JWE header"), what="JWE header", max_depth=4)
    if not isinstance(header, dict):
        raise _bad("jwe.malformed", "JWE header is not an object", "JWE-header is geen object")
    if header.get("alg") != "ECDH-ES":
        raise PolicyError("jwe.alg_unsupported", f"JWE alg {header.get('alg')!r} is not accepted",
                          message_nl=f"JWE-alg {header.get('alg')!r} wordt niet aanvaard",
                          pointer="/response")
    enc = header.get("enc")
    if enc not in enc_values or enc not in ENC_VALUES:
        raise PolicyError("jwe.enc_unsupported", f"JWE enc {enc!r} is not accepted",
                          message_nl=f"JWE-enc {enc!r} wordt niet aanvaard", pointer="/response")
    if "zip" in header or "crit" in header:
        raise PolicyError("jwe.header_unsupported", "zip and crit are not accepted",
                          message_nl="zip en crit worden niet aanvaard", pointer="/response")
    if kid is not None and header.get("kid") not in (None, kid):
        raise _bad("jwe.kid_mismatch", "the response was encrypted to another key",
                   "het antwoord is voor een andere sleutel versleuteld")
    if ek64 != "":
        raise _bad("jwe.malformed", "ECDH-ES (direct) has an empty encrypted key",
                   "ECDH-ES (direct) heeft een lege versleutelde sleutel")
    epk_jwk = header.get("epk")
    epk = public_key_from_jwk(epk_jwk if isinstance(epk_jwk, dict) else {})  # checks the curve
    z = _ec_key(key).exchange(ec.ECDH(), _ec_key(epk))

    def opt(name: str) -> bytes:
        value = header.get(name)
        return b64url_decode(value, what=f"JWE {name}") if isinstance(value, str) else b""

    cek = _concat_kdf(z, str(enc), opt("apu"), opt("apv"))
    iv = b64url_decode(iv64, what="JWE iv")
    tag = b64url_decode(tag64, what="JWE tag")
    if len(iv) != 12 or len(tag) != 16:
        raise _bad("jwe.malformed", "JWE iv or tag has the wrong length",
                   "JWE-iv of -tag heeft de verkeerde lengte")
    try:
        plain = AESGCM(cek).decrypt(iv, b64url_decode(ct64, what="JWE ciphertext") + tag,
                                    h64.encode("ascii"))
    except InvalidTag:
        raise SignatureError("jwe.decrypt_failed", "the encrypted response cannot be decrypted",
                             message_nl="het versleutelde antwoord kan niet worden ontsleuteld",
                             pointer="/response") from None
    value = loads_json(plain, what="encrypted response", max_depth=64)
    if not isinstance(value, dict):
        raise _bad("jwe.malformed", "the decrypted response is not a JSON object",
                   "het ontsleutelde antwoord is geen JSON-object")
    return value


def response_encryption_key(client_metadata: Mapping[str, Any]) -> tuple[PublicKey, str | None, str]:
    """Wallet side: the key, ``kid`` and ``enc`` to encrypt a ``direct_post.jwt`` response with,
    from the request's ``client_metadata`` (``jwks``; ``encrypted_response_enc_values_supported``,
    default ``A128GCM``, §5.1 / §8.3)."""
    jwks = client_metadata.get("jwks") if isinstance(client_metadata, Mapping) else None
    keys = jwks.get("keys") if isinstance(jwks, Mapping) else None
    if not isinstance(keys, list):
        raise ParseError("jwe.no_key", "client_metadata has no jwks for response encryption",
                         message_nl="client_metadata heeft geen jwks voor versleuteling",
                         pointer="/client_metadata/jwks")
    encs = client_metadata.get("encrypted_response_enc_values_supported", ["A128GCM"])
    enc = next((e for e in encs if e in ENC_VALUES), None) if isinstance(encs, list) else None
    if enc is None:
        raise PolicyError("jwe.enc_unsupported", "no supported enc value offered",
                          message_nl="geen ondersteunde enc-waarde aangeboden",
                          pointer="/client_metadata/encrypted_response_enc_values_supported")
    for jwk in keys:
        if isinstance(jwk, dict) and jwk.get("alg", "ECDH-ES") == "ECDH-ES" and jwk.get(
            "use", "enc") == "enc" and jwk.get("kty") == "EC":
            pub = public_key_from_jwk({k: v for k, v in jwk.items() if k in ("kty", "crv", "x", "y")})
            kid = jwk.get("kid")
            return pub, kid if isinstance(kid, str) else None, enc
    raise ParseError("jwe.no_key", "no ECDH-ES P-256 key in client_metadata.jwks",
                     message_nl="geen ECDH-ES-P-256-sleutel in client_metadata.jwks",
                     pointer="/client_metadata/jwks")


def jwe_kid(token: str) -> str | None:
    """The ``kid`` of a compact JWE's protected header, without decrypting (or ``None``)."""
    try:
        header = loads_json(b64url_decode(str(token).split(".", 1)[0], what="JWE header"),
                            what="JWE header", max_depth=4)
    except (ParseError, ValueError):
        return None
    kid = header.get("kid") if isinstance(header, dict) else None
    return kid if isinstance(kid, str) and len(kid) <= 128 else None
