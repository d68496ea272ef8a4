"""The verification report: what every verifier in Rotonde returns.

Modelled on the check lists of verifier-core style engines: verification returns data, not
exceptions. A report is an ordered list of named checks — ``parse``, ``signature``,
``holder_binding``, ``validity``, ``status``, ``trust``, ``schema`` — each ``passed``,
``failed`` or ``skipped`` with its problems. Some checks are fatal; ``verified`` is true only
when no check failed that is fatal (a fatal check that was skipped does not count against it,
so callers must ask for the checks they need, e.g. a nonce for holder binding). A verifier can
make a check fatal for one report (:meth:`ReportBuilder.require`): ``trust`` is fatal whenever a
trust list was given, so an issuer that is not on it is never ``verified``.

The JSON form (:meth:`VerificationReport.to_dict`) is a public contract for HR systems; see
``docs/verification-report.md``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

from rotonde.errors import Problem, RotondeError

__all__ = [
    "CHECK_NAMES",
    "FATAL_CHECKS",
    "Check",
    "Outcome",
    "ReportBuilder",
    "VerificationReport",
]

Outcome = Literal["passed", "failed", "skipped"]

#: Checks in the order they appear in every report.
CHECK_NAMES: tuple[str, ...] = (
    "parse",
    "signature",
    "holder_binding",
    "validity",
    "status",
    "trust",
    "schema",
)
#: A failure of one of these makes ``verified`` false. ``trust`` is not among them: it runs
#: only when a trust list is configured, and then the format verifiers make it fatal
#: (:meth:`ReportBuilder.require`), so an untrusted issuer is never ``verified``.
FATAL_CHECKS: frozenset[str] = frozenset(
    {"parse", "signature", "holder_binding", "validity", "status", "schema"}
)


@dataclass(frozen=True, slots=True)
class Check:
    """The outcome of one named check."""

    name: str
    outcome: Outcome
    fatal: bool
    problems: tuple[Problem, ...] = ()
    detail: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "outcome": self.outcome, "fatal": self.fatal}
        out["problems"] = [p.to_dict() for p in self.problems]
        if self.detail:
            out["detail"] = self.detail
        return out


@dataclass(frozen=True)
class VerificationReport:
    """The result of verifying one credential or presentation.

    ``claims`` holds what was proven (for SD-JWT: the payload with the disclosed claims
    merged in and SD-JWT internals removed; for a VC: the credential document). ``credentials``
    holds one nested report per credential inside a presentation.
    """

    format: str
    checks: tuple[Check, ...]
    claims: dict[str, Any] | None = None
    issuer: str | None = None
    holder: dict[str, Any] | None = None
    credentials: tuple[VerificationReport, ...] = ()
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def verified(self) -> bool:
        own = all(not (c.fatal and c.outcome == "failed") for c in self.checks)
        return own and all(r.verified for r in self.credentials)

    def check(self, name: str) -> Check | None:
        return next((c for c in self.checks if c.name == name), None)

    @property
    def problems(self) -> list[Problem]:
        out = [p for c in self.checks for p in c.problems]
        for r in self.credentials:
            out.extend(r.problems)
        return out

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "verified": self.verified,
            "format": self.format,
            "checks": [c.to_dict() for c in self.checks],
        }
        if self.issuer is not None:
            out["issuer"] = self.issuer
        if self.holder is not None:
            out["holder"] = self.holder
        if self.claims is not None:
            out["claims"] = self.claims
        if self.credentials:
            out["credentials"] = [r.to_dict() for r in self.credentials]
        if self.meta:
            out["meta"] = self.meta
        return out


class ReportBuilder:
    """Collects checks in any order and emits them in :data:`CHECK_NAMES` order.

    Use :meth:`run` as a context manager: a :class:`RotondeError` raised inside it becomes a
    failed check with the error's problems; leaving it normally records ``passed`` unless the
    block called :meth:`fail` or :meth:`skip` for that check.
    """

    def __init__(self, format: str) -> None:
        self.format = format
        self._checks: dict[str, Check] = {}
        self._required: set[str] = set()
        self.claims: dict[str, Any] | None = None
        self.issuer: str | None = None
        self.holder: dict[str, Any] | None = None
        self.credentials: list[VerificationReport] = []
        self.meta: dict[str, Any] = {}

    def _add(self, check: Check) -> None:
        prev = self._checks.get(check.name)
        if prev is not None and prev.outcome == "failed" and check.outcome != "failed":
            return  # a failure is never overwritten by a later pass
        if prev is not None and prev.outcome == "failed":
            check = Check(
                check.name, "failed", check.fatal, prev.problems + check.problems,
                {**prev.detail, **check.detail},
            )
        self._checks[check.name] = check

    def _fatal(self, name: str) -> bool:
        return name in FATAL_CHECKS or name in self._required

    def require(self, name: str) -> None:
        """Make check ``name`` fatal in this report (e.g. ``trust`` when a trust list is
        configured), including an outcome already recorded."""
        self._required.add(name)
        prev = self._checks.get(name)
        if prev is not None and not prev.fatal:
            self._checks[name] = Check(name, prev.outcome, True, prev.problems, prev.detail)

    def passed(self, name: str, **detail: Any) -> None:
        self._add(Check(name, "passed", self._fatal(name), (), detail))

    def fail(self, name: str, *problems: Problem, **detail: Any) -> None:
        self._add(Check(name, "failed", self._fatal(name), tuple(problems), detail))

    def skip(self, name: str, reason: Problem | None = None, **detail: Any) -> None:
        self._add(
            Check(name, "skipped", self._fatal(name), (reason,) if reason else (), detail)
        )

    def failed(self, name: str | None = None) -> bool:
        """Has ``name`` (or, without a name, any fatal check) failed so far?"""
        if name is not None:
            c = self._checks.get(name)
            return c is not None and c.outcome == "failed"
        return any(c.outcome == "failed" and c.fatal for c in self._checks.values())

    @contextmanager
    def run(self, name: str, **detail: Any) -> Iterator[dict[str, Any]]:
        """Run a check; yields a dict the block may fill with detail."""
        info: dict[str, Any] = dict(detail)
        try:
            yield info
        except RotondeError as exc:
            self.fail(name, *exc.problems, **info)
            return
        if name not in self._checks:
            self.passed(name, **info)

    def build(self) -> VerificationReport:
        order = {n: i for i, n in enumerate(CHECK_NAMES)}
        checks = sorted(self._checks.values(), key=lambda c: order.get(c.name, len(order)))
        return VerificationReport(
            self.format,
            tuple(checks),
            self.claims,
            self.issuer,
            self.holder,
            tuple(self.credentials),
            dict(self.meta),
        )
