"""The ``trust`` and ``schema`` checks, shared by every format verifier.

Trust lists accredit an issuer for *credential kinds* (microcredential, qualification, ...)
up to a *level* (``rotonde.trust``). Those are properties of the learning achievement, not of
the format, so they are read from the credential with :func:`rotonde.learning.read` when it is
a learning credential; for any other credential only the issuer itself is looked up.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rotonde.errors import RotondeError
from rotonde.verify.engine import VerifyOptions
from rotonde.verify.report import ReportBuilder

__all__ = ["achievement_scope", "record_trust_and_schema"]


def achievement_scope(claims: Any) -> tuple[str | None, Mapping[str, Any] | None]:
    """(kind, level) of a learning credential, or ``(None, None)`` when it is not one."""
    try:
        from rotonde.learning import read

        record = read(claims)
    except (RotondeError, ImportError, TypeError, ValueError):
        return None, None
    level = record.get("level")
    return record.get("kind"), level if isinstance(level, Mapping) else None


def record_trust_and_schema(
    builder: ReportBuilder,
    claims: Any,
    options: VerifyOptions,
    fmt: str,
    *,
    is_credential: bool = True,
) -> None:
    """Run ``trust`` (advisory) and ``schema`` on ``claims`` and record them in ``builder``."""
    if options.trust_list is not None and is_credential and builder.issuer:
        with builder.run("trust") as detail:
            kind, level = achievement_scope(claims)
            if kind:
                detail["kind"] = kind
            problems = options.trust_list.evaluate(builder.issuer, kind=kind, level=level)
            if problems:
                builder.fail("trust", *problems, **detail)
    else:
        builder.skip("trust")
    if options.schema_validator is not None:
        with builder.run("schema"):
            problems = options.schema_validator(claims, fmt)
            if problems:
                builder.fail("schema", *problems)
    else:
        builder.skip("schema")
