"""Verify Data Integrity secured credentials and presentations (``ldp_vc`` / ``ldp_vp``).

Checks, in report order (see :mod:`rotonde.verify.report`):

* ``parse``: size and depth caps, the VCDM 2.0 data model (:mod:`rotonde.credential`,
  :mod:`rotonde.presentation`) and strict JSON-LD expansion (known contexts only, no undefined
  terms: VC Data Integrity 1.0 §4.4 step 1 and VCDM 2.0 §4.3, docs/architecture.md §5).
* ``signature``: every proof verifies (:func:`rotonde.proofs.verify_proof`), with a method the
  issuer (credential) or holder (presentation) controls, authorised for the proof purpose. A
  presentation without a proof fails ``vp.unsigned`` unless
  ``options.allow_unsigned_presentation`` (then the check is skipped).
* ``holder_binding`` (presentations): the ``authentication`` proof's ``challenge`` and
  ``domain`` equal the verifier's (§2.1); required when ``options.challenge``/``domain`` or
  ``require_holder_binding`` is set.
* ``validity`` (``validFrom``/``validUntil`` with ``options.leeway``, VCDM 2.0 §4.9),
  ``status`` (§4.10), ``trust``, ``schema``: see :func:`common_checks`. Status lists are only
  fetched once the signature verified: a document nobody signed costs no outbound request.

Embedded credentials of a presentation are verified one by one into nested reports (their
status lists only when the presentation's own signature holds), through the engine for
enveloped ones (:mod:`rotonde.envelope`), without the caller's policy checks (those run once,
on the presentation: :mod:`rotonde.verify.engine`). Never a network request unless
``options.fetcher`` or ``options.resolver`` says so; never raises for bad input.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from rotonde import jsonld
from rotonde.clock import parse_datetime
from rotonde.credential import validate_credential
from rotonde.encoding import json_depth
from rotonde.envelope import is_enveloped, unwrap_envelope
from rotonde.errors import ParseError, Problem, RotondeError, SignatureError, ValidationError
from rotonde.keyresolve import resolver_for
from rotonde.keys import PublicKey
from rotonde.presentation import embedded_credentials, validate_presentation
from rotonde.proofs import verify_proof
from rotonde.verify._trust import record_trust_and_schema
from rotonde.verify.options import VerifyOptions
from rotonde.verify.report import ReportBuilder, VerificationReport
from rotonde.verify.status import record_status

__all__ = [
    "common_checks",
    "document_size_check",
    "embedded_checks",
    "internal_error",
    "verify_ldp",
]

MAX_DEPTH = 64


def _problem(code: str, en: str, nl: str, ptr: str | None = None) -> Problem:
    return Problem(code, en, nl, ptr)


def document_size_check(doc: Any, options: VerifyOptions) -> None:
    """Refuse documents above ``options.max_bytes`` or nested deeper than 64 levels."""
    if json_depth(doc) > MAX_DEPTH:
        raise ParseError("json.too_deep", f"document is nested deeper than {MAX_DEPTH} levels",
                         message_nl=f"document is dieper genest dan {MAX_DEPTH} niveaus")
    try:
        size = len(json.dumps(doc, ensure_ascii=False).encode("utf-8", "surrogatepass"))
    except (TypeError, ValueError):
        raise ParseError("json.malformed", "document is not JSON",
                         message_nl="document is geen JSON") from None
    if size > options.max_bytes:
        raise ParseError("parse.too_large", f"document is larger than {options.max_bytes} bytes",
                         message_nl=f"document is groter dan {options.max_bytes} bytes")


def _validity(builder: ReportBuilder, doc: dict[str, Any], options: VerifyOptions,
              extra: dict[str, float] | None = None) -> None:
    """VCDM 2.0 §4.9 with ``options.leeway``; ``extra`` adds JWT ``nbf``/``exp`` (RFC 7519)."""
    with builder.run("validity") as info:
        now = options.clock.now()
        info["now"] = now
        bounds: dict[str, float] = dict(extra or {})
        # VCDM 1.1 §4.6/§4.7: issuanceDate and expirationDate bound a 1.1 credential
        for name in ("validFrom", "validUntil", "issuanceDate", "expirationDate"):
            if isinstance(doc.get(name), str):
                try:
                    bounds[name] = parse_datetime(doc[name]).timestamp()
                except ValueError:
                    pass  # reported by the parse check
        for name in ("validFrom", "issuanceDate", "nbf"):
            if name in bounds and now + options.leeway < bounds[name]:
                raise ValidationError("validity.not_yet_valid", f"not valid before {name}",
                                      message_nl=f"nog niet geldig ({name})", pointer=f"/{name}")
        for name in ("validUntil", "expirationDate", "exp"):
            if name in bounds and now - options.leeway > bounds[name]:
                raise ValidationError("validity.expired", f"expired ({name})",
                                      message_nl=f"verlopen ({name})", pointer=f"/{name}")


def _status(builder: ReportBuilder, doc: dict[str, Any], options: VerifyOptions) -> None:
    """VCDM 2.0 §4.10 through the shared status check (:mod:`rotonde.verify.status`), only
    for a credential whose signature verified."""
    if builder.failed("signature"):
        builder.skip("status", _problem("check.not_run", "not run because signature failed",
                                        "niet uitgevoerd omdat signature faalde"))
        return
    if "credentialStatus" not in doc:
        builder.skip("status", _problem("status.none", "credential has no status",
                                        "bewijs heeft geen status"))
        return
    with builder.run("status"):
        record_status(builder, doc, options, issuer=builder.issuer)


def common_checks(builder: ReportBuilder, doc: dict[str, Any], options: VerifyOptions, fmt: str,
                  *, jwt_bounds: dict[str, float] | None = None) -> None:
    """``validity``, ``status``, ``trust`` and ``schema`` for a credential or presentation."""
    is_vc = not fmt.startswith(("ldp_vp", "vp"))
    _validity(builder, doc, options, jwt_bounds)
    if is_vc:
        _status(builder, doc, options)
    else:
        builder.skip("status")
    record_trust_and_schema(builder, doc, options, fmt, is_credential=is_vc)


def _issuer_id(doc: dict[str, Any]) -> str | None:
    issuer = doc.get("issuer")
    issuer = issuer.get("id") if isinstance(issuer, dict) else issuer
    return issuer if isinstance(issuer, str) else None


def _parse(builder: ReportBuilder, data: Any, options: VerifyOptions, is_vp: bool,
           ) -> dict[str, bytes] | None:
    """The ``parse`` check. Returns the canonical N-Quads of the document without ``proof``
    (the strict JSON-LD check computes them; the ``eddsa-rdfc-2022`` proof check reuses them),
    or ``None`` when parsing failed."""
    canonical: dict[str, bytes] = {}
    with builder.run("parse"):
        document_size_check(data, options)
        problems = validate_presentation(data) if is_vp else validate_credential(data)
        if problems:
            raise ValidationError(problems=problems)
        jsonld.check_context_order(data, loader=options.document_loader)
        # strict: unknown contexts and terms that would be dropped are errors
        try:
            nquads = jsonld.canonize({k: v for k, v in data.items() if k != "proof"},
                                     loader=options.document_loader, strict=True)
        except RotondeError:
            raise
        except (ArithmeticError, LookupError, TypeError, ValueError) as exc:
            raise ParseError("jsonld.processing_failed",
                             f"the document cannot be processed as JSON-LD ({type(exc).__name__})",
                             message_nl="het document kan niet als JSON-LD worden verwerkt "
                             f"({type(exc).__name__})") from None
        canonical["eddsa-rdfc-2022"] = nquads.encode("utf-8")
    return None if builder.failed("parse") else canonical


def _keys(doc: dict[str, Any], options: VerifyOptions) -> dict[str, PublicKey] | None:
    if options.issuer_key is None:
        return None
    proofs = doc.get("proof")
    proofs = proofs if isinstance(proofs, list) else [proofs]
    return {p["verificationMethod"]: options.issuer_key for p in proofs
            if isinstance(p, dict) and isinstance(p.get("verificationMethod"), str)}


def _signature(builder: ReportBuilder, doc: dict[str, Any], options: VerifyOptions,
               purpose: str, canonical: dict[str, bytes]) -> list[dict[str, Any]]:
    with builder.run("signature") as info:
        result = verify_proof(
            doc, resolver=resolver_for(options), loader=options.document_loader,
            expected_purpose=purpose, clock=options.clock, keys=_keys(doc, options),
            require_controller=options.require_controller,
            transformed=canonical,
        )
        info["proofs"] = [
            {"cryptosuite": p.cryptosuite, "verificationMethod": p.verification_method,
             "controller": p.controller, "proofPurpose": p.proof_purpose, "created": p.created}
            for p in result.proofs
        ]
        return info["proofs"]  # type: ignore[no-any-return]
    return []


def _holder_binding(builder: ReportBuilder, doc: dict[str, Any], options: VerifyOptions) -> None:
    wanted = (options.challenge is not None or options.domain is not None
              or options.require_holder_binding)
    proofs = doc.get("proof")
    proofs = proofs if isinstance(proofs, list) else [proofs] if proofs is not None else []
    if not wanted:
        builder.skip("holder_binding", _problem(
            "holder_binding.not_requested", "no challenge or domain was given to check",
            "er is geen challenge of domein opgegeven om te controleren"))
        return
    if builder.failed("signature") or not proofs:
        builder.fail("holder_binding", _problem(
            "holder_binding.missing", "presentation has no verified authentication proof",
            "presentatie heeft geen geverifieerde authenticatieproof", "/proof"))
        return
    with builder.run("holder_binding") as info:
        ok = [p for p in proofs if isinstance(p, dict)
              and (options.challenge is None or p.get("challenge") == options.challenge)
              and (options.domain is None or p.get("domain") == options.domain
                   or (isinstance(p.get("domain"), list) and options.domain in p["domain"]))]
        if not ok:
            which = "challenge" if options.challenge is not None and not any(
                isinstance(p, dict) and p.get("challenge") == options.challenge for p in proofs
            ) else "domain"
            raise SignatureError(f"holder_binding.{which}_mismatch",
                                 f"proof {which} does not match the verifier's",
                                 message_nl=f"{which} van de proof klopt niet met die van de verifier",
                                 pointer=f"/proof/{which}")
        if options.challenge is None and options.domain is None:
            raise SignatureError("holder_binding.no_challenge",
                                 "holder binding requires the verifier's challenge",
                                 message_nl="holderbinding vereist de challenge van de verifier")
        info["challenge"] = ok[0].get("challenge")
        if ok[0].get("domain") is not None:
            info["domain"] = ok[0]["domain"]


def embedded_checks(builder: ReportBuilder, doc: dict[str, Any], options: VerifyOptions) -> None:
    """One nested report per credential of the presentation ``doc`` (see the module docstring)."""
    from rotonde.verify.engine import verify  # the engine dispatches on format: a cycle by nature

    inner = replace(options, challenge=None, domain=None, nonce=None, audience=None,
                    require_holder_binding=False, policies=())
    if builder.failed("signature"):  # nobody vouches for this presentation: fetch nothing
        inner = replace(inner, check_status=False)
    for item in embedded_credentials(doc):
        if is_enveloped(item):
            try:
                _, token = unwrap_envelope(item)
            except RotondeError as exc:
                nested = ReportBuilder("unknown")
                nested.fail("parse", *exc.problems)
                builder.credentials.append(nested.build())
                continue
            builder.credentials.append(verify(token, inner))
        else:
            builder.credentials.append(verify_ldp(item, inner))


def verify_ldp(data: Any, options: VerifyOptions) -> VerificationReport:
    """Verify an ``ldp_vc`` or ``ldp_vp`` document; returns a report, never raises."""
    types = data.get("type") if isinstance(data, dict) else None
    is_vp = types == "VerifiablePresentation" or (
        isinstance(types, list) and "VerifiablePresentation" in types)
    builder = ReportBuilder("ldp_vp" if is_vp else "ldp_vc")
    try:
        if not isinstance(data, dict):
            builder.fail("parse", _problem("parse.not_object", "input is not a JSON object",
                                           "invoer is geen JSON-object"))
            return builder.build()
        canonical = _parse(builder, data, options, is_vp)
        if canonical is None:
            return builder.build()
        builder.claims = {k: v for k, v in data.items() if k != "proof"}
        if is_vp:
            holder = data.get("holder")
            holder_id = holder.get("id") if isinstance(holder, dict) else holder
            builder.holder = {"id": holder_id} if isinstance(holder_id, str) else None
            unsigned = _problem("vp.unsigned", "presentation has no proof",
                                "presentatie heeft geen proof", "/proof")
            if "proof" in data:
                _signature(builder, data, options, "authentication", canonical)
            elif options.allow_unsigned_presentation:
                builder.skip("signature", unsigned)
            else:
                builder.fail("signature", unsigned)
            _holder_binding(builder, data, options)
            common_checks(builder, data, options, "ldp_vp")
            embedded_checks(builder, data, options)
        else:
            builder.issuer = _issuer_id(data)
            _signature(builder, data, options, "assertionMethod", canonical)
            builder.skip("holder_binding")
            common_checks(builder, data, options, "ldp_vc")
    except RotondeError as exc:  # pragma: no cover - each check already catches its own
        builder.fail("parse", *exc.problems)
    except Exception as exc:  # pragma: no cover - the report must always come back
        builder.fail("parse", internal_error(exc))
    return builder.build()


def internal_error(exc: BaseException) -> Problem:
    """A problem for an unexpected exception (a bug, never a verdict on the input)."""
    return _problem("verify.internal_error",
                    f"verification stopped on an unexpected {type(exc).__name__}",
                    f"verificatie gestopt door een onverwachte {type(exc).__name__}")
