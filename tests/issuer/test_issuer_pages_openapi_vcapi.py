"""Offer page (QR, links, languages, CSP), the OpenAPI document, VC-API, batch jobs."""

from __future__ import annotations

import re
import time
from typing import Any
from urllib.parse import unquote

from issuer.flows.batch import process_pending
from rotonde.keys import public_key_from_multikey
from rotonde.proofs import verify_proof
from rotonde.status.bitstring import read_status_list_credential
from tests.issuer._support import LiveIssuer, query_param, template


def _issue(live: LiveIssuer, slug: str) -> tuple[str, dict[str, Any]]:
    _, token = live.tenant(slug)
    with live.client(token) as api:
        ach = api.post("/api/v1/achievements", json=template()).json()
        issued = api.post("/api/v1/credentials", json={
            "achievement_id": ach["id"], "learner": {"name": "Fatima"}}).json()
    return token, issued


def test_offer_page(live: LiveIssuer) -> None:
    from servicekit.qrscan import decode_qr

    _, issued = _issue(live, "page-nl")
    with live.client() as http:
        r = http.get(issued["offer"]["offer_page"])
        assert r.status_code == 200
        html = r.text
        assert '<html lang="nl">' in html and "Lassen MIG/MAG basis" in html
        assert "<svg" in html and "<script" not in html
        assert "script-src 'self'" in r.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
        wallet_link = "https://wallet.example/offer?credential_offer_uri="
        assert wallet_link in html
        assert 'href="openid-credential-offer://?credential_offer_uri=' in html
        en = http.get(issued["offer"]["offer_page"], params={"lang": "en"}).text
        assert '<html lang="en">' in en and "Scan this QR code" in en
        by_header = http.get(issued["offer"]["offer_page"],
                             headers={"Accept-Language": "en-GB,en;q=0.9"}).text
        assert '<html lang="en">' in by_header
        assert http.get(f"{live.url}/static/offer.css").status_code == 200
        assert http.get(issued["offer"]["offer_page"] + "x").status_code == 404
        # a learner's browser on an unknown or expired offer reads it in words, with the step
        gone = http.get(issued["offer"]["offer_page"] + "x", headers={"Accept": "text/html"})
        assert gone.status_code == 404 and gone.headers["content-type"].startswith("text/html")
        assert "Vraag je opleiding om een nieuwe uitnodiging" in gone.text
        assert "offer.not_found" not in gone.text.replace('data-code="offer.not_found"', "")
        assert "404" not in gone.text
        en_gone = http.get(issued["offer"]["offer_page"] + "x", params={"lang": "en"},
                           headers={"Accept": "text/html"})
        assert "Ask your school for a new invitation" in en_gone.text
        # the language switch keeps the page: the same path, ``lang`` set
        switch = re.search(r'<a href="([^"]+)"[^>]*hreflang="en"', html)
        assert switch and switch.group(1).endswith("?lang=en")
        assert unquote(switch.group(1)).split("?")[0] in issued["offer"]["offer_page"]
    # The QR on the page decodes to the offer URI (rasterised from the SVG path).
    svg = html[html.index("<svg"):html.index("</svg>") + 6]
    text = decode_qr(_rasterise(svg))
    assert text == issued["offer"]["offer_uri"]
    assert unquote(query_param(text, "credential_offer_uri")) == (
        issued["offer"]["credential_offer_uri"])


def _rasterise(svg: str) -> bytes:
    """Draw the qrcode package's SVG path (only M/H/V/z commands) into a PNG."""
    import io
    import re

    from PIL import Image, ImageDraw

    view = re.search(r'viewBox="0 0 (\d+) (\d+)"', svg)
    assert view is not None
    size = int(view.group(1))
    scale = 8
    img = Image.new("L", (size * scale, size * scale), 255)
    draw = ImageDraw.Draw(img)
    path = re.search(r'<path d="([^"]+)"', svg)
    assert path is not None
    for x, y in re.findall(r"M(\d+),(\d+)H", path.group(1)):
        draw.rectangle([int(x) * scale, int(y) * scale, (int(x) + 1) * scale - 1,
                        (int(y) + 1) * scale - 1], fill=0)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def test_openapi_document_is_complete(live: LiveIssuer) -> None:
    with live.client() as http:
        spec = http.get("/openapi.json").json()
        docs = http.get("/docs")
        assert docs.status_code == 200
        # Swagger UI from the service's own files, no CDN (tests/browser/test_apidocs.py)
        assert "https:" not in docs.headers["content-security-policy"]
        assert '/docs/assets/swagger-ui-bundle.js' in docs.text
    assert spec["info"]["title"] == "Rotonde issuer"
    missing = []
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            if not op.get("summary"):
                missing.append(f"{method} {path}: summary")
            ok = [c for c, resp in op["responses"].items() if c.startswith("2")]
            if not ok:
                missing.append(f"{method} {path}: no success response")
            for code in ok:
                resp = op["responses"][code]
                if code == "204":
                    continue
                content = resp.get("content", {})
                if not any("schema" in c or "example" in c or "examples" in c
                           for c in content.values()):
                    missing.append(f"{method} {path}: {code} has no model or example")
    assert missing == []
    for needed in ("/api/v1/achievements", "/api/v1/credentials", "/api/v1/batches",
                   "/tenants/{slug}/token", "/tenants/{slug}/credential",
                   "/tenants/{slug}/nonce", "/vc-api/credentials/issue",
                   "/vc-api/credentials/status", "/tenants/{slug}/did.json"):
        assert needed in spec["paths"], needed


def test_vc_api_issue_and_status(live: LiveIssuer) -> None:
    tenant, token = live.tenant("vcapi")
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2",
                     "https://www.w3.org/ns/credentials/examples/v2"],
        "type": ["VerifiableCredential"],
        "credentialSubject": {"id": "did:example:learner", "name": "Test"},
    }
    with live.client(token) as api:
        r = api.post("/vc-api/credentials/issue", json={"credential": credential})
        assert r.status_code == 201, r.text
        vc = r.json()["verifiableCredential"]
        assert vc["issuer"] == tenant.did and vc["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
        entry = next(s for s in vc["credentialStatus"] if s["statusPurpose"] == "revocation")
        own = {**credential, "id": "urn:uuid:1b0e4a4c-4a5e-4c36-9f3e-3bd5d1b1b0a1",
               "credentialStatus": {"type": "BitstringStatusListEntry",
                                    "statusPurpose": "revocation", "statusListIndex": "7",
                                    "statusListCredential": "https://elsewhere.example/s/1"}}
        kept = api.post("/vc-api/credentials/issue", json={"credential": own}).json()
        assert kept["verifiableCredential"]["credentialStatus"] == own["credentialStatus"]
        bad = api.post("/vc-api/credentials/issue", json={"credential": {
            **credential, "issuer": "did:example:someone-else"}})
        assert bad.status_code == 422 and bad.json()["errors"][0]["pointer"] == (
            "/credential/issuer")
        r = api.post("/vc-api/credentials/status", json={
            "credentialId": vc["id"],
            "credentialStatus": [{"type": "BitstringStatusListCredential",
                                  "status": "revoked"}]})
        assert r.status_code == 200 and r.json()["status"] == "revoked"
        assert api.post("/vc-api/credentials/status", json={
            "credentialId": "urn:uuid:nope", "credentialStatus": [{"status": "revoked"}]
        }).status_code == 404
    with live.client() as http:
        doc = http.get(f"{live.ctx.tenant_base(tenant.slug)}/did.json").json()
        keys = {m["id"]: public_key_from_multikey(m["publicKeyMultibase"])
                for m in doc["verificationMethod"]}
        verify_proof(vc, keys=keys, require_controller=False)
        lst = http.get(entry["statusListCredential"]).json()
        bits = read_status_list_credential(lst, purpose="revocation")
        assert bits.get(int(entry["statusListIndex"])) == 1


def test_batch_job_progress_results_and_idempotency(live: LiveIssuer) -> None:
    _, token = live.tenant("batch")
    with live.client(token) as api:
        ach = api.post("/api/v1/achievements", json=template()).json()
        items = [{"achievement_id": ach["id"], "learner": {"name": f"Learner {i}"},
                  "learner_ref": f"b-{i}"} for i in range(25)]
        items[3]["learner"] = {"name": "X", "birth_date": "2001-13-45"}  # record rule fails
        shape = api.post("/api/v1/batches", json={"items": [{"learner": {"name": ""}}]})
        assert shape.status_code == 422 and {e["pointer"] for e in shape.json()["errors"]} >= {
            "/items/0/achievement_id", "/items/0/learner/name"}
        r = api.post("/api/v1/batches", json={"items": items},
                     headers={"Idempotency-Key": "batch-1"})
        assert r.status_code == 202
        job = r.json()
        again = api.post("/api/v1/batches", json={"items": items},
                         headers={"Idempotency-Key": "batch-1"})
        assert again.json()["id"] == job["id"]
        other = api.post("/api/v1/batches", json={"items": items[:2]},
                         headers={"Idempotency-Key": "batch-1"})
        assert other.status_code == 422 and other.json()["code"] == "idempotency.key_reused"
        deadline = time.monotonic() + 30
        while True:
            state = api.get(f"/api/v1/batches/{job['id']}").json()
            if state["state"] == "done" or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert state["state"] == "done", state
        assert state["done"] == 24 and state["failed"] == 1 and state["progress"] == 1.0
        results = api.get(f"/api/v1/batches/{job['id']}/items",
                          params={"limit": 100}).json()["items"]
        assert [i["state"] for i in results].count("done") == 24
        failed = results[3]
        assert failed["state"] == "failed" and failed["errors"][0]["pointer"] == "/learner/birth_date"
        ok = results[0]["result"]["offer"]
        assert ok["offer_uri"].startswith("openid-credential-offer://") and len(ok["tx_code"]) == 6
        assert api.get("/api/v1/credentials", params={"limit": 1}).json()["total"] == 24
    assert process_pending(live.ctx) == 0  # nothing left: every item was processed once
