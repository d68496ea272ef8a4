"""An OpenWallet Foundation OpenID4VP wallet (``@openid4vc/openid4vp``) against the real
Rotonde verifier over HTTP (issue 15 E, B.8, B.9).

The library itself parses the invocation, fetches the signed request object (``request_uri``),
checks its signature with the key of the verifier's did:web document and validates the
request — no fallback, no help from Rotonde code. The DCQL query is evaluated with ``dcql``,
the SD-JWT VC presented with a KB-JWT by ``@sd-jwt/sd-jwt-vc``, and the response sent with
``direct_post`` and ``direct_post.jwt`` (a JWE to the key in the request's
``client_metadata``). Before issue 15 B.8 the library refused the request object ("kid in
header starts with did that is different from did value in 'iss'").

The other direction: a small verifier on ``@openid4vc/openid4vp`` is answered by Rotonde's
wallet service.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from rotonde.keys import generate
from tests.interop.conftest import run_node
from tests.servers import free_port, start, stop
from tests.verifier._support import Issuer, make_app

SCRIPT = "js/owf_vp_wallet.mjs"


@pytest.fixture(scope="module")
def verifier(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    app = make_app(tmp_path_factory.mktemp("owf-vp"), public_url=f"http://127.0.0.1:{port}")
    server = start(app, port, name="verifier")
    yield f"http://127.0.0.1:{port}"
    stop(server)


def _request(base: str, **body: Any) -> dict[str, Any]:
    r = httpx.post(f"{base}/api/requests", json={"template": "level", "min_level": 3, **body},
                   timeout=30)
    assert r.status_code == 201, r.text
    return dict(r.json())


def _session(base: str, sid: str) -> dict[str, Any]:
    return dict(httpx.get(f"{base}/api/requests/{sid}", timeout=30).json())


def _wait_verdict(base: str, sid: str) -> dict[str, Any]:
    deadline = time.monotonic() + 15
    while True:
        shown = _session(base, sid)
        if shown.get("status") == "completed" or time.monotonic() > deadline:
            return shown
        time.sleep(0.05)


@pytest.mark.parametrize("mode", ["direct_post", "direct_post.jwt"])
@pytest.mark.parametrize("alg", ["ES256", "EdDSA"])
def test_the_owf_wallet_answers_the_verifier(node: str, verifier: str, mode: str,
                                             alg: str) -> None:
    holder = generate(alg)
    credential = Issuer().credential(holder, level=4)
    created = _request(verifier, response_mode=mode)
    out = run_node(node, SCRIPT, {"invocation_uri": created["invocation_uri"],
                                  "credential": credential, "alg": alg,
                                  "holder_jwk": holder.to_jwk(private=True)})
    assert "error" not in out, out["error"]
    assert out["signed"] is True  # the library verified the request object itself
    assert out["client_id"].startswith("decentralized_identifier:did:web:")
    assert out["response_mode"] == mode and out["encrypted"] is (mode == "direct_post.jwt")
    assert out["dcql"]["can_be_satisfied"] is True
    assert out["status"] == 200, out
    shown = _wait_verdict(verifier, created["id"])
    assert shown["status"] == "completed" and shown["verdict"] == "accepted", shown


def test_a_malformed_answer_leaves_the_request_open_for_a_retry(node: str,
                                                               verifier: str) -> None:
    """B.9: a malformed ``vp_token`` is shown as rejected but does not end the session; the
    wallet answers again, properly, and is accepted."""
    holder = generate("ES256")
    credential = Issuer().credential(holder, level=4)
    created = _request(verifier)
    base = {"invocation_uri": created["invocation_uri"], "credential": credential,
            "alg": "ES256", "holder_jwk": holder.to_jwk(private=True)}
    bad = run_node(node, SCRIPT, {**base, "vp_token_override": {"achievement": ["x~y~"]}})
    assert "error" not in bad, bad["error"]
    assert bad["status"] == 400 and bad["body"]["error"] == "invalid_request"
    shown = _session(verifier, created["id"])
    assert shown["verdict"] == "rejected" and shown["result"]["final"] is False, shown
    good = run_node(node, SCRIPT, base)
    assert good.get("status") == 200, good
    assert _wait_verdict(verifier, created["id"])["verdict"] == "accepted"


def test_a_presentation_that_does_not_meet_the_query_is_not_sent(node: str,
                                                                 verifier: str) -> None:
    """The DCQL evaluation is real: a credential of another vct does not satisfy the query."""
    holder = generate("ES256")
    credential = Issuer().credential(holder, vct="https://other.example/vct/1")
    created = _request(verifier)
    out = run_node(node, SCRIPT, {"invocation_uri": created["invocation_uri"],
                                  "credential": credential, "alg": "ES256",
                                  "holder_jwk": holder.to_jwk(private=True)})
    assert out["dcql"]["can_be_satisfied"] is False
    assert "dcql" in out["error"]["message"]


def test_a_verifier_on_the_owf_library_accepts_rotonde_wallet_answers(
    node: str, tmp_path: Any,
) -> None:
    """The other direction: a small verifier built on ``@openid4vc/openid4vp`` (its request,
    its response parsing and validation), ``dcql`` and ``@sd-jwt/sd-jwt-vc`` is answered by
    Rotonde's wallet service (the learner consents on the wallet's own pages)."""
    import json
    import subprocess

    from fastapi.testclient import TestClient

    from rotonde.learning.sdjwt_vc import vct_for
    from tests.interop.conftest import HERE
    from tests.wallet.wallet_helpers import Learner
    from tests.wallet.wallet_helpers import make_settings as wallet_settings
    from tests.wallet.wallet_peers import mini_issuer
    from wallet.app import create_app as wallet_app

    query = {"credentials": [{"id": "mc", "format": "dc+sd-jwt",
                              "meta": {"vct_values": [vct_for("microcredential")]},
                              "claims": [{"path": ["title"]}]}]}
    with mini_issuer() as issuer:
        port = free_port()
        proc = subprocess.Popen(
            [node, str(HERE / "js/owf_verifier.mjs")], cwd=HERE, text=True,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            assert proc.stdin is not None and proc.stdout is not None
            proc.stdin.write(json.dumps({"port": port, "dcql_query": query,
                                         "issuer_jwk": issuer.key.public_key.to_jwk()}))
            proc.stdin.close()
            first = proc.stdout.readline()
            assert first, proc.stderr.read() if proc.stderr else ""
            invocation = json.loads(first)["invocation"]
            app = wallet_app(wallet_settings(tmp_path))
            with TestClient(app) as c:
                person = Learner(c)
                person.signup()
                assert person.receive(issuer.new_offer(), issuer.pin).status_code == 200
                consent = person.consent(invocation)
                assert consent.status_code == 200, consent.text[-2000:]
                person.share_all_checked(consent)
            app.state.wallet.db.dispose()
            result = json.loads(proc.stdout.readline())["result"]
        finally:
            proc.kill()
            proc.wait(timeout=10)
    assert result["ok"], result
    assert result["state_ok"] and result["dcql_satisfied"]
    [shown] = result["presentations"]["mc"]
    assert shown["vct"] == vct_for("microcredential") and "title" in shown["claims"]
    assert shown["kb"]["aud"].startswith("redirect_uri:http://127.0.0.1:")
