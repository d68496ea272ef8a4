"""A trust-list entry for a ``did:web`` also covers the https URL that DID resolves to — the
``iss`` of that issuer's SD-JWT VCs (issue 15 A.3; DID Web method §3.2)."""

from __future__ import annotations

from typing import Any

from rotonde.clock import FixedClock
from rotonde.trust import did_web_for_url, load_trust_list

DID = "did:web:issuer.example%3A8443:tenants:roc-oost"
LIST: dict[str, Any] = {
    "trust_list_version": "1.0", "id": "urn:test:list", "name": {"nl": "L", "en": "L"},
    "issued": "2026-01-01T00:00:00Z",
    "issuers": [{"name": {"nl": "ROC Oost", "en": "ROC Oost"}, "identifiers": [DID], "kinds": ["*"]}],
}


def test_the_did_web_entry_finds_the_https_issuer() -> None:
    trust = load_trust_list(LIST, clock=FixedClock(1_780_000_000))
    found = trust.lookup("https://issuer.example:8443/tenants/roc-oost")
    assert found is not None and DID in found.identifiers
    for other in ("https://issuer.example/tenants/roc-oost",  # another origin (no port)
                  "https://issuer.example:8443/tenants/roc-west",
                  "https://issuer.example:8443/tenants/roc-oost/sub",
                  "http://issuer.example:8443/tenants/roc-oost"):
        assert trust.lookup(other) is None, other


def test_did_web_for_url() -> None:
    assert did_web_for_url("https://issuer.example/tenants/a") == "did:web:issuer.example:tenants:a"
    assert did_web_for_url("https://Issuer.Example:8443/") == "did:web:issuer.example%3A8443"
    for url in ("http://issuer.example/a", "https://issuer.example/a?x=1", "https://u@h.example/",
                "https://issuer.example/a//b", "https://issuer.example/a#f", "https:///a"):
        assert did_web_for_url(url) is None, url
