"""Schemathesis against the OpenAPI documents of the three services (in-process, ASGI).

Every operation gets positive and negative cases (a dozen each in CI; ``ROTONDE_FUZZ=nightly``
raises it to hundreds). The issuer's provider API is fuzzed with a real tenant API key and the
known tenant/achievement/credential ids so cases reach the handlers; the wallet is fuzzed both
anonymously and with a learner's session cookie. Zero 5xx, and every error in its documented
shape (see ``tests/security/_fuzz.py``).
"""

from __future__ import annotations

import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import examples, fast_lane
from tests.security._fuzz import FuzzStats, fuzz_schema
from tests.wallet.wallet_helpers import Learner, csrf_of
from tests.wallet.wallet_helpers import make_settings as wallet_settings

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _report(name: str, stats: FuzzStats) -> None:
    print(f"\nfuzz {name}: {stats.summary()}")
    assert stats.operations > 0
    assert not stats.failures, "\n\n".join(stats.failures)


#: Schemathesis over every operation of the issuer's and the wallet's OpenAPI documents takes
#: some 50 s even at two cases each: the full run (CI) has it, the fast lane says so.
FULL_RUN_ONLY = pytest.mark.skipif(fast_lane(), reason="API fuzzing runs in the full run, not "
                                   "in the fast lane (-m 'not system')")


@FULL_RUN_ONLY
def test_fuzz_issuer(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from issuer.app import create_app
    from issuer.flows.apikeys import new_api_key
    from issuer.flows.tenants import create_tenant
    from issuer.settings import IssuerSettings
    from tests.issuer._support import template

    app = create_app(IssuerSettings(dev=True, data_dir=tmp_path, public_url="http://testserver",
                                    rate_limit=1_000_000), run_worker=False)
    ctx = app.state.ctx
    tenant = create_tenant(ctx, slug="fuzz", name_nl="Fuzz NL", name_en="Fuzz EN")
    _, token = new_api_key(ctx, tenant.id)
    auth = {"Authorization": f"Bearer {token}"}
    api = TestClient(app, headers=auth)
    ach = api.post("/api/v1/achievements", json=template()).json()["id"]
    cred = api.post("/api/v1/credentials", json={
        "achievement_id": ach, "learner": {"name": "Fuzz Learner"}, "learner_ref": "f-1",
        "award_date": "2026-06-30"}).json()
    offer_id = cred["offer"]["offer_uri"].rsplit("%2F", 1)[-1]
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    stats = FuzzStats()

    def oauth(method: str, path: str) -> bool:
        return path.endswith(("/token", "/nonce", "/credential"))

    def page(method: str, path: str) -> bool:
        return "/offer/" in path

    fuzz_schema(schema, stats, headers={"authorization": auth["Authorization"]},
                path_parameters={"slug": "fuzz", "achievement_id": ach,
                                 "credential_id": cred["id"], "offer_id": offer_id,
                                 "number": "1", "purpose": "revocation"},
                is_oauth=oauth, is_page=page)
    # and once more without the fixed values (unknown tenants, ids, random auth headers)
    fuzz_schema(schema, stats, is_oauth=oauth, is_page=page,
                modes=(schemathesis.GenerationMode.NEGATIVE,))
    ctx.db.dispose()
    _report("issuer", stats)


def test_fuzz_verifier(tmp_path: Path) -> None:
    from tests.verifier._support import make_app

    app = make_app(tmp_path / "v")
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    stats = FuzzStats()
    fuzz_schema(schema, stats)
    app.state.verifier.db.dispose()
    _report("verifier", stats)


@FULL_RUN_ONLY
def test_fuzz_wallet(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from wallet.app import create_app

    app = create_app(wallet_settings(tmp_path))
    with TestClient(app, base_url="http://testserver") as client:
        learner = Learner(client)
        assert learner.signup().status_code == 200
        session = {k: v for k, v in client.cookies.items()}
        token = csrf_of(client.get("/account").text)
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)

    def page(method: str, path: str) -> bool:
        return not path.startswith("/share/{")

    anonymous = FuzzStats()
    fuzz_schema(schema, anonymous, is_page=page)
    cookie = "; ".join(f"{k}={v}" for k, v in session.items())
    logged_in = FuzzStats()

    def with_session() -> dict[str, Any]:
        return {"Cookie": cookie}

    def valid_csrf(case: Any) -> None:
        # most generated forms carry the session's real CSRF token, so they reach the handler
        if case.operation.path in ("/logout", "/account/delete"):
            return  # keep the session alive for the rest of the run
        if isinstance(case.body, dict) and "csrf" in case.body and case.body["csrf"] != "":
            case.body["csrf"] = token

    fuzz_schema(schema, logged_in, is_page=page, call_headers=with_session, prepare=valid_csrf)
    app.state.wallet.db.dispose()
    _report("wallet (anonymous)", anonymous)
    _report("wallet (logged in)", logged_in)


_FIELDS = st.sampled_from(["state", "vp_token", "error", "error_description", "response",
                           "presentation_submission", "wallet_nonce", "x"])
_VALUES = st.one_of(st.text(max_size=40), st.sampled_from(
    ["{}", "[]", '{"q": ["x~"]}', '{"q": [{}]}', "null", "a.b.c", "eyJhbGciOiJub25lIn0.e30.",
     "access_denied", "{" * 200]))


@settings(max_examples=examples(40), deadline=None, suppress_health_check=list(HealthCheck))
@given(form=st.dictionaries(_FIELDS, _VALUES, max_size=5), use_state=st.booleans())
def test_fuzz_verifier_oid4vp_endpoints(form: dict[str, str], use_state: bool) -> None:
    """The OpenID4VP endpoints are not in the OpenAPI document (wallet-facing protocol
    endpoints): Hypothesis drives them directly. OAuth error JSON, never a 5xx."""
    client, session_id, state = _verifier_oid4vp()
    if use_state:
        form = {**form, "state": state}
    for method, path in (("POST", "/oid4vp/response"),
                         ("POST", f"/oid4vp/request/{session_id}"),
                         ("GET", f"/oid4vp/request/{session_id}")):
        r = client.request(method, path, data=form if method == "POST" else None)
        assert r.status_code < 500, (path, r.status_code, r.text[:200])
        if r.status_code >= 400:
            body = r.json()
            assert "error" in body or ("code" in body and "status" in body), (path, body)


@lru_cache(maxsize=1)
def _verifier_oid4vp() -> tuple[Any, str, str]:
    from fastapi.testclient import TestClient

    from tests.verifier._support import make_app
    from verifier.flows.sessions import get_session

    app = make_app(Path(tempfile.mkdtemp(prefix="rotonde-oid4vp-fuzz-")), rate_limit=100_000)
    client = TestClient(app, raise_server_exceptions=False)
    created = client.post("/api/requests", json={"template": "achievement"}).json()
    session = get_session(app.state.verifier, id=created["id"])
    assert session is not None
    return client, session.id, str(session.state)
