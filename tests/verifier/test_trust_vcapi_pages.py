"""Trust list at start-up (plain and signed; a bad signature refuses start-up), the trust
page, W3C VC-API verify endpoints, pages without JavaScript, settings and the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from rotonde.errors import ConfigurationError
from rotonde.keys import generate
from rotonde.trust import sign_trust_list
from tests.verifier._support import request_params, wallet_answer


def _trust_doc(*issuers: str) -> dict[str, Any]:
    return {"trust_list_version": "1.0", "id": "https://trust.example/nl-mbo",
            "name": {"nl": "Erkende mbo-instellingen", "en": "Accredited VET providers"},
            "issuers": [{"name": {"nl": f"Instelling {i}"}, "identifiers": [d], "kinds": ["*"]}
                        for i, d in enumerate(issuers)]}


def _answer(client: TestClient, issuer: Any, holder: Any) -> dict[str, Any]:
    from rotonde.jws import parse_compact

    r = client.post("/api/requests", json={"template": "level"}).json()
    p = request_params(r["invocation_uri"])
    req = parse_compact(client.get(p["request_uri"].split("8003", 1)[1]).text).claims()
    vp = wallet_answer(issuer.credential(holder), holder, nonce=req["nonce"], aud=req["client_id"])
    client.post("/oid4vp/response", data={"vp_token": vp, "state": req["state"]})
    return client.get(f"/api/requests/{r['id']}").json()["result"]


def test_trusted_and_untrusted_issuers(tmp_path: Path, app_factory: Any, issuer: Any, holder: Any) -> None:
    path = tmp_path / "trust.json"
    path.write_text(json.dumps(_trust_doc(issuer.did)))
    client = TestClient(app_factory(trust_list=str(path)))
    res = _answer(client, issuer, holder)
    assert res["verdict"] == "accepted"
    assert next(c for c in res["checks"] if c["name"] == "trust")["outcome"] == "passed"
    assert res["credentials"][0]["trusted"] is True
    page = client.get("/trust?lang=en")
    assert page.status_code == 200 and issuer.did in page.text and "Accredited VET providers" in page.text

    path.write_text(json.dumps(_trust_doc("did:web:other-school.example")))
    client = TestClient(app_factory(trust_list=str(path)))
    res = _answer(client, issuer, holder)
    assert res["verdict"] == "rejected"  # never accepted, not even "with a warning"
    assert res["reasons"][0]["code"] == "trust.issuer_unknown"
    assert res["credentials"][0]["trusted"] is False


def test_signed_trust_list(tmp_path: Path, app_factory: Any, issuer: Any) -> None:
    anchor = generate("EdDSA")
    signed = tmp_path / "trust.jwt"
    signed.write_text(sign_trust_list(_trust_doc(issuer.did), anchor))
    key_file = tmp_path / "anchor.jwk"
    key_file.write_text(json.dumps(anchor.public_key.to_jwk()))
    client = TestClient(app_factory(trust_list=str(signed), trust_anchor_key=str(key_file)))
    assert "trust-issuers" in client.get("/trust").text
    wrong = tmp_path / "wrong.jwk"
    wrong.write_text(json.dumps(generate("EdDSA").public_key.to_jwk()))
    with pytest.raises(ConfigurationError) as info:
        app_factory(trust_list=str(signed), trust_anchor_key=str(wrong))
    assert info.value.code == "config.trust_list_refused"
    assert "trust.signature_invalid" in info.value.message
    with pytest.raises(ConfigurationError) as info:
        app_factory(trust_list=str(tmp_path / "missing.json"))
    assert info.value.code == "config.trust_list_unreadable"


def test_vc_api_endpoints(client: TestClient, issuer: Any, holder: Any) -> None:
    from rotonde.sdjwt import present

    cred = issuer.credential(holder)
    r = client.post("/vc-api/credentials/verify", json={"verifiableCredential": cred})
    assert r.status_code == 200 and r.json()["verified"] is True
    assert "signature" in r.json()["checks"]
    shown = present(cred, disclose=["title"], holder_key=holder, nonce="c" * 20, aud="d.example")
    ok = client.post("/vc-api/presentations/verify", json={
        "verifiablePresentation": shown, "options": {"challenge": "c" * 20, "domain": "d.example"}})
    assert ok.status_code == 200 and ok.json()["verified"] is True
    bad = client.post("/vc-api/presentations/verify", json={
        "verifiablePresentation": shown, "options": {"challenge": "x" * 20, "domain": "d.example"}})
    assert bad.status_code == 400 and bad.json()["verified"] is False and bad.json()["errors"]
    for body in ({}, {"verifiableCredential": 5}, [1]):
        r = client.post("/vc-api/credentials/verify", json=body)
        assert r.status_code == 400 and r.headers["content-type"].startswith("application/problem+json")
    r = client.post("/vc-api/credentials/verify", content=b"{nope", headers={"content-type": "application/json"})
    assert r.status_code == 400
    r = client.post("/vc-api/credentials/verify", json={"verifiableCredential": {"type": ["VerifiableCredential"]}})
    assert r.status_code == 400 and r.json()["verified"] is False


def test_pages_without_javascript(client: TestClient) -> None:
    home = client.get("/", headers={"accept-language": "en"})
    assert home.status_code == 200 and '<html lang="en">' in home.text
    assert "<script" not in home.text.split("</main>")[0].split("<main>")[1]
    r = client.post("/requests", data={"template": "level", "min_level": "4"}, follow_redirects=False)
    assert r.status_code == 303
    page = client.get(r.headers["location"], headers={"accept-language": "nl"})
    assert '<html lang="nl">' in page.text
    assert '<noscript><meta http-equiv="refresh"' in page.text  # refreshes itself without JS
    assert 'href="openid4vp://?' in page.text and "<svg" in page.text
    assert "/static/poll.js" in page.text
    assert 'style="' not in page.text.split("<svg", 1)[0]  # CSP: no inline styles in markup
    assert "script-src 'self'" in page.headers["content-security-policy"]
    bad = client.post("/requests", data={"template": "level", "min_level": "x"}, headers={"accept": "text/html"})
    assert bad.status_code == 422 and "request.invalid" in bad.text
    missing = client.get("/results/does-not-exist", headers={"accept": "text/html"})
    assert missing.status_code == 404 and "session.unknown" in missing.text
    assert client.get("/trust").status_code == 200
    assert client.get("/static/verifier.css").status_code == 200


def test_settings_are_validated(tmp_path: Path) -> None:
    from verifier.settings import load_settings

    for kw, code in (({"wallet_url": "ftp://x"}, "config.invalid_wallet_url"),
                     ({"webhook_url": "https://hr.example/h", "webhook_secret": "short"},
                      "config.invalid_webhook_secret"),
                     ({"api_keys": ("short",)}, "config.invalid_api_keys"),
                     ({"request_ttl": 5}, "config.invalid_request_ttl"),
                     ({"public_url": "http://verifier.example", "dev": False}, "config.invalid_public_url")):
        with pytest.raises(ConfigurationError) as info:
            load_settings({}, data_dir=tmp_path, dev=kw.pop("dev", True), **kw)
        assert info.value.code == code
    s = load_settings({"ROTONDE_VERIFIER_PORT": "8013", "ROTONDE_VERIFIER_DEV": "1"}, data_dir=tmp_path)
    assert s.port == 8013 and s.client_id_did.startswith("did:web:")


def test_cli_registers_verifier_serve() -> None:
    from rotonde.cli import build_parser

    args = build_parser().parse_args(["verifier", "serve", "--port", "8099", "--dev",
                                      "--trust-list", "trust.json"])
    assert args.port == 8099 and args.dev and args.trust_list == "trust.json"
    assert callable(args.handler)


def test_trust_by_kind_and_level(tmp_path: Path, app_factory: Any, issuer: Any, holder: Any) -> None:
    """The trust list is checked per credential with its kind and level, not its format."""
    from rotonde.jws import parse_compact
    from rotonde.learning import sdjwt_vc
    from rotonde.sdjwt import issue, present

    root = Path(__file__).resolve().parents[2]
    record = json.loads((root / "examples/records/mc-mag-lassen.json").read_text())
    claims, paths, vct = sdjwt_vc.build(record)
    cred = issue(claims, signer=issuer.signer, disclosable=paths, holder_key=holder.public_key,
                 vct=vct, iss=issuer.did)
    outcomes = {}
    for name, entry in (("ok", {"kinds": ["microcredential"]}),
                        ("kind", {"kinds": ["qualification"]}),
                        ("level", {"kinds": ["microcredential"],
                                   "max_levels": [{"framework": "EQF", "value": 1}]})):
        doc = _trust_doc(issuer.did)
        doc["issuers"][0].update(entry)
        path = tmp_path / f"trust-{name}.json"
        path.write_text(json.dumps(doc))
        client = TestClient(app_factory(trust_list=str(path)))
        r = client.post("/api/requests", json={"template": "achievement"}).json()
        p = request_params(r["invocation_uri"])
        req = parse_compact(client.get(p["request_uri"].split("8003", 1)[1]).text).claims()
        shown = present(cred, disclose=["title", "level", "awarding_body"], holder_key=holder,
                        nonce=req["nonce"], aud=req["client_id"])
        client.post("/oid4vp/response", data={"vp_token": json.dumps({"achievement": [shown]}),
                                              "state": req["state"]})
        res = client.get(f"/api/requests/{r['id']}").json()["result"]
        trust = next(c for c in res["checks"] if c["name"] == "trust")
        outcomes[name] = (res["verdict"], [p["code"] for p in trust["problems"]])
    assert outcomes["ok"] == ("accepted", [])
    assert outcomes["kind"] == ("rejected", ["trust.kind_not_accredited"])
    assert outcomes["level"][0] == "rejected" and outcomes["level"][1][0].startswith("trust.level")


def test_credential_without_iss_is_judged_by_its_keys_did(tmp_path: Path, app_factory: Any,
                                                          issuer: Any, holder: Any) -> None:
    """Issue 19 item 2: an SD-JWT VC without ``iss``, signed with the attacker's own did:key
    and claiming a trusted school as awarding body, was accepted ("het bewijs is echt, geldig
    en voldoet aan uw vraag") with the trust check skipped and the school's name on the page."""
    from rotonde.did import did_key_from_public_key
    from rotonde.sdjwt import issue

    path = tmp_path / "trust.json"
    path.write_text(json.dumps(_trust_doc(issuer.did)))  # the school is on the list
    client = TestClient(app_factory(trust_list=str(path)))
    attacker = generate("ES256")
    did = did_key_from_public_key(attacker.public_key)
    claims = {"title": "Lassen MIG/MAG", "assurance": "assessed",
              "level": {"framework": "NLQF", "value": 4, "source": "institution"},
              "awarding_body": {"id": issuer.did, "name": "Metaalschool Oost", "country": "NL"}}
    forged = issue(claims, signer=attacker.with_kid(f"{did}#{did[8:]}"), holder_key=holder.public_key,
                   disclosable=["title", "level", "assurance", "awarding_body"],
                   vct="https://rotonde.example/credentials/microcredential/1.0")
    r = client.post("/api/requests", json={"template": "level"}).json()
    from rotonde.jws import parse_compact

    p = request_params(r["invocation_uri"])
    req = parse_compact(client.get(p["request_uri"].split("8003", 1)[1]).text).claims()
    vp = wallet_answer(forged, holder, nonce=req["nonce"], aud=req["client_id"],
                       disclose=("title", "level", "assurance", "awarding_body"))
    client.post("/oid4vp/response", data={"vp_token": vp, "state": req["state"]})
    res = client.get(f"/api/requests/{r['id']}").json()["result"]
    assert res["verdict"] == "rejected"
    assert res["credentials"][0]["issuer"] == did  # the key's DID, not "unknown"
    trust = next(c for c in res["checks"] if c["name"] == "trust")
    assert trust["outcome"] == "failed" and trust["fatal"]
    assert [x["code"] for x in trust["problems"]] == ["trust.issuer_unknown"]
    page = client.get(f"/results/{r['id']}", headers={"accept": "text/html",
                                                      "accept-language": "nl"}).text
    assert "Geaccepteerd" not in page and "Niet geaccepteerd" in page
    shown = page.split("<details", 1)[0]  # the words, before the claims as received
    assert "Metaalschool Oost" not in shown
    assert "niet bevestigd" in shown and f"<strong>{did}</strong>" in shown


def test_vc_api_needs_an_api_key_in_production(app_factory: Any, issuer: Any, holder: Any) -> None:
    """Issue 19 item 3: the VC-API was open to anyone when no API keys were configured."""
    cred = issuer.credential(holder)
    body = {"verifiableCredential": cred}
    closed = TestClient(app_factory(dev=False, public_url="https://verifier.example"))
    for path in ("/vc-api/credentials/verify", "/vc-api/presentations/verify"):
        r = closed.post(path, json=body)
        assert r.status_code == 403 and r.json()["code"] == "api.disabled"
    key = "k" * 32
    keyed = TestClient(app_factory(dev=False, public_url="https://verifier.example",
                                   api_keys=(key,)))
    assert keyed.post("/vc-api/credentials/verify", json=body).status_code == 401
    ok = keyed.post("/vc-api/credentials/verify", json=body,
                    headers={"authorization": f"Bearer {key}"})
    assert ok.status_code == 200 and ok.json()["verified"] is True
