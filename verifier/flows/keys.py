"""The verifier's signing key (for request objects) and its did:web document.

The private key is generated on first start and stored encrypted (AES-256-GCM via
:class:`servicekit.crypto.SecretBox`) in ``verifier_keys``; every worker loads the same key.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from rotonde.did import DidDocument
from rotonde.keys import PrivateKey, generate, private_key_from_jwk
from servicekit.crypto import SecretBox
from servicekit.db import Database
from verifier.models import SigningKey

__all__ = ["did_document", "load_or_create_key"]

_FRAGMENT = "request-signing"


def load_or_create_key(db: Database, box: SecretBox, did: str, *, now: float) -> PrivateKey:
    kid = f"{did}#{_FRAGMENT}"
    for _ in range(2):
        with db.session() as s:
            row = s.execute(select(SigningKey).where(SigningKey.kid == kid)).scalar_one_or_none()
            if row is not None:
                jwk = json.loads(box.decrypt_text(row.private_jwk, aad=kid))
                return private_key_from_jwk(jwk).with_kid(kid)
        key = generate("ES256", kid=kid)
        try:
            with db.session() as s:
                s.add(SigningKey(kid=kid, alg=key.alg, created_at=now,
                                 private_jwk=box.encrypt_text(json.dumps(key.to_jwk()), aad=kid)))
        except IntegrityError:
            continue  # another worker created it first; load theirs
        return key
    raise RuntimeError("could not create the verifier signing key")  # pragma: no cover


def did_document(did: str, key: PrivateKey) -> dict[str, Any]:
    doc = DidDocument.for_key(did, key.public_key, method_type="JsonWebKey",
                              fragments=[_FRAGMENT], purposes=("authentication",
                                                               "assertionMethod"))
    out: dict[str, Any] = doc.to_json()
    return out
