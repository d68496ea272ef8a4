"""Dutch and English texts of the verifier pages (``t(key)``); Dutch is the default."""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["LANGS", "TEXTS", "translator"]

LANGS = ("nl", "en")

TEXTS: dict[str, tuple[str, str]] = {
    # key: (nl, en)
    "app.name": ("Rotonde verifier", "Rotonde verifier"),
    "nav.ask": ("Bewijs vragen", "Ask for evidence"),
    "nav.scan": ("QR-code scannen", "Scan a QR code"),
    "nav.trust": ("Vertrouwenslijst", "Trust list"),
    "lang.switch": ("English", "Nederlands"),
    "nav.logout": ("Afmelden", "Sign out"),
    "login.title": ("Aanmelden", "Sign in"),
    "login.intro": ("Meld u aan met het account dat uw beheerder voor u heeft aangemaakt.",
                    "Sign in with the account your administrator created for you."),
    "login.username": ("Naam", "Name"),
    "login.password": ("Wachtwoord", "Password"),
    "login.submit": ("Aanmelden", "Sign in"),
    "ask.title": ("Vraag een lerende om bewijs", "Ask a learner for evidence"),
    "ask.profile": ("Eisenprofiel (vacature of opleiding)", "Requirement profile (vacancy or course)"),
    "ask.no_profile": ("geen — kies hieronder wat u wilt zien", "none — choose below what to see"),
    "ask.template": ("Wat wilt u zien?", "What do you want to see?"),
    "ask.min_level": ("Minimumniveau (NLQF/EQF, leeg = geen eis)",
                      "Minimum level (NLQF/EQF, empty = no requirement)"),
    "ask.min_assurance": ("Minimale zekerheid", "Minimum assurance"),
    "ask.any": ("geen eis", "no requirement"),
    "ask.issuers": ("Geaccepteerde uitgevers (één per regel, leeg = alle)",
                    "Accepted issuers (one per line, empty = any)"),
    "ask.trusted_only": ("Alleen erkende uitgevers (vertrouwenslijst)",
                         "Accredited issuers only (trust list)"),
    "ask.submit": ("Maak verzoek", "Create request"),
    "request.title": ("Scan met de wallet", "Scan with the wallet"),
    "request.explain": ("Laat de lerende deze QR-code scannen met de wallet-app. Deze pagina "
                        "werkt zichzelf bij zodra er een antwoord is.",
                        "Let the learner scan this QR code with their wallet app. This page "
                        "updates by itself as soon as there is an answer."),
    "request.open_wallet": ("Open in de wallet", "Open in the wallet"),
    "request.open_web_wallet": ("Open in de webwallet", "Open in the web wallet"),
    "request.refresh": ("Vernieuwen", "Refresh"),
    "request.expires": ("Verloopt om", "Expires at"),
    "request.attempt": ("Dit antwoord bewijst niet dat het bij dit verzoek hoort en sluit het "
                        "daarom niet af: de wallet kan opnieuw antwoorden tot het verzoek "
                        "verloopt.",
                        "This answer does not prove it belongs to this request, so it does not "
                        "close it: the wallet may answer again until the request expires."),
    "status.pending": ("Wacht op de wallet…", "Waiting for the wallet…"),
    "status.retrieved": ("De wallet heeft het verzoek geopend…",
                         "The wallet opened the request…"),
    "status.processing": ("Het antwoord wordt gecontroleerd…", "Checking the answer…"),
    "status.completed": ("Antwoord ontvangen.", "Answer received."),
    "status.expired": ("Dit verzoek is verlopen. Maak een nieuw verzoek.",
                       "This request has expired. Create a new request."),
    "status.see_result": ("Bekijk het resultaat", "See the result"),
    "status.list": ("Statuslijst", "Status list"),
    "status.checked": ("gecontroleerd", "checked"),
    "status.fresh_until": ("actueel tot", "fresh until"),
    "ask.client_id": ("Verifier-identiteit", "Verifier identity"),
    "ask.client_id.did": ("did:web, ondertekend verzoek", "did:web, signed request"),
    "ask.client_id.redirect": ("redirect_uri, niet ondertekend (alleen ontwikkeling)",
                               "redirect_uri, unsigned (development only)"),
    "ask.client_id.http_note": (
        "Deze verifier draait op http: een wallet kan did:web dan niet opzoeken (did:web gebruikt "
        "altijd https). Gebruik redirect_uri voor lokaal testen.",
        "This verifier runs on http: a wallet cannot resolve its did:web (did:web always uses "
        "https). Use redirect_uri for local testing."),
    "result.title": ("Resultaat", "Result"),
    "result.checks": ("Controles", "Checks"),
    "result.claims": ("Gedeelde gegevens", "Disclosed information"),
    "result.raw": ("Ruwe presentatie", "Raw presentation"),
    "result.requirement": ("Uw eisen", "Your requirements"),
    "result.print": ("Afdrukken", "Print"),
    "result.json": ("Als JSON", "As JSON"),
    "result.issuer": ("Uitgever", "Issuer"),
    "result.trusted": ("erkend", "accredited"),
    "result.untrusted": ("niet op de vertrouwenslijst", "not on the trust list"),
    "result.checked_at": ("Gecontroleerd op", "Checked at"),
    "result.none": ("Geen gegevens gedeeld.", "No information disclosed."),
    "result.claims_raw": ("Gegevens zoals ontvangen", "Claims as received"),
    "result.unverified": ("niet geverifieerd", "not verified"),
    "result.new": ("Nieuw verzoek", "New request"),
    "check.parse": ("Leesbaar en goed gevormd", "Readable and well-formed"),
    "check.signature": ("Handtekening van de uitgever", "Issuer's signature"),
    "check.holder_binding": ("Getoond door de eigenaar (voor dit verzoek)",
                             "Presented by its holder (for this request)"),
    "check.validity": ("Geldigheidsperiode", "Validity period"),
    "check.status": ("Niet ingetrokken of geschorst", "Not revoked or suspended"),
    "check.trust": ("Erkende uitgever", "Accredited issuer"),
    "check.schema": ("Gegevensmodel", "Data model"),
    "check.replay": ("Niet eerder gebruikt", "Not used before"),
    "outcome.passed": ("in orde", "passed"),
    "outcome.failed": ("mislukt", "failed"),
    "outcome.skipped": ("niet gecontroleerd", "not checked"),
    "verdict.accepted": ("Geaccepteerd", "Accepted"),
    "verdict.warning": ("Geaccepteerd met waarschuwing", "Accepted with a warning"),
    "verdict.rejected": ("Niet geaccepteerd", "Not accepted"),
    "verdict.inconclusive": ("Niet bevestigd", "Not confirmed"),
    "verdict.declined": ("Geweigerd door de lerende", "Declined by the learner"),
    "scan.title": ("Scan de deel-QR van een lerende", "Scan a learner's share QR code"),
    "scan.camera": ("Camera gebruiken", "Use the camera"),
    "scan.upload": ("Of upload een foto of schermafbeelding van de QR-code",
                    "Or upload a photo or screenshot of the QR code"),
    "scan.paste": ("Of plak de tekst of link uit de QR-code",
                   "Or paste the text or link from the QR code"),
    "scan.submit": ("Controleer", "Verify"),
    "scan.no_camera": ("Deze browser kan geen QR-codes lezen met de camera; upload een foto.",
                       "This browser cannot read QR codes with the camera; upload a photo."),
    "trust.title": ("Vertrouwenslijst van erkende uitgevers",
                    "Trust list of accredited issuers"),
    "trust.none": ("Er is geen vertrouwenslijst ingesteld: uitgevers worden niet getoetst.",
                   "No trust list is configured: issuers are not checked."),
    "trust.source": ("Bron", "Source"),
    "trust.signed": ("Ondertekend door het vertrouwensanker", "Signed by the trust anchor"),
    "error.title": ("Er ging iets mis", "Something went wrong"),
}


def translator(lang: str) -> Callable[[str], str]:
    idx = 0 if lang == "nl" else 1

    def t(key: str) -> str:
        pair = TEXTS.get(key)
        return pair[idx] if pair else key

    return t
