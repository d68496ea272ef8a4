"""Verify SD-JWT VCs and their presentations (``dc+sd-jwt``) into a report.

Checks, in report order (see :mod:`rotonde.verify.report`), using the steps of
:mod:`rotonde.sdjwt.verify`:

* ``parse``: size cap, compact or JSON serialisation, JOSE policy (``typ`` ``dc+sd-jwt`` or the
  legacy ``vc+sd-jwt``, allow-listed ``alg``, no unknown ``crit``), Disclosures, digest
  resolution (RFC 9901 §7.1 step 3-5) and the SD-JWT VC profile (``vct``; ``iss``, ``nbf``,
  ``exp``, ``cnf``, ``vct``, ``status`` never disclosed: draft-ietf-oauth-sd-jwt-vc §3.2.2).
* ``signature``: the Issuer-signed JWT, with ``options.issuer_key`` or the key found from
  ``iss`` and ``kid`` (:func:`rotonde.keyresolve.find_issuer_key`: DIDs, JWT VC Issuer
  Metadata). The issuer is ``iss`` or, without it, the DID that authorises ``kid``; a
  credential whose issuer cannot be established fails (``sdjwt_vc.issuer_unknown``: SD-JWT VC
  "Issuer Signature Mechanisms" — a key not tied to the issuer means rejection).
* ``holder_binding``: the KB-JWT (RFC 9901 §7.3): ``cnf`` key, ``sd_hash``, ``iat`` window
  (``options.kb_max_age``, default 300 s), ``nonce`` and ``aud``; required when
  ``options.nonce``/``audience`` or ``require_holder_binding`` is set, else skipped if absent.
* ``validity``: ``exp``/``nbf``/``iat`` with ``options.leeway`` and the injected clock.
* ``status``: :func:`rotonde.verify.status.record_status` when the credential has ``status``
  (``status.none`` skip otherwise; ``options.check_status=False`` skips it).
* ``trust`` and ``schema``: :func:`rotonde.verify._trust.record_trust_and_schema`
  (``options.trust_list.evaluate(iss, kind=..., level=...)`` for learning credentials,
  ``options.schema_validator(claims, "dc+sd-jwt")``).

Never raises for bad input.
"""

from __future__ import annotations

import json
from typing import Any

from rotonde.errors import Problem
from rotonde.keyresolve import find_issuer_key
from rotonde.keys import PublicKey
from rotonde.sdjwt._process import Processed
from rotonde.sdjwt.parse import SdJwt, parse
from rotonde.sdjwt.vc import ACCEPTED_TYPS, check_vc_claims
from rotonde.sdjwt.verify import (
    check_time_claims,
    holder_public_key,
    process_disclosures,
    verify_issuer_signature,
    verify_key_binding,
)
from rotonde.verify._trust import record_trust_and_schema
from rotonde.verify.options import VerifyOptions
from rotonde.verify.report import ReportBuilder, VerificationReport
from rotonde.verify.status import record_status

__all__ = ["FORMAT", "verify_sdjwt"]

FORMAT = "dc+sd-jwt"
_LATER = ("signature", "holder_binding", "validity", "status", "trust", "schema")


def _problem(code: str, en: str, nl: str, pointer: str | None = None) -> Problem:
    return Problem(code, en, nl, pointer)


def _not_run(builder: ReportBuilder, after: str) -> VerificationReport:
    reason = _problem(
        "check.not_run", f"not run because {after} failed", f"niet uitgevoerd omdat {after} faalde"
    )
    start = _LATER.index(after) + 1 if after in _LATER else 0
    for name in _LATER[start:]:
        builder.skip(name, reason)
    return builder.build()


def _unexpected(builder: ReportBuilder, name: str, exc: Exception) -> None:
    """A bug or an unexpected plug-in error still yields a report, never an exception."""
    builder.fail(
        name,
        _problem(f"{name}.unexpected", f"{name} check failed unexpectedly: {type(exc).__name__}",
                 f"controle {name} faalde onverwacht: {type(exc).__name__}"),
    )


def _issuer_key(options: VerifyOptions, found: dict[str, str | None]) -> Any:
    """A key callback that also records the issuer the resolved key proves."""
    def resolve(header: dict[str, Any], payload: dict[str, Any]) -> PublicKey:
        iss = payload.get("iss")
        match = find_issuer_key(iss if isinstance(iss, str) else None, header, options)
        found["issuer"] = match.issuer
        return match.key

    return resolve


def _issuer_unknown() -> Problem:
    return _problem(
        "sdjwt_vc.issuer_unknown",
        "the credential does not say who issued it: no iss, and its key is not an issuer's DID",
        "het bewijs zegt niet wie het heeft uitgegeven: geen iss, en de sleutel is geen DID "
        "van een uitgever",
        "iss",
    )


def _status(builder: ReportBuilder, claims: dict[str, Any], options: VerifyOptions) -> None:
    """The Token Status List reference in ``status`` (draft-ietf-oauth-sd-jwt-vc §3.2.2.2)."""
    if "status" not in claims:
        builder.skip(
            "status", _problem("status.none", "credential has no status", "bewijs heeft geen status")
        )
        return
    with builder.run("status"):
        record_status(builder, claims, options, issuer=builder.issuer)


def _holder_binding(
    builder: ReportBuilder, sd: SdJwt, claims: dict[str, Any], options: VerifyOptions
) -> None:
    required = bool(options.nonce or options.audience or options.require_holder_binding)
    if sd.kb_jwt is None:
        if required:
            builder.fail(
                "holder_binding",
                _problem(
                    "sdjwt.kb_missing", "key binding is required but there is no KB-JWT",
                    "sleutelbinding is vereist maar er is geen KB-JWT",
                ),
            )
        else:
            builder.skip(
                "holder_binding",
                _problem("sdjwt.kb_absent", "presentation has no key binding",
                         "presentatie heeft geen sleutelbinding"),
            )
        return
    with builder.run("holder_binding") as info:
        binding = verify_key_binding(
            sd, holder_public_key(claims), nonce=options.nonce, aud=options.audience,
            clock=options.clock, leeway=options.leeway,
            max_age=float(options.kb_max_age), max_bytes=options.max_bytes,
        )
        info["aud"] = binding.claims.get("aud")
        info["iat"] = binding.claims.get("iat")
        builder.meta["key_binding"] = {
            k: binding.claims.get(k) for k in ("aud", "nonce", "iat")
        }


def verify_sdjwt(data: Any, options: VerifyOptions) -> VerificationReport:
    """Verify an SD-JWT VC (or SD-JWT+KB presentation) into a :class:`VerificationReport`."""
    builder = ReportBuilder(FORMAT)
    sd: SdJwt | None = None
    processed: Processed | None = None
    try:
        with builder.run("parse") as info:
            if isinstance(data, dict):  # JSON serialisation (RFC 9901 §8)
                data = json.dumps(data)
            if not isinstance(data, (str, bytes)):
                builder.fail("parse", _problem(
                    "sdjwt.malformed", "an SD-JWT must be text", "een SD-JWT moet tekst zijn"
                ))
            else:
                sd = parse(data, typ=set(ACCEPTED_TYPS), max_bytes=options.max_bytes)
                processed = process_disclosures(sd)
                check_vc_claims(sd.payload, (p[0] for p, _, _ in processed.disclosed if p))
                info["serialization"] = sd.serialization
                info["disclosures"] = len(sd.disclosures)
    except Exception as exc:  # a verifier never raises for bad input
        _unexpected(builder, "parse", exc)
    if sd is None or processed is None or builder.failed("parse"):
        return _not_run(builder, "parse")
    claims = processed.claims
    builder.meta["disclosed"] = [".".join(p) for p, _, _ in processed.disclosed]
    builder.meta["vct"] = sd.payload.get("vct")
    builder.meta["typ"] = sd.header.get("typ")
    cnf = claims.get("cnf")
    if isinstance(cnf, dict) and isinstance(cnf.get("jwk"), dict):
        builder.holder = {"jwk": dict(cnf["jwk"])}
    found: dict[str, str | None] = {}
    try:
        with builder.run("signature") as info:
            key = verify_issuer_signature(sd, _issuer_key(options, found))
            info["alg"] = key.alg
            builder.issuer = found.get("issuer")
            if not builder.issuer:
                builder.fail("signature", _issuer_unknown())
    except Exception as exc:
        _unexpected(builder, "signature", exc)
    if builder.failed("signature"):
        return _not_run(builder, "signature")
    builder.claims = claims
    try:
        _holder_binding(builder, sd, claims, options)
    except Exception as exc:
        _unexpected(builder, "holder_binding", exc)
    with builder.run("validity"):
        check_time_claims(claims, clock=options.clock, leeway=options.leeway)
    try:
        _status(builder, claims, options)
    except Exception as exc:
        _unexpected(builder, "status", exc)
    try:
        record_trust_and_schema(builder, claims, options, FORMAT)
    except Exception as exc:
        _unexpected(builder, "trust" if options.trust_list is not None else "schema", exc)
    return builder.build()
