"""The SD-JWT VC profile (draft-ietf-oauth-sd-jwt-vc).

* Media type / JOSE ``typ``: ``dc+sd-jwt`` (§3.2.1); ``vc+sd-jwt`` is accepted on input for
  credentials issued under earlier drafts (§3.2.1 transition note), never produced.
* ``vct`` (§3.2.2.1.1) is a required string; ``vct#integrity`` is optional.
* ``iss``, ``nbf``, ``exp``, ``cnf``, ``vct``, ``vct#integrity`` and ``status`` MUST NOT be
  selectively disclosable (§3.2.2.2); ``iat`` and ``sub`` MAY be.
* Issuer keys from JWT VC Issuer Metadata (§5): the metadata lives at
  ``/.well-known/jwt-vc-issuer`` inserted between the host and the path of ``iss``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rotonde._urls import split_url, well_known
from rotonde.errors import ConfigurationError, ValidationError

__all__ = [
    "ACCEPTED_TYPS",
    "NEVER_DISCLOSABLE",
    "TYP",
    "check_disclosable",
    "check_vc_claims",
    "issuer_metadata_url",
]

TYP = "dc+sd-jwt"
ACCEPTED_TYPS: frozenset[str] = frozenset({"dc+sd-jwt", "vc+sd-jwt"})
#: Top-level claims that must stay in the clear (draft-ietf-oauth-sd-jwt-vc §3.2.2.2).
NEVER_DISCLOSABLE: frozenset[str] = frozenset(
    {"iss", "nbf", "exp", "cnf", "vct", "vct#integrity", "status"}
)


def check_disclosable(top_level_names: Iterable[str]) -> None:
    """Refuse, at issuance, to make a :data:`NEVER_DISCLOSABLE` claim disclosable."""
    for name in top_level_names:
        if name in NEVER_DISCLOSABLE:
            raise ConfigurationError(
                "sdjwt_vc.claim_not_disclosable",
                f"claim {name!r} must not be selectively disclosable in an SD-JWT VC",
                message_nl=f"claim {name!r} mag in een SD-JWT VC niet selectief onthulbaar zijn",
                pointer=name,
            )


_KINDS: dict[type, tuple[str, str]] = {str: ("a string", "tekst"),
                                       dict: ("a JSON object", "een JSON-object")}


def _optional(payload: dict[str, Any], name: str, kind: type, code: str) -> None:
    """An optional claim, when present, must be of ``kind`` (a string or a JSON object)."""
    value = payload.get(name)
    if value is not None and not isinstance(value, kind):
        en, nl = _KINDS[kind]
        raise ValidationError(code, f"{name!r} must be {en}", message_nl=f"{name!r} moet {nl} zijn",
                              pointer=name)


def check_vc_claims(payload: dict[str, Any], disclosed_top_level: Iterable[str]) -> None:
    """Verifier-side profile checks on the Issuer-signed payload and the disclosed names."""
    vct = payload.get("vct")
    if not isinstance(vct, str) or not vct:
        raise ValidationError(
            "sdjwt_vc.vct_missing",
            "SD-JWT VC has no 'vct' string claim",
            message_nl="SD-JWT VC heeft geen 'vct'-claim als tekst",
            pointer="vct",
        )
    _optional(payload, "vct#integrity", str, "sdjwt_vc.vct_integrity_malformed")
    _optional(payload, "iss", str, "sdjwt_vc.iss_malformed")
    for name in disclosed_top_level:
        if name in NEVER_DISCLOSABLE:
            raise ValidationError(
                "sdjwt_vc.claim_not_disclosable",
                f"claim {name!r} was selectively disclosed but must be in the clear",
                message_nl=f"claim {name!r} was selectief onthuld maar moet open zijn",
                pointer=name,
            )
    _optional(payload, "cnf", dict, "sdjwt_vc.cnf_malformed")
    _optional(payload, "status", dict, "sdjwt_vc.status_malformed")


def issuer_metadata_url(iss: str) -> str:
    """URL of the JWT VC Issuer Metadata for an ``https`` ``iss`` (§5.1)."""
    parts = split_url(iss)
    if parts.scheme != "https" or not parts.netloc or parts.query or parts.fragment:
        raise ValidationError(
            "sdjwt_vc.iss_not_https",
            f"issuer {iss!r} is not an https URL without query or fragment",
            message_nl=f"uitgever {iss!r} is geen https-URL zonder query of fragment",
            pointer="iss",
        )
    return well_known(iss, "jwt-vc-issuer")
