"""No secrets or personal data in the logs: a full journey over real HTTP (issuer issues, the
wallet claims with a PIN and presents to the verifier) with every log record captured (root at
DEBUG, uvicorn's access logs included), then a search for each secret."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import httpx
import pytest
import uvicorn
from hypothesis import example, given, settings
from hypothesis import strategies as st

from servicekit.logredact import RedactQueryFilter, redact_target
from tests.conftest import examples
from tests.servers import serve as _serve
from tests.wallet.wallet_helpers import PASSWORD, Learner, csrf_of, text_of
from tests.wallet.wallet_peers import WELDING, free_port

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

NAME = "Femke Zwartendijk"
BIRTH = "2002-11-23"


def serve(app: Any, port: int) -> Any:
    """uvicorn with access logs on and no logging config of its own, so every record
    (access log included) reaches the root logger that caplog watches."""
    return _serve(app, port, log_config=None, access_log=True, log_level="info")


def test_redact_target() -> None:
    assert redact_target("/offer?credential_offer_uri=x") == "/offer?[redacted]"
    assert redact_target("/healthz") == "/healthz"
    assert redact_target("http://i.example/tenants/roc/credential-offer/s3cr3t") == (
        "http://i.example/tenants/roc/credential-offer/[redacted]")
    assert redact_target("/oid4vp/request/abc") == "/oid4vp/request/[redacted]"
    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1,
                               '%s - "%s %s HTTP/%s" %d',
                               ("1.2.3.4:5", "GET", "/authorize?request_uri=abc", "1.1", 200),
                               None)
    assert RedactQueryFilter().filter(record)
    assert "abc" not in record.getMessage() and "/authorize?[redacted]" in record.getMessage()


@settings(max_examples=examples(200), deadline=None)
@given(path=st.text(alphabet=st.characters(blacklist_characters="?#", blacklist_categories=("Cs",)),
                    max_size=30),
       secret=st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_",
                      min_size=12, max_size=40),
       route=st.sampled_from(["credential-offer", "offer", "oid4vp/request", "results", "share"]))
@example(path="share", secret="abcdefghijkl", route="credential-offer")  # a route in a capability slot
def test_redact_target_removes_every_secret(path: str, secret: str, route: str) -> None:
    target = f"/{path}/{route}/{secret}?code={secret}"
    out = redact_target(target)
    assert secret not in out.split(f"/{route}/", 1)[-1]
    assert out.endswith("?[redacted]")
    assert redact_target(f"/x?{secret}") == "/x?[redacted]"


def test_redaction_survives_uvicorns_logging_config() -> None:
    import logging.config

    from servicekit.logredact import install_log_redaction

    install_log_redaction()
    names = ("uvicorn", "uvicorn.error", "uvicorn.access")
    saved = {n: (logging.getLogger(n).level, logging.getLogger(n).propagate,
                 list(logging.getLogger(n).handlers)) for n in names}
    try:
        logging.config.dictConfig(uvicorn.config.LOGGING_CONFIG)  # what `uvicorn app` does
        access = logging.getLogger("uvicorn.access")
        assert any(isinstance(f, RedactQueryFilter) for f in access.filters)
        assert any(isinstance(f, RedactQueryFilter) for f in logging.getLogger("httpx").filters)
    finally:
        for n, (level, propagate, handlers) in saved.items():
            logger = logging.getLogger(n)
            logger.setLevel(level)
            logger.propagate = propagate
            logger.handlers[:] = handlers


@pytest.mark.system
def test_full_journey_leaks_no_secret_into_logs(tmp_path: Path,
                                                caplog: pytest.LogCaptureFixture,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from issuer.app import create_app as issuer_app
    from issuer.context import open_context
    from issuer.flows.apikeys import new_api_key
    from issuer.flows.tenants import create_tenant
    from issuer.settings import IssuerSettings
    from tests.wallet.wallet_helpers import make_settings as wallet_settings
    from verifier.app import create_app as verifier_app
    from verifier.flows.sessions import get_session
    from verifier.settings import VerifierSettings
    from wallet.app import create_app as wallet_app

    caplog.set_level(logging.DEBUG)
    # other tests' uvicorn servers configured uvicorn's loggers (level, propagate=False)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        caplog.set_level(logging.DEBUG, logger=name)
        monkeypatch.setattr(logging.getLogger(name), "propagate", True)
    ip, vp, wp = free_port(), free_port(), free_port()
    wallet_url = f"http://127.0.0.1:{wp}"
    isettings = IssuerSettings(dev=True, data_dir=tmp_path / "issuer", port=ip,
                               public_url=f"http://127.0.0.1:{ip}", wallet_url=wallet_url)
    ictx = open_context(isettings)
    tenant = create_tenant(ictx, slug="roc-logs", name_nl="ROC", name_en="ROC", did_method="key")
    _, api_key = new_api_key(ictx, tenant.id)
    wsettings = wallet_settings(tmp_path / "wallet", public_url=wallet_url)
    vsettings = VerifierSettings(dev=True, data_dir=tmp_path / "verifier", port=vp,
                                 public_url=f"http://127.0.0.1:{vp}", wallet_url=wallet_url)
    iapp = issuer_app(isettings, context=ictx, run_worker=False)
    vapp = verifier_app(vsettings)
    wapp = wallet_app(wsettings)
    secrets: dict[str, str] = {"api key": api_key, "password": PASSWORD, "name": NAME,
                               "birth date": BIRTH, "wallet KEK": str(wsettings.kek)}
    for label, path in (("issuer KEK", tmp_path / "issuer" / "kek"),
                        ("verifier KEK", tmp_path / "verifier" / "kek")):
        if path.is_file():
            secrets[label] = path.read_text().strip()
    with serve(iapp, ip) as ibase, serve(vapp, vp) as vbase, serve(wapp, wp) as wbase:
        api = httpx.Client(base_url=ibase, headers={"authorization": f"Bearer {api_key}"},
                           timeout=30)
        ach = api.post("/api/v1/achievements", json=WELDING)
        assert ach.status_code == 201, ach.text
        issued = api.post("/api/v1/credentials", json={
            "achievement_id": ach.json()["id"], "learner": {"name": NAME, "birth_date": BIRTH},
            "learner_ref": "s-77", "award_date": "2026-06-30"})
        assert issued.status_code == 201, issued.text
        offer = issued.json()["offer"]
        secrets["PIN (tx_code)"] = offer["tx_code"]
        offer_ref = offer["credential_offer_uri"]
        assert unquote(parse_qs(urlsplit(offer["offer_uri"]).query)[
            "credential_offer_uri"][0]) == offer_ref
        secrets["offer id"] = offer_ref.rsplit("/", 1)[-1]
        doc = httpx.get(offer_ref, timeout=30).json()
        secrets["pre-authorized code"] = doc["grants"][
            "urn:ietf:params:oauth:grant-type:pre-authorized_code"]["pre-authorized_code"]
        # that GET used the offer; issue a fresh one for the wallet (single-use fetch or not)
        issued = api.post("/api/v1/credentials", json={
            "achievement_id": ach.json()["id"], "learner": {"name": NAME, "birth_date": BIRTH},
            "learner_ref": "s-77", "award_date": "2026-06-30"}).json()
        offer = issued["offer"]
        secrets["PIN 2"] = offer["tx_code"]
        secrets["offer id 2"] = offer["credential_offer_uri"].rsplit("/", 1)[-1]

        with httpx.Client(base_url=wbase, follow_redirects=True, timeout=60) as browser:
            learner = Learner(browser)  # type: ignore[arg-type]
            assert learner.signup(password=PASSWORD).status_code == 200
            query = urlsplit(offer["offer_uri"]).query
            page = browser.get("/offer?" + query)  # what a phone camera opens
            assert page.status_code == 200, text_of(page.text)
            flow = re.search(r'action="/receive/([^"]+)"', page.text)
            assert flow, text_of(page.text)
            got = browser.post(f"/receive/{flow.group(1)}", data={
                "csrf": csrf_of(page.text), "action": "accept", "tx_code": offer["tx_code"]})
            assert got.status_code == 200, text_of(got.text)
            assert learner.credential_ids(), text_of(got.text)

            req = httpx.post(f"{vbase}/api/requests", json={"template": "achievement"},
                             timeout=30).json()
            session = get_session(vapp.state.verifier, id=req["id"]) if "id" in req else None
            if session is not None and session.nonce:
                secrets["KB-JWT nonce"] = session.nonce
            invocation = req["invocation_uri"]
            secrets["request_uri"] = parse_qs(urlsplit(invocation).query)["request_uri"][0]
            consent = browser.get("/authorize?" + urlsplit(invocation).query)
            assert consent.status_code == 200, text_of(consent.text)
            done = learner.share_all_checked(consent)
            assert done.status_code == 200, text_of(done.text)
    ictx.db.dispose()

    records = caplog.records
    assert any(r.name == "uvicorn.access" for r in records), "no access log captured"
    lines = []
    for r in records:
        lines.append(r.getMessage())
        if r.exc_text:
            lines.append(r.exc_text)
    text = "\n".join(lines)
    leaks = {label: value for label, value in secrets.items()
             if value and len(value) >= 4 and value in text}
    where = [f"{label}: {line[:160]}" for label, value in leaks.items()
             for line in text.splitlines() if value in line]
    assert not leaks, "secrets in the logs:\n" + "\n".join(where)
    assert not re.search(r'"d"\s*:\s*"[A-Za-z0-9_-]{20,}"', text), "private JWK in logs"
    assert not re.search(r"Bearer\s+[A-Za-z0-9._~+/-]{16,}", text), "bearer token in logs"
    assert not re.search(r'access_token"?\s*[:=]\s*"?[A-Za-z0-9._-]{16,}', text)
    assert "/offer?[redacted]" in text and "/authorize?[redacted]" in text
