"""Verification methods: from a DID URL to a key, for every signature Rotonde checks.

One way to retrieve a verification method (VC Data Integrity 1.0 §4.6 "Retrieve Verification
Method"; DID Core 1.0 §5.2 verification methods, §5.3 verification relationships, §7.2 DID URL
dereferencing; Controlled Identifiers 1.0 §3.3), used by Data Integrity proofs
(:mod:`rotonde.proofs`), ``vc+jwt``/``vp+jwt`` (:mod:`rotonde.jose`) and issuer keys of SD-JWT VCs
and status lists (:mod:`rotonde.keyresolve`):

* ``keys`` (method id → key), when given and naming the method, is used as is: the caller
  vouches for it (tests, pinned keys); its controller is the DID of the method id.
* Otherwise the method is dereferenced through the injected :class:`DidResolver` (in practice a
  :class:`rotonde.did.Resolver`), which checks that the controller document lists it under
  ``purpose``. Without a resolver a shared offline one is used — ``did:key`` and ``did:jwk``
  only, never a network request — and its answers are cached: they depend on the identifier
  alone (:data:`CACHE_SIZE`).
* With ``controller``, the method's controller must be that identifier.

One error vocabulary, the resolver's (:mod:`rotonde.did.resolver`): a failure raises the
:class:`~rotonde.errors.RotondeError` that says why — ``key.unresolvable`` (no such method, no
usable key), ``key.not_authorised`` (not listed for ``purpose``; or, with ``controller``,
controlled by someone else), ``did.*`` (a malformed or unsupported identifier) or ``fetch.*``
(the document could not be obtained). Format layers that point into a document put their own
problem in front (a proof's ``/proof/verificationMethod``:
:func:`rotonde.proofs.data_integrity.proof_method`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from rotonde.did.document import DidDocument, VerificationMethod
from rotonde.did.jwk import did_jwk_from_public_key
from rotonde.did.key import did_key_from_public_key
from rotonde.did.resolver import Resolver
from rotonde.errors import KeyFormatError, Problem, SignatureError
from rotonde.keys import PublicKey

__all__ = [
    "CACHE_SIZE",
    "DidResolver",
    "ResolvedMethod",
    "expected_controller",
    "method_id_for_key",
    "retrieve_method",
]

#: ``did:key``/``did:jwk`` methods kept by the offline resolver (pure functions of the id).
CACHE_SIZE = 1024


class DidResolver(Protocol):
    """What verification needs from a DID resolver (:class:`rotonde.did.Resolver` is one)."""

    def resolve(self, identifier: str) -> DidDocument:
        """The DID document or controller document of ``identifier``; raises RotondeError."""
        ...

    def resolve_key(self, did_url: str, *, purpose: str | None = None) -> VerificationMethod:
        """The method named by ``did_url``, authorised for ``purpose``; raises RotondeError."""
        ...


@dataclass(frozen=True, slots=True)
class ResolvedMethod:
    """The parts of a verification method a signature check needs."""

    id: str
    controller: str
    public_key: PublicKey


def expected_controller(document: Mapping[str, Any]) -> str | None:
    """Who must control the signing method: the issuer (VCDM 2.0 §4.7) of a credential, or
    the holder (§4.13) of a presentation. ``None`` when the document names nobody."""
    types = document.get("type")
    types = [types] if isinstance(types, str) else types if isinstance(types, list) else []
    party = document.get("holder") if "VerifiablePresentation" in types else document.get("issuer")
    if isinstance(party, dict):
        party = party.get("id")
    return party if isinstance(party, str) else None


def method_id_for_key(public_key: PublicKey, did_method: str = "key") -> str:
    """The verification method id of ``public_key`` as a ``did:key`` (``did:key:z…#z…``) or
    ``did:jwk`` (``did:jwk:…#0``) identifier."""
    if did_method == "jwk":
        return did_jwk_from_public_key(public_key) + "#0"
    did = did_key_from_public_key(public_key)
    return f"{did}#{did.removeprefix('did:key:')}"


#: Resolves ``did:key`` and ``did:jwk`` only (no fetcher): never a network request.
_OFFLINE = Resolver()
_cache: dict[tuple[str, str], ResolvedMethod] = {}


def _short(method_id: str) -> str:
    return repr(method_id[:200])


def retrieve_method(
    method_id: str,
    purpose: str,
    *,
    resolver: DidResolver | None = None,
    keys: Mapping[str, PublicKey] | None = None,
    controller: str | None = None,
) -> ResolvedMethod:
    """The method ``method_id``, authorised for ``purpose`` and, with ``controller``, controlled
    by it. Raises the precise :class:`~rotonde.errors.RotondeError` (see the module docstring)."""
    if keys is not None and method_id in keys:
        method = ResolvedMethod(method_id, method_id.partition("#")[0], keys[method_id])
    else:
        method = _resolve(method_id, purpose, resolver)
    if controller is not None and method.controller != controller:
        raise SignatureError(
            "key.not_authorised",
            f"key {method.id!r} is controlled by {method.controller!r}, not by {controller!r}",
            message_nl=f"sleutel {method.id!r} valt onder {method.controller!r}, niet onder "
            f"{controller!r}",
            detail={"method": method.id, "controller": method.controller, "expected": controller},
        )
    return method


def _resolve(method_id: str, purpose: str, resolver: DidResolver | None) -> ResolvedMethod:
    cacheable = resolver is None and method_id.startswith(("did:key:", "did:jwk:"))
    if cacheable and (method_id, purpose) in _cache:
        return _cache[(method_id, purpose)]
    vm = (resolver or _OFFLINE).resolve_key(method_id, purpose=purpose)
    key = getattr(vm, "public_key", None)
    if not isinstance(key, PublicKey):
        raise KeyFormatError(problems=[_unresolvable(method_id)])
    method = ResolvedMethod(vm.id, vm.controller, key)
    if cacheable:
        if len(_cache) >= CACHE_SIZE:
            _cache.pop(next(iter(_cache)))
        _cache[(method_id, purpose)] = method
    return method


def _unresolvable(method_id: str) -> Problem:
    return Problem("key.unresolvable", f"verification method {_short(method_id)} cannot be used",
                   f"verificatiemethode {_short(method_id)} is niet bruikbaar")
