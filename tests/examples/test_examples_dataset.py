"""The Dutch example data set (examples/): consistent, valid, and exercised."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from rotonde.learning import esco, levels, validate_record
from rotonde.learning.record import ASSURANCES, KINDS

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def load(relative: str) -> Any:
    return json.loads((EXAMPLES / relative).read_text(encoding="utf-8"))


def records() -> dict[str, dict[str, Any]]:
    return {p.stem: load(f"records/{p.name}") for p in sorted(EXAMPLES.glob("records/*.json"))}


def skills_in(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in skills_in(v)]
    if isinstance(value, list):
        return [s for v in value for s in skills_in(v)]
    return [value] if isinstance(value, str) and value.startswith(esco.SKILL_PREFIX) else []


def test_layout_and_readme() -> None:
    readme = (EXAMPLES / "README.md").read_text(encoding="utf-8")
    files = sorted(p.relative_to(EXAMPLES).as_posix() for p in EXAMPLES.rglob("*.json"))
    assert files
    for name in files:
        assert name in readme, f"{name} is not described in examples/README.md"


def test_the_set_covers_every_kind_the_brief_asks_for() -> None:
    kinds = [r["kind"] for r in records().values()]
    assert kinds.count("microcredential") >= 6
    for kind in ("evc", "employer_attestation", "self_assessment"):
        assert kind in kinds
    assert set(kinds) <= set(KINDS)


def test_providers() -> None:
    providers = load("providers.json")["providers"]
    assert {p["kind"] for p in providers} == {"mbo_college", "sector_school", "employer",
                                              "evc_centre"}
    roc = next(p for p in providers if p["kind"] == "mbo_college")
    assert "brin" in roc["registry_ids"]
    for p in providers:
        assert p["id"].startswith("did:web:") and p["country"] == "NL"


@pytest.mark.parametrize("name", sorted(records()))
def test_records_are_valid_and_consistent_with_providers_and_learner(name: str) -> None:
    rec = records()[name]
    assert validate_record(rec) == rec
    learner = load("learner.json")
    assert rec["learner"] == {k: learner[k] for k in ("id", "name", "birth_date")}
    bodies = {p["id"]: {k: v for k, v in p.items() if k != "kind"}
              for p in load("providers.json")["providers"]}
    if rec["kind"] == "self_assessment":
        assert rec["awarding_body"]["id"] == learner["id"]
    else:
        assert rec["awarding_body"] == bodies[rec["awarding_body"]["id"]]


def test_every_esco_uri_is_well_formed_and_labelled() -> None:
    everything = [*records().values(), load("pathways/lasser-mbo2.json"),
                  load("requirements/vacature-constructiewerker.json")]
    uris = set(skills_in(everything))
    assert len(uris) >= 12
    for uri in uris:
        assert esco.is_skill_uri(uri), uri
        assert esco.label(uri, "en") and esco.label(uri, "nl"), uri
    for rec in records().values():
        for oc in rec["learning_outcomes"]:
            assert oc["title"]["en"] == esco.label(oc["skill"], "en")


def _check_min_level(level: dict[str, Any]) -> None:
    assert levels.check_level({**level, "source": "official"}) == []


def test_pathway_is_valid_and_linked_to_the_records() -> None:
    from rotonde.learning.stacking import validate_pathway

    pathway = validate_pathway(load("pathways/lasser-mbo2.json"))
    assert set(pathway["title"]) == {"nl", "en"}
    assert pathway["qualification"]["code_system"] == "crebo"
    providers = {p["id"] for p in load("providers.json")["providers"]}
    assert set(pathway["accepted_issuers"]) <= providers
    for req in pathway["requirements"]:
        if "min_level" in req:
            _check_min_level(req["min_level"])
    stacked = [r for r in records().values()
               if pathway["id"] in (r.get("stackability") or {}).get("part_of", [])]
    assert len(stacked) >= 3
    covered = {oc["skill"] for r in stacked for oc in r["learning_outcomes"]}
    assert {r["skill"] for r in pathway["requirements"]} <= covered


def test_requirement_profile_is_valid() -> None:
    from rotonde.learning.matching import validate_profile

    profile = validate_profile(load("requirements/vacature-constructiewerker.json"))
    assert set(profile["accepted_kinds"]) <= set(KINDS)
    providers = {p["id"] for p in load("providers.json")["providers"]}
    assert set(profile["accepted_issuers"]) <= providers
    for req in profile["requirements"]:
        assert req["min_assurance"] in ASSURANCES
        if "min_level" in req:
            _check_min_level(req["min_level"])
