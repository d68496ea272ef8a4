"""The disclosed claims of a result, in words, for the result page.

Each credential of the result document (:func:`verifier.flows.verification.build_result`)
becomes a card: its title, issuer and trust, the claims in plain Dutch or English
(:func:`rotonde.learning.describe.describe_claims`) and the claims as received (JSON, for
whoever needs the exact values). The heading names the awarding body only when the credential
was signed by that body's own identifier (the same rule makes the claim row say "not
confirmed" instead of the name); otherwise it shows the signer's identifier, so a name claimed
by someone else — or by a credential whose issuer is unknown — is never put forward as the
issuer. All text is shown without directional formatting characters
(:func:`rotonde.text.display_text`). The JSON result document itself is unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from rotonde.learning.describe import Row, awarding_body_proven, describe_claims
from rotonde.text import display_text

__all__ = ["claim_cards"]

#: Shown as the card heading, not repeated in the list.
_HEADING_KEYS = ("title",)


def _card(cred: Mapping[str, Any], lang: str) -> dict[str, Any]:
    claims = cred.get("claims")
    claims = claims if isinstance(claims, Mapping) else {}
    issuer = cred.get("issuer") if isinstance(cred.get("issuer"), str) else None
    rows: list[Row] = describe_claims(claims, lang=lang, issuer=issuer)
    title = next((r.value_text for r in rows if r.key in _HEADING_KEYS), None)
    body = next((r for r in rows if r.key == "awarding_body"), None)
    if not awarding_body_proven(claims, issuer):
        body = None  # a name claimed by someone else is not put forward as the issuer's
    try:
        raw = json.dumps(claims, indent=1, ensure_ascii=False, default=str)
    except (TypeError, ValueError, RecursionError):
        raw = repr(claims)
    return {
        "title": title,
        "awarding_body": body.value_text if body else None,
        "issuer": display_text(issuer) if issuer else None,
        "trusted": cred.get("trusted"),
        "format": cred.get("format"),
        "verified": cred.get("verified"),
        # the issuer identifier is in the heading already
        "rows": [r for r in rows if r.key not in _HEADING_KEYS
                 and not (r.key == "iss" and r.value_text == cred.get("issuer"))],
        "raw": display_text(raw),
    }


def claim_cards(result: Mapping[str, Any], lang: str) -> list[dict[str, Any]]:
    """One card per credential in ``result["credentials"]`` (see the module docstring)."""
    creds = result.get("credentials")
    if not isinstance(creds, list):
        return []
    return [_card(c, lang) for c in creds if isinstance(c, Mapping)]
