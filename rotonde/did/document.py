"""DID documents and controller documents (DID Core 1.0 §5, Controlled Identifiers 1.0 §2).

:class:`DidDocument` is a frozen view of a document's JSON: its verification methods with
their public keys, and the verification relationships (``assertionMethod``,
``authentication``, ...) whose entries may be embedded methods or references (absolute or
relative, DID Core §5.3). Supported method types: ``Multikey`` (CID 1.0 §2.2.2),
``JsonWebKey`` (CID 1.0 §2.2.3) / ``JsonWebKey2020`` and ``Ed25519VerificationKey2020``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from rotonde.errors import KeyFormatError, ParseError, RotondeError
from rotonde.keys import PublicKey, public_key_from_jwk, public_key_from_multikey

__all__ = [
    "DID_CONTEXT",
    "MULTIKEY_CONTEXT",
    "PURPOSES",
    "DidDocument",
    "VerificationMethod",
    "parse_did",
    "split_did_url",
]

DID_CONTEXT = "https://www.w3.org/ns/did/v1"
MULTIKEY_CONTEXT = "https://w3id.org/security/multikey/v1"
JWK_CONTEXT = "https://w3id.org/security/jwk/v1"
#: Verification relationships (DID Core §5.3).
PURPOSES = (
    "authentication",
    "assertionMethod",
    "keyAgreement",
    "capabilityInvocation",
    "capabilityDelegation",
)
MAX_DID_LENGTH = 4096
_MULTIBASE_TYPES = ("Multikey", "Ed25519VerificationKey2020")
_JWK_TYPES = ("JsonWebKey", "JsonWebKey2020")

# DID Core §3.1: did = "did:" method-name ":" method-specific-id
_IDCHAR = r"(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})"
_DID_RE = re.compile(rf"did:([a-z0-9]+):((?:{_IDCHAR}*:)*{_IDCHAR}+)")


def _bad(message: str, message_nl: str, code: str = "did.invalid") -> ParseError:
    return ParseError(code, message, message_nl=message_nl)


def parse_did(did: str) -> tuple[str, str]:
    """Split a bare DID into ``(method, method_specific_id)``; raise ``did.invalid``."""
    if not isinstance(did, str) or len(did) > MAX_DID_LENGTH:
        raise _bad(
            "DID is not a string of acceptable length", "DID is geen tekst van toegestane lengte"
        )
    m = _DID_RE.fullmatch(did)
    if m is None:
        raise _bad(f"{did[:80]!r} is not a valid DID", f"{did[:80]!r} is geen geldige DID")
    return m.group(1), m.group(2)


def split_did_url(url: str) -> tuple[str, str | None]:
    """Split a DID URL (or https URL) into the base identifier and its fragment (or ``None``).

    Paths and queries on DID URLs are not supported (``did.url_unsupported``).
    """
    if not isinstance(url, str) or len(url) > MAX_DID_LENGTH:
        raise _bad(
            "identifier is not a string of acceptable length",
            "identificatie is geen tekst van toegestane lengte",
        )
    base, sep, fragment = url.partition("#")
    if base.startswith("did:"):
        if "/" in base or "?" in base:
            raise _bad(
                "DID URLs with a path or query are not supported",
                "DID-URL's met een pad of query worden niet ondersteund",
                "did.url_unsupported",
            )
        parse_did(base)
    return base, (fragment if sep else None)


@dataclass(frozen=True, eq=False)
class VerificationMethod:
    """One verification method with its decoded public key."""

    id: str
    type: str
    controller: str
    public_key: PublicKey
    data: Mapping[str, Any] = field(default_factory=dict, repr=False)

    def to_json(self) -> dict[str, Any]:
        return dict(self.data)

    @classmethod
    def from_json(cls, value: Any, *, base: str) -> VerificationMethod:
        """Parse a verification method object; relative ids are resolved against ``base``."""
        if not isinstance(value, dict):
            raise _bad("verification method is not an object", "verificatiemethode is geen object")
        vid, vtype, ctrl = value.get("id"), value.get("type"), value.get("controller")
        if not isinstance(vid, str) or not isinstance(vtype, str) or not isinstance(ctrl, str):
            raise _bad(
                "verification method needs string id, type and controller",
                "verificatiemethode heeft id, type en controller als tekst nodig",
            )
        vid = _absolute(vid, base)
        try:
            if vtype in _MULTIBASE_TYPES and isinstance(value.get("publicKeyMultibase"), str):
                key = _multibase_key(vtype, value["publicKeyMultibase"])
            elif vtype in _JWK_TYPES and isinstance(value.get("publicKeyJwk"), dict):
                jwk = value["publicKeyJwk"]
                if "d" in jwk:
                    raise KeyFormatError(
                        "key.private_in_document",
                        "a DID document must not contain a private key",
                        message_nl="een DID-document mag geen privésleutel bevatten",
                    )
                key = public_key_from_jwk(jwk)
            else:
                raise KeyFormatError(
                    "key.unsupported",
                    f"verification method type {vtype!r} is not supported",
                    message_nl=f"type verificatiemethode {vtype!r} wordt niet ondersteund",
                )
        except RotondeError as exc:
            raise KeyFormatError(problems=exc.problems, pointer=None) from None
        return cls(vid, vtype, _absolute(ctrl, base), key, dict(value))


def _multibase_key(vtype: str, value: str) -> PublicKey:
    if vtype == "Ed25519VerificationKey2020":
        key = public_key_from_multikey(value)
        if key.alg != "EdDSA":
            raise KeyFormatError(
                "key.unsupported",
                "Ed25519VerificationKey2020 is not Ed25519",
                message_nl="Ed25519VerificationKey2020 is geen Ed25519",
            )
        return key
    return public_key_from_multikey(value)


def _absolute(ref: str, base: str) -> str:
    if ref.startswith("#"):
        return base + ref
    return ref


@dataclass(frozen=True, eq=False)
class DidDocument:
    """A parsed DID document or controller document (kept verbatim in ``data``)."""

    id: str
    methods: tuple[VerificationMethod, ...]
    relationships: Mapping[str, tuple[str, ...]]
    data: Mapping[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def from_json(cls, value: Any, *, expected_id: str | None = None) -> DidDocument:
        """Parse a document; with ``expected_id`` its ``id`` must be exactly that."""
        if not isinstance(value, dict):
            raise _bad("DID document is not a JSON object", "DID-document is geen JSON-object")
        doc_id = value.get("id")
        if not isinstance(doc_id, str) or not doc_id:
            raise _bad("DID document has no id", "DID-document heeft geen id")
        if expected_id is not None and doc_id != expected_id:
            raise _bad(
                f"document id {doc_id!r} is not {expected_id!r}",
                f"document-id {doc_id!r} is niet {expected_id!r}",
                "did.id_mismatch",
            )
        methods: dict[str, VerificationMethod] = {}
        raw = value.get("verificationMethod", [])
        if not isinstance(raw, list):
            raise _bad("verificationMethod is not an array", "verificationMethod is geen lijst")
        for item in raw:
            vm = VerificationMethod.from_json(item, base=doc_id)
            methods.setdefault(vm.id, vm)
        rels: dict[str, tuple[str, ...]] = {}
        for purpose in PURPOSES:
            entries = value.get(purpose, [])
            if not isinstance(entries, list):
                raise _bad(f"{purpose} is not an array", f"{purpose} is geen lijst")
            refs: list[str] = []
            for entry in entries:
                if isinstance(entry, str):
                    refs.append(_absolute(entry, doc_id))
                else:
                    vm = VerificationMethod.from_json(entry, base=doc_id)
                    methods.setdefault(vm.id, vm)
                    refs.append(vm.id)
            rels[purpose] = tuple(refs)
        return cls(doc_id, tuple(methods.values()), rels, dict(value))

    def to_json(self) -> dict[str, Any]:
        return dict(self.data)

    def verification_method(self, id_or_fragment: str) -> VerificationMethod:
        """The method with this id (``did:...#key-1``, ``#key-1`` or ``key-1``)."""
        ref = id_or_fragment
        if not (ref.startswith(("did:", "https:", "http:"))):
            ref = self.id + (ref if ref.startswith("#") else "#" + ref)
        for vm in self.methods:
            if vm.id == ref:
                return vm
        raise KeyFormatError(
            "key.unresolvable",
            f"{self.id} has no verification method {id_or_fragment!r}",
            message_nl=f"{self.id} heeft geen verificatiemethode {id_or_fragment!r}",
        )

    def methods_for(self, purpose: str) -> list[VerificationMethod]:
        """Methods authorised for ``purpose`` (``assertionMethod``, ``authentication``, ...)."""
        out: list[VerificationMethod] = []
        for ref in self.relationships.get(purpose, ()):
            for vm in self.methods:
                if vm.id == ref:
                    out.append(vm)
                    break
        return out

    def authorises(self, method_id: str, purpose: str) -> bool:
        return method_id in self.relationships.get(purpose, ())

    @classmethod
    def for_key(
        cls,
        did: str,
        keys: PublicKey | Iterable[PublicKey],
        *,
        method_type: str = "Multikey",
        fragments: Iterable[str] | None = None,
        purposes: Iterable[str] = ("assertionMethod", "authentication"),
        controller: str | None = None,
    ) -> DidDocument:
        """Build a document publishing ``keys`` (e.g. an issuer's ``did:web`` document).

        ``method_type`` is ``Multikey`` (Ed25519 and P-256) or ``JsonWebKey``. Fragments default
        to the Multikey value (Multikey) or the JWK thumbprint (JsonWebKey).
        """
        key_list = [keys] if isinstance(keys, PublicKey) else list(keys)
        frags = (
            list(fragments)
            if fragments is not None
            else [k.multikey() if method_type == "Multikey" else k.thumbprint() for k in key_list]
        )
        if len(frags) != len(key_list) or not key_list:
            raise ValueError("need one fragment per key and at least one key")
        ctx = [DID_CONTEXT, MULTIKEY_CONTEXT if method_type == "Multikey" else JWK_CONTEXT]
        vms: list[dict[str, Any]] = []
        for key, frag in zip(key_list, frags, strict=True):
            vm: dict[str, Any] = {
                "id": f"{did}#{frag}",
                "type": method_type,
                "controller": controller or did,
            }
            if method_type == "Multikey":
                vm["publicKeyMultibase"] = key.multikey()
            elif method_type in _JWK_TYPES:
                vm["publicKeyJwk"] = key.to_jwk()
            else:
                raise ValueError(f"unsupported method type {method_type!r}")
            vms.append(vm)
        doc: dict[str, Any] = {"@context": ctx, "id": did, "verificationMethod": vms}
        for purpose in purposes:
            doc[purpose] = [vm["id"] for vm in vms]
        return cls.from_json(doc)
