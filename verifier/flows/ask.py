"""Ask: turn a composed request into an OpenID4VP 1.0 Authorization Request.

* client id ``decentralized_identifier:<did:web of the verifier>`` (§5.9.3): the request is
  passed by reference (``request_uri``, ``request_uri_method=post``, §5.10) as a signed request
  object (``typ`` ``oauth-authz-req+jwt``) with the verifier's did:web key;
* in development mode ``redirect_uri:<response_uri>`` may be used instead: the request is then
  unsigned and passed by value (§5.9.3 forbids signing it);
* ``response_mode=direct_post`` to ``<public_url>/oid4vp/response``, fresh ``nonce`` and
  ``state`` per session.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from rotonde.oid4vp import (
    SD_JWT_ALG_VALUES,
    AuthorizationRequest,
    build_request,
    invocation_uri,
    sign_request_object,
)
from verifier.flows.context import VerifierContext
from verifier.flows.sessions import SessionView, create_session

__all__ = ["Invitation", "client_metadata", "invitation", "request_object", "start_request"]


def client_metadata(ctx: VerifierContext | None = None,
                    session: SessionView | None = None) -> dict[str, Any]:
    """§5.1 ``client_metadata`` / §11.1: the formats and algorithms this verifier accepts, and
    for ``direct_post.jwt`` the session's response encryption key (§8.3)."""
    # dc+sd-jwt: fully specified algorithm names (Appendix B.3.4: Ed25519, not EdDSA);
    # jwt_vc_json: the JOSE alg header values (Appendix B.1.3.1).
    sd_algs = list(SD_JWT_ALG_VALUES)
    algs = ["ES256", "EdDSA"]
    out: dict[str, Any] = {
        "vp_formats_supported": {
            "dc+sd-jwt": {"sd-jwt_alg_values": sd_algs, "kb-jwt_alg_values": sd_algs},
            "ldp_vc": {"proof_type_values": ["DataIntegrityProof"],
                       "cryptosuite_values": ["eddsa-rdfc-2022"]},
            "jwt_vc_json": {"alg_values": algs},
        },
    }
    if ctx is not None and ctx.settings.organisation_name:
        out["client_name"] = ctx.settings.organisation_name
    if ctx is not None and session is not None and session.enc_kid is not None:
        from verifier.flows.sessions import encryption_key

        key = encryption_key(ctx, session)
        if key is not None:
            jwk = key.public_key.to_jwk()
            jwk.update({"kid": session.enc_kid, "use": "enc", "alg": "ECDH-ES"})
            out["jwks"] = {"keys": [jwk]}
            out["encrypted_response_enc_values_supported"] = ["A128GCM", "A256GCM"]
    return out


def _response_uri(ctx: VerifierContext) -> str:
    return ctx.settings.base_url + "/oid4vp/response"


def _client_id(ctx: VerifierContext, prefix: str) -> str:
    if prefix == "redirect_uri" and ctx.settings.dev:
        return "redirect_uri:" + _response_uri(ctx)
    return ctx.client_id


def start_request(
    ctx: VerifierContext,
    *,
    dcql_query: dict[str, Any],
    requirement: dict[str, Any] | None,
    title: str,
    api_client: str | None = None,
    client_id_prefix: str = "decentralized_identifier",
    response_mode: str = "direct_post",
) -> SessionView:
    client_id = _client_id(ctx, client_id_prefix)
    # validate before storing (raises ValidationError with a pointer)
    build_request(client_id=client_id, response_uri=_response_uri(ctx), dcql_query=dcql_query,
                  nonce="x" * 32, allow_http=ctx.settings.dev, response_mode=response_mode)
    return create_session(ctx, kind="request", title=title, dcql_query=dcql_query,
                          requirement=requirement, client_id=client_id, api_client=api_client,
                          response_mode=response_mode)


def authorization_request(ctx: VerifierContext, session: SessionView) -> AuthorizationRequest:
    assert session.client_id and session.nonce and session.dcql_query is not None
    return build_request(
        client_id=session.client_id, response_uri=_response_uri(ctx),
        dcql_query=session.dcql_query, nonce=session.nonce, state=session.state,
        client_metadata=client_metadata(ctx, session), allow_http=ctx.settings.dev,
        response_mode=session.response_mode,
    )


def request_object(ctx: VerifierContext, session: SessionView, *,
                   wallet_nonce: str | None = None) -> str:
    """The signed request object served at the ``request_uri``."""
    return sign_request_object(
        authorization_request(ctx, session), ctx.key, kid=ctx.kid, clock=ctx.clock,
        lifetime=max(int(session.expires_at - ctx.clock.now()), 1), wallet_nonce=wallet_nonce,
    )


@dataclass(frozen=True)
class Invitation:
    """How the wallet is reached: the ``openid4vp://`` URI (QR) and optional https link."""

    uri: str
    wallet_link: str | None
    request_uri: str | None


def invitation(ctx: VerifierContext, session: SessionView) -> Invitation:
    assert session.client_id is not None
    if session.client_id.startswith("redirect_uri:"):
        req = authorization_request(ctx, session)
        uri = invocation_uri(client_id=session.client_id, request=req)
        link = None
        if ctx.settings.wallet_url:
            link = ctx.settings.wallet_url.rstrip("/") + "/authorize?" + urlencode(req.to_query())
        return Invitation(uri, link, None)
    request_uri = f"{ctx.settings.base_url}/oid4vp/request/{session.id}"
    uri = invocation_uri(client_id=session.client_id, request_uri=request_uri,
                         request_uri_method="post")
    link = None
    if ctx.settings.wallet_url:
        link = invocation_uri(client_id=session.client_id, request_uri=request_uri,
                              request_uri_method="post",
                              base=ctx.settings.wallet_url.rstrip("/") + "/authorize")
    return Invitation(uri, link, request_uri)
