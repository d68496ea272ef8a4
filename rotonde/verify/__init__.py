"""Verification: one engine, named checks, one report (see :mod:`rotonde.verify.report`)."""

from rotonde.verify.engine import VERIFIERS, VerifyOptions, verify
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
    "ReportBuilder",
    "VerificationReport",
    "VerifyOptions",
    "verify",
]
