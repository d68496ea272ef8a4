"""Client Identifier Prefixes (OpenID4VP 1.0 §5.9): what a verifier's ``client_id`` proves.

* §5.9.1 syntax: the prefix is the text before the first ``:``; without a recognised prefix
  the client id names a pre-registered client (§5.9.2), which this toolkit has no registry
  for, so such requests are refused (``oid4vp.client_id_prefix_unsupported``).
* §5.9.3 ``decentralized_identifier``, ``x509_san_dns``, ``x509_hash``,
  ``verifier_attestation`` and ``openid_federation`` (whose OpenID Federation rules require
  a signed request object): the request MUST be signed, so an unsigned one (by value, or a
  plain JSON object from a ``request_uri``) is refused (``oid4vp.signed_request_required``).
  ``redirect_uri`` requests MUST NOT be signed and their ``response_uri`` MUST equal the
  client id's value. ``origin`` is reserved for the Digital Credentials API: a wallet MUST
  NOT accept it in a request.
* ``response_uri`` binding (§8.2: it must be a value the client may use; §14.4.1 "Validation
  of the Response URI"): for ``redirect_uri`` it is the value itself; for a ``did:web`` client
  the response URI's authority (host and port, the scheme's default port omitted) must be the
  DID's own host — the origin whose ``did.json`` named the signing key. The path is free, so a
  verifier served under a path (``did:web:example.com:hr``) may answer anywhere on its origin.
  Other DID methods (``did:key``, ``did:jwk``) prove a key but no host; no binding is possible.
* What is proven, for a trust decision (:func:`proven_identities`): a verified signature of a
  ``decentralized_identifier`` request proves the full client id and its DID; an unsigned
  ``redirect_uri`` request proves only where the answer goes: the full client id and the origin
  of its URI. Trust list entries (:func:`trust_entry`) are matched exactly against these; a bare
  host name is not an entry.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import unquote

from rotonde._urls import split_url
from rotonde.errors import RotondeError
from rotonde.oid4vp._errors import invalid, refused

__all__ = [
    "DID_PREFIX",
    "PREFIXES",
    "REDIRECT_URI_PREFIX",
    "SIGNED_PREFIXES",
    "check_client_id",
    "check_response_uri",
    "proven_identities",
    "split_client_id",
    "trust_entry",
    "trusted_match",
]

DID_PREFIX = "decentralized_identifier:"
REDIRECT_URI_PREFIX = "redirect_uri:"
#: Every prefix OpenID4VP 1.0 §5.9.3 defines.
PREFIXES = ("decentralized_identifier", "redirect_uri", "x509_san_dns", "x509_hash",
            "verifier_attestation", "openid_federation", "origin")
#: Prefixes whose requests MUST be signed request objects (§5.9.3).
SIGNED_PREFIXES = frozenset({"decentralized_identifier", "x509_san_dns", "x509_hash",
                             "verifier_attestation", "openid_federation"})
_DEFAULT_PORTS = {"https": 443, "http": 80}


def split_client_id(client_id: str) -> tuple[str | None, str]:
    """``(prefix, value)`` per §5.9.1; a client id without a known prefix gives ``(None, id)``."""
    for prefix in PREFIXES:
        if client_id.startswith(prefix + ":"):
            return prefix, client_id[len(prefix) + 1:]
    return None, client_id


def check_client_id(client_id: str, *, signed: bool) -> str:
    """The client id's prefix, when a request that is (or is not) ``signed`` may use it.

    Raises :class:`PolicyError`: ``oid4vp.client_id_prefix_unsupported`` (no prefix: a
    pre-registered client this wallet does not know), ``oid4vp.client_id_prefix_forbidden``
    (``origin``), ``oid4vp.signed_request_required``, ``oid4vp.signed_request_forbidden``.
    """
    prefix, _ = split_client_id(client_id)
    if prefix is None:
        raise refused("oid4vp.client_id_prefix_unsupported",
                      "the client id has no known prefix; this wallet knows no pre-registered "
                      "verifiers (§5.9.2)",
                      "de client-id heeft geen bekend voorvoegsel; deze wallet kent geen vooraf "
                      "geregistreerde controleurs", "/client_id")
    if prefix == "origin":
        raise refused("oid4vp.client_id_prefix_forbidden",
                      "the origin: prefix is only for the Digital Credentials API (§5.9.3)",
                      "het voorvoegsel origin: is alleen voor de Digital Credentials API",
                      "/client_id")
    if prefix in SIGNED_PREFIXES and not signed:
        raise refused("oid4vp.signed_request_required",
                      f"a request with a {prefix}: client id must be a signed request object "
                      "(§5.9.3); this one is unsigned, so its sender is not proven",
                      f"een verzoek met een {prefix}:-client-id moet een ondertekend "
                      "request-object zijn; dit verzoek is niet ondertekend, dus de afzender "
                      "is niet bewezen", "/client_id")
    if prefix == "redirect_uri" and signed:
        raise refused("oid4vp.signed_request_forbidden",
                      "a request with a redirect_uri: client id must not be signed (§5.9.3)",
                      "een verzoek met een redirect_uri:-client-id mag niet ondertekend zijn",
                      "/client_id")
    return prefix


def _authority(scheme: str, host: str, port: int | None) -> str:
    host = host.lower()
    if ":" in host:  # an IPv6 literal
        host = f"[{host}]"
    return host if port is None or port == _DEFAULT_PORTS.get(scheme) else f"{host}:{port}"


def _url_authority(url: str) -> str | None:
    parts = split_url(url)
    if not parts.hostname or "@" in parts.netloc:
        return None
    return _authority(parts.scheme, parts.hostname, parts.port)


def _did_web_authority(did: str) -> str | None:
    """The host (and port) of a ``did:web``, as an https URL would name it."""
    host = unquote(did[len("did:web:"):].split(":", 1)[0])
    if not host or any(c in host for c in "/@?#\\"):
        return None
    return _url_authority("https://" + host)


def check_response_uri(client_id: str, response_uri: str) -> None:
    """The ``response_uri`` must be one the client id allows (§5.9.3, §8.2; module docstring).

    Raises :class:`ValidationError` ``oid4vp.client_id_mismatch`` (``redirect_uri``),
    ``oid4vp.invalid_client_id`` or ``oid4vp.response_uri_mismatch`` (``did:web``).
    """
    prefix, value = split_client_id(client_id)
    if prefix == "redirect_uri" and value != response_uri:
        raise invalid("oid4vp.client_id_mismatch",
                      "with a redirect_uri client id the response_uri must equal its value",
                      "bij een redirect_uri-client-id moet de response_uri gelijk zijn aan "
                      "de waarde", "/response_uri")
    if prefix != "decentralized_identifier":
        return
    from rotonde.did.document import parse_did

    try:
        method, _ = parse_did(value)
    except RotondeError:
        raise invalid("oid4vp.invalid_client_id", "client id value must be a DID",
                      "waarde van de client-id moet een DID zijn", "/client_id") from None
    if method != "web":
        return
    expected = _did_web_authority(value)
    if expected is None:
        raise invalid("oid4vp.invalid_client_id", "the client id's did:web has no valid host",
                      "de did:web van de client-id heeft geen geldige host", "/client_id")
    if _url_authority(response_uri) != expected:
        raise invalid("oid4vp.response_uri_mismatch",
                      f"the response_uri is not on {expected}, the host of the verifier's "
                      "did:web: the answer would go to someone else",
                      f"de response_uri ligt niet op {expected}, de host van de did:web van de "
                      "controleur: het antwoord zou naar een ander gaan", "/response_uri")


def _origin(url: str, *, allow_http: bool) -> str | None:
    """``scheme://host[:port]`` of an https (or, in development, http) URL."""
    parts = split_url(url)
    if parts.scheme not in (("https", "http") if allow_http else ("https",)):
        return None
    authority = _url_authority(url)
    return None if authority is None else f"{parts.scheme}://{authority}"


def proven_identities(client_id: str, *, signed: bool) -> frozenset[str]:
    """What a checked request proves about its sender (module docstring): the values a trust
    list entry may equal. Empty when nothing is proven."""
    prefix, value = split_client_id(client_id)
    if prefix == "decentralized_identifier" and signed:
        return frozenset({client_id, value})
    if prefix == "redirect_uri" and not signed:
        origin = _origin(value, allow_http=True)
        return frozenset({client_id} | ({origin} if origin else set()))
    return frozenset()


def trust_entry(entry: str, *, allow_http: bool = False) -> str:
    """An entry of a wallet's verifier trust list, normalised: a DID, a full
    ``decentralized_identifier:`` or ``redirect_uri:`` client id, or an origin
    (``https://host[:port]``). Raises :class:`ValidationError` ``oid4vp.invalid_trust_entry``
    for anything else (a bare host name proves nothing)."""
    from rotonde.did.document import parse_did

    text = entry.strip() if isinstance(entry, str) else ""
    prefix, value = split_client_id(text)
    try:
        if text.startswith("did:"):
            parse_did(text)
            return text
        if prefix == "decentralized_identifier":
            parse_did(value)
            return text
    except RotondeError:
        pass
    if prefix == "redirect_uri" and _origin(value, allow_http=allow_http):
        return text
    parts = split_url(text)
    origin = _origin(text, allow_http=allow_http)
    if prefix is None and origin and parts.path in ("", "/") and not parts.query \
            and not parts.fragment:
        return origin
    raise invalid("oid4vp.invalid_trust_entry",
                  f"{text[:80]!r} is not a DID, a decentralized_identifier: or redirect_uri: "
                  "client id, or an https origin",
                  f"{text[:80]!r} is geen DID, geen decentralized_identifier:- of "
                  "redirect_uri:-client-id en geen https-origin")


def trusted_match(client_id: str, *, signed: bool, trusted: Iterable[str],
                  allow_http: bool = False) -> str | None:
    """The trust list entry that what the request proves equals exactly, or ``None``.
    Entries that are not valid (:func:`trust_entry`) never match."""
    proven = proven_identities(client_id, signed=signed)
    for entry in trusted:
        try:
            normalised = trust_entry(entry, allow_http=allow_http)
        except RotondeError:
            continue
        if normalised in proven:
            return normalised
    return None

