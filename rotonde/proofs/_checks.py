"""Private: the member checks of Data Integrity proofs (VC Data Integrity 1.0 §2.1, §4.4).

Required members, proof purpose, ``domain``, ``challenge``, ``expires``, ``proofValue``
decoding, and the ``previousProof`` lookup of proof chains (§4.3 step 3, §4.5 step 3).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rotonde.clock import Clock, parse_datetime
from rotonde.encoding import MAX_BASE58, multibase_decode
from rotonde.errors import ParseError, SignatureError

__all__ = ["check_datetime", "check_options", "matching_proofs", "proof_list", "sig_error",
           "signature_bytes"]

_REQUIRED = ("type", "verificationMethod", "proofPurpose")


def sig_error(code: str, en: str, nl: str, ptr: str | None = "/proof") -> SignatureError:
    return SignatureError(code, en, message_nl=nl, pointer=ptr)


def check_datetime(value: object, name: str) -> float:
    try:
        return parse_datetime(value).timestamp()  # type: ignore[arg-type]
    except (ValueError, TypeError):
        raise sig_error("di.datetime_invalid", f"proof {name} is not a valid date-time",
                         f"proof-{name} is geen geldige datum-tijd", f"/proof/{name}") from None


def proof_list(value: object) -> list[dict[str, Any]]:
    items = value if isinstance(value, list) else [value]
    if not items or not all(isinstance(p, dict) for p in items):
        raise sig_error("di.proof_malformed", "proof must be an object or an array of objects",
                         "proof moet een object of een lijst van objecten zijn")
    return list(items)


def matching_proofs(all_proofs: list[dict[str, Any]], previous: object) -> list[dict[str, Any]]:
    """§4.3 step 3 / §4.5 step 3: the proofs a chained proof names in ``previousProof``."""
    ids = [previous] if isinstance(previous, str) else previous
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
        raise sig_error("di.previous_proof_malformed", "previousProof must be proof ids",
                         "previousProof moet proof-id's bevatten")
    out = []
    for pid in ids:
        found = [p for p in all_proofs if p.get("id") == pid]
        if not found:
            raise sig_error("di.previous_proof_missing",
                             f"previousProof {pid!r} is not in the proof set",
                             f"previousProof {pid!r} staat niet in de proofset")
        out.append(found[0])
    return out


def check_options(
    proof: Mapping[str, Any], *, expected_purpose: str | None, challenge: str | None,
    domain: str | None, clock: Clock | None,
) -> None:
    """§4.4 steps 3–8: required members, purpose, domain, challenge; and ``expires``."""
    for name in _REQUIRED:
        if not isinstance(proof.get(name), str):
            raise sig_error("di.proof_malformed", f"proof has no {name}",
                             f"proof heeft geen {name}", f"/proof/{name}")
    if not isinstance(proof.get("proofValue"), str):
        raise sig_error("di.proof_value_missing", "proof has no proofValue",
                         "proof heeft geen proofValue", "/proof/proofValue")
    if expected_purpose is not None and proof["proofPurpose"] != expected_purpose:
        raise sig_error("di.purpose_mismatch",
                         f"proof purpose {proof['proofPurpose']!r} is not {expected_purpose!r}",
                         f"proofdoel {proof['proofPurpose']!r} is niet {expected_purpose!r}",
                         "/proof/proofPurpose")
    if domain is not None:
        got = proof.get("domain")
        if not (got == domain or (isinstance(got, list) and domain in got)):
            raise sig_error("di.domain_mismatch", "proof domain does not match",
                             "domein van de proof klopt niet", "/proof/domain")
    if challenge is not None and proof.get("challenge") != challenge:
        raise sig_error("di.challenge_mismatch", "proof challenge does not match",
                         "challenge van de proof klopt niet", "/proof/challenge")
    if "expires" in proof:
        expires = check_datetime(proof["expires"], "expires")
        if clock is not None and clock.now() > expires:
            raise sig_error("di.proof_expired", "proof has expired", "proof is verlopen",
                             "/proof/expires")


def signature_bytes(proof: Mapping[str, Any]) -> bytes:
    """The Ed25519 signature in ``proofValue`` (VC-DI-EdDSA §3.2.1: base58btc multibase, 64
    bytes). The length is checked before decoding: base58 decoding is quadratic."""
    value = proof["proofValue"]
    if len(value) > 1 + MAX_BASE58:
        raise sig_error("di.proof_value_malformed",
                         f"proofValue is {len(value)} characters long; an Ed25519 signature in "
                         "base58btc has at most 88",
                         f"proofValue is {len(value)} tekens lang; een Ed25519-handtekening in "
                         "base58btc heeft er hoogstens 88", "/proof/proofValue")
    try:
        raw = multibase_decode(value)
    except ParseError:
        raw = b""
    if not value.startswith("z") or len(raw) != 64:
        raise sig_error("di.proof_value_malformed",
                         "proofValue is not a base58btc multibase Ed25519 signature",
                         "proofValue is geen base58btc-multibase-Ed25519-handtekening",
                         "/proof/proofValue")
    return raw
