"""DCQL, the Digital Credentials Query Language (OpenID4VP 1.0 §6 and §7).

A query is parsed into frozen dataclasses and validated strictly; every problem names its JSON
pointer inside the query. The data model:

* §6 top level: ``credentials`` (REQUIRED, non-empty) and ``credential_sets`` (OPTIONAL).
* §6.1 Credential Query: ``id`` (REQUIRED; ``[A-Za-z0-9_-]+``, unique), ``format`` (REQUIRED),
  ``multiple`` (default ``false``), ``meta`` (REQUIRED object; format-specific, Appendix B:
  ``vct_values`` for ``dc+sd-jwt``, ``type_values`` for ``ldp_vc``/``jwt_vc_json``,
  ``doctype_value`` for ``mso_mdoc``), ``trusted_authorities``,
  ``require_cryptographic_holder_binding`` (default ``true``), ``claims``, ``claim_sets``.
* §6.2 Credential Set Query: ``options`` (REQUIRED, non-empty array of non-empty arrays of
  credential query ids) and ``required`` (default ``true``).
* §6.3 Claims Query: ``id`` (REQUIRED when ``claim_sets`` is present), ``path`` (REQUIRED,
  a claims path pointer, §7), ``values`` (strings, integers or booleans).
* §7 Claims path pointer: non-empty array of strings (object key), non-negative integers
  (array index) and ``null`` (every array element).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rotonde.oid4vp._errors import invalid

__all__ = [
    "ClaimPath",
    "ClaimsQuery",
    "CredentialQuery",
    "CredentialSetQuery",
    "DcqlQuery",
    "parse_dcql",
    "parse_path",
]

#: One claims path pointer (§7): keys, indices and ``None`` for "all elements".
ClaimPath = tuple[str | int | None, ...]

_ID = re.compile(r"^[A-Za-z0-9_-]+$")
_MAX_CREDENTIALS = 50
_MAX_CLAIMS = 200
_MAX_PATH = 32
_MAX_VALUES = 100


@dataclass(frozen=True, slots=True)
class ClaimsQuery:
    """§6.3: one requested claim."""

    path: ClaimPath
    id: str | None = None
    values: tuple[str | int | bool, ...] | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.id is not None:
            out["id"] = self.id
        out["path"] = list(self.path)
        if self.values is not None:
            out["values"] = list(self.values)
        return out


@dataclass(frozen=True, slots=True)
class CredentialQuery:
    """§6.1: one requested credential."""

    id: str
    format: str
    meta: Mapping[str, Any]
    multiple: bool = False
    claims: tuple[ClaimsQuery, ...] | None = None
    claim_sets: tuple[tuple[str, ...], ...] | None = None
    trusted_authorities: tuple[Mapping[str, Any], ...] | None = None
    require_cryptographic_holder_binding: bool = True

    def claim(self, claim_id: str) -> ClaimsQuery:
        for c in self.claims or ():
            if c.id == claim_id:
                return c
        raise KeyError(claim_id)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "format": self.format, "meta": dict(self.meta)}
        if self.multiple:
            out["multiple"] = True
        if not self.require_cryptographic_holder_binding:
            out["require_cryptographic_holder_binding"] = False
        if self.trusted_authorities is not None:
            out["trusted_authorities"] = [dict(t) for t in self.trusted_authorities]
        if self.claims is not None:
            out["claims"] = [c.to_json() for c in self.claims]
        if self.claim_sets is not None:
            out["claim_sets"] = [list(s) for s in self.claim_sets]
        return out


@dataclass(frozen=True, slots=True)
class CredentialSetQuery:
    """§6.2: alternatives over credential queries."""

    options: tuple[tuple[str, ...], ...]
    required: bool = True

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"options": [list(o) for o in self.options]}
        if not self.required:
            out["required"] = False
        return out


@dataclass(frozen=True, slots=True)
class DcqlQuery:
    """§6: a whole DCQL query."""

    credentials: tuple[CredentialQuery, ...]
    credential_sets: tuple[CredentialSetQuery, ...] | None = None

    def credential(self, query_id: str) -> CredentialQuery:
        for c in self.credentials:
            if c.id == query_id:
                return c
        raise KeyError(query_id)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.credentials)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"credentials": [c.to_json() for c in self.credentials]}
        if self.credential_sets is not None:
            out["credential_sets"] = [s.to_json() for s in self.credential_sets]
        return out


# --------------------------------------------------------------------------- parsing


def _need(cond: bool, ptr: str, message: str, message_nl: str, code: str = "dcql.invalid") -> None:
    if not cond:
        raise invalid(code, message, message_nl, ptr)


def _is_int(v: object) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _array(value: Any, ptr: str, what: str, limit: int) -> Sequence[Any]:
    _need(
        isinstance(value, list) and len(value) > 0,
        ptr,
        f"{what} must be a non-empty array",
        f"{what} moet een niet-lege lijst zijn",
    )
    _need(len(value) <= limit, ptr, f"{what} has more than {limit} entries",
          f"{what} heeft meer dan {limit} elementen", "dcql.too_large")
    seq: Sequence[Any] = value
    return seq


def _ident(value: Any, ptr: str, what: str) -> str:
    _need(
        isinstance(value, str) and bool(_ID.match(value)) and len(value) <= 128,
        ptr,
        f"{what} must be a non-empty string of letters, digits, '_' and '-'",
        f"{what} moet een niet-lege tekst van letters, cijfers, '_' en '-' zijn",
    )
    ident: str = value
    return ident


def _object(value: Any, ptr: str, what: str) -> Mapping[str, Any]:
    _need(isinstance(value, dict), ptr, f"{what} must be a JSON object",
          f"{what} moet een JSON-object zijn")
    obj: Mapping[str, Any] = value
    return obj


def _bool(obj: Mapping[str, Any], key: str, default: bool, ptr: str) -> bool:
    value = obj.get(key, default)
    _need(isinstance(value, bool), f"{ptr}/{key}", f"{key} must be true or false",
          f"{key} moet true of false zijn")
    flag: bool = value
    return flag


def parse_path(value: Any, ptr: str = "") -> ClaimPath:
    """Validate a claims path pointer (§7)."""
    items = _array(value, ptr, "path", _MAX_PATH)
    for i, comp in enumerate(items):
        _need(
            comp is None or isinstance(comp, str) or (_is_int(comp) and comp >= 0),
            f"{ptr}/{i}",
            "path elements must be strings, non-negative integers or null",
            "padelementen moeten teksten, niet-negatieve gehele getallen of null zijn",
        )
    return tuple(items)


def _claims_query(value: Any, ptr: str, need_id: bool) -> ClaimsQuery:
    obj = _object(value, ptr, "claims query")
    cid = None
    if "id" in obj or need_id:
        cid = _ident(obj.get("id"), f"{ptr}/id", "claim id")
    path = parse_path(obj.get("path"), f"{ptr}/path")
    values = None
    if "values" in obj:
        vals = _array(obj["values"], f"{ptr}/values", "values", _MAX_VALUES)
        for i, v in enumerate(vals):
            _need(
                isinstance(v, (str, bool)) or _is_int(v),
                f"{ptr}/values/{i}",
                "values must be strings, integers or booleans",
                "waarden moeten teksten, gehele getallen of booleans zijn",
            )
        values = tuple(vals)
    return ClaimsQuery(path, cid, values)


def _check_meta(fmt: str, meta: Mapping[str, Any], ptr: str) -> None:
    """Appendix B: the format-specific ``meta`` members."""
    if fmt == "dc+sd-jwt":
        vals = _array(meta.get("vct_values"), f"{ptr}/vct_values", "vct_values", _MAX_VALUES)
        for i, v in enumerate(vals):
            _need(isinstance(v, str) and v != "", f"{ptr}/vct_values/{i}",
                  "vct_values must hold strings", "vct_values moet teksten bevatten")
    elif fmt in ("ldp_vc", "jwt_vc_json"):
        alts = _array(meta.get("type_values"), f"{ptr}/type_values", "type_values", _MAX_VALUES)
        for i, alt in enumerate(alts):
            inner = _array(alt, f"{ptr}/type_values/{i}", "type_values entry", _MAX_VALUES)
            for j, v in enumerate(inner):
                _need(isinstance(v, str) and v != "", f"{ptr}/type_values/{i}/{j}",
                      "type values must be strings", "typewaarden moeten teksten zijn")
    elif fmt == "mso_mdoc":
        _need(isinstance(meta.get("doctype_value"), str), f"{ptr}/doctype_value",
              "doctype_value must be a string", "doctype_value moet een tekst zijn")


def _credential_query(value: Any, ptr: str) -> CredentialQuery:
    obj = _object(value, ptr, "credential query")
    qid = _ident(obj.get("id"), f"{ptr}/id", "credential query id")
    fmt = obj.get("format")
    _need(isinstance(fmt, str) and fmt != "", f"{ptr}/format", "format must be a non-empty string",
          "format moet een niet-lege tekst zijn")
    assert isinstance(fmt, str)
    meta = _object(obj.get("meta"), f"{ptr}/meta", "meta")
    _check_meta(fmt, meta, f"{ptr}/meta")
    multiple = _bool(obj, "multiple", False, ptr)
    binding = _bool(obj, "require_cryptographic_holder_binding", True, ptr)
    trusted = None
    if "trusted_authorities" in obj:
        tas = _array(obj["trusted_authorities"], f"{ptr}/trusted_authorities",
                     "trusted_authorities", _MAX_VALUES)
        for i, ta in enumerate(tas):
            tptr = f"{ptr}/trusted_authorities/{i}"
            t = _object(ta, tptr, "trusted authority")
            _need(isinstance(t.get("type"), str), f"{tptr}/type", "type must be a string",
                  "type moet een tekst zijn")
            for j, v in enumerate(_array(t.get("values"), f"{tptr}/values", "values", _MAX_VALUES)):
                _need(isinstance(v, str), f"{tptr}/values/{j}", "values must be strings",
                      "waarden moeten teksten zijn")
        trusted = tuple(dict(t) for t in tas)
    has_sets = "claim_sets" in obj
    claims = None
    if "claims" in obj:
        items = _array(obj["claims"], f"{ptr}/claims", "claims", _MAX_CLAIMS)
        claims = tuple(
            _claims_query(c, f"{ptr}/claims/{i}", has_sets) for i, c in enumerate(items)
        )
        ids = [c.id for c in claims if c.id is not None]
        _need(len(ids) == len(set(ids)), f"{ptr}/claims", "claim ids must be unique",
              "claim-id's moeten uniek zijn", "dcql.duplicate_id")
    claim_sets = None
    if has_sets:
        _need(claims is not None, f"{ptr}/claim_sets", "claim_sets requires claims",
              "claim_sets vereist claims")
        known = {c.id for c in claims or ()}
        sets = []
        for i, s in enumerate(_array(obj["claim_sets"], f"{ptr}/claim_sets", "claim_sets",
                                     _MAX_CLAIMS)):
            members = _array(s, f"{ptr}/claim_sets/{i}", "claim set", _MAX_CLAIMS)
            for j, m in enumerate(members):
                _need(isinstance(m, str) and m in known, f"{ptr}/claim_sets/{i}/{j}",
                      f"claim set names unknown claim id {m!r}",
                      f"claimset noemt onbekende claim-id {m!r}", "dcql.unknown_id")
            sets.append(tuple(members))
        claim_sets = tuple(sets)
    return CredentialQuery(qid, fmt, dict(meta), multiple, claims, claim_sets, trusted, binding)


def parse_dcql(value: Any) -> DcqlQuery:
    """Parse and validate a DCQL query (a ``dict``). Raises :class:`ValidationError`."""
    obj = _object(value, "", "DCQL query")
    creds = _array(obj.get("credentials"), "/credentials", "credentials", _MAX_CREDENTIALS)
    queries = tuple(_credential_query(c, f"/credentials/{i}") for i, c in enumerate(creds))
    ids = [q.id for q in queries]
    dup = next((i for i, q in enumerate(ids) if ids.index(q) != i), None)
    _need(dup is None, f"/credentials/{dup}/id", "credential query ids must be unique",
          "id's van credential-queries moeten uniek zijn", "dcql.duplicate_id")
    sets = None
    if "credential_sets" in obj:
        items = _array(obj["credential_sets"], "/credential_sets", "credential_sets",
                       _MAX_CREDENTIALS)
        parsed = []
        for i, s in enumerate(items):
            sptr = f"/credential_sets/{i}"
            so = _object(s, sptr, "credential set query")
            options = []
            for j, opt in enumerate(_array(so.get("options"), f"{sptr}/options", "options",
                                           _MAX_CREDENTIALS)):
                members = _array(opt, f"{sptr}/options/{j}", "option", _MAX_CREDENTIALS)
                for k, m in enumerate(members):
                    _need(m in ids, f"{sptr}/options/{j}/{k}",
                          f"option names unknown credential query id {m!r}",
                          f"optie noemt onbekende credential-query-id {m!r}", "dcql.unknown_id")
                options.append(tuple(members))
            parsed.append(CredentialSetQuery(tuple(options), _bool(so, "required", True, sptr)))
        sets = tuple(parsed)
    return DcqlQuery(queries, sets)
