"""One verification engine: detect the format, run its named checks, then the caller's policy
checks, and return one report.

Format verifiers are plain functions ``(data, options) -> VerificationReport`` in
:data:`VERIFIERS`, imported directly. :func:`verify` never raises for bad input, nor for a bug
in a format verifier or a policy check: those become failed fatal checks.

Policy checks (``options.policies``, :mod:`rotonde.verify.policy`) run after the built-in
checks, in the order given, on the document :func:`verify` was called with — not again on each
credential inside a presentation (the check sees their reports in ``context.credentials``), nor
on the status list credentials verified along the way. Each appears in ``report.checks`` under
its own name, after the built-in checks (whose order, :data:`~rotonde.verify.report.CHECK_NAMES`,
does not change).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from types import MappingProxyType
from typing import Any

from rotonde.errors import Problem, RotondeError
from rotonde.formats import detect
from rotonde.verify.jose import verify_jose
from rotonde.verify.ldp import internal_error, verify_ldp
from rotonde.verify.options import VerifyOptions
from rotonde.verify.policy import CheckResult, PolicyCheck, PolicyContext
from rotonde.verify.report import Check, ReportBuilder, VerificationReport
from rotonde.verify.sdjwt import verify_sdjwt
from rotonde.verify.status import verify_status_token

__all__ = ["VERIFIERS", "FormatVerifier", "VerifyOptions", "verify"]

FormatVerifier = Callable[[Any, VerifyOptions], VerificationReport]

#: format name → its verifier.
VERIFIERS: Mapping[str, FormatVerifier] = MappingProxyType({
    "dc+sd-jwt": verify_sdjwt,
    "ldp_vc": verify_ldp,
    "ldp_vp": verify_ldp,
    "vc+jwt": verify_jose,
    "vp+jwt": verify_jose,
    "jwt": verify_jose,  # jwt_vc_json: a VCDM 1.1 credential in the vc claim
    "statuslist+jwt": verify_status_token,
})


def _parse_failure(fmt: str, *problems: Problem) -> VerificationReport:
    builder = ReportBuilder(fmt)
    builder.fail("parse", *problems)
    return builder.build()


def verify(data: str | dict[str, Any], options: VerifyOptions | None = None) -> VerificationReport:
    """Verify any supported credential or presentation. Never raises."""
    opts = options if options is not None else VerifyOptions()
    try:
        fmt = detect(data)
    except RotondeError as exc:
        return _parse_failure("unknown", *exc.problems)
    verifier = VERIFIERS.get(fmt)
    if verifier is None:
        return _parse_failure(fmt, Problem(
            "format.unsupported", f"format {fmt!r} cannot be verified here",
            f"formaat {fmt!r} kan hier niet worden geverifieerd"))
    try:
        report = verifier(data, opts)
    except Exception as exc:  # a format verifier bug still gives a verdict, never a 500
        return _parse_failure(fmt, internal_error(exc))
    return _with_policies(data, report, opts)


def _with_policies(data: Any, report: VerificationReport,
                  options: VerifyOptions) -> VerificationReport:
    """``report`` with one more check per ``options.policies`` (see the module docstring)."""
    for policy in options.policies:
        context = PolicyContext(data=data, report=report, clock=options.clock)
        report = replace(report, checks=(*report.checks, _run(policy, context)))
    return report


def _run(policy: PolicyCheck, context: PolicyContext) -> Check:
    name = policy.name
    try:
        result = policy(context)
    except RotondeError as exc:
        return Check(name, "failed", True, tuple(exc.problems))
    except Exception as exc:  # fail closed: an error is never a pass
        return Check(name, "failed", True, (_policy_error(name, type(exc).__name__),))
    if not isinstance(result, CheckResult) or result.outcome not in (
            "passed", "failed", "skipped"):
        return Check(name, "failed", True, (_policy_error(name, "no CheckResult"),))
    return Check(name, result.outcome, bool(policy.fatal), tuple(result.problems),
                 dict(result.detail))


def _policy_error(name: str, why: str) -> Problem:
    return Problem("policy.error", f"the {name} check could not be completed ({why})",
                   f"de controle {name} kon niet worden uitgevoerd ({why})", None,
                   {"check": name})
