"""Secrets at rest: AES-256-GCM envelope encryption under a key-encryption key (KEK).

Service databases store private keys and other secrets only as :class:`SecretBox` ciphertexts.
The KEK comes from (first match wins):

1. the environment variable ``<PREFIX>KEK``: 32 bytes, unpadded base64url;
2. a secret file named by ``<PREFIX>KEK_FILE`` (e.g. a Docker/Kubernetes secret) holding the same;
3. development mode only: ``<data_dir>/kek`` — generated on first start (mode 0600) and logged
   loudly. Outside development mode a missing KEK is a :class:`ConfigurationError`.

Ciphertext layout (NIST SP 800-38D, 96-bit random nonce): ``b"RK1" || key_id(8) || nonce(12) ||
ciphertext+tag``; ``key_id`` is the first 8 bytes of SHA-256(KEK) so a wrong KEK is reported as
such rather than as a corrupt record. Associated data binds a ciphertext to its row/purpose.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from rotonde.encoding import b64url_decode, b64url_encode
from rotonde.errors import ConfigurationError, ParseError, RotondeError

if TYPE_CHECKING:
    from servicekit.settings import ServiceSettings

__all__ = ["SecretBox", "load_kek", "load_previous_keks", "load_secret_box", "service_secret_box"]

log = logging.getLogger("servicekit")

_MAGIC = b"RK1"


def _cipher(kek: bytes) -> tuple[bytes, AESGCM]:
    if len(kek) != 32:
        raise ConfigurationError(
            "config.kek_length",
            "the key-encryption key must be 32 bytes",
            message_nl="de sleutel-versleutelsleutel moet 32 bytes zijn",
        )
    return hashlib.sha256(kek).digest()[:8], AESGCM(kek)


class SecretBox:
    """Encrypt/decrypt small secrets with AES-256-GCM under one KEK.

    ``previous`` KEKs (from ``<PREFIX>KEK_PREVIOUS``) still decrypt what was sealed under them,
    so a KEK can be replaced without downtime; new secrets are always sealed under ``kek``,
    and :func:`servicekit.rekey.rekey` re-seals the old ones so the previous KEK can go.
    """

    def __init__(self, kek: bytes, previous: Iterable[bytes] = ()) -> None:
        self.key_id, self._aead = _cipher(kek)
        self._keyring = dict(_cipher(old) for old in previous)
        self._keyring[self.key_id] = self._aead

    def encrypt(self, plaintext: bytes, *, aad: bytes = b"") -> bytes:
        nonce = secrets.token_bytes(12)
        return _MAGIC + self.key_id + nonce + self._aead.encrypt(nonce, plaintext, aad)

    def decrypt(self, blob: bytes, *, aad: bytes = b"") -> bytes:
        if len(blob) < 3 + 8 + 12 + 16 or blob[:3] != _MAGIC:
            raise ParseError(
                "secret.malformed",
                "stored secret is not a Rotonde ciphertext",
                message_nl="opgeslagen geheim is geen Rotonde-versleuteling",
            )
        aead = self._keyring.get(blob[3:11])
        if aead is None:
            raise ConfigurationError(
                "secret.wrong_kek",
                "stored secret was encrypted under a different key-encryption key",
                message_nl="opgeslagen geheim is met een andere sleutel-versleutelsleutel "
                "versleuteld",
            )
        try:
            return aead.decrypt(blob[11:23], blob[23:], aad)
        except InvalidTag:
            raise RotondeError(
                "secret.tampered",
                "stored secret fails its integrity check",
                message_nl="opgeslagen geheim is beschadigd of gewijzigd",
            ) from None

    def encrypt_text(self, text: str, *, aad: str = "") -> str:
        """Encrypt to a base64url string (for TEXT columns)."""
        return b64url_encode(self.encrypt(text.encode(), aad=aad.encode()))

    def decrypt_text(self, token: str, *, aad: str = "") -> str:
        return self.decrypt(b64url_decode(token, what="stored secret"), aad=aad.encode()).decode()

    def is_current(self, token: str) -> bool:
        """Is this :meth:`encrypt_text` output sealed under the current KEK?"""
        blob = b64url_decode(token, what="stored secret")
        return blob[:3] == _MAGIC and blob[3:11] == self.key_id

    def reseal_text(self, token: str, *, aad: str = "") -> str:
        """Decrypt (under any known KEK) and encrypt again under the current one."""
        return self.encrypt_text(self.decrypt_text(token, aad=aad), aad=aad)


def _decode_kek(value: str, source: str) -> bytes:
    try:
        raw = b64url_decode(value.strip(), what=source)
    except ParseError:
        raw = b""
    if len(raw) != 32:
        raise ConfigurationError(
            "config.kek_invalid",
            f"{source} must hold 32 bytes as unpadded base64url",
            message_nl=f"{source} moet 32 bytes bevatten als base64url zonder opvulling",
        )
    return raw


def _secret_file(env: Mapping[str, str], variable: str) -> str | None:
    """The text of the file named by ``variable``; ``None`` when the variable is unset."""
    file_name = env.get(variable)
    if not file_name:
        return None
    try:
        return Path(file_name).read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigurationError(
            "config.kek_file_unreadable",
            f"cannot read the KEK file named by {variable}: {exc}",
            message_nl=f"kan het KEK-bestand uit {variable} niet lezen: {exc}",
        ) from None


def load_kek(
    prefix: str,
    *,
    dev: bool,
    data_dir: Path,
    environ: Mapping[str, str] | None = None,
    explicit: str = "",
) -> bytes:
    """Find the KEK for a service (see the module docstring for the order); ``explicit`` is a
    value passed in the settings (it stands for ``<PREFIX>KEK``)."""
    if explicit:
        return _decode_kek(explicit, prefix + "KEK")
    env = os.environ if environ is None else environ
    if env.get(prefix + "KEK"):
        return _decode_kek(env[prefix + "KEK"], prefix + "KEK")
    text = _secret_file(env, prefix + "KEK_FILE")
    if text is not None:
        return _decode_kek(text, prefix + "KEK_FILE")
    if not dev:
        raise ConfigurationError(
            "config.kek_missing",
            f"no key-encryption key: set {prefix}KEK or {prefix}KEK_FILE",
            message_nl=f"geen sleutel-versleutelsleutel: zet {prefix}KEK of {prefix}KEK_FILE",
        )
    path = data_dir / "kek"
    if path.exists():
        return _decode_kek(path.read_text(encoding="ascii"), str(path))
    kek = secrets.token_bytes(32)
    # Written to a private temporary file, then linked into place: several workers starting
    # together either create the one KEK or read the winner's complete file, never a partial
    # one, and never two different KEKs.
    tmp = data_dir / f".kek-{secrets.token_hex(8)}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(b64url_encode(kek))
    try:
        os.link(tmp, path)
    except FileExistsError:
        return _decode_kek(path.read_text(encoding="ascii"), str(path))
    finally:
        tmp.unlink(missing_ok=True)
    log.warning(
        "DEVELOPMENT MODE: generated a key-encryption key in %s — never use this outside "
        "development; set %sKEK or %sKEK_FILE instead",
        path,
        prefix,
        prefix,
    )
    return kek


def load_previous_keks(prefix: str, environ: Mapping[str, str] | None = None) -> tuple[bytes, ...]:
    """Retired KEKs that may still decrypt: ``<PREFIX>KEK_PREVIOUS`` (comma-separated) and
    the lines of the file named by ``<PREFIX>KEK_PREVIOUS_FILE``, each 32 bytes base64url."""
    env = os.environ if environ is None else environ
    values = [v for v in env.get(prefix + "KEK_PREVIOUS", "").split(",") if v.strip()]
    text = _secret_file(env, prefix + "KEK_PREVIOUS_FILE")
    if text is not None:
        values.extend(line for line in text.splitlines() if line.strip())
    return tuple(_decode_kek(v, prefix + "KEK_PREVIOUS") for v in values)


def load_secret_box(
    prefix: str,
    *,
    dev: bool,
    data_dir: Path,
    environ: Mapping[str, str] | None = None,
    explicit: str = "",
) -> SecretBox:
    """The service's :class:`SecretBox`: :func:`load_kek` plus :func:`load_previous_keks`."""
    kek = load_kek(prefix, dev=dev, data_dir=data_dir, environ=environ, explicit=explicit)
    return SecretBox(kek, load_previous_keks(prefix, environ))


def service_secret_box(
    settings: ServiceSettings, prefix: str, environ: Mapping[str, str] | None = None,
) -> SecretBox:
    """The :class:`SecretBox` of a service from its settings (``settings.kek``, else
    ``<prefix>KEK`` / ``KEK_FILE``; in development mode the KEK file in the data directory)."""
    return load_secret_box(prefix, dev=settings.dev, data_dir=settings.data_dir,
                           environ=environ, explicit=settings.kek)
