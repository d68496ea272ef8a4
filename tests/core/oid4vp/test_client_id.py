"""OpenID4VP 1.0 §5.9.3 Client Identifier Prefixes on the wallet side: which requests must be
signed, where a client may have the answer sent, and what a request proves (issue 19, item 1)."""

from __future__ import annotations

import pytest

from rotonde.clock import FixedClock
from rotonde.did import DidDocument, Resolver
from rotonde.errors import PolicyError, RotondeError, ValidationError
from rotonde.keys import generate
from rotonde.oid4vp import (
    AuthorizationRequest,
    build_request,
    check_request,
    sign_request_object,
    verify_request_object,
)

DID = "did:web:verifier.example"
QUERY = {"credentials": [{"id": "diploma", "format": "dc+sd-jwt",
                          "meta": {"vct_values": ["https://rotonde.example/vct/mc"]}}]}
CLOCK = FixedClock(1_800_000_000)


def _claims(client_id: str, response_uri: str = "https://verifier.example/oid4vp/response",
            ) -> dict[str, object]:
    return {"client_id": client_id, "response_type": "vp_token", "response_mode": "direct_post",
            "response_uri": response_uri, "nonce": "n" * 22, "state": "s-1",
            "dcql_query": QUERY, "client_metadata": {"client_name": "Van Dijk Staalbouw"}}


@pytest.mark.parametrize("client_id", [
    "decentralized_identifier:" + DID,
    "x509_san_dns:verifier.example",
    "x509_hash:Uvo3HtuIxuhC92rShpgqcT3YXwrqRxWEviRiA0OZszk",
    "verifier_attestation:verifier.example",
    "openid_federation:https://verifier.example",
])
def test_unsigned_request_for_a_prefix_that_needs_a_signature_is_refused(client_id: str) -> None:
    with pytest.raises(PolicyError) as info:
        check_request(_claims(client_id))
    assert info.value.code == "oid4vp.signed_request_required"
    assert info.value.problems[0].message_nl  # words for people, in Dutch too


@pytest.mark.parametrize(("client_id", "code"), [
    ("origin:https://verifier.example", "oid4vp.client_id_prefix_forbidden"),
    ("verifier-123", "oid4vp.client_id_prefix_unsupported"),  # pre-registered: none known
    ("https://verifier.example", "oid4vp.client_id_prefix_unsupported"),
])
def test_prefixes_a_wallet_must_not_or_cannot_accept(client_id: str, code: str) -> None:
    with pytest.raises(PolicyError) as info:
        check_request(_claims(client_id))
    assert info.value.code == code


def test_redirect_uri_requests_are_unsigned_and_answer_to_their_own_uri() -> None:
    uri = "https://verifier.example/cb"
    assert check_request(_claims("redirect_uri:" + uri, uri)).response_uri == uri
    with pytest.raises(ValidationError) as vinfo:
        check_request(_claims("redirect_uri:" + uri, "https://evil.example/cb"))
    assert vinfo.value.code == "oid4vp.client_id_mismatch"
    with pytest.raises(PolicyError) as pinfo:
        check_request(_claims("redirect_uri:" + uri, uri), signed=True)
    assert pinfo.value.code == "oid4vp.signed_request_forbidden"


def _signed(did: str, response_uri: str) -> tuple[str, Resolver]:
    key = generate("ES256")
    doc = DidDocument.for_key(did, key.public_key, fragments=["req"])
    # built directly: build_request itself refuses a response_uri off the DID's host
    req = AuthorizationRequest(client_id="decentralized_identifier:" + did, nonce="n" * 22,
                               dcql_query=QUERY, response_uri=response_uri, state="s-1")
    token = sign_request_object(req, key, kid=did + "#req", clock=CLOCK)  # type: ignore[arg-type]
    return token, Resolver(documents={did: doc})


@pytest.mark.parametrize(("did", "response_uri", "ok"), [
    (DID, "https://verifier.example/oid4vp/response", True),
    (DID, "https://VERIFIER.example:443/elsewhere?x=1", True),  # same origin, any path
    ("did:web:verifier.example:hr", "https://verifier.example/api/response", True),
    ("did:web:verifier.example%3A8443", "https://verifier.example:8443/r", True),
    (DID, "https://evil.example/oid4vp/response", False),
    (DID, "https://verifier.example.evil.example/r", False),
    (DID, "https://verifier.example:8443/r", False),  # another port is another origin
    ("did:web:verifier.example%3A8443", "https://verifier.example/r", False),
    (DID, "https://verifier.example@evil.example/r", False),
])
def test_did_web_response_uri_lies_on_the_dids_host(did: str, response_uri: str,
                                                    ok: bool) -> None:
    token, resolver = _signed(did, response_uri)
    client_id = "decentralized_identifier:" + did
    if ok:
        got = verify_request_object(token, client_id=client_id, resolver=resolver, clock=CLOCK)
        assert got.response_uri == response_uri
        return
    with pytest.raises(ValidationError) as info:
        verify_request_object(token, client_id=client_id, resolver=resolver, clock=CLOCK)
    assert info.value.code == "oid4vp.response_uri_mismatch"
    with pytest.raises(ValidationError):  # and the verifier side never builds one
        build_request(client_id=client_id, response_uri=response_uri, dcql_query=QUERY,
                      nonce="n" * 22)


def test_trust_entries_match_only_what_a_request_proves() -> None:
    from rotonde.oid4vp import proven_identities, trust_entry, trusted_match

    cid = "decentralized_identifier:" + DID
    assert proven_identities(cid, signed=True) == {cid, DID}
    assert proven_identities(cid, signed=False) == frozenset()  # an unsigned claim proves nothing
    assert trusted_match(cid, signed=True, trusted=[DID]) == DID
    assert trusted_match(cid, signed=False, trusted=[DID, cid]) is None
    # a bare host name is no entry: it matches nothing, and settings refuse it
    assert trusted_match(cid, signed=True, trusted=["verifier.example"]) is None
    for bad in ("verifier.example", "https://verifier.example/cb", "did:nope",
                "redirect_uri:ftp://x", "http://verifier.example", ""):
        with pytest.raises(RotondeError) as info:
            trust_entry(bad)
        assert info.value.code == "oid4vp.invalid_trust_entry"
    # redirect_uri: requests prove where the answer goes: the client id and its origin
    rid = "redirect_uri:https://verifier.example/cb"
    assert trust_entry("HTTPS://Verifier.Example:443/") == "https://verifier.example"
    assert trusted_match(rid, signed=False, trusted=["https://verifier.example"])
    assert trusted_match(rid, signed=False, trusted=[rid])
    assert trusted_match(rid, signed=False, trusted=["https://verifier.example:8443"]) is None
    assert trusted_match(rid, signed=False, trusted=[DID]) is None
    dev = "redirect_uri:http://127.0.0.1:8003/oid4vp/response"
    assert trusted_match(dev, signed=False, trusted=["http://127.0.0.1:8003"]) is None
    assert trusted_match(dev, signed=False, trusted=["http://127.0.0.1:8003"], allow_http=True)
    # other DID methods prove a key but no host: any response_uri, and the DID is the identity
    from rotonde.did.key import did_key_from_public_key

    key = generate("ES256")
    did = did_key_from_public_key(key.public_key)
    req = AuthorizationRequest(client_id="decentralized_identifier:" + did, nonce="n" * 22,
                               dcql_query=QUERY, response_uri="https://anywhere.example/r")
    token = sign_request_object(req, key, kid=Resolver().resolve(did).methods[0].id,
                                clock=CLOCK)  # type: ignore[arg-type]
    got = verify_request_object(token, client_id=req.client_id, resolver=Resolver(), clock=CLOCK)
    assert got.response_uri == "https://anywhere.example/r"
    assert trusted_match(req.client_id, signed=True, trusted=[did]) == did


def test_a_redirect_uri_client_may_omit_response_uri() -> None:
    """§5.9.3: the client id's value is then the Response URI (issue 15 B.6)."""
    uri = "https://verifier.example/cb"
    claims = {k: v for k, v in _claims("redirect_uri:" + uri).items() if k != "response_uri"}
    assert check_request(claims).response_uri == uri
    # every other prefix still needs one
    did = {k: v for k, v in _claims("decentralized_identifier:" + DID).items()
           if k != "response_uri"}
    with pytest.raises(ValidationError) as info:
        check_request(did, signed=True)
    assert info.value.problems[0].pointer == "/response_uri"
    # the value must still be an https URL
    with pytest.raises(ValidationError) as bad:
        check_request({k: v for k, v in _claims("redirect_uri:http://x.example/cb").items()
                       if k != "response_uri"})
    assert bad.value.code in ("oid4vp.invalid_response_uri", "oid4vp.invalid_client_id")
