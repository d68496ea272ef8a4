"""Decentralised identifiers: ``did:key``, ``did:jwk``, ``did:web`` and controller documents."""

from rotonde.did.document import (
    PURPOSES,
    DidDocument,
    VerificationMethod,
    parse_did,
    split_did_url,
)
from rotonde.did.jwk import did_jwk_document, did_jwk_from_public_key, public_key_from_did_jwk
from rotonde.did.key import did_key_document, did_key_from_public_key, public_key_from_did_key
from rotonde.did.resolver import Resolver
from rotonde.did.web import did_web_from_url, did_web_to_url, fetch_did_web

__all__ = [
    "PURPOSES",
    "DidDocument",
    "Resolver",
    "VerificationMethod",
    "did_jwk_document",
    "did_jwk_from_public_key",
    "did_key_document",
    "did_key_from_public_key",
    "did_web_from_url",
    "did_web_to_url",
    "fetch_did_web",
    "parse_did",
    "public_key_from_did_jwk",
    "public_key_from_did_key",
    "split_did_url",
]
