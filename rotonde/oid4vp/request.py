"""Authorization Requests (OpenID4VP 1.0 §5) — building them on the verifier side.

* §5.1 parameters: ``client_id``, ``response_type=vp_token``, ``response_mode``
  (``direct_post`` §8.2; ``direct_post.jwt`` §8.3), ``response_uri``, ``nonce``, ``state``,
  ``dcql_query``, ``client_metadata``.
* §5.9 Client Identifier Prefixes (rules in :mod:`rotonde.oid4vp.client`):
  ``decentralized_identifier:`` (the request MUST be a signed request object whose ``kid`` is a
  DID URL of that DID; for a ``did:web`` the ``response_uri`` lies on the DID's host) and
  ``redirect_uri:`` (the request MUST NOT be signed, and with ``direct_post`` the
  ``response_uri`` MUST equal the value).
* §5.10 ``request_uri`` / ``request_uri_method`` (``get`` or ``post``; with ``post`` the wallet
  may send ``wallet_nonce``, which the signed request object then echoes).
* Request objects are JWTs (RFC 9101) of ``typ`` ``oauth-authz-req+jwt``; ``aud`` is
  ``https://self-issued.me/v2`` for static discovery (§5.8). ``iss``: RFC 9101 §4 says a
  signed request object SHOULD carry it with the meaning of RFC 7519 §4.1.1 (the principal that
  issued the JWT); OpenID4VP 1.0 §5 lets it be present and tells the wallet to ignore it, since
  ``client_id`` is what counts. For a ``decentralized_identifier:`` client it is the DID itself
  (the party whose key, named by the DID URL ``kid``, signs), never the prefixed client id: a
  reader that resolves ``kid`` relative to ``iss`` — as the OpenWallet Foundation libraries and
  RFC 7519 readers do — finds the ``kid`` under that DID. Other clients: the client id.
* Wallet invocation: ``openid4vp://?client_id=...&request_uri=...`` (§13.1) or the same query
  on a wallet's https endpoint.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from rotonde._urls import split_url
from rotonde.clock import Clock, SystemClock
from rotonde.jws import sign_compact
from rotonde.keys import Signer
from rotonde.oid4vp._errors import invalid
from rotonde.oid4vp.client import (
    DID_PREFIX,
    REDIRECT_URI_PREFIX,
    check_response_uri,
    split_client_id,
)
from rotonde.oid4vp.dcql import parse_dcql

__all__ = [
    "DID_PREFIX",
    "REDIRECT_URI_PREFIX",
    "REQUEST_OBJECT_TYP",
    "SELF_ISSUED_AUDIENCE",
    "AuthorizationRequest",
    "build_request",
    "invocation_uri",
    "new_nonce",
    "sign_request_object",
    "split_client_id",
]

REQUEST_OBJECT_TYP = "oauth-authz-req+jwt"
SELF_ISSUED_AUDIENCE = "https://self-issued.me/v2"
RESPONSE_MODES = ("direct_post", "direct_post.jwt")


def new_nonce(nbytes: int = 24) -> str:
    """A fresh random value for ``nonce`` / ``state`` (base64url, 192 bits by default)."""
    return secrets.token_urlsafe(nbytes)


@dataclass(frozen=True)
class AuthorizationRequest:
    """An OpenID4VP Authorization Request (the request object's claims, §5.1)."""

    client_id: str
    nonce: str
    dcql_query: Mapping[str, Any]
    response_uri: str
    response_type: str = "vp_token"
    response_mode: str = "direct_post"
    state: str | None = None
    client_metadata: Mapping[str, Any] | None = None
    wallet_nonce: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def client_id_prefix(self) -> str | None:
        return split_client_id(self.client_id)[0]

    @property
    def client_id_value(self) -> str:
        return split_client_id(self.client_id)[1]

    def to_claims(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "client_id": self.client_id,
            "response_type": self.response_type,
            "response_mode": self.response_mode,
            "response_uri": self.response_uri,
            "nonce": self.nonce,
            "dcql_query": dict(self.dcql_query),
        }
        if self.state is not None:
            out["state"] = self.state
        if self.client_metadata is not None:
            out["client_metadata"] = dict(self.client_metadata)
        if self.wallet_nonce is not None:
            out["wallet_nonce"] = self.wallet_nonce
        out.update(self.extra)
        return out

    def to_query(self) -> dict[str, str]:
        """The request as URL query parameters (by value; only for ``redirect_uri:``)."""
        return {
            k: v if isinstance(v, str) else json.dumps(v, separators=(",", ":"))
            for k, v in self.to_claims().items()
        }


def _check_uri(uri: str, *, allow_http: bool, pointer: str) -> None:
    parts = split_url(uri)
    ok_scheme = parts.scheme == "https" or (allow_http and parts.scheme == "http")
    if not ok_scheme or not parts.netloc or parts.fragment:
        raise invalid(
            "oid4vp.invalid_response_uri",
            f"{pointer.strip('/')} must be an absolute https URL without fragment",
            f"{pointer.strip('/')} moet een absolute https-URL zonder fragment zijn",
            pointer,
        )


def build_request(
    *,
    client_id: str,
    response_uri: str,
    dcql_query: Mapping[str, Any],
    nonce: str,
    state: str | None = None,
    response_mode: str = "direct_post",
    client_metadata: Mapping[str, Any] | None = None,
    allow_http: bool = False,
) -> AuthorizationRequest:
    """Build and check an Authorization Request (the DCQL query is validated, §6)."""
    parse_dcql(dcql_query)
    if response_mode not in RESPONSE_MODES:
        raise invalid("oid4vp.unsupported_response_mode",
                      f"response_mode {response_mode!r} is not supported",
                      f"response_mode {response_mode!r} wordt niet ondersteund", "/response_mode")
    _check_uri(response_uri, allow_http=allow_http, pointer="/response_uri")
    check_response_uri(client_id, response_uri)  # §5.9.3: redirect_uri equal, did:web host
    if not nonce or len(nonce) < 16:
        raise invalid("oid4vp.weak_nonce", "nonce must have at least 16 characters",
                      "nonce moet minstens 16 tekens hebben", "/nonce")
    return AuthorizationRequest(
        client_id=client_id, nonce=nonce, dcql_query=dict(dcql_query), response_uri=response_uri,
        response_mode=response_mode, state=state, client_metadata=client_metadata,
    )


def sign_request_object(
    request: AuthorizationRequest,
    signer: Signer,
    *,
    kid: str,
    clock: Clock | None = None,
    lifetime: int = 300,
    audience: str = SELF_ISSUED_AUDIENCE,
    wallet_nonce: str | None = None,
) -> str:
    """Sign the request as a request object (RFC 9101; ``typ`` ``oauth-authz-req+jwt``).

    For ``decentralized_identifier:`` client ids ``kid`` must be a DID URL of that DID (§5.9.3).
    """
    if request.client_id_prefix == "redirect_uri":
        raise invalid("oid4vp.unsigned_required",
                      "requests with a redirect_uri client id must not be signed (§5.9.3)",
                      "verzoeken met een redirect_uri-client-id mogen niet ondertekend zijn",
                      "/client_id")
    if request.client_id_prefix == "decentralized_identifier" and not kid.startswith(
        request.client_id_value + "#"
    ):
        raise invalid("oid4vp.kid_mismatch", "kid must be a DID URL of the client id's DID",
                      "kid moet een DID-URL van de DID van de client-id zijn", "/kid")
    now = int((clock or SystemClock()).now())
    claims = request.to_claims()
    if wallet_nonce is not None:
        claims["wallet_nonce"] = wallet_nonce
    iss = (request.client_id_value if request.client_id_prefix == "decentralized_identifier"
           else request.client_id)
    claims.update({"iss": iss, "aud": audience, "iat": now, "exp": now + lifetime})
    return sign_compact({"typ": REQUEST_OBJECT_TYP, "kid": kid}, claims, signer)


def invocation_uri(
    *,
    client_id: str,
    request_uri: str | None = None,
    request_uri_method: str | None = None,
    request: AuthorizationRequest | None = None,
    base: str = "openid4vp://",
) -> str:
    """The URI a wallet is invoked with (QR code or link).

    By reference: ``client_id`` + ``request_uri`` (+ ``request_uri_method``); by value (only for
    unsigned ``redirect_uri:`` requests): all request parameters. ``base`` may be a wallet's
    https authorization endpoint (``https://wallet.example/authorize``).
    """
    params: dict[str, str] = {}
    if request is not None:
        params.update(request.to_query())
    else:
        if request_uri is None:
            raise invalid("oid4vp.request_uri_missing", "request_uri or request is required",
                          "request_uri of request is vereist")
        params["client_id"] = client_id
        params["request_uri"] = request_uri
        if request_uri_method is not None:
            if request_uri_method not in ("get", "post"):
                raise invalid("oid4vp.invalid_request_uri_method",
                              "request_uri_method must be get or post",
                              "request_uri_method moet get of post zijn")
            params["request_uri_method"] = request_uri_method
    sep = "&" if "?" in base else ("" if base.endswith("?") else "?")
    return base + sep + urlencode(params)
