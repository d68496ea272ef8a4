"""Holder-initiated shares (docs/share-protocol.md): QR code and link, the envelope served once,
withdrawal, expiry, history, and verification by the verifier."""

from __future__ import annotations

import json
import re

import pytest

from rotonde.verify import VerifyOptions, verify
from tests.wallet.wallet_helpers import Learner, text_of
from tests.wallet.wallet_peers import MiniIssuer, VerifierPeer


@pytest.fixture
def holder(learner: Learner, issuer: MiniIssuer) -> Learner:
    learner.receive(issuer.new_offer(), issuer.pin)
    return learner


def _share(holder: Learner, claims: list[str]) -> tuple[str, str, str]:
    [cid] = holder.credential_ids()
    form = holder.client.get(f"/share?credential={cid}")
    assert form.status_code == 200
    for claim in claims:
        assert f'value="{claim}"' in form.text
    r = holder.client.post("/share", data={"csrf": holder.csrf("/"), "credential": cid,
                                           "claim": claims, "label": "Bouwbedrijf Jansen"})
    assert r.status_code == 200, text_of(r.text)
    assert "<svg" in r.text
    url = re.search(r'id="share-link" href="([^"]+)"', r.text)
    key = re.search(r'action="/shares/([0-9a-f]{64})/withdraw"', r.text)
    assert url and key
    return url.group(1), key.group(1), r.text


def test_share_envelope_is_bound_and_single_use(holder: Learner) -> None:
    url, _, page = _share(holder, ["title", "level"])
    path = url.removeprefix("http://testserver")
    r = holder.client.get(path, headers={"accept": "application/json"})
    assert r.status_code == 200
    env = r.json()
    assert env["type"] == "rotonde-share" and env["version"] == 1
    assert path.endswith("/" + env["share_id"])
    [presentation] = env["presentations"]
    report = verify(presentation, VerifyOptions(audience="rotonde:share:" + env["share_id"],
                                                nonce=env["nonce"], require_holder_binding=True,
                                                check_status=False))
    assert report.verified, report.to_dict()
    assert report.claims is not None and report.claims["title"]["nl"] == "Lassen MIG/MAG basis"
    assert "name" not in report.claims.get("learner", {})
    # used once: a second fetch is refused
    assert holder.client.get(path, headers={"accept": "application/json"}).status_code == 410
    history = text_of(holder.client.get("/history").text)
    assert "Bouwbedrijf Jansen" in history and ("titel" in history or "title" in history)
    # the compact QR carries the same kind of envelope by value
    assert re.search(r"rotonde-share:", page) is None  # two claims: too big to carry by value


def test_withdrawn_share_is_gone(holder: Learner) -> None:
    url, key, _ = _share(holder, ["title"])
    r = holder.client.post(f"/shares/{key}/withdraw", data={"csrf": holder.csrf("/")})
    assert r.status_code == 200
    assert "Ingetrokken" in r.text or "Withdrawn" in r.text
    path = url.removeprefix("http://testserver")
    assert holder.client.get(path, headers={"accept": "application/json"}).status_code == 410


def test_expired_share_is_gone(holder: Learner) -> None:
    url, _, _ = _share(holder, ["title"])
    ctx = holder.client.app.state.wallet  # type: ignore[attr-defined]
    real = ctx.clock

    class Later:
        def now(self) -> float:
            return float(real.now()) + ctx.settings.share_ttl + 1

    ctx.clock = Later()
    try:
        path = url.removeprefix("http://testserver")
        assert holder.client.get(path, headers={"accept": "application/json"}).status_code == 410
    finally:
        ctx.clock = real


def test_unknown_share(holder: Learner) -> None:
    r = holder.client.get("/share/" + "A" * 22, headers={"accept": "application/json"})
    assert r.status_code == 404 and r.json()["code"] == "share.unknown"
    assert holder.client.get("/share/x", headers={"accept": "application/json"}
                             ).status_code == 404


def test_share_unknown_claim_is_refused(holder: Learner) -> None:
    [cid] = holder.credential_ids()
    r = holder.client.post("/share", data={"csrf": holder.csrf("/"), "credential": cid,
                                           "claim": ["no.such.claim"]})
    assert r.status_code == 400


def test_verifier_accepts_compact_share(learner: Learner, issuer: MiniIssuer,
                                        verifier: VerifierPeer) -> None:
    issuer.mode = "small"
    learner.receive(issuer.new_offer(), issuer.pin)
    _, _, page = _share(learner, ["title"])
    compact = re.search(r"(rotonde-share:[A-Za-z0-9_-]+)", page)
    assert compact, "a one-claim share fits in the compact form"
    import httpx

    r = httpx.post(f"{verifier.base}/api/shares", json={"text": compact.group(1)}, timeout=30)
    assert r.status_code == 201, r.text
    assert r.json()["verdict"] == "accepted", json.dumps(r.json())[:2000]
