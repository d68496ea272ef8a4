"""The ``trust`` and ``schema`` checks, shared by every format verifier.

Trust lists accredit an issuer for *credential kinds* (microcredential, qualification, ...)
up to a *level* (``rotonde.trust``). Those are properties of the learning achievement, not of
the format: the ``kind`` and ``level`` claims of a record or SD-JWT VC (``kind`` is never
selectively disclosable, :mod:`rotonde.learning.sdjwt_vc`), else what
:func:`rotonde.learning.read` reads back from an ELM 3 or Open Badges 3.0 credential; for any
other credential only the issuer itself is looked up.

With a trust list, ``trust`` is a fatal check (docs/architecture.md §5: nothing from an unknown issuer is ever
accepted): an issuer that is not on the list, not accredited for the kind or level, or that the
signature did not establish (``trust.issuer_unknown``; ``trust.issuer_unproven`` when the
caller switched off the key-controller rule with ``options.require_controller=False``)
makes the report not ``verified``. With ``options.trust_required=False`` the same check runs
and reports the same problems, but as advisory (not fatal): the wallet labels a credential
from an issuer that is not on its list instead of refusing to hold it.
Without a trust list it is skipped.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rotonde.errors import Problem, RotondeError
from rotonde.learning import read
from rotonde.learning.record import KINDS
from rotonde.verify.options import VerifyOptions
from rotonde.verify.report import ReportBuilder

__all__ = ["achievement_scope", "record_trust", "record_trust_and_schema"]

_FRAMEWORKS = ("EQF", "NLQF")


def _level(value: Any) -> Mapping[str, Any] | None:
    return value if isinstance(value, Mapping) and value.get("framework") in _FRAMEWORKS else None


def achievement_scope(claims: Any) -> tuple[str | None, Mapping[str, Any] | None]:
    """(kind, level) of a learning credential, or ``(None, None)`` when it is not one.

    Works on partially disclosed SD-JWT VC claims: the kind is always there, the level only
    when it was disclosed."""
    if not isinstance(claims, Mapping):
        return None, None
    if claims.get("kind") in KINDS:
        return str(claims["kind"]), _level(claims.get("level"))
    try:
        record = read(dict(claims))
    except (RotondeError, TypeError, ValueError):
        return None, None
    kind = record.get("kind")
    return (kind if kind in KINDS else None), _level(record.get("level"))


def _not_run() -> Problem:
    return Problem("check.not_run", "not run because signature failed",
                   "niet uitgevoerd omdat signature faalde")


def record_trust(builder: ReportBuilder, claims: Any, options: VerifyOptions) -> None:
    """The ``trust`` check against ``options.trust_list`` (given): fatal in this report unless
    ``options.trust_required`` is false."""
    trust_list = options.trust_list
    if trust_list is None:
        builder.skip("trust")
        return
    if options.trust_required:
        builder.require("trust")
    if builder.failed("signature"):
        builder.skip("trust", _not_run())
        return
    if not builder.issuer:
        builder.fail("trust", Problem(
            "trust.issuer_unknown", "the issuer is unknown, so it cannot be on the trust list",
            "de uitgever is onbekend en kan dus niet op de vertrouwenslijst staan"))
        return
    if not options.require_controller:
        builder.fail("trust", Problem(
            "trust.issuer_unproven",
            "the key was not required to belong to the issuer, so the issuer is not proven",
            "de sleutel hoefde niet van de uitgever te zijn, dus de uitgever is niet bewezen"))
        return
    with builder.run("trust") as detail:
        kind, level = achievement_scope(claims)
        detail["issuer"] = builder.issuer
        if kind:
            detail["kind"] = kind
        if level is not None:
            detail["level"] = dict(level)
        problems = trust_list.evaluate(builder.issuer, kind=kind, level=level)
        if problems:
            builder.fail("trust", *problems, **detail)


def record_trust_and_schema(
    builder: ReportBuilder,
    claims: Any,
    options: VerifyOptions,
    fmt: str,
    *,
    is_credential: bool = True,
) -> None:
    """Run ``trust`` (see :func:`record_trust`) and ``schema`` on ``claims`` in ``builder``."""
    if options.trust_list is not None and is_credential:
        record_trust(builder, claims, options)
    else:
        builder.skip("trust")
    if options.schema_validator is not None:
        with builder.run("schema"):
            problems = options.schema_validator(claims, fmt)
            if problems:
                builder.fail("schema", *problems)
    else:
        builder.skip("schema")
