"""The verification policy contract: what a caller plugs into the engine, typed.

:class:`rotonde.verify.VerifyOptions` takes its collaborators as values of the protocols here,
so anything with the right methods fits (a test double, a cache) and nothing else does:

* :class:`~rotonde.did.methods.DidResolver` — DID and controller documents, verification methods
  (:class:`rotonde.did.Resolver`).
* :class:`StatusResolver` — ``uri -> status list`` (:class:`rotonde.status.resolver.StatusListResolver`,
  or any callable returning a compact token or a parsed list credential).
* :class:`TrustPolicy` — whether an issuer is accredited for a kind and level
  (:class:`rotonde.trust.TrustList`).
* :class:`PolicyCheck` — a caller's own named check (replay, holder-key ownership, ...).

The HTTP client and the JSON-LD loader are not protocols but the project's own classes,
:class:`rotonde.http.Fetcher` and :class:`rotonde.jsonld.DocumentLoader`: every outbound request
goes through the one Fetcher with its URL policy, and contexts only ever come from the shipped or
registered documents (docs/architecture.md §5) — a look-alike loader or HTTP client would bypass exactly what
makes them safe.

Policy checks (DCC verifier-core style: a check returns data, never raises into the caller):
each has a ``name`` (its row in ``report.checks``), ``fatal`` (does a failure make the report not
``verified``) and is called with a :class:`PolicyContext` — the format, the proven claims,
issuer and holder, the checks so far and, for a presentation, the report of every credential
in it — returning a :class:`CheckResult`. The engine (:func:`rotonde.verify.verify`) runs them
after the built-in checks, once, on the document it was given: for a presentation the check
sees the nested credential reports in ``context.credentials`` and judges them itself, so a
check about "the presentation" (replay) and one about "each credential" (requirement, key
ownership) need no second mechanism, and nothing runs twice. A check that raises, or returns
anything but a :class:`CheckResult`, is recorded as a **failed fatal** check
(``policy.error``): an error is never a pass.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from rotonde.did.methods import DidResolver
from rotonde.errors import Problem
from rotonde.verify.report import Check, Outcome, VerificationReport

if TYPE_CHECKING:
    from rotonde.clock import Clock

__all__ = [
    "CheckResult",
    "DidResolver",
    "PolicyCheck",
    "PolicyContext",
    "StatusResolver",
    "TrustPolicy",
]


class StatusResolver(Protocol):
    """``uri -> list``: a compact Token Status List JWT (``str``), a Bitstring Status List
    credential (``dict``), or ``None`` when there is no such list. May raise RotondeError."""

    def __call__(self, uri: str, /) -> Any: ...


class TrustPolicy(Protocol):
    """Judges an issuer for a credential kind and level: empty when trusted, else why not."""

    def evaluate(
        self, issuer_id: str, *, kind: str | None = None,
        level: Mapping[str, Any] | None = None,
    ) -> Sequence[Problem]: ...


@dataclass(frozen=True)
class CheckResult:
    """What a policy check found. Build it with :meth:`passed`, :meth:`failed`, :meth:`skipped`."""

    outcome: Outcome
    problems: tuple[Problem, ...] = ()
    detail: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def passed(cls, **detail: Any) -> CheckResult:
        return cls("passed", (), detail)

    @classmethod
    def failed(cls, *problems: Problem, **detail: Any) -> CheckResult:
        return cls("failed", problems, detail)

    @classmethod
    def skipped(cls, reason: Problem | None = None, **detail: Any) -> CheckResult:
        return cls("skipped", (reason,) if reason else (), detail)


@dataclass(frozen=True)
class PolicyContext:
    """What a policy check may look at: the input as given and the report so far."""

    data: Any
    report: VerificationReport
    clock: Clock

    @property
    def format(self) -> str:
        return self.report.format

    @property
    def claims(self) -> dict[str, Any] | None:
        """What was proven (see :class:`VerificationReport`); ``None`` when parsing failed."""
        return self.report.claims

    @property
    def issuer(self) -> str | None:
        return self.report.issuer

    @property
    def holder(self) -> dict[str, Any] | None:
        """The key (``{"jwk": ...}``) or DID (``{"id": ...}``) the document is bound to."""
        return self.report.holder

    @property
    def checks(self) -> tuple[Check, ...]:
        """The built-in checks and the policy checks that ran before this one."""
        return self.report.checks

    @property
    def credentials(self) -> tuple[VerificationReport, ...]:
        """One report per credential inside a presentation (empty for a credential)."""
        return self.report.credentials

    @property
    def verified(self) -> bool:
        """Would the report be ``verified`` if this check passed?"""
        return self.report.verified

    def check(self, name: str) -> Check | None:
        return self.report.check(name)


class PolicyCheck(Protocol):
    """A named check the caller adds to a verification (see the module docstring)."""

    @property
    def name(self) -> str: ...

    @property
    def fatal(self) -> bool: ...

    def __call__(self, context: PolicyContext, /) -> CheckResult: ...
