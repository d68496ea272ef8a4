"""How to verify: one frozen, typed, keyword-only value, failing closed by default.

Every switch that matters for security is a typed field with the safe default; there is no
free-form ``extra`` dictionary, so a misspelt option is a ``TypeError`` at the call, never a
silently ignored key, and a wrong type (``require_controller="no"``) is refused
(``verify.option_invalid``) instead of being read as true.

Defaults (docs/architecture.md §5, "verification fails closed"):

* ``require_controller=True``: the signing key's controller must be the issuer (credentials)
  or holder (presentations) — VCDM 2.0 §4.7, VC Data Integrity 1.0 §4.4.
* ``allow_unsigned_presentation=False``: a Data Integrity presentation without a proof fails
  ``signature`` (``vp.unsigned``).
* ``trust_required=True``: with a ``trust_list``, ``trust`` is fatal. ``False`` evaluates the
  issuer against the list as *advisory*: the ``trust`` check still runs and says what it found,
  but does not make the report unverified (a learner's wallet holds credentials from any issuer
  and labels them; whoever relies on the credential decides with trust fatal).
* ``check_status=True``: status lists are fetched and a list that cannot be read fails
  ``status`` (``status.unavailable``).
* ``policies``: :class:`~rotonde.verify.policy.PolicyCheck` values run inside the engine after
  the built-in checks (their names may not be a built-in check's, nor repeat).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rotonde.clock import Clock, SystemClock
from rotonde.errors import ConfigurationError, Problem
from rotonde.http import Fetcher
from rotonde.jsonld import DocumentLoader
from rotonde.keys import PublicKey
from rotonde.status.token import MAX_TOKEN_BYTES
from rotonde.verify.policy import DidResolver, PolicyCheck, StatusResolver, TrustPolicy
from rotonde.verify.report import CHECK_NAMES, VerificationReport

__all__ = ["SchemaValidator", "StatusCredentialVerifier", "VerifyOptions"]

#: ``(claims, format) -> problems`` (empty when the claims satisfy the schema).
SchemaValidator = Callable[[dict[str, Any], str], Sequence[Problem]]
#: Verifies a Bitstring Status List credential: ``(credential, options) -> report`` (or a bool).
StatusCredentialVerifier = Callable[[Any, "VerifyOptions"], "VerificationReport | bool"]

_FLAGS = ("require_holder_binding", "allow_unsigned_presentation", "check_status",
          "require_controller", "trust_required")


def _invalid(name: str, wanted: str) -> ConfigurationError:
    return ConfigurationError(
        "verify.option_invalid", f"VerifyOptions.{name} must be {wanted}",
        message_nl=f"VerifyOptions.{name} moet {wanted} zijn", detail={"option": name})


@dataclass(frozen=True, kw_only=True)
class VerifyOptions:
    """Everything a verification may need, injected (see the module docstring for defaults).

    * ``issuer_key``: use this key for the issuer signature instead of resolving one.
    * ``nonce``/``audience`` (SD-JWT KB-JWT, vp+jwt) and ``challenge``/``domain`` (Data
      Integrity presentations): when given, holder binding is required and checked.
    * ``require_holder_binding``: fail when a presentation carries no key binding.
    * ``kb_max_age``: the oldest KB-JWT ``iat`` accepted, in seconds (RFC 9901 §7.3 step 5).
    * ``resolver`` (a :class:`~rotonde.did.methods.DidResolver`), ``fetcher`` (the one
      :class:`rotonde.http.Fetcher`: DIDs without a resolver, issuer metadata, status lists);
      without either only ``did:key``/``did:jwk`` resolve and nothing is fetched.
    * ``document_loader``: JSON-LD contexts (default: the shipped ones).
    * ``trust_list``/``trust_required``: see the module docstring; no list skips ``trust``.
    * ``check_status``, ``status_resolver`` (``uri -> list``, e.g. a cache),
      ``status_max_bytes`` (largest status list token), ``verify_status_credential`` (verifies
      a Bitstring status list credential; default: this engine).
    * ``schema_validator``: ``(claims, format) -> problems`` for the ``schema`` check.
    * ``policies``: the caller's named checks, run in order after the built-in ones.
    """

    issuer_key: PublicKey | None = None
    nonce: str | None = None
    audience: str | None = None
    challenge: str | None = None
    domain: str | None = None
    require_holder_binding: bool = False
    allow_unsigned_presentation: bool = False
    require_controller: bool = True
    clock: Clock = field(default_factory=SystemClock)
    leeway: float = 60.0
    kb_max_age: float = 300.0
    max_bytes: int = 64 * 1024
    resolver: DidResolver | None = None
    fetcher: Fetcher | None = None
    document_loader: DocumentLoader | None = None
    trust_list: TrustPolicy | None = None
    trust_required: bool = True
    check_status: bool = True
    status_resolver: StatusResolver | None = None
    status_max_bytes: int = MAX_TOKEN_BYTES
    verify_status_credential: StatusCredentialVerifier | None = None
    schema_validator: SchemaValidator | None = None
    policies: tuple[PolicyCheck, ...] = ()

    def __post_init__(self) -> None:
        for flag in _FLAGS:
            if not isinstance(getattr(self, flag), bool):
                raise _invalid(flag, "True or False")
        for seconds in ("leeway", "kb_max_age"):
            value = getattr(self, seconds)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not (
                    math.isfinite(value) and value >= 0):
                raise _invalid(seconds, "a number of seconds, zero or more")
        for size in ("max_bytes", "status_max_bytes"):
            value = getattr(self, size)
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise _invalid(size, "a positive whole number of bytes")
        if self.issuer_key is not None and not isinstance(self.issuer_key, PublicKey):
            raise _invalid("issuer_key", "a rotonde.keys.PublicKey")
        if isinstance(self.policies, (str, bytes, Mapping)) or not isinstance(
                self.policies, Sequence):
            raise _invalid("policies", "a sequence of policy checks")
        object.__setattr__(self, "policies", tuple(self.policies))
        seen: set[str] = set()
        for policy in self.policies:
            name = getattr(policy, "name", None)
            if not (isinstance(name, str) and name and callable(policy)
                    and isinstance(getattr(policy, "fatal", None), bool)):
                raise _invalid("policies", "policy checks with a name, fatal and __call__")
            if name in CHECK_NAMES or name in seen:
                raise ConfigurationError(
                    "verify.policy_name_taken",
                    f"policy check name {name!r} is a built-in check or given twice",
                    message_nl=f"naam van de beleidscontrole {name!r} is een ingebouwde controle "
                    "of komt twee keer voor", detail={"policy": name})
            seen.add(name)
