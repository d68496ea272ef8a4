"""Credential Response encryption is not offered, so asking for it is refused with
``invalid_encryption_parameters`` — never answered with the credential in plaintext (issue 15
B.4; OpenID4VCI 1.0 §8.2, §8.3, §8.3.1.2, §12.2.4)."""

from __future__ import annotations

from rotonde import oid4vci
from rotonde.keys import generate
from tests.issuer._support import LiveIssuer, offered


def test_an_encrypted_response_is_refused_not_sent_in_plaintext(live: LiveIssuer) -> None:
    w, offer, tx_code, meta = offered(live, "roc-enc")
    assert "credential_response_encryption" not in meta  # not advertised
    access = w.token(offer.credential_issuer, offer.pre_authorized_code,
                     tx_code).json()["access_token"]
    nonce = w.nonce(meta)
    body = oid4vci.credential_request("microcredential_sd_jwt",
                                      jwt_proofs=[w.proof(offer.credential_issuer, nonce)])
    enc_key = generate("ES256").public_key.to_jwk()
    r = w.http.post(meta["credential_endpoint"], headers={"Authorization": f"Bearer {access}"},
                    json={**body, "credential_response_encryption": {
                        "jwk": {**enc_key, "alg": "ECDH-ES", "use": "enc"}, "enc": "A128GCM"}})
    assert r.status_code == 400, r.text
    assert r.json()["error"] == "invalid_encryption_parameters"
    assert "credentials" not in r.json() and "eyJ" not in r.text
    # nothing was consumed: the same request without encryption still works
    ok = w.credential(meta, access, "microcredential_sd_jwt",
                      [w.proof(offer.credential_issuer, nonce)])
    assert ok.status_code == 200, ok.text
