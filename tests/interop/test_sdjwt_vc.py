"""Every SD-JWT VC Rotonde issues verifies in ``@sd-jwt/sd-jwt-vc`` (issue 15 E, A.3):
ES256 (a did:web tenant's P-256 key) and EdDSA (a did:key tenant's Ed25519 key), the issuer
key found through the tenant's JWT VC Issuer Metadata over HTTP, the disclosures, the Token
Status List entry (the library fetches and checks it), and a presentation with a KB-JWT made
by Rotonde's holder code. A tampered disclosure is never accepted and a revoked credential
fails there too.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest

from rotonde import oid4vci
from rotonde.keys import generate
from rotonde.learning.sdjwt_vc import vct_for
from rotonde.sdjwt import disclosable_paths, present
from tests.interop.conftest import run_node
from tests.issuer._support import LiveIssuer, make_settings, start_server, template, wallet

SCRIPT = "js/sdjwt_vc_verify.mjs"


@pytest.fixture(scope="module")
def issuer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveIssuer]:
    live = start_server(make_settings(tmp_path_factory.mktemp("sdjwt-vc"),
                                      wallet_url="https://wallet.example"))
    yield live
    live.server.should_exit = True
    time.sleep(0.05)
    live.ctx.db.dispose()


def _issue(live: LiveIssuer, slug: str, method: str, holder_alg: str,
           ) -> tuple[str, Any, str, str]:
    """(SD-JWT VC, holder key, credential id, API key) from a fresh tenant ``slug``."""
    try:
        _, key = live.tenant(slug, did_method=method)
    except Exception:  # the tenant exists already (another parameter)
        raise
    with live.client(key) as api:
        ach = api.post("/api/v1/achievements", json=template()).json()
        issued = api.post("/api/v1/credentials", json={
            "achievement_id": ach["id"], "learner": {"name": "Sanne de Vries"}}).json()
    w = wallet(holder_alg)
    offer = w.fetch_offer(issued["offer"]["offer_uri"])
    meta = w.metadata(offer.credential_issuer)
    access = w.token(offer.credential_issuer, offer.pre_authorized_code,
                     issued["offer"]["tx_code"]).json()["access_token"]
    r = w.credential(meta, access, "microcredential_sd_jwt",
                     [w.proof(offer.credential_issuer, w.nonce(meta))])
    assert r.status_code == 200, r.text
    return str(oid4vci.parse_credential_response(r.json())[0]), w.key, issued["id"], key


@pytest.mark.parametrize(("method", "alg"), [("web", "ES256"), ("key", "EdDSA")])
@pytest.mark.parametrize("holder_alg", ["ES256", "EdDSA"])
def test_sd_jwt_vc_verifies_in_the_sd_jwt_library(
    node: str, issuer: LiveIssuer, method: str, alg: str, holder_alg: str,
) -> None:
    slug = f"sd-{method}-{holder_alg.lower()}"
    token, holder, _, _ = _issue(issuer, slug, method, holder_alg)
    nonce = "n-" + generate("ES256").public_key.thumbprint()[:16]
    shown = present(token, disclose=[tuple(p.split(".")) for p in disclosable_paths(token)],
                    holder_key=holder, nonce=nonce, aud="https://verifier.example")
    out = run_node(node, SCRIPT, {
        "metadata_url": f"{issuer.url}/.well-known/jwt-vc-issuer/tenants/{slug}",
        "items": [{"credential": token, "kb": False},
                  {"credential": shown, "kb": True, "nonce": nonce},
                  {"credential": shown, "kb": True, "nonce": "another-nonce"}]})
    plain, bound, replayed = out["results"]
    assert plain["ok"], plain["error"]
    assert plain["payload"]["vct"] == vct_for("microcredential")
    assert plain["claims"]["title"]["en"] == "MIG/MAG welding, basic"
    assert bound["ok"], bound["error"]
    assert bound["kb"]["nonce"] == nonce and bound["kb"]["aud"] == "https://verifier.example"
    assert not replayed["ok"]  # the KB-JWT is bound to its nonce
    # and the signature is of the algorithm the tenant signs with
    from rotonde.sdjwt import parse

    assert parse(token).jws.header["alg"] == alg


def test_a_tampered_or_revoked_sd_jwt_vc_fails_there(node: str, issuer: LiveIssuer) -> None:
    token, _, credential_id, key = _issue(issuer, "sd-bad", "web", "ES256")
    jwt, *disclosures = token.split("~")
    from rotonde.encoding import b64url_decode, b64url_encode

    at = next(i for i, d in enumerate(disclosures) if d and b"MIG" in b64url_decode(d))
    changed = b64url_encode(b64url_decode(disclosures[at]).replace(b"MIG", b"TIG"))
    forged = "~".join([jwt, *disclosures[:at], changed, *disclosures[at + 1:]])
    url = f"{issuer.url}/.well-known/jwt-vc-issuer/tenants/sd-bad"
    out = run_node(node, SCRIPT, {"metadata_url": url, "items": [
        {"credential": forged, "kb": False}, {"credential": token, "kb": False}]})
    # The changed Disclosure's digest is in no _sd array: its claim is never accepted. (The
    # library drops such a Disclosure instead of rejecting the whole SD-JWT as RFC 9901 §7.1
    # step 5 asks; Rotonde's own verifier rejects it.)
    forged_result = out["results"][0]
    assert not forged_result["ok"] or "TIG" not in json.dumps(forged_result["claims"])
    assert not forged_result["ok"] or "title" not in forged_result["claims"]
    assert out["results"][1]["ok"], out["results"][1]["error"]
    with issuer.client(key) as api:
        r = api.post(f"/api/v1/credentials/{credential_id}/revoke", json={"reason": "test"})
        assert r.status_code == 200, r.text
    revoked = run_node(node, SCRIPT, {"metadata_url": url, "items": [
        {"credential": token, "kb": False}]})["results"][0]
    assert not revoked["ok"] and "status" in str(revoked["error"]).lower(), revoked
