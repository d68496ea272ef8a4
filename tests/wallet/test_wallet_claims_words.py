"""The credential detail page and the consent page show claims in words
(rotonde.learning.describe, the same rows the verifier shows)."""

from __future__ import annotations

import html
import re

import pytest

from rotonde.learning import sdjwt_vc
from tests.wallet.wallet_helpers import Learner, text_of
from tests.wallet.wallet_peers import MiniIssuer, VerifierPeer


def _dd(page: str, key: str) -> str:
    m = re.search(rf'<dd data-claim="{re.escape(key)}">(.*?)</dd>', page, re.S)
    assert m, f"no row {key}"
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", m.group(1)))).strip()


@pytest.fixture
def holder(learner: Learner, issuer: MiniIssuer) -> Learner:
    r = learner.receive(issuer.new_offer(), issuer.pin)
    assert r.status_code == 200, text_of(r.text)
    return learner


def _detail(holder: Learner, lang: str) -> str:
    home = holder.client.get("/").text
    cid = re.search(r'href="/credentials/([0-9a-f]+)"', home)
    assert cid, text_of(home)
    holder.client.cookies.set("lang", lang)
    return str(holder.client.get(f"/credentials/{cid.group(1)}").text)


def test_detail_page_reads_in_dutch_and_english(holder: Learner) -> None:
    nl = _detail(holder, "nl")
    assert _dd(nl, "level") == "NLQF 2 (≈ EQF 2), aangegeven door de instelling"
    assert _dd(nl, "workload") == "40 uur · 1,5 EC"
    assert _dd(nl, "award_date") == "30 juni 2026"
    assert _dd(nl, "assurance").startswith("Beoordeeld (assessed)")
    assert _dd(nl, "learning_outcomes.0") == "lassen ESCO-vaardigheid: MAG-lassen uitvoeren"
    assert "<dt>Uitgegeven op</dt>" in nl and _dd(nl, "iat").endswith("UTC")
    assert 'data-claim="iss"' not in nl  # the issuer is in the heading
    en = _detail(holder, "en")
    assert _dd(en, "workload") == "40 hours · 1.5 ECTS"
    assert _dd(en, "participation") == "On site"


def test_consent_page_shows_what_will_be_shared(holder: Learner,
                                                verifier: VerifierPeer) -> None:
    req = verifier.request(vct=sdjwt_vc.vct_for("microcredential"))  # title, level, body
    holder.client.cookies.set("lang", "nl")
    page = holder.consent(req["invocation_uri"]).text
    assert _dd(page, "title") == "Lassen MIG/MAG basis"
    assert _dd(page, "level") == "NLQF 2 (≈ EQF 2), aangegeven door de instelling"
    assert _dd(page, "awarding_body").startswith("Metaalschool Oost")
    # only what is asked: the workload and the learner's name are not shown for sharing
    assert 'data-claim="workload"' not in page and 'data-claim="learner.name"' not in page


def test_a_claimed_school_is_not_shown_as_the_issuer(learner: Learner, issuer: MiniIssuer) -> None:
    """Issue 19 item 2: a credential whose awarding body claims another school's DID was
    listed as "Uitgegeven door: ROC Rijnvallei"; it is shown under its signer's DID."""
    issuer.mode = "foreign_body"
    r = learner.receive(issuer.new_offer(), issuer.pin)
    assert r.status_code == 200, text_of(r.text)  # genuine: signed by its issuer's own key
    learner.client.cookies.set("lang", "nl")
    home = learner.client.get("/").text
    assert "ROC Rijnvallei" not in home
    assert f"Uitgegeven door: {issuer.did}" in home
    page = _detail(learner, "nl")
    assert "ROC Rijnvallei" not in page.split("<details", 1)[0]
    assert f"Uitgegeven door: <strong>{issuer.did}</strong>" in page
    assert _dd(page, "awarding_body").startswith("niet bevestigd")
    assert "did:web:roc-rijnvallei.example" in _dd(page, "awarding_body")


def test_own_school_is_named(holder: Learner, issuer: MiniIssuer) -> None:
    page = _detail(holder, "nl")
    assert "Uitgegeven door: <strong>Metaalschool Oost</strong>" in page
    assert _dd(page, "awarding_body").startswith("Metaalschool Oost")


def test_directional_overrides_never_reach_the_page(learner: Learner, issuer: MiniIssuer) -> None:
    issuer.mode = "bidi"
    r = learner.receive(issuer.new_offer(), issuer.pin)
    assert r.status_code == 200, text_of(r.text)
    home = learner.client.get("/").text
    page = _detail(learner, "nl")
    for text in (home, page, r.text):
        assert not any(c in text for c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
    assert "Lassen esab MIG/MAG" in home and _dd(page, "title") == "Lassen esab MIG/MAG"
