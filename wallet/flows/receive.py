"""Receiving credentials: the OpenID4VCI 1.0 pre-authorized code flow, wallet side.

1. :func:`read_offer` — an offer from the https Credential Offer Endpoint query, an
   ``openid-credential-offer://`` link (§4.1.3), an offer by reference (``credential_offer_uri``,
   fetched through the :class:`~rotonde.http.Fetcher`) or a decoded QR image.
2. :func:`fetch_metadata` — Credential Issuer Metadata (§12.2.2: ``/.well-known/
   openid-credential-issuer`` inserted before the issuer's path) and the token endpoint from the
   authorization server metadata (RFC 8414 §3) of the first ``authorization_servers`` entry, or of
   the issuer itself.
3. :func:`redeem` — Token Request with the ``tx_code`` (§6.1), a fresh ``c_nonce`` from the Nonce
   Endpoint (§7) for every credential, a key proof ``openid4vci-proof+jwt`` (Appendix F.1) with
   the holder key fitting the format (P-256 for SD-JWT VC and ``jwt_vc_json``, Ed25519 for
   ``ldp_vc``), the Credential Request with ``proofs.jwt`` (§8.2).
4. :func:`check_received` — every credential is verified with :func:`rotonde.verify.verify` on
   receipt. **Policy: a credential that fails verification is refused and never stored**; the page
   shows the report so the learner can tell the issuer what is wrong.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from rotonde import oid4vci
from rotonde._urls import split_url
from rotonde.clock import Clock
from rotonde.errors import FetchError, Problem, RotondeError, ValidationError
from rotonde.http import Fetcher
from rotonde.keys import PrivateKey
from wallet.flows._http import post

__all__ = [
    "IssuerInfo",
    "Received",
    "check_received",
    "fetch_metadata",
    "offer_text_from_query",
    "read_offer",
    "redeem",
]

_OFFER_TYPES = ("application/json",)


def _well_known(base: str, name: str) -> str:
    parts = urlsplit(base)
    path = parts.path.rstrip("/")
    return f"{parts.scheme}://{parts.netloc}/.well-known/{name}{path}"


def offer_text_from_query(query: str) -> str:
    """Rebuild an offer link from the query of the wallet's https offer endpoint."""
    return "openid-credential-offer://?" + query


def read_offer(text: str, fetcher: Fetcher) -> dict[str, Any]:
    """Parse an offer link (or offer JSON) and fetch it when it is by reference.

    Returns the offer as a dict (:meth:`oid4vci.CredentialOffer.to_dict`)."""
    raw = (text or "").strip()
    if not raw:
        raise ValidationError("offer.empty", "paste an offer link first",
                              message_nl="plak eerst een aanbodlink")
    if raw.startswith("{"):
        return oid4vci.parse_credential_offer(raw).to_dict()
    parts = split_url(raw)
    if parts.scheme not in ("openid-credential-offer", "https", "http", "haip") or (
        "credential_offer" not in parts.query
    ):
        raise ValidationError(
            "offer.not_an_offer",
            "this is not a credential offer link (openid-credential-offer://…)",
            message_nl="dit is geen aanbodlink voor een bewijs (openid-credential-offer://…)",
        )
    ref = oid4vci.parse_offer_uri(raw)
    if ref.offer is not None:
        return ref.offer.to_dict()
    assert ref.credential_offer_uri is not None
    data = fetcher.get_json(ref.credential_offer_uri, max_bytes=64 * 1024, accept=_OFFER_TYPES)
    return oid4vci.parse_credential_offer(data).to_dict()


@dataclass(frozen=True)
class IssuerInfo:
    """What the wallet learned about the issuer before asking the learner to accept."""

    metadata: dict[str, Any]
    token_endpoint: str

    @property
    def issuer(self) -> str:
        return str(self.metadata["credential_issuer"])

    def name(self, lang: str) -> str:
        for entry in self.metadata.get("display") or ():
            if isinstance(entry, dict) and str(entry.get("locale", "")).startswith(lang):
                return str(entry.get("name") or self.issuer)
        for entry in self.metadata.get("display") or ():
            if isinstance(entry, dict) and entry.get("name"):
                return str(entry["name"])
        return self.issuer

    def configuration(self, config_id: str) -> dict[str, Any]:
        configs = self.metadata["credential_configurations_supported"]
        conf = configs.get(config_id)
        if not isinstance(conf, dict):
            raise ValidationError(
                "offer.unknown_configuration",
                f"the issuer does not describe the offered credential {config_id!r}",
                message_nl=f"de uitgever beschrijft het aangeboden bewijs {config_id!r} niet",
            )
        return conf

    def label(self, config_id: str, lang: str) -> str:
        conf = self.configuration(config_id)
        displays = conf.get("display") or (conf.get("credential_metadata") or {}).get("display")
        for entry in displays or ():
            if isinstance(entry, dict) and str(entry.get("locale", "")).startswith(lang):
                return str(entry.get("name") or config_id)
        for entry in displays or ():
            if isinstance(entry, dict) and entry.get("name"):
                return str(entry["name"])
        return config_id


def fetch_metadata(issuer: str, fetcher: Fetcher) -> IssuerInfo:
    """Credential Issuer Metadata and the token endpoint (see the module docstring)."""
    url = _well_known(issuer, "openid-credential-issuer")
    data = fetcher.get_json(url, max_bytes=256 * 1024, accept=_OFFER_TYPES)
    meta = oid4vci.parse_issuer_metadata(data, expected_issuer=issuer)
    token = meta.get("token_endpoint")
    if not isinstance(token, str):
        servers = meta.get("authorization_servers")
        auth = servers[0] if isinstance(servers, list) and servers and isinstance(
            servers[0], str) else issuer
        try:
            as_meta = fetcher.get_json(_well_known(auth, "oauth-authorization-server"),
                                       max_bytes=64 * 1024, accept=_OFFER_TYPES)
            token = as_meta.get("token_endpoint") if isinstance(as_meta, dict) else None
        except FetchError:
            token = None
        if not isinstance(token, str):
            token = auth.rstrip("/") + "/token"
    return IssuerInfo(meta, token)


@dataclass
class Received:
    """One credential as it came back from the issuer, with its verification report."""

    config_id: str
    format: str
    credential: Any
    report: dict[str, Any] = field(default_factory=dict)
    verified: bool = False
    problems: list[Problem] = field(default_factory=list)


def _oauth_error(status: int, body: Any, what: str) -> RotondeError:
    if isinstance(body, dict) and isinstance(body.get("error"), str):
        err = body["error"]
        desc = str(body.get("error_description") or err)
        if err == "invalid_grant":
            return ValidationError(
                "offer.invalid_grant",
                "the issuer refused the code: the PIN is wrong, or the offer was already used "
                f"or has expired ({desc})",
                message_nl="de uitgever weigert de code: de pincode klopt niet, of het aanbod is "
                f"al gebruikt of verlopen ({desc})",
            )
        return ValidationError(f"offer.{err}"[:64], f"{what}: {desc}",
                               message_nl=f"{what}: {desc}")
    return FetchError("offer.issuer_error", f"{what}: the issuer answered HTTP {status}",
                      message_nl=f"{what}: de uitgever antwoordde met HTTP {status}",
                      detail={"status": status})


def _holder_key_for(fmt: str, conf: dict[str, Any], keys: dict[str, PrivateKey]) -> PrivateKey:
    wanted = "EdDSA" if fmt == "ldp_vc" else "ES256"
    proof_types = conf.get("proof_types_supported")
    jwt_info = proof_types.get("jwt") if isinstance(proof_types, dict) else None
    algs = jwt_info.get("proof_signing_alg_values_supported") if isinstance(
        jwt_info, dict) else None
    if isinstance(algs, list) and algs and wanted not in algs:
        wanted = next((a for a in ("ES256", "EdDSA") if a in algs), wanted)
    return keys[wanted]


def redeem(
    offer: dict[str, Any],
    info: IssuerInfo,
    *,
    tx_code: str | None,
    keys: dict[str, PrivateKey],
    fetcher: Fetcher,
    clock: Clock,
) -> list[Received]:
    """Run the token, nonce and credential requests for every offered configuration."""
    parsed = oid4vci.parse_credential_offer(offer)
    if parsed.tx_code is not None and not tx_code:
        raise ValidationError("offer.pin_missing", "enter the PIN you received",
                              message_nl="vul de pincode in die je hebt gekregen",
                              pointer="/tx_code")
    status, body = post(fetcher, info.token_endpoint,
                        form=oid4vci.token_request(parsed.pre_authorized_code,
                                                   tx_code if parsed.tx_code else None))
    if status != 200:
        raise _oauth_error(status, body, "token request")
    token = oid4vci.parse_token_response(body)
    auth = {"authorization": f"Bearer {token['access_token']}"}
    nonce_endpoint = info.metadata.get("nonce_endpoint")
    out: list[Received] = []
    for config_id in parsed.credential_configuration_ids:
        conf = info.configuration(config_id)
        fmt = str(conf["format"])
        nonce: str | None = None
        if isinstance(nonce_endpoint, str):
            n_status, n_body = post(fetcher, nonce_endpoint)
            if n_status != 200 or not isinstance(n_body, dict) or not isinstance(
                    n_body.get("c_nonce"), str):
                error = _oauth_error(n_status, n_body, "nonce request")
                out.append(Received(config_id, fmt, None, problems=list(error.problems)))
                continue
            nonce = n_body["c_nonce"]
        key = _holder_key_for(fmt, conf, keys)
        proof = oid4vci.create_proof(key, audience=info.issuer, nonce=nonce, clock=clock)
        try:
            c_status, c_body = post(
                fetcher, str(info.metadata["credential_endpoint"]),
                json_body=oid4vci.credential_request(config_id, jwt_proofs=[proof]),
                headers=auth,
            )
            if c_status != 200:
                raise _oauth_error(c_status, c_body, "credential request")
            credentials = oid4vci.parse_credential_response(c_body)
        except RotondeError as exc:
            # this one failed; the others (already issued or still to come) are kept
            out.append(Received(config_id, fmt, None, problems=list(exc.problems)))
            continue
        for credential in credentials:
            out.append(Received(config_id, fmt, credential))
    return out


def check_received(items: list[Received], options: Any, keys: dict[str, PrivateKey]) -> None:
    """Verify each received credential in place (``report``, ``verified``, ``problems``), with
    the engine's ``holder_key`` check: it must be bound to one of this account's holder keys."""
    from dataclasses import replace

    from rotonde.verify import HolderKeyCheck, verify

    options = replace(options, policies=(*options.policies, HolderKeyCheck.of(keys.values())))
    for item in items:
        if item.credential is None:
            continue
        data = item.credential
        if isinstance(data, str) and data.strip().startswith("{"):
            try:
                data = json.loads(data)
            except ValueError:
                pass
        if not isinstance(data, (str, dict)):
            item.problems.append(Problem(
                "credential.malformed", "the issuer sent something that is not a credential",
                "de uitgever stuurde iets dat geen bewijs is"))
            continue
        item.credential = data
        report = verify(data, options)
        item.report = report.to_dict()
        item.verified = report.verified
        item.problems.extend(p for c in report.checks if c.outcome == "failed" and c.fatal
                             for p in c.problems)
