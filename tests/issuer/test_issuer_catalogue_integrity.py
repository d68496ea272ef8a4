"""An ``issue`` key cannot rewrite the catalogue (issue 19, item 7).

The review turned a microcredential into a diploma with an issue-scoped key: ``extra`` carried
a title, kind ``qualification``, a CREBO code, NLQF 4 "official", another school as awarding
body and another achievement's id, and was answered 201. Per learner only the grade (besides
``learner`` and ``award_date``) may be given; everything else comes from the catalogue entry,
which needs ``achievements:write``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from issuer.flows.apikeys import new_api_key
from issuer.flows.catalogue import PER_LEARNER_EXTRA
from tests.security._apps import IssuerApp, issuer_app

DIPLOMA = {
    "title": {"nl": "Diploma Lasser niveau 4", "en": "Welder diploma level 4"},
    "kind": "qualification",
    "qualification": {"code_system": "crebo", "code": "25251"},
    "level": {"framework": "NLQF", "value": 4, "source": "official"},
    "awarding_body": {"id": "did:web:other-school.example", "name": {"nl": "Andere School"},
                      "country": "NL"},
    "id": "urn:uuid:6f1c2a8e-0000-4000-8000-000000000001",
}


@pytest.fixture
def issuer(tmp_path: Path) -> Any:
    iss = issuer_app(tmp_path)
    yield iss
    iss.ctx.db.dispose()


def _issue_only(iss: IssuerApp) -> TestClient:
    _, token = new_api_key(iss.ctx, iss.tenant.id, scopes=["issue", "credentials:read"])
    client = TestClient(iss.app, base_url="http://testserver", raise_server_exceptions=False)
    client.headers["Authorization"] = f"Bearer {token}"
    return client


def _body(iss: IssuerApp, extra: dict[str, Any]) -> dict[str, Any]:
    return {"achievement_id": iss.achievement, "learner": {"name": "Sanne de Vries"},
            "award_date": "2026-06-30", "extra": extra}


def test_an_issue_key_cannot_turn_a_microcredential_into_a_diploma(issuer: IssuerApp) -> None:
    api = _issue_only(issuer)
    r = api.post("/api/v1/credentials", json=_body(issuer, DIPLOMA))
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    problem = r.json()
    assert problem["code"] == "issue.extra_not_allowed"
    errors = {e["pointer"]: e for e in problem["errors"]}
    assert set(errors) == {f"/extra/{k}" for k in DIPLOMA}, errors
    title = errors["/extra/title"]
    assert "'title' cannot be given per learner (only grade)" in title["message"]
    assert "'title' kan niet per lerende worden opgegeven" in title["message_nl"]
    # nothing was stored
    assert api.get("/api/v1/credentials").json()["total"] == 0


@pytest.mark.parametrize("field", sorted(DIPLOMA))
def test_each_catalogue_field_is_refused_by_name(issuer: IssuerApp, field: str) -> None:
    r = _issue_only(issuer).post("/api/v1/credentials",
                                 json=_body(issuer, {field: DIPLOMA[field]}))
    assert r.status_code == 422, r.text
    assert [e["pointer"] for e in r.json()["errors"]] == [f"/extra/{field}"]


def test_the_grade_is_per_learner(issuer: IssuerApp) -> None:
    assert PER_LEARNER_EXTRA == ("grade",)
    api = _issue_only(issuer)
    r = api.post("/api/v1/credentials",
                 json=_body(issuer, {"grade": {"value": "8,2", "scale": "1-10"}}))
    assert r.status_code == 201, r.text
    import json

    from sqlalchemy import select

    from issuer import models
    from issuer.flows.issuing import record_aad

    with issuer.ctx.db.session() as s:
        row = s.connection().execute(select(models.issued).where(
            models.issued.c.id == r.json()["id"])).one()
    record = json.loads(issuer.ctx.box.decrypt_text(row.record, aad=record_aad(row.id)))
    assert record["grade"] == {"value": "8,2", "scale": "1-10"}
    assert record["kind"] == "microcredential" and record["title"]["nl"] == "Lassen MIG/MAG basis"
    assert record["id"] == f"urn:uuid:{issuer.achievement}"


def test_a_batch_item_cannot_rewrite_the_catalogue_either(issuer: IssuerApp) -> None:
    api = _issue_only(issuer)
    ok = _body(issuer, {"grade": {"value": "7"}})
    bad = _body(issuer, {"level": DIPLOMA["level"]})
    r = api.post("/api/v1/batches", json={"items": [ok, ok, bad]})
    assert r.status_code == 422, r.text
    assert [e["pointer"] for e in r.json()["errors"]] == ["/items/2/extra/level"]
    from sqlalchemy import func, select

    from issuer import models

    with issuer.ctx.db.session() as s:  # refused before anything was stored
        assert s.connection().execute(select(func.count()).select_from(models.jobs)).scalar() == 0
