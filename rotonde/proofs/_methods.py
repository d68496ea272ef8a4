"""Retrieving verification methods for proofs (VC Data Integrity 1.0 §4.6; CID 1.0 §3.3).

A method is taken from an explicit ``keys`` map (tests, pinned keys) or resolved through the
injected :class:`rotonde.did.Resolver`, which checks that the controller document lists the
method under the proof purpose. Without a resolver an offline one is used (``did:key`` and
``did:jwk`` only: never a network request), and its results are cached: they depend on the
identifier alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rotonde.errors import RotondeError, SignatureError
from rotonde.keys import PublicKey

__all__ = ["ResolvedMethod", "expected_controller", "method_id_for_key", "retrieve_method"]


@dataclass(frozen=True, slots=True)
class ResolvedMethod:
    """The parts of a verification method a proof check needs."""

    id: str
    controller: str
    public_key: PublicKey


def expected_controller(document: Mapping[str, Any]) -> str | None:
    """Who must control the proof's method: the issuer (VCDM 2.0 §4.7) of a credential, or
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
    from rotonde.did import did_jwk_from_public_key, did_key_from_public_key

    if did_method == "jwk":
        return did_jwk_from_public_key(public_key) + "#0"
    did = did_key_from_public_key(public_key)
    return f"{did}#{did.removeprefix('did:key:')}"


_OFFLINE: Any = None
#: ``did:key``/``did:jwk`` methods resolved by the offline resolver: pure functions of the
#: identifier, so they are cached (bounded) across calls.
_CACHE: dict[tuple[str, str], ResolvedMethod] = {}
_CACHE_SIZE = 1024


def _default_resolver() -> Any:
    global _OFFLINE
    if _OFFLINE is None:
        from rotonde.did import Resolver

        _OFFLINE = Resolver()
    return _OFFLINE


def retrieve_method(
    method_id: str, purpose: str, *, resolver: Any = None,
    keys: Mapping[str, PublicKey] | None = None,
) -> ResolvedMethod:
    """Resolve ``method_id`` authorised for ``purpose``; raise a :class:`SignatureError`
    (``di.method_unresolvable`` or the resolver's precise problem) when that fails."""
    if keys is not None and method_id in keys:
        return ResolvedMethod(method_id, method_id.partition("#")[0], keys[method_id])
    cacheable = resolver is None and method_id.startswith(("did:key:", "did:jwk:"))
    if cacheable and (method_id, purpose) in _CACHE:
        return _CACHE[(method_id, purpose)]
    try:
        vm = (resolver or _default_resolver()).resolve_key(method_id, purpose=purpose)
    except RotondeError as exc:
        mine = _not_authorised(method_id, purpose) if exc.code == "key.not_authorised" else (
            _unresolvable(method_id)
        )
        raise SignatureError(problems=[*mine.problems, *exc.problems]) from None
    method = ResolvedMethod(vm.id, vm.controller, vm.public_key)
    if cacheable:
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[(method_id, purpose)] = method
    return method


def _not_authorised(method_id: str, purpose: str) -> SignatureError:
    return SignatureError(
        "di.method_not_authorized",
        f"verification method {method_id[:200]!r} is not authorised for {purpose}",
        message_nl=f"verificatiemethode {method_id[:200]!r} is niet gemachtigd voor {purpose}",
        pointer="/proof/verificationMethod",
    )


def _unresolvable(method_id: str) -> SignatureError:
    return SignatureError(
        "di.method_unresolvable",
        f"verification method {method_id[:200]!r} cannot be used",
        message_nl=f"verificatiemethode {method_id[:200]!r} is niet bruikbaar",
        pointer="/proof/verificationMethod",
    )
