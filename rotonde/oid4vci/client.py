"""The wallet side of OpenID4VCI 1.0, pre-authorized code flow, over the one Fetcher.

Three verbs, each keyword-only, each sending every request through the
:class:`~rotonde.http.Fetcher` passed in (its URL policy, deadline and caps):

1. :func:`read_offer` — a Credential Offer (§4.1): JSON, an ``openid-credential-offer://``
   link or the query the wallet's https Credential Offer Endpoint (§4) received
   (:func:`offer_link_from_query`); by value (``credential_offer``, §4.1.2) or by reference
   (``credential_offer_uri``, §4.1.3: fetched with GET, ``application/json``).
2. :func:`fetch_issuer_metadata` — Credential Issuer Metadata (§12.2.2: ``/.well-known/
   openid-credential-issuer`` inserted between the host and the path of the issuer identifier,
   whose ``credential_issuer`` must be that identifier, §12.2.1) and the token endpoint: a
   ``token_endpoint`` in that metadata, else the Authorization Server Metadata (RFC 8414 §3)
   of the first ``authorization_servers`` entry (an https URL without query or fragment,
   RFC 8414 §2), or of the issuer itself when there is none (§12.2.4), else
   ``<server>/token``.
3. :func:`redeem` — the Token Request with the pre-authorized code and the ``tx_code`` (§6.1),
   then per offered configuration a fresh ``c_nonce`` from the Nonce Endpoint (§7), a key proof
   of type ``jwt`` (Appendix F.1) signed with the holder key that fits the format (Ed25519 for
   ``ldp_vc``, P-256 otherwise, or what ``proof_signing_alg_values_supported`` allows), and the
   Credential Request with ``proofs.jwt`` (§8.2) whose Credential Response (§8.3) carries the
   credentials. Any failure of the Nonce Request, the key proof or the Credential Request
   fails that configuration only; the others are still asked for (the access token is spent,
   so nothing already issued may be lost). Authorization Server Metadata (RFC 8414) is used
   only when its ``issuer`` is the server it was fetched from (§3.3).

Errors (:class:`~rotonde.errors.RotondeError`, stable codes): :class:`ValidationError`
``offer.empty``, ``offer.not_an_offer``, ``offer.unknown_configuration``, ``offer.pin_missing``,
``offer.invalid_grant`` (§6.3: wrong PIN, or a used or expired code), ``offer.<error>`` for the
other OAuth error codes of §6.3, §8.3.1 and RFC 6750 (:data:`KNOWN_OAUTH_ERRORS`),
``offer.issuer_refused`` for any other code an issuer sends, ``offer.no_holder_key`` (that
configuration only); :class:`FetchError`
``offer.issuer_error`` (an HTTP error status without an OAuth error body), the Fetcher's
``fetch.*`` (``fetch.not_json`` for a POST answer that is not JSON); :class:`ParseError`
``json.*`` (a GET answer that is not JSON); :class:`~rotonde.oid4vci.OID4VCIError`
``oid4vci.*`` from the message parsers of this package.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rotonde._urls import split_url, well_known
from rotonde.clock import Clock
from rotonde.errors import FetchError, Problem, RotondeError, ValidationError
from rotonde.http import Fetcher
from rotonde.keys import PrivateKey
from rotonde.oid4vci._common import OID4VCIError
from rotonde.oid4vci.messages import (
    credential_request,
    parse_credential_response,
    parse_token_response,
    token_request,
)
from rotonde.oid4vci.metadata import parse_issuer_metadata
from rotonde.oid4vci.offer import (
    OFFER_SCHEME,
    CredentialOffer,
    parse_credential_offer,
    parse_offer_uri,
)
from rotonde.oid4vci.proof import create_proof

__all__ = [
    "KNOWN_OAUTH_ERRORS",
    "Issued",
    "IssuerInfo",
    "fetch_issuer_metadata",
    "offer_link_from_query",
    "read_offer",
    "redeem",
]

_JSON = ("application/json",)
_MAX_OFFER = 64 * 1024
_MAX_METADATA = 256 * 1024
_MAX_AS_METADATA = 64 * 1024
_MAX_RESPONSE = 512 * 1024
_OFFER_SCHEMES = ("openid-credential-offer", "https", "http", "haip")


def offer_link_from_query(query: str) -> str:
    """The ``openid-credential-offer://`` link for the query string the wallet's https
    Credential Offer Endpoint (§4) was opened with."""
    return OFFER_SCHEME + "?" + query


def read_offer(*, text: str, fetcher: Fetcher) -> CredentialOffer:
    """The Credential Offer that ``text`` carries or names (§4.1), fetched when by reference."""
    raw = (text or "").strip()
    if not raw:
        raise ValidationError("offer.empty", "paste an offer link first",
                              message_nl="plak eerst een aanbodlink")
    if raw.startswith("{"):
        return parse_credential_offer(raw)
    parts = split_url(raw)
    if parts.scheme not in _OFFER_SCHEMES or "credential_offer" not in parts.query:
        raise ValidationError(
            "offer.not_an_offer",
            "this is not a credential offer link (openid-credential-offer://…)",
            message_nl="dit is geen aanbodlink voor een bewijs (openid-credential-offer://…)",
        )
    ref = parse_offer_uri(raw)
    if ref.offer is not None:
        return ref.offer
    assert ref.credential_offer_uri is not None
    data = fetcher.get_json(ref.credential_offer_uri, max_bytes=_MAX_OFFER, accept=_JSON)
    return parse_credential_offer(data)


def _display_name(displays: Any, lang: str, default: str) -> str:
    """The ``name`` of the ``display`` entry for ``lang`` (§12.2.4), else of the first entry
    that has one, else ``default``."""
    entries = [d for d in displays if isinstance(d, dict)] if isinstance(displays, list) else []
    for entry in entries:
        if str(entry.get("locale", "")).startswith(lang):
            return str(entry.get("name") or default)
    return next((str(e["name"]) for e in entries if e.get("name")), default)


@dataclass(frozen=True)
class IssuerInfo:
    """What the wallet learned about the issuer before asking the learner to accept:
    the checked Credential Issuer Metadata and the token endpoint."""

    metadata: dict[str, Any]
    token_endpoint: str

    @property
    def issuer(self) -> str:
        return str(self.metadata["credential_issuer"])

    def name(self, lang: str) -> str:
        """The issuer's display name in ``lang`` (§12.2.4 ``display``)."""
        return _display_name(self.metadata.get("display"), lang, self.issuer)

    def configuration(self, config_id: str) -> dict[str, Any]:
        """The offered configuration from ``credential_configurations_supported``."""
        conf = self.metadata["credential_configurations_supported"].get(config_id)
        if not isinstance(conf, dict):
            raise ValidationError(
                "offer.unknown_configuration",
                f"the issuer does not describe the offered credential {config_id!r}",
                message_nl=f"de uitgever beschrijft het aangeboden bewijs {config_id!r} niet",
            )
        return conf

    def label(self, config_id: str, lang: str) -> str:
        """The configuration's display name in ``lang`` (``credential_metadata.display``, or
        the ``display`` of earlier drafts)."""
        conf = self.configuration(config_id)
        displays = conf.get("display")
        if not displays and isinstance(conf.get("credential_metadata"), dict):
            displays = conf["credential_metadata"].get("display")
        return _display_name(displays, lang, config_id)


def _authorization_server(meta: Mapping[str, Any], issuer: str) -> str:
    """The first ``authorization_servers`` entry, or the issuer itself (§12.2.4)."""
    servers = meta.get("authorization_servers")
    if not (isinstance(servers, list) and servers and isinstance(servers[0], str)):
        return issuer
    parts = split_url(servers[0])
    if parts.scheme not in ("https", "http") or not parts.netloc or parts.query or parts.fragment:
        raise OID4VCIError(
            "invalid_request",
            "authorization_servers[0] is not an https URL without query or fragment",
            "authorization_servers[0] is geen https-URL zonder query of fragment",
            pointer="/authorization_servers/0",
        )
    return str(servers[0])


def fetch_issuer_metadata(*, issuer: str, fetcher: Fetcher) -> IssuerInfo:
    """Credential Issuer Metadata and the token endpoint (see the module docstring)."""
    data = fetcher.get_json(well_known(issuer, "openid-credential-issuer"),
                            max_bytes=_MAX_METADATA, accept=_JSON)
    meta = parse_issuer_metadata(data, expected_issuer=issuer)
    token = meta.get("token_endpoint")
    if not isinstance(token, str):
        server = _authorization_server(meta, issuer)
        try:
            as_meta = fetcher.get_json(well_known(server, "oauth-authorization-server"),
                                       max_bytes=_MAX_AS_METADATA, accept=_JSON)
        except FetchError:
            as_meta = None
        if isinstance(as_meta, dict) and as_meta.get("issuer") != server:
            # RFC 8414 §3.3: metadata whose issuer is not the server asked for is not used
            raise OID4VCIError(
                "invalid_request",
                "the authorization server's metadata names another issuer",
                "de metadata van de autorisatieserver noemen een andere uitgever",
                pointer="/issuer",
            )
        token = as_meta.get("token_endpoint") if isinstance(as_meta, dict) else None
        if not isinstance(token, str):
            token = server.rstrip("/") + "/token"
    return IssuerInfo(meta, token)


@dataclass(frozen=True)
class Issued:
    """One credential the issuer sent for ``config_id``, or (``credential`` ``None``) why
    that configuration failed."""

    config_id: str
    format: str
    credential: Any = None
    problems: tuple[Problem, ...] = ()


#: Error codes an issuer may answer with: Token Endpoint (§6.3, RFC 6749 §5.2), Credential
#: Endpoint (§8.3.1.2) and bearer tokens (RFC 6750 §3.1). Anything else is ``issuer_refused``:
#: the issuer does not choose the codes the wallet's pages and logs see.
KNOWN_OAUTH_ERRORS = frozenset({
    "invalid_request", "invalid_client", "invalid_grant", "unauthorized_client",
    "unsupported_grant_type", "invalid_scope", "authorization_pending", "slow_down",
    "invalid_credential_request", "unknown_credential_configuration",
    "unknown_credential_identifier", "invalid_proof", "invalid_nonce",
    "invalid_encryption_parameters", "credential_request_denied",
    "invalid_token", "insufficient_scope", "invalid_authorization_details",
})


def _oauth_error(status: int, body: Any, what: str) -> RotondeError:
    """An error answer of the token (§6.3), nonce or credential (§8.3.1) endpoint."""
    if isinstance(body, dict) and isinstance(body.get("error"), str):
        err = body["error"] if body["error"] in KNOWN_OAUTH_ERRORS else "issuer_refused"
        desc = str(body.get("error_description") or err)[:300]
        if err == "invalid_grant":
            return ValidationError(
                "offer.invalid_grant",
                "the issuer refused the code: the PIN is wrong, or the offer was already used "
                f"or has expired ({desc})",
                message_nl="de uitgever weigert de code: de pincode klopt niet, of het aanbod is "
                f"al gebruikt of verlopen ({desc})",
            )
        return ValidationError(f"offer.{err}", f"{what}: {desc}",
                               message_nl=f"{what}: {desc}")
    return FetchError("offer.issuer_error", f"{what}: the issuer answered HTTP {status}",
                      message_nl=f"{what}: de uitgever antwoordde met HTTP {status}",
                      detail={"status": status})


def _holder_key(fmt: str, conf: Mapping[str, Any], keys: Mapping[str, PrivateKey]) -> PrivateKey:
    """The holder key for a configuration: by format, unless its ``jwt`` proof type
    (§12.2.4 ``proof_types_supported``) names only the other algorithm."""
    wanted = "EdDSA" if fmt == "ldp_vc" else "ES256"
    proof_types = conf.get("proof_types_supported")
    jwt_info = proof_types.get("jwt") if isinstance(proof_types, dict) else None
    algs = jwt_info.get("proof_signing_alg_values_supported") if isinstance(
        jwt_info, dict) else None
    if isinstance(algs, list) and algs and wanted not in algs:
        wanted = next((a for a in ("ES256", "EdDSA") if a in algs), wanted)
    if wanted not in keys:
        raise ValidationError("offer.no_holder_key", f"no {wanted} holder key to bind the "
                              "credential to", message_nl=f"geen {wanted}-houdersleutel om het "
                              "bewijs aan te koppelen")
    return keys[wanted]


def _one_configuration(
    config_id: str, info: IssuerInfo, auth: Mapping[str, str], *,
    keys: Mapping[str, PrivateKey], fetcher: Fetcher, clock: Clock,
) -> list[Issued]:
    conf = info.configuration(config_id)
    fmt = str(conf["format"])
    nonce_endpoint = info.metadata.get("nonce_endpoint")
    try:
        nonce: str | None = None
        if isinstance(nonce_endpoint, str):
            status, body = fetcher.post_json(nonce_endpoint, max_bytes=_MAX_RESPONSE)
            if status != 200 or not isinstance(body, dict) or not isinstance(
                    body.get("c_nonce"), str):
                raise _oauth_error(status, body, "nonce request")
            nonce = body["c_nonce"]
        proof = create_proof(_holder_key(fmt, conf, keys), audience=info.issuer, nonce=nonce,
                             clock=clock)
        status, body = fetcher.post_json(
            str(info.metadata["credential_endpoint"]),
            json_body=credential_request(config_id, jwt_proofs=[proof]), headers=auth,
            max_bytes=_MAX_RESPONSE)
        if status != 200:
            raise _oauth_error(status, body, "credential request")
        credentials = parse_credential_response(body)
    except RotondeError as exc:
        # this one failed; the others (already issued or still to come) are kept
        return [Issued(config_id, fmt, None, tuple(exc.problems))]
    return [Issued(config_id, fmt, credential) for credential in credentials]


def redeem(
    *,
    offer: CredentialOffer | Mapping[str, Any],
    info: IssuerInfo,
    tx_code: str | None,
    keys: Mapping[str, PrivateKey],
    fetcher: Fetcher,
    clock: Clock,
) -> list[Issued]:
    """Redeem the offer's pre-authorized code and ask for every offered configuration.

    ``keys`` are the holder keys by JOSE algorithm (``ES256``, ``EdDSA``). Raises for a
    missing PIN or a refused Token Request; the nonce and credential requests of each
    configuration fail that configuration alone (its :class:`Issued` carries the problems).
    """
    parsed = offer if isinstance(offer, CredentialOffer) else parse_credential_offer(offer)
    if parsed.tx_code is not None and not tx_code:
        raise ValidationError("offer.pin_missing", "enter the PIN you received",
                              message_nl="vul de pincode in die je hebt gekregen",
                              pointer="/tx_code")
    status, body = fetcher.post_json(
        info.token_endpoint, max_bytes=_MAX_RESPONSE,
        form=token_request(parsed.pre_authorized_code, tx_code if parsed.tx_code else None))
    if status != 200:
        raise _oauth_error(status, body, "token request")
    token = parse_token_response(body)
    auth = {"authorization": f"Bearer {token['access_token']}"}
    out: list[Issued] = []
    for config_id in parsed.credential_configuration_ids:
        out.extend(_one_configuration(config_id, info, auth, keys=keys, fetcher=fetcher,
                                      clock=clock))
    return out
