"""The ``iss`` of a signed request object (issue 15 B.8; RFC 9101 §4, RFC 7519 §4.1.1,
OpenID4VP 1.0 §5).

RFC 9101 §4: a signed request object SHOULD carry ``iss`` with the JWT meaning — the principal
that issued it. OpenID4VP 1.0 §5: ``iss`` MAY be present and the wallet MUST ignore it;
``client_id`` is what counts. Rotonde used to put the whole client id
(``decentralized_identifier:did:web:…``) there, so a reader that resolves ``kid`` relative to
``iss`` (the OpenWallet Foundation library: "kid in header starts with did that is different
from did value in 'iss'") refused it. Now ``iss`` is the DID that signs; ``client_id`` stays
the prefixed client id; and the wallet still ignores ``iss``.
"""

from __future__ import annotations

import json

from rotonde.clock import FixedClock
from rotonde.did import DidDocument, Resolver
from rotonde.encoding import b64url_decode
from rotonde.jws import sign_compact
from rotonde.keys import generate
from rotonde.oid4vp import build_request, sign_request_object, verify_request_object

DID = "did:web:verifier.example"
CLIENT_ID = "decentralized_identifier:" + DID
QUERY = {"credentials": [{"id": "mc", "format": "dc+sd-jwt",
                          "meta": {"vct_values": ["https://issuer.example/vct/mc"]}}]}
NOW = 1_800_000_000


def _parts(token: str) -> tuple[dict[str, object], dict[str, object]]:
    h, p, _ = token.split(".")
    return json.loads(b64url_decode(h)), json.loads(b64url_decode(p))


def _setup() -> tuple[object, Resolver, object]:
    key = generate("ES256")
    resolver = Resolver(documents={DID: DidDocument.for_key(DID, key.public_key,
                                                            fragments=["req"])})
    req = build_request(client_id=CLIENT_ID, response_uri="https://verifier.example/oid4vp/r",
                        dcql_query=QUERY, nonce="n" * 22, state="s")
    return key, resolver, req


def test_iss_is_the_signing_did_and_kid_lies_under_it() -> None:
    key, resolver, req = _setup()
    token = sign_request_object(req, key, kid=DID + "#req",  # type: ignore[arg-type]
                                clock=FixedClock(NOW))
    header, claims = _parts(token)
    assert claims["iss"] == DID
    assert claims["client_id"] == CLIENT_ID
    assert str(header["kid"]).startswith(str(claims["iss"]) + "#")
    got = verify_request_object(token, client_id=CLIENT_ID, resolver=resolver,
                                clock=FixedClock(NOW))
    assert got.client_id == CLIENT_ID


def test_the_wallet_ignores_iss() -> None:
    """§5: "if it is present, the Wallet MUST ignore it" — whatever it says."""
    key, resolver, req = _setup()
    for iss in (CLIENT_ID, "https://somebody.else.example", DID):
        claims = {**req.to_claims(), "iss": iss,  # type: ignore[attr-defined]
                  "aud": "https://self-issued.me/v2", "iat": NOW, "exp": NOW + 300}
        token = sign_compact({"typ": "oauth-authz-req+jwt", "kid": DID + "#req"}, claims,
                             key)  # type: ignore[arg-type]
        got = verify_request_object(token, client_id=CLIENT_ID, resolver=resolver,
                                    clock=FixedClock(NOW))
        assert got.nonce == "n" * 22
