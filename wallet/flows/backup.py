"""Encrypted backups: every credential and holder key of an account, under a passphrase.

Envelope (versioned JSON)::

    {"type": "rotonde-wallet-backup", "version": 1, "created": "<RFC 3339>",
     "kdf": {"name": "scrypt", "n": 32768, "r": 8, "p": 1, "salt": "<b64url 16 bytes>"},
     "cipher": "A256GCM", "nonce": "<b64url 12 bytes>", "ciphertext": "<b64url>"}

The key comes from scrypt (RFC 7914; N=2^15, r=8, p=1); the content is AES-256-GCM
(NIST SP 800-38D) with the canonical JSON of every member except ``ciphertext`` as associated
data, so changing any header field (KDF cost, salt, version) also fails authentication.
Restoring checks the envelope, derives the key, decrypts and validates *before* writing, then
writes all keys and credentials in one transaction: a wrong passphrase or a tampered file gives
one clear message and stores nothing.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from sqlalchemy.orm import Session

from rotonde.clock import Clock, format_datetime
from rotonde.encoding import b64url_decode, b64url_encode, canonical_json, loads_json
from rotonde.errors import ParseError, RotondeError, ValidationError
from rotonde.keys import private_key_from_jwk
from wallet.flows.accounts import add_holder_key, all_holder_keys
from wallet.flows.store import list_credentials, store_credential
from wallet.vault import Vault

__all__ = ["BACKUP_TYPE", "MAX_BACKUP_BYTES", "export_backup", "restore_backup"]

BACKUP_TYPE = "rotonde-wallet-backup"
MAX_BACKUP_BYTES = 2 * 1024 * 1024
_N, _R, _P = 2**15, 8, 1
_ALLOWED_N = {2**14, 2**15, 2**16, 2**17}
_MIN_PASSPHRASE = 12


def _kdf(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))


def _bad(code: str, en: str, nl: str) -> ValidationError:
    return ValidationError(code, en, message_nl=nl)


def export_backup(s: Session, vault: Vault, *, passphrase: str, clock: Clock) -> bytes:
    """The encrypted backup of the account (see the module docstring)."""
    if len(passphrase) < _MIN_PASSPHRASE:
        raise _bad("backup.passphrase_too_short",
                   f"the passphrase must be at least {_MIN_PASSPHRASE} characters",
                   f"de wachtzin moet minstens {_MIN_PASSPHRASE} tekens lang zijn")
    content = {
        "keys": [k.to_jwk() for k, _ in all_holder_keys(s, vault)],
        "credentials": [{
            "format": h.format, "credential": h.credential, "meta": h.meta,
            "received_at": h.received_at, "self_asserted": h.self_asserted,
        } for h in list_credentials(s, vault)],
    }
    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    header: dict[str, Any] = {
        "type": BACKUP_TYPE, "version": 1, "created": format_datetime(clock.now()),
        "kdf": {"name": "scrypt", "n": _N, "r": _R, "p": _P, "salt": b64url_encode(salt)},
        "cipher": "A256GCM", "nonce": b64url_encode(nonce),
    }
    key = _kdf(passphrase, salt, _N, _R, _P)
    plaintext = json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode()
    ciphertext = AESGCM(key).encrypt(nonce, plaintext, canonical_json(header))
    envelope = {**header, "ciphertext": b64url_encode(ciphertext)}
    return json.dumps(envelope, indent=1).encode()


def _read_envelope(data: bytes) -> tuple[dict[str, Any], bytes, bytes, int, int, int, bytes]:
    if len(data) > MAX_BACKUP_BYTES:
        raise _bad("backup.too_large", "the backup file is too large",
                   "het back-upbestand is te groot")
    try:
        env = loads_json(data, what="backup", max_depth=8)
    except RotondeError:
        raise _bad("backup.not_a_backup", "this file is not a Rotonde wallet backup",
                   "dit bestand is geen back-up van een Rotonde-wallet") from None
    if not isinstance(env, dict) or env.get("type") != BACKUP_TYPE:
        raise _bad("backup.not_a_backup", "this file is not a Rotonde wallet backup",
                   "dit bestand is geen back-up van een Rotonde-wallet")
    if env.get("version") != 1:
        raise _bad("backup.version_unsupported",
                   "this backup was made by a newer version of the wallet",
                   "deze back-up is gemaakt met een nieuwere versie van de wallet")
    kdf = env.get("kdf")
    try:
        if not isinstance(kdf, dict) or kdf.get("name") != "scrypt" or env.get(
                "cipher") != "A256GCM":
            raise ValueError
        n, r, p = kdf["n"], kdf["r"], kdf["p"]
        if n not in _ALLOWED_N or r != 8 or p != 1:
            raise ValueError
        salt = b64url_decode(str(kdf["salt"]))
        nonce = b64url_decode(str(env["nonce"]))
        ciphertext = b64url_decode(str(env["ciphertext"]))
        if len(salt) < 16 or len(nonce) != 12 or len(ciphertext) < 16:
            raise ValueError
    except (ValueError, KeyError, TypeError, ParseError):
        raise _bad("backup.damaged", "the backup file is damaged or was changed",
                   "het back-upbestand is beschadigd of gewijzigd") from None
    header = {k: v for k, v in env.items() if k != "ciphertext"}
    try:
        canonical_json(header).decode()  # the AAD: a lone surrogate ("\udcff") cannot be encoded
    except UnicodeEncodeError:
        raise _bad("backup.damaged", "the backup file is damaged or was changed",
                   "het back-upbestand is beschadigd of gewijzigd") from None
    return header, salt, nonce, n, r, p, ciphertext


def restore_backup(s: Session, vault: Vault, data: bytes, *, passphrase: str) -> int:
    """Decrypt, validate and add the backup's keys and credentials; returns how many
    credentials were added. Raises :class:`ValidationError` and writes nothing on failure."""
    header, salt, nonce, n, r, p, ciphertext = _read_envelope(data)
    key = _kdf(passphrase, salt, n, r, p)
    try:
        plaintext = AESGCM(key).decrypt(nonce, ciphertext, canonical_json(header))
    except InvalidTag:
        raise _bad("backup.wrong_passphrase_or_tampered",
                   "the passphrase is wrong, or the backup file was changed; nothing was restored",
                   "de wachtzin klopt niet, of het back-upbestand is gewijzigd; er is niets "
                   "teruggezet") from None
    try:
        content = json.loads(plaintext)
        keys = [private_key_from_jwk(jwk) for jwk in content["keys"]]
        creds = content["credentials"]
        if not isinstance(creds, list) or not all(
                isinstance(c, dict) and isinstance(c.get("format"), str)
                and isinstance(c.get("meta"), dict)
                and isinstance(c.get("credential"), (str, dict)) for c in creds):
            raise ValueError
    except (ValueError, KeyError, TypeError, RotondeError):
        raise _bad("backup.damaged", "the backup content is damaged",
                   "de inhoud van de back-up is beschadigd") from None
    mine = {k.public_key.thumbprint() for k, _ in all_holder_keys(s, vault)}
    for k in keys:
        if k.public_key.thumbprint() not in mine:
            add_holder_key(s, vault, k, imported=True)
            mine.add(k.public_key.thumbprint())
    for c in creds:
        store_credential(s, vault, fmt=c["format"], credential=c["credential"], meta=c["meta"],
                         received_at=float(c.get("received_at") or 0),
                         self_asserted=bool(c.get("self_asserted")))
    return len(creds)
