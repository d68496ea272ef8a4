"""Words for :mod:`rotonde.learning.describe`: labels, enum values, dates and numbers in Dutch
and English.

The vocabulary follows the record schema (``schemas/achievement-record.schema.json``); the
level sources and assurances follow docs/architecture.md §1; the NLQF entry level ("instapniveau") has no EQF
counterpart (NLQF referencing report).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from rotonde.clock import parse_datetime

__all__ = [
    "LANGS",
    "WORDS",
    "date_text",
    "datetime_text",
    "json_text",
    "number_text",
    "pick",
    "say",
    "timestamp_text",
    "word",
]

LANGS = ("nl", "en")

_MONTHS = {
    "nl": ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
           "september", "oktober", "november", "december"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
}

#: key -> (English, Dutch): field labels and fixed phrases.
WORDS: dict[str, tuple[str, str]] = {
    "title": ("Title", "Titel"),
    "description": ("Description", "Beschrijving"),
    "kind": ("Kind of credential", "Soort bewijs"),
    "learner": ("Learner", "Lerende"),
    "learner.name": ("Learner", "Naam lerende"),
    "learner.birth_date": ("Date of birth", "Geboortedatum"),
    "learner.identifier": ("Learner number", "Nummer lerende"),
    "learner.id": ("Learner identifier", "Identificatie lerende"),
    "awarding_body": ("Awarding body", "Uitgevende instelling"),
    "awarding_body.unconfirmed": ("not confirmed: the credential was not signed by the "
                                  "institution it names",
                                  "niet bevestigd: het bewijs is niet ondertekend door de "
                                  "instelling die het noemt"),
    "award_date": ("Awarded on", "Toegekend op"),
    "validity": ("Valid", "Geldig"),
    "qualification": ("Qualification", "Kwalificatie"),
    "level": ("Level", "Niveau"),
    "equivalent_levels": ("Equivalent level", "Gelijkwaardig niveau"),
    "learning_outcomes": ("Skill", "Vaardigheid"),
    "workload": ("Workload", "Studielast"),
    "assessment": ("Assessment", "Toetsing"),
    "participation": ("Form of participation", "Vorm van deelname"),
    "quality_assurance": ("Quality assurance", "Kwaliteitsborging"),
    "grade": ("Grade", "Cijfer"),
    "prerequisites": ("Prerequisites", "Toelatingseisen"),
    "stackability": ("Counts towards", "Telt mee voor"),
    "assurance": ("Assurance", "Zekerheid"),
    "id": ("Credential identifier", "Kenmerk van het bewijs"),
    "vct": ("Type", "Type"),
    "iss": ("Issuer (identifier)", "Uitgever (identificatie)"),
    "iat": ("Issued on", "Uitgegeven op"),
    "nbf": ("Valid from", "Geldig vanaf"),
    "exp": ("Valid until", "Geldig tot"),
    "sub": ("Subject", "Onderwerp"),
    # VCDM 2.0 top-level properties (generic listing)
    "vc.type": ("Type", "Type"),
    "vc.name": ("Name", "Naam"),
    "vc.description": ("Description", "Beschrijving"),
    "vc.issuer": ("Issuer", "Uitgever"),
    "vc.issuer.id": ("Issuer", "Uitgever"),
    "vc.issuer.name": ("Issuer name", "Naam uitgever"),
    "vc.validFrom": ("Valid from", "Geldig vanaf"),
    "vc.validUntil": ("Valid until", "Geldig tot"),
    "vc.issuanceDate": ("Issued on", "Uitgegeven op"),
    "vc.expirationDate": ("Valid until", "Geldig tot"),
    "vc.credentialSubject.id": ("Holder", "Houder"),
    "vc.credentialSubject.name": ("Name", "Naam"),
    # phrases
    "from": ("from", "van"),
    "from_only": ("from", "vanaf"),
    "until": ("until", "tot"),
    "hours": ("hours", "uur"),
    "hour": ("hour", "uur"),
    "ects": ("ECTS", "EC"),
    "no_eqf": ("no EQF level", "geen EQF-niveau"),
    "entry": ("entry level", "instapniveau"),
    "esco": ("ESCO skill", "ESCO-vaardigheid"),
    "scale": ("scale", "schaal"),
    "accreditation": ("accreditation", "accreditatie"),
    "identity.true": ("identity checked", "identiteit gecontroleerd"),
    "identity.false": ("identity not checked", "identiteit niet gecontroleerd"),
    "yes": ("yes", "ja"),
    "no": ("no", "nee"),
    # kinds
    "kind.microcredential": ("Microcredential", "Microcredential"),
    "kind.qualification": ("Qualification (diploma)", "Kwalificatie (diploma)"),
    "kind.evc": ("Certificate of experience (recognition of prior learning, EVC)",
                 "Ervaringscertificaat (erkenning van verworven competenties, EVC)"),
    "kind.employer_attestation": ("Employer attestation", "Werkgeversverklaring"),
    "kind.self_assessment": ("Self-assessment", "Zelfinschatting"),
    # level sources
    "source.official": ("official placement", "officieel ingeschaald"),
    "source.regulated": ("regulated level", "wettelijk vastgesteld niveau"),
    "source.institution": ("indicated by the institution", "aangegeven door de instelling"),
    "source.self": ("self-assessed", "zelf ingeschat"),
    # assurance
    "assurance.assessed": ("Assessed", "Beoordeeld (assessed)"),
    "assurance.attested": ("Attested", "Bevestigd (attested)"),
    "assurance.self_asserted": ("Self-asserted", "Zelf verklaard (self-asserted)"),
    "assurance_detail.assessed": ("tested by the awarding body",
                                  "getoetst door de uitgevende instelling"),
    "assurance_detail.attested": ("confirmed by the awarding body, without a test",
                                  "bevestigd door de uitgevende instelling, zonder toets"),
    "assurance_detail.self_asserted": ("declared by the learner, not checked by anyone else",
                                       "verklaard door de lerende zelf, door niemand getoetst"),
    # assessment
    "assessment.written_exam": ("Written exam", "Schriftelijk examen"),
    "assessment.oral_exam": ("Oral exam", "Mondeling examen"),
    "assessment.practical_exam": ("Practical exam", "Praktijkexamen"),
    "assessment.portfolio": ("Portfolio", "Portfolio"),
    "assessment.project": ("Project", "Project"),
    "assessment.observation_at_work": ("Observation at work", "Observatie op de werkplek"),
    "assessment.criterion_based_interview": ("Criterion-based interview",
                                             "Criteriumgericht interview"),
    "assessment.self_assessment": ("Self-assessment", "Zelfbeoordeling"),
    "assessment.other": ("Other form of assessment", "Andere toetsvorm"),
    "supervised.on_site": ("supervised on site", "onder toezicht ter plaatse"),
    "supervised.online_proctored": ("supervised online (proctored)",
                                    "online onder toezicht (proctoring)"),
    "supervised.unsupervised": ("without supervision", "zonder toezicht"),
    # participation
    "participation.online": ("Online", "Online"),
    "participation.on_site": ("On site", "Op locatie"),
    "participation.blended": ("Blended (online and on site)", "Gemengd (online en op locatie)"),
    # quality assurance
    "qa.accredited_institution": ("Accredited institution", "Geaccrediteerde instelling"),
    "qa.accredited_programme": ("Accredited programme", "Geaccrediteerde opleiding"),
    "qa.sector_standard": ("Sector standard", "Branchestandaard"),
    "qa.internal": ("Internal quality assurance", "Interne kwaliteitsborging"),
    "qa.none": ("No external quality assurance", "Geen externe kwaliteitsborging"),
    # qualification code systems
    "code.crebo": ("CREBO", "CREBO"),
    "code.croho": ("CROHO", "CROHO"),
    "code_detail.crebo": ("Dutch VET (mbo) qualification register",
                          "Centraal Register Beroepsopleidingen (mbo)"),
    "code_detail.croho": ("Dutch higher education programme register",
                          "Centraal Register Opleidingen Hoger Onderwijs"),
    # registry ids of an awarding body
    "registry.brin": ("BRIN", "BRIN"),
    "registry.kvk": ("Chamber of Commerce (KvK)", "KvK"),
    "registry.rio": ("RIO", "RIO"),
}


def say(key: str, lang: str) -> str:
    """The phrase ``key`` in ``lang`` (``nl``/``en``); the key itself when unknown."""
    pair = WORDS.get(key)
    if pair is None:
        return key
    return pair[1] if lang == "nl" else pair[0]


def word(group: str, value: Any, lang: str) -> str:
    """An enum ``value`` of ``group`` in words; the value (underscores as spaces) when unknown."""
    key = f"{group}.{value}"
    if isinstance(value, str) and key in WORDS:
        return say(key, lang)
    return json_text(value).replace("_", " ") if not isinstance(value, str) else value.replace(
        "_", " ")


def pick(text: Any, lang: str) -> str:
    """A language map (``{"nl": ..., "en": ...}``) or plain string in the reader's language."""
    if isinstance(text, str):
        return text
    if isinstance(text, Mapping):
        for key in (lang, "en", "nl"):
            if isinstance(text.get(key), str) and text[key]:
                return str(text[key])
        for value in text.values():
            if isinstance(value, str) and value:
                return value
        return ""
    return "" if text is None else json_text(text)


def json_text(value: Any, limit: int = 600) -> str:
    """Compact JSON of ``value`` (strings as themselves), cut at ``limit`` characters."""
    if isinstance(value, str):
        text = value
    else:
        try:
            text = json.dumps(value, ensure_ascii=False, sort_keys=False, default=str)
        except (TypeError, ValueError, RecursionError):
            text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def number_text(value: Any, lang: str) -> str:
    """``1,5`` (Dutch) / ``1.5`` (English); whole numbers without decimals."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return json_text(value)
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if float(value).is_integer() and abs(value) < 1e15:
        text = str(int(value))
    else:
        text = format(value, ".4f").rstrip("0").rstrip(".") if abs(value) < 1e15 else repr(value)
    return text.replace(".", ",") if lang == "nl" else text


def date_text(value: date, lang: str) -> str:
    """``23 november 2026`` / ``23 November 2026``."""
    months = _MONTHS["nl" if lang == "nl" else "en"]
    return f"{value.day} {months[value.month - 1]} {value.year}"


def _offset_text(moment: datetime) -> str:
    offset = moment.utcoffset()
    if not offset:
        return "UTC"
    return moment.strftime("UTC%z")[:-2] + ":" + moment.strftime("%z")[-2:]


def _moment_text(moment: datetime, lang: str) -> str:
    day = date_text(moment.date(), lang)
    if (moment.hour, moment.minute, moment.second) == (0, 0, 0):
        return day
    return f"{day}, {moment:%H:%M} {_offset_text(moment)}"


def datetime_text(value: Any, lang: str) -> str | None:
    """A date (``2025-06-01``) or RFC 3339 date-time in words; ``None`` when it is neither.

    A date-time keeps its own offset; the time is shown unless it is midnight."""
    if not isinstance(value, str) or len(value) > 64:
        return None
    try:
        if "T" not in value:
            return date_text(date.fromisoformat(value), lang)
        return _moment_text(parse_datetime(value), lang)
    except (ValueError, OverflowError):
        return None


def timestamp_text(value: Any, lang: str) -> tuple[str, str] | None:
    """``(date in words, "YYYY-MM-DD HH:MM UTC")`` for a NumericDate (RFC 7519 §2)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        moment = datetime.fromtimestamp(value, UTC)
    except (ValueError, OverflowError, OSError):
        return None
    return date_text(moment.date(), lang), moment.strftime("%Y-%m-%d %H:%M UTC")
