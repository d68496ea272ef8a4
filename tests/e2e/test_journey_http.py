"""The whole learner journey over real HTTP, on SQLite and on PostgreSQL.

Issuer, wallet and verifier run as uvicorn servers on loopback ports (each on the chosen
backend; PostgreSQL: a fresh schema per service, dropped afterwards):

1. two providers (tenants, did:key because did:web always resolves over https) put three
   microcredentials from ``examples/records`` in their catalogue and issue them to Sanne
   through the provider API (birth date and grade included);
2. Sanne signs up in the wallet and claims each offer with its PIN through the wallet's
   https offer endpoint (OpenID4VCI pre-authorized code + tx_code);
3. the wallet's progress page shows the credentials stacking towards the mbo-2 welder
   pathway (``examples/pathways/lasser-mbo2.json``, accepted issuers = the two tenants);
4. the employer creates a request from the vacancy profile
   (``examples/requirements/vacature-constructiewerker.json``) through the verifier's JSON
   API; Sanne opens its ``/authorize`` link in the wallet, shares one credential per
   requirement and nothing optional; the verifier says accepted, requirement met, and saw
   neither her birth date nor her grade;
5. the provider revokes one credential: a new request says revoked; another is suspended
   (a new request says suspended) and reinstated (accepted again). The issuer serves status
   lists with ``Cache-Control: max-age=0`` so the verifier reads the list afresh.
"""

from __future__ import annotations

import copy
import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e._journey import (
    Employer,
    Learner,
    Services,
    catalogue_template,
    journey_services,
    load_example,
)
from tests.wallet.wallet_helpers import csrf_of, text_of

PASSWORD = "paarse fiets op de rotonde"
RECORDS = {  # example record -> issuing tenant
    "mc-mag-lassen": "metaalschool-oost",
    "mc-tekening-lezen": "roc-rijnvallei",
    "mc-veilig-werken": "metaalschool-oost",
}
#: the vacancy's requirement -> the credential the learner picks for it
PICKS = {"mag-lassen": "mc-mag-lassen", "tekening-lezen": "mc-tekening-lezen",
         "veilig-werken": "mc-veilig-werken"}


def _tenants() -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for p in load_example("providers.json")["providers"]:
        slug = p["id"].removeprefix("did:web:").removesuffix(".example")
        if slug in RECORDS.values():
            out[slug] = {"name_nl": p["name"]["nl"], "name_en": p["name"]["en"],
                         "country": p["country"], **p["registry_ids"]}
    return out


def _find_key(value: Any, key: str) -> list[Any]:
    """Every value of ``key`` anywhere in a JSON value."""
    found: list[Any] = []
    if isinstance(value, dict):
        for k, v in value.items():
            if k == key:
                found.append(v)
            found.extend(_find_key(v, key))
    elif isinstance(value, list):
        for v in value:
            found.extend(_find_key(v, key))
    return found


def _progress(learner: Learner) -> tuple[int, dict[str, str]]:
    """(percentage, {requirement title: Gehaald | Nog te doen}) from the progress page."""
    return _progress_page(learner.page("/progress"))


def _progress_page(html: str) -> tuple[int, dict[str, str]]:
    meter = re.search(r'<progress class="meter" max="100" value="(\d+)"', html)
    assert meter, f"no progress meter on the progress page: {text_of(html)[:1500]}"
    rows = re.findall(
        r'<span class="badge (?:ok|warn)">([^<]+)</span>\s*<strong>([^<]+)</strong>', html)
    return int(meter.group(1)), {title.strip(): state.strip() for state, title in rows}


def _verdict_problems(result: dict[str, Any]) -> list[str]:
    return [r.get("code", "") for r in result.get("reasons") or []]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def services(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Services]:
    backend = str(request.param)
    if backend == "postgresql":
        from tests.pg import require_pg

        require_pg()
    tenants = _tenants()
    with journey_services(tmp_path, backend, tenants=tenants, status_max_age=0) as svc:
        dialects = {"issuer": svc.issuer_ctx.db.dialect,
                    "wallet": svc.wallet_app.state.wallet.db.dialect,
                    "verifier": svc.verifier_app.state.verifier.db.dialect}
        assert set(dialects.values()) == {backend}, f"not all services on {backend}: {dialects}"
        yield svc


def _pathway(svc: Services) -> dict[str, Any]:
    pathway = load_example("pathways/lasser-mbo2.json")
    pathway["accepted_issuers"] = sorted(p.did for p in svc.providers.values())
    return pathway


def _present(learner: Learner, employer: Employer, request_body: dict[str, Any],
             wanted: dict[str, list[str]]) -> dict[str, Any]:
    """One presentation round: the employer asks, the learner consents in the wallet (per
    query the offered credential among ``wanted[query]``, nothing optional) and the wallet
    posts direct_post; returns the verifier's session (with ``result``)."""
    created = employer.create_request(**request_body)
    link = created.get("wallet_link")
    assert link, f"the verifier gave no wallet link (wallet_url is set): {created}"
    consent = learner.consent_page(link)
    assert "Wie vraagt het" in consent, text_of(consent)[:1500]
    options = learner.options(consent)
    picks: dict[str, str] = {}
    for qid, ids in wanted.items():
        offered = [c for c, _ in options.get(qid, []) if c in ids]
        assert len(offered) == 1, (
            f"query {qid}: the wallet should offer exactly one form of {ids} (the SD-JWT VC), "
            f"it offers {options}")
        picks[qid] = offered[0]
    learner.share(consent, picks)
    session = employer.result(created["id"])
    assert session["status"] not in ("pending", "retrieved"), (
        f"the verifier has no result after the wallet's direct_post: {session}")
    return session


def test_learner_journey_over_http(services: Services) -> None:
    svc = services
    started = time.monotonic()
    person = load_example("learner.json")
    learner = Learner(svc.wallet)
    employer = Employer(svc.verifier)
    try:
        # --- 1. providers issue through the provider API -----------------------------------
        issued: dict[str, dict[str, Any]] = {}
        for name, slug in RECORDS.items():
            record = load_example(f"records/{name}.json")
            provider = svc.providers[slug]
            achievement = provider.add_achievement(catalogue_template(record))
            extra = {"grade": record["grade"]} if "grade" in record else None
            issued[name] = provider.issue(
                achievement, {"name": person["name"], "birth_date": person["birth_date"]},
                award_date=record["award_date"], extra=extra,
                configurations=None)  # every form the issuer has (SD-JWT VC, OB3, ELM, JWT)
            assert issued[name]["offer"]["tx_code"].isdigit(), issued[name]
        assert any("grade" in load_example(f"records/{n}.json") for n in RECORDS)

        # the wallet offers the example pathway, accepting the two providers' DIDs
        pathways_dir = Path(svc.wallet_app.state.wallet.settings.pathways_dir)
        (pathways_dir / "lasser-mbo2.json").write_text(json.dumps(_pathway(svc)),
                                                        encoding="utf-8")

        # --- 2. the learner signs up and claims each offer with its PIN --------------------
        learner.signup("sanne", PASSWORD)
        percent, rows = _progress(learner)
        assert percent == 0 and set(rows.values()) == {"Nog te doen"}, (percent, rows)
        held: dict[str, list[str]] = {}
        seen: list[int] = [percent]
        for name in RECORDS:
            offer = issued[name]["offer"]
            ids = learner.claim(offer["offer_uri"], offer["tx_code"])
            assert len(set(ids)) == 5, f"{name}: expected five forms stored, got {ids}"
            held[name] = sorted(set(ids))
            # --- 3. progress towards the pathway grows with each credential --------------
            percent, rows = _progress(learner)
            assert percent > seen[-1], (
                f"progress did not grow after claiming {name}: {seen} -> {percent}; {rows}")
            seen.append(percent)
        assert all(state == "Gehaald" for state in rows.values()), (
            f"after all three microcredentials every pathway requirement should be met: {rows}")
        # ... but 4.5 EC / 142 h is below the pathway's 6 EC / 160 h: not complete yet, and
        # the page must say so rather than suggest that 100% means done
        page = text_of(learner.page("/progress"))
        # numbers in the page's language: a decimal comma in Dutch (Babel, CLDR)
        assert "Studiepunten: 4,5 / 6 EC" in page and "Uren: 142 / 160" in page, page[:2000]
        assert "nog niet aan de minimale studielast" in page, page[:2000]
        assert "Compleet" not in page, page[:2000]
        for name, offer in issued.items():
            assert svc.providers[RECORDS[name]].credential(offer["id"])["state"] == "issued"
        # the wallet holds the birth date and the grade (so not disclosing them is a choice)
        held_page = text_of(learner.page(f"/credentials/{held['mc-mag-lassen'][0]}"))
        assert "Geboortedatum 17 maart 1994" in held_page and "Cijfer voldoende" in held_page, (
            held_page[:2000])

        # --- 4. the employer asks with the vacancy profile; the learner consents ----------
        profile = copy.deepcopy(load_example("requirements/vacature-constructiewerker.json"))
        profile["accepted_issuers"] = sorted(p.did for p in svc.providers.values())
        session = _present(learner, employer, {"profile": profile},
                           {qid: held[name] for qid, name in PICKS.items()})
        result = session["result"]
        assert session["verdict"] == "accepted", (
            f"expected accepted, got {session['verdict']}: {result['summary']['en']} "
            f"{result['reasons']}")
        assert result["requirement"]["met"] is True, result["requirement"]
        assert len(result["credentials"]) == 3, result["credentials"]
        assert all(c["verified"] for c in result["credentials"]), result["credentials"]
        disclosed = [c["claims"] for c in result["credentials"]]
        assert not _find_key(disclosed, "birth_date"), (
            f"the birth date was disclosed: {disclosed}")
        assert not _find_key(disclosed, "grade"), f"the grade was disclosed: {disclosed}"
        assert person["birth_date"] not in json.dumps(result), "birth date reached the verifier"
        assert {c["issuer"] for c in result["credentials"]} == set(profile["accepted_issuers"])
        # the wallet's disclosure history says to whom and what: no birth date, no grade
        history = text_of(learner.page("/history"))
        verifier_did = svc.verifier_app.state.verifier.settings.client_id_did
        assert verifier_did in history, f"{verifier_did} not in the history: {history[:1500]}"
        assert "titel" in history and "leerresultaten" in history, history[:1500]
        assert "geboortedatum" not in history and "cijfer" not in history, history[:1500]

        # --- 5a. revoke one credential: a new verification says revoked --------------------
        tekening = issued["mc-tekening-lezen"]["id"]
        roc = svc.providers[RECORDS["mc-tekening-lezen"]]
        assert roc.change_status(tekening, "revoke", "examenfraude vastgesteld")[
            "status"] == "revoked"
        simple = {"template": "achievement"}
        session = _present(learner, employer, simple,
                           {"achievement": held["mc-tekening-lezen"]})
        assert session["verdict"] == "rejected", (
            f"expected rejected, got {session['verdict']}: {session['result']['summary']['en']} "
            "(a stale status list? the issuer serves max-age=0)")
        assert "status.revoked" in _verdict_problems(session["result"]), (
            f"a revoked credential must be reported as revoked: {session['result']['reasons']}")
        shown = httpx.get(session["result_url"], headers={"accept-language": "nl"}, timeout=30)
        assert shown.status_code == 200 and "ingetrokken" in text_of(shown.text), (
            f"the employer's result page does not say revoked: {text_of(shown.text)[:1500]}")
        # the learner's wallet sees it too, in every form (Token Status List for the SD-JWT
        # VC, Bitstring Status List for the others), and the pathway loses that requirement
        for cid in held["mc-tekening-lezen"]:
            detail = learner.page(f"/credentials/{cid}")
            r = learner.client.post(f"/credentials/{cid}/recheck",
                                    data={"csrf": csrf_of(detail)})
            assert r.status_code == 200 and "Ingetrokken" in text_of(r.text), (
                f"wallet recheck of {cid} does not show revoked: {text_of(r.text)[:1500]}")
        percent, rows = _progress(learner)
        assert percent == 75 and rows["standaard technische tekeningen lezen"] == "Nog te doen", (
            percent, rows)

        # --- 5b. suspend another: suspended; reinstate: accepted again ---------------------
        lassen = issued["mc-mag-lassen"]["id"]
        school = svc.providers[RECORDS["mc-mag-lassen"]]
        assert school.change_status(lassen, "suspend", "onderzoek naar examen")[
            "status"] == "suspended"
        session = _present(learner, employer, simple,
                           {"achievement": held["mc-mag-lassen"]})
        assert session["verdict"] == "rejected", (
            f"expected rejected, got {session['verdict']}: {session['result']['summary']['en']} "
            "(a stale status list? the issuer serves max-age=0)")
        assert "status.suspended" in _verdict_problems(session["result"]), (
            f"a suspended credential must be reported as suspended: "
            f"{session['result']['reasons']}")
        assert school.change_status(lassen, "reinstate", "onderzoek afgerond")[
            "status"] == "active"
        session = _present(learner, employer, simple,
                           {"achievement": held["mc-mag-lassen"]})
        assert session["verdict"] == "accepted", (
            f"a reinstated credential verifies again: {session['result']['reasons']}")
    finally:
        learner.close()
    print(f"\njourney on {svc.backend}: {time.monotonic() - started:.1f} s")
