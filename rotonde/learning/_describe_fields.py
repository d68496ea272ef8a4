"""One function per record field for :mod:`rotonde.learning.describe`.

Each takes the field's value (of any shape: disclosed claims are not validated first) and
returns ``(key, label, value_text, detail)`` tuples; a value of an unexpected shape becomes one
row with its compact JSON. Field meanings: ``schemas/achievement-record.schema.json``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from rotonde.learning import esco
from rotonde.learning._common import COUNTRIES
from rotonde.learning._describe_text import (
    datetime_text,
    json_text,
    number_text,
    pick,
    say,
    word,
)

__all__ = ["field", "level_text"]

Line = tuple[str, str, str, str | None]


def _one(name: str, value: str, lang: str, detail: str | None = None) -> list[Line]:
    return [(name, say(name, lang), value, detail)]


def _text_or_json(value: Any, lang: str) -> str:
    return pick(value, lang) or json_text(value)


def _join(parts: list[str | None], sep: str = " · ") -> str | None:
    kept = [p for p in parts if p]
    return sep.join(kept) if kept else None


def _eqf_of(level: Mapping[str, Any]) -> int | None:
    value = level.get("value")
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 8:
        return value
    return None


def _level_name(level: Mapping[str, Any], lang: str) -> str:
    framework = level.get("framework")
    value = level.get("value")
    fw = framework if isinstance(framework, str) else json_text(framework)
    if value == "entry":
        return f"{fw} {say('entry', lang)}"
    return f"{fw} {value if isinstance(value, (str, int)) else json_text(value)}".strip()


def level_text(level: Any, equivalents: Any, lang: str) -> str:
    """``NLQF 4 (≈ EQF 4), aangegeven door de instelling``; NLQF *n* maps onto EQF *n* and the
    NLQF entry level has no EQF counterpart (:mod:`rotonde.learning.levels`)."""
    if not isinstance(level, Mapping):
        return json_text(level)
    same: list[str] = []
    if isinstance(equivalents, list):
        same = [_level_name(e, lang) for e in equivalents if isinstance(e, Mapping)]
    elif level.get("framework") == "NLQF" and _eqf_of(level) is not None:
        same = [f"EQF {_eqf_of(level)}"]
    elif level.get("framework") == "NLQF" and level.get("value") == "entry":
        same = [say("no_eqf", lang)]
    text = _level_name(level, lang)
    if same:
        marks = [s if s == say("no_eqf", lang) else f"≈ {s}" for s in same]
        text += f" ({', '.join(marks)})"
    if "source" in level:
        text += f", {word('source', level['source'], lang)}"
    return text


def _title(rec: Mapping[str, Any], lang: str) -> list[Line]:
    return _one("title", _text_or_json(rec["title"], lang), lang)


def _description(rec: Mapping[str, Any], lang: str) -> list[Line]:
    return _one("description", _text_or_json(rec["description"], lang), lang)


def _kind(rec: Mapping[str, Any], lang: str) -> list[Line]:
    return _one("kind", word("kind", rec["kind"], lang), lang)


def _learner(rec: Mapping[str, Any], lang: str) -> list[Line]:
    learner = rec["learner"]
    if not isinstance(learner, Mapping):
        return _one("learner", json_text(learner), lang)
    out: list[Line] = []
    for sub in ("name", "birth_date", "identifier", "id"):
        if sub in learner:
            value = learner[sub]
            shown = datetime_text(value, lang) if sub == "birth_date" else None
            out.append((f"learner.{sub}", say(f"learner.{sub}", lang),
                        shown or _text_or_json(value, lang), None))
    for sub, value in learner.items():
        if sub not in ("name", "birth_date", "identifier", "id"):
            out.append((f"learner.{sub}", f"{say('learner', lang)} › {sub}",
                        json_text(value), None))
    return out


def _awarding_body(rec: Mapping[str, Any], lang: str) -> list[Line]:
    body = rec["awarding_body"]
    if not isinstance(body, Mapping):
        return _one("awarding_body", json_text(body), lang)
    name = pick(body.get("name"), lang) or json_text(body.get("id") or body)
    country = body.get("country")
    parts: list[str | None] = []
    if isinstance(country, str) and country in COUNTRIES:
        parts.append(COUNTRIES[country][2 if lang == "nl" else 1])
    elif country is not None:
        parts.append(json_text(country))
    ids = body.get("registry_ids")
    if isinstance(ids, Mapping):
        for reg, value in ids.items():
            parts.append(f"{word('registry', reg, lang)} {json_text(value)}")
    elif ids is not None:
        parts.append(json_text(ids))
    for extra in ("url", "id"):
        if body.get(extra) is not None:
            parts.append(json_text(body[extra]))
    return _one("awarding_body", name, lang, _join(parts))


def _date_field(name: str) -> Callable[[Mapping[str, Any], str], list[Line]]:
    def show(rec: Mapping[str, Any], lang: str) -> list[Line]:
        value = rec[name]
        return _one(name, datetime_text(value, lang) or json_text(value), lang)

    return show


def _validity(rec: Mapping[str, Any], lang: str) -> list[Line]:
    validity = rec["validity"]
    if not isinstance(validity, Mapping) or not (
            {"valid_from", "valid_until"} & set(validity)):
        return _one("validity", json_text(validity), lang)
    start = validity.get("valid_from")
    end = validity.get("valid_until")
    start_text = None if start is None else datetime_text(start, lang) or json_text(start)
    end_text = None if end is None else datetime_text(end, lang) or json_text(end)
    if start_text and end_text:
        text = f"{say('from', lang)} {start_text} {say('until', lang)} {end_text}"
    elif start_text:
        text = f"{say('from_only', lang)} {start_text}"
    else:
        text = f"{say('until', lang)} {end_text}"
    return _one("validity", text, lang)


def _qualification(rec: Mapping[str, Any], lang: str) -> list[Line]:
    q = rec["qualification"]
    if not isinstance(q, Mapping):
        return _one("qualification", json_text(q), lang)
    system = q.get("code_system")
    code = f"{word('code', system, lang)} {json_text(q.get('code', ''))}".strip()
    name = pick(q.get("name"), lang) if "name" in q else ""
    detail = say(f"code_detail.{system}", lang) if isinstance(system, str) else None
    text = f"{name} ({code})" if name else code
    return _one("qualification", text, lang,
                detail if detail != f"code_detail.{system}" else None)


def _level(rec: Mapping[str, Any], lang: str) -> list[Line]:
    return _one("level", level_text(rec["level"], rec.get("equivalent_levels"), lang), lang)


def _equivalent_levels(rec: Mapping[str, Any], lang: str) -> list[Line]:
    value = rec["equivalent_levels"]
    if not isinstance(value, list):
        return _one("equivalent_levels", json_text(value), lang)
    texts = [level_text(e, [], lang) for e in value]
    return _one("equivalent_levels", "; ".join(texts) or json_text(value), lang)


def _outcome(index: int, outcome: Any, rec: Mapping[str, Any], lang: str) -> Line:
    key = f"learning_outcomes.{index}"
    label = say("learning_outcomes", lang)
    if not isinstance(outcome, Mapping):
        return key, label, json_text(outcome), None
    skill = outcome.get("skill")
    known = esco.label(skill, lang) if isinstance(skill, str) else None
    title = pick(outcome.get("title"), lang) if outcome.get("title") is not None else ""
    parts: list[str | None] = []
    if not title:
        title = known or (json_text(skill) if skill is not None else json_text(outcome))
        text = f"{title} (ESCO)" if known else title
    elif known and known.casefold() == title.casefold():
        text = f"{title} (ESCO)"
    else:
        text = title
        parts.append(f"{say('esco', lang)}: {known}" if known
                     else f"{say('esco', lang)}: {json_text(skill)}" if skill else None)
    if "level" in outcome:
        parts.append(f"{say('level', lang)}: {level_text(outcome['level'], None, lang)}")
    if "assurance" in outcome:
        parts.append(word("assurance", outcome["assurance"], lang))
    return key, label, text, _join(parts)


def _outcomes(rec: Mapping[str, Any], lang: str) -> list[Line]:
    value = rec["learning_outcomes"]
    if not isinstance(value, list):
        return _one("learning_outcomes", json_text(value), lang)
    return [_outcome(i, oc, rec, lang) for i, oc in enumerate(value)]


def _workload(rec: Mapping[str, Any], lang: str) -> list[Line]:
    w = rec["workload"]
    if not isinstance(w, Mapping) or not ({"hours", "ects"} & set(w)):
        return _one("workload", json_text(w), lang)
    parts: list[str | None] = []
    if "hours" in w:
        hours = w["hours"]
        unit = say("hour" if hours == 1 else "hours", lang)
        parts.append(f"{number_text(hours, lang)} {unit}")
    if "ects" in w:
        parts.append(f"{number_text(w['ects'], lang)} {say('ects', lang)}")
    return _one("workload", _join(parts) or "", lang)


def _assessment(rec: Mapping[str, Any], lang: str) -> list[Line]:
    a = rec["assessment"]
    if not isinstance(a, Mapping):
        return _one("assessment", json_text(a), lang)
    parts: list[str | None] = [word("assessment", a["type"], lang) if "type" in a else None]
    if "supervised" in a:
        parts.append(word("supervised", a["supervised"], lang))
    if isinstance(a.get("identity_verified"), bool):
        parts.append(say(f"identity.{str(a['identity_verified']).lower()}", lang))
    detail = pick(a["description"], lang) if "description" in a else None
    return _one("assessment", _join(parts, ", ") or json_text(a), lang, detail)


def _participation(rec: Mapping[str, Any], lang: str) -> list[Line]:
    return _one("participation", word("participation", rec["participation"], lang), lang)


def _quality_assurance(rec: Mapping[str, Any], lang: str) -> list[Line]:
    qa = rec["quality_assurance"]
    if not isinstance(qa, Mapping):
        return _one("quality_assurance", json_text(qa), lang)
    text = _join([word("qa", qa["type"], lang) if "type" in qa else None,
                  json_text(qa["body"]) if "body" in qa else None], " — ")
    detail = _join([
        f"{say('accreditation', lang)} {json_text(qa['accreditation_id'])}"
        if "accreditation_id" in qa else None,
        pick(qa["description"], lang) if "description" in qa else None])
    return _one("quality_assurance", text or json_text(qa), lang, detail)


def _grade(rec: Mapping[str, Any], lang: str) -> list[Line]:
    g = rec["grade"]
    if not isinstance(g, Mapping) or "value" not in g:
        return _one("grade", json_text(g), lang)
    text = json_text(g["value"])
    if "scale" in g:
        text += f" ({say('scale', lang)}: {json_text(g['scale'])})"
    return _one("grade", text, lang)


def _prerequisites(rec: Mapping[str, Any], lang: str) -> list[Line]:
    return _one("prerequisites", _text_or_json(rec["prerequisites"], lang), lang)


def _stackability(rec: Mapping[str, Any], lang: str) -> list[Line]:
    s = rec["stackability"]
    part_of = s.get("part_of") if isinstance(s, Mapping) else None
    if isinstance(part_of, list) and part_of:
        return _one("stackability", ", ".join(json_text(p) for p in part_of), lang)
    return _one("stackability", json_text(s), lang)


def _assurance(rec: Mapping[str, Any], lang: str) -> list[Line]:
    value = rec["assurance"]
    detail = say(f"assurance_detail.{value}", lang) if isinstance(value, str) else None
    return _one("assurance", word("assurance", value, lang), lang,
                detail if detail and not detail.startswith("assurance_detail.") else None)


def _id(rec: Mapping[str, Any], lang: str) -> list[Line]:
    return _one("id", json_text(rec["id"]), lang)


_FIELDS: dict[str, Callable[[Mapping[str, Any], str], list[Line]]] = {
    "title": _title, "kind": _kind, "description": _description, "learner": _learner,
    "awarding_body": _awarding_body, "award_date": _date_field("award_date"),
    "validity": _validity, "qualification": _qualification, "level": _level,
    "equivalent_levels": _equivalent_levels, "learning_outcomes": _outcomes,
    "workload": _workload, "assessment": _assessment, "participation": _participation,
    "quality_assurance": _quality_assurance, "grade": _grade,
    "prerequisites": _prerequisites, "stackability": _stackability,
    "assurance": _assurance, "id": _id,
}


def field(name: str, rec: Mapping[str, Any], lang: str) -> list[Line]:
    """The lines of record field ``name`` (present in ``rec``)."""
    return _FIELDS[name](rec, lang)
