"""Issuer key resolution for JWT / SD-JWT VC / status list tokens (rotonde.keyresolve)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from rotonde.did import DidDocument, Resolver, did_jwk_from_public_key, did_key_from_public_key
from rotonde.errors import FetchError, KeyFormatError, RotondeError, SignatureError
from rotonde.http import Fetcher
from rotonde.keyresolve import find_issuer_key, issuer_metadata_url, resolve_issuer_key
from rotonde.keys import generate
from rotonde.verify import VerifyOptions


def test_metadata_url_inserts_well_known_between_host_and_path() -> None:
    assert issuer_metadata_url("https://example.com/tenant/1234") == (
        "https://example.com/.well-known/jwt-vc-issuer/tenant/1234"
    )
    assert issuer_metadata_url("https://example.com") == "https://example.com/.well-known/jwt-vc-issuer"
    assert issuer_metadata_url("https://example.com/") == "https://example.com/.well-known/jwt-vc-issuer"
    for bad in ("http://example.com", "https://example.com/x?y=1", "example.com"):
        with pytest.raises(KeyFormatError):
            issuer_metadata_url(bad)


def test_did_key_and_did_jwk_issuers() -> None:
    key = generate("EdDSA").public_key
    did = did_key_from_public_key(key)
    assert resolve_issuer_key(did, {}, VerifyOptions()) == key
    assert resolve_issuer_key(did, {"kid": f"{did}#{did[8:]}"}, VerifyOptions()) == key
    jwk_did = did_jwk_from_public_key(key)
    for kid in ("#0", "0", jwk_did + "#0", None):
        header = {} if kid is None else {"kid": kid}
        assert resolve_issuer_key(jwk_did, header, VerifyOptions()) == key


def test_kid_must_belong_to_the_issuer() -> None:
    mine, theirs = generate("ES256").public_key, generate("ES256").public_key
    iss = did_key_from_public_key(mine)
    other = did_key_from_public_key(theirs)
    with pytest.raises(SignatureError) as err:
        resolve_issuer_key(iss, {"kid": f"{other}#{other[8:]}"}, VerifyOptions())
    assert err.value.code == "key.not_authorised"
    with pytest.raises(SignatureError):
        resolve_issuer_key("https://issuer.example", {"kid": f"{other}#{other[8:]}"}, VerifyOptions())
    # no iss at all (e.g. a status list token): the kid DID URL alone identifies the key
    assert resolve_issuer_key(None, {"kid": f"{other}#{other[8:]}"}, VerifyOptions()) == theirs


def test_did_web_issuer_through_resolver_and_purpose() -> None:
    signing, login = generate("EdDSA").public_key, generate("EdDSA").public_key
    did = "did:web:mbo-rijn.example"
    doc = DidDocument.for_key(did, signing, fragments=["sign"]).to_json()
    doc["verificationMethod"].append(
        {"id": f"{did}#login", "type": "Multikey", "controller": did, "publicKeyMultibase": login.multikey()}
    )
    doc["authentication"] = [f"{did}#login"]
    options = VerifyOptions(resolver=Resolver(documents={did: doc}))
    assert resolve_issuer_key(did, {"kid": "sign"}, options) == signing
    assert resolve_issuer_key(did, {"kid": f"{did}#sign"}, options) == signing
    assert resolve_issuer_key(did, {}, options) == signing  # the single assertionMethod key
    with pytest.raises(SignatureError) as err:
        resolve_issuer_key(did, {"kid": "login"}, options)
    assert err.value.code == "key.not_authorised"


def test_the_issuer_is_iss_or_the_did_that_authorises_the_key() -> None:
    """Issue 19 item 2: without ``iss`` the issuer is the kid's DID, never "nobody"."""
    key = generate("ES256").public_key
    did = did_key_from_public_key(key)
    kid = f"{did}#{did[8:]}"
    assert find_issuer_key(did, {"kid": kid}, VerifyOptions()).issuer == did
    found = find_issuer_key(None, {"kid": kid}, VerifyOptions())
    assert (found.key, found.issuer) == (key, did)
    pinned = find_issuer_key(None, {}, VerifyOptions(issuer_key=key))
    assert (pinned.key, pinned.issuer) == (key, None)  # the caller vouched for a key, not a name
    assert find_issuer_key("https://school.example", {}, VerifyOptions(issuer_key=key)).issuer \
        == "https://school.example"


def test_a_method_controlled_by_someone_else_is_not_the_issuers() -> None:
    """A DID document may list a method whose controller is another DID; such a key does not
    speak for the document's DID (VCDM 2.0 §4.7, VC Data Integrity 1.0 §4.4)."""
    key = generate("EdDSA").public_key
    did, school = "did:web:attacker.example", "did:web:metaalschool.example"
    doc = DidDocument.for_key(did, key, fragments=["k"]).to_json()
    doc["verificationMethod"][0]["controller"] = school
    options = VerifyOptions(resolver=Resolver(documents={did: doc}))
    for iss, header in ((did, {"kid": "k"}), (did, {}), (None, {"kid": f"{did}#k"})):
        with pytest.raises(SignatureError) as err:
            resolve_issuer_key(iss, header, options)
        assert err.value.code == "key.not_authorised" and school in err.value.message


def test_header_jwk_alone_is_not_trusted() -> None:
    key = generate("ES256")
    with pytest.raises(KeyFormatError) as err:
        resolve_issuer_key(None, {"jwk": key.public_key.to_jwk()}, VerifyOptions())
    assert err.value.code == "key.untrusted_header_key"
    with pytest.raises(KeyFormatError) as err:
        resolve_issuer_key("urn:example:issuer", {}, VerifyOptions())
    assert err.value.code == "key.unresolvable"
    with pytest.raises(KeyFormatError):
        resolve_issuer_key("did:key:z6Mk", {"kid": 5}, VerifyOptions())


def test_explicit_issuer_key_wins() -> None:
    key = generate("EdDSA").public_key
    assert resolve_issuer_key("https://anything.example", {}, VerifyOptions(issuer_key=key)) == key


def _metadata_fetcher(routes: dict[str, Any]) -> Fetcher:
    def handler(request: httpx.Request) -> httpx.Response:
        body = routes.get(str(request.url))
        return httpx.Response(404) if body is None else httpx.Response(200, json=body)

    return Fetcher(transport=httpx.MockTransport(handler))


def test_https_issuer_with_inline_jwks_and_jwks_uri() -> None:
    k1 = generate("ES256", kid="k1")
    k2 = generate("EdDSA", kid="k2")
    iss = "https://issuer.example/tenant/7"
    jwks = {"keys": [k1.to_jwk(private=False), k2.to_jwk(private=False)]}
    meta_url = "https://issuer.example/.well-known/jwt-vc-issuer/tenant/7"
    inline = VerifyOptions(fetcher=_metadata_fetcher({meta_url: {"issuer": iss, "jwks": jwks}}))
    assert resolve_issuer_key(iss, {"kid": "k2"}, inline) == k2.public_key
    by_uri = VerifyOptions(
        fetcher=_metadata_fetcher(
            {
                meta_url: {"issuer": iss, "jwks_uri": "https://issuer.example/jwks.json"},
                "https://issuer.example/jwks.json": jwks,
            }
        )
    )
    assert resolve_issuer_key(iss, {"kid": "k1"}, by_uri) == k1.public_key
    for header in ({"kid": "k3"}, {}):  # unknown kid; no kid but two keys
        with pytest.raises(KeyFormatError) as err:
            resolve_issuer_key(iss, header, inline)
        assert err.value.code == "key.unresolvable"


@pytest.mark.parametrize(
    "meta",
    [
        {"issuer": "https://other.example", "jwks": {"keys": []}},
        {"issuer": "https://issuer.example", "jwks": {"keys": []}, "jwks_uri": "https://x.example"},
        {"issuer": "https://issuer.example"},
        {"issuer": "https://issuer.example", "jwks": {"keys": [{"kty": "RSA", "kid": "a"}]}},
        ["not", "an", "object"],
    ],
)
def test_bad_issuer_metadata(meta: Any) -> None:
    options = VerifyOptions(
        fetcher=_metadata_fetcher({"https://issuer.example/.well-known/jwt-vc-issuer": meta})
    )
    with pytest.raises(KeyFormatError):
        resolve_issuer_key("https://issuer.example", {"kid": "a"}, options)


def test_https_issuer_needs_a_fetcher() -> None:
    with pytest.raises(FetchError) as err:
        resolve_issuer_key("https://issuer.example", {"kid": "a"}, VerifyOptions())
    assert err.value.code == "fetch.disabled"
    with pytest.raises(RotondeError) as rerr:  # unreachable metadata
        resolve_issuer_key("https://issuer.example", {}, VerifyOptions(fetcher=_metadata_fetcher({})))
    assert rerr.value.code == "fetch.http_status"
