"""The wallet matches DCQL ``type_values`` — fully expanded IRIs (OpenID4VP 1.0 B.1.1; issue
15 B.5) — by expanding the held credential's types with the JSON-LD processor."""

from __future__ import annotations

from typing import Any

from wallet.flows.select import candidates
from wallet.flows.store import Held

BADGE: dict[str, Any] = {
    "@context": ["https://www.w3.org/ns/credentials/v2",
                 "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "issuer": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
    "credentialSubject": {"id": "did:key:z6MkholderX"},
}
OB_IRI = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#OpenBadgeCredential"


def _offered(type_values: list[list[str]]) -> list[str]:
    held = Held(id="b", format="ldp_vc", credential=BADGE,
                meta={"verified": True, "status": "valid", "report": {"claims": BADGE}},
                received_at=0.0, self_asserted=False)
    request = {"dcql_query": {"credentials": [{"id": "q", "format": "ldp_vc",
                                               "meta": {"type_values": type_values}}]}}
    return [c.held.id for c in candidates(request, [held])["q"]]


def test_expanded_iris_find_the_badge() -> None:
    assert _offered([["https://www.w3.org/2018/credentials#VerifiableCredential", OB_IRI]]) == ["b"]
    assert _offered([["OpenBadgeCredential"]]) == ["b"]  # as written, still understood
    assert _offered([["https://www.w3.org/ns/credentials/examples#AchievementCredential"]]) == []
