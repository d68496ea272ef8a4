"""``did:web`` (did:web Method Specification, §3.2 Create/Register and §3.3 Read/Resolve).

``did:web:example.com`` → ``https://example.com/.well-known/did.json``;
``did:web:example.com:user:alice`` → ``https://example.com/user/alice/did.json``; a port is
percent-encoded in the host part (``did:web:localhost%3A8443``). Resolution fetches through the
:class:`rotonde.http.Fetcher` (URL policy, caps) and requires the document ``id`` to be the DID.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import quote, unquote

from rotonde._urls import split_url
from rotonde.did.document import DidDocument, parse_did
from rotonde.encoding import loads_json
from rotonde.errors import ParseError
from rotonde.http import Fetcher

__all__ = ["did_web_from_url", "did_web_to_url", "fetch_did_web", "fetch_did_web_bytes",
           "parse_did_web"]

_DID_JSON_TYPES = (
    "application/did+json",
    "application/did+ld+json",
    "application/json",
    "application/ld+json",
)


def did_web_to_url(did: str) -> str:
    """The HTTPS URL of the DID document for a ``did:web``."""
    method, msid = parse_did(did)
    if method != "web":
        raise ParseError(
            "did.invalid", f"{did!r} is not a did:web", message_nl=f"{did!r} is geen did:web"
        )
    parts = msid.split(":")
    host = unquote(parts[0])
    if not host or "/" in host or "@" in host or "?" in host or "#" in host:
        raise ParseError(
            "did.invalid",
            f"did:web host {host!r} is invalid",
            message_nl=f"did:web-host {host!r} is ongeldig",
        )
    path = [unquote(p) for p in parts[1:]]
    if any(not p or p in (".", "..") or "/" in p for p in path):
        raise ParseError(
            "did.invalid",
            "did:web path segment is invalid",
            message_nl="padsegment van did:web is ongeldig",
        )
    if not path:
        return f"https://{host}/.well-known/did.json"
    return f"https://{host}/" + "/".join(quote(p, safe="") for p in path) + "/did.json"


def did_web_from_url(url: str) -> str:
    """The ``did:web`` for an HTTPS origin (plus optional path), e.g. an issuer's base URL."""
    parts = split_url(url)
    if parts.scheme != "https" or not parts.hostname:
        raise ParseError(
            "did.invalid",
            "did:web needs an https URL with a host",
            message_nl="did:web heeft een https-URL met host nodig",
        )
    host = parts.hostname + (f"%3A{parts.port}" if parts.port else "")
    segments = [s for s in parts.path.split("/") if s]
    if segments and segments[-1] == "did.json":
        segments = segments[:-1]
    if segments == [".well-known"]:
        segments = []
    return ":".join(["did:web", host, *(quote(unquote(s), safe="") for s in segments)])


def fetch_did_web_bytes(did: str, fetcher: Fetcher) -> tuple[bytes, Mapping[str, str]]:
    """The ``did:web`` document as fetched (the body bytes) and the response headers."""
    body, headers = fetcher.get_bytes(did_web_to_url(did), accept=_DID_JSON_TYPES)
    return bytes(body), headers


def parse_did_web(did: str, body: bytes) -> DidDocument:
    """Parse a fetched ``did:web`` document; its ``id`` must be ``did``."""
    what = f"DID document {did_web_to_url(did)}"
    return DidDocument.from_json(loads_json(body, what=what), expected_id=did)


def fetch_did_web(did: str, fetcher: Fetcher) -> tuple[DidDocument, Mapping[str, str]]:
    """Fetch and parse a ``did:web`` document; returns it with the response headers."""
    body, headers = fetch_did_web_bytes(did, fetcher)
    return parse_did_web(did, body), headers
