"""Plain-language claims: an achievement record, or any credential's claims, as labelled rows.

Shared by the wallet (credential detail, consent) and the verifier (result page), so that a
learner and an HR officer read the same words in Dutch or English: "Niveau: NLQF 4 (≈ EQF 4),
aangegeven door de instelling", "Zekerheid: Beoordeeld (assessed)", "Studielast: 40 uur ·
1,5 EC", "Uitgegeven op 23 november 2026".

* :func:`describe` reads a record field by field (``schemas/achievement-record.schema.json``)
  and works on *partial* records: with SD-JWT selective disclosure (RFC 9901 §4.2) any subset
  of the fields may be present, and an absent field is simply not listed. The processed claims
  of a Rotonde SD-JWT VC (:mod:`rotonde.learning.sdjwt_vc`) are records plus JWT claims, so
  they can be passed as they are (the JWT claims are ignored here). A value of an unexpected
  shape is shown as compact JSON rather than dropped: nothing disclosed is hidden.
* :func:`describe_claims` takes the claims of any format: an ELM 3 or Open Badges 3.0
  credential is read with :func:`rotonde.learning.read` first; SD-JWT VC claims get their
  JWT registered claims (RFC 7519 §4.1: ``iss``, ``iat``, ``nbf``, ``exp``, ``sub``) and
  ``vct`` (SD-JWT VC §3.2.2.1.1) in words; anything else falls back to a generic listing.

Every row's text goes through :func:`rotonde.text.display_text` (directional formatting
characters removed), so no claim can reorder what a reader sees. With ``issuer`` (the identifier
the signature proved) an awarding body is named only when its ``id`` *is* that issuer; a body
that names another institution — or a credential whose issuer is unknown — gets "not
confirmed" instead of the claimed name (docs/architecture.md §5: a claimed name is shown only when it matches
what the signature proves).

Levels (EQF/NLQF and their source), assurances and the EU micro-credential elements follow
docs/architecture.md §1 and Council Recommendation 2022/C 243/02, Annex I. Skills are named with their ESCO
label (:func:`rotonde.learning.esco.label`) when known, else their URI.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import EllipsisType
from typing import Any

from rotonde.learning import _describe_fields as _f
from rotonde.learning._describe_text import datetime_text, json_text, say, timestamp_text, word
from rotonde.text import display_text

__all__ = [
    "RECORD_FIELDS",
    "Row",
    "awarding_body_proven",
    "describe",
    "describe_claims",
    "rows_for_path",
]

#: "Any issuer": describe a record without a verification behind it (previews, the CLI).
Issuer = str | None | EllipsisType

#: Record fields in the order they are listed (``record_version`` is not shown).
RECORD_FIELDS = (
    "title", "kind", "description", "learner", "awarding_body", "award_date", "validity",
    "qualification", "level", "equivalent_levels", "learning_outcomes", "workload",
    "assessment", "participation", "quality_assurance", "grade", "prerequisites",
    "stackability", "assurance", "id",
)

#: Claims that never carry anything a reader needs to see.
_HIDDEN = frozenset({"_sd", "_sd_alg", "...", "cnf", "proof", "@context", "status",
                     "vct#integrity", "record_version", "jti", "aud", "nonce", "sd_hash"})
_TIMES = ("iat", "nbf", "exp")
#: VCDM 2.0 §4.9 / VCDM 1.1 date-time properties, shown as dates.
_VC_DATES = frozenset({"validFrom", "validUntil", "issuanceDate", "expirationDate",
                       "awardedDate"})
_MAX_ROWS = 200


@dataclass(frozen=True)
class Row:
    """One line a person reads: ``label``: ``value_text`` (``detail`` in smaller print).

    ``key`` is the claim path it shows (``level``, ``learner.name``,
    ``learning_outcomes.2``, ``iat``), so a page can match rows to disclosed paths."""

    key: str
    label: str
    value_text: str
    detail: str | None = None

    def __post_init__(self) -> None:
        for name in ("label", "value_text", "detail"):
            value = getattr(self, name)
            if isinstance(value, str):
                object.__setattr__(self, name, display_text(value))


def _lang(lang: str) -> str:
    return "en" if lang == "en" else "nl"


def awarding_body_proven(record: Mapping[str, Any], issuer: str | None) -> bool:
    """Is the record's awarding body the proven ``issuer`` (its ``id`` is that identifier)?"""
    body = record.get("awarding_body") if isinstance(record, Mapping) else None
    return (isinstance(issuer, str) and bool(issuer) and isinstance(body, Mapping)
            and body.get("id") == issuer)


def _unconfirmed_body(record: Mapping[str, Any], lang: str) -> Row:
    body = record.get("awarding_body")
    claimed = body.get("id") if isinstance(body, Mapping) else None
    return Row("awarding_body", say("awarding_body", lang), say("awarding_body.unconfirmed", lang),
               json_text(claimed) if claimed is not None else None)


def describe(record: Mapping[str, Any], *, lang: str = "nl", issuer: Issuer = ...) -> list[Row]:
    """The fields of a (possibly partial) achievement record as rows, in :data:`RECORD_FIELDS`
    order. ``issuer``: the identifier the signature proved (``None``: none was), see the module
    docstring. Never raises for a mapping; anything else gives no rows."""
    if not isinstance(record, Mapping):
        return []
    lang = _lang(lang)
    rows: list[Row] = []
    for name in RECORD_FIELDS:
        if name not in record or record[name] is None:
            continue
        if name == "equivalent_levels" and isinstance(record.get("level"), Mapping):
            continue  # shown with the main level
        if name == "awarding_body" and not isinstance(issuer, EllipsisType) \
                and not awarding_body_proven(record, issuer):
            rows.append(_unconfirmed_body(record, lang))
            continue
        for key, label, value, detail in _f.field(name, record, lang):
            rows.append(Row(key, label, value, detail or None))
    return rows[:_MAX_ROWS]


def _envelope(claims: Mapping[str, Any], lang: str) -> list[Row]:
    """Rows for ``vct``, ``iss``, ``sub`` and the NumericDate claims (RFC 7519 §4.1)."""
    from rotonde.learning.sdjwt_vc import VCT_BASE, vct_for

    rows: list[Row] = []
    vct = claims.get("vct")
    if vct is not None:
        kinds = {vct_for(k): k for k in ("microcredential", "qualification", "evc",
                                         "employer_attestation", "self_assessment")}
        if isinstance(vct, str) and vct in kinds:
            if "kind" not in claims:
                rows.append(Row("vct", say("kind", lang), word("kind", kinds[vct], lang), vct))
        else:
            rows.append(Row("vct", say("vct", lang), json_text(vct),
                            None if not str(vct).startswith(VCT_BASE) else VCT_BASE))
    if isinstance(claims.get("iss"), str):
        rows.append(Row("iss", say("iss", lang), str(claims["iss"])))
    if isinstance(claims.get("sub"), str):
        rows.append(Row("sub", say("sub", lang), str(claims["sub"])))
    for name in _TIMES:
        if name not in claims or (name != "iat" and isinstance(claims.get("validity"), Mapping)):
            continue
        shown = timestamp_text(claims[name], lang)
        if shown is None:
            rows.append(Row(name, say(name, lang), json_text(claims[name])))
        else:
            rows.append(Row(name, say(name, lang), shown[0], shown[1]))
    return rows


def _generic(claims: Mapping[str, Any], skip: frozenset[str], lang: str) -> list[Row]:
    """Every other claim as ``path: value`` (dates of ``iat``/``nbf``/``exp`` in words)."""
    rows: list[Row] = []

    def walk(value: Any, path: str, depth: int) -> None:
        if len(rows) >= _MAX_ROWS:
            return
        last = path.rsplit(".", 1)[-1]
        if last in _HIDDEN:
            return
        if isinstance(value, Mapping) and value and depth < 8:
            for k, v in value.items():
                walk(v, f"{path}.{k}" if path else str(k), depth + 1)
            return
        if isinstance(value, list) and any(isinstance(v, (Mapping, list)) for v in value) \
                and depth < 8:
            for i, v in enumerate(value):
                walk(v, f"{path}.{i}", depth + 1)
            return
        if last in _TIMES:
            shown = timestamp_text(value, lang)
            if shown is not None:
                rows.append(Row(path, say(last, lang), shown[0], shown[1]))
                return
        if isinstance(value, list):
            text = ", ".join(json_text(v) for v in value)
        else:
            text = (datetime_text(value, lang) if last in _VC_DATES else None) or json_text(value)
        label = say(f"vc.{path}", lang)
        rows.append(Row(path, path.replace(".", " › ") if label == f"vc.{path}" else label, text))

    for key, value in claims.items():
        if isinstance(key, str) and key not in skip:
            walk(value, key, 0)
    return rows


def _read_record(claims: Mapping[str, Any]) -> dict[str, Any] | None:
    """The record of an ELM 3 / Open Badges 3.0 credential (or of a JWT's ``vc`` claim)."""
    from rotonde.errors import RotondeError
    from rotonde.learning import elm, ob3, read

    for doc in (claims, claims.get("vc")):
        if not isinstance(doc, Mapping):
            continue
        try:
            if elm.is_elm(doc) or ob3.is_ob3(doc):
                return read(dict(doc))
        except (RotondeError, TypeError, ValueError, KeyError, AttributeError, RecursionError):
            return None
    return None


def describe_claims(claims: Mapping[str, Any], *, lang: str = "nl",
                    issuer: Issuer = ...) -> list[Row]:
    """The claims of any credential in words (see the module docstring; ``issuer`` as for
    :func:`describe`). Never raises for a mapping; anything else gives no rows."""
    if not isinstance(claims, Mapping):
        return []
    lang = _lang(lang)
    record = _read_record(claims)
    if record is not None:
        return describe(record, lang=lang, issuer=issuer)
    if any(isinstance(k, str) and k in RECORD_FIELDS for k in claims) and (
            "vct" in claims or "kind" in claims or "learning_outcomes" in claims
            or "awarding_body" in claims or "level" in claims):
        rows = _envelope(claims, lang) + describe(claims, lang=lang, issuer=issuer)
        shown = frozenset(RECORD_FIELDS) | {"vct", "iss", "sub", *_TIMES}
        return (_reorder(rows) + _generic(claims, shown | _HIDDEN, lang))[:_MAX_ROWS]
    rows = _envelope(claims, lang)
    shown = frozenset({"vct", "iss", "sub", *_TIMES})
    return (rows + _generic(claims, shown | _HIDDEN, lang))[:_MAX_ROWS]


def _reorder(rows: list[Row]) -> list[Row]:
    """Record rows first, then the envelope (issuer identifier, dates) — but the type first."""
    head = [r for r in rows if r.key == "vct"]
    envelope = [r for r in rows if r.key in ("iss", "sub", *_TIMES)]
    body = [r for r in rows if r not in head and r not in envelope]
    return head + body + envelope


def rows_for_path(rows: list[Row], path: str) -> list[Row]:
    """The rows that show claim ``path`` (dotted: ``level``, ``learner.name``,
    ``learning_outcomes.0``); a whole object or array matches the rows below it."""
    if path == "equivalent_levels" and not any(r.key == path for r in rows):
        path = "level"
    return [r for r in rows if r.key == path or r.key.startswith(path + ".")]
