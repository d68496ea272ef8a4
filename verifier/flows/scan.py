"""Scan: a learner's share QR (holder-initiated; contract in ``docs/share-protocol.md``).

The QR text is one of: an https share URL (the envelope is fetched through the Fetcher;
loopback only in development mode), ``rotonde-share:<base64url JSON envelope>``, or a bare
presentation pasted by hand. Holder binding: audience ``rotonde:share:<share_id>`` and the
envelope's one-time ``nonce``; the (share_id, nonce) pair is single use in this verifier, and
each presentation that verified is recorded as used in the transaction that stores the result
(:func:`~verifier.flows.verification.record_presentations`).
"""

from __future__ import annotations

import re
from typing import Any

from rotonde._urls import split_url
from rotonde.clock import parse_datetime, to_timestamp
from rotonde.encoding import b64url_decode, loads_json
from rotonde.errors import ParseError, Problem, RotondeError
from rotonde.jws import parse_compact
from verifier.flows.context import VerifierContext
from verifier.flows.sessions import SessionView, complete, create_session, store_result
from verifier.flows.verification import (
    build_result,
    failure_result,
    record_presentations,
    verify_presentations,
)

__all__ = ["SHARE_AUDIENCE_PREFIX", "parse_share_text", "scan"]

SHARE_AUDIENCE_PREFIX = "rotonde:share:"
_ID = re.compile(r"^[A-Za-z0-9_-]{16,128}$")
_MAX_TEXT = 256 * 1024


def _bad(code: str, en: str, nl: str, pointer: str | None = None) -> ParseError:
    return ParseError(code, en, message_nl=nl, pointer=pointer)


def _envelope(value: Any, *, url_id: str | None = None) -> dict[str, Any]:
    if not isinstance(value, dict) or value.get("type") != "rotonde-share":
        raise _bad("share.malformed", "this is not a Rotonde share",
                   "dit is geen Rotonde-deling", "/type")
    if value.get("version") != 1:
        raise _bad("share.unsupported_version", "unsupported share version",
                   "niet-ondersteunde versie van de deling", "/version")
    for name in ("share_id", "nonce"):
        if not isinstance(value.get(name), str) or not _ID.match(value[name]):
            raise _bad("share.malformed", f"{name} is missing or malformed",
                       f"{name} ontbreekt of is ongeldig", f"/{name}")
    if url_id is not None and value["share_id"] != url_id:
        raise _bad("share.id_mismatch", "the share id does not match the URL",
                   "de id van de deling past niet bij de URL", "/share_id")
    pres = value.get("presentations")
    if not isinstance(pres, list) or not 1 <= len(pres) <= 10 or not all(
        (isinstance(p, str) and p) or isinstance(p, dict) for p in pres
    ):
        raise _bad("share.malformed", "presentations must be a list of 1 to 10 presentations",
                   "presentations moet een lijst van 1 tot 10 presentaties zijn",
                   "/presentations")
    exp = value.get("expires_at")
    if not isinstance(exp, str):
        raise _bad("share.malformed", "expires_at is missing", "expires_at ontbreekt",
                   "/expires_at")
    try:
        value["_expires"] = to_timestamp(parse_datetime(exp))
    except (RotondeError, ValueError):
        raise _bad("share.malformed", "expires_at is not a date-time",
                   "expires_at is geen datum-tijd", "/expires_at") from None
    return value


def _bare(text: str) -> dict[str, Any]:
    """A pasted SD-JWT presentation: audience and nonce come from its KB-JWT."""
    kb = text.rsplit("~", 1)[-1]
    if not kb:
        raise _bad("share.holder_binding_missing",
                   "the presentation has no key binding, so it cannot be tied to a share",
                   "de presentatie heeft geen sleutelbinding en hoort dus bij geen deling")
    claims = parse_compact(kb).claims()
    aud, nonce = claims.get("aud"), claims.get("nonce")
    if not isinstance(aud, str) or not aud.startswith(SHARE_AUDIENCE_PREFIX):
        raise _bad("share.wrong_audience",
                   "the presentation was made for another verifier, not for a share",
                   "de presentatie is voor een andere verifier gemaakt, niet voor een deling")
    if not isinstance(nonce, str) or not nonce:
        raise _bad("share.malformed", "the presentation has no nonce",
                   "de presentatie heeft geen nonce")
    share_id = aud[len(SHARE_AUDIENCE_PREFIX):]
    return {"type": "rotonde-share", "version": 1, "share_id": share_id, "nonce": nonce,
            "presentations": [text], "_expires": None}


def parse_share_text(ctx: VerifierContext, text: str) -> dict[str, Any]:
    """Turn scanned or pasted text into a share envelope (fetching by reference)."""
    if not isinstance(text, str) or not text.strip():
        raise _bad("share.empty", "nothing was scanned or pasted", "er is niets gescand of geplakt")
    text = text.strip()
    if len(text) > _MAX_TEXT:
        raise _bad("share.too_large", "the scanned text is too large", "de gescande tekst is te groot")
    if text.startswith("rotonde-share:"):
        raw = b64url_decode(text[len("rotonde-share:"):], what="share")
        return _envelope(loads_json(raw, what="share"))
    if text.startswith(("https://", "http://")):
        parts = split_url(text)
        url_id = parts.path.rstrip("/").rsplit("/", 1)[-1]
        if not _ID.match(url_id):
            raise _bad("share.malformed", "the URL does not name a share",
                       "de URL noemt geen deling")
        body = ctx.fetcher.get_json(text, max_bytes=64 * 1024)
        return _envelope(body, url_id=url_id)
    if text.startswith("{"):
        value = loads_json(text, what="share")
        if isinstance(value, dict) and value.get("type") == "rotonde-share":
            return _envelope(value)
        raise _bad("share.holder_binding_missing",
                   "a pasted presentation must come with its share (use the share QR)",
                   "een geplakte presentatie moet bij een deling horen (gebruik de QR-code)")
    if "~" in text:
        return _bare("".join(text.split()))
    if text.startswith("openid4vp:"):
        raise _bad("share.wrong_qr",
                   "this is a wallet request QR, not a learner's share QR",
                   "dit is een verzoek-QR voor een wallet, geen deel-QR van een lerende")
    raise _bad("share.unrecognised", "the QR code is not a Rotonde share",
               "de QR-code is geen Rotonde-deling")


def scan(ctx: VerifierContext, text: str, *, requirement: dict[str, Any] | None = None,
         title: str = "Scanned share", api_client: str | None = None) -> SessionView:
    """Verify a scanned share and store the result as a ``share`` session (never raises
    for bad input: the result says what was wrong). ``api_client`` records which API key
    asked, so only that key can read the result."""
    session = create_session(ctx, kind="share", title=title, dcql_query=None,
                             requirement=requirement, client_id=None, with_state=False,
                             api_client=api_client)
    try:
        env = parse_share_text(ctx, text)
        now = ctx.clock.now()
        expires = env.pop("_expires")
        if expires is not None and now > expires:
            raise _bad("share.expired", "this share has expired; ask for a new QR code",
                       "deze deling is verlopen; vraag om een nieuwe QR-code")
        ttl = max((expires or now + 30 * 24 * 3600) - now, 60)
        if not ctx.one_time.remember("share", f"{env['share_id']}|{env['nonce']}", ttl=ttl):
            raise _bad("share.replayed", "this share was already used; ask for a new QR code",
                       "deze deling is al gebruikt; vraag om een nieuwe QR-code")
    except RotondeError as exc:
        result = failure_result(ctx, "rejected", exc.problems[0])
        complete(ctx, session.id, result)
        return _reload(ctx, session)
    except Exception:  # a fetch library or decoder surprise must still give a verdict
        result = failure_result(ctx, "rejected", Problem(
            "share.unreadable", "the share could not be read", "de deling kon niet worden gelezen"))
        complete(ctx, session.id, result)
        return _reload(ctx, session)
    vp_token = {"share": env["presentations"]}
    binding = {"nonce": env["nonce"], "audience": SHARE_AUDIENCE_PREFIX + env["share_id"]}
    reports = verify_presentations(ctx, vp_token, **binding)
    with ctx.db.session() as s:
        reports = record_presentations(ctx, vp_token, reports, conn=s.connection(), **binding)
        result = build_result(ctx, reports, dcql_query=None, requirement=requirement)
        result["share"] = {"share_id": env["share_id"], "expires_at": env.get("expires_at")}
        store_result(ctx, s, session.id, result, raw=env["presentations"])
    return _reload(ctx, session)


def _reload(ctx: VerifierContext, session: SessionView) -> SessionView:
    from verifier.flows.sessions import get_session

    view = get_session(ctx, id=session.id)
    assert view is not None
    return view
