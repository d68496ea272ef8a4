"""``did:key`` for Ed25519 (``z6Mk...``) and P-256 (``zDn...``) keys.

The DID Key Method v0.9 (W3C CCG), §3.1.1/§3.1.3: the method-specific identifier is the
``publicKeyMultibase`` value (base58btc multicodec key, version 1 implied); the document has one
``Multikey`` verification method ``did:key:<mb>#<mb>`` referenced from ``authentication``,
``assertionMethod``, ``capabilityInvocation`` and ``capabilityDelegation``. Key agreement keys
derived from Ed25519 (``enableEncryptionKeyDerivation``) are not produced.
"""

from __future__ import annotations

from typing import Any

from rotonde.did.document import DID_CONTEXT, MULTIKEY_CONTEXT, DidDocument, parse_did
from rotonde.errors import KeyFormatError, ParseError, RotondeError
from rotonde.keys import PublicKey, public_key_from_multikey

__all__ = ["did_key_document", "did_key_from_public_key", "public_key_from_did_key"]

_RELATIONSHIPS = (
    "authentication",
    "assertionMethod",
    "capabilityInvocation",
    "capabilityDelegation",
)


def did_key_from_public_key(key: PublicKey) -> str:
    """``did:key:z...`` for an Ed25519 or P-256 public key."""
    return "did:key:" + key.multikey()


def public_key_from_did_key(did: str) -> PublicKey:
    """Decode the key inside a ``did:key`` (a fragment, if any, must repeat the identifier)."""
    base, _, fragment = did.partition("#")
    method, msid = parse_did(base)
    if method != "key":
        raise ParseError(
            "did.invalid", f"{base!r} is not a did:key", message_nl=f"{base!r} is geen did:key"
        )
    if not msid.startswith("z") or ":" in msid:
        raise ParseError(
            "did.invalid",
            "did:key identifier must be a base58btc multibase key",
            message_nl="did:key-identificatie moet een base58btc-multibase-sleutel zijn",
        )
    if fragment and fragment != msid:
        raise KeyFormatError(
            "key.unresolvable",
            f"did:key has no verification method #{fragment}",
            message_nl=f"did:key heeft geen verificatiemethode #{fragment}",
        )
    try:
        return public_key_from_multikey(msid)
    except RotondeError as exc:
        raise KeyFormatError(problems=exc.problems) from None


def did_key_document(did: str) -> DidDocument:
    """Resolve a ``did:key`` to its DID document (no network)."""
    base = did.partition("#")[0]
    key = public_key_from_did_key(base)
    msid = base[len("did:key:") :]
    vm_id = f"{base}#{msid}"
    doc: dict[str, Any] = {
        "@context": [DID_CONTEXT, MULTIKEY_CONTEXT],
        "id": base,
        "verificationMethod": [
            {
                "id": vm_id,
                "type": "Multikey",
                "controller": base,
                "publicKeyMultibase": key.multikey(),
            }
        ],
    }
    for rel in _RELATIONSHIPS:
        doc[rel] = [vm_id]
    return DidDocument.from_json(doc)
