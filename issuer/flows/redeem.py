"""OpenID4VCI 1.0 pre-authorized code flow, issuer side.

* :func:`exchange_token` — Token Endpoint (§6): the pre-authorized code is single-use (consumed
  with a conditional UPDATE, so two workers cannot both redeem it); a wrong ``tx_code`` counts an
  attempt, and after ``tx_code_attempts`` the code is burnt (lockout). Errors: ``invalid_grant``
  (unknown/expired/used code, wrong PIN), ``invalid_request`` (PIN missing).
* :func:`new_nonce` — Nonce Endpoint (§7): a fresh single-use ``c_nonce``.
* :func:`issue_credentials` — Credential Endpoint (§8): checks the access token, parses the
  request, validates each key proof (``aud`` = this issuer, fresh ``iat``, ``nonce``), consumes
  the nonce once (``invalid_nonce`` if unknown, expired or replayed), then renders and signs one
  credential per proven key (up to :data:`BATCH_SIZE`, advertised as
  ``batch_credential_issuance``, §12.2.4).

An access token grants what the offer granted, once: each offered credential configuration
can be obtained with it in one successful request (with up to :data:`BATCH_SIZE` key proofs,
one copy per key); a second request for the same configuration is ``credential_request_denied``
and once every offered configuration was issued the token is spent (``invalid_token``). §8
lets an issuer stop accepting an access token ("Multiple Accesses to the Credential Endpoint");
a wallet that wants more copies asks for them in the one batch request.

Protocol errors are domain errors: :class:`~rotonde.oid4vci.OID4VCIError`, whose ``error`` is
the OAuth error code; the endpoints map them to OAuth error responses
(:func:`servicekit.problem.oauth_errors`). A credential the issuer cannot render is its own
fault: :class:`~rotonde.errors.ConfigurationError` ``issuer.render_failed``.
"""

from __future__ import annotations

import hmac
import json
import secrets
from typing import Any

from sqlalchemy import select, update

from issuer import models
from issuer.context import IssuerContext
from issuer.flows.issuing import PREAUTH_NS, record_aad, tx_code_hash
from issuer.flows.render import (
    configuration_metadata,
    configurations_for,
    render_credential,
)
from issuer.flows.tenants import Tenant
from rotonde.errors import ConfigurationError, RotondeError
from rotonde.oid4vci import (
    OID4VCIError,
    parse_credential_request,
    parse_token_request,
    token_response,
    validate_proof,
)

__all__ = [
    "ACCESS_NS", "ACCESS_USED_NS", "BATCH_SIZE", "NONCE_NS", "exchange_token",
    "issue_credentials", "new_nonce",
]

ACCESS_NS = "access"
#: ``<access token>|<configuration id>`` once that configuration was issued with the token.
ACCESS_USED_NS = "access_used"
NONCE_NS = "c_nonce"
#: Most key proofs (so copies) in one Credential Request (``batch_size``, §12.2.4).
BATCH_SIZE = 10


def exchange_token(ctx: IssuerContext, tenant: Tenant, form: dict[str, Any]) -> dict[str, Any]:
    req = parse_token_request(form)
    data = ctx.once.peek(PREAUTH_NS, req.pre_authorized_code)
    if not data or data.get("tenant_id") != tenant.id:
        raise OID4VCIError("invalid_grant", "pre-authorized code is unknown, expired or used",
                           "de pre-authorized code is onbekend, verlopen of gebruikt")
    with ctx.db.session() as s:
        offer = s.connection().execute(
            select(models.offers).where(models.offers.c.id == data["offer_id"])
        ).first()
    if offer is None:
        raise OID4VCIError("invalid_grant", "pre-authorized code is unknown, expired or used",
                           "de pre-authorized code is onbekend, verlopen of gebruikt")
    if req.tx_code is None:
        raise OID4VCIError("invalid_request", "tx_code is required for this offer",
                           "voor dit aanbod is tx_code verplicht")
    expected = offer.tx_code_hash
    if not hmac.compare_digest(expected, tx_code_hash(req.pre_authorized_code, req.tx_code)):
        limit = ctx.settings.tx_code_attempts
        attempts = ctx.once.count_attempt(PREAUTH_NS, req.pre_authorized_code, limit=limit)
        left = max(limit - attempts, 0)
        msg, msg_nl = (("wrong tx_code; the code is now locked",
                        "verkeerde tx_code; de code is nu geblokkeerd") if left == 0
                       else (f"wrong tx_code; {left} attempt(s) left",
                             f"verkeerde tx_code; nog {left} poging(en)"))
        raise OID4VCIError("invalid_grant", msg, msg_nl)
    offered = json.loads(offer.configuration_ids)
    identifiers: dict[str, str] | None = None
    if req.authorization_details is not None:
        # §5.1.1, §6.1: the wallet may ask for some of the offered configurations; each gets a
        # credential identifier (§6.2) that the Credential Request then names (§8.2).
        foreign = [c for c in req.authorization_details if c not in offered]
        if foreign:
            raise OID4VCIError("invalid_authorization_details",
                               f"{foreign} were not offered; the offer covers {offered}",
                               f"{foreign} zijn niet aangeboden; het aanbod omvat {offered}")
        identifiers = {f"{c}.{secrets.token_urlsafe(9)}": c for c in req.authorization_details}
    redeemed = ctx.once.consume(PREAUTH_NS, req.pre_authorized_code)
    if redeemed is None:
        raise OID4VCIError("invalid_grant", "pre-authorized code is unknown, expired or used",
                           "de pre-authorized code is onbekend, verlopen of gebruikt")
    token = secrets.token_urlsafe(32)
    ttl = ctx.settings.access_token_ttl
    ctx.once.issue(ACCESS_NS, token, ttl=ttl, data={
        "tenant_id": tenant.id, "issued_id": data["issued_id"],
        "configuration_ids": offered if identifiers is None else list(identifiers.values()),
        "identifiers": identifiers,
    })
    if identifiers is None:
        return token_response(token, expires_in=ttl)
    return token_response(token, expires_in=ttl, credential_identifiers={
        conf: [ident for ident, c in identifiers.items() if c == conf]
        for conf in req.authorization_details or ()})


def _already_issued(conf_id: str) -> OID4VCIError:
    return OID4VCIError("credential_request_denied",
                        f"{conf_id!r} was already issued with this access token; ask for more "
                        f"copies (up to {BATCH_SIZE} key proofs) in one request",
                        f"{conf_id!r} is met dit toegangstoken al uitgegeven; vraag meer "
                        f"exemplaren (tot {BATCH_SIZE} sleutelbewijzen) in één verzoek")


def _spend(ctx: IssuerContext, token: str, conf_id: str, offered: list[str]) -> None:
    """Record that ``conf_id`` was issued with ``token`` (insert-unique: of two concurrent
    requests exactly one wins); once every offered configuration was, the token is used up."""
    ttl = ctx.settings.access_token_ttl
    if not ctx.once.remember(ACCESS_USED_NS, f"{token}|{conf_id}", ttl=ttl):
        raise _already_issued(conf_id)
    if all(ctx.once.peek(ACCESS_USED_NS, f"{token}|{c}") is not None for c in offered):
        ctx.once.consume(ACCESS_NS, token)


def new_nonce(ctx: IssuerContext, tenant: Tenant) -> str:
    nonce = secrets.token_urlsafe(24)
    ctx.once.issue(NONCE_NS, nonce, ttl=ctx.settings.nonce_ttl, data={"tenant_id": tenant.id})
    return nonce


def _bearer(authorization: str | None) -> str:
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise OID4VCIError("invalid_token", "a Bearer access token is required",
                           "een Bearer-toegangstoken is vereist")
    return token.strip()


def issue_credentials(
    ctx: IssuerContext, tenant: Tenant, authorization: str | None, body: Any
) -> dict[str, Any]:
    token = _bearer(authorization)
    grant = ctx.once.peek(ACCESS_NS, token)
    if not grant or grant.get("tenant_id") != tenant.id:
        raise OID4VCIError("invalid_token", "access token is unknown, expired or used up",
                           "het toegangstoken is onbekend, verlopen of opgebruikt")
    req = parse_credential_request(body, max_proofs=BATCH_SIZE)
    configs = configuration_metadata(tenant)
    identifiers = grant.get("identifiers")
    conf_id = req.credential_configuration_id
    if identifiers:
        # §8.2: with credential_identifiers in the Token Response the request names one of
        # them, and credential_configuration_id "MUST NOT be used".
        if conf_id is not None:
            raise OID4VCIError("invalid_credential_request",
                               "this access token came with credential_identifiers: send "
                               "credential_identifier, not credential_configuration_id",
                               "dit toegangstoken kwam met credential_identifiers: stuur "
                               "credential_identifier, niet credential_configuration_id",
                               pointer="/credential_configuration_id")
        conf_id = identifiers.get(req.credential_identifier or "")
        if conf_id is None:
            raise OID4VCIError("unknown_credential_identifier",
                               "unknown credential_identifier for this access token",
                               "onbekende credential_identifier voor dit toegangstoken",
                               pointer="/credential_identifier")
    elif conf_id is None:
        # §8.2: credential_identifier "MUST NOT be used" without authorization_details.
        raise OID4VCIError("unknown_credential_identifier",
                           "this access token has no credential identifiers (no "
                           "authorization_details were asked for); send "
                           "credential_configuration_id",
                           "dit toegangstoken heeft geen credential identifiers; stuur "
                           "credential_configuration_id", pointer="/credential_identifier")
    if conf_id not in configs:
        raise OID4VCIError("unknown_credential_configuration",
                           f"unknown credential configuration {conf_id!r}",
                           f"onbekende credential-configuratie {conf_id!r}")
    if conf_id not in grant["configuration_ids"]:
        # §8.3.1.1: an access token that does not enable the requested credential is an
        # authorization error of RFC 6750 §3.1 (403 insufficient_scope).
        raise OID4VCIError("insufficient_scope",
                           f"the access token does not cover {conf_id!r}; it covers "
                           f"{grant['configuration_ids']}",
                           f"het toegangstoken geldt niet voor {conf_id!r}")
    if ctx.once.peek(ACCESS_USED_NS, f"{token}|{conf_id}") is not None:
        raise _already_issued(conf_id)
    if not req.jwt_proofs:
        raise OID4VCIError("invalid_proof", "proofs.jwt is required (holder binding)",
                           "proofs.jwt is verplicht (binding aan de houder)")
    algs = frozenset(configs[conf_id]["proof_types_supported"]["jwt"]
                     ["proof_signing_alg_values_supported"])
    audience = ctx.tenant_base(tenant.slug)
    results = [validate_proof(proof, audience=audience, clock=ctx.clock, allowed_algs=algs)
               for proof in req.jwt_proofs]
    nonces = {r.nonce for r in results}
    if len(nonces) != 1:
        raise OID4VCIError("invalid_proof", "all proofs must carry the same c_nonce",
                           "alle proofs moeten dezelfde c_nonce dragen")
    if len({r.public_key.thumbprint() for r in results}) != len(results):
        raise OID4VCIError("invalid_proof", "each proof must use a different key",
                           "elke proof moet een andere sleutel gebruiken")
    nonce = nonces.pop()
    assert nonce is not None
    if ctx.once.consume(NONCE_NS, nonce,
                        check=lambda d: bool(d) and d.get("tenant_id") == tenant.id) is None:
        raise OID4VCIError("invalid_nonce", "c_nonce is unknown, expired or already used",
                           "c_nonce is onbekend, verlopen of al gebruikt")
    with ctx.db.session() as s:
        conn = s.connection()
        row = conn.execute(select(models.issued).where(
            models.issued.c.id == grant["issued_id"], models.issued.c.tenant_id == tenant.id
        )).first()
        list_row = conn.execute(select(models.status_lists.c.number).where(
            models.status_lists.c.id == row.list_id)).first() if row is not None else None
    if row is None or row.record is None or list_row is None:
        raise OID4VCIError("credential_request_denied", "the credential is no longer available",
                           "het credential is niet meer beschikbaar")
    if row.status != "active":
        raise OID4VCIError("credential_request_denied", f"the credential is {row.status}",
                           f"het credential is {row.status}")
    record = json.loads(ctx.box.decrypt_text(row.record, aad=record_aad(row.id)))
    if conf_id not in configurations_for(record):
        # Exactly the configuration asked for, or a refusal (§8.3.1.2): never another vct.
        raise OID4VCIError("credential_request_denied",
                           f"this {record.get('kind')} cannot be delivered as {conf_id!r}",
                           f"deze {record.get('kind')} kan niet als {conf_id!r} worden geleverd")
    credentials = []
    try:
        for result in results:
            rendered = render_credential(
                ctx, tenant, conf_id, record, credential_id=row.id, list_number=list_row.number,
                idx=row.idx, holder_key=result.public_key, holder_kid=result.kid,
            )
            credentials.append(rendered.credential)
    except RotondeError as exc:  # the issuer's own template or record: its fault, not the wallet's
        raise ConfigurationError(
            "issuer.render_failed", f"the credential could not be rendered: {exc.message}",
            message_nl=f"het credential kon niet worden opgemaakt: {exc.message}") from None
    _spend(ctx, token, conf_id, grant["configuration_ids"])
    with ctx.db.session() as s:
        s.connection().execute(update(models.issued).where(models.issued.c.id == row.id).values(
            state="issued", redeemed_at=row.redeemed_at or ctx.now()))
    return {"credentials": [{"credential": c} for c in credentials]}
