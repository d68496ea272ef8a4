"""The language switch keeps your place (issue 13 item 4): on every page — also the pages a
form post leads to — the switch link opens the same page in the other language, and reloading
a result page shows it again (post/redirect/get). Real wallet, real issuer and verifier peers."""

from __future__ import annotations

import html
import re

import pytest

from rotonde.learning import sdjwt_vc
from tests.wallet.wallet_helpers import Learner, text_of
from tests.wallet.wallet_peers import MiniIssuer, VerifierPeer

VCT = sdjwt_vc.vct_for("microcredential")


def _switch(page: str) -> str:
    m = re.search(r'<a class="lang" href="([^"]+)"', page)
    assert m, page[:500]
    return html.unescape(m.group(1))


def _lang(page: str) -> str:
    m = re.search(r'<html lang="(\w+)"', page)
    assert m
    return m.group(1)


def _h1(page: str) -> str:
    m = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S)
    return text_of(m.group(1)) if m else ""


def _switch_keeps_place(person: Learner, url: str, status: int = 200) -> None:
    """Open ``url``, switch language, and land on the same page in the other language;
    then switch back and reload."""
    c = person.client
    first = c.get(url)
    assert first.status_code == status, (url, text_of(first.text)[:300])
    before = _lang(first.text)
    switched = c.get(_switch(first.text))
    assert switched.status_code == status, (url, text_of(switched.text)[:300])
    assert str(switched.url).endswith(url.split("?")[0]) or url.split("?")[0] in str(
        switched.url), (url, switched.url)
    assert _lang(switched.text) != before, url
    assert (_h1(switched.text) and _h1(switched.text) != _h1(first.text)) or _h1(
        first.text) == _h1(switched.text) == "", url
    back = c.get(_switch(switched.text))
    assert _lang(back.text) == before and back.status_code == status, url
    assert _h1(back.text) == _h1(first.text), url


@pytest.fixture
def holder(learner: Learner, issuer: MiniIssuer) -> Learner:
    r = learner.receive(issuer.new_offer(), issuer.pin)
    assert r.status_code == 200, text_of(r.text)
    return learner


def test_switch_keeps_place_on_the_plain_pages(holder: Learner) -> None:
    cid = holder.credential_ids()[0]
    for url in ("/", "/receive", "/present", "/passport", "/progress", "/history", "/backup",
                "/account", "/self-assessment", f"/credentials/{cid}",
                f"/share?credential={cid}", "/share"):
        _switch_keeps_place(holder, url)


def test_switch_keeps_the_query(holder: Learner) -> None:
    cid = holder.credential_ids()[0]
    r = holder.client.get(f"/share?credential={cid}&lang=nl")
    target = _switch(r.text)
    assert f"credential%3D{cid}" in target or f"credential={cid}" in target, target
    assert "lang%3Dnl" not in target and "lang=nl" not in target  # the switch's choice wins
    assert _lang(holder.client.get(target).text) == "en"


def test_switch_after_receiving(learner: Learner, issuer: MiniIssuer) -> None:
    """The offer page and the result are GET pages after their form posts."""
    offer = learner.start_receive(issuer.new_offer())
    assert offer.status_code == 200 and re.search(r"/receive/[\w-]+$", str(offer.url))
    _switch_keeps_place(learner, str(offer.url).split("testserver", 1)[-1])
    wrong = learner.client.post(re.search(r'action="(/receive/[^"]+)"', offer.text).group(1),
                                data={"csrf": learner.csrf("/receive"), "action": "accept",
                                      "tx_code": "000000" if issuer.pin != "000000" else "1"})
    assert wrong.status_code == 400 and "?error=" in str(wrong.url)
    _switch_keeps_place(learner, str(wrong.url).split("testserver", 1)[-1], status=400)
    done = learner.receive(issuer.new_offer(), issuer.pin)
    assert done.status_code == 200 and "/received/" in str(done.url)
    url = str(done.url).split("testserver", 1)[-1]
    _switch_keeps_place(learner, url)
    assert learner.client.get(url).status_code == 200  # a reload shows the result again
    assert len(learner.credential_ids()) == 1  # and receives nothing twice


def test_switch_after_presenting(holder: Learner, verifier: VerifierPeer) -> None:
    req = verifier.request(vct=VCT)
    consent = holder.consent(req["invocation_uri"])
    assert consent.status_code == 200 and "/present/" in str(consent.url)
    _switch_keeps_place(holder, str(consent.url).split("testserver", 1)[-1])
    page = holder.client.get(str(consent.url))  # the consent page again, same flow
    outcome = holder.share_all_checked(page)
    assert outcome.status_code == 200 and str(outcome.url).endswith("/outcome")
    _switch_keeps_place(holder, str(outcome.url).split("testserver", 1)[-1])


def test_switch_after_sharing_and_withdrawing(holder: Learner) -> None:
    cid = holder.credential_ids()[0]
    form = holder.client.get(f"/share?credential={cid}")
    shown = holder.client.post("/share", data={"csrf": holder.csrf(f"/share?credential={cid}"),
                                               "credential": cid})
    assert shown.status_code == 200 and "/shares/" in str(shown.url), text_of(form.text)[:200]
    url = str(shown.url).split("testserver", 1)[-1]
    _switch_keeps_place(holder, url)
    key = re.search(r'action="/shares/([^"]+)/withdraw"', shown.text).group(1)
    gone = holder.client.post(f"/shares/{key}/withdraw", data={"csrf": holder.csrf("/")})
    assert gone.status_code == 200 and str(gone.url).endswith("/shares/withdrawn")
    _switch_keeps_place(holder, "/shares/withdrawn")


def test_switch_after_a_backup_attempt(holder: Learner) -> None:
    r = holder.client.post("/backup/import", data={"csrf": holder.csrf("/backup")},
                           files={"file": ("b.json", b"not a backup", "application/json")})
    assert r.status_code == 422 and "error=" in str(r.url)
    _switch_keeps_place(holder, str(r.url).split("testserver", 1)[-1], status=422)


def test_switch_on_a_refused_form(holder: Learner) -> None:
    """A form refused in place (wrong password when deleting the account) switches on the
    page the form was on, never on the post's own address."""
    r = holder.client.post("/account/delete", data={"csrf": holder.csrf("/account"),
                                                     "password": "not my password at all"},
                           headers={"referer": "http://testserver/account"})
    assert r.status_code == 403
    target = _switch(r.text)
    assert "next=%2Faccount" in target and "delete" not in target, target
    switched = holder.client.get(target)
    assert switched.status_code == 200 and str(switched.url).endswith("/account")
