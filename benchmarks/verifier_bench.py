"""Verifier service throughput as ratios to a trivial endpoint of the same app (``/healthz``).

* ``vcapi_sdjwt_kb``: ``POST /vc-api/presentations/verify`` of an SD-JWT VC presentation with
  KB-JWT and a Token Status List reference (status list cache warm, did:key issuer);
* ``vcapi_ldp_vp_rdfc``: the same endpoint with a Data Integrity VP (``eddsa-rdfc-2022`` on
  the VP and on the embedded VC: two RDFC canonicalizations and two Ed25519 verifications);
* ``oid4vp_direct_post``: the wallet's ``direct_post`` of an SD-JWT VC + KB-JWT to a fresh
  session (session claim, verification, DCQL + requirement evaluation, result stored) — the
  sessions and presentations are prepared beforehand, only the POST is timed.

All run in-process (Starlette TestClient, SQLite in a temporary directory), bounded well
under 60 s.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks._ratio import Result, compare

__all__ = ["run"]

ROOT = Path(__file__).resolve().parent.parent


def _setup(tmp: Path) -> tuple[Any, Any, Any, Any]:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from fastapi.testclient import TestClient

    from rotonde.keys import generate
    from tests.verifier._support import Issuer, make_app, status_claim, status_token

    issuer = Issuer()
    holder = generate("ES256")
    token = status_token(issuer, {5: 1})
    app = make_app(tmp, status_resolver=lambda uri: token)
    return TestClient(app), issuer, holder, status_claim(3)


def run(quick: bool = False) -> list[Result]:
    from rotonde.jws import parse_compact
    from rotonde.sdjwt import present
    from tests.verifier._support import request_params, wallet_answer

    budget = 0.2 if quick else 0.6
    rounds = 3 if quick else 5
    results: list[Result] = []
    with tempfile.TemporaryDirectory() as d:
        client, issuer, holder, status = _setup(Path(d))
        cred = issuer.credential(holder, status=status)
        shown = present(cred, disclose=["title", "level"], holder_key=holder,
                        nonce="bench-challenge-01", aud="bench.example")
        body = {"verifiablePresentation": shown,
                "options": {"challenge": "bench-challenge-01", "domain": "bench.example"}}

        def vcapi() -> None:
            r = client.post("/vc-api/presentations/verify", json=body)
            assert r.status_code == 200, r.text

        def health() -> None:
            client.get("/healthz")

        vcapi()  # warm the status list cache and the DID resolver
        fn_s, base_s = compare(vcapi, health, budget=budget, rounds=rounds)
        results.append(Result("verifier", "vcapi_sdjwt_kb", "ES256", fn_s, "healthz", base_s))

        from rotonde.presentation import build_presentation, sign_presentation
        from tests.verifier.test_ldp import signed_vc

        vc, hk, holder_did = signed_vc()
        vp = sign_presentation(build_presentation(credentials=[vc], holder=holder_did),
                               signer=hk, challenge="bench-challenge-01", domain="bench.example")
        ldp_body = {"verifiablePresentation": vp,
                    "options": {"challenge": "bench-challenge-01", "domain": "bench.example"}}

        def vcapi_ldp() -> None:
            r = client.post("/vc-api/presentations/verify", json=ldp_body)
            assert r.status_code == 200, r.text

        vcapi_ldp()
        fn_s, base_s = compare(vcapi_ldp, health, budget=budget, rounds=rounds)
        results.append(Result("verifier", "vcapi_ldp_vp_rdfc", "EdDSA", fn_s, "healthz", base_s))

        n = 10 if quick else 30
        forms = []
        for _ in range(n):
            r = client.post("/api/requests", json={"template": "level", "min_level": 3}).json()
            p = request_params(r["invocation_uri"])
            req = parse_compact(client.get(p["request_uri"].split("8003", 1)[1]).text).claims()
            vp = wallet_answer(cred, holder, nonce=req["nonce"], aud=req["client_id"])
            forms.append({"vp_token": vp, "state": req["state"]})
        start = time.perf_counter()
        for form in forms:
            resp = client.post("/oid4vp/response", data=form)
            assert resp.status_code == 200, resp.text
        per_post = (time.perf_counter() - start) / n
        base = compare(health, health, budget=budget / 2, rounds=rounds)[0]
        results.append(Result("verifier", "oid4vp_direct_post", "ES256", per_post, "healthz",
                              base))
    return results


if __name__ == "__main__":  # pragma: no cover
    for r in run(quick="--quick" in sys.argv):
        print(json.dumps(r.to_dict()))
