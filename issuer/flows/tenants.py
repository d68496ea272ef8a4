"""Tenants (issuing organisations), their keys and DID documents.

Each tenant has an Ed25519 key for Data Integrity (``eddsa-rdfc-2022``) and a P-256 key for
SD-JWT VC / JOSE, stored encrypted under the KEK. Its identifier is ``did:web`` at
``<public_url>/tenants/<slug>/did.json`` (DID Web method: ``did:web:host%3Aport:tenants:slug``)
or ``did:key`` of its Ed25519 key. Key rotation retires the active key but keeps its
verification method in the DID document so earlier credentials still verify.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Connection, Row, insert, select, update

from issuer import models
from issuer.context import IssuerContext, dumps, new_id
from rotonde.errors import ConfigurationError, NotFoundError, ValidationError
from rotonde.keys import PrivateKey, generate, private_key_from_jwk, public_key_from_jwk

__all__ = [
    "Tenant",
    "create_tenant",
    "did_document",
    "get_tenant",
    "jwt_vc_issuer_metadata",
    "key_id",
    "rotate_key",
    "signer_for",
    "tenant_by_slug",
    "tenant_key_aad",
]

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
PURPOSE_ALG = {"di": "EdDSA", "jose": "ES256"}


@dataclass(frozen=True)
class Tenant:
    id: str
    slug: str
    name_nl: str
    name_en: str
    logo_uri: str | None
    country: str
    brin: str | None
    rio: str | None
    kvk: str | None
    did_method: str
    did: str

    def registry_ids(self) -> dict[str, str]:
        return {k: v for k, v in (("brin", self.brin), ("rio", self.rio), ("kvk", self.kvk)) if v}


def _did_web(ctx: IssuerContext, slug: str) -> str:
    parts = urlsplit(ctx.settings.base_url)
    host = (parts.hostname or "localhost") + (f"%3A{parts.port}" if parts.port else "")
    segs = [s for s in parts.path.split("/") if s]
    return ":".join(["did:web", host, *segs, "tenants", slug])


def _row_to_tenant(ctx: IssuerContext, conn: Connection, row: Row[Any]) -> Tenant:
    if row.did_method == "key":
        from rotonde.did.key import did_key_from_public_key

        key = conn.execute(
            select(models.tenant_keys.c.public_jwk).where(
                models.tenant_keys.c.tenant_id == row.id, models.tenant_keys.c.purpose == "di"
            ).order_by(models.tenant_keys.c.created_at)
        ).first()
        if key is None:  # create_tenant writes the key with the tenant: a damaged database
            raise _no_key()
        did = did_key_from_public_key(public_key_from_jwk(json.loads(key.public_jwk)))
    else:
        did = _did_web(ctx, row.slug)
    return Tenant(
        row.id, row.slug, row.name_nl, row.name_en, row.logo_uri, row.country,
        row.brin, row.rio, row.kvk, row.did_method, did,
    )


def _no_key() -> ConfigurationError:
    return ConfigurationError("tenant.no_key", "tenant has no active key",
                              message_nl="instelling heeft geen actieve sleutel")


def tenant_key_aad(tenant_id: str, fragment: str) -> str:
    """Associated data binding an encrypted tenant private key to its tenant and key."""
    return f"tenant-key:{tenant_id}:{fragment}"


def _add_key(ctx: IssuerContext, conn: Connection, tenant_id: str, purpose: str) -> None:
    key = generate(PURPOSE_ALG[purpose])
    key_id = new_id()
    fragment = f"{purpose}-{key.public_key.thumbprint()[:16]}"
    aad = tenant_key_aad(tenant_id, fragment)
    conn.execute(
        insert(models.tenant_keys).values(
            id=key_id, tenant_id=tenant_id, purpose=purpose, alg=key.alg, fragment=fragment,
            public_jwk=dumps(key.public_key.to_jwk()),
            private_enc=ctx.box.encrypt_text(dumps(key.to_jwk(private=True)), aad=aad),
            active=True, created_at=ctx.now(),
        )
    )


def create_tenant(
    ctx: IssuerContext,
    *,
    slug: str,
    name_nl: str,
    name_en: str,
    logo_uri: str | None = None,
    country: str = "NL",
    brin: str | None = None,
    rio: str | None = None,
    kvk: str | None = None,
    did_method: str = "web",
    actor: str = "cli",
) -> Tenant:
    problems = []
    if not SLUG.match(slug or ""):
        problems.append(("/slug", "slug must be lowercase letters, digits and dashes",
                         "slug moet uit kleine letters, cijfers en streepjes bestaan"))
    if did_method not in ("web", "key"):
        problems.append(("/did_method", "did_method must be web or key",
                         "did_method moet web of key zijn"))
    if brin and not re.fullmatch(r"[0-9]{2}[A-Z]{2}", brin):
        problems.append(("/brin", "BRIN is two digits and two capitals (e.g. 25LX)",
                         "BRIN is twee cijfers en twee hoofdletters (bijv. 25LX)"))
    if kvk and not re.fullmatch(r"[0-9]{8}", kvk):
        problems.append(("/kvk", "KvK number is 8 digits", "KvK-nummer is 8 cijfers"))
    if rio and not re.fullmatch(r"[0-9A-Za-z]{3,20}", rio):
        problems.append(("/rio", "RIO code is 3-20 letters or digits",
                         "RIO-code is 3-20 letters of cijfers"))
    if not re.fullmatch(r"[A-Z]{2}", country or ""):
        problems.append(("/country", "country is an ISO 3166 alpha-2 code",
                         "land is een ISO 3166 alfa-2-code"))
    if logo_uri and not logo_uri.startswith("https://"):
        problems.append(("/logo_uri", "logo must be an https URL", "logo moet een https-URL zijn"))
    if not name_nl or not name_en or len(name_nl) > 300 or len(name_en) > 300:
        problems.append(("/name", "names (nl and en) are required, at most 300 characters",
                         "namen (nl en en) zijn verplicht, hooguit 300 tekens"))
    if problems:
        from rotonde.errors import Problem

        raise ValidationError(problems=[
            Problem("tenant.invalid", en, nl, ptr) for ptr, en, nl in problems
        ])
    tenant_id = new_id()
    with ctx.db.session() as s:
        conn = s.connection()
        if conn.execute(select(models.tenants.c.id).where(models.tenants.c.slug == slug)).first():
            raise ConfigurationError(
                "tenant.exists", f"tenant {slug!r} already exists",
                message_nl=f"instelling {slug!r} bestaat al",
            )
        conn.execute(insert(models.tenants).values(
            id=tenant_id, slug=slug, name_nl=name_nl, name_en=name_en, logo_uri=logo_uri,
            country=country, brin=brin, rio=rio, kvk=kvk, did_method=did_method,
            created_at=ctx.now(),
        ))
        _add_key(ctx, conn, tenant_id, "di")
        _add_key(ctx, conn, tenant_id, "jose")
        ctx.audit(conn, tenant_id=tenant_id, actor=actor, action="tenant.create", target=slug)
    return get_tenant(ctx, tenant_id)


def get_tenant(ctx: IssuerContext, tenant_id: str) -> Tenant:
    with ctx.db.session() as s:
        conn = s.connection()
        row = conn.execute(select(models.tenants).where(models.tenants.c.id == tenant_id)).first()
        if row is None:
            raise NotFoundError("tenant.not_found", "tenant not found",
                              message_nl="instelling niet gevonden")
        return _row_to_tenant(ctx, conn, row)


def tenant_by_slug(ctx: IssuerContext, slug: str) -> Tenant:
    with ctx.db.session() as s:
        conn = s.connection()
        row = conn.execute(select(models.tenants).where(models.tenants.c.slug == slug)).first()
        if row is None:
            raise NotFoundError("tenant.not_found", "tenant not found",
                              message_nl="instelling niet gevonden")
        return _row_to_tenant(ctx, conn, row)


def signer_for(ctx: IssuerContext, tenant: Tenant, purpose: str) -> PrivateKey:
    """The tenant's active private key for ``purpose`` ('di' or 'jose'), kid = DID URL.

    A did:key tenant's identifier *is* its Ed25519 key, so it signs every format with that key
    (EdDSA for JOSE); only a did:web tenant can publish a separate P-256 key for JOSE.
    """
    if tenant.did_method == "key":
        purpose = "di"
    with ctx.db.session() as s:
        row = s.connection().execute(
            select(models.tenant_keys).where(
                models.tenant_keys.c.tenant_id == tenant.id,
                models.tenant_keys.c.purpose == purpose,
                models.tenant_keys.c.active.is_(True),
            )
        ).first()
    if row is None:
        raise _no_key()
    aad = tenant_key_aad(tenant.id, row.fragment)
    key = private_key_from_jwk(json.loads(ctx.box.decrypt_text(row.private_enc, aad=aad)))
    if tenant.did_method == "key":
        from rotonde.did.key import did_key_from_public_key

        did = did_key_from_public_key(key.public_key)
        return key.with_kid(f"{did}#{did.removeprefix('did:key:')}")
    return key.with_kid(f"{tenant.did}#{row.fragment}")


def rotate_key(ctx: IssuerContext, tenant: Tenant, purpose: str, *, actor: str = "cli") -> None:
    """Retire the active key for ``purpose`` and create a new one (old VM stays published)."""
    if tenant.did_method == "key":
        raise ConfigurationError(
            "tenant.rotate_did_key", "a did:key tenant cannot rotate keys (the key is the DID)",
            message_nl="een did:key-instelling kan geen sleutels roteren",
        )
    with ctx.db.session() as s:
        conn = s.connection()
        conn.execute(
            update(models.tenant_keys)
            .where(models.tenant_keys.c.tenant_id == tenant.id,
                   models.tenant_keys.c.purpose == purpose,
                   models.tenant_keys.c.active.is_(True))
            .values(active=False, retired_at=ctx.now())
        )
        _add_key(ctx, conn, tenant.id, purpose)
        ctx.audit(conn, tenant_id=tenant.id, actor=actor, action="key.rotate", target=purpose)


def did_document(ctx: IssuerContext, tenant: Tenant) -> dict[str, Any]:
    """The tenant's did:web document (DID Core §5; Multikey verification methods)."""
    with ctx.db.session() as s:
        rows = s.connection().execute(
            select(models.tenant_keys).where(models.tenant_keys.c.tenant_id == tenant.id)
            .order_by(models.tenant_keys.c.created_at)
        ).all()
    methods = []
    for row in rows:
        pub = public_key_from_jwk(json.loads(row.public_jwk))
        methods.append({
            "id": f"{tenant.did}#{row.fragment}",
            "type": "Multikey",
            "controller": tenant.did,
            "publicKeyMultibase": pub.multikey(),
        })
    ids = [m["id"] for m in methods]
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": tenant.did,
        "verificationMethod": methods,
        "assertionMethod": ids,
        "authentication": ids,
    }


def key_id(did_url: str | None) -> str:
    """The plain key id of a verification method: its DID URL fragment."""
    return (did_url or "").partition("#")[2]


def jwt_vc_issuer_metadata(ctx: IssuerContext, tenant: Tenant) -> dict[str, Any]:
    """JWT VC Issuer Metadata (draft-ietf-oauth-sd-jwt-vc "JWT VC Issuer Metadata"): ``issuer``
    (identical to the ``iss`` of the tenant's SD-JWT VCs when that is its https Credential
    Issuer Identifier) and the JWK set of every key the tenant ever signed SD-JWT VCs with
    (rotation keeps old ones), each named by the fragment it has in the DID document — the
    ``kid`` of the SD-JWT's header. Those are the keys that actually sign
    (:func:`signer_for`): a did:web tenant's P-256 JOSE keys, a did:key tenant's Ed25519 key
    (its DID), never a key that signs nothing."""
    purpose = "di" if tenant.did_method == "key" else "jose"
    with ctx.db.session() as s:
        rows = s.connection().execute(
            select(models.tenant_keys).where(models.tenant_keys.c.tenant_id == tenant.id,
                                             models.tenant_keys.c.purpose == purpose)
            .order_by(models.tenant_keys.c.created_at)
        ).all()
    keys = []
    for row in rows:
        jwk = dict(json.loads(row.public_jwk))
        if tenant.did_method == "key":
            from rotonde.did.key import did_key_from_public_key

            did = did_key_from_public_key(public_key_from_jwk(jwk))
            kid = did.removeprefix("did:key:")
        else:
            kid = row.fragment
        alg = "EdDSA" if jwk.get("crv") == "Ed25519" else "ES256"
        keys.append({**jwk, "kid": kid, "alg": alg, "use": "sig"})
    return {"issuer": ctx.tenant_base(tenant.slug), "jwks": {"keys": keys}}
