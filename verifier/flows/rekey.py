"""The verifier's sealed columns, for KEK rotation (:mod:`servicekit.rekey`)."""

from __future__ import annotations

from servicekit.rekey import SealedColumn, rekey_database
from verifier.flows.context import open_database, secret_box
from verifier.models import SigningKey, VerificationSession
from verifier.settings import VerifierSettings

__all__ = ["SEALED", "rekey_verifier"]

_SESSIONS = VerificationSession.__table__

#: The request-signing key, and per session the stored presentation and response-encryption key.
SEALED = (
    SealedColumn(SigningKey.__table__, "private_jwk", lambda row: row["kid"]),
    SealedColumn(_SESSIONS, "raw", lambda row: row["id"]),
    SealedColumn(_SESSIONS, "enc_key", lambda row: row["enc_kid"]),
)


def rekey_verifier(settings: VerifierSettings) -> dict[str, int]:
    """Re-seal every verifier secret not under the current KEK; counts per column."""
    return rekey_database(open_database(settings.validate()), secret_box(settings), SEALED)
