"""Verify presentations and turn the reports into one verdict a person can read.

Every presentation goes through :func:`rotonde.verify.verify` with the session's holder-binding
values (OpenID4VP 1.0 Appendix B: SD-JWT VC KB-JWT ``aud`` = client id and ``nonce``; Data
Integrity VP ``domain`` = client id and ``challenge`` = nonce), status lists through the
caching resolver, the trust list (the engine's ``trust`` check, fatal, per credential with its
kind and level) and the ``replay`` policy check (:class:`rotonde.verify.ReplayCheck`: a
presentation recorded before, by any session or worker, fails ``presentation.replayed``); then
the DCQL query (§6.4) and the requirement. The requirement and the query stay outside the
engine: they judge all presentations of a response together (one credential anywhere may meet
it), not one document.

Recording a presentation as used is not part of verifying it: :func:`record_presentations`
does it in the transaction that stores the result, and only for presentations that verified,
so a response that never completes, or a presentation that failed, leaves nothing behind.

Verdicts: ``accepted`` (everything holds), ``rejected`` (a fatal check failed — with a trust
list configured that includes an issuer that is not on it or is unknown —, the query or the
requirement is not met), ``inconclusive`` (genuine, but the status list could not be read:
we never say "not revoked" when we do not know), ``declined`` (the wallet refused). An issuer
that is not on the trust list is never accepted, not even "with a warning" (docs/architecture.md §5).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection

from rotonde.errors import Problem, RotondeError
from rotonde.oid4vp import evaluate, jsonld_type_expander, parse_dcql
from rotonde.verify import (
    CHECK_NAMES,
    ReplayCheck,
    VerificationReport,
    VerifyOptions,
    presentation_digest,
    verify,
)
from verifier.flows.context import VerifierContext
from verifier.flows.requirement import evaluate_requirement

__all__ = [
    "build_result",
    "failure_result",
    "presentation_digest",
    "record_presentations",
    "verify_presentations",
]

_REPLAY_TTL = 7 * 24 * 3600.0

_SUMMARY: dict[str, tuple[str, str]] = {
    "accepted": ("Accepted: the evidence is genuine, valid and meets what you asked for.",
                 "Geaccepteerd: het bewijs is echt, geldig en voldoet aan uw vraag."),
    "rejected": ("Not accepted.", "Niet geaccepteerd."),
    "inconclusive": ("Not confirmed: we could not check whether the credential was revoked.",
                     "Niet bevestigd: we konden niet nagaan of het bewijs is ingetrokken."),
    "declined": ("The learner declined to share evidence.",
                 "De lerende heeft geweigerd bewijs te delen."),
}

_STATUS_UNKNOWN = {"status.unavailable", "fetch.failed", "fetch.disabled", "fetch.timeout",
                   "fetch.refused", "fetch.too_large", "status.unknown"}


def _options(ctx: VerifierContext, *, nonce: str | None, audience: str | None,
             seen: Callable[[str], bool] | None = None) -> VerifyOptions:
    def recorded(digest: str) -> bool:
        return ctx.one_time.seen("presentation", digest)

    return VerifyOptions(
        nonce=nonce, audience=audience, challenge=nonce, domain=audience,
        require_holder_binding=True, clock=ctx.clock, resolver=ctx.resolver,
        fetcher=ctx.fetcher, trust_list=ctx.trust_list, check_status=True,
        status_resolver=ctx.status_resolver, policies=(ReplayCheck(seen or recorded),),
    )


def verify_presentations(
    ctx: VerifierContext,
    vp_token: Mapping[str, Sequence[Any]],
    *,
    nonce: str | None,
    audience: str | None,
) -> dict[str, list[VerificationReport]]:
    """Verify every presentation (see the module docstring); records nothing."""
    options = _options(ctx, nonce=nonce, audience=audience)
    return {qid: [verify(item, options) for item in items] for qid, items in vp_token.items()}


def record_presentations(
    ctx: VerifierContext, vp_token: Mapping[str, Sequence[Any]],
    reports: Mapping[str, list[VerificationReport]], *, conn: Connection,
    nonce: str | None, audience: str | None,
) -> dict[str, list[VerificationReport]]:
    """Inside the open transaction ``conn``, record every presentation that verified as used.

    The database's unique key decides a race: a presentation another worker recorded since it
    was verified here is verified again — its ``replay`` check now fails — so the reports
    returned are the ones to store."""
    out: dict[str, list[VerificationReport]] = {}
    for qid, items in vp_token.items():
        marked = []
        for item, report in zip(items, reports.get(qid, []), strict=False):
            if report.verified:
                try:
                    ctx.one_time.issue("presentation", presentation_digest(item),
                                       ttl=_REPLAY_TTL, conn=conn)
                except RotondeError:
                    report = verify(item, _options(ctx, nonce=nonce, audience=audience,
                                                   seen=lambda _digest: True))
            marked.append(report)
        out[qid] = marked
    return out


def _credential_views(report: VerificationReport) -> list[tuple[str, dict[str, Any], str | None]]:
    """(format, claims, issuer) of each credential a presentation proved."""
    if report.format in ("ldp_vp", "vp+jwt") and report.credentials:
        return [("ldp_vc" if report.format == "ldp_vp" else "jwt_vc_json", r.claims or {},
                 r.issuer) for r in report.credentials]
    return [(report.format, report.claims or {}, report.issuer)]


def _trusted(report: VerificationReport) -> bool | None:
    checks = [report.check("trust")] + [r.check("trust") for r in report.credentials]
    outcomes = [c.outcome for c in checks if c is not None]
    if "failed" in outcomes:
        return False
    if "passed" in outcomes:
        return True
    return None


def _all_problems(report: VerificationReport, fatal_only: bool = True) -> list[Problem]:
    out = [p for c in report.checks if c.outcome == "failed" and (c.fatal or not fatal_only)
           for p in c.problems]
    for r in report.credentials:
        out.extend(_all_problems(r, fatal_only))
    return out


def build_result(
    ctx: VerifierContext,
    reports: Mapping[str, list[VerificationReport]],
    *,
    dcql_query: Mapping[str, Any] | None,
    requirement: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """The result document (JSON; the HTML page renders the same)."""
    presented: dict[str, list[tuple[str, Mapping[str, Any]]]] = {}
    creds: list[dict[str, Any]] = []
    rows: list[dict[str, Any]] = []
    fatal: list[Problem] = []
    for qid, items in reports.items():
        for report in items:
            views = _credential_views(report)
            if report.verified:
                presented.setdefault(qid, []).extend((f, c) for f, c, _ in views)
            trusted = _trusted(report)
            for fmt, claims, issuer in views:
                creds.append({"query_id": qid, "format": fmt, "claims": claims,
                              "issuer": issuer or report.issuer, "trusted": trusted,
                              "verified": report.verified})
            fatal.extend(_all_problems(report))
            rows.append({"query_id": qid, "report": report.to_dict()})
    dcql_eval = None
    if dcql_query is not None:
        # type_values are fully expanded IRIs (OpenID4VP 1.0 B.1.1): the presented types are
        # expanded with the JSON-LD processor (the verifier's offline contexts).
        dcql_eval = evaluate(parse_dcql(dcql_query), presented,
                             type_expander=jsonld_type_expander()).to_dict()
    req = evaluate_requirement(requirement or {}, [c for c in creds if c["verified"]])
    codes = [p.code for p in fatal]
    if not rows:
        verdict = "rejected"
    elif fatal and all(c in _STATUS_UNKNOWN for c in codes):
        verdict = "inconclusive"
    elif fatal or (dcql_eval is not None and not dcql_eval["satisfied"]) or not req["met"]:
        verdict = "rejected"
    else:
        verdict = "accepted"
    reasons = [p.to_dict() for p in fatal]
    if dcql_eval is not None and not dcql_eval["satisfied"]:
        reasons.extend(dcql_eval["problems"])
    reasons.extend({"code": r["code"], "message": r["message"], "message_nl": r["message_nl"]}
                   for r in req["reasons"] if not r["met"])
    en, nl = _SUMMARY[verdict]
    if verdict == "rejected" and reasons:
        en = f"{en} {reasons[0]['message'][:1].upper()}{reasons[0]['message'][1:]}."
        nl = f"{nl} {reasons[0]['message_nl'][:1].upper()}{reasons[0]['message_nl'][1:]}."
    return {
        "verdict": verdict,
        "summary": {"en": en, "nl": nl},
        "reasons": reasons,
        "checks": _check_rows(reports),
        "credentials": creds,
        "dcql": dcql_eval,
        "requirement": req,
        "presentations": rows,
        "checked_at": ctx.clock.now(),
    }


def _check_rows(reports: Mapping[str, list[VerificationReport]]) -> list[dict[str, Any]]:
    """One row per named check, worst outcome across all presentations."""
    rank = {"failed": 3, "passed": 1, "skipped": 0}
    rows: dict[str, dict[str, Any]] = {}

    def walk(report: VerificationReport) -> None:
        for c in report.checks:
            row = rows.setdefault(c.name, {"name": c.name, "outcome": c.outcome,
                                           "fatal": c.fatal, "problems": [], "detail": {}})
            if rank[c.outcome] > rank[row["outcome"]]:
                row["outcome"] = c.outcome
            row["problems"].extend(p.to_dict() for p in c.problems)
            row["detail"].update(c.detail)
        for r in report.credentials:
            walk(r)

    for items in reports.values():
        for r in items:
            walk(r)
    # the built-in checks in their report order, then policy checks (replay) as they came
    return [rows[n] for n in CHECK_NAMES if n in rows] + [
        row for n, row in rows.items() if n not in CHECK_NAMES]


def failure_result(ctx: VerifierContext, verdict: str, problem: Problem) -> dict[str, Any]:
    """A result for a response that never reached verification (garbage, wallet error)."""
    en, nl = _SUMMARY[verdict]
    if verdict == "rejected":
        en = f"{en} {problem.message[:1].upper()}{problem.message[1:]}."
        nl = f"{nl} {(problem.message_nl or problem.message)[:1].upper()}" \
             f"{(problem.message_nl or problem.message)[1:]}."
    return {"verdict": verdict, "summary": {"en": en, "nl": nl}, "reasons": [problem.to_dict()],
            "checks": [{"name": "parse", "outcome": "failed", "fatal": True,
                        "problems": [problem.to_dict()], "detail": {}}],
            "credentials": [], "dcql": None, "requirement": None, "presentations": [],
            "checked_at": ctx.clock.now()}
