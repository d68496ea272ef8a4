"""Request templates an employer picks from, and how a template or a requirement profile
becomes a DCQL query (OpenID4VP 1.0 §6) plus the requirement evaluated on the answer.

A *requirement* here is ``{"min_level": int|None, "min_assurance": str|None,
"accepted_issuers": [str]|None, "trusted_only": bool}``; it is checked on the disclosed claims
by :mod:`verifier.flows.requirement`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rotonde.errors import ValidationError
from rotonde.oid4vp import parse_dcql

__all__ = ["DEFAULT_VCT", "TEMPLATES", "Template", "compose", "from_profile", "load_profiles"]

#: Credential kinds a template asks for by default (SD-JWT VC ``vct`` per kind).
DEFAULT_KINDS = ("microcredential", "qualification", "evc", "employer_attestation")


def _vct_values() -> list[str]:
    from rotonde.learning.sdjwt_vc import vct_for

    return [vct_for(k) for k in DEFAULT_KINDS]


DEFAULT_VCT = "https://rotonde.example/credentials/microcredential/1.0"


@dataclass(frozen=True)
class Template:
    id: str
    title_en: str
    title_nl: str
    claims: tuple[tuple[str, ...], ...]
    requirement: Mapping[str, Any]

    def title(self, lang: str) -> str:
        return self.title_nl if lang == "nl" else self.title_en


TEMPLATES: dict[str, Template] = {
    t.id: t
    for t in (
        Template("achievement", "Proof of an achievement (title, level, awarding body)",
                 "Bewijs van een prestatie (titel, niveau, uitgever)",
                 (("title",), ("level",), ("awarding_body",)), {}),
        Template("level", "Achievement at a minimum level", "Prestatie op een minimumniveau",
                 (("title",), ("level",), ("assurance",)), {"min_level": 3}),
        Template("assessed", "Assessed achievement (with assessment)",
                 "Getoetste prestatie (met toetsing)",
                 (("title",), ("level",), ("assurance",), ("assessment",)),
                 {"min_assurance": "assessed"}),
    )
}


def _bad(pointer: str, en: str, nl: str) -> ValidationError:
    return ValidationError("request.invalid", en, message_nl=nl, pointer=pointer)


def compose(
    *,
    template: str | None = None,
    dcql_query: Mapping[str, Any] | None = None,
    vct: str | None = None,
    min_level: int | None = None,
    min_assurance: str | None = None,
    accepted_issuers: list[str] | None = None,
    trusted_only: bool = False,
) -> tuple[dict[str, Any], dict[str, Any], str]:
    """``(dcql_query, requirement, title)`` from a template id or a raw DCQL query."""
    requirement: dict[str, Any] = {}
    if dcql_query is not None:
        query = dict(dcql_query)
        parse_dcql(query)
        title = "Custom request"
    else:
        tpl = TEMPLATES.get(template or "achievement")
        if tpl is None:
            raise _bad("/template", f"unknown template {template!r}", f"onbekend sjabloon {template!r}")
        requirement.update(tpl.requirement)
        query = {"credentials": [{
            "id": "achievement", "format": "dc+sd-jwt",
            "meta": {"vct_values": [vct] if vct else _vct_values()},
            "claims": [{"path": list(p)} for p in tpl.claims],
        }]}
        title = tpl.title_en
    if min_level is not None:
        if not 0 <= min_level <= 8:
            raise _bad("/min_level", "min_level must be 0 (entry) to 8",
                       "min_level moet 0 (instap) tot 8 zijn")
        requirement["min_level"] = min_level
    if min_assurance:
        if min_assurance not in ("self_asserted", "attested", "assessed"):
            raise _bad("/min_assurance", "min_assurance must be self_asserted, attested or assessed",
                       "min_assurance moet self_asserted, attested of assessed zijn")
        requirement["min_assurance"] = min_assurance
    if accepted_issuers:
        requirement["accepted_issuers"] = [str(i) for i in accepted_issuers][:50]
    if trusted_only:
        requirement["trusted_only"] = True
    return query, requirement, title


def from_profile(profile: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any], str]:
    """A requirement profile (``schemas/requirement-profile.schema.json``) as a request: its
    DCQL query from :func:`rotonde.learning.matching.to_dcql`."""
    from rotonde.learning import matching

    matching.validate_profile(profile)
    query = matching.to_dcql(profile)
    title = profile.get("title")
    name = title.get("en") if isinstance(title, dict) else title
    return query, {"profile": dict(profile)}, str(name or profile.get("id") or "Requirement profile")


def load_profiles(directory: Path | None) -> dict[str, dict[str, Any]]:
    """Valid requirement profiles in ``directory`` (``*.json``), by profile id. Invalid files
    are skipped (and logged), so one bad file does not stop the service."""
    import json
    import logging

    from rotonde.errors import RotondeError
    from rotonde.learning.matching import validate_profile

    out: dict[str, dict[str, Any]] = {}
    if directory is None or not directory.is_dir():
        return out
    for path in sorted(directory.glob("*.json")):
        try:
            profile = validate_profile(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, RotondeError) as exc:
            logging.getLogger("rotonde.verifier").warning("skipping profile %s: %s", path, exc)
            continue
        out[str(profile["id"])] = profile
    return out
