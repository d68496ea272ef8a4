"""The competence passport, self-assessment and pathway progress pages."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient

from tests.wallet.wallet_helpers import Learner, make_settings, text_of
from tests.wallet.wallet_peers import MiniIssuer
from wallet.app import create_app

WELD = "http://data.europa.eu/esco/skill/60ff3eac-7d4d-4e51-87b8-74c3b5d62498"
DRAW = "http://data.europa.eu/esco/skill/1a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d"

PATHWAY = {
    "id": "urn:rotonde:pathway:test-lasser",
    "title": {"nl": "Route naar lasser", "en": "Pathway to welder"},
    "requirements": [
        {"id": "lassen", "title": {"nl": "Lassen", "en": "Welding"}, "skill": WELD,
         "min_level": {"framework": "NLQF", "value": 2}},
        {"id": "tekening", "title": {"nl": "Tekening lezen", "en": "Reading drawings"},
         "skill": DRAW, "min_level": {"framework": "NLQF", "value": 2}},
    ],
}


def test_passport_shows_verified_level_and_self_assessment(learner: Learner,
                                                          issuer: MiniIssuer) -> None:
    learner.receive(issuer.new_offer(), issuer.pin)
    page = text_of(learner.client.get("/passport").text)
    assert "lassen" in page and "NLQF 2" in page
    assert "beoordeeld" in page or "assessed" in page
    form = learner.client.get("/self-assessment")
    assert WELD in form.text
    r = learner.client.post("/self-assessment", data={"csrf": learner.csrf("/self-assessment"),
                                                      "skill": WELD, "level": "4"})
    assert r.status_code == 200, text_of(r.text)
    page = text_of(r.text)
    assert "NLQF 4" in page  # own assessment beside ...
    assert "NLQF 2" in page  # ... the verified level, which it does not replace
    listing = text_of(learner.client.get("/").text)
    assert "Zelf ingeschat" in listing or "Self-assessed" in listing


def test_self_assessment_for_a_new_skill(learner: Learner) -> None:
    r = learner.client.post("/self-assessment", data={
        "csrf": learner.csrf("/self-assessment"), "skill_title": "Tekening lezen",
        "skill_uri": DRAW, "level": "3"})
    assert r.status_code == 200
    page = text_of(r.text)
    assert "Tekening lezen" in page and "NLQF 3" in page
    ids = learner.credential_ids()
    detail = text_of(learner.client.get(f"/credentials/{ids[0]}").text)
    assert "Geverifieerd" in detail or "Verified" in detail  # signed with the holder's own key


def test_self_assessment_bad_input(learner: Learner) -> None:
    for data in ({"skill_title": "", "skill_uri": DRAW, "level": "3"},
                 {"skill_title": "x", "skill_uri": "https://evil.example/skill", "level": "3"},
                 {"skill_title": "x", "skill_uri": DRAW, "level": "0"}):
        r = learner.client.post("/self-assessment",
                                data={"csrf": learner.csrf("/self-assessment"), **data})
        assert r.status_code == 422, data
        assert 'role="alert"' in r.text
    r = learner.client.post("/self-assessment", data={
        "csrf": learner.csrf("/self-assessment"), "skill_title": "x", "level": "99"})
    assert r.status_code == 422
    assert learner.credential_ids() == []


def test_progress_towards_a_pathway(tmp_path: Path, issuer: MiniIssuer) -> None:
    folder = tmp_path / "pathways"
    folder.mkdir()
    (folder / "lasser.json").write_text(json.dumps(PATHWAY), encoding="utf-8")
    app = create_app(make_settings(tmp_path, pathways_dir=folder))
    with TestClient(app) as c:
        person = Learner(c)
        person.signup()
        page = text_of(c.get("/progress").text)
        assert "Route naar lasser" in page and "0%" in page
        person.receive(issuer.new_offer(), issuer.pin)
        page = text_of(c.get("/progress").text)
        assert "50%" in page
        assert "Gehaald Lassen" in page and "Nog te doen Tekening lezen" in page


def test_progress_with_a_broken_pathway_file(tmp_path: Path) -> None:
    folder = tmp_path / "pathways"
    folder.mkdir()
    (folder / "bad.json").write_text(json.dumps({"id": "urn:x:y", "title": {"nl": "Kapot"}}))
    (folder / "junk.json").write_text("{not json")
    app = create_app(make_settings(tmp_path, pathways_dir=folder))
    with TestClient(app) as c:
        Learner(c).signup()
        r = c.get("/progress")
        assert r.status_code == 200 and 'role="alert"' in r.text


def test_progress_for_a_fetched_pathway(learner: Learner, issuer: MiniIssuer) -> None:
    learner.receive(issuer.new_offer(), issuer.pin)
    page = text_of(learner.client.get("/progress", params={"url": issuer.base +
                                                           "/pathway.json"}).text)
    assert "Opgehaalde route" in page and "100%" in page
    issuer.mode = "garbage"
    r = learner.client.get("/progress", params={"url": issuer.base + "/pathway.json"})
    assert r.status_code == 200 and 'role="alert"' in r.text
    r = learner.client.get("/progress", params={"url": "file:///etc/passwd"})
    assert 'role="alert"' in r.text


def test_shipped_example_pathway_is_offered(learner: Learner) -> None:
    example = json.loads((Path(__file__).resolve().parents[2] / "examples" / "pathways"
                          / "lasser-mbo2.json").read_text(encoding="utf-8"))
    page = learner.client.get("/progress")
    assert page.status_code == 200
    assert example["title"]["nl"] in text_of(page.text)
    assert 'role="alert"' not in page.text
