"""The result page shows the disclosed claims in words (rotonde.learning.describe), in the
employer's language, with the claims as received still available in a <details>."""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from rotonde.learning import sdjwt_vc
from rotonde.sdjwt import issue
from tests.conftest import require
from tests.verifier._support import request_params, wallet_answer

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
SHOWN = ("title", "level", "equivalent_levels", "awarding_body", "award_date",
         "learning_outcomes", "workload", "assessment", "quality_assurance")


def _full_credential(issuer: Any, holder: Any, *, own_body: bool = False) -> str:
    record = json.loads((ROOT / "examples/records/mc-mag-lassen.json").read_text())
    record["workload"] = {"hours": 40, "ects": 1.5}
    if own_body:  # the awarding body is the signer itself
        record["awarding_body"]["id"] = issuer.did
    claims, paths, vct = sdjwt_vc.build(record)
    token: str = issue(claims, signer=issuer.signer, disclosable=paths,
                       holder_key=holder.public_key, vct=vct, iss=issuer.did)
    return token


def _query() -> dict[str, Any]:
    return {"credentials": [{
        "id": "achievement", "format": "dc+sd-jwt",
        "meta": {"vct_values": [sdjwt_vc.vct_for("microcredential")]},
        "claims": [{"path": [name]} for name in SHOWN]}]}


def _dd(page: str, key: str) -> str:
    m = re.search(rf'<dd data-claim="{re.escape(key)}">(.*?)</dd>', page, re.S)
    assert m, f"no row {key}"
    return html.unescape(re.sub(r"<[^>]+>", " | ", m.group(1)))


def test_result_page_reads_in_dutch_and_english(client: TestClient, issuer: Any,
                                                holder: Any) -> None:
    r = client.post("/api/requests", json={"dcql_query": _query()}).json()
    p = request_params(r["invocation_uri"])
    from rotonde.jws import parse_compact

    req = parse_compact(client.get(p["request_uri"].split("8003", 1)[1]).text).claims()
    vp_token = wallet_answer(_full_credential(issuer, holder), holder, nonce=req["nonce"],
                             aud=req["client_id"], disclose=SHOWN)
    assert client.post("/oid4vp/response", data={"vp_token": vp_token,
                                                 "state": req["state"]}).status_code == 200
    nl = client.get(f"/results/{r['id']}", headers={"accept": "text/html",
                                                    "accept-language": "nl"}).text
    assert "<h3>MAG-lassen basis (proces 135)</h3>" in nl
    # signed by a did:key, not by the awarding body's did:web: the heading names the signer
    assert f"Uitgever: <strong>{issuer.did}</strong>" in nl
    assert _dd(nl, "level") == "NLQF 2 (≈ EQF 2), aangegeven door de instelling"
    assert _dd(nl, "workload") == "40 uur · 1,5 EC"
    assert _dd(nl, "award_date") == "14 maart 2025"
    assert _dd(nl, "learning_outcomes.0").startswith("MAG-lassen uitvoeren (ESCO)")
    assert _dd(nl, "assurance").startswith("Beoordeeld (assessed)")
    # the claimed awarding body (did:web:metaalschool-oost) did not sign it: no name, no KvK
    assert _dd(nl, "awarding_body").startswith("niet bevestigd: het bewijs is niet ondertekend")
    assert "did:web:metaalschool-oost.example" in _dd(nl, "awarding_body")
    assert "KvK 62345678" not in _dd(nl, "awarding_body")
    # not disclosed, so not shown; the raw claims stay available
    assert 'data-claim="grade"' not in nl and 'data-claim="learner.name"' not in nl
    section = nl.split("Gedeelde gegevens", 1)[1]
    assert "Gegevens zoals ontvangen" in section and "&#34;framework&#34;" in section
    assert "&#34;framework&#34;" not in section.split("<details", 1)[0]
    en = client.get(f"/results/{r['id']}", headers={"accept": "text/html",
                                                    "accept-language": "en"}).text
    assert _dd(en, "level") == "NLQF 2 (≈ EQF 2), indicated by the institution"
    assert _dd(en, "workload") == "40 hours · 1.5 ECTS"


def _result_page(client: TestClient, credential: str, holder: Any, lang: str = "nl") -> str:
    from rotonde.jws import parse_compact

    r = client.post("/api/requests", json={"dcql_query": _query()}).json()
    p = request_params(r["invocation_uri"])
    req = parse_compact(client.get(p["request_uri"].split("8003", 1)[1]).text).claims()
    vp_token = wallet_answer(credential, holder, nonce=req["nonce"], aud=req["client_id"],
                             disclose=SHOWN)
    client.post("/oid4vp/response", data={"vp_token": vp_token, "state": req["state"]})
    return client.get(f"/results/{r['id']}", headers={"accept": "text/html",
                                                      "accept-language": lang}).text


def test_awarding_body_named_only_when_it_signed(client: TestClient, issuer: Any,
                                                 holder: Any) -> None:
    own = _result_page(client, _full_credential(issuer, holder, own_body=True), holder)
    assert "Uitgever: <strong>Metaalschool Oost</strong>" in own
    assert _dd(own, "awarding_body").startswith("Metaalschool Oost")
    assert "KvK 62345678" in _dd(own, "awarding_body")
    other = _result_page(client, _full_credential(issuer, holder), holder, "en")
    assert f"Issuer: <strong>{issuer.did}</strong>" in other
    assert _dd(other, "awarding_body").startswith("not confirmed")
    assert "Metaalschool Oost" not in other.split("<details", 1)[0]


@pytest.mark.browser
def test_result_page_screenshot(live: Any, issuer: Any, holder: Any) -> None:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None  # type: ignore[assignment]
    require(bool(shutil.which("chromium")) and sync_playwright is not None,
            "install Debian's chromium: apt-get install chromium")
    import httpx

    from tests.verifier.test_browser import ARGS
    from tests.verifier.test_live_http import play_wallet

    srv = live()
    created = httpx.post(srv.url + "/api/requests", json={"dcql_query": _query()},
                         timeout=30).json()
    play_wallet(srv.url, created["invocation_uri"], _full_credential(issuer, holder), holder,
                disclose=SHOWN)
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        try:
            page = browser.new_page(extra_http_headers={"accept-language": "nl-NL"})
            page.goto(f"{srv.url}/results/{created['id']}")
            assert page.locator("#verdict").get_attribute("data-verdict") == "accepted"
            level = page.locator('dd[data-claim="level"]').inner_text()
            assert level == "NLQF 2 (≈ EQF 2), aangegeven door de instelling"
            assert not page.locator(".disclosed details.raw pre").is_visible()
            page.screenshot(path=str(ARTIFACTS / "verifier-result-claims-nl.png"),
                            full_page=True)
        finally:
            browser.close()


def test_directional_overrides_never_reach_the_result_page(client: TestClient, issuer: Any,
                                                           holder: Any) -> None:
    record = json.loads((ROOT / "examples/records/mc-mag-lassen.json").read_text())
    record["title"] = {"nl": "Lassen \u202eesab\u202c MIG/MAG", "en": "Welding \u2067x\u2069"}
    record["awarding_body"]["id"] = issuer.did
    record["awarding_body"]["name"] = {"nl": "Metaal\u202dschool Oost", "en": "Metal school"}
    claims, paths, vct = sdjwt_vc.build(record)
    token = issue(claims, signer=issuer.signer, disclosable=paths, holder_key=holder.public_key,
                  vct=vct, iss=issuer.did)
    for lang in ("nl", "en"):
        page = _result_page(client, token, holder, lang)
        assert not any(c in page for c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
    assert "<h3>Lassen esab MIG/MAG</h3>" in _result_page(client, token, holder, "nl")
    assert "Uitgever: <strong>Metaalschool Oost</strong>" in _result_page(client, token, holder)
