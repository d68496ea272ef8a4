"""What the learner sees about their credentials: human-readable claims, the competence
passport (:mod:`rotonde.learning.passport`), pathway progress (:mod:`rotonde.learning.stacking`)
and self-assessments (a record of kind ``self_assessment`` signed by the holder's own key as an
SD-JWT VC, so it travels like any other credential but is always shown as self-assessed).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rotonde.clock import Clock, format_datetime
from rotonde.errors import ValidationError
from rotonde.keys import PrivateKey
from wallet.flows.store import Held
from wallet.i18n import enum_label

__all__ = [
    "claim_rows",
    "evidence_of",
    "load_pathways",
    "make_self_assessment",
]

_ESCO = "http://data.europa.eu/esco/skill/"


def _text(value: Any, lang: str) -> str:
    if isinstance(value, dict):
        return str(value.get(lang) or value.get("en") or value.get("nl")
                   or next(iter(value.values()), ""))
    return "" if value is None else str(value)


def _level(value: Any, t: Any) -> str:
    if not isinstance(value, dict):
        return ""
    out = f"{value.get('framework', '')} {value.get('value', '')}".strip()
    if value.get("source"):
        out += f" ({t('source.' + str(value['source']))})"
    return out


def claim_rows(held: Held, lang: str, t: Any) -> list[tuple[str, str]]:
    """``(label, value)`` rows in the reader's language."""
    rec = held.record
    nl = lang == "nl"
    rows: list[tuple[str, str]] = []
    if rec:
        def add(en: str, nl_label: str, value: str) -> None:
            if value:
                rows.append((nl_label if nl else en, value))

        add("Title", "Titel", _text(rec.get("title"), lang))
        add("Kind", "Soort", enum_label(str(rec.get("kind", "")), t))
        add("Description", "Beschrijving", _text(rec.get("description"), lang))
        add("Learner", "Lerende", _text((rec.get("learner") or {}).get("name"), lang))
        add("Awarded by", "Toegekend door",
            _text((rec.get("awarding_body") or {}).get("name"), lang))
        add("Award date", "Datum van toekenning", str(rec.get("award_date", "")))
        add("Level", "Niveau", _level(rec.get("level"), t))
        w = rec.get("workload") or {}
        parts = []
        if w.get("ects"):
            parts.append(f"{w['ects']} EC")
        if w.get("hours"):
            parts.append(f"{w['hours']} {'uur' if nl else 'hours'}")
        add("Workload", "Studielast", ", ".join(parts))
        q = rec.get("qualification") or {}
        if q:
            add("Qualification", "Kwalificatie",
                f"{_text(q.get('name'), lang)} ({q.get('code_system', '').upper()} {q.get('code', '')})")
        a = rec.get("assessment") or {}
        add("Assessment", "Beoordeling", enum_label(str(a.get("type", "")), t) if a else "")
        add("Assurance", "Zekerheid", t("assurance." + str(rec.get("assurance", "")).replace(
            "_", "-")) if rec.get("assurance") else "")
        qa = rec.get("quality_assurance") or {}
        add("Quality assurance", "Kwaliteitsborging",
            " ".join(x for x in (enum_label(str(qa.get("type", "")), t) if qa else "",
                                 str(qa.get("body", ""))) if x))
        v = rec.get("validity") or {}
        add("Valid until", "Geldig tot", str(v.get("valid_until", "")))
        for outcome in rec.get("learning_outcomes") or ():
            label = "Learning outcome" if not nl else "Leerresultaat"
            text = _text(outcome.get("title"), lang)
            lvl = _level(outcome.get("level"), t)
            rows.append((label, text + (f" — {lvl}" if lvl else "")))
        return rows
    claims = (held.meta.get("report") or {}).get("claims") or {}
    for key, value in _flatten(claims):
        if key.split(".")[-1] in ("_sd", "_sd_alg", "cnf", "@context", "proof"):
            continue
        rows.append((key, value))
    return rows[:80]


def _flatten(value: Any, prefix: str = "") -> list[tuple[str, str]]:
    if isinstance(value, dict):
        out: list[tuple[str, str]] = []
        for k, v in value.items():
            out.extend(_flatten(v, f"{prefix}.{k}" if prefix else str(k)))
        return out
    if isinstance(value, list):
        if all(not isinstance(v, (dict, list)) for v in value):
            return [(prefix, ", ".join(str(v) for v in value))]
        out = []
        for i, v in enumerate(value):
            out.extend(_flatten(v, f"{prefix}[{i}]"))
        return out
    if isinstance(value, (int, float)) and prefix.split(".")[-1] in ("iat", "exp", "nbf"):
        return [(prefix, format_datetime(float(value)))]
    return [(prefix, str(value))]


def _same_achievement(rec: dict[str, Any]) -> str:
    # Not the record ``id``: read back from an Open Badge it is derived per document (the
    # OB3 achievement id of an issuer that sets none hashes the learner's whole record, so
    # the LDP and JWT forms of one award differ), while SD-JWT VC and ELM forms have none.
    body = rec.get("awarding_body") or {}
    return json.dumps([rec.get("kind"), rec.get("title"), body.get("id"),
                       rec.get("award_date")], sort_keys=True)


def evidence_of(items: list[Held], *, one_per_achievement: bool = False) -> list[Any]:
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
