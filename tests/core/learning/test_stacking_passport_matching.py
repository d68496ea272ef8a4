"""Stacking, the competence passport and requirement matching, on small hand-made records.

Realistic end-to-end coverage on the Dutch example data set lives in tests/examples/.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from rotonde.errors import ValidationError
from rotonde.learning.evidence import Evidence
from rotonde.learning.matching import match
from rotonde.learning.passport import passport
from rotonde.learning.record import validate_record
from rotonde.learning.stacking import progress

WELD = "http://data.europa.eu/esco/skill/a7e1b0a9-1e0d-4d5f-9a3c-0f1c6f1f2a11"
DRAW = "http://data.europa.eu/esco/skill/1a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d"
SAFE = "http://data.europa.eu/esco/skill/9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a"
SCHOOL = "did:web:metaalschool.example"
ROC = "did:web:roc.example"


def record(
    title: str,
    skills: list[tuple[str, int | None]],
    *,
    kind: str = "microcredential",
    level: int | str | None = 3,
    source: str = "institution",
    assurance: str = "assessed",
    issuer: str = SCHOOL,
    ects: float = 2,
    award_date: str = "2026-06-01",
    **extra: Any,
) -> dict[str, Any]:
    rec: dict[str, Any] = {
        "record_version": "1.0",
        "id": f"urn:example:{title.lower().replace(' ', '-')}",
        "kind": kind,
        "title": {"nl": title, "en": title},
        "learner": {"id": "did:example:sanne", "name": "Sanne de Vries"},
        "awarding_body": {"id": issuer, "name": {"nl": "School"}, "country": "NL"},
        "award_date": award_date,
        "learning_outcomes": [
            {"skill": s, "title": {"nl": f"vaardigheid {i}"}}
            | ({"level": {"framework": "EQF", "value": lv, "source": source}} if lv else {})
            for i, (s, lv) in enumerate(skills)
        ],
        "workload": {"ects": ects},
        "assessment": {"type": "self_assessment" if kind == "self_assessment" else "practical_exam"},
        "participation": "on_site",
        "quality_assurance": {"type": "sector_standard" if kind != "self_assessment" else "none"},
        "assurance": assurance,
    }
    if level is not None:
        rec["level"] = {"framework": "NLQF", "value": level, "source": source}
    rec.update(extra)
    return validate_record(rec)


def ev(rec: dict[str, Any], ref: str, **kw: Any) -> Evidence:
    return Evidence(record=rec, ref=ref, **kw)


PATHWAY: dict[str, Any] = {
    "id": "urn:example:pathway:metaal-2",
    "title": {"nl": "Basismedewerker metaal", "en": "Basic metalworker"},
    "requirements": [
        {"id": "lassen", "title": {"nl": "Lassen"}, "skill": WELD,
         "min_level": {"framework": "EQF", "value": 2}},
        {"id": "tekening", "title": {"nl": "Tekening lezen"}, "skill": DRAW,
         "min_level": {"framework": "EQF", "value": 2}, "min_assurance": "assessed"},
        {"id": "veilig", "title": {"nl": "Veilig werken"}, "skill": SAFE, "optional": True},
    ],
    "min_workload": {"ects": 4},
    "accepted_issuers": [SCHOOL, ROC],
    "max_age_years": 5,
}


def test_progress_counts_what_meets_and_explains_the_rest() -> None:
    weld = ev(record("Lassen", [(WELD, 3)]), "c1")
    draw_self = ev(record("Tekening", [(DRAW, 3)], source="self", assurance="self_asserted",
                          kind="self_assessment", level=None), "c2")
    other = ev(record("Lassen elders", [(WELD, 3)], issuer="did:web:unknown.example"), "c3")
    result = progress(PATHWAY, [weld, draw_self, other], today=date(2026, 11, 23))
    reqs = {r.id: r for r in result.requirements}
    assert reqs["lassen"].met and reqs["lassen"].evidence == ("c1",)
    assert not reqs["tekening"].met
    assert {p["code"] for p in reqs["tekening"].reasons} >= {"evidence.level_source_not_accepted"}
    assert result.missing == ("tekening",)
    assert not result.complete and result.credits == {"ects": 2.0, "hours": 0.0}
    uses = {u.ref: u for u in result.credentials}
    assert uses["c1"].counts and uses["c1"].towards == ("lassen",)
    assert not uses["c3"].counts
    assert uses["c3"].reasons[0]["code"] == "evidence.issuer_not_accepted"
    assert result.fraction == 0.5


def test_progress_complete_needs_workload_too() -> None:
    weld = ev(record("Lassen", [(WELD, 3)], ects=1), "c1")
    draw = ev(record("Tekening", [(DRAW, 2)], ects=1), "c2")
    result = progress(PATHWAY, [weld, draw], today=date(2026, 11, 23))
    assert result.missing == () and not result.workload_met and not result.complete
    draw4 = ev(record("Tekening", [(DRAW, 2)], ects=3), "c2")
    assert progress(PATHWAY, [weld, draw4], today=date(2026, 11, 23)).complete


def test_revoked_too_old_and_unverified_evidence_never_counts() -> None:
    base = record("Lassen", [(WELD, 3)])
    old = record("Lassen oud", [(WELD, 3)], award_date="2018-01-01")
    result = progress(PATHWAY, [
        ev(base, "revoked", status="revoked"),
        ev(base, "forged", verified=False),
        ev(old, "old"),
    ], today=date(2026, 11, 23))
    assert not result.requirements[0].met
    codes = {u.ref: {r["code"] for r in u.reasons} for u in result.credentials}
    assert "evidence.status_revoked" in codes["revoked"]
    assert "evidence.not_verified" in codes["forged"]
    assert "evidence.too_old" in codes["old"]


def test_level_too_low_is_explained() -> None:
    low = ev(record("Lassen", [(WELD, 1)]), "c1")
    result = progress(PATHWAY, [low], today=date(2026, 11, 23))
    assert result.requirements[0].reasons[0]["code"] == "evidence.level_too_low"


def test_invalid_pathway_is_rejected_with_pointer() -> None:
    bad = {**PATHWAY, "requirements": [{"id": "x", "title": {"nl": "x"}}]}
    with pytest.raises(ValidationError) as info:
        progress(bad, [])
    assert info.value.problems[0].pointer == "/requirements/0"


def test_passport_best_verified_level_beside_self_assessment() -> None:
    a = ev(record("Lassen 1", [(WELD, 2)]), "c1")
    b = ev(record("Lassen 2", [(WELD, 3)], source="official"), "c2")
    mine = ev(record("Zelf", [(WELD, 4), (DRAW, 3)], kind="self_assessment", level=None,
                     source="self", assurance="self_asserted"), "self")
    revoked = ev(record("Lassen 5", [(WELD, 5)]), "c3", status="revoked")
    pp = passport([a, b, mine, revoked])
    weld = pp.entry(WELD)
    assert weld is not None
    assert weld.level == {"framework": "EQF", "value": 3, "source": "official"}
    assert weld.assurance == "assessed" and weld.evidence == ("c1", "c2")
    assert weld.self_assessed is not None and weld.self_assessed["value"] == 4
    draw = pp.entry(DRAW)
    assert draw is not None and draw.level is None and draw.self_assessed is not None
    assert pp.ignored == ("c3",)
    assert pp.to_dict()["skills"][0]["skill"] in (WELD, DRAW)


PROFILE: dict[str, Any] = {
    "id": "urn:example:vacancy:lasser",
    "title": {"nl": "Lasser", "en": "Welder"},
    "requirements": [
        {"id": "lassen", "title": {"nl": "Lassen EQF 3"}, "skill": WELD,
         "min_level": {"framework": "EQF", "value": 3}, "min_assurance": "assessed"},
        {"id": "vca", "title": {"nl": "Veilig werken"}, "skill": SAFE},
    ],
}


def test_match_reports_gaps_and_training_that_closes_them() -> None:
    weld = ev(record("Lassen", [(WELD, 3)]), "c1")
    catalogue = [
        record("VCA basis", [(SAFE, None)], level=2, id="urn:example:offer:vca"),
        record("Solderen", [(DRAW, 2)], id="urn:example:offer:solderen"),
    ]
    result = match(PROFILE, [weld], catalogue=catalogue, today=date(2026, 11, 23))
    assert not result.fulfilled
    assert [g.id for g in result.gaps] == ["vca"]
    assert result.requirements[0].evidence == ("c1",)
    assert result.gaps[0].closing_offers == ("urn:example:offer:vca",)


def test_match_respects_assurance_and_trust() -> None:
    attested = ev(record("Lassen", [(WELD, 3)], assurance="attested", kind="employer_attestation"), "c1")
    result = match(PROFILE, [attested], today=date(2026, 11, 23))
    assert result.requirements[0].reasons[0]["code"] == "evidence.assurance_too_low"
    strict = {**PROFILE, "require_trusted_issuer": True}
    weld = ev(record("Lassen", [(WELD, 3)]), "c2", trusted=False)
    res = match(strict, [weld], today=date(2026, 11, 23))
    assert res.requirements[0].reasons[0]["code"] == "evidence.issuer_untrusted"


def test_to_dcql_asks_only_what_is_needed() -> None:
    from rotonde.learning.matching import to_dcql

    query = to_dcql({**PROFILE, "requirements": [
        *PROFILE["requirements"],
        {"id": "diploma", "title": {"nl": "Diploma"}, "kinds": ["qualification"],
         "qualification_code": "25999", "optional": True},
    ]})
    ids = [c["id"] for c in query["credentials"]]
    assert ids == ["lassen", "vca", "diploma"]
    paths = [c["path"] for c in query["credentials"][0]["claims"]]
    assert ["learning_outcomes", None, "skill"] in paths and ["level"] in paths
    skill_claim = next(c for c in query["credentials"][0]["claims"] if c["path"][0] == "learning_outcomes")
    assert skill_claim["values"] == [WELD]
    flat = {p[0] for c in query["credentials"] for p in (cl["path"] for cl in c["claims"])}
    assert not flat & {"learner", "grade"}
    assert query["credentials"][2]["meta"]["vct_values"] == [
        "https://rotonde.example/credentials/qualification/1.0"
    ]
    assert query["credential_sets"][2] == {"options": [["diploma"]], "required": False}


def test_pathway_out_of_force_is_never_complete() -> None:
    weld = ev(record("Lassen", [(WELD, 3)], ects=2), "c1")
    draw = ev(record("Tekening", [(DRAW, 2)], ects=2), "c2")
    old = {**PATHWAY, "validity": {"valid_until": "2025-07-31T23:59:59Z"}}
    result = progress(old, [weld, draw], today=date(2026, 11, 23))
    assert result.missing == () and result.workload_met
    assert not result.in_force and not result.complete
