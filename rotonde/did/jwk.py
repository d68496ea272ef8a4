"""``did:jwk`` (did:jwk method specification, "DID Format" and "Read").

The method-specific identifier is the base64url-encoded UTF-8 JSON of a public JWK. The
document has one verification method ``#0`` of type ``JsonWebKey2020`` whose relationships follow
the JWK's ``use``: ``sig`` (or absent) gives ``assertionMethod``, ``authentication``,
``capabilityInvocation`` and ``capabilityDelegation``; ``enc`` only ``keyAgreement``.
"""

from __future__ import annotations

from typing import Any

from rotonde.did.document import DID_CONTEXT, DidDocument, parse_did
from rotonde.encoding import b64url_decode, b64url_encode, canonical_json, loads_json
from rotonde.errors import KeyFormatError, ParseError, RotondeError
from rotonde.keys import PublicKey, public_key_from_jwk

__all__ = ["did_jwk_document", "did_jwk_from_public_key", "public_key_from_did_jwk"]

_SIG = ("assertionMethod", "authentication", "capabilityInvocation", "capabilityDelegation")


def did_jwk_from_public_key(key: PublicKey) -> str:
    """``did:jwk:`` of the key's public JWK, members sorted (JCS-compatible for these keys)."""
    return "did:jwk:" + b64url_encode(canonical_json(key.to_jwk()))


def _jwk_of(did: str) -> dict[str, Any]:
    method, msid = parse_did(did)
    if method != "jwk" or ":" in msid:
        raise ParseError(
            "did.invalid",
            f"{did[:80]!r} is not a did:jwk",
            message_nl=f"{did[:80]!r} is geen did:jwk",
        )
    jwk = loads_json(
        b64url_decode(msid, what="did:jwk identifier"), what="did:jwk JWK", max_depth=4
    )
    if not isinstance(jwk, dict):
        raise ParseError(
            "did.invalid",
            "did:jwk does not contain a JWK object",
            message_nl="did:jwk bevat geen JWK-object",
        )
    if "d" in jwk:
        raise KeyFormatError(
            "key.private_in_document",
            "did:jwk must not contain a private key",
            message_nl="did:jwk mag geen privésleutel bevatten",
        )
    return jwk


def public_key_from_did_jwk(did: str) -> PublicKey:
    """Decode the key inside a ``did:jwk`` (fragment, if any, must be ``0``)."""
    base, _, fragment = did.partition("#")
    if fragment and fragment != "0":
        raise KeyFormatError(
            "key.unresolvable",
            f"did:jwk has no verification method #{fragment}",
            message_nl=f"did:jwk heeft geen verificatiemethode #{fragment}",
        )
    try:
        return public_key_from_jwk(_jwk_of(base))
    except RotondeError as exc:
        raise KeyFormatError(problems=exc.problems) from None


def did_jwk_document(did: str) -> DidDocument:
    """Resolve a ``did:jwk`` to its DID document (no network)."""
    base = did.partition("#")[0]
    jwk = _jwk_of(base)
    public_key_from_did_jwk(base)  # validates the key material
    vm_id = base + "#0"
    doc: dict[str, Any] = {
        "@context": [DID_CONTEXT, "https://w3id.org/security/suites/jws-2020/v1"],
        "id": base,
        "verificationMethod": [
            {"id": vm_id, "type": "JsonWebKey2020", "controller": base, "publicKeyJwk": jwk}
        ],
    }
    use = jwk.get("use")
    if use == "enc":
        doc["keyAgreement"] = [vm_id]
    else:
        for rel in _SIG:
            doc[rel] = [vm_id]
        if use is None:
            doc["keyAgreement"] = [vm_id]
    return DidDocument.from_json(doc)
