"""Per-account encryption (envelope encryption, docs/architecture.md §5).

Each account has a random 256-bit data key, stored wrapped by the server KEK
(:class:`servicekit.crypto.SecretBox`, associated data ``account:<id>``). Everything personal
(holder keys, credentials, history, shares, pending flows) is sealed with the data key under
AES-256-GCM; the associated data names the table, row and column, so a ciphertext copied to
another row or account does not decrypt.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from rotonde.encoding import b64url_decode, b64url_encode
from servicekit.crypto import SecretBox

__all__ = ["Vault", "account_aad", "new_data_key", "unwrap_data_key"]


def account_aad(account_id: str) -> str:
    """Associated data binding a wrapped data key to its account."""
    return f"account:{account_id}"


def new_data_key(box: SecretBox, account_id: str) -> tuple[bytes, str]:
    """A fresh data key and its wrapped form for the ``accounts.data_key`` column."""
    key = secrets.token_bytes(32)
    return key, box.encrypt_text(b64url_encode(key), aad=account_aad(account_id))


def unwrap_data_key(box: SecretBox, account_id: str, wrapped: str) -> bytes:
    return b64url_decode(box.decrypt_text(wrapped, aad=account_aad(account_id)))


class Vault:
    """Seal and open an account's data."""

    def __init__(self, account_id: str, data_key: bytes) -> None:
        self.account_id = account_id
        self._box = SecretBox(data_key)

    def _aad(self, where: str) -> str:
        return f"{self.account_id}:{where}"

    def seal(self, text: str, where: str) -> str:
        return self._box.encrypt_text(text, aad=self._aad(where))

    def open(self, token: str, where: str) -> str:
        return self._box.decrypt_text(token, aad=self._aad(where))

    def seal_json(self, value: Any, where: str) -> str:
        return self.seal(json.dumps(value, ensure_ascii=False, separators=(",", ":")), where)

    def open_json(self, token: str, where: str) -> Any:
        return json.loads(self.open(token, where))
