"""OpenID4VCI 1.0 Appendix F.1: the ``jwt`` key proof type (``openid4vci-proof+jwt``).

Header: ``typ`` = ``openid4vci-proof+jwt``, ``alg`` from the allow-list, and exactly one key
parameter — ``jwk`` (a public key; private members refused) or ``kid`` (a DID URL naming the
key; ``did:key`` and ``did:jwk`` are resolved here, other methods through a caller-supplied
resolver). ``x5c`` and ``trust_chain`` are not supported. Claims: ``aud`` (the Credential
Issuer Identifier), ``iat`` (fresh, not in the future) and ``nonce`` (the ``c_nonce`` from the
Nonce Endpoint; §7). Failures map to ``invalid_proof`` — a proof that carries no ``c_nonce``
too (§8.3.1.2 case 3); ``invalid_nonce`` is for a nonce that is present but not valid.
Whether a nonce is still valid and unused is the issuer's call (a single-use store).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from rotonde.clock import Clock, SystemClock
from rotonde.errors import RotondeError
from rotonde.jws import parse_compact, sign_compact
from rotonde.keys import PublicKey, Signer, public_key_from_jwk
from rotonde.oid4vci._common import OID4VCIError

__all__ = ["PROOF_TYP", "ProofResult", "create_proof", "validate_proof"]

PROOF_TYP = "openid4vci-proof+jwt"
_MAX_PROOF_BYTES = 8 * 1024


def _err(error: str, message: str, message_nl: str) -> RotondeError:
    return OID4VCIError(error, message, message_nl)


@dataclass(frozen=True, slots=True)
class ProofResult:
    """A valid key proof: the holder's key, the DID URL if one was named, and the nonce."""

    public_key: PublicKey
    kid: str | None
    nonce: str | None
    claims: Mapping[str, Any]


def create_proof(
    signer: Signer,
    *,
    audience: str,
    nonce: str | None,
    issued_at: float | None = None,
    kid: str | None = None,
    issuer: str | None = None,
    clock: Clock | None = None,
) -> str:
    """Make a key proof. With ``kid`` (a DID URL) the header names the key; otherwise it
    carries the public ``jwk``."""
    header: dict[str, Any] = {"typ": PROOF_TYP}
    if kid:
        header["kid"] = kid
    else:
        header["jwk"] = signer.public_key.to_jwk()
    iat = int(issued_at if issued_at is not None else (clock or SystemClock()).now())
    claims: dict[str, Any] = {"aud": audience, "iat": iat}
    if nonce is not None:
        claims["nonce"] = nonce
    if issuer is not None:
        claims["iss"] = issuer

    return sign_compact(header, claims, signer)


def _key_from_kid(kid: str, resolve: Callable[[str], PublicKey] | None) -> PublicKey:
    base = kid.partition("#")[0]
    if base.startswith("did:key:"):
        from rotonde.did.key import public_key_from_did_key

        return public_key_from_did_key(base)
    if base.startswith("did:jwk:"):
        from rotonde.did.jwk import public_key_from_did_jwk

        return public_key_from_did_jwk(base)
    if resolve is None:
        raise _err(
            "invalid_proof",
            f"key proof kid {kid[:80]!r} cannot be resolved (use jwk, did:key or did:jwk)",
            f"kid {kid[:80]!r} van het sleutelbewijs kan niet worden opgezocht",
        )
    return resolve(kid)


def validate_proof(
    token: Any,
    *,
    audience: str,
    clock: Clock | None = None,
    max_age: float = 300.0,
    leeway: float = 60.0,
    require_nonce: bool = True,
    allowed_algs: frozenset[str] = frozenset({"ES256", "EdDSA"}),
    resolve_kid: Callable[[str], PublicKey] | None = None,
) -> ProofResult:
    """Check a key proof JWT (Appendix F.1, F.4) and return the key it proves possession of."""
    now = (clock or SystemClock()).now()
    if not isinstance(token, str):
        raise _err("invalid_proof", "key proof is not a string", "sleutelbewijs is geen tekst")
    try:
        jws = parse_compact(token, typ=PROOF_TYP, max_bytes=_MAX_PROOF_BYTES)
        header = jws.header
        if header["alg"] not in allowed_algs:
            raise _err(
                "invalid_proof",
                f"proof alg {header['alg']} is not accepted here",
                f"bewijs-alg {header['alg']} wordt hier niet geaccepteerd",
            )
        named = [k for k in ("jwk", "kid", "x5c", "trust_chain") if k in header]
        if len(named) != 1 or named[0] not in ("jwk", "kid"):
            raise _err(
                "invalid_proof",
                "key proof header must carry exactly one of jwk and kid",
                "header van het sleutelbewijs moet precies één van jwk en kid bevatten",
            )
        kid: str | None = None
        if named[0] == "jwk":
            jwk = header["jwk"]
            if not isinstance(jwk, dict) or "d" in jwk:
                raise _err(
                    "invalid_proof",
                    "jwk must be a public key",
                    "jwk moet een publieke sleutel zijn",
                )
            key = public_key_from_jwk(jwk)
        else:
            if not isinstance(header["kid"], str) or not header["kid"].startswith("did:"):
                raise _err(
                    "invalid_proof",
                    "kid must be a DID URL",
                    "kid moet een DID-URL zijn",
                )
            kid = header["kid"]
            key = _key_from_kid(kid, resolve_kid)
        jws.verify(key)
        claims = jws.claims()
    except OID4VCIError:
        raise
    except RotondeError as exc:
        raise _err(
            "invalid_proof", f"key proof rejected ({exc.code}): {exc.message}",
            f"sleutelbewijs geweigerd ({exc.code}): {exc.problems[0].message_nl or exc.message}",
        ) from None
    aud = claims.get("aud")
    if isinstance(aud, list) and len(aud) == 1:
        aud = aud[0]
    if aud != audience:
        raise _err(
            "invalid_proof",
            f"key proof aud must be the credential issuer {audience!r}",
            f"aud van het sleutelbewijs moet de uitgever {audience!r} zijn",
        )
    iat = claims.get("iat")
    if type(iat) not in (int, float):
        raise _err("invalid_proof", "key proof has no iat", "sleutelbewijs heeft geen iat")
    assert isinstance(iat, (int, float))
    if iat > now + leeway or iat < now - max_age - leeway:
        raise _err(
            "invalid_proof",
            "key proof iat is not fresh",
            "iat van het sleutelbewijs is niet recent",
        )
    nonce = claims.get("nonce")
    if nonce is not None and not isinstance(nonce, str):
        raise _err("invalid_proof", "nonce must be a string", "nonce moet een tekst zijn")
    if require_nonce and not nonce:
        # §8.3.1.2: "invalid_proof ... (3) if at least one of the key proofs does not contain a
        # c_nonce value"; invalid_nonce is only for a c_nonce that is there but invalid.
        raise _err(
            "invalid_proof",
            "key proof carries no c_nonce; get one from the nonce endpoint",
            "sleutelbewijs bevat geen c_nonce; haal er een op bij het nonce-endpoint",
        )
    return ProofResult(key, kid, nonce, claims)
