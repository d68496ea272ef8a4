"""Dutch and English for the wallet: the message catalogue.

The language of a page is chosen by :func:`servicekit.pages.lang_of` (``?lang=``, the ``lang``
cookie set by the switch link on every page, ``Accept-Language``, else Dutch).
Core errors carry both languages (:class:`rotonde.errors.Problem`); :func:`problem_text`
picks the right one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from rotonde.errors import Problem, RotondeError
from servicekit.pages import DEFAULT_LANG, LANGS, problem_message

__all__ = [
    "CATALOGUE",
    "DEFAULT_LANG",
    "LANGS",
    "claim_label",
    "enum_label",
    "problem_text",
    "translator",
]

#: key -> (English, Dutch)
CATALOGUE: dict[str, tuple[str, str]] = {
    "app.name": ("Rotonde wallet", "Rotonde-wallet"),
    "app.tagline": ("Your learning credentials, in your hands.",
                    "Je leerbewijzen, in jouw handen."),
    "nav.credentials": ("Credentials", "Bewijzen"),
    "nav.receive": ("Receive", "Ontvangen"),
    "nav.present": ("Show", "Tonen"),
    "nav.passport": ("Passport", "Paspoort"),
    "nav.progress": ("Progress", "Voortgang"),
    "nav.history": ("History", "Geschiedenis"),
    "nav.backup": ("Backup", "Back-up"),
    "nav.account": ("Account", "Account"),
    "nav.menu": ("Main menu", "Hoofdmenu"),
    "lang.switch": ("Nederlands", "English"),
    "lang.switch_label": ("Switch to Dutch", "Schakel naar Engels"),
    "action.logout": ("Log out", "Uitloggen"),
    "action.login": ("Log in", "Inloggen"),
    "action.signup": ("Create account", "Account maken"),
    "action.cancel": ("Cancel", "Annuleren"),
    "action.continue": ("Continue", "Doorgaan"),
    "action.delete": ("Delete", "Verwijderen"),
    "action.back": ("Back", "Terug"),
    "field.username": ("Name (for logging in)", "Naam (om in te loggen)"),
    "field.password": ("Password", "Wachtwoord"),
    "field.password_hint": ("At least 10 characters.", "Minstens 10 tekens."),
    "auth.login_title": ("Log in", "Inloggen"),
    "auth.signup_title": ("Create your wallet", "Maak je wallet"),
    "auth.no_account": ("No wallet yet?", "Nog geen wallet?"),
    "auth.have_account": ("Already have a wallet?", "Heb je al een wallet?"),
    "auth.login_first": ("Log in first; then we continue where you were.",
                         "Log eerst in; daarna gaan we verder waar je was."),
    "error.title": ("Something went wrong", "Er ging iets mis"),
    "error.csrf": ("This form has expired. Go back, reload the page and try again.",
                   "Dit formulier is verlopen. Ga terug, laad de pagina opnieuw en probeer het nog eens."),
    "error.not_found": ("This page or credential does not exist (any more).",
                        "Deze pagina of dit bewijs bestaat niet (meer)."),
    "error.too_large": ("The file is too large.", "Het bestand is te groot."),
    "error.flow_expired": ("This step has expired or was already completed. Start again.",
                           "Deze stap is verlopen of al afgerond. Begin opnieuw."),
    "error.internal": ("An unexpected error occurred. Nothing was changed.",
                       "Er is een onverwachte fout opgetreden. Er is niets veranderd."),
    "list.title": ("My credentials", "Mijn bewijzen"),
    "list.empty": ("You have no credentials yet. Scan the QR code your school shows you, "
                   "or paste the link on the Receive page.",
                   "Je hebt nog geen bewijzen. Scan de QR-code die je school laat zien, "
                   "of plak de link op de pagina Ontvangen."),
    "card.issuer": ("Issued by", "Uitgegeven door"),
    "card.level": ("Level", "Niveau"),
    "card.received": ("Received", "Ontvangen"),
    "card.untrusted": ("Issuer not on the trust list", "Uitgever niet op de vertrouwenslijst"),
    "status.valid": ("Valid", "Geldig"),
    "status.revoked": ("Revoked", "Ingetrokken"),
    "status.suspended": ("Suspended", "Geschorst"),
    "status.unknown": ("Status not checked", "Status niet gecontroleerd"),
    "status.invalid": ("Not verified", "Niet geverifieerd"),
    "status.expired": ("Expired", "Verlopen"),
    "status.self": ("Self-assessed", "Zelf ingeschat"),
    "detail.claims": ("What this credential says", "Wat dit bewijs zegt"),
    "detail.report": ("Verification", "Verificatie"),
    "detail.raw": ("The credential as received", "Het bewijs zoals ontvangen"),
    "detail.status_checked": ("Status as of", "Status per"),
    "detail.recheck": ("Check status again", "Status opnieuw controleren"),
    "detail.delete": ("Delete this credential", "Dit bewijs verwijderen"),
    "detail.delete_confirm": ("Yes, delete it from my wallet", "Ja, verwijder het uit mijn wallet"),
    "detail.deleted": ("The credential was deleted.", "Het bewijs is verwijderd."),
    "detail.share": ("Share (QR code)", "Delen (QR-code)"),
    "detail.format": ("Format", "Formaat"),
    "check.parse": ("Readable", "Leesbaar"),
    "check.signature": ("Signature", "Handtekening"),
    "check.holder_binding": ("Bound to your key", "Gekoppeld aan jouw sleutel"),
    "check.validity": ("Validity period", "Geldigheidsperiode"),
    "check.status": ("Not revoked", "Niet ingetrokken"),
    "check.trust": ("Issuer on the trust list", "Uitgever op de vertrouwenslijst"),
    "check.schema": ("Data model", "Gegevensmodel"),
    "check.holder_key": ("Issued to one of your keys", "Uitgegeven aan een van jouw sleutels"),
    "outcome.passed": ("passed", "in orde"),
    "outcome.failed": ("failed", "mislukt"),
    "outcome.skipped": ("not checked", "niet gecontroleerd"),
    "verified.yes": ("Verified: the signature and contents check out.",
                     "Geverifieerd: handtekening en inhoud kloppen."),
    "verified.no": ("Not verified", "Niet geverifieerd"),
    "receive.title": ("Receive a credential", "Een bewijs ontvangen"),
    "receive.intro": ("Scan the issuer's QR code with your phone camera, paste the link, "
                      "or upload a photo of the QR code.",
                      "Scan de QR-code van de uitgever met je telefooncamera, plak de link, "
                      "of upload een foto van de QR-code."),
    "receive.paste": ("Offer link (openid-credential-offer://…)",
                      "Aanbodlink (openid-credential-offer://…)"),
    "receive.upload": ("Or a picture of the QR code", "Of een foto van de QR-code"),
    "receive.offer_from": ("Offer from", "Aanbod van"),
    "receive.offered": ("You are offered", "Je krijgt aangeboden"),
    "receive.pin": ("Code (PIN) you received separately",
                    "Code (pincode) die je apart hebt gekregen"),
    "receive.pin_length": ("{n} characters", "{n} tekens"),
    "receive.pin_locked": ("Too many wrong PINs for this offer. Ask the issuer for a new offer.",
                           "Te vaak een verkeerde pincode voor dit aanbod. Vraag de uitgever om "
                           "een nieuw aanbod."),
    "receive.accept": ("Accept and store", "Accepteren en bewaren"),
    "receive.done": ("Received", "Ontvangen"),
    "receive.stored": ("Stored in your wallet.", "Bewaard in je wallet."),
    "receive.refused": ("Refused: this credential did not pass verification, so it was not "
                        "stored. Contact the issuer.",
                        "Geweigerd: dit bewijs is niet door de verificatie gekomen en is dus "
                        "niet bewaard. Neem contact op met de uitgever."),
    "receive.policy": ("The wallet verifies every credential on receipt and refuses one that "
                       "fails: it is never stored.",
                       "De wallet verifieert elk bewijs bij ontvangst en weigert een bewijs "
                       "dat niet klopt: het wordt nooit bewaard."),
    "present.title": ("Show credentials", "Bewijzen tonen"),
    "present.intro": ("Scan the verifier's QR code with your phone camera, paste the link, "
                      "or upload a photo of the QR code. Or make your own QR code to share.",
                      "Scan de QR-code van de controleur met je telefooncamera, plak de link, "
                      "of upload een foto van de QR-code. Of maak zelf een QR-code om te delen."),
    "present.paste": ("Request link (openid4vp://…)", "Verzoeklink (openid4vp://…)"),
    "present.who": ("Who asks", "Wie vraagt het"),
    "present.trusted": ("On your wallet's trust list.", "Staat op de vertrouwenslijst van je wallet."),
    "present.untrusted": ("Not on the trust list: check that you know this party before you "
                          "share anything.",
                          "Staat niet op de vertrouwenslijst: controleer of je deze partij "
                          "kent voordat je iets deelt."),
    "present.claimed_name": ("The request calls this verifier (not proven)",
                             "Het verzoek noemt deze controleur (niet bewezen)"),
    "present.signed": ("The request is signed and the signature checks out.",
                       "Het verzoek is ondertekend en de handtekening klopt."),
    "present.unsigned": ("The request is not signed: its sender is not proven.",
                         "Het verzoek is niet ondertekend: de afzender is niet bewezen."),
    "present.what": ("What is asked", "Wat wordt gevraagd"),
    "present.why": ("Why", "Waarom"),
    "present.choose": ("Which credential", "Welk bewijs"),
    "present.whole": ("the whole credential", "het hele bewijs"),
    "present.optional": ("You may leave this out", "Mag je weglaten"),
    "present.required": ("Required", "Verplicht"),
    "present.none_match": ("None of your credentials matches this request.",
                           "Geen van je bewijzen past bij dit verzoek."),
    "present.consent": ("Share the selected information", "Deel de gekozen gegevens"),
    "present.decline": ("Do not share", "Niet delen"),
    "present.sent": ("Shared. The verifier received your credentials.",
                     "Gedeeld. De controleur heeft je bewijzen ontvangen."),
    "present.failed": ("Sharing failed", "Delen mislukt"),
    "present.declined": ("Nothing was shared.", "Er is niets gedeeld."),
    "present.continue_at": ("Continue at the verifier", "Verder bij de controleur"),
    "share.title": ("Share with a QR code", "Delen met een QR-code"),
    "share.pick": ("Choose what to show", "Kies wat je laat zien"),
    "share.create": ("Make QR code", "QR-code maken"),
    "share.expires": ("Valid until", "Geldig tot"),
    "share.withdraw": ("Withdraw now", "Nu intrekken"),
    "share.withdrawn": ("Withdrawn: the QR code and link no longer work.",
                        "Ingetrokken: de QR-code en de link werken niet meer."),
    "share.link": ("Link", "Link"),
    "share.compact": ("This QR code carries the presentation itself.",
                      "Deze QR-code bevat de presentatie zelf."),
    "share.sdjwt_only": ("Only SD-JWT credentials can be shared claim by claim with a QR code.",
                         "Alleen SD-JWT-bewijzen kunnen per gegeven met een QR-code worden gedeeld."),
    "share.audience": ("For whom (optional)", "Voor wie (optioneel)"),
    "history.title": ("Who saw what", "Wie zag wat"),
    "history.empty": ("You have not shared anything yet.", "Je hebt nog niets gedeeld."),
    "history.to": ("To", "Aan"),
    "history.when": ("When", "Wanneer"),
    "history.claims": ("What", "Wat"),
    "history.kind.oid4vp": ("on request", "op verzoek"),
    "history.kind.share": ("QR code / link", "QR-code / link"),
    "history.kind.self": ("self-assessment", "zelfinschatting"),
    "passport.title": ("Competence passport", "Competentiepaspoort"),
    "passport.intro": ("Your skills, the highest level shown for each, and how sure that is.",
                       "Je vaardigheden, het hoogste aangetoonde niveau en hoe zeker dat is."),
    "passport.skill": ("Skill", "Vaardigheid"),
    "passport.level": ("Level", "Niveau"),
    "passport.source": ("Level source", "Bron van het niveau"),
    "passport.assurance": ("Assurance", "Zekerheid"),
    "passport.evidence": ("Evidence", "Bewijs"),
    "passport.self": ("Your own assessment", "Je eigen inschatting"),
    "passport.empty": ("No skills yet: receive a credential or assess yourself.",
                       "Nog geen vaardigheden: ontvang een bewijs of schat jezelf in."),
    "self.title": ("Assess yourself", "Schat jezelf in"),
    "self.intro": ("Rate your own level for a skill. It is stored as a credential signed by "
                   "your own key and always shown as self-assessed.",
                   "Geef je eigen niveau voor een vaardigheid. Het wordt bewaard als een bewijs "
                   "dat met je eigen sleutel is ondertekend en altijd getoond als zelf ingeschat."),
    "self.skill": ("Skill", "Vaardigheid"),
    "self.skill_uri": ("ESCO skill link (optional)", "ESCO-vaardigheidslink (optioneel)"),
    "self.level": ("My level (NLQF)", "Mijn niveau (NLQF)"),
    "self.save": ("Save my assessment", "Inschatting bewaren"),
    "self.saved": ("Your self-assessment was saved.", "Je zelfinschatting is bewaard."),
    "progress.title": ("Progress towards a qualification", "Voortgang naar een kwalificatie"),
    "progress.pathway": ("Pathway", "Leerroute"),
    "progress.met": ("Done", "Gehaald"),
    "progress.missing": ("Still to do", "Nog te doen"),
    "progress.credits": ("Credits", "Studiepunten"),
    "progress.hours": ("Hours", "Uren"),
    "progress.complete": ("Complete: every requirement and the minimum workload are met.",
                          "Compleet: aan alle eisen en de minimale studielast is voldaan."),
    "progress.workload_short": ("Every requirement is met, but not yet the minimum workload "
                                "(credits or hours) of this pathway.",
                                "Aan alle eisen is voldaan, maar nog niet aan de minimale "
                                "studielast (studiepunten of uren) van deze leerroute."),
    "progress.not_in_force": ("This pathway is not in force today.",
                              "Deze leerroute geldt vandaag niet."),
    "progress.why": ("Why", "Waarom"),
    "progress.fetch": ("Another pathway (link)", "Een andere leerroute (link)"),
    "progress.url": ("Link to a pathway (JSON)", "Link naar een leerroute (JSON)"),
    "progress.none": ("No pathways available.", "Geen leerroutes beschikbaar."),
    "progress.unavailable": ("Progress cannot be calculated right now.",
                             "De voortgang kan nu niet worden berekend."),
    "backup.title": ("Backup", "Back-up"),
    "backup.export": ("Download a backup", "Back-up downloaden"),
    "backup.export_intro": ("All your credentials and keys, encrypted with a passphrase you "
                            "choose. Without the passphrase nobody can read it — not even you.",
                            "Al je bewijzen en sleutels, versleuteld met een wachtzin die je "
                            "zelf kiest. Zonder die wachtzin kan niemand het lezen — jij ook niet."),
    "backup.passphrase": ("Passphrase (at least 12 characters)",
                          "Wachtzin (minstens 12 tekens)"),
    "backup.passphrase_import": ("Passphrase of the backup", "Wachtzin van de back-up"),
    "backup.import": ("Restore a backup", "Back-up terugzetten"),
    "backup.file": ("Backup file", "Back-upbestand"),
    "backup.restored": ("Restored: {n} credentials added.", "Teruggezet: {n} bewijzen toegevoegd."),
    "account.title": ("Your account", "Je account"),
    "account.keys": ("Your holder keys", "Je houderssleutels"),
    "account.delete": ("Delete my account and everything in it",
                       "Mijn account en alles erin verwijderen"),
    "account.delete_warning": ("This deletes all credentials, keys and history. It cannot be undone.",
                               "Dit verwijdert alle bewijzen, sleutels en geschiedenis. "
                               "Dit kan niet ongedaan worden gemaakt."),
    "account.deleted": ("Your account was deleted.", "Je account is verwijderd."),
    "account.confirm_password": ("Type your password to confirm", "Typ je wachtwoord ter bevestiging"),
    "assurance.self-asserted": ("self-asserted", "zelf verklaard"),
    "assurance.attested": ("attested", "bevestigd"),
    "assurance.assessed": ("assessed", "beoordeeld"),
    "claim.title": ("title", "titel"),
    "claim.description": ("description", "beschrijving"),
    "claim.level": ("level", "niveau"),
    "claim.equivalent_levels": ("equivalent levels", "gelijkwaardige niveaus"),
    "claim.awarding_body": ("awarding body", "uitgever"),
    "claim.award_date": ("award date", "datum van toekenning"),
    "claim.learner": ("learner", "lerende"),
    "claim.learner.name": ("your name", "je naam"),
    "claim.learner.birth_date": ("your date of birth", "je geboortedatum"),
    "claim.learner.identifier": ("your student number", "je studentnummer"),
    "claim.learner.id": ("your identifier (DID)", "je identificatie (DID)"),
    "claim.learning_outcomes": ("learning outcomes", "leerresultaten"),
    "claim.workload": ("workload", "studielast"),
    "claim.assessment": ("assessment", "beoordeling"),
    "claim.participation": ("form of participation", "vorm van deelname"),
    "claim.quality_assurance": ("quality assurance", "kwaliteitsborging"),
    "claim.qualification": ("qualification", "kwalificatie"),
    "claim.grade": ("grade", "cijfer"),
    "claim.prerequisites": ("prerequisites", "toelatingseisen"),
    "claim.stackability": ("stackability", "stapelbaarheid"),
    "claim.kind": ("kind", "soort"),
    "enum.microcredential": ("microcredential", "microcredential"),
    "enum.qualification": ("qualification", "kwalificatie"),
    "enum.evc": ("recognition of prior learning (EVC)", "ervaringscertificaat (EVC)"),
    "enum.employer_attestation": ("employer attestation", "werkgeversverklaring"),
    "enum.self_assessment": ("self-assessment", "zelfinschatting"),
    "enum.written_exam": ("written exam", "schriftelijk examen"),
    "enum.oral_exam": ("oral exam", "mondeling examen"),
    "enum.practical_exam": ("practical exam", "praktijkexamen"),
    "enum.portfolio": ("portfolio", "portfolio"),
    "enum.project": ("project", "project"),
    "enum.observation_at_work": ("observation at work", "observatie op de werkplek"),
    "enum.criterion_based_interview": ("criterion-based interview", "criteriumgericht interview"),
    "enum.other": ("other", "anders"),
    "enum.accredited_institution": ("accredited institution", "geaccrediteerde instelling"),
    "enum.accredited_programme": ("accredited programme", "geaccrediteerde opleiding"),
    "enum.sector_standard": ("sector standard", "branchestandaard"),
    "enum.internal": ("internal", "intern"),
    "enum.none": ("none", "geen"),
    "source.official": ("official placement", "officiële inschaling"),
    "source.regulated": ("regulated", "gereguleerd"),
    "source.institution": ("indicated by the institution", "aangegeven door de instelling"),
    "source.self-assessed": ("self-assessed", "zelf ingeschat"),
}


def translator(lang: str) -> Callable[..., str]:
    """``t(key, **values)`` for one language; unknown keys come back as the key itself."""
    column = 1 if lang == "nl" else 0

    def t(key: str, **values: Any) -> str:
        entry = CATALOGUE.get(key)
        text = entry[column] if entry else key
        return text.format(**values) if values else text

    return t


def claim_label(path: str, t: Callable[..., str]) -> str:
    """A claim path (``learner.name``, ``learning_outcomes.0``) in words."""
    parts = [p for p in path.replace(" › ", ".").split(".") if p]
    for n in range(len(parts), 0, -1):
        key = "claim." + ".".join(parts[:n])
        text = t(key)
        if text != key:
            rest = parts[n:]
            if rest and all(p.isdigit() for p in rest):
                return f"{text} {int(rest[0]) + 1}"
            return " › ".join([text, *rest]) if rest else text
    return " › ".join(parts)


def enum_label(value: str, t: Callable[..., str]) -> str:
    text = t("enum." + value)
    return value.replace("_", " ") if text == "enum." + value else text


def problem_text(lang: str, error: RotondeError | Problem | Mapping[str, Any]) -> str:
    """A core error or problem in the reader's language."""
    return problem_message(lang, error)
