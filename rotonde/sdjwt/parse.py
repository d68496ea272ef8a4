"""Parsing SD-JWT and SD-JWT+KB serialisations (RFC 9901 §4 and §8).

* Compact (§4): ``<Issuer-signed JWT>~<Disclosure 1>~...~<Disclosure N>~[<KB-JWT>]``. The
  last part is empty for an SD-JWT and a KB-JWT for an SD-JWT+KB; no Disclosure is empty.
* JSON (§8): a flattened or general JWS JSON serialisation whose (first) unprotected header
  carries ``disclosures`` and, for an SD-JWT+KB, ``kb_jwt``. In the general form only the
  first signature's header may carry them (§8.1); all signatures are kept for verification.

Parsing checks structure and the JOSE policy (:func:`rotonde.jws.parse_compact`), decodes
every Disclosure and the payload, and verifies nothing cryptographic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rotonde.encoding import loads_json
from rotonde.errors import ParseError
from rotonde.jws import MAX_TOKEN_BYTES, Jws, parse_compact
from rotonde.sdjwt._fast import loads
from rotonde.sdjwt.disclosure import DEFAULT_SD_ALG, Disclosure, decode_disclosure

__all__ = ["MAX_DISCLOSURES", "SdJwt", "parse", "parse_payload"]

_MAX_PAYLOAD_DEPTH = 48
#: Most Disclosures one SD-JWT may carry (each costs a hash and a JSON parse); real
#: credentials have tens, decoys included.
MAX_DISCLOSURES = 1024


def _malformed(message: str, message_nl: str) -> ParseError:
    return ParseError("sdjwt.malformed", message, message_nl=message_nl)


@dataclass(frozen=True, slots=True)
class SdJwt:
    """A parsed, unverified SD-JWT or SD-JWT+KB.

    ``jws`` is the Issuer-signed JWT (the first signature for the JSON serialisation) and
    ``issuer_jwt`` its compact text exactly as received; ``signatures`` holds every signature,
    ``unprotected`` the unprotected header of each.
    """

    jws: Jws
    issuer_jwt: str
    payload: dict[str, Any]
    disclosures: tuple[Disclosure, ...]
    kb_jwt: str | None
    serialization: str = "compact"
    signatures: tuple[Jws, ...] = ()
    unprotected: tuple[dict[str, Any], ...] = field(default=())

    @property
    def header(self) -> dict[str, Any]:
        return self.jws.header

    @property
    def sd_alg(self) -> str:
        alg = self.payload.get("_sd_alg", DEFAULT_SD_ALG)
        return alg if isinstance(alg, str) else repr(alg)

    def compact_without_kb(self) -> str:
        """``<JWT>~<D1>~...~<DN>~``: the input of ``sd_hash`` (RFC 9901 §4.3.1, §8.1)."""
        parts = [self.issuer_jwt]
        parts.extend(d.encoded for d in self.disclosures)
        return "~".join(parts) + "~"

    def serialize(self) -> str:
        """The compact serialisation (a JSON-serialised input is converted)."""
        return self.compact_without_kb() + (self.kb_jwt or "")


def parse_payload(jws: Jws) -> dict[str, Any]:
    """The JWT claims set: a JSON object with no duplicate member names (RFC 7519 §4)."""
    value = loads(jws.payload_bytes, "SD-JWT payload", _MAX_PAYLOAD_DEPTH)
    if not isinstance(value, dict):
        raise ParseError(
            "jose.payload_not_object", "SD-JWT payload is not a JSON object",
            message_nl="SD-JWT-payload is geen JSON-object",
        )
    return value


def _check_count(count: int) -> None:
    if count > MAX_DISCLOSURES:
        raise ParseError(
            "sdjwt.too_many_disclosures",
            f"SD-JWT has more than {MAX_DISCLOSURES} Disclosures",
            message_nl=f"SD-JWT heeft meer dan {MAX_DISCLOSURES} Disclosures",
        )


def _disclosures(items: list[str]) -> tuple[Disclosure, ...]:
    _check_count(len(items))
    seen: set[str] = set()
    out: list[Disclosure] = []
    for item in items:
        if not item:
            raise _malformed("SD-JWT has an empty Disclosure", "SD-JWT heeft een lege Disclosure")
        if item in seen:
            raise ParseError(
                "sdjwt.disclosure_duplicate",
                "the same Disclosure appears more than once",
                message_nl="dezelfde Disclosure komt meer dan eens voor",
            )
        seen.add(item)
        out.append(decode_disclosure(item))
    return tuple(out)


def _parse_compact_form(
    text: str, typ: str | set[str] | None, max_bytes: int
) -> SdJwt:
    parts = text.split("~")
    if len(parts) < 2:
        raise _malformed(
            "an SD-JWT must contain '~' separators (JWT~Disclosures~[KB-JWT])",
            "een SD-JWT moet '~'-scheidingstekens bevatten (JWT~Disclosures~[KB-JWT])",
        )
    _check_count(len(parts) - 2)  # before any decoding work
    jws = parse_compact(parts[0], typ=typ, max_bytes=max_bytes)
    kb = parts[-1] or None
    disclosures = _disclosures(parts[1:-1])
    return SdJwt(jws, parts[0], parse_payload(jws), disclosures, kb, "compact", (jws,), ({},))


def _json_form(text: str, typ: str | set[str] | None, max_bytes: int) -> SdJwt:
    doc = loads_json(text, what="SD-JWT JSON serialisation", max_depth=8, reject_duplicates=True)
    if not isinstance(doc, dict) or not isinstance(doc.get("payload"), str):
        raise _malformed(
            "JSON-serialised SD-JWT needs a string 'payload'",
            "JSON-geserialiseerde SD-JWT heeft een 'payload' als tekst nodig",
        )
    if "signatures" in doc:
        sigs = doc["signatures"]
        if not isinstance(sigs, list) or not sigs or "signature" in doc:
            raise _malformed("JWS 'signatures' is malformed", "JWS-'signatures' is onjuist")
    else:
        sigs = [{k: doc[k] for k in ("protected", "header", "signature") if k in doc}]
    jwss: list[Jws] = []
    compacts: list[str] = []
    headers: list[dict[str, Any]] = []
    for i, sig in enumerate(sigs):
        if not (
            isinstance(sig, dict)
            and isinstance(sig.get("protected"), str)
            and isinstance(sig.get("signature"), str)
            and isinstance(sig.get("header", {}), dict)
        ):
            raise _malformed(
                "JWS signature entry is malformed", "JWS-handtekeningitem is onjuist gevormd"
            )
        unprotected = dict(sig.get("header", {}))
        if i > 0 and ("disclosures" in unprotected or "kb_jwt" in unprotected):
            raise _malformed(
                "only the first signature may carry disclosures and kb_jwt",
                "alleen de eerste handtekening mag disclosures en kb_jwt dragen",
            )
        compact = f"{sig['protected']}.{doc['payload']}.{sig['signature']}"
        jws = parse_compact(compact, typ=typ, max_bytes=max_bytes)
        if set(jws.header) & set(unprotected):
            raise _malformed(
                "protected and unprotected JWS headers overlap",
                "beschermde en onbeschermde JWS-headers overlappen",
            )
        jwss.append(jws)
        compacts.append(compact)
        headers.append(unprotected)
    first = headers[0]
    items = first.get("disclosures", [])
    kb = first.get("kb_jwt")
    if not isinstance(items, list) or not all(isinstance(d, str) for d in items):
        raise _malformed("'disclosures' must be an array of strings",
                         "'disclosures' moet een array van tekst zijn")
    if kb is not None and (not isinstance(kb, str) or not kb):
        raise _malformed("'kb_jwt' must be a string", "'kb_jwt' moet tekst zijn")
    payload = parse_payload(jwss[0])
    return SdJwt(
        jwss[0], compacts[0], payload, _disclosures(items), kb, "json", tuple(jwss), tuple(headers)
    )


def parse(
    token: str | bytes,
    *,
    typ: str | set[str] | None = None,
    max_bytes: int = MAX_TOKEN_BYTES,
) -> SdJwt:
    """Parse a compact or JSON-serialised SD-JWT (+KB). Raises :class:`ParseError` /
    :class:`~rotonde.errors.PolicyError` (forbidden ``alg``, wrong ``typ``, unknown ``crit``).

    ``typ`` restricts the Issuer-signed JWT's ``typ`` header (e.g. ``"dc+sd-jwt"``).
    """
    if isinstance(token, bytes):
        try:
            token = token.decode("utf-8")
        except UnicodeDecodeError:
            raise _malformed("SD-JWT is not UTF-8 text", "SD-JWT is geen UTF-8-tekst") from None
    if not isinstance(token, str):
        raise _malformed("SD-JWT is not a string", "SD-JWT is geen tekst")
    if len(token) > max_bytes:
        raise ParseError(
            "sdjwt.too_large",
            f"SD-JWT is larger than {max_bytes} bytes",
            message_nl=f"SD-JWT is groter dan {max_bytes} bytes",
        )
    text = token.strip()
    if text.startswith("{"):
        return _json_form(text, typ, max_bytes)
    if text.startswith('"'):
        inner = loads_json(text, what="SD-JWT")
        if isinstance(inner, str) and inner.strip().startswith("{"):
            return _json_form(inner.strip(), typ, max_bytes)
        raise _malformed("SD-JWT is a JSON string, not a serialisation",
                         "SD-JWT is een JSON-tekst, geen serialisatie")
    return _parse_compact_form(text, typ, max_bytes)
