"""ESCO (European Skills, Competences, Qualifications and Occupations) identifiers.

ESCO concepts have persistent URIs ``http://data.europa.eu/esco/skill/<uuid>`` for knowledge,
skill and competence concepts; the skills hierarchy uses codes (``.../skill/S1.2``, ``T``,
``K``, ``L``) for its groups (ESCO handbook, "The skills pillar"). The labels in
:data:`KNOWN_SKILLS` are the ESCO preferred labels (English) of the concepts the Rotonde
example data set uses, with a Dutch rendering, for display when a credential carries none.
"""

from __future__ import annotations

import re

__all__ = [
    "ESCO_SKILLS_SCHEME",
    "KNOWN_SKILLS",
    "SKILL_PREFIX",
    "is_skill_uri",
    "label",
]

SKILL_PREFIX = "http://data.europa.eu/esco/skill/"
#: The ESCO concept scheme of all skills (ELM ``skos:inScheme`` of ``relatedESCOSkill``).
ESCO_SKILLS_SCHEME = "http://data.europa.eu/esco/concept-scheme/skills"

_SKILL_RE = re.compile(
    r"^http://data\.europa\.eu/esco/skill/"
    r"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[STKL][0-9]+(\.[0-9]+)*)$"
)


def is_skill_uri(value: object) -> bool:
    """True for a well-formed ESCO skill/competence/knowledge URI (not for other pillars)."""
    return isinstance(value, str) and _SKILL_RE.match(value) is not None


def _s(uuid: str) -> str:
    return SKILL_PREFIX + uuid


#: ESCO skills used by the example data set: URI -> {"en": preferred label, "nl": Dutch}.
KNOWN_SKILLS: dict[str, dict[str, str]] = {
    _s("60ff3eac-7d4d-4e51-87b8-74c3b5d62498"): {
        "en": "perform metal active gas welding", "nl": "MAG-lassen uitvoeren"},
    _s("68b6ef08-d823-489d-a95c-752ae6f6e6a7"): {
        "en": "read standard blueprints", "nl": "standaard technische tekeningen lezen"},
    _s("02e235f4-a30a-412a-a06e-1c471ad28678"): {
        "en": "follow procedures to control substances hazardous to health",
        "nl": "procedures volgen voor gevaarlijke stoffen"},
    _s("d2d9051a-10e1-41c5-9cfb-bbdc58016176"): {
        "en": "follow safety precautions in work practices",
        "nl": "veiligheidsmaatregelen in het werk volgen"},
    _s("ab75d510-ac75-482d-b671-bb3bad741f07"): {
        "en": "carry out work-related measurements", "nl": "werkgerelateerde metingen uitvoeren"},
    _s("0415142d-6921-4f8d-832b-6271382b8193"): {
        "en": "test materials", "nl": "materialen testen"},
    _s("00735755-adc6-4ea0-b034-b8caff339c9f"): {
        "en": "install heat pump", "nl": "warmtepomp installeren"},
    _s("6f8d750e-aba4-459c-b4d7-220bddff9f58"): {
        "en": "install lighting", "nl": "verlichting installeren"},
    _s("539edd73-5c9b-4498-96f2-68a9cd2e6073"): {
        "en": "ventilation systems", "nl": "ventilatiesystemen"},
    _s("28cb374e-6261-4133-8371-f9a5470145da"): {
        "en": "operate forklift", "nl": "heftruck besturen"},
    _s("089ddb19-1c7a-43ff-ba64-070f7ce4787a"): {
        "en": "warehouse operations", "nl": "magazijnwerkzaamheden"},
    _s("f7464f30-662b-4177-85a0-3df9693e9e58"): {
        "en": "first aid", "nl": "eerste hulp"},
    _s("15a33d76-4640-438d-ae64-fdc0c1d3eebc"): {
        "en": "customer service", "nl": "klantenservice"},
    _s("001115fb-569f-4ee6-8381-c6807ef2527f"): {
        "en": "show initiative", "nl": "initiatief tonen"},
    _s("03b9b491-fc9b-4868-914a-bf7cd47b5041"): {
        "en": "create solutions to problems", "nl": "oplossingen voor problemen bedenken"},
    _s("045f71e6-0699-4169-8a54-9c6b96f3174d"): {
        "en": "advise others", "nl": "anderen adviseren"},
}


def label(uri: str, lang: str = "en") -> str | None:
    """The known label of an ESCO skill in ``lang`` (``en``/``nl``), else ``None``."""
    entry = KNOWN_SKILLS.get(uri)
    return entry.get(lang) if entry else None
