"""Trust lists of accredited issuers (``schemas/trust-list.schema.json``, version 1.0).

A trust list says which issuers a verifier trusts — by DID or ``https`` issuer URL, with their
registrations (BRIN/RIO code, KvK number, accreditation body) — which kinds of credentials each
may issue, up to which EQF/NLQF level, and during which period. It is plain JSON, or that JSON
as the payload of a compact JWS (RFC 7515) with ``typ: rotonde-trust-list+jwt`` signed by a trust
anchor. When an anchor key is configured, only a list signed by it is accepted; a signed list
whose signature fails is always refused.

Levels compare on one scale: NLQF 1–8 are referenced to EQF 1–8 and NLQF "entry" (instroomniveau)
sits below level 1. An issuer without ``max_levels`` has no level restriction.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rotonde.clock import Clock, SystemClock, parse_datetime
from rotonde.encoding import loads_json
from rotonde.errors import ParseError, PolicyError, Problem, RotondeError, SignatureError, ValidationError
from rotonde.jws import parse_compact, sign_compact
from rotonde.keys import PublicKey, Signer

__all__ = [
    "TRUST_LIST_SCHEMA_ID",
    "TYP",
    "Level",
    "Registration",
    "TrustList",
    "TrustedIssuer",
    "did_web_for_url",
    "load_trust_list",
    "sign_trust_list",
]

TRUST_LIST_SCHEMA_ID = "https://rotonde.example/schemas/trust-list/1.0"
TYP = "rotonde-trust-list+jwt"
MAX_BYTES = 8 * 1024 * 1024
_COMPACT = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+")


def did_web_for_url(url: str) -> str | None:
    """The ``did:web`` that resolves to ``url`` (``https://host:port/a/b`` ->
    ``did:web:host%3Aport:a:b``), or ``None`` for a URL that no did:web names (query,
    fragment, empty segment, a user part)."""
    from urllib.parse import quote, urlsplit

    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if (parts.scheme != "https" or not parts.netloc or "@" in parts.netloc or parts.query
            or parts.fragment):
        return None
    path = parts.path.rstrip("/")
    segs = [seg for seg in path.split("/")[1:]] if path else []
    if any(not seg or ":" in seg for seg in segs):
        return None
    return ":".join(["did:web", quote(parts.netloc.lower(), safe=""), *segs])


def _ts(value: Any) -> float | None:
    return parse_datetime(value).timestamp() if isinstance(value, str) else None


@dataclass(frozen=True, slots=True)
class Level:
    """A qualification level: ``framework`` ``EQF`` or ``NLQF``, ``value`` 1–8 or ``"entry"``."""

    framework: str
    value: int | str

    @property
    def rank(self) -> int:
        return 0 if self.value == "entry" else int(self.value)

    @classmethod
    def of(cls, value: Level | Mapping[str, Any] | tuple[str, int | str]) -> Level:
        if isinstance(value, Level):
            return value
        if isinstance(value, tuple):
            return cls(value[0], value[1])
        return cls(str(value.get("framework")), value.get("value"))  # type: ignore[arg-type]

    def __str__(self) -> str:
        return f"{self.framework} {self.value}"


@dataclass(frozen=True, slots=True)
class Registration:
    scheme: str
    value: str
    body: str | None = None


@dataclass(frozen=True)
class TrustedIssuer:
    """One accredited issuer on the list."""

    name: Mapping[str, str]
    identifiers: tuple[str, ...]
    kinds: frozenset[str]
    max_levels: tuple[Level, ...] = ()
    registrations: tuple[Registration, ...] = ()
    valid_from: float | None = None
    valid_until: float | None = None

    def display_name(self, lang: str = "nl") -> str:
        return self.name.get(lang) or next(iter(self.name.values()), "")

    def may_issue(self, kind: str) -> bool:
        return "*" in self.kinds or kind in self.kinds

    def max_rank(self, framework: str) -> int | None:
        """Highest rank for ``framework`` (EQF and NLQF stand in for each other)."""
        same = [lv.rank for lv in self.max_levels if lv.framework == framework]
        ranks = same or [lv.rank for lv in self.max_levels]
        return max(ranks) if ranks else None


def _issuer(data: Mapping[str, Any]) -> TrustedIssuer:
    return TrustedIssuer(
        name=dict(data["name"]),
        identifiers=tuple(data["identifiers"]),
        kinds=frozenset(data["kinds"]),
        max_levels=tuple(Level(lv["framework"], lv["value"]) for lv in data.get("max_levels", [])),
        registrations=tuple(
            Registration(r["scheme"], r["value"], r.get("body")) for r in data.get("registrations", [])
        ),
        valid_from=_ts(data.get("valid_from")),
        valid_until=_ts(data.get("valid_until")),
    )


def _p(code: str, message: str, message_nl: str, **detail: Any) -> Problem:
    return Problem(code, message, message_nl, None, detail)


@dataclass(frozen=True)
class TrustList:
    """A loaded, validated trust list. ``signed_by`` is the anchor key thumbprint, if signed."""

    id: str
    name: Mapping[str, str]
    issuers: tuple[TrustedIssuer, ...]
    valid_from: float | None = None
    valid_until: float | None = None
    signed_by: str | None = None
    clock: Clock = field(default_factory=SystemClock, repr=False)
    data: Mapping[str, Any] = field(default_factory=dict, repr=False)
    _index: dict[str, TrustedIssuer] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        for issuer in self.issuers:
            for ident in issuer.identifiers:
                self._index.setdefault(ident, issuer)

    def lookup(self, issuer_id: str) -> TrustedIssuer | None:
        """The entry for an issuer DID or URL (a DID URL fragment is ignored).

        An ``https`` issuer URL (an SD-JWT VC ``iss`` found through JWT VC Issuer Metadata)
        also finds the entry of the ``did:web`` that resolves to that very URL (DID Web method
        §3.2: ``did:web:host%3Aport:path`` ↔ ``https://host:port/path``): both are proven by
        control of the same https origin and path, so one entry covers an issuer's Data
        Integrity credentials (DID) and its SD-JWT VCs (URL)."""
        if not isinstance(issuer_id, str):
            return None
        found = self._index.get(issuer_id) or self._index.get(issuer_id.partition("#")[0])
        if found is None and issuer_id.startswith("https://"):
            did = did_web_for_url(issuer_id)
            found = self._index.get(did) if did else None
        return found

    def evaluate(
        self,
        issuer_id: str,
        *,
        kind: str | None = None,
        level: Level | Mapping[str, Any] | tuple[str, int | str] | None = None,
        now: float | None = None,
    ) -> list[Problem]:
        """Empty when ``issuer_id`` is trusted now for ``kind`` at ``level``; else the problems."""
        at = self.clock.now() if now is None else now
        out: list[Problem] = []
        if self.valid_until is not None and at > self.valid_until:
            out.append(
                _p("trust.list_expired", "the trust list has expired", "de vertrouwenslijst is verlopen")
            )
        if self.valid_from is not None and at < self.valid_from:
            out.append(
                _p(
                    "trust.list_not_yet_valid",
                    "the trust list is not valid yet",
                    "de vertrouwenslijst is nog niet geldig",
                )
            )
        issuer = self.lookup(issuer_id)
        if issuer is None:
            out.append(
                _p(
                    "trust.issuer_unknown",
                    f"issuer {issuer_id!r} is not on the trust list",
                    f"uitgever {issuer_id!r} staat niet op de vertrouwenslijst",
                    issuer=issuer_id,
                )
            )
            return out
        if (issuer.valid_until is not None and at > issuer.valid_until) or (
            issuer.valid_from is not None and at < issuer.valid_from
        ):
            out.append(
                _p(
                    "trust.accreditation_expired",
                    f"the accreditation of {issuer_id!r} is not valid now",
                    f"de accreditatie van {issuer_id!r} is nu niet geldig",
                    issuer=issuer_id,
                )
            )
        if kind is not None and not issuer.may_issue(kind):
            out.append(
                _p(
                    "trust.kind_not_accredited",
                    f"{issuer.display_name('en')} is not accredited for {kind}",
                    f"{issuer.display_name('nl')} is niet geaccrediteerd voor {kind}",
                    issuer=issuer_id,
                    kind=kind,
                )
            )
        if level is not None:
            try:
                lv = Level.of(level)
                rank = lv.rank
            except (TypeError, ValueError, AttributeError):
                out.append(
                    _p(
                        "trust.level_invalid",
                        "the level is not a valid EQF/NLQF level",
                        "het niveau is geen geldig EQF/NLQF-niveau",
                    )
                )
                return out
            cap = issuer.max_rank(lv.framework)
            if cap is not None and rank > cap:
                out.append(
                    _p(
                        "trust.level_exceeds_accreditation",
                        f"{issuer.display_name('en')} may issue up to level {cap}, not {lv}",
                        f"{issuer.display_name('nl')} mag uitgeven tot niveau {cap}, niet {lv}",
                        issuer=issuer_id,
                        level=str(lv),
                        max_rank=cap,
                    )
                )
        return out


def sign_trust_list(data: Mapping[str, Any], signer: Signer) -> str:
    """Sign a trust list as a compact JWS (``typ: rotonde-trust-list+jwt``)."""
    return sign_compact({"typ": TYP}, dict(data), signer)


def _read(source: str | bytes | Path | Mapping[str, Any], max_bytes: int) -> Any:
    if isinstance(source, Mapping):
        return dict(source)
    if not isinstance(source, (str, bytes, bytearray, Path)):  # bytes(int) would allocate
        raise ParseError(
            "trust.malformed",
            "trust list is neither JSON nor a compact JWS",
            message_nl="vertrouwenslijst is geen JSON en geen compacte JWS",
        )
    if isinstance(source, Path) or (
        isinstance(source, str)
        and not source.lstrip().startswith("{")
        and not _COMPACT.fullmatch(source.strip())
    ):
        try:
            path = Path(source)
            if path.stat().st_size > max_bytes:
                raise ParseError(
                    "trust.too_large",
                    f"trust list is larger than {max_bytes} bytes",
                    message_nl=f"vertrouwenslijst is groter dan {max_bytes} bytes",
                )
            return _read(path.read_bytes(), max_bytes)
        except (OSError, ValueError) as exc:  # ValueError: a NUL in the path
            reason = getattr(exc, "strerror", None) or "invalid path"
            raise ParseError(
                "trust.unreadable",
                f"cannot read trust list: {reason}",
                message_nl=f"vertrouwenslijst is niet leesbaar: {reason}",
            ) from None
    try:
        text = source.encode() if isinstance(source, str) else bytes(source)
    except UnicodeEncodeError:
        raise ParseError(
            "trust.malformed",
            "trust list is not valid Unicode text",
            message_nl="vertrouwenslijst is geen geldige Unicode-tekst",
        ) from None
    if len(text) > max_bytes:
        raise ParseError(
            "trust.too_large",
            f"trust list is larger than {max_bytes} bytes",
            message_nl=f"vertrouwenslijst is groter dan {max_bytes} bytes",
        )
    stripped = text.strip()
    if stripped.startswith(b"{"):
        return loads_json(stripped, what="trust list", reject_duplicates=True)
    try:
        return stripped.decode("ascii")
    except UnicodeDecodeError:
        raise ParseError(
            "trust.malformed",
            "trust list is neither JSON nor a compact JWS",
            message_nl="vertrouwenslijst is geen JSON en geen compacte JWS",
        ) from None


def load_trust_list(
    source: str | bytes | Path | Mapping[str, Any],
    *,
    anchor_key: PublicKey | None = None,
    clock: Clock | None = None,
    max_bytes: int = MAX_BYTES,
) -> TrustList:
    """Load a trust list from a path, JSON text/bytes, a parsed dict or a signed compact JWS.

    With ``anchor_key`` the list must be a JWS signed by it (``trust.unsigned``,
    ``trust.signature_invalid``); a signed list without an anchor is refused
    (``trust.anchor_required``): nobody could check it. Schema violations raise
    :class:`ValidationError` with one problem per violation.
    """
    raw = _read(source, max_bytes)
    signed_by: str | None = None
    if isinstance(raw, str):
        if anchor_key is None:
            raise PolicyError(
                "trust.anchor_required",
                "a signed trust list needs a trust anchor key",
                message_nl="een ondertekende vertrouwenslijst vereist een sleutel van het anker",
            )
        try:
            jws = parse_compact(raw, typ=TYP, max_bytes=max_bytes)
            jws.verify(anchor_key)
            raw = jws.payload(max_depth=16)
        except SignatureError as exc:
            raise SignatureError(
                problems=[
                    Problem(
                        "trust.signature_invalid",
                        "trust list signature does not verify",
                        "handtekening van de vertrouwenslijst klopt niet",
                    ),
                    *exc.problems,
                ]
            ) from None
        except RotondeError as exc:
            raise ParseError(
                problems=[
                    Problem(
                        "trust.malformed",
                        "signed trust list is malformed",
                        "ondertekende vertrouwenslijst is onjuist gevormd",
                    ),
                    *exc.problems,
                ]
            ) from None
        signed_by = anchor_key.thumbprint()
    elif anchor_key is not None:
        raise PolicyError(
            "trust.unsigned",
            "the trust list is not signed by the trust anchor",
            message_nl="de vertrouwenslijst is niet ondertekend door het vertrouwensanker",
        )
    from rotonde.schema import problems_for

    problems = problems_for(raw, TRUST_LIST_SCHEMA_ID, code_prefix="trust.schema")
    if problems:
        raise ValidationError(problems=problems)
    try:
        issuers = tuple(_issuer(item) for item in raw["issuers"])
        valid_from, valid_until = _ts(raw.get("valid_from")), _ts(raw.get("valid_until"))
    except (TypeError, ValueError):
        raise ValidationError(
            "trust.schema.bad_format",
            "a date-time in the trust list is invalid",
            message_nl="een datum-tijd in de vertrouwenslijst is ongeldig",
        ) from None
    return TrustList(
        id=raw["id"],
        name=dict(raw["name"]),
        issuers=issuers,
        valid_from=valid_from,
        valid_until=valid_until,
        signed_by=signed_by,
        clock=clock or SystemClock(),
        data=raw,
    )
