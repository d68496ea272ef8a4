"""Policy checks the services plug into the engine (:mod:`rotonde.verify.policy`).

* :class:`ReplayCheck` (``replay``) — the verifier: this exact presentation was not used
  before. It only *looks up* the digest (:func:`presentation_digest`); recording it is the
  caller's, in the transaction that stores the verdict, and only for a presentation that
  verified, so a presentation that failed leaves nothing behind.
* :class:`HolderKeyCheck` (``holder_key``) — the wallet: a credential bound to a key (SD-JWT VC
  ``cnf.jwk``, draft-ietf-oauth-sd-jwt-vc §3.2.2.2 / RFC 7800 §3.2) is bound to one of the
  account's own holder keys (RFC 7638 thumbprints), so nobody can make a learner store a
  credential they cannot present.

Both are frozen values with a fixed ``name`` and ``fatal=True``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from rotonde.errors import Problem, RotondeError
from rotonde.keys import PrivateKey, PublicKey, public_key_from_jwk
from rotonde.verify.policy import CheckResult, PolicyContext

__all__ = ["HolderKeyCheck", "ReplayCheck", "presentation_digest"]


def presentation_digest(presentation: Any) -> str:
    """SHA-256 (hex) of a presentation as received: the text of a compact one, else its JSON
    with sorted keys and no whitespace."""
    text = presentation if isinstance(presentation, str) else json.dumps(
        presentation, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class ReplayCheck:
    """``replay``: fails ``presentation.replayed`` when ``seen(presentation_digest(data))``."""

    seen: Callable[[str], bool]
    name: str = field(default="replay", init=False)
    fatal: bool = field(default=True, init=False)

    def __call__(self, context: PolicyContext, /) -> CheckResult:
        if self.seen(presentation_digest(context.data)):
            return CheckResult.failed(Problem(
                "presentation.replayed", "this presentation was already used",
                "deze presentatie is al eerder gebruikt"))
        return CheckResult.passed()


def _bound_key(context: PolicyContext) -> dict[str, Any] | None:
    cnf = (context.claims or {}).get("cnf")
    jwk = cnf.get("jwk") if isinstance(cnf, dict) else None
    if not isinstance(jwk, dict):
        holder = context.holder or {}
        jwk = holder.get("jwk") if isinstance(holder.get("jwk"), dict) else None
    return jwk


@dataclass(frozen=True)
class HolderKeyCheck:
    """``holder_key``: the key the credential is bound to is one of ``thumbprints``; skipped
    (``holder_key.none``) for a credential bound to no key."""

    thumbprints: frozenset[str]
    name: str = field(default="holder_key", init=False)
    fatal: bool = field(default=True, init=False)

    @classmethod
    def of(cls, keys: Iterable[PublicKey | PrivateKey]) -> HolderKeyCheck:
        """The check for these holder keys (private keys stand for their public keys)."""
        return cls(frozenset(
            (k.public_key if isinstance(k, PrivateKey) else k).thumbprint() for k in keys))

    def __call__(self, context: PolicyContext, /) -> CheckResult:
        jwk = _bound_key(context)
        if jwk is None:
            return CheckResult.skipped(Problem(
                "holder_key.none", "the credential is not bound to a key",
                "het bewijs is niet aan een sleutel gekoppeld"))
        try:
            thumbprint = public_key_from_jwk(jwk).thumbprint()
        except RotondeError:
            thumbprint = None
        if thumbprint not in self.thumbprints:
            return CheckResult.failed(Problem(
                "credential.not_bound_to_holder",
                "the credential is bound to a key that is not yours",
                "het bewijs is gekoppeld aan een sleutel die niet van jou is"))
        return CheckResult.passed(thumbprint=thumbprint)
