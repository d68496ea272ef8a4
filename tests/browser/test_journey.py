"""The learner's journey in real Chromium at a phone viewport (390x844).

Sign up -> receive from a running issuer (the real issuer app; the core-built issuer as well)
-> detail -> passport -> progress -> present to the running verifier -> history -> backup and
restore into a second account -> switch language. Screenshots go to ``tests/artifacts/``.

Debian's Chromium (``/usr/bin/chromium``) and Playwright are required in CI; elsewhere the
test is skipped when they are missing. Browsers are never downloaded.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.browser.conftest import ARGS, ARTIFACTS, CHROMIUM
from tests.wallet.wallet_peers import (
    free_port,
    issuer_peer,
    mini_issuer,
    serve,
    verifier_peer,
)

pytestmark = pytest.mark.browser

PASSWORD = "mijn geheime wachtwoord"
PASSPHRASE = "paarse fiets op de rotonde"
WELD = "http://data.europa.eu/esco/skill/60ff3eac-7d4d-4e51-87b8-74c3b5d62498"
PATHWAY = {
    "id": "urn:rotonde:pathway:browser-lasser",
    "title": {"nl": "Route naar lasser", "en": "Pathway to welder"},
    "requirements": [
        {"id": "lassen", "title": {"nl": "Lassen", "en": "Welding"}, "skill": WELD,
         "min_level": {"framework": "NLQF", "value": 2}},
        {"id": "veilig", "title": {"nl": "Veilig werken", "en": "Working safely"},
         "skill": "http://data.europa.eu/esco/skill/9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a"},
    ],
}


@pytest.fixture(scope="module")
def wallet_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from rotonde.encoding import b64url_encode
    from wallet.app import create_app
    from wallet.settings import WalletSettings

    tmp = tmp_path_factory.mktemp("wallet")
    pathways = tmp / "pathways"
    pathways.mkdir()
    (pathways / "lasser.json").write_text(json.dumps(PATHWAY), encoding="utf-8")
    port = free_port()
    settings = WalletSettings(dev=True, data_dir=tmp, public_url=f"http://127.0.0.1:{port}",
                              port=port, kek=b64url_encode(secrets.token_bytes(32)),
                              pathways_dir=pathways)
    with serve(create_app(settings), port) as base:
        yield base


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"journey-{name}.png"), full_page=True)


def test_learner_journey(playwright_sync: Any, wallet_url: str,
                         tmp_path: Path) -> None:
    from rotonde.learning import sdjwt_vc

    browser = playwright_sync.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="nl-NL",
                                  device_scale_factor=2, is_mobile=True, has_touch=True,
                                  accept_downloads=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        # 1. sign up
        page.goto(wallet_url + "/signup")
        assert page.locator("html").get_attribute("lang") == "nl"
        page.get_by_label("Naam (om in te loggen)").fill("sanne")
        page.get_by_label("Wachtwoord").fill(PASSWORD)
        shot(page, "01-signup")
        page.get_by_role("button", name="Account maken").click()
        page.wait_for_url(wallet_url + "/")
        assert "nog geen bewijzen" in page.content()
        shot(page, "02-empty-list")

        with issuer_peer(tmp_path, wallet_url=wallet_url) as issuer, mini_issuer() as mini, \
                verifier_peer(tmp_path, wallet_url=wallet_url) as verifier:
            # 2. receive from the running issuer: its offer page, then the wallet link a
            #    phone camera would open
            offer = issuer.offer(learner="Sanne de Vries")["offer"]  # every format it has
            page.goto(offer["offer_page"])
            shot(page, "03-issuer-offer-page")
            # the issuer's offer page links to this wallet's https offer endpoint
            wallet_links = page.locator(f'a[href^="{wallet_url}/offer?"]')
            if wallet_links.count():
                page.goto(wallet_links.first.get_attribute("href"))
            else:
                page.goto(wallet_url + "/offer?" + offer["offer_uri"].split("?", 1)[1])
            assert "ROC Rijnvallei" in page.content()
            page.get_by_label("Code (pincode) die je apart hebt gekregen").fill(
                offer["tx_code"])
            shot(page, "04-offer-pin")
            page.get_by_role("button", name="Accepteren en bewaren").click()
            page.wait_for_load_state()
            body = page.content()
            assert "Bewaard in je wallet" in body or "Geweigerd" in body  # a clear outcome
            shot(page, "05-received-from-issuer")

            # the core-built issuer too, pasted as a link (its credential always verifies)
            page.goto(wallet_url + "/receive")
            page.get_by_label("Aanbodlink (openid-credential-offer://…)").fill(mini.new_offer())
            page.get_by_role("button", name="Doorgaan").click()
            page.get_by_label("Code (pincode) die je apart hebt gekregen").fill(mini.pin)
            page.get_by_role("button", name="Accepteren en bewaren").click()
            page.wait_for_load_state()
            assert "Bewaard in je wallet" in page.content()

            # 3. list and detail
            page.goto(wallet_url + "/")
            shot(page, "06-list")
            page.get_by_role("link", name=re.compile(r"Lassen MIG.MAG basis")).last.click()
            page.wait_for_load_state()
            assert "Wat dit bewijs zegt" in page.content()
            assert "Geverifieerd" in page.content()
            shot(page, "07-detail")

            # 4. passport and progress
            page.get_by_role("link", name="Paspoort").click()
            assert "NLQF 2" in page.content()
            shot(page, "08-passport")
            page.get_by_role("link", name="Voortgang").click()
            assert "Route naar lasser" in page.content() and "50%" in page.content()
            shot(page, "09-progress")

            # 5. present to the running verifier (phone camera opens the https link)
            req = verifier.request(vct=sdjwt_vc.vct_for("microcredential"))
            link = req.get("wallet_link") or (
                wallet_url + "/authorize?" + req["invocation_uri"].split("?", 1)[1])
            assert link.startswith(wallet_url + "/authorize?")
            page.goto(link)
            assert "Wie vraagt het" in page.content()
            shot(page, "10-consent")
            page.get_by_role("button", name="Deel de gekozen gegevens").click()
            page.wait_for_load_state()
            assert "Gedeeld" in page.content()
            shot(page, "11-presented")
            assert verifier.session(req["id"])["verdict"] == "accepted"

            # 6. history
            page.get_by_role("link", name="Geschiedenis").first.click()
            assert "did:web:127.0.0.1" in page.content()
            shot(page, "12-history")

            # 7. share with a QR code
            page.goto(wallet_url + "/present")
            page.get_by_role("link", name=re.compile(r"Lassen MIG.MAG basis")).last.click()
            page.get_by_label("titel", exact=True).check()
            page.get_by_role("button", name="QR-code maken").click()
            page.wait_for_load_state()
            assert page.locator(".qr svg").count() >= 1
            shot(page, "13-share-qr")
            link = page.locator("#share-link").get_attribute("href")
            assert link
            # the employer scans it: the verifier fetches the share from the wallet and checks it
            scanned = httpx.post(f"{verifier.base}/api/shares", json={"text": link}, timeout=30)
            assert scanned.status_code == 201, scanned.text
            assert scanned.json()["verdict"] == "accepted", scanned.text[:2000]
            page.goto(wallet_url + "/history")
            assert "QR-code / link" in page.content()

            # 8. backup, then restore into a second account
            page.goto(wallet_url + "/backup")
            page.locator("#export-passphrase").fill(PASSPHRASE)
            with page.expect_download() as info:
                page.get_by_role("button", name="Back-up downloaden").click()
            backup_file = tmp_path / "backup.json"
            info.value.save_as(str(backup_file))
            assert json.loads(backup_file.read_text())["type"] == "rotonde-wallet-backup"
            page.get_by_role("button", name="Uitloggen").click()
            page.goto(wallet_url + "/signup")
            page.get_by_label("Naam (om in te loggen)").fill("sanne-nieuw")
            page.get_by_label("Wachtwoord").fill(PASSWORD)
            page.get_by_role("button", name="Account maken").click()
            page.goto(wallet_url + "/backup")
            page.locator("#backup-file").set_input_files(str(backup_file))
            page.locator("#import-passphrase").fill(PASSPHRASE)
            page.get_by_role("button", name="Back-up terugzetten").click()
            page.wait_for_load_state()
            assert "Teruggezet" in page.content()
            shot(page, "14-restored")
            page.goto(wallet_url + "/")
            assert "Lassen MIG/MAG basis" in page.content()

            # 9. switch to English; keyboard navigation reaches the menu
            page.get_by_role("link", name="English").click()
            page.wait_for_load_state()
            assert page.locator("html").get_attribute("lang") == "en"
            assert "My credentials" in page.content()
            page.keyboard.press("Tab")
            focused = page.evaluate("document.activeElement.textContent")
            assert focused and focused.strip()
            shot(page, "15-english")
        assert not [e for e in errors if "Content Security Policy" in e], errors
    finally:
        context.close()
        browser.close()


