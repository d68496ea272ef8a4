"""The text ``rotonde up`` prints once the services run: URLs, demo logins, the fresh offer and
a short walkthrough in Dutch and English."""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["banner"]


def banner(state: dict[str, Any], *, data_dir: Path, bind_host: str, public: bool) -> str:
    """The start-up text for ``state`` (the contents of ``demo.json``)."""
    issuer, wallet, verifier = state["issuer_url"], state["wallet_url"], state["verifier_url"]
    learner, offer = state["learner"], state["offer"]
    metal = state["tenants"].get("metaalschool-oost", {})
    names = ", ".join(t.get("name", {}).get("nl", slug) for slug, t in state["tenants"].items())
    lines = [
        "",
        "Rotonde draait / Rotonde is running",
        "",
        f"  Uitgever / issuer       {issuer}   ({names})",
        f"  Wallet / wallet         {wallet}",
        f"  Werkgever / verifier    {verifier}",
        "",
    ]
    if public:
        lines += [
            f"  Luistert op {bind_host} (alle netwerkkaarten): een telefoon op hetzelfde netwerk",
            "  kan de links hieronder openen; iedereen op dit netwerk kan de demo bereiken.",
            f"  Listening on {bind_host} (all interfaces): a phone on the same network can open",
            "  the links below; anyone on this network can reach the demo.",
            "",
        ]
    lines += [
        "Demo-logins / demo logins",
        f"  Wallet:      gebruikersnaam / username  {learner['username']}",
        f"               wachtwoord / password      {learner['password']}",
        f"  Issuer API:  Authorization: Bearer {state['api_key']}",
        f"               ({metal.get('name', {}).get('nl', '')}; all tenants' keys: demo.json)",
        f"               docs: {issuer}/docs",
        "",
        "Nieuw aanbod voor Sanne de Vries: MAG-lassen basis (Metaalschool Oost)",
        "Fresh offer for Sanne de Vries: MAG welding, basic (Metaalschool Oost)",
        f"  Pincode / PIN   {offer['tx_code']}",
        f"  Wallet-link     {offer['wallet_link']}",
        f"  Aanbodpagina    {offer['page']}",
        f"  Offer URI       {offer['uri']}",
        "",
    ]
    more = state.get("more_offers") or []
    if more:
        lines += ["Meer voor Sanne (nodig voor een positief oordeel van de werkgever) /",
                  "more for Sanne (needed for the employer's 'accepted' verdict):"]
        for extra in more:
            title = extra.get("title", {})
            lines += [f"  {title.get('nl', '')} / {title.get('en', '')} "
                      f"({extra.get('issuer', {}).get('nl', '')})",
                      f"    pincode / PIN {extra['tx_code']}   {extra['wallet_link']}"]
        lines.append("")
    lines += [
        "Zo werkt het",
        f"  1. Ophalen: open de wallet-link, log in als {learner['username']} en vul de pincode in",
        "     (of open de aanbodpagina en scan de QR-code met de wallet).",
        "  2. Voortgang: kijk in de wallet onder 'Voortgang' hoe ver Sanne is op de route",
        "     naar lasser mbo-2.",
        f"  3. Vraag van de werkgever: open {verifier}, kies het eisenprofiel 'Vacature",
        "     constructiewerker / lasser', klik 'Maak verzoek' en dan 'Open in de webwallet';",
        "     kies in de wallet per vraag het passende bewijs en deel het.",
        "  4. Uitslag: de werkgever ziet meteen het oordeel, per eis (met alleen MAG-lassen:",
        "     'niet geaccepteerd', want tekening lezen ontbreekt; haal de andere twee ook op).",
        "",
        "Walkthrough",
        f"  1. Claim: open the wallet link, log in as {learner['username']} and enter the PIN",
        "     (or open the offer page and scan its QR code with the wallet).",
        "  2. Progress: in the wallet, 'Progress' shows how far Sanne is on the pathway",
        "     to the mbo-2 welder qualification.",
        f"  3. Employer's request: open {verifier}, choose the requirement profile 'Vacancy:",
        "     steel construction worker / welder', 'Create request', then 'Open in the web",
        "     wallet'; in the wallet pick the matching credential for each question, share.",
        "  4. Verdict: the employer sees the verdict at once, requirement by requirement (with",
        "     MAG welding alone: 'not accepted', reading drawings is missing; claim the others).",
        "",
        f"Gegevens / data: {data_dir} (demo.json: URLs, sleutels/keys, wachtwoord/password).",
        "Elke start geeft een nieuw aanbod; Ctrl-C stopt alles. / Every start prints a new offer;",
        "Ctrl-C stops everything.",
        "",
    ]
    return "\n".join(lines)
