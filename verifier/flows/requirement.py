"""Does the disclosed evidence meet what was asked? (level ≥ N, assurance, accepted issuer)

Evaluated on *verified* claims only. Levels compare by rank (NLQF n = EQF n, entry = 0,
:mod:`rotonde.learning.levels`); assurance orders self_asserted < attested < assessed. A
requirement profile is matched with :func:`rotonde.learning.matching.match` when given.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["evaluate_requirement", "find_claim"]

_ASSURANCE = {"self_asserted": 1, "attested": 2, "assessed": 3}


def find_claim(claims: Any, name: str, depth: int = 4) -> Any:
    """The first value of ``name`` at the top level or nested in objects (breadth first)."""
    layer = [claims]
    for _ in range(depth):
        nxt: list[Any] = []
        for node in layer:
            if isinstance(node, dict):
                if name in node:
                    return node[name]
                nxt.extend(v for v in node.values() if isinstance(v, (dict, list)))
            elif isinstance(node, list):
                nxt.extend(v for v in node if isinstance(v, (dict, list)))
        layer = nxt
    return None


def _level_rank(level: Any) -> int | None:
    value = level.get("value") if isinstance(level, Mapping) else level
    if value == "entry":
        return 0
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    if isinstance(value, str) and value.rstrip("/").rsplit("/", 1)[-1].isdigit():
        return int(value.rstrip("/").rsplit("/", 1)[-1])  # EQF URI
    return None


def _reason(code: str, en: str, nl: str, ok: bool, **detail: Any) -> dict[str, Any]:
    return {"code": code, "met": ok, "message": en, "message_nl": nl, "detail": detail}


def evaluate_requirement(
    requirement: Mapping[str, Any],
    credentials: list[dict[str, Any]],
) -> dict[str, Any]:
    """``credentials``: per presented credential ``{"claims", "issuer", "trusted"}``.

    Returns ``{"met": bool, "reasons": [...]}``; ``met`` is true when at least one verified
    credential satisfies every criterion.
    """
    if not requirement:
        return {"met": True, "reasons": [], "asked": {}}
    per_cred: list[list[dict[str, Any]]] = []
    for cred in credentials:
        claims = cred.get("claims") or {}
        reasons: list[dict[str, Any]] = []
        if requirement.get("min_level") is not None:
            need = int(requirement["min_level"])
            have = _level_rank(find_claim(claims, "level"))
            reasons.append(_reason(
                "requirement.level", f"level {have if have is not None else 'unknown'} "
                f"(asked: {need} or higher)",
                f"niveau {have if have is not None else 'onbekend'} (gevraagd: {need} of hoger)",
                have is not None and have >= need, have=have, need=need))
        if requirement.get("min_assurance"):
            need_a = str(requirement["min_assurance"])
            have_a = find_claim(claims, "assurance")
            ok = _ASSURANCE.get(str(have_a), 0) >= _ASSURANCE.get(need_a, 9)
            reasons.append(_reason(
                "requirement.assurance", f"assurance {have_a or 'unknown'} (asked: {need_a})",
                f"zekerheid {have_a or 'onbekend'} (gevraagd: {need_a})", ok,
                have=have_a, need=need_a))
        accepted = requirement.get("accepted_issuers")
        if accepted:
            issuer = cred.get("issuer")
            reasons.append(_reason(
                "requirement.issuer", f"issuer {issuer} is {'' if issuer in accepted else 'not '}"
                "one of the accepted issuers",
                f"uitgever {issuer} is {'' if issuer in accepted else 'niet '}een van de "
                "geaccepteerde uitgevers", issuer in accepted, issuer=issuer))
        if requirement.get("trusted_only"):
            ok = cred.get("trusted") is True
            reasons.append(_reason(
                "requirement.trusted", "issuer is on the trust list" if ok else
                "issuer is not on the trust list",
                "uitgever staat op de vertrouwenslijst" if ok else
                "uitgever staat niet op de vertrouwenslijst", ok))
        per_cred.append(reasons)
    if "profile" in requirement:
        return _profile(requirement["profile"], credentials)
    best = next((r for r in per_cred if all(x["met"] for x in r)), None)
    if best is None:
        best = per_cred[0] if per_cred else [
            _reason("requirement.no_evidence", "no verified evidence was presented",
                    "er is geen geverifieerd bewijs getoond", False)]
    return {"met": all(x["met"] for x in best), "reasons": best,
            "asked": {k: v for k, v in requirement.items() if k != "profile"}}


def _profile(profile: Mapping[str, Any], credentials: list[dict[str, Any]]) -> dict[str, Any]:
    """Match a requirement profile with the core matcher."""
    try:
        from rotonde.learning import read
        from rotonde.learning.evidence import Evidence
        from rotonde.learning.matching import match

        evidence = []
        for i, c in enumerate(credentials):
            claims = c.get("claims") or {}
            try:
                record = read(claims)
            except Exception:
                # selective disclosure leaves a partial record: match on what was disclosed
                from rotonde.learning.sdjwt_vc import JWT_CLAIMS

                record = {k: v for k, v in claims.items() if k not in JWT_CLAIMS}
            evidence.append(Evidence(record=record, ref=str(c.get("query_id") or i),
                                     issuer=c.get("issuer"), trusted=c.get("trusted")))
        result = match(profile, evidence)
    except Exception as exc:  # the profile matcher is optional; never crash a verdict
        return {"met": False, "reasons": [_reason(
            "requirement.unavailable", f"the requirement profile could not be evaluated "
            f"({type(exc).__name__})", "het eisenprofiel kon niet worden beoordeeld", False)],
            "asked": {"profile": profile.get("id")}}
    out: dict[str, Any] = result.to_dict()
    reasons = []
    for m in out.get("requirements", []):
        title = m.get("title") or {}
        en = str(title.get("en") or title.get("nl") or m.get("id"))
        nl = str(title.get("nl") or en)
        why = [r for r in m.get("reasons") or [] if isinstance(r, dict)]
        if not m.get("fulfilled") and m.get("optional"):
            en += " (optional, not shown)"
            nl += " (optioneel, niet getoond)"
        elif not m.get("fulfilled") and why:
            en += f" — {why[0].get('message', why[0].get('en', ''))}"
            nl += f" — {why[0].get('message_nl', why[0].get('nl', ''))}"
        reasons.append(_reason("requirement.profile_item", en, nl,
                               bool(m.get("fulfilled")) or bool(m.get("optional")),
                               id=m.get("id"), evidence=m.get("evidence")))
    return {"met": bool(result.fulfilled), "reasons": reasons,
            "asked": {"profile": profile.get("id")}, "profile_result": out}
