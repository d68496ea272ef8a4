"""Evaluate a DCQL query against credentials (OpenID4VP 1.0 §6.4, §7.1, Appendix B).

* :func:`select_path` — §7.1 claims path processing over a claims set (a JSON value).
* :func:`match_credential` — does one credential (format + its claims) satisfy one Credential
  Query? Returns the claims that answer it (the first satisfiable claim set, §6.4.1) or the
  reasons it does not.
* :func:`evaluate` — the verifier side: given what each presentation in a ``vp_token`` proved,
  are all required credential queries and credential sets (§6.4.2) satisfied?

For ``ldp_vc`` / ``jwt_vc_json``, ``type_values`` are fully expanded IRIs (Appendix B.1.1):
"the fully expanded types (IRIs) ... after applying the ``@context`` to the Verifiable
Credential"; a type no context defines stays as written (a relative IRI). The
``type_expander`` — :func:`jsonld_type_expander` in the wallet and the verifier — adds the
credential's types expanded with the JSON-LD processor; the types as written still count too,
so a query that names a compact term (as Rotonde's own did before) keeps matching.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rotonde.errors import Problem
from rotonde.oid4vp.dcql import ClaimPath, ClaimsQuery, CredentialQuery, DcqlQuery

__all__ = [
    "CredentialMatch",
    "DcqlEvaluation",
    "evaluate",
    "format_path",
    "jsonld_type_expander",
    "match_credential",
    "narrow_paths",
    "select_path",
]

_MISSING: list[Any] = []

#: Formats that are interchangeable for matching purposes (names used by the verify engine).
_FORMAT_ALIASES: dict[str, frozenset[str]] = {
    "dc+sd-jwt": frozenset({"dc+sd-jwt"}),
    "ldp_vc": frozenset({"ldp_vc", "ldp_vp"}),
    "jwt_vc_json": frozenset({"jwt_vc_json", "vc+jwt", "vp+jwt"}),
}


def format_path(path: Sequence[str | int | None]) -> str:
    """A readable claim path: ``credentialSubject.achievement[0].level``, ``[*]`` for null."""
    out = ""
    for comp in path:
        if comp is None:
            out += "[*]"
        elif isinstance(comp, int):
            out += f"[{comp}]"
        else:
            out += ("." if out else "") + comp
    return out


def select_path(claims: Any, path: ClaimPath) -> list[Any]:
    """§7.1: the elements selected by ``path``; an empty list when nothing is selected."""
    selected: list[Any] = [claims]
    for comp in path:
        nxt: list[Any] = []
        for node in selected:
            if isinstance(comp, str):
                if not isinstance(node, dict):
                    return _MISSING
                if comp in node:
                    nxt.append(node[comp])
            elif comp is None:
                if not isinstance(node, list):
                    return _MISSING
                nxt.extend(node)
            else:
                if not isinstance(node, list):
                    return _MISSING
                if 0 <= comp < len(node):
                    nxt.append(node[comp])
        if not nxt:
            return _MISSING
        selected = nxt
    return selected


def _value_matches(selected: Iterable[Any], values: Sequence[str | int | bool]) -> bool:
    for item in selected:
        for v in values:
            if type(item) is type(v) and item == v:
                return True
    return False


def _claim_ok(claims: Any, query: ClaimsQuery) -> Problem | None:
    found = select_path(claims, query.path)
    where = format_path(query.path)
    if not found:
        return Problem(
            "dcql.claim_missing",
            f"requested claim {where} was not disclosed",
            f"gevraagde claim {where} is niet gedeeld",
            where,
        )
    if query.values is not None and not _value_matches(found, query.values):
        return Problem(
            "dcql.claim_value_mismatch",
            f"claim {where} does not have one of the requested values",
            f"claim {where} heeft niet een van de gevraagde waarden",
            where,
            {"expected": list(query.values)},
        )
    return None


def jsonld_type_expander(
    loader: Any = None,
) -> Callable[[Mapping[str, Any]], Iterable[str]]:
    """A ``type_expander``: the credential's ``type`` values expanded with its ``@context``
    by the JSON-LD processor (:func:`rotonde.jsonld.expand`, offline loader unless one is
    given). Only ``@context`` and ``type`` are expanded; a ``jwt_vc_json`` credential's ``vc``
    claim is used when there is one. A context the loader cannot give yields no expanded
    types (the written ones still count), never an exception."""

    def expand_types(claims: Mapping[str, Any]) -> Iterable[str]:
        from rotonde.errors import RotondeError
        from rotonde.jsonld import expand
        from rotonde.jsonld.strict import RELATIVE_BASE

        doc = claims.get("vc", claims) if isinstance(claims.get("vc"), Mapping) else claims
        if "@context" not in doc or "type" not in doc:
            return ()
        try:
            expanded = expand({"@context": doc["@context"], "type": doc["type"]},
                              loader=loader, strict=False)
        except (RotondeError, ValueError, TypeError, KeyError):
            return ()
        out: list[str] = []
        for node in expanded:
            types = node.get("@type", []) if isinstance(node, dict) else []
            # an undefined type "remains a relative IRI after JSON-LD processing" (B.1.1)
            out.extend(t.removeprefix(RELATIVE_BASE) for t in types if isinstance(t, str))
        return out

    return expand_types


def _types(claims: Mapping[str, Any]) -> set[str]:
    raw = claims.get("type", [])
    if isinstance(raw, str):
        raw = [raw]
    return {t for t in raw if isinstance(t, str)} if isinstance(raw, list) else set()


def _meta_problem(
    query: CredentialQuery,
    claims: Mapping[str, Any],
    type_expander: Callable[[Mapping[str, Any]], Iterable[str]] | None,
) -> Problem | None:
    meta = query.meta
    if query.format == "dc+sd-jwt":
        vct = claims.get("vct")
        if vct not in meta.get("vct_values", ()):
            return Problem(
                "dcql.vct_mismatch",
                f"credential type (vct) {vct!r} is not one of the requested types",
                f"credentialtype (vct) {vct!r} is niet een van de gevraagde typen",
                "vct",
            )
    elif query.format in ("ldp_vc", "jwt_vc_json"):
        types = _types(claims.get("vc", claims) if query.format == "jwt_vc_json" else claims)
        if type_expander is not None:
            types |= set(type_expander(claims))
        alternatives = meta.get("type_values", ())
        if not any(set(alt) <= types for alt in alternatives):
            return Problem(
                "dcql.type_mismatch",
                f"credential types {sorted(types)} do not match the requested types",
                f"credentialtypen {sorted(types)} passen niet bij de gevraagde typen",
                "type",
            )
    return None


@dataclass(frozen=True)
class CredentialMatch:
    """Whether one credential answers one Credential Query, and with which claims."""

    query_id: str
    satisfied: bool
    claim_paths: tuple[ClaimPath, ...] = ()
    problems: tuple[Problem, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "query_id": self.query_id,
            "satisfied": self.satisfied,
            "claims": [format_path(p) for p in self.claim_paths],
            "problems": [p.to_dict() for p in self.problems],
        }


def match_credential(
    query: CredentialQuery,
    fmt: str,
    claims: Mapping[str, Any],
    *,
    type_expander: Callable[[Mapping[str, Any]], Iterable[str]] | None = None,
) -> CredentialMatch:
    """§6.4.1: does a credential of format ``fmt`` with ``claims`` satisfy ``query``?

    ``claim_paths`` are the paths that answer the query (what a wallet should disclose); with
    ``claim_sets``, the first satisfiable set is chosen (sets are in order of preference).
    """
    if fmt not in _FORMAT_ALIASES.get(query.format, frozenset({query.format})):
        return CredentialMatch(query.id, False, (), (Problem(
            "dcql.format_mismatch",
            f"a {fmt} credential cannot answer a {query.format} query",
            f"een {fmt}-credential kan geen {query.format}-vraag beantwoorden",
        ),))
    meta = _meta_problem(query, claims, type_expander)
    if meta is not None:
        return CredentialMatch(query.id, False, (), (meta,))
    if query.claims is None:
        return CredentialMatch(query.id, True)
    if query.claim_sets is None:
        problems = [p for c in query.claims if (p := _claim_ok(claims, c)) is not None]
        if problems:
            return CredentialMatch(query.id, False, (), tuple(problems))
        return CredentialMatch(query.id, True, tuple(c.path for c in query.claims))
    first_problems: list[Problem] = []
    for i, option in enumerate(query.claim_sets):
        chosen = [query.claim(cid) for cid in option]
        problems = [p for c in chosen if (p := _claim_ok(claims, c)) is not None]
        if not problems:
            return CredentialMatch(query.id, True, tuple(c.path for c in chosen))
        if i == 0:
            first_problems = problems
    return CredentialMatch(query.id, False, (), tuple(first_problems))


@dataclass(frozen=True)
class DcqlEvaluation:
    """The verifier's view of a response against its query (§6.4.2)."""

    satisfied: bool
    credentials: Mapping[str, tuple[CredentialMatch, ...]]
    problems: tuple[Problem, ...] = ()
    unanswered: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {
            "satisfied": self.satisfied,
            "credentials": {k: [m.to_dict() for m in v] for k, v in self.credentials.items()},
            "problems": [p.to_dict() for p in self.problems],
            "unanswered": list(self.unanswered),
        }


def evaluate(
    query: DcqlQuery,
    presented: Mapping[str, Sequence[tuple[str, Mapping[str, Any]]]],
    *,
    type_expander: Callable[[Mapping[str, Any]], Iterable[str]] | None = None,
) -> DcqlEvaluation:
    """Check a response: ``presented`` maps credential query id → ``[(format, claims), ...]``
    (the *verified* claims of each presentation).

    Fails when an unknown query id is answered, a query without ``multiple`` gets several
    presentations, a presentation does not match its query, or a required credential set
    (or, without credential sets, any credential query) is not answered (§6.4.2).
    """
    problems: list[Problem] = []
    matches: dict[str, tuple[CredentialMatch, ...]] = {}
    ok_ids: set[str] = set()
    known = set(query.ids)
    for qid, items in presented.items():
        if qid not in known:
            problems.append(Problem(
                "dcql.unknown_query_id",
                f"the response answers {qid!r}, which was not asked",
                f"het antwoord bevat {qid!r}, waarnaar niet is gevraagd",
                f"/{qid}",
            ))
            continue
        cq = query.credential(qid)
        if len(items) > 1 and not cq.multiple:
            problems.append(Problem(
                "dcql.multiple_not_allowed",
                f"{len(items)} presentations for {qid!r}, which allows only one",
                f"{len(items)} presentaties voor {qid!r}, terwijl er maar één mag",
                f"/{qid}",
            ))
        results = tuple(
            match_credential(cq, fmt, claims, type_expander=type_expander)
            for fmt, claims in items
        )
        matches[qid] = results
        if results and all(r.satisfied for r in results) and (len(items) == 1 or cq.multiple):
            ok_ids.add(qid)
    if query.credential_sets is None:
        required_sets: list[tuple[tuple[str, ...], ...]] = [((cid,),) for cid in query.ids]
    else:
        required_sets = [s.options for s in query.credential_sets if s.required]
    for results in matches.values():
        for r in results:
            problems.extend(r.problems)
    unanswered: list[str] = []
    for options in required_sets:
        if not any(all(cid in ok_ids for cid in opt) for opt in options):
            missing = sorted({cid for opt in options for cid in opt if cid not in ok_ids})
            unanswered.extend(m for m in missing if m not in unanswered)
            problems.append(Problem(
                "dcql.credential_missing",
                "no valid presentation for: " + " or ".join("+".join(o) for o in options),
                "geen geldige presentatie voor: " + " of ".join("+".join(o) for o in options),
            ))
    return DcqlEvaluation(not problems, matches, tuple(problems), tuple(unanswered))


def narrow_paths(
    query: CredentialQuery, claims: Any, paths: Iterable[ClaimPath]
) -> tuple[ClaimPath, ...]:
    """Narrow array wildcards to the elements a ``values`` constraint matched (§6.3, §6.4.1).

    A claims query like ``["learning_outcomes", null, "skill"]`` with ``values: [S]`` is met by
    the array elements whose ``skill`` is ``S``; the holder then needs to disclose only those
    elements, not the whole array. Paths without ``values`` or without exactly one wildcard
    are returned unchanged.
    """
    out: list[ClaimPath] = []
    for path in paths:
        asked = next((c for c in query.claims or () if tuple(c.path) == tuple(path)), None)
        if asked is None or not asked.values or list(path).count(None) != 1:
            out.append(path)
            continue
        i = list(path).index(None)
        arrays = select_path(claims, path[:i])
        if len(arrays) != 1 or not isinstance(arrays[0], list):
            out.append(path)
            continue
        hits = []
        for n in range(len(arrays[0])):
            concrete = (*path[:i], n, *path[i + 1:])
            if _value_matches(select_path(claims, concrete), asked.values):
                hits.append(concrete)
        out.extend(hits or [path])
    return tuple(out)
