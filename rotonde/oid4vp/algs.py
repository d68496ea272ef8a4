"""Algorithm identifiers in ``vp_formats_supported`` (OpenID4VP 1.0 §11.1, Appendix B.3.4).

For ``dc+sd-jwt``, ``sd-jwt_alg_values`` and ``kb-jwt_alg_values`` are *fully specified*
algorithm identifiers (draft-ietf-jose-fully-specified-algorithms): ``Ed25519`` rather than
the polymorphic ``EdDSA``; ``ES256`` is already fully specified (ECDSA with P-256 and SHA-256).
Rotonde advertises the fully specified names (:data:`SD_JWT_ALG_VALUES`) and, reading someone
else's metadata, also takes the older ``EdDSA`` for an Ed25519 signature
(:func:`alg_accepted`). ``jwt_vc_json``'s ``alg_values`` (Appendix B.1.3.1) are matched with
the JOSE ``alg`` header as written, so there ``EdDSA`` stays.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["SD_JWT_ALG_VALUES", "alg_accepted", "fully_specified"]

#: What Rotonde verifies for an Issuer-signed JWT and a KB-JWT, fully specified.
SD_JWT_ALG_VALUES: tuple[str, ...] = ("ES256", "Ed25519")

_FULLY_SPECIFIED = {("EdDSA", "Ed25519"): "Ed25519", ("ES256", "P-256"): "ES256"}


def fully_specified(alg: str, crv: str | None = None) -> str:
    """The fully specified name of a JOSE ``alg`` header used with a key on curve ``crv``
    (``EdDSA`` + ``Ed25519`` -> ``Ed25519``); ``EdDSA`` without a curve is taken as Ed25519,
    the only EdDSA curve Rotonde knows. Anything else is returned unchanged."""
    if alg == "EdDSA" and crv is None:
        crv = "Ed25519"
    if alg == "ES256" and crv is None:
        crv = "P-256"
    return _FULLY_SPECIFIED.get((alg, crv or ""), alg)


def alg_accepted(values: Iterable[str] | None, alg: str, crv: str | None = None) -> bool:
    """Does a list of ``sd-jwt_alg_values`` / ``kb-jwt_alg_values`` accept a JWS whose header
    says ``alg`` (and whose key is on ``crv``)? No list means no restriction (the parameter is
    OPTIONAL). Both the fully specified name and the polymorphic header value are accepted, so
    a peer that still writes ``EdDSA`` is understood."""
    if values is None:
        return True
    allowed = {v for v in values if isinstance(v, str)}
    return alg in allowed or fully_specified(alg, crv) in allowed
