"""DIDs: did:key, did:jwk, did:web, DID documents, controller documents and the Resolver."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rotonde.did import (
    DidDocument,
    Resolver,
    did_jwk_document,
    did_jwk_from_public_key,
    did_key_document,
    did_key_from_public_key,
    did_web_from_url,
    did_web_to_url,
    parse_did,
    public_key_from_did_jwk,
    public_key_from_did_key,
)
from rotonde.encoding import b64url_encode
from rotonde.errors import FetchError, KeyFormatError, ParseError, RotondeError, SignatureError
from rotonde.http import Fetcher, TTLCache
from rotonde.keys import generate, public_key_from_multikey
from tests.conftest import SettableClock

# did:jwk specification, P-256 example (members sorted, so it is also our canonical form).
SPEC_DID_JWK = (
    "did:jwk:eyJjcnYiOiJQLTI1NiIsImt0eSI6IkVDIiwieCI6ImFjYklRaXVNczNpOF91c3pFakoydHBUdFJNNEVVM3l6OTF"
    "QSDZDZEgyVjAiLCJ5IjoiX0tjeUxqOXZXTXB0bm1LdG00NkdxRHo4d2Y3NEk1TEtncmwyR3pIM25TRSJ9"
)
# did:key specification examples (Ed25519 and P-256).
SPEC_DID_KEY_ED = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
SPEC_DID_KEY_P256 = "did:key:zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169"


@pytest.mark.parametrize("alg", ["EdDSA", "ES256"])
def test_did_key_roundtrip_and_document(alg: str) -> None:
    key = generate(alg).public_key
    did = did_key_from_public_key(key)
    assert did.startswith("did:key:z6Mk" if alg == "EdDSA" else "did:key:zDn")
    assert public_key_from_did_key(did) == key
    doc = did_key_document(did)
    msid = did.removeprefix("did:key:")
    vm = doc.verification_method("#" + msid)
    assert vm.id == f"{did}#{msid}" and vm.type == "Multikey" and vm.controller == did
    assert vm.public_key == key
    for purpose in ("authentication", "assertionMethod", "capabilityInvocation", "capabilityDelegation"):
        assert [m.id for m in doc.methods_for(purpose)] == [vm.id]
    assert doc.to_json()["@context"][0] == "https://www.w3.org/ns/did/v1"


@pytest.mark.parametrize("did, alg", [(SPEC_DID_KEY_ED, "EdDSA"), (SPEC_DID_KEY_P256, "ES256")])
def test_did_key_spec_examples(did: str, alg: str) -> None:
    key = public_key_from_did_key(did)
    assert key.alg == alg
    assert did_key_from_public_key(key) == did


def test_did_key_conformance_key(conformance: Path) -> None:
    pair = json.loads((conformance / "vc-di-eddsa" / "keyPair.json").read_text())
    did = "did:key:" + pair["publicKeyMultibase"]
    assert public_key_from_did_key(did) == public_key_from_multikey(pair["publicKeyMultibase"])


@pytest.mark.parametrize(
    "bad",
    [
        "did:key:",
        "did:key:abc",
        "did:key:z",
        "did:key:zzzz",
        "did:web:x",
        "did:key:z6Mk#frag",
        "did:key:u" + b64url_encode(b"\xed\x01" + b"\0" * 32),
    ],
)
def test_did_key_rejects_garbage(bad: str) -> None:
    with pytest.raises(RotondeError):
        public_key_from_did_key(bad)


def test_did_jwk_spec_example_and_document() -> None:
    key = public_key_from_did_jwk(SPEC_DID_JWK)
    assert key.alg == "ES256"
    assert did_jwk_from_public_key(key) == SPEC_DID_JWK
    doc = did_jwk_document(SPEC_DID_JWK)
    vm = doc.verification_method("0")
    assert vm.id == SPEC_DID_JWK + "#0" and vm.type == "JsonWebKey2020"
    assert doc.authorises(vm.id, "assertionMethod") and doc.authorises(vm.id, "keyAgreement")


def test_did_jwk_use_and_private_key() -> None:
    key = generate("EdDSA")
    enc = dict(key.public_key.to_jwk(), use="enc")
    did = "did:jwk:" + b64url_encode(json.dumps(enc).encode())
    doc = did_jwk_document(did)
    assert not doc.methods_for("assertionMethod") and doc.methods_for("keyAgreement")
    sig = dict(key.public_key.to_jwk(), use="sig")
    doc = did_jwk_document("did:jwk:" + b64url_encode(json.dumps(sig).encode()))
    assert doc.methods_for("assertionMethod") and not doc.methods_for("keyAgreement")
    private = "did:jwk:" + b64url_encode(json.dumps(key.to_jwk()).encode())
    with pytest.raises(KeyFormatError) as err:
        public_key_from_did_jwk(private)
    assert err.value.code == "key.private_in_document"
    with pytest.raises(KeyFormatError):
        public_key_from_did_jwk(SPEC_DID_JWK + "#1")


@pytest.mark.parametrize(
    "did, url",
    [
        ("did:web:w3c-ccg.github.io", "https://w3c-ccg.github.io/.well-known/did.json"),
        ("did:web:w3c-ccg.github.io:user:alice", "https://w3c-ccg.github.io/user/alice/did.json"),
        ("did:web:example.com%3A3000:user:alice", "https://example.com:3000/user/alice/did.json"),
        ("did:web:example.com%3A8443", "https://example.com:8443/.well-known/did.json"),
    ],
)
def test_did_web_urls(did: str, url: str) -> None:
    assert did_web_to_url(did) == url
    assert did_web_from_url(url) == did


@pytest.mark.parametrize(
    "bad",
    [
        "did:web:",
        "did:web:a::b",
        "did:web:ex%2Fample.com",
        "did:web:example.com:..",
        "did:key:z6Mk",
        "did:web:a%40b",
    ],
)
def test_did_web_rejects_bad(bad: str) -> None:
    with pytest.raises(ParseError):
        did_web_to_url(bad)


def _serve(documents: dict[str, Any], calls: list[str], headers: dict[str, str] | None = None) -> Fetcher:
    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        doc = documents.get(str(request.url))
        if doc is None:
            return httpx.Response(404)
        return httpx.Response(200, json=doc, headers=headers or {})

    return Fetcher(transport=httpx.MockTransport(handler))


def test_did_web_resolution_through_fetcher_with_cache(clock: SettableClock) -> None:
    key = generate("ES256").public_key
    did = "did:web:school.example:issuers:rijn"
    doc = DidDocument.for_key(did, key, fragments=["key-1"]).to_json()
    calls: list[str] = []
    fetcher = _serve(
        {"https://school.example/issuers/rijn/did.json": doc}, calls, {"Cache-Control": "max-age=30"}
    )
    resolver = Resolver(fetcher, cache=TTLCache(ttl=600, clock=clock))
    vm = resolver.resolve_key(did + "#key-1", purpose="assertionMethod")
    assert vm.public_key == key and vm.type == "Multikey"
    resolver.resolve(did)
    assert len(calls) == 1  # cached
    clock.advance(31)  # max-age from the response wins over the cache default
    resolver.resolve(did)
    assert len(calls) == 2


def test_did_document_cache_keeps_bytes_within_its_budget() -> None:
    """The cache holds each document as the bytes received, within a byte budget (a parsed
    document can take twenty times its size; issue 19 item 3 for status lists)."""
    from rotonde.did.resolver import CACHE_MAX_BYTES

    key = generate("ES256").public_key
    small, big = "did:web:school.example", "did:web:big.example"
    heavy = DidDocument.for_key(big, key).to_json()
    heavy["padding"] = [{}] * 200_000  # ~600 KB of JSON, some 15 MB once parsed
    calls: list[str] = []
    fetcher = _serve({"https://school.example/.well-known/did.json":
                      DidDocument.for_key(small, key).to_json(),
                      "https://big.example/.well-known/did.json": heavy}, calls)
    resolver = Resolver(fetcher, cache=TTLCache(ttl=600, max_bytes=100_000))
    assert resolver.resolve(small).id == small
    assert isinstance(resolver.cache.get(small), bytes) and 0 < resolver.cache.size < 2_000
    assert resolver.resolve(big).id == big and resolver.resolve(big).id == big
    assert calls.count("https://big.example/.well-known/did.json") == 2  # too big to keep
    assert resolver.resolve(small).id == small and len(calls) == 3
    assert Resolver(fetcher).cache.max_bytes == CACHE_MAX_BYTES


def test_did_web_document_id_must_match() -> None:
    key = generate("EdDSA").public_key
    doc = DidDocument.for_key("did:web:evil.example", key).to_json()
    fetcher = _serve({"https://school.example/.well-known/did.json": doc}, [])
    with pytest.raises(ParseError) as err:
        Resolver(fetcher).resolve("did:web:school.example")
    assert err.value.code == "did.id_mismatch"


def test_no_fetcher_means_no_network() -> None:
    with pytest.raises(FetchError) as err:
        Resolver().resolve("did:web:school.example")
    assert err.value.code == "fetch.disabled"
    with pytest.raises(KeyFormatError) as kerr:
        Resolver().resolve("did:example:123")
    assert kerr.value.code == "did.method_unsupported"


def test_document_relationships_embedded_relative_and_purpose() -> None:
    a, b = generate("EdDSA").public_key, generate("ES256").public_key
    did = "did:web:example.org"
    raw = {
        "id": did,
        "verificationMethod": [
            {
                "id": "#a",
                "type": "Ed25519VerificationKey2020",
                "controller": did,
                "publicKeyMultibase": a.multikey(),
            },
        ],
        "authentication": ["#a"],
        "assertionMethod": [
            {"id": f"{did}#b", "type": "JsonWebKey", "controller": did, "publicKeyJwk": b.to_jwk()}
        ],
    }
    resolver = Resolver(documents={did: raw})
    assert resolver.resolve_key(did + "#b", purpose="assertionMethod").public_key == b
    assert resolver.resolve_key(did + "#a", purpose="authentication").public_key == a
    with pytest.raises(SignatureError) as err:
        resolver.resolve_key(did + "#a", purpose="assertionMethod")
    assert err.value.code == "key.not_authorised"
    assert resolver.resolve_key(did, purpose="assertionMethod").public_key == b
    with pytest.raises(KeyFormatError) as kerr:
        resolver.resolve_key(did + "#nope")
    assert kerr.value.code == "key.unresolvable"
    with pytest.raises(KeyFormatError):
        resolver.resolve_key(did)  # two keys, no purpose: ambiguous


@pytest.mark.parametrize(
    "vm, code",
    [
        ({"type": "RsaVerificationKey2018", "publicKeyPem": "x"}, "key.unsupported"),
        (
            {"type": "JsonWebKey2020", "publicKeyJwk": {"kty": "RSA", "n": "x", "e": "AQAB"}},
            "key.unsupported",
        ),
        ({"type": "Multikey", "publicKeyMultibase": "zzz"}, "key.unsupported"),
    ],
)
def test_unsupported_or_bad_methods(vm: dict[str, Any], code: str) -> None:
    raw = {
        "id": "did:web:x.example",
        "verificationMethod": [dict(vm, id="did:web:x.example#k", controller="did:web:x.example")],
    }
    with pytest.raises(KeyFormatError) as err:
        DidDocument.from_json(raw)
    assert err.value.code == code


def test_private_jwk_in_document_refused() -> None:
    priv = generate("ES256").to_jwk()
    raw = {
        "id": "did:web:x.example",
        "verificationMethod": [
            {"id": "#k", "type": "JsonWebKey", "controller": "did:web:x.example", "publicKeyJwk": priv}
        ],
    }
    with pytest.raises(KeyFormatError) as err:
        DidDocument.from_json(raw)
    assert err.value.code == "key.private_in_document"


def test_for_key_jsonwebkey_builder() -> None:
    keys = [generate("EdDSA").public_key, generate("ES256").public_key]
    doc = DidDocument.for_key("did:web:issuer.example", keys, method_type="JsonWebKey")
    assert [vm.public_key for vm in doc.methods_for("assertionMethod")] == keys
    assert doc.methods[0].id == "did:web:issuer.example#" + keys[0].thumbprint()
    again = DidDocument.from_json(json.loads(json.dumps(doc.to_json())))
    assert [vm.id for vm in again.methods] == [vm.id for vm in doc.methods]


def test_open_badges_controller_document(conformance: Path) -> None:
    """The OB 3.0 signed example names an https controller document, not a DID."""
    doc = json.loads((conformance / "obv3/test-vectors/obv3p0/controller-document.json").read_text())
    cred = json.loads((conformance / "obv3/examples/linked-data-proof-ob-signed-credential.json").read_text())
    method = cred["proof"]["verificationMethod"]
    resolver = Resolver(documents={doc["id"]: doc})
    vm = resolver.resolve_key(method, purpose="assertionMethod")
    assert vm.controller == cred["issuer"]["id"]
    assert vm.public_key == public_key_from_multikey(method.partition("#")[2])
    # and the same document fetched over https through the Fetcher
    fetched = Resolver(_serve({doc["id"]: doc}, []))
    assert fetched.resolve_key(method, purpose="assertionMethod").public_key == vm.public_key


# -- properties -------------------------------------------------------------------------------

_idchar = st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_")


@given(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=10),
    st.lists(st.text(alphabet=_idchar, min_size=1, max_size=12), min_size=1, max_size=4),
)
def test_valid_dids_parse(method: str, parts: list[str]) -> None:
    did = f"did:{method}:" + ":".join(parts)
    assert parse_did(did) == (method, ":".join(parts))


@given(st.text(max_size=120))
def test_did_parsing_never_crashes(text: str) -> None:
    for fn in (parse_did, did_web_to_url, public_key_from_did_key, public_key_from_did_jwk):
        try:
            fn(text)  # type: ignore[operator]
        except RotondeError:
            pass
    try:
        Resolver().resolve(text)
    except RotondeError:
        pass


@given(st.binary(max_size=120))
def test_did_jwk_random_payload_never_crashes(data: bytes) -> None:
    try:
        did_jwk_document("did:jwk:" + b64url_encode(data))
    except RotondeError:
        pass


@given(
    st.dictionaries(
        st.sampled_from(
            ["id", "verificationMethod", "assertionMethod", "authentication", "controller", "type"]
        ),
        st.recursive(
            st.none() | st.text(max_size=8) | st.integers(),
            lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=5), c, max_size=3),
            max_leaves=10,
        ),
    )
)
def test_document_parser_never_crashes(raw: dict[str, Any]) -> None:
    try:
        DidDocument.from_json(raw)
    except RotondeError:
        pass
