"""The wallet side of an Authorization Request (OpenID4VP 1.0 §5).

* :func:`parse_invocation` — read ``openid4vp://?...`` (or an https wallet link): by reference
  (``client_id`` + ``request_uri`` [+ ``request_uri_method``]) or by value.
* :func:`verify_request_object` — check a fetched request object: ``typ``
  ``oauth-authz-req+jwt``, signature with the key named by ``kid`` resolved from the client
  id's DID (``decentralized_identifier:``, §5.9.3; the key must be authorised for
  ``authentication`` or ``assertionMethod``), the ``client_id`` equal to the invocation's
  (§5.10), ``exp``, ``aud``, ``wallet_nonce``, and then :func:`check_request`.
* :func:`check_request` — the parameters themselves: ``response_type=vp_token``,
  ``response_mode`` direct_post(.jwt) with an https ``response_uri``, a ``nonce``, a valid
  DCQL query, and the client id prefix rules of :mod:`rotonde.oid4vp.client` (§5.9.3): an
  unsigned request for a prefix that requires a signature is refused, ``redirect_uri:``
  requests are never signed and answer to the client id's value, and a ``did:web`` client's
  ``response_uri`` lies on the DID's host.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from rotonde._urls import split_url
from rotonde.clock import Clock, SystemClock
from rotonde.encoding import loads_json
from rotonde.errors import RotondeError, SignatureError
from rotonde.jws import parse_compact
from rotonde.keys import PublicKey
from rotonde.oid4vp._errors import invalid, malformed, refused
from rotonde.oid4vp.client import check_client_id, check_response_uri, split_client_id
from rotonde.oid4vp.dcql import parse_dcql
from rotonde.oid4vp.request import (
    REQUEST_OBJECT_TYP,
    RESPONSE_MODES,
    SELF_ISSUED_AUDIENCE,
    AuthorizationRequest,
)

__all__ = ["Invocation", "check_request", "parse_invocation", "verify_request_object"]

_MAX_URI = 8 * 1024
_KNOWN = ("client_id", "response_type", "response_mode", "response_uri", "nonce", "state",
          "dcql_query", "client_metadata", "wallet_nonce")


@dataclass(frozen=True)
class Invocation:
    """What the QR code / link carried."""

    client_id: str
    request_uri: str | None = None
    request_uri_method: str = "get"
    params: Mapping[str, str] | None = None  # by value


def parse_invocation(uri: str) -> Invocation:
    """Parse an ``openid4vp://`` URI or https wallet link. Raises :class:`ParseError`."""
    if not isinstance(uri, str) or len(uri) > _MAX_URI:
        raise malformed("oid4vp.invocation_malformed", "invocation URI is missing or too long",
                        "aanroep-URI ontbreekt of is te lang")
    parts = split_url(uri.strip())
    params: dict[str, str] = {}
    for k, v in parse_qsl(parts.query, keep_blank_values=True):
        if k in params:
            raise malformed("oid4vp.duplicate_parameter", f"parameter {k!r} appears twice",
                            f"parameter {k!r} komt twee keer voor", f"#query/{k}")
        params[k] = v
    client_id = params.get("client_id")
    if not client_id:
        raise malformed("oid4vp.client_id_missing", "client_id is missing",
                        "client_id ontbreekt", "#query/client_id")
    if "request" in params:
        raise refused("oid4vp.request_by_value_unsupported",
                      "request objects passed by value are not supported; use request_uri",
                      "request-objecten als waarde worden niet ondersteund; gebruik request_uri",
                      "#query/request")
    if "request_uri" in params:
        method = params.get("request_uri_method", "get")
        if method not in ("get", "post"):
            raise malformed("oid4vp.invalid_request_uri_method",
                            "request_uri_method must be get or post",
                            "request_uri_method moet get of post zijn",
                            "#query/request_uri_method")
        ru = split_url(params["request_uri"])
        if ru.scheme not in ("https", "http") or not ru.netloc:
            raise malformed("oid4vp.invalid_request_uri", "request_uri is not an http(s) URL",
                            "request_uri is geen http(s)-URL", "#query/request_uri")
        return Invocation(client_id, params["request_uri"], method)
    return Invocation(client_id, None, "get", params)


def _json_param(value: Any, name: str) -> Any:
    if isinstance(value, str):
        try:
            return loads_json(value, what=name)  # depth-capped: "[" * 3000 was a RecursionError
        except RotondeError:
            raise malformed("oid4vp.parameter_malformed", f"{name} is not valid JSON",
                            f"{name} is geen geldige JSON", f"/{name}") from None
    return value


def check_request(
    claims: Mapping[str, Any], *, allow_http: bool = False, signed: bool = False,
) -> AuthorizationRequest:
    """Validate request parameters (§5.1, §5.9, §6, §8.2) and return the request.

    With a ``redirect_uri:`` client id ``response_uri`` may be omitted (§5.9.3); it is then the
    client id's value. ``signed`` says the parameters come from a request object whose signature was verified
    for the client id (:func:`verify_request_object` passes True); by default they are
    unsigned, and a client id prefix that requires a signature is refused
    (``oid4vp.signed_request_required``, :func:`rotonde.oid4vp.client.check_client_id`).
    """
    def text(name: str, required: bool = True) -> str | None:
        value = claims.get(name)
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value:
            raise invalid("oid4vp.invalid_request", f"{name} must be a non-empty string",
                          f"{name} moet een niet-lege tekst zijn", f"/{name}")
        return value

    client_id = text("client_id")
    assert client_id is not None
    if claims.get("response_type") != "vp_token":
        raise invalid("oid4vp.unsupported_response_type", "response_type must be vp_token",
                      "response_type moet vp_token zijn", "/response_type")
    mode = text("response_mode")
    if mode not in RESPONSE_MODES:
        raise invalid("oid4vp.unsupported_response_mode",
                      f"response_mode {mode!r} is not supported",
                      f"response_mode {mode!r} wordt niet ondersteund", "/response_mode")
    if "redirect_uri" in claims:
        raise invalid("oid4vp.invalid_request",
                      "redirect_uri must not be present with response_mode direct_post",
                      "redirect_uri mag niet aanwezig zijn bij response_mode direct_post",
                      "/redirect_uri")
    # §5.9.3: with a redirect_uri: client id the Verifier MAY omit response_uri (direct_post);
    # the answer then goes to the client id's own value, the Response URI.
    prefix, _, prefixed_value = client_id.partition(":")
    omitted = prefix == "redirect_uri" and claims.get("response_uri") is None
    response_uri = prefixed_value if omitted else text("response_uri")
    if not response_uri:
        raise invalid("oid4vp.invalid_request", "response_uri must be a non-empty string",
                      "response_uri moet een niet-lege tekst zijn", "/response_uri")
    ru = split_url(response_uri)
    if not (ru.scheme == "https" or (allow_http and ru.scheme == "http")) or not ru.netloc:
        raise invalid("oid4vp.invalid_response_uri", "response_uri must be an https URL",
                      "response_uri moet een https-URL zijn", "/response_uri")
    nonce = text("nonce")
    assert nonce is not None
    state = text("state", required=False)
    if "dcql_query" not in claims:
        raise invalid("oid4vp.invalid_request", "dcql_query is missing",
                      "dcql_query ontbreekt", "/dcql_query")
    dcql = _json_param(claims["dcql_query"], "dcql_query")
    try:
        parse_dcql(dcql)
    except RotondeError as exc:
        first = exc.problems[0]
        raise invalid(first.code, first.message, first.message_nl,
                      "/dcql_query" + (first.pointer or "")) from None
    metadata = _json_param(claims["client_metadata"], "client_metadata") if (
        "client_metadata" in claims) else None
    if metadata is not None and not isinstance(metadata, dict):
        raise invalid("oid4vp.invalid_request", "client_metadata must be a JSON object",
                      "client_metadata moet een JSON-object zijn", "/client_metadata")
    # §5.9.3: the prefix decides whether the request must (not) be signed and where the
    # answer may go; an unsigned request never speaks for a DID (or X.509, ...) client.
    check_client_id(client_id, signed=signed)
    check_response_uri(client_id, response_uri)
    wallet_nonce = claims.get("wallet_nonce")
    extra = {k: v for k, v in claims.items()
             if k not in _KNOWN and k not in ("iss", "aud", "iat", "exp", "nbf", "jti")}
    return AuthorizationRequest(
        client_id=client_id, nonce=nonce, dcql_query=dcql, response_uri=response_uri,
        response_mode=str(mode), state=state, client_metadata=metadata,
        wallet_nonce=wallet_nonce if isinstance(wallet_nonce, str) else None, extra=extra,
    )


def verify_request_object(
    token: str,
    *,
    client_id: str,
    resolver: Any,
    clock: Clock | None = None,
    wallet_nonce: str | None = None,
    audiences: tuple[str, ...] = (SELF_ISSUED_AUDIENCE,),
    leeway: float = 60.0,
    allow_http: bool = False,
) -> AuthorizationRequest:
    """Verify a signed request object fetched from ``request_uri`` (wallet side).

    ``resolver`` is a :class:`rotonde.did.Resolver` (``resolve_key(did_url, purpose=)``).
    Raises :class:`SignatureError`, :class:`PolicyError`, :class:`ParseError` or
    :class:`ValidationError` with precise codes.
    """
    prefix, value = split_client_id(client_id)
    if prefix != "decentralized_identifier":
        raise refused("oid4vp.client_id_prefix_unsupported",
                      f"client id prefix {prefix!r} cannot be used with a signed request here",
                      f"client-id-voorvoegsel {prefix!r} kan hier niet met een ondertekend "
                      "verzoek worden gebruikt", "/client_id")
    jws = parse_compact(token, typ=REQUEST_OBJECT_TYP)
    claims = jws.claims()
    if claims.get("client_id") != client_id:
        raise invalid("oid4vp.client_id_mismatch",
                      "client_id in the request object differs from the one in the invocation",
                      "client_id in het request-object verschilt van die in de aanroep",
                      "/client_id")
    kid = jws.header.get("kid")
    if not isinstance(kid, str) or not kid.startswith(value + "#"):
        raise SignatureError("oid4vp.kid_mismatch",
                             "request object kid must be a DID URL of the client id's DID",
                             message_nl="kid van het request-object moet een DID-URL van de DID "
                             "van de client-id zijn", pointer="/kid")
    vm = None
    last: RotondeError | None = None
    for purpose in ("authentication", "assertionMethod"):
        try:
            vm = resolver.resolve_key(kid, purpose=purpose)
            break
        except SignatureError as exc:
            last = exc
    if vm is None:
        raise last or SignatureError("key.unresolvable", "verifier key not found")
    key: PublicKey = vm.public_key if hasattr(vm, "public_key") else vm
    jws.verify(key)
    now = (clock or SystemClock()).now()
    exp = claims.get("exp")
    if exp is not None and (not isinstance(exp, (int, float)) or exp + leeway < now):
        raise invalid("oid4vp.request_expired", "the request object has expired",
                      "het request-object is verlopen", "/exp")
    aud = claims.get("aud")
    if aud is not None and aud not in audiences:
        raise invalid("oid4vp.invalid_audience", f"request object aud {aud!r} is not this wallet",
                      f"aud {aud!r} van het request-object is niet deze wallet", "/aud")
    if wallet_nonce is not None and claims.get("wallet_nonce") != wallet_nonce:
        raise invalid("oid4vp.wallet_nonce_mismatch", "wallet_nonce does not match",
                      "wallet_nonce komt niet overeen", "/wallet_nonce")
    return check_request(claims, allow_http=allow_http, signed=True)
