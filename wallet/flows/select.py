"""Choosing what to present: which held credentials answer which DCQL credential query
(OpenID4VP 1.0 §6.4.1), with which claims, and which of those claims are optional (present in
the preferred ``claim_sets`` option but not in every satisfiable one)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from rotonde import oid4vp
from rotonde.errors import RotondeError, ValidationError
from rotonde.oid4vp import ClaimPath
from wallet.flows.store import Held

__all__ = ["Candidate", "candidates", "dcql_to_sd_path", "required_sets"]


def dcql_to_sd_path(path: ClaimPath) -> tuple[str, ...]:
    """A DCQL claims path pointer (§7) as an SD-JWT claim path (``None`` → ``*``)."""
    return tuple("*" if p is None else str(p) for p in path)


@dataclass(frozen=True)
class Candidate:
    """A held credential that answers a credential query, and the claims it would disclose.

    ``paths`` is the verifier's preferred claim set (the first satisfiable ``claim_sets``
    option, §6.4.1); ``options`` every satisfiable option. A claim of ``paths`` missing from
    some option is optional: the learner may leave it out (:meth:`optional`)."""

    query_id: str
    held: Held
    paths: tuple[ClaimPath, ...]
    options: tuple[frozenset[ClaimPath], ...] = ()

    @property
    def optional(self) -> tuple[ClaimPath, ...]:
        return tuple(p for p in self.paths if any(p not in o for o in self.options))

    def disclose(self, keep_optional: Iterable[ClaimPath]) -> list[ClaimPath]:
        """The paths to disclose when the learner keeps ``keep_optional``; raises
        ``present.claims_insufficient`` when that no longer satisfies any claim set."""
        keep = set(keep_optional)
        chosen = [p for p in self.paths if p not in self.optional or p in keep]
        if self.options and not any(o <= set(chosen) for o in self.options):
            raise ValidationError(
                "present.claims_insufficient",
                "with these claims left out the request is no longer answered",
                message_nl="zonder deze gegevens wordt het verzoek niet meer beantwoord")
        return chosen


def _claims_for_matching(held: Held) -> dict[str, Any]:
    claims = (held.meta.get("report") or {}).get("claims")
    if isinstance(claims, dict):
        return claims
    return held.credential if isinstance(held.credential, dict) else {}


def _sd_jwt_alg_ok(request: dict[str, Any], held: Held) -> bool:
    """Does the verifier's ``vp_formats_supported`` (OpenID4VP 1.0 §11.1, B.3.4) accept the
    Issuer-signed JWT's algorithm? Fully specified names (``Ed25519``) and the older ``EdDSA``
    are both understood (:func:`rotonde.oid4vp.alg_accepted`)."""
    meta = request.get("client_metadata") or {}
    formats = meta.get("vp_formats_supported") if isinstance(meta, dict) else None
    sd = formats.get("dc+sd-jwt") if isinstance(formats, dict) else None
    values = sd.get("sd-jwt_alg_values") if isinstance(sd, dict) else None
    if not isinstance(values, list):
        return True
    try:
        from rotonde.sdjwt import parse

        alg = str(parse(held.sd_jwt).jws.header.get("alg", ""))
    except RotondeError:
        return False
    return oid4vp.alg_accepted(values, alg)


def candidates(request: dict[str, Any], held: list[Held]) -> dict[str, list[Candidate]]:
    """For every credential query id, the usable (verified, not revoked) credentials whose
    format and algorithm the verifier accepts."""
    query = oid4vp.parse_dcql(request["dcql_query"])
    expander = oid4vp.jsonld_type_expander()  # type_values are expanded IRIs (B.1.1)
    out: dict[str, list[Candidate]] = {}
    for cq in query.credentials:
        found: list[Candidate] = []
        for h in held:
            if not h.meta.get("verified") or h.status in ("revoked", "suspended", "expired"):
                continue
            fmt = "jwt_vc_json" if h.format == "vc+jwt" else h.format
            if fmt == "dc+sd-jwt" and not _sd_jwt_alg_ok(request, h):
                continue
            claims = _claims_for_matching(h)
            match = oid4vp.match_credential(cq, fmt, claims, type_expander=expander)
            if match.satisfied:
                options: list[frozenset[ClaimPath]] = []
                for option in cq.claim_sets or ():
                    one = oid4vp.match_credential(replace(cq, claim_sets=(option,)), fmt, claims,
                                                  type_expander=expander)
                    if one.satisfied:
                        options.append(frozenset(tuple(p) for p in one.claim_paths))
                paths = match.claim_paths
                if not cq.claim_sets:  # disclose only the array elements a value matched
                    paths = oid4vp.narrow_paths(cq, claims, paths)
                found.append(Candidate(cq.id, h, tuple(tuple(p) for p in paths),
                                       tuple(options)))
        out[cq.id] = found
    return out


def required_sets(request: dict[str, Any]) -> list[list[list[str]]]:
    """Credential sets the response must satisfy (each: options of query ids)."""
    query = oid4vp.parse_dcql(request["dcql_query"])
    if query.credential_sets is None:
        return [[[cid]] for cid in query.ids]
    return [[list(o) for o in s.options] for s in query.credential_sets if s.required]
