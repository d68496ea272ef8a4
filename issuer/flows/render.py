"""Render a learner's record into a requested credential form and secure it.

Credential configurations (OpenID4VCI §12.2.4) offered by every tenant:

* ``<kind>_sd_jwt`` for each record kind (``microcredential_sd_jwt``, ``qualification_sd_jwt``,
  ...) — ``dc+sd-jwt`` (SD-JWT VC) with the kind's ``vct``, rendered by
  :func:`rotonde.learning.sdjwt_vc.build`, signed with the tenant's P-256 key, bound to the
  holder key (``cnf.jwk``), status via Token Status List (``status.status_list``); ``iss`` and
  ``kid`` as :func:`sdjwt_issuer` says (a did:web tenant: its https Credential Issuer
  Identifier, and a key of its JWT VC Issuer Metadata);
* ``open_badge_ldp_vc`` — ``ldp_vc`` Open Badges 3.0 (:func:`rotonde.learning.ob3.build`);
* ``elm_ldp_vc`` — ``ldp_vc`` European Learning Model 3 (:func:`rotonde.learning.elm.build`);
  both secured with Data Integrity ``eddsa-rdfc-2022``, carrying BitstringStatusListEntry values
  for revocation and suspension; the holder's DID (from the key proof: its ``kid`` DID, or
  ``did:jwk`` of its ``jwk``) becomes the learner's id, i.e. ``credentialSubject.id``;
* ``open_badge_jwt_vc_json`` — ``jwt_vc_json`` (OpenID4VCI 1.0 Appendix A.1.1, a VCDM 1.1
  credential): the Open Badges content restated in VCDM 1.1 (:func:`rotonde.jwt_vc.vcdm11_from_v2`:
  the 1.1 base context, ``issuanceDate``/``expirationDate``) in the ``vc`` claim of a JWT with
  ``iss``/``sub``/``jti``/``nbf``/``exp`` (VCDM 1.1 §6.3.1, :func:`rotonde.jwt_vc.sign_jwt_vc`).
  Current OB 3.0 (context 3.0.3) requires the VCDM 2.0 context, so this is the same
  ``credentialSubject`` under VCDM 1.1, not a conforming OB 3.0.3 credential
  (docs/open-badges.md);
* ``open_badge_vc_jwt`` — ``vc+jwt``: the VCDM 2.0 Open Badges 3.0 credential secured with JOSE
  (VC-JOSE-COSE §3.1.1, :func:`rotonde.jose.sign_vc_jwt`). OpenID4VCI 1.0 defines no format
  identifier for it; Appendix A recommends the media type, ``vc+jwt`` (docs/open-badges.md).
  Both JWT forms are signed with the tenant's JOSE key.

An offer for a record lists the SD-JWT configuration of its kind and the other four forms.
A record can be delivered in exactly those (:func:`configurations_for`): an SD-JWT VC
configuration names one ``vct``, so ``qualification_sd_jwt`` is never a microcredential. The
metadata advertises the SD-JWT configurations of the kinds in the tenant's catalogue only
(:func:`configuration_metadata` with ``kinds``), plus the four kind-independent forms.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from issuer.context import IssuerContext
from issuer.flows.catalogue import check_awarding_body
from issuer.flows.status import list_urls
from issuer.flows.tenants import Tenant, signer_for
from rotonde.keys import PublicKey
from rotonde.learning.record import KINDS

__all__ = [
    "JWT_VC_CONFIGURATION",
    "LDP_CONFIGURATIONS",
    "VC_JWT_CONFIGURATION",
    "Rendered",
    "all_configurations",
    "configuration_metadata",
    "configurations_for",
    "kind_of_configuration",
    "render_credential",
    "sdjwt_configuration",
]

LDP_CONFIGURATIONS = {"open_badge_ldp_vc": "ob3", "elm_ldp_vc": "elm"}
JWT_VC_CONFIGURATION = "open_badge_jwt_vc_json"
VC_JWT_CONFIGURATION = "open_badge_vc_jwt"
_KIND_NAMES = {
    "microcredential": ("Microcredential", "Microcredential"),
    "qualification": ("Qualification", "Kwalificatie"),
    "evc": ("Recognition of prior learning (EVC)", "Ervaringscertificaat (EVC)"),
    "employer_attestation": ("Employer attestation", "Werkgeversverklaring"),
    "self_assessment": ("Self-assessment", "Zelfbeoordeling"),
}


@dataclass(frozen=True)
class Rendered:
    format: str
    #: A compact JWT or SD-JWT (``dc+sd-jwt``, ``jwt_vc_json``, ``vc+jwt``) or a signed JSON-LD
    #: document.
    credential: str | dict[str, Any]


def sdjwt_configuration(kind: str) -> str:
    return f"{kind}_sd_jwt"


def all_configurations() -> list[str]:
    return [sdjwt_configuration(k) for k in KINDS] + [*LDP_CONFIGURATIONS, JWT_VC_CONFIGURATION,
                                                      VC_JWT_CONFIGURATION]


def configurations_for(record: dict[str, Any]) -> list[str]:
    """The configurations ``record`` can be delivered in, which an offer lists by default."""
    return [sdjwt_configuration(str(record["kind"])), *LDP_CONFIGURATIONS, JWT_VC_CONFIGURATION,
            VC_JWT_CONFIGURATION]


def kind_of_configuration(configuration_id: str) -> str | None:
    """The record kind an SD-JWT VC configuration is bound to (its ``vct``); ``None`` for the
    kind-independent forms."""
    for kind in KINDS:
        if configuration_id == sdjwt_configuration(kind):
            return kind
    return None


def _display(tenant: Tenant, en: str, nl: str) -> list[dict[str, Any]]:
    out = []
    for locale, name in (("nl-NL", nl), ("en-GB", en)):
        item: dict[str, Any] = {"name": name, "locale": locale}
        if tenant.logo_uri:
            item["logo"] = {"uri": tenant.logo_uri, "alt_text": tenant.name_en}
        out.append(item)
    return out


def _claim(path: list[str], en: str, nl: str) -> dict[str, Any]:
    return {"path": path, "display": [{"name": nl, "locale": "nl-NL"},
                                      {"name": en, "locale": "en-GB"}]}


def _jose_alg(tenant: Tenant) -> str:
    """A did:key tenant has one key (Ed25519, its DID); a did:web tenant signs JOSE with P-256."""
    return "EdDSA" if tenant.did_method == "key" else "ES256"


def configuration_metadata(
    tenant: Tenant, kinds: Iterable[str] | None = None
) -> dict[str, dict[str, Any]]:
    """``credential_configurations_supported`` for a tenant (OpenID4VCI §12.2.4, App. A).
    With ``kinds`` (those of the tenant's catalogue) only their SD-JWT VC configurations are
    listed: an issuer advertises what it can deliver."""
    from rotonde.learning.sdjwt_vc import vct_for

    jwt_proof = {"jwt": {"proof_signing_alg_values_supported": ["ES256", "EdDSA"]}}
    out: dict[str, dict[str, Any]] = {}
    wanted = set(KINDS if kinds is None else kinds)
    for kind in (k for k in KINDS if k in wanted):
        en, nl = _KIND_NAMES.get(kind, (kind, kind))
        out[sdjwt_configuration(kind)] = {
            "format": "dc+sd-jwt",
            "scope": sdjwt_configuration(kind),
            "vct": vct_for(kind),
            "cryptographic_binding_methods_supported": ["jwk"],
            "credential_signing_alg_values_supported": [_jose_alg(tenant)],
            "proof_types_supported": copy.deepcopy(jwt_proof),
            "credential_metadata": {
                "display": _display(tenant, en, nl),
                "claims": [
                    _claim(["title"], "Title", "Titel"),
                    _claim(["learner", "name"], "Name", "Naam"),
                    _claim(["award_date"], "Awarded on", "Behaald op"),
                    _claim(["level"], "Level", "Niveau"),
                    _claim(["learning_outcomes"], "Learning outcomes", "Leerresultaten"),
                ],
            },
        }
    ldp = {
        "cryptographic_binding_methods_supported": ["did:key", "did:jwk"],
        "credential_signing_alg_values_supported": ["eddsa-rdfc-2022"],
        "proof_types_supported": copy.deepcopy(jwt_proof),
    }
    out["open_badge_ldp_vc"] = {
        "format": "ldp_vc", "scope": "open_badge_ldp_vc", **copy.deepcopy(ldp),
        "credential_definition": {
            "@context": ["https://www.w3.org/ns/credentials/v2",
                         "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
        },
        "credential_metadata": {"display": _display(tenant, "Open Badge", "Open Badge")},
    }
    out[JWT_VC_CONFIGURATION] = {
        "format": "jwt_vc_json", "scope": JWT_VC_CONFIGURATION,
        "cryptographic_binding_methods_supported": ["did:key", "did:jwk"],
        "credential_signing_alg_values_supported": [_jose_alg(tenant)],
        "proof_types_supported": copy.deepcopy(jwt_proof),
        "credential_definition": {"type": ["VerifiableCredential", "OpenBadgeCredential"]},
        "credential_metadata": {"display": _display(tenant, "Open Badge (JWT, older form)",
                                                    "Open Badge (JWT, oudere vorm)")},
    }
    # VCDM 2.0 secured with JOSE: OpenID4VCI 1.0 Appendix A recommends a new profile use the
    # credential's media type as format identifier: application/vc+jwt (VC-JOSE-COSE §6.1.1).
    out[VC_JWT_CONFIGURATION] = {
        "format": "vc+jwt", "scope": VC_JWT_CONFIGURATION,
        "cryptographic_binding_methods_supported": ["did:key", "did:jwk"],
        "credential_signing_alg_values_supported": [_jose_alg(tenant)],
        "proof_types_supported": copy.deepcopy(jwt_proof),
        "credential_definition": {
            "@context": ["https://www.w3.org/ns/credentials/v2",
                         "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
        },
        "credential_metadata": {"display": _display(tenant, "Open Badge (JWT)",
                                                    "Open Badge (JWT)")},
    }
    out["elm_ldp_vc"] = {
        "format": "ldp_vc", "scope": "elm_ldp_vc", **copy.deepcopy(ldp),
        "credential_definition": {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential", "EuropeanDigitalCredential"],
        },
        "credential_metadata": {
            "display": _display(tenant, "European learning credential", "Europees leerbewijs"),
        },
    }
    return out


def sdjwt_issuer(ctx: IssuerContext, tenant: Tenant, signer_kid: str) -> tuple[str, str]:
    """``iss`` and header ``kid`` of the tenant's SD-JWT VCs.

    A did:web tenant served over https: ``iss`` is its Credential Issuer Identifier (the https
    URL, OpenID4VCI §12.2.1) and ``kid`` the key's fragment, the ``kid`` under which its JWT
    VC Issuer Metadata (``/.well-known/jwt-vc-issuer/tenants/<slug>``, whose ``issuer`` is
    that URL) lists the signing key (draft-ietf-oauth-sd-jwt-vc "Issuer Signature Mechanisms",
    "JWT VC Issuer Metadata"). The same URL is the tenant's did:web (``did:web:host:tenants:
    slug`` resolves to it), so a trust-list entry for the DID covers it
    (:meth:`rotonde.trust.TrustList.lookup`). A did:key tenant — or any tenant in development
    over http, where no https identifier exists — keeps its DID as ``iss`` and the DID URL as
    ``kid`` (DID Document resolution)."""
    base = ctx.tenant_base(tenant.slug)
    if tenant.did_method == "web" and base.startswith("https://"):
        return base, signer_kid.partition("#")[2]
    return tenant.did, signer_kid


def _holder_id(holder_key: PublicKey, holder_kid: str | None) -> str:
    if holder_kid:
        return holder_kid.partition("#")[0]
    from rotonde.did.jwk import did_jwk_from_public_key

    return did_jwk_from_public_key(holder_key)


def render_credential(
    ctx: IssuerContext,
    tenant: Tenant,
    configuration_id: str,
    record: dict[str, Any],
    *,
    credential_id: str,
    list_number: int,
    idx: int,
    holder_key: PublicKey,
    holder_kid: str | None = None,
) -> Rendered:
    """Render and sign one credential for the holder key proven in the request; never one
    whose awarding body is another institution (:func:`check_awarding_body`)."""
    check_awarding_body(tenant, record)
    if configuration_id not in configurations_for(record):
        from rotonde.errors import ValidationError

        raise ValidationError(
            "issuer.configuration_mismatch",
            f"a {record['kind']} cannot be delivered as {configuration_id!r}; "
            f"it can be delivered as {configurations_for(record)}",
            message_nl=f"een {record['kind']} kan niet als {configuration_id!r} worden geleverd")
    urls = list_urls(ctx, tenant, list_number)
    if configuration_id.endswith("_sd_jwt"):
        from rotonde.learning.sdjwt_vc import build
        from rotonde.sdjwt import issue
        from rotonde.status.token import status_reference

        claims, disclosable, vct = build(record)
        signer = signer_for(ctx, tenant, "jose")
        iss, kid = sdjwt_issuer(ctx, tenant, signer.kid or "")
        token = issue(
            claims, signer=signer, disclosable=disclosable, holder_key=holder_key, vct=vct,
            iss=iss, kid=kid,
            status=status_reference(idx=idx, uri=urls["token"])["status"], clock=ctx.clock,
        )
        return Rendered("dc+sd-jwt", token)
    from rotonde.learning import elm, ob3
    from rotonde.proofs import add_proof
    from rotonde.status.bitstring import build_status_entry

    bound = copy.deepcopy(record)
    bound["learner"]["id"] = _holder_id(holder_key, holder_kid)
    builder = {"open_badge_ldp_vc": ob3.build, "elm_ldp_vc": elm.build,
               JWT_VC_CONFIGURATION: ob3.build, VC_JWT_CONFIGURATION: ob3.build}[configuration_id]
    if builder is elm.build:
        document = elm.build(bound, issuer_id=tenant.did, credential_id=f"urn:uuid:{credential_id}",
                             vocab_base=ctx.settings.vocab_base)
    else:
        document = dict(builder(bound, issuer_id=tenant.did,
                                credential_id=f"urn:uuid:{credential_id}"))
    status = [
        build_status_entry(list_credential=urls["revocation"], index=idx, purpose="revocation"),
        build_status_entry(list_credential=urls["suspension"], index=idx, purpose="suspension"),
    ]
    existing = document.get("credentialStatus")
    if existing:
        status = [*(existing if isinstance(existing, list) else [existing]), *status]
    if builder is ob3.build and not existing:
        # OB 3.0 §B.1.1: an AchievementCredential has at most one credentialStatus (the 1EdTech
        # schema wants an object), so the Open Badge forms carry revocation only; suspension
        # is not carried (docs/open-badges.md).
        document["credentialStatus"] = status[0]
    else:
        document["credentialStatus"] = status
    if configuration_id == JWT_VC_CONFIGURATION:
        from rotonde.jwt_vc import sign_jwt_vc, vcdm11_from_v2

        jose_signer = signer_for(ctx, tenant, "jose")
        return Rendered("jwt_vc_json", sign_jwt_vc(vcdm11_from_v2(document), signer=jose_signer,
                                                   kid=jose_signer.kid))
    if configuration_id == VC_JWT_CONFIGURATION:
        from rotonde.jose import sign_vc_jwt

        jose_signer = signer_for(ctx, tenant, "jose")
        return Rendered("vc+jwt", sign_vc_jwt(document, signer=jose_signer, kid=jose_signer.kid))
    signer = signer_for(ctx, tenant, "di")
    signed = add_proof(document, signer=signer, verification_method=signer.kid or "",
                       clock=ctx.clock)
    return Rendered("ldp_vc", signed)
