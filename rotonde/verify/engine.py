"""One verification engine: detect the format, run its named checks, return a report.

Format verifiers are plug-ins registered by name in :data:`VERIFIERS` (``module:function``
strings, imported lazily), each a function ``(data, options) -> VerificationReport``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from rotonde.clock import Clock, SystemClock
from rotonde.errors import Problem, RotondeError
from rotonde.formats import detect
from rotonde.keys import PublicKey
from rotonde.verify.report import ReportBuilder, VerificationReport

__all__ = ["VERIFIERS", "VerifyOptions", "verify"]


@dataclass(frozen=True)
class VerifyOptions:
    """Everything a verification may need, injected.

    * ``issuer_key``: use this key for the issuer signature instead of resolving one.
    * ``nonce``/``audience`` (SD-JWT KB-JWT, vp+jwt) and ``challenge``/``domain`` (Data
      Integrity presentations): when given, holder binding is required and checked.
    * ``require_holder_binding``: fail when a presentation carries no key binding.
    * ``allow_unsigned_presentation``: accept a Data Integrity presentation without a proof
      (its ``signature`` check is then skipped); by default it fails ``vp.unsigned``, so a
      presentation nobody signed is never ``verified``.
    * ``resolver``: a DID resolver (:class:`rotonde.did.Resolver`); ``fetcher``: the one
      outbound :class:`rotonde.http.Fetcher` (status lists, issuer metadata).
    * ``document_loader``: JSON-LD loader (:mod:`rotonde.jsonld`); default: shipped contexts.
    * ``trust_list``: a :class:`rotonde.trust.TrustList`; ``None`` skips the trust check. With
      a list, ``trust`` is fatal: an issuer that is not on it is never ``verified``.
    * ``check_status``: fetch and evaluate status lists when the credential has a status
      (only once its signature verified; at most
      :data:`rotonde.verify.status.MAX_STATUS_ENTRIES` entries per credential).
    * ``schema_validator``: optional ``(claims, format) -> list[Problem]``.
    """

    issuer_key: PublicKey | None = None
    nonce: str | None = None
    audience: str | None = None
    challenge: str | None = None
    domain: str | None = None
    require_holder_binding: bool = False
    allow_unsigned_presentation: bool = False
    clock: Clock = field(default_factory=SystemClock)
    leeway: float = 60.0
    max_bytes: int = 64 * 1024
    resolver: Any = None
    fetcher: Any = None
    document_loader: Any = None
    trust_list: Any = None
    check_status: bool = True
    status_resolver: Any = None
    schema_validator: Callable[[dict[str, Any], str], list[Problem]] | None = None
    extra: dict[str, Any] = field(default_factory=dict)


#: format name → ``module:function`` of its verifier.
VERIFIERS: dict[str, str] = {
    "dc+sd-jwt": "rotonde.verify.sdjwt:verify_sdjwt",
    "ldp_vc": "rotonde.verify.ldp:verify_ldp",
    "ldp_vp": "rotonde.verify.ldp:verify_ldp",
    "vc+jwt": "rotonde.verify.jose:verify_jose",
    "vp+jwt": "rotonde.verify.jose:verify_jose",
    "statuslist+jwt": "rotonde.verify.status:verify_status_token",
}


def _load(target: str) -> Callable[[Any, VerifyOptions], VerificationReport]:
    module, _, name = target.partition(":")
    fn: Callable[[Any, VerifyOptions], VerificationReport] = getattr(
        importlib.import_module(module), name
    )
    return fn


def verify(data: str | dict[str, Any], options: VerifyOptions | None = None) -> VerificationReport:
    """Verify any supported credential or presentation. Never raises for bad input."""
    opts = options or VerifyOptions()
    try:
        fmt = detect(data)
    except RotondeError as exc:
        builder = ReportBuilder("unknown")
        builder.fail("parse", *exc.problems)
        return builder.build()
    target = VERIFIERS.get(fmt)
    if target is None:
        builder = ReportBuilder(fmt)
        builder.fail(
            "parse",
            Problem(
                "format.unsupported",
                f"format {fmt!r} cannot be verified here",
                f"formaat {fmt!r} kan hier niet worden geverifieerd",
            ),
        )
        return builder.build()
    return _load(target)(data, opts)
