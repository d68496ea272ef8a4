"""``authorization_details`` in the Token Request is honoured: the token covers the
configurations asked for, the Token Response returns them with ``credential_identifiers``, and
the Credential Request names one of those (issue 15 B.3; OpenID4VCI 1.0 §5.1.1, §6.1, §6.2,
§8.2; RFC 9396 §5)."""

from __future__ import annotations

import json
from typing import Any

from rotonde import oid4vci
from rotonde.sdjwt import parse
from tests.issuer._support import LiveIssuer, Wallet, offered


def _cred(w: Wallet, meta: dict[str, Any], access: str, body: dict[str, Any]) -> Any:
    proof = w.proof(meta["credential_issuer"], w.nonce(meta))
    return w.http.post(meta["credential_endpoint"], headers={"Authorization": f"Bearer {access}"},
                       json={**body, "proofs": {"jwt": [proof]}})


def test_authorization_details_are_answered_with_credential_identifiers(
    live: LiveIssuer,
) -> None:
    w, offer, pin, meta = offered(live, "roc-ad")
    form = oid4vci.token_request(offer.pre_authorized_code, pin,
                                 authorization_details=["microcredential_sd_jwt"])
    r = w.http.post(f"{offer.credential_issuer}/token", data=form)
    assert r.status_code == 200, r.text
    [detail] = r.json()["authorization_details"]
    assert detail["type"] == "openid_credential"
    assert detail["credential_configuration_id"] == "microcredential_sd_jwt"
    [ident] = detail["credential_identifiers"]
    access = r.json()["access_token"]
    # §8.2: credential_configuration_id MUST NOT be used now
    wrong = _cred(w, meta, access, {"credential_configuration_id": "microcredential_sd_jwt"})
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_credential_request"
    unknown = _cred(w, meta, access, {"credential_identifier": "nope"})
    assert unknown.json()["error"] == "unknown_credential_identifier"
    ok = _cred(w, meta, access, {"credential_identifier": ident})
    assert ok.status_code == 200, ok.text
    token = oid4vci.parse_credential_response(ok.json())[0]
    assert parse(token).payload["vct"] == meta["credential_configurations_supported"][
        "microcredential_sd_jwt"]["vct"]


def test_the_token_covers_only_what_was_asked_for(live: LiveIssuer) -> None:
    w, offer, pin, meta = offered(live, "roc-ad2")
    r = w.http.post(f"{offer.credential_issuer}/token", data=oid4vci.token_request(
        offer.pre_authorized_code, pin, authorization_details=["elm_ldp_vc"]))
    assert r.status_code == 200, r.text
    access = r.json()["access_token"]
    idents = {d["credential_configuration_id"]: d["credential_identifiers"]
              for d in r.json()["authorization_details"]}
    assert list(idents) == ["elm_ldp_vc"]
    # an identifier is a string, and not one of another token
    assert _cred(w, meta, access, {"credential_identifier": "microcredential_sd_jwt"}).json()[
        "error"] == "unknown_credential_identifier"
    assert _cred(w, meta, access, {"credential_identifier": idents["elm_ldp_vc"][0]}
                 ).status_code == 200


def test_bad_authorization_details_are_refused_and_the_code_survives(live: LiveIssuer) -> None:
    w, offer, pin, _ = offered(live, "roc-ad3")
    url = f"{offer.credential_issuer}/token"
    base = oid4vci.token_request(offer.pre_authorized_code, pin)
    for details in ("not json", "[]", json.dumps([{"type": "other"}]),
                    json.dumps([{"type": "openid_credential"}]),
                    json.dumps([{"type": "openid_credential",
                                 "credential_configuration_id": "qualification_sd_jwt"}])):
        r = w.http.post(url, data={**base, "authorization_details": details})
        assert r.status_code == 400, (details, r.text)
        assert r.json()["error"] == "invalid_authorization_details", (details, r.text)
    # nothing was spent: without authorization_details the offer redeems as before
    r = w.http.post(url, data=base)
    assert r.status_code == 200 and "authorization_details" not in r.json()
