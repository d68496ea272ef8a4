"""Verification: one engine, named checks, one report.

The engine (:func:`verify`, :mod:`rotonde.verify.engine`) runs a format's built-in checks and
the caller's policy checks (:mod:`rotonde.verify.policy`) with one typed, fail-closed
:class:`VerifyOptions` (:mod:`rotonde.verify.options`) and returns a
:class:`VerificationReport` (:mod:`rotonde.verify.report`). Reusable policy checks:
:mod:`rotonde.verify.checks`.
"""

from rotonde.verify.checks import HolderKeyCheck, ReplayCheck, presentation_digest
from rotonde.verify.engine import VERIFIERS, verify
from rotonde.verify.options import VerifyOptions
from rotonde.verify.policy import (
    CheckResult,
    PolicyCheck,
    PolicyContext,
    StatusResolver,
    TrustPolicy,
)
from rotonde.verify.report import (
    CHECK_NAMES,
    FATAL_CHECKS,
    Check,
    ReportBuilder,
    VerificationReport,
)

__all__ = [
    "CHECK_NAMES",
    "FATAL_CHECKS",
    "VERIFIERS",
    "Check",
    "CheckResult",
    "HolderKeyCheck",
    "PolicyCheck",
    "PolicyContext",
    "ReplayCheck",
    "ReportBuilder",
    "StatusResolver",
    "TrustPolicy",
    "VerificationReport",
    "VerifyOptions",
    "presentation_digest",
    "verify",
]
