"""The ``status`` check shared by every verifier, and verification of bare status list tokens.

:func:`check_status` reads the status a credential points to and never guesses: a list that
cannot be fetched, verified or read gives ``state="unknown"`` with precise problems
(``status.unavailable``, ``status.list_signature_invalid``, ``status.purpose_mismatch``,
``status.list_expired``, ``status.index_out_of_range`` ...), never "not revoked".

* IETF Token Status List (SD-JWT VC, ``vc+jwt``): the ``status.status_list`` claim (§6.1); the
  list token's signature is checked with the *credential issuer's* key (via
  :mod:`rotonde.keyresolve`), its ``iss`` (if any) must be that issuer and its ``sub`` the
  referenced ``uri`` (§8.3).
* W3C Bitstring Status List (``credentialStatus`` entries, §3.2 validate algorithm): the list
  credential is verified with ``options.verify_status_credential`` when given, else with
  :func:`rotonde.verify.verify` (status not checked, no trust list, no policy checks); its
  issuer must be the credential's issuer.

Lists are obtained through ``options.status_resolver`` (``uri -> token | credential``, so services
can inject caches or local lookups) or ``options.fetcher``; a token is at most
``options.status_max_bytes`` long. A credential may declare at most
:data:`MAX_STATUS_ENTRIES` ``credentialStatus`` entries (one per status purpose of Bitstring
Status List §2.1 is the common case); more fails ``status.too_many_entries`` before anything is
fetched, so one credential cannot make the verifier fetch and parse hundreds of lists.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Literal

from rotonde.encoding import loads_json
from rotonde.errors import FetchError, Problem, RotondeError, StatusError
from rotonde.keyresolve import find_issuer_key, resolve_issuer_key
from rotonde.status.bitstring import parse_status_entry, read_status_list_credential
from rotonde.status.token import (
    INVALID,
    MEDIA_TYPE,
    SUSPENDED,
    VALID,
    parse_status_list_token,
    parse_status_reference,
)
from rotonde.verify._trust import record_trust
from rotonde.verify.options import VerifyOptions
from rotonde.verify.policy import StatusResolver
from rotonde.verify.report import ReportBuilder, VerificationReport

__all__ = [
    "MAX_STATUS_ENTRIES",
    "StatusResult",
    "StatusState",
    "check_status",
    "check_status_all",
    "record_status",
    "verify_status_token",
]

#: The most ``credentialStatus`` entries one credential may declare (revocation, suspension,
#: refresh and message purposes twice over).
MAX_STATUS_ENTRIES = 8

StatusState = Literal["valid", "revoked", "suspended", "unknown"]
_SEVERITY = {"revoked": 3, "suspended": 2, "unknown": 1, "valid": 0}
_LIST_TYPES = (
    "application/vc",
    "application/vc+ld+json",
    "application/ld+json",
    "application/json",
    "application/vc+jwt",
)


@dataclass(frozen=True)
class StatusResult:
    """What the status of one credential is, and how sure we are."""

    state: StatusState
    purpose: str | None
    list_uri: str | None
    index: int | None
    checked_at: float
    fresh_until: float | None = None
    problems: tuple[Problem, ...] = ()
    value: int | None = None
    message: str | None = None
    mechanism: str = ""
    entries: tuple[StatusResult, ...] = field(default=(), repr=False)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "state": self.state,
            "purpose": self.purpose,
            "list_uri": self.list_uri,
            "index": self.index,
            "checked_at": self.checked_at,
            "fresh_until": self.fresh_until,
            "mechanism": self.mechanism,
        }
        if self.value is not None:
            out["value"] = self.value
        if self.message is not None:
            out["message"] = self.message
        if self.problems:
            out["problems"] = [p.to_dict() for p in self.problems]
        return out


def _issuer_of(doc: dict[str, Any]) -> str | None:
    iss = doc.get("iss", doc.get("issuer"))
    if isinstance(iss, dict):
        iss = iss.get("id")
    return iss if isinstance(iss, str) else None


def _unavailable(uri: str, exc: RotondeError | None) -> tuple[Problem, ...]:
    head = Problem(
        "status.unavailable",
        f"status list {uri} could not be obtained",
        f"statuslijst {uri} kon niet worden opgehaald",
        None,
        {"uri": uri},
    )
    return (head, *(exc.problems if exc else ()))


def _obtain(uri: str, options: VerifyOptions, accept: tuple[str, ...]) -> Any:
    """The list behind ``uri``: via ``status_resolver`` or the fetcher. Raises RotondeError."""
    custom: StatusResolver | None = options.status_resolver
    if custom is not None:
        try:
            value = custom(uri)
        except RotondeError:
            raise
        except Exception as exc:  # an injected callback must not crash verification
            raise FetchError(
                "fetch.failed",
                f"status resolver failed: {type(exc).__name__}",
                message_nl=f"statusresolver faalde: {type(exc).__name__}",
            ) from None
        if value is None:
            raise FetchError(
                "fetch.failed",
                f"status resolver has no list {uri}",
                message_nl=f"statusresolver heeft geen lijst {uri}",
            )
        return value
    if options.fetcher is None:
        raise FetchError(
            "fetch.disabled",
            "no fetcher configured for status lists",
            message_nl="geen fetcher ingesteld voor statuslijsten",
        )
    body, _ = options.fetcher.get_bytes(uri, accept=accept)
    text = bytes(body).strip()
    if text.startswith(b"{"):
        return loads_json(text, what=f"status list {uri}")
    return text.decode("ascii", "replace")


def _token_result(claims: dict[str, Any], options: VerifyOptions, issuer: str | None) -> StatusResult | None:
    now = options.clock.now()
    try:
        ref = parse_status_reference(claims)
    except StatusError as exc:
        return StatusResult("unknown", None, None, None, now, problems=exc.problems, mechanism="token")
    if ref is None:
        return None
    idx, uri = ref
    base: dict[str, Any] = {"purpose": "revocation", "list_uri": uri, "index": idx,
                            "checked_at": now, "mechanism": "token"}
    try:
        raw = _obtain(uri, options, (MEDIA_TYPE,))
    except RotondeError as exc:
        return StatusResult("unknown", problems=_unavailable(uri, exc), **base)
    try:
        if isinstance(raw, bytes):
            raw = raw.decode("ascii", "replace")
        if not isinstance(raw, str):
            raise StatusError(
                "status.list_invalid", "status list is not a JWT", message_nl="statuslijst is geen JWT"
            )
        token = parse_status_list_token(
            raw.strip(), max_bytes=options.status_max_bytes)
        if token.sub != uri:
            raise StatusError(
                "status.uri_mismatch",
                f"status list sub {token.sub!r} is not {uri!r}",
                message_nl=f"sub van de statuslijst {token.sub!r} is niet {uri!r}",
            )
        if token.issuer is not None and issuer is not None and token.issuer != issuer:
            raise StatusError(
                "status.issuer_mismatch",
                "status list has another issuer",
                message_nl="statuslijst heeft een andere uitgever",
            )
        try:
            token.verify(resolve_issuer_key(issuer or token.issuer, token.jws.header, options))
        except RotondeError as exc:
            raise StatusError(
                problems=[
                    Problem(
                        "status.list_signature_invalid",
                        "status list signature does not verify with the issuer's key",
                        "handtekening van de statuslijst klopt niet met de sleutel van de uitgever",
                    ),
                    *exc.problems,
                ]
            ) from None
        token.check_time(options.clock, leeway=options.leeway)
        value = token.status_list.get(idx)
    except RotondeError as exc:
        return StatusResult("unknown", problems=exc.problems, **base)
    fresh = token.fresh_until(now)
    states: dict[int, StatusState] = {VALID: "valid", INVALID: "revoked", SUSPENDED: "suspended"}
    state = states.get(value, "unknown")
    probs: tuple[Problem, ...] = ()
    if state == "unknown":
        probs = (
            Problem(
                "status.value_unrecognised",
                f"status value 0x{value:02x} is not understood",
                f"statuswaarde 0x{value:02x} wordt niet begrepen",
            ),
        )
    return StatusResult(state, fresh_until=fresh, problems=probs, value=value, **base)


def _verify_list_credential(raw: Any, options: VerifyOptions) -> dict[str, Any]:
    """Verify a Bitstring status list credential's proof; return the credential."""
    callback = options.verify_status_credential
    sub_options = dataclasses.replace(options, check_status=False, trust_list=None, policies=())
    if callback is not None:
        try:
            result = callback(raw, sub_options)
        except RotondeError:
            raise
        except Exception as exc:  # an injected callback must not crash verification
            raise StatusError(
                "status.unverifiable",
                f"status list verification failed: {type(exc).__name__}",
                message_nl=f"verificatie van de statuslijst faalde: {type(exc).__name__}",
            ) from None
        ok = result.verified if isinstance(result, VerificationReport) else result is not False
        claims = result.claims if isinstance(result, VerificationReport) else None
    else:
        from rotonde.verify.engine import verify  # the engine dispatches on format

        report = verify(raw, sub_options)
        ok, claims = report.verified, report.claims
        if not ok:
            raise StatusError(
                problems=[
                    Problem(
                        "status.list_signature_invalid",
                        "status list credential does not verify",
                        "statuslijstbewijs is niet geldig",
                    ),
                    *(p for c in report.checks if c.outcome == "failed" for p in c.problems),
                ]
            )
    if not ok:
        raise StatusError(
            "status.list_signature_invalid",
            "status list credential does not verify",
            message_nl="statuslijstbewijs is niet geldig",
        )
    cred = claims if isinstance(claims, dict) else raw
    if not isinstance(cred, dict):
        raise StatusError(
            "status.list_invalid",
            "status list credential is not a JSON object",
            message_nl="statuslijstbewijs is geen JSON-object",
        )
    return cred


def _bitstring_result(entry: Any, pointer: str, options: VerifyOptions, issuer: str | None) -> StatusResult:
    now = options.clock.now()
    try:
        parsed = parse_status_entry(entry, pointer=pointer)
    except RotondeError as exc:
        return StatusResult("unknown", None, None, None, now, problems=exc.problems, mechanism="bitstring")
    base: dict[str, Any] = {
        "purpose": parsed.purpose,
        "list_uri": parsed.list_credential,
        "index": parsed.index,
        "checked_at": now,
        "mechanism": "bitstring",
    }
    try:
        raw = _obtain(parsed.list_credential, options, _LIST_TYPES)
    except RotondeError as exc:
        return StatusResult("unknown", problems=_unavailable(parsed.list_credential, exc), **base)
    try:
        cred = _verify_list_credential(raw, options)
        if issuer is not None and _issuer_of(cred) != issuer:
            raise StatusError(
                "status.issuer_mismatch",
                "status list has another issuer",
                message_nl="statuslijst heeft een andere uitgever",
            )
        lst = read_status_list_credential(
            cred,
            purpose=parsed.purpose,
            status_size=parsed.status_size,
            clock=options.clock,
            leeway=options.leeway,
        )
        value = lst.get(parsed.index)
    except RotondeError as exc:
        return StatusResult("unknown", problems=exc.problems, **base)
    fresh: float | None = None
    ttl = cred.get("credentialSubject", {}).get("ttl")
    if isinstance(ttl, (int, float)) and not isinstance(ttl, bool) and ttl > 0:
        fresh = now + ttl / 1000.0
    state: StatusState = "valid"
    if value and parsed.purpose == "revocation":
        state = "revoked"
    elif value and parsed.purpose == "suspension":
        state = "suspended"
    return StatusResult(state, fresh_until=fresh, value=value, message=parsed.message_for(value), **base)


def _too_many(count: int, options: VerifyOptions) -> StatusResult:
    return StatusResult(
        "unknown", None, None, None, options.clock.now(), mechanism="bitstring",
        problems=(Problem(
            "status.too_many_entries",
            f"the credential declares {count} status entries; at most {MAX_STATUS_ENTRIES} "
            "are checked, so its status cannot be established",
            f"het bewijs noemt {count} statusvermeldingen; er worden er hooguit "
            f"{MAX_STATUS_ENTRIES} gecontroleerd, dus de status is niet vast te stellen",
            "/credentialStatus", {"count": count, "max": MAX_STATUS_ENTRIES}),),
    )


def check_status_all(
    credential: dict[str, Any], options: VerifyOptions, *, issuer: str | None = None
) -> list[StatusResult]:
    """One :class:`StatusResult` per status the credential (or JWT claims set) declares."""
    if not isinstance(credential, dict):
        return []
    issuer = issuer or _issuer_of(credential)
    out: list[StatusResult] = []
    token = _token_result(credential, options, issuer)
    if token is not None:
        out.append(token)
    entries = credential.get("credentialStatus")
    if isinstance(entries, list) and len(entries) > MAX_STATUS_ENTRIES:
        out.append(_too_many(len(entries), options))
    elif isinstance(entries, dict):
        out.append(_bitstring_result(entries, "/credentialStatus", options, issuer))
    elif isinstance(entries, list):
        for i, entry in enumerate(entries):
            out.append(_bitstring_result(entry, f"/credentialStatus/{i}", options, issuer))
    elif entries is not None:
        out.append(
            StatusResult(
                "unknown",
                None,
                None,
                None,
                options.clock.now(),
                problems=(
                    Problem(
                        "status.entry_invalid",
                        "credentialStatus must be an object or an array",
                        "credentialStatus moet een object of een lijst zijn",
                        "/credentialStatus",
                    ),
                ),
            )
        )
    return out


def check_status(
    credential: dict[str, Any], options: VerifyOptions, *, issuer: str | None = None
) -> StatusResult | None:
    """The combined status (worst wins), or ``None`` when the credential declares no status."""
    results = check_status_all(credential, options, issuer=issuer)
    if not results:
        return None
    if len(results) == 1:
        return results[0]
    worst = max(results, key=lambda r: _SEVERITY[r.state])
    fresh = [r.fresh_until for r in results if r.fresh_until is not None]
    return dataclasses.replace(
        worst,
        problems=tuple(p for r in results for p in r.problems),
        fresh_until=min(fresh) if fresh else None,
        entries=tuple(results),
    )


def record_status(
    builder: ReportBuilder, credential: dict[str, Any], options: VerifyOptions, *, issuer: str | None = None
) -> StatusResult | None:
    """Run :func:`check_status` and record the ``status`` check on ``builder``."""
    if not options.check_status:
        builder.skip(
            "status", Problem("status.not_checked", "status was not checked", "status is niet gecontroleerd")
        )
        return None
    result = check_status(credential, options, issuer=issuer)
    if result is None:
        builder.skip("status")
        return None
    detail = result.to_dict()
    if result.state == "valid":
        builder.passed("status", **detail)
    elif result.state in ("revoked", "suspended"):
        code = f"status.{result.state}"
        builder.fail(
            "status",
            Problem(
                code,
                f"the credential is {result.state}",
                "het bewijs is " + ("ingetrokken" if result.state == "revoked" else "geschorst"),
            ),
            **detail,
        )
    else:
        builder.fail("status", *result.problems, **detail)
    return result


def verify_status_token(data: Any, options: VerifyOptions) -> VerificationReport:
    """Verify a bare Token Status List JWT (format ``statuslist+jwt``)."""
    builder = ReportBuilder("statuslist+jwt")
    token = None
    with builder.run("parse"):
        token = parse_status_list_token(
            data.strip() if isinstance(data, str) else data,
            max_bytes=options.status_max_bytes,
        )
    if token is None:
        return builder.build()
    builder.claims = dict(token.claims)
    builder.meta.update({"sub": token.sub, "bits": token.status_list.bits, "size": token.status_list.size})
    with builder.run("signature"):
        found = find_issuer_key(token.issuer, token.jws.header, options)
        token.verify(found.key)
        builder.issuer = found.issuer  # ``iss``, or the DID whose key signed it
    with builder.run("validity"):
        token.check_time(options.clock, leeway=options.leeway)
    if options.trust_list is not None:
        record_trust(builder, builder.claims, options)
    return builder.build()
