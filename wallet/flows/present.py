"""Presenting: OpenID4VP 1.0 (verifier-initiated) and holder-initiated shares.

Verifier-initiated (§5, §8.2):

1. :func:`read_request` — parse the invocation (``openid4vp://``, the wallet's https
   ``/authorize`` link or a decoded QR image); fetch the request object from ``request_uri``
   through the :class:`~rotonde.http.Fetcher` (GET, or POST for ``request_uri_method=post``);
   a request object of a ``decentralized_identifier:`` client is verified with the DID's key
   (:func:`rotonde.oid4vp.verify_request_object`); an unsigned request is accepted only for a
   ``redirect_uri:`` client (its answer goes to the client id's own URI) and shown as unsigned;
   an unsigned request for a prefix that needs a signature is refused (§5.9.3). Whether the
   verifier is on the wallet's trust list is decided on what the request proves (the signing
   DID, or the ``redirect_uri`` origin), matched exactly against the list, and reported, never
   hidden: an untrusted verifier gets a warning and the learner decides.
2. :func:`candidates` — for each DCQL credential query, the learner's credentials that satisfy
   it (:func:`rotonde.oid4vp.match_credential` on the full claims of each credential), with the
   claims that would be disclosed.
3. :func:`build_vp_token` — per chosen credential a presentation bound to the request: SD-JWT
   with a KB-JWT (``aud`` = client id, ``nonce``), or a Data Integrity VP (``challenge`` =
   nonce, ``domain`` = client id) for ``ldp_vc``.
4. :func:`send_response` — ``direct_post`` of ``vp_token`` and ``state`` to ``response_uri``;
   the verifier may answer with a ``redirect_uri`` to continue in the browser.

Holder-initiated shares follow ``docs/share-protocol.md``: :func:`share_presentations` binds
each presentation to ``aud = "rotonde:share:" + share_id`` and a one-time nonce.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from rotonde import oid4vp
from rotonde.clock import Clock
from rotonde.did import DidResolver
from rotonde.encoding import loads_json
from rotonde.errors import FetchError, PolicyError, Problem, RotondeError, ValidationError
from rotonde.http import Fetcher
from rotonde.keys import PrivateKey
from rotonde.oid4vp import ClaimPath
from rotonde.oid4vp.response import Presentation
from wallet.flows.select import Candidate, candidates, dcql_to_sd_path, required_sets
from wallet.flows.store import Held

__all__ = [
    "Candidate",
    "RequestView",
    "build_presentation_for",
    "build_vp_token",
    "candidates",
    "dcql_to_sd_path",
    "read_request",
    "required_sets",
    "send_response",
]

_MAX_RESPONSE = 512 * 1024
_JWT_TYPES = ("application/oauth-authz-req+jwt", "application/jwt", "text/plain",
              "application/json")


@dataclass(frozen=True)
class RequestView:
    """A checked request, ready to show the learner.

    ``trusted`` is True only when what the request proves about its sender (the DID whose key
    signed it, or the origin a ``redirect_uri:`` answer goes to;
    :func:`rotonde.oid4vp.proven_identities`) equals an entry of the wallet's trust list. The
    ``client_name`` the request claims is shown as the verifier's name only when a trusted
    DID signed it; otherwise the proven identity is the name and the claim is shown as such.
    """

    request: dict[str, Any]
    signed: bool
    trusted: bool

    @property
    def client_id(self) -> str:
        return str(self.request["client_id"])

    @property
    def claimed_name(self) -> str:
        meta = self.request.get("client_metadata") or {}
        name = meta.get("client_name") if isinstance(meta, dict) else None
        return str(name)[:200] if isinstance(name, str) and name.strip() else ""

    @property
    def name_proven(self) -> bool:
        return bool(self.signed and self.trusted and self.claimed_name)

    @property
    def verifier_name(self) -> str:
        if self.name_proven:
            return self.claimed_name
        return oid4vp.split_client_id(self.client_id)[1]

    @property
    def purpose(self) -> str:
        meta = self.request.get("client_metadata") or {}
        extra = self.request.get("extra") or {}
        for source in (extra, meta):
            if isinstance(source, dict) and isinstance(source.get("purpose"), str):
                return str(source["purpose"])
        return ""


def _as_dict(req: oid4vp.AuthorizationRequest) -> dict[str, Any]:
    return {
        "client_id": req.client_id, "nonce": req.nonce, "dcql_query": dict(req.dcql_query),
        "response_uri": req.response_uri, "response_mode": req.response_mode,
        "state": req.state,
        "client_metadata": dict(req.client_metadata) if req.client_metadata else None,
        "extra": dict(req.extra),
    }


def read_request(
    text: str, *, fetcher: Fetcher, resolver: DidResolver, clock: Clock, allow_http: bool,
    trusted: Iterable[str] = (),
) -> RequestView:
    """Parse and check a request (see the module docstring). Raises :class:`RotondeError`.

    The client id prefix decides how (OpenID4VP 1.0 §5.9.3): ``decentralized_identifier:``
    requests must be request objects signed by the DID; unsigned ones (by value, or a JSON
    object from the ``request_uri``) are refused by :func:`rotonde.oid4vp.check_request`, as
    are prefixes this wallet cannot verify (X.509, attestation, federation) and ``origin:``.
    """
    raw = (text or "").strip()
    if not raw:
        raise ValidationError("request.empty", "paste a request link first",
                              message_nl="plak eerst een verzoeklink")
    inv = oid4vp.parse_invocation(raw)
    signed = False
    wallet_nonce: str | None = None
    if inv.request_uri is not None:
        if inv.request_uri_method == "post":
            wallet_nonce = secrets.token_urlsafe(16)
            body = _post_request_uri(fetcher, inv.request_uri, wallet_nonce)
        else:
            data, _ = fetcher.get_bytes(inv.request_uri, max_bytes=64 * 1024, accept=_JWT_TYPES)
            body = data.decode("utf-8", "replace").strip()
        prefix, _ = oid4vp.split_client_id(inv.client_id)
        if body.startswith("{"):  # an unsigned request object
            claims = loads_json(body, what="request object")
            if not isinstance(claims, dict) or claims.get("client_id") != inv.client_id:
                raise ValidationError(
                    "oid4vp.client_id_mismatch",
                    "client_id in the request differs from the one in the link",
                    message_nl="client_id in het verzoek verschilt van die in de link")
            req = oid4vp.check_request(claims, allow_http=allow_http)
        elif prefix == "decentralized_identifier":
            req = oid4vp.verify_request_object(
                body, client_id=inv.client_id, resolver=resolver, clock=clock,
                allow_http=allow_http, wallet_nonce=wallet_nonce)
            signed = True
        else:
            oid4vp.check_client_id(inv.client_id, signed=True)  # redirect_uri:, origin:, none
            raise PolicyError(
                "oid4vp.client_id_prefix_unsupported",
                f"this wallet cannot check requests signed for a {prefix}: client id",
                message_nl="deze wallet kan verzoeken die ondertekend zijn voor een "
                f"{prefix}:-client-id niet controleren", pointer="/client_id")
    else:
        params = dict(inv.params or {})
        params.setdefault("client_id", inv.client_id)
        req = oid4vp.check_request(params, allow_http=allow_http)
    match = oid4vp.trusted_match(req.client_id, signed=signed, trusted=trusted,
                                 allow_http=allow_http)
    return RequestView(_as_dict(req), signed, match is not None)


def _post_request_uri(fetcher: Fetcher, url: str, wallet_nonce: str) -> str:
    """§5.10: ``request_uri_method=post`` with a ``wallet_nonce`` the request object must echo
    (so a replayed request object is refused)."""
    status, body, _ = fetcher.post(url, form={"wallet_nonce": wallet_nonce}, headers={
        "accept": "application/oauth-authz-req+jwt"}, max_bytes=64 * 1024)
    if status != 200:
        raise FetchError("fetch.http_status", f"{url} answered HTTP {status}",
                         message_nl=f"{url} antwoordde met HTTP {status}")
    return body.decode("utf-8", "replace").strip()


def build_presentation_for(
    held: Held, *, paths: Iterable[ClaimPath], keys: dict[str, PrivateKey], nonce: str,
    audience: str, clock: Clock,
) -> Presentation:
    """One presentation of ``held`` bound to ``nonce`` and ``audience``."""
    if held.format == "dc+sd-jwt":
        from rotonde.sdjwt import present

        disclose = [dcql_to_sd_path(p) for p in paths]
        return present(held.sd_jwt, disclose=_existing(held, disclose),
                       holder_key=_bound_key(held, keys), nonce=nonce, aud=audience,
                       clock=clock)
    if held.format == "ldp_vc":
        from rotonde.did.key import did_key_from_public_key
        from rotonde.presentation import build_presentation, sign_presentation

        key = keys["EdDSA"]
        vp = build_presentation(credentials=[held.credential],
                                holder=did_key_from_public_key(key.public_key))
        return sign_presentation(vp, signer=key, challenge=nonce, domain=audience, clock=clock)
    if held.format in ("vc+jwt", "jwt_vc_json"):
        from rotonde.jose import sign_vp_jwt
        from rotonde.presentation import build_presentation

        key = keys["ES256"]
        vp = build_presentation(credentials=[held.credential])
        return sign_vp_jwt(vp, signer=key, nonce=nonce, audience=audience)
    raise ValidationError("present.format_unsupported",
                          f"credentials in format {held.format} cannot be presented here",
                          message_nl=f"bewijzen in formaat {held.format} kunnen hier niet "
                          "worden getoond")


def _bound_key(held: Held, keys: dict[str, PrivateKey]) -> PrivateKey:
    """The holder key the credential's ``cnf.jwk`` names (else the account's P-256 key)."""
    from rotonde.keys import public_key_from_jwk

    claims = (held.meta.get("report") or {}).get("claims") or {}
    cnf = claims.get("cnf") if isinstance(claims, dict) else None
    jwk = cnf.get("jwk") if isinstance(cnf, dict) else None
    if isinstance(jwk, dict):
        try:
            found = keys.get(public_key_from_jwk(jwk).thumbprint())
        except RotondeError:
            found = None
        if found is not None:
            return found
    return keys["ES256"]


def _matches(pattern: tuple[str, ...], path: tuple[str, ...]) -> bool:
    """Does ``path`` match ``pattern`` element by element (``*`` matches any one element)?"""
    return len(pattern) == len(path) and all(a in ("*", b) for a, b in zip(pattern, path,
                                                                              strict=True))


def _existing(held: Held, paths: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """Only paths that are, or lie below or above, a selectively disclosable claim
    (always-visible claims need nothing)."""
    from rotonde.sdjwt import disclosable_paths

    have = [tuple(p.split(".")) for p in disclosable_paths(held.sd_jwt)]
    out = []
    for path in paths:
        if any(
            (len(h) >= len(path) and _matches(path, h[:len(path)]))
            or (len(h) < len(path) and _matches(path[:len(h)], h))
            for h in have
        ):
            out.append(path)
    return out


def build_vp_token(
    request: dict[str, Any], chosen: dict[str, tuple[Held, list[ClaimPath]]], *,
    keys: dict[str, PrivateKey], clock: Clock,
) -> dict[str, list[Presentation]]:
    return {
        qid: [build_presentation_for(h, paths=paths, keys=keys, nonce=request["nonce"],
                                     audience=request["client_id"], clock=clock)]
        for qid, (h, paths) in chosen.items()
    }


def send_response(request: dict[str, Any], vp_token: dict[str, list[Presentation]], *,
                  fetcher: Fetcher) -> dict[str, Any]:
    """``direct_post`` to the verifier; returns ``{"ok", "redirect_uri", "problem"}``."""
    if request.get("response_mode") != "direct_post":
        raise ValidationError("present.response_mode_unsupported",
                              "this wallet answers only with direct_post",
                              message_nl="deze wallet antwoordt alleen met direct_post")
    form = oid4vp.direct_post_form(vp_token, request.get("state"))
    try:
        status, body = fetcher.post_json(request["response_uri"], form=form,
                                         max_bytes=_MAX_RESPONSE)
    except FetchError as exc:
        return {"ok": False, "redirect_uri": None, "problem": exc.problems[0].to_dict()}
    redirect_uri = body.get("redirect_uri") if isinstance(body, dict) else None
    if 200 <= status < 300:
        return {"ok": True, "redirect_uri": redirect_uri if isinstance(redirect_uri, str)
                and redirect_uri.startswith(("https://", "http://")) else None, "problem": None}
    desc = ""
    if isinstance(body, dict):
        desc = str(body.get("error_description") or body.get("detail") or body.get("error")
                   or "")
    problem = Problem("present.verifier_refused",
                      f"the verifier answered HTTP {status}" + (f": {desc}" if desc else ""),
                      f"de controleur antwoordde met HTTP {status}" + (f": {desc}" if desc
                                                                       else ""))
    return {"ok": False, "redirect_uri": None, "problem": problem.to_dict()}
