"""What the learner sees about their credentials: human-readable claims, the competence
passport (:mod:`rotonde.learning.passport`), pathway progress (:mod:`rotonde.learning.stacking`)
and self-assessments (a record of kind ``self_assessment`` signed by the holder's own key as an
SD-JWT VC, so it travels like any other credential but is always shown as self-assessed).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rotonde.clock import Clock, format_datetime
from rotonde.errors import ValidationError
from rotonde.keys import PrivateKey
from rotonde.learning.describe import Row
from rotonde.learning.ob3 import primary_language
from rotonde.oid4vp import ClaimPath
from wallet.flows.store import Held

if TYPE_CHECKING:
    from rotonde.learning.evidence import Evidence

__all__ = [
    "claim_rows",
    "disclosed_rows",
    "evidence_of",
    "load_pathways",
    "make_self_assessment",
]

_ESCO = "http://data.europa.eu/esco/skill/"


#: Claims the detail page shows elsewhere (the issuer in the heading).
_NOT_LISTED = frozenset({"iss"})


def claim_rows(held: Held, lang: str) -> list[Row]:
    """The claims of a held credential in the reader's language
    (:mod:`rotonde.learning.describe`, shared with the verifier): from the verified SD-JWT VC
    claims (issue date included), else the record read back on receipt, else whatever the
    credential holds; the awarding body is named only when the signature proved it."""
    from rotonde.learning.describe import describe, describe_claims

    report = held.meta.get("report") or {}
    claims = report.get("claims")
    claims = claims if isinstance(claims, dict) else {}
    # the issuer the signature proved: an awarding body that names another one is "not confirmed"
    issuer = report.get("issuer") if isinstance(report.get("issuer"), str) else None
    if held.format == "dc+sd-jwt" and claims:
        rows = describe_claims(claims, lang=lang, issuer=issuer)
    elif held.record:
        rows = describe(held.record, lang=lang, issuer=issuer)
    elif isinstance(held.credential, dict):
        rows = describe_claims(held.credential, lang=lang, issuer=issuer)
    else:
        rows = describe_claims(claims, lang=lang, issuer=issuer)
    return [r for r in rows if r.key not in _NOT_LISTED]


def disclosed_rows(held: Held, paths: Iterable[ClaimPath], lang: str) -> list[Row]:
    """The rows a presentation of ``paths`` (claim paths, ``None`` = every array element)
    would show the verifier: what the learner is about to share, in words."""
    from rotonde.learning.describe import rows_for_path

    rows = claim_rows(held, lang)
    out: list[Row] = []
    for path in paths:
        steps: list[str] = []
        for step in path:
            if step is None or step == "*":
                break  # every element: the rows of the whole array
            steps.append(str(step))
        dotted = ".".join(steps)
        for row in rows_for_path(rows, dotted) if dotted else rows:
            if row not in out:
                out.append(row)
    return out


def _same_achievement(rec: dict[str, Any]) -> str:
    # Not the record ``id``: read back from an Open Badge it is derived per document (the
    # OB3 achievement id of an issuer that sets none hashes the learner's whole record, so
    # the LDP and JWT forms of one award differ), while SD-JWT VC and ELM forms have none.
    # The title in one language only: the Open Badge form carries one (its primary language,
    # rotonde.learning.ob3.carried), the other forms all of them.
    body = rec.get("awarding_body") or {}
    title = rec.get("title")
    if isinstance(title, dict) and title:
        lang = primary_language(title)
        title = {lang: title[lang]}
    return json.dumps([rec.get("kind"), title, body.get("id"),
                       rec.get("award_date")], sort_keys=True)


def evidence_of(items: list[Held], *, one_per_achievement: bool = False) -> list[Evidence]:
    """:class:`rotonde.learning.evidence.Evidence` for every credential with a record.

    With ``one_per_achievement`` the same achievement received in several formats (an issuer
    offering SD-JWT VC, Open Badge and ELM at once) counts once, so credits are not tripled."""
    from rotonde.learning.evidence import Evidence

    out = []
    seen: set[str] = set()
    ordered = sorted(items, key=lambda h: (not h.meta.get("verified"), h.status != "valid"))
    for h in ordered:
        rec = h.record
        if not rec:
            continue
        if one_per_achievement:
            key = _same_achievement(rec)
            if key in seen:
                continue
            seen.add(key)
        trusted = h.meta.get("trusted")
        out.append(Evidence(rec, ref=h.id, issuer=(h.meta.get("issuer") or {}).get("id"),
                            verified=bool(h.meta.get("verified")), status=h.status if h.status
                            in ("valid", "revoked", "suspended") else "unknown",
                            trusted=trusted if isinstance(trusted, bool) else None))
    return out


def load_pathways(directory: Path | None) -> list[dict[str, Any]]:
    """Pathway documents (JSON) from ``directory``; default the shipped ``examples/pathways``."""
    base = directory or Path(__file__).resolve().parents[2] / "examples" / "pathways"
    out: list[dict[str, Any]] = []
    if not base.is_dir():
        return out
    for path in sorted(base.glob("*.json")):
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(doc, dict) and isinstance(doc.get("id"), str):
            out.append(doc)
    return out


def make_self_assessment(
    *, skill_title: str, skill_uri: str, level: int, lang: str, holder: PrivateKey,
    name: str, clock: Clock,
) -> tuple[str, dict[str, Any]]:
    """A self-assessment record and its SD-JWT VC signed by the holder's own key."""
    from rotonde.did.jwk import did_jwk_from_public_key
    from rotonde.sdjwt import issue

    title = skill_title.strip()
    if not 1 <= len(title) <= 200:
        raise ValidationError("self.skill_missing", "name the skill (up to 200 characters)",
                              message_nl="noem de vaardigheid (tot 200 tekens)",
                              pointer="/skill")
    if not 1 <= level <= 8:
        raise ValidationError("self.level_invalid", "choose a level from 1 to 8",
                              message_nl="kies een niveau van 1 tot 8", pointer="/level")
    uri = skill_uri.strip()
    if not uri.startswith(_ESCO) or len(uri) > 200 or not all(
            c.isalnum() or c in "-." for c in uri[len(_ESCO):]) or uri == _ESCO:
        raise ValidationError("self.skill_uri_invalid",
                              f"the skill link must start with {_ESCO}",
                              message_nl=f"de vaardigheidslink moet beginnen met {_ESCO}",
                              pointer="/skill_uri")
    did = did_jwk_from_public_key(holder.public_key)
    today = format_datetime(clock.now())[:10]
    outcome: dict[str, Any] = {
        "skill": uri,
        "title": {lang: title},
        "level": {"framework": "NLQF", "value": level, "source": "self"},
        "assurance": "self_asserted",
    }
    record: dict[str, Any] = {
        "kind": "self_assessment",
        "title": {"nl": f"Zelfinschatting: {title}", "en": f"Self-assessment: {title}"},
        "learner": {"name": name, "id": did},
        "awarding_body": {"id": did, "name": {"nl": "Ikzelf", "en": "Myself"}, "country": "NL"},
        "award_date": today,
        "learning_outcomes": [outcome],
        "level": {"framework": "NLQF", "value": level, "source": "self"},
        "assurance": "self_asserted",
    }
    from rotonde.learning import sdjwt_vc

    claims, disclosable, vct = sdjwt_vc.build(record)
    token = issue(claims, signer=holder.with_kid(did + "#0"), vct=vct, iss=did,
                  holder_key=holder.public_key, clock=clock, disclosable=disclosable)
    return token, record
