"""Verifiable credentials as plain JSON documents (W3C VC Data Model 2.0).

:func:`validate_credential` checks the data model rules that can be checked without JSON-LD
processing and returns every :class:`~rotonde.errors.Problem` it finds, each with a JSON
pointer; :func:`ensure_credential` raises them as one :class:`ValidationError`;
:func:`build_credential` assembles a credential and validates it.

Rules implemented (VCDM 2.0 section in brackets): ``@context`` first entry
``https://www.w3.org/ns/credentials/v2`` (§4.3), ``id`` a URL (§4.4), ``type`` includes
``VerifiableCredential`` (§4.5), ``name``/``description`` strings or language value objects
(§4.6, §11.1), ``issuer`` a URL or an object with an ``id`` URL (§4.7), ``credentialSubject``
one or more non-empty objects (§4.8), ``validFrom``/``validUntil`` ``dateTimeStamp`` with
``validFrom <= validUntil`` (§4.9), ``credentialStatus`` (§4.10), ``credentialSchema`` (§4.11),
``relatedResource`` with ``digestSRI``/``digestMultibase`` (§5.3), ``refreshService`` (§5.4),
``termsOfUse`` (§5.5), ``evidence`` (§5.6).

VCDM 1.1 credentials are read, never issued (issue 15 D): a credential whose first context is
``https://www.w3.org/2018/credentials/v1`` (VCDM 1.1 §4.1) must have an ``issuanceDate``
(§4.6) and may have an ``expirationDate`` (§4.7), both date-times with a time zone and in
order; ``validFrom``/``validUntil`` are VCDM 2.0 terms the 1.1 context does not define.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from rotonde.clock import parse_datetime
from rotonde.errors import Problem, ValidationError

__all__ = [
    "VC_V1_CONTEXT",
    "VC_V2_CONTEXT",
    "build_credential",
    "common_problems",
    "context_problems",
    "ensure_credential",
    "is_url",
    "is_vcdm1",
    "language_value_problems",
    "pointer",
    "type_values",
    "validate_credential",
]

VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
VC_V1_CONTEXT = "https://www.w3.org/2018/credentials/v1"

_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\s]+")
_LANG = re.compile(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*")
_SRI = re.compile(r"(sha256|sha384|sha512)-[A-Za-z0-9+/]+={0,2}")


def is_url(value: object) -> bool:
    """A URL in the VCDM sense: an absolute URL of any scheme (``https:``, ``did:``, ``urn:``)."""
    return isinstance(value, str) and len(value) <= 8192 and bool(_URL.fullmatch(value))


def pointer(*parts: str | int) -> str:
    """A JSON pointer (RFC 6901) from path segments."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def type_values(value: object) -> list[str] | None:
    """``type`` as a list of strings, or ``None`` when it is not a string or list of strings."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return list(value)
    return None


def _p(code: str, en: str, nl: str, ptr: str) -> Problem:
    return Problem(code, en, nl, ptr)


def _items(value: object) -> list[Any]:
    return value if isinstance(value, list) else [value]


def is_vcdm1(doc: object) -> bool:
    """True for a document whose first ``@context`` is VCDM 1.1's (VCDM 1.1 §4.1)."""
    ctx = doc.get("@context") if isinstance(doc, Mapping) else None
    return isinstance(ctx, list) and bool(ctx) and ctx[0] == VC_V1_CONTEXT


def context_problems(doc: Mapping[str, Any], prefix: str = "vc", *,
                     allow_v1: bool = False) -> list[Problem]:
    """``@context``: an ordered list whose first item is the VCDM 2.0 context (§4.3), or with
    ``allow_v1`` the VCDM 1.1 context (VCDM 1.1 §4.1)."""
    ctx = doc.get("@context")
    if ctx is None:
        return [_p(f"{prefix}.context_missing", "@context is missing", "@context ontbreekt",
                   "/@context")]
    if not isinstance(ctx, list) or not ctx:
        return [_p(f"{prefix}.context_invalid", "@context must be a non-empty array",
                   "@context moet een niet-lege lijst zijn", "/@context")]
    out: list[Problem] = []
    if ctx[0] != VC_V2_CONTEXT and not (allow_v1 and ctx[0] == VC_V1_CONTEXT):
        code = f"{prefix}.context_order" if VC_V2_CONTEXT in ctx else f"{prefix}.context_v2_missing"
        out.append(_p(code, f"the first @context entry must be {VC_V2_CONTEXT}",
                      f"het eerste @context-item moet {VC_V2_CONTEXT} zijn", "/@context/0"))
    for i, item in enumerate(ctx):
        if not (is_url(item) or isinstance(item, dict)):
            out.append(_p(f"{prefix}.context_invalid", "@context entries must be URLs or objects",
                          "@context-items moeten URL's of objecten zijn", pointer("@context", i)))
    return out


def _language_value(item: object) -> bool:
    if not isinstance(item, dict):
        return False
    if "@value" in item:
        return (
            isinstance(item.get("@value"), str)
            and set(item) <= {"@value", "@language", "@direction"}
            and (("@language" not in item) or bool(_LANG.fullmatch(str(item["@language"]))))
            and item.get("@direction", "ltr") in ("ltr", "rtl")
        )
    # a language map ({"nl": "...", "en": "..."}) where the context declares @container @language
    return bool(item) and all(
        isinstance(k, str) and _LANG.fullmatch(k) and isinstance(v, (str, list))
        for k, v in item.items()
    )


def language_value_problems(value: object, ptr: str, prefix: str = "vc") -> list[Problem]:
    """``name``/``description``: a string, a language value object (``@value``, ``@language``,
    ``@direction``: VCDM 2.0 §11.1), a language map, or an array of strings and value objects."""
    for i, item in enumerate(_items(value)):
        at = ptr + (f"/{i}" if isinstance(value, list) else "")
        if isinstance(item, str) or _language_value(item):
            continue
        return [_p(f"{prefix}.language_value_invalid",
                   "must be a string or a language value object (@value, @language, @direction)",
                   "moet een tekst of een taalwaarde-object zijn (@value, @language, @direction)",
                   at)]
    return []


def _typed_objects(doc: Mapping[str, Any], name: str, code: str, *, id_required: bool,
                   ) -> list[Problem]:
    """Objects with a ``type`` (and, if required, an ``id`` URL): §4.10, §4.11, §5.4–§5.6."""
    if name not in doc:
        return []
    value = doc[name]
    items = _items(value)
    if not items:
        return [_p(code, f"{name} must not be empty", f"{name} mag niet leeg zijn", pointer(name))]
    out: list[Problem] = []
    for i, item in enumerate(items):
        at = pointer(name, i) if isinstance(value, list) else pointer(name)
        if not isinstance(item, dict):
            out.append(_p(code, f"{name} entries must be objects",
                          f"{name}-items moeten objecten zijn", at))
            continue
        if type_values(item.get("type")) is None:
            out.append(_p(code, f"{name} entry has no type", f"{name}-item heeft geen type",
                          at + "/type"))
        if ("id" in item or id_required) and not is_url(item.get("id")):
            out.append(_p(code, f"{name} entry id must be a URL",
                          f"id van {name}-item moet een URL zijn", at + "/id"))
    return out


def _schema_problems(doc: Mapping[str, Any]) -> list[Problem]:
    """§4.11: each data schema has a ``type`` and an ``id`` URL. The type is not restricted here
    (``JsonSchema`` and ``JsonSchemaCredential`` are VCDM 2.0's, Open Badges 3.0 uses
    ``1EdTechJsonSchemaValidator2019``); validating against the schema is the ``schema`` check."""
    return _typed_objects(doc, "credentialSchema", "vc.schema_invalid", id_required=True)


def _related_problems(doc: Mapping[str, Any]) -> list[Problem]:
    """§5.3: each related resource has an ``id`` URL and ``digestSRI`` and/or ``digestMultibase``."""
    if "relatedResource" not in doc:
        return []
    value, out = doc["relatedResource"], []
    code = "vc.related_resource_invalid"
    items = _items(value)
    seen: set[str] = set()
    for i, item in enumerate(items):
        at = pointer("relatedResource", i) if isinstance(value, list) else "/relatedResource"
        if not isinstance(item, dict) or not is_url(item.get("id")):
            out.append(_p(code, "relatedResource entries must be objects with an id URL",
                          "relatedResource-items moeten objecten met een id-URL zijn", at))
            continue
        if item["id"] in seen:
            out.append(_p(code, "relatedResource ids must be unique",
                          "id's in relatedResource moeten uniek zijn", at + "/id"))
        seen.add(item["id"])
        sri, mb = item.get("digestSRI"), item.get("digestMultibase")
        if sri is None and mb is None:
            out.append(_p(code, "relatedResource needs digestSRI or digestMultibase",
                          "relatedResource heeft digestSRI of digestMultibase nodig", at))
        if sri is not None and not (isinstance(sri, str) and _SRI.fullmatch(sri)):
            out.append(_p(code, "digestSRI is not a valid SRI hash",
                          "digestSRI is geen geldige SRI-hash", at + "/digestSRI"))
        if mb is not None and not (isinstance(mb, str) and len(mb) > 1 and mb[0] in "zu"):
            out.append(_p(code, "digestMultibase is not a multibase value",
                          "digestMultibase is geen multibase-waarde", at + "/digestMultibase"))
    return out


def _date_problems(doc: Mapping[str, Any], prefix: str) -> list[Problem]:
    out, parsed = [], {}
    first, last = ("issuanceDate", "expirationDate") if is_vcdm1(doc) else (
        "validFrom", "validUntil")
    if first == "issuanceDate" and "issuanceDate" not in doc:
        out.append(_p(f"{prefix}.issuance_date_missing",
                      "a VCDM 1.1 credential must have an issuanceDate (VCDM 1.1 §4.6)",
                      "een VCDM 1.1-bewijs moet een issuanceDate hebben (VCDM 1.1 §4.6)",
                      "/issuanceDate"))
    for name in (first, last):
        if name in doc:
            try:
                parsed[name] = parse_datetime(doc[name])
            except (ValueError, TypeError):
                out.append(_p(f"{prefix}.datetime_invalid",
                              f"{name} must be a date-time with a timezone (dateTimeStamp)",
                              f"{name} moet een datum-tijd met tijdzone zijn (dateTimeStamp)",
                              pointer(name)))
    if len(parsed) == 2 and parsed[first] > parsed[last]:
        out.append(_p(f"{prefix}.validity_order", f"{first} is later than {last}",
                      f"{first} ligt na {last}", f"/{last}"))
    return out


def _issuer_problems(doc: Mapping[str, Any]) -> list[Problem]:
    if "issuer" not in doc:
        return [_p("vc.issuer_missing", "issuer is missing", "issuer ontbreekt", "/issuer")]
    issuer = doc["issuer"]
    if isinstance(issuer, dict):
        if not is_url(issuer.get("id")):
            return [_p("vc.issuer_invalid", "issuer.id must be a URL",
                       "issuer.id moet een URL zijn", "/issuer/id")]
        return language_value_problems(issuer.get("name", ""), "/issuer/name")
    if not is_url(issuer):
        return [_p("vc.issuer_invalid", "issuer must be a URL or an object with an id URL",
                   "issuer moet een URL of een object met een id-URL zijn", "/issuer")]
    return []


def _subject_problems(doc: Mapping[str, Any]) -> list[Problem]:
    if "credentialSubject" not in doc:
        return [_p("vc.subject_missing", "credentialSubject is missing",
                   "credentialSubject ontbreekt", "/credentialSubject")]
    value = doc["credentialSubject"]
    items = _items(value)
    if not items:
        return [_p("vc.subject_empty", "credentialSubject must not be empty",
                   "credentialSubject mag niet leeg zijn", "/credentialSubject")]
    out = []
    for i, item in enumerate(items):
        at = pointer("credentialSubject", i) if isinstance(value, list) else "/credentialSubject"
        if not isinstance(item, dict):
            out.append(_p("vc.subject_invalid", "credentialSubject must be an object",
                          "credentialSubject moet een object zijn", at))
        elif not item:
            out.append(_p("vc.subject_empty", "credentialSubject has no claims",
                          "credentialSubject bevat geen claims", at))
        elif "id" in item and not is_url(item["id"]):
            out.append(_p("vc.subject_invalid", "credentialSubject.id must be a URL",
                          "credentialSubject.id moet een URL zijn", at + "/id"))
    return out


def common_problems(doc: Mapping[str, Any], prefix: str, required_type: str, *,
                    allow_v1: bool = False) -> list[Problem]:
    """Rules shared by credentials and presentations: context, id, type, name, description."""
    out = context_problems(doc, prefix, allow_v1=allow_v1)
    if "id" in doc and not is_url(doc["id"]):
        out.append(_p(f"{prefix}.id_invalid", "id must be a URL", "id moet een URL zijn", "/id"))
    types = type_values(doc.get("type"))
    if types is None or required_type not in types:
        out.append(_p(f"{prefix}.type_missing", f"type must include {required_type}",
                      f"type moet {required_type} bevatten", "/type"))
    for name in ("name", "description"):
        if name in doc:
            out.extend(language_value_problems(doc[name], pointer(name), prefix))
    return out


def validate_credential(doc: object) -> list[Problem]:
    """Every VCDM 2.0 (or, read only, VCDM 1.1) data model problem in ``doc`` (an empty list
    when it is valid)."""
    if not isinstance(doc, dict):
        return [_p("vc.not_object", "a credential must be a JSON object",
                   "een bewijs moet een JSON-object zijn", "")]
    out = common_problems(doc, "vc", "VerifiableCredential", allow_v1=True)
    out += _issuer_problems(doc)
    out += _subject_problems(doc)
    out += _date_problems(doc, "vc")
    out += _typed_objects(doc, "credentialStatus", "vc.status_invalid", id_required=False)
    out += _schema_problems(doc)
    out += _typed_objects(doc, "refreshService", "vc.refresh_service_invalid", id_required=False)
    out += _typed_objects(doc, "termsOfUse", "vc.terms_of_use_invalid", id_required=False)
    out += _typed_objects(doc, "evidence", "vc.evidence_invalid", id_required=False)
    out += _related_problems(doc)
    return out


def ensure_credential(doc: object) -> dict[str, Any]:
    """Return ``doc`` if it is a valid credential, else raise :class:`ValidationError`."""
    problems = validate_credential(doc)
    if problems:
        raise ValidationError(problems=problems)
    assert isinstance(doc, dict)
    return doc


def build_credential(
    *,
    issuer: str | Mapping[str, Any],
    subject: Mapping[str, Any] | Iterable[Mapping[str, Any]],
    types: Iterable[str] = (),
    contexts: Iterable[str | Mapping[str, Any]] = (),
    id: str | None = None,
    valid_from: str | None = None,
    valid_until: str | None = None,
    name: str | Mapping[str, Any] | None = None,
    description: str | Mapping[str, Any] | None = None,
    status: Mapping[str, Any] | None = None,
    schema: Mapping[str, Any] | Iterable[Mapping[str, Any]] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Assemble an unsecured credential (VCDM 2.0 §4) and validate it.

    ``contexts`` and ``types`` are added after the VCDM 2.0 context and ``VerifiableCredential``.
    ``extra`` members (``evidence``, ``termsOfUse``, …) are copied as given.
    """
    doc: dict[str, Any] = {
        "@context": [VC_V2_CONTEXT, *[c if isinstance(c, str) else dict(c) for c in contexts]],
    }
    if id is not None:
        doc["id"] = id
    doc["type"] = ["VerifiableCredential", *[t for t in types if t != "VerifiableCredential"]]
    if name is not None:
        doc["name"] = name if isinstance(name, str) else dict(name)
    if description is not None:
        doc["description"] = description if isinstance(description, str) else dict(description)
    doc["issuer"] = issuer if isinstance(issuer, str) else dict(issuer)
    if valid_from is not None:
        doc["validFrom"] = valid_from
    if valid_until is not None:
        doc["validUntil"] = valid_until
    if isinstance(subject, Mapping):
        doc["credentialSubject"] = dict(subject)
    else:
        doc["credentialSubject"] = [dict(s) for s in subject]
    if status is not None:
        doc["credentialStatus"] = dict(status)
    if schema is not None:
        doc["credentialSchema"] = (
            dict(schema) if isinstance(schema, Mapping) else [dict(s) for s in schema]
        )
    for key, value in (extra or {}).items():
        doc.setdefault(key, value)
    return ensure_credential(doc)
