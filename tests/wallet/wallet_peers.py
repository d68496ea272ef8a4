"""Real peers for the wallet tests: the issuer and verifier apps (and a garbage server) served
with uvicorn on loopback ports in background threads."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI, Form, Header, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from tests.servers import free_port, serve

__all__ = ["IssuerPeer", "MiniIssuer", "free_port", "issuer_peer", "mini_issuer_app", "serve"]


@dataclass
class IssuerPeer:
    base: str
    token: str
    tenant: Any
    achievement_id: str

    def offer(self, learner: str = "Anouk de Boer", configurations: list[str] | None = None,
              template: dict[str, Any] | None = None) -> dict[str, Any]:
        achievement = self.achievement_id
        headers = {"authorization": f"Bearer {self.token}"}
        if template is not None:
            r = httpx.post(f"{self.base}/api/v1/achievements", json=template,
                           headers=headers, timeout=30)
            assert r.status_code == 201, r.text
            achievement = r.json()["id"]
        body: dict[str, Any] = {"achievement_id": achievement, "learner": {"name": learner}}
        if configurations:
            body["configurations"] = configurations
        r = httpx.post(f"{self.base}/api/v1/credentials", json=body, headers=headers,
                       timeout=30)
        assert r.status_code == 201, r.text
        data: dict[str, Any] = r.json()
        return data


WELDING = {
    "kind": "microcredential",
    "title": {"nl": "Lassen MIG/MAG basis", "en": "MIG/MAG welding, basic"},
    "description": {"nl": "Basisvaardigheden MIG/MAG-lassen.", "en": "Basic MIG/MAG welding."},
    "learning_outcomes": [{
        "skill": "http://data.europa.eu/esco/skill/60ff3eac-7d4d-4e51-87b8-74c3b5d62498",
        "title": {"nl": "lassen", "en": "welding"}}],
    "level": {"framework": "NLQF", "value": 2, "source": "institution"},
    "workload": {"hours": 40, "ects": 1.5},
    "assessment": {"type": "practical_exam"},
    "participation": "on_site",
    "quality_assurance": {"type": "accredited_institution"},
    "assurance": "assessed",
}


@contextmanager
def issuer_peer(tmp_path: Path, wallet_url: str = "") -> Iterator[IssuerPeer]:
    from issuer.app import create_app
    from issuer.context import open_context
    from issuer.flows.apikeys import new_api_key
    from issuer.flows.tenants import create_tenant
    from issuer.settings import IssuerSettings

    port = free_port()
    settings = IssuerSettings(dev=True, data_dir=tmp_path / "issuer",
                              public_url=f"http://127.0.0.1:{port}", port=port,
                              wallet_url=wallet_url)
    ctx = open_context(settings)
    tenant = create_tenant(ctx, slug="roc-rijnvallei", name_nl="ROC Rijnvallei",
                           name_en="ROC Rijnvallei", did_method="key")
    _, token = new_api_key(ctx, tenant.id)
    app = create_app(settings, context=ctx, run_worker=False)
    with serve(app, port) as base:
        r = httpx.post(f"{base}/api/v1/achievements", json=WELDING,
                       headers={"authorization": f"Bearer {token}"}, timeout=30)
        assert r.status_code == 201, r.text
        yield IssuerPeer(base, token, tenant, r.json()["id"])
    ctx.db.dispose()


# --- a small OpenID4VCI issuer built only from the core, with switchable failure modes -------

RECORD = {
    **WELDING,
    "learner": {"name": "Anouk de Boer"},
    "awarding_body": {"id": "did:example:placeholder", "name": {"nl": "Metaalschool Oost",
                                                                 "en": "Metal school East"},
                      "country": "NL"},
    "award_date": "2026-06-30",
}


class MiniIssuer:
    """State and switches of :func:`mini_issuer_app`.

    ``mode``: ``ok``; ``garbage`` (every protocol endpoint answers non-JSON bytes);
    ``bad_signature`` (the credential is signed with a key that is not the issuer's);
    ``expired`` (the credential's validity ended in the past); ``error500`` (the credential
    endpoint fails); ``small`` (a minimal record, small enough for a compact share QR);
    ``foreign_body`` (the awarding body names another school's DID); ``bidi`` (the title
    carries a right-to-left override); ``other_holder`` (the credential is bound to a key that
    is not the one the wallet proved)."""

    def __init__(self) -> None:
        from rotonde.did.key import did_key_from_public_key
        from rotonde.keys import generate

        self.key = generate("ES256")
        self.did = did_key_from_public_key(self.key.public_key)
        self.kid = self.did + "#" + self.did.removeprefix("did:key:")
        self.base = ""
        self.mode = "ok"
        self.pin = "493817"
        self.codes: dict[str, bool] = {}
        self.tokens: set[str] = set()
        self.nonces: set[str] = set()
        self.offers: dict[str, dict[str, Any]] = {}
        self.record = dict(RECORD)
        self.pathway: dict[str, Any] = {
            "id": "urn:rotonde:pathway:mini", "title": {"nl": "Opgehaalde route"},
            "requirements": [{"id": "lassen", "title": {"nl": "Lassen"},
                              "skill": WELDING["learning_outcomes"][0]["skill"]}]}

    def new_offer(self, *, by_reference: bool = True, pin: bool = True) -> str:
        import json as _json
        import secrets
        from urllib.parse import quote

        code = secrets.token_urlsafe(16)
        self.codes[code] = pin
        grant: dict[str, Any] = {"pre-authorized_code": code}
        if pin:
            grant["tx_code"] = {"input_mode": "numeric", "length": 6,
                                "description": "PIN uit de e-mail"}
        offer = {"credential_issuer": self.base,
                 "credential_configuration_ids": ["WeldingSdJwt"],
                 "grants": {"urn:ietf:params:oauth:grant-type:pre-authorized_code": grant}}
        if not by_reference:
            return "openid-credential-offer://?credential_offer=" + quote(_json.dumps(offer))
        oid = secrets.token_urlsafe(8)
        self.offers[oid] = offer
        return "openid-credential-offer://?credential_offer_uri=" + quote(
            f"{self.base}/offers/{oid}", safe="")


def mini_issuer_app(state: MiniIssuer) -> Any:
    import secrets

    from rotonde import oid4vci
    from rotonde.errors import RotondeError
    from rotonde.keys import generate
    from rotonde.learning import sdjwt_vc
    from rotonde.sdjwt import issue

    app = FastAPI()

    def garbage() -> Response | None:
        if state.mode == "garbage":
            return PlainTextResponse("<html>not json {{{", status_code=200,
                                     media_type="application/json")
        return None

    @app.get("/.well-known/openid-credential-issuer")
    def metadata() -> Response:
        return garbage() or JSONResponse(oid4vci.issuer_metadata(
            credential_issuer=state.base,
            credential_configurations={"WeldingSdJwt": {
                "format": "dc+sd-jwt", "vct": sdjwt_vc.vct_for("microcredential"),
                "cryptographic_binding_methods_supported": ["jwk"],
                "proof_types_supported": {"jwt": {
                    "proof_signing_alg_values_supported": ["ES256"]}},
                "display": [{"name": "Lassen MIG/MAG", "locale": "nl"},
                            {"name": "MIG/MAG welding", "locale": "en"}]}},
            display=[{"name": "Metaalschool Oost", "locale": "nl"}],
        ))

    @app.get("/.well-known/oauth-authorization-server")
    def as_metadata() -> Response:
        return JSONResponse({"issuer": state.base, "token_endpoint": state.base + "/token"})

    @app.get("/pathway.json")
    def pathway() -> Response:
        return garbage() or JSONResponse(state.pathway)

    @app.get("/offers/{oid}")
    def offer(oid: str) -> Response:
        if oid not in state.offers:
            return JSONResponse({"error": "not found"}, status_code=404)
        return garbage() or JSONResponse(state.offers[oid])

    @app.post("/token")
    def token(grant_type: str = Form(""), pre_authorized_code: str = Form(
            "", alias="pre-authorized_code"), tx_code: str = Form("")) -> Response:
        bad = garbage()
        if bad:
            return bad
        needs_pin = state.codes.pop(pre_authorized_code, None)
        if needs_pin is None or (needs_pin and tx_code != state.pin):
            if needs_pin is not None:
                state.codes[pre_authorized_code] = needs_pin
            return JSONResponse({"error": "invalid_grant", "error_description":
                                 "wrong code or PIN"}, status_code=400)
        access = secrets.token_urlsafe(16)
        state.tokens.add(access)
        return JSONResponse(oid4vci.token_response(access, expires_in=300))

    @app.post("/nonce")
    def nonce() -> Response:
        value = secrets.token_urlsafe(16)
        state.nonces.add(value)
        return garbage() or JSONResponse(oid4vci.nonce_response(value))

    @app.post("/credential")
    async def credential(request: Request, authorization: str = Header("")) -> Response:
        bad = garbage()
        if bad:
            return bad
        if state.mode == "error500":
            return PlainTextResponse("boom", status_code=500)
        if authorization.removeprefix("Bearer ") not in state.tokens:
            return JSONResponse({"error": "invalid_token"}, status_code=401)
        try:
            req = oid4vci.parse_credential_request(await request.json())
            proof = oid4vci.validate_proof(req.jwt_proofs[0], audience=state.base)
        except RotondeError as exc:
            return JSONResponse({"error": "invalid_proof", "error_description": exc.message},
                                status_code=400)
        if proof.nonce not in state.nonces:
            return JSONResponse({"error": "invalid_nonce"}, status_code=400)
        state.nonces.discard(proof.nonce)
        record = dict(state.record)
        if state.mode == "small":
            record = {k: v for k, v in record.items()
                      if k not in ("description", "participation")}
            record["kind"] = "employer_attestation"
            record["title"] = {"nl": "Lassen"}
            record.pop("quality_assurance", None)
            record.pop("assessment", None)
            record["assurance"] = "attested"
        record["awarding_body"] = {**record["awarding_body"], "id": state.did}
        if state.mode == "foreign_body":  # claims another school's identifier and name
            record["awarding_body"] = {"id": "did:web:roc-rijnvallei.example",
                                       "name": {"nl": "ROC Rijnvallei"}, "country": "NL"}
        if state.mode == "bidi":  # a right-to-left override inside the title
            record["title"] = {"nl": "Lassen \u202eesab\u202c MIG/MAG", "en": "Welding"}
        if state.mode == "expired":
            record["validity"] = {"valid_from": "2020-01-01T00:00:00Z",
                                  "valid_until": "2021-01-01T00:00:00Z"}
        claims, disclosable, vct = sdjwt_vc.build(record)
        signer = generate("ES256") if state.mode == "bad_signature" else state.key
        kid = None if state.mode == "small" else state.kid  # small: the DID has one key
        holder = generate("ES256").public_key if state.mode == "other_holder" else proof.public_key
        token = issue(claims, signer=signer.with_kid(kid), disclosable=disclosable,
                      holder_key=holder, vct=vct, iss=state.did)
        return JSONResponse(oid4vci.credential_response([token]))

    return app


@contextmanager
def mini_issuer() -> Iterator[MiniIssuer]:
    state = MiniIssuer()
    port = free_port()
    state.base = f"http://127.0.0.1:{port}"
    with serve(mini_issuer_app(state), port):
        yield state


@dataclass
class VerifierPeer:
    base: str
    app: Any

    def request(self, **body: Any) -> dict[str, Any]:
        body.setdefault("template", "achievement")
        r = httpx.post(f"{self.base}/api/requests", json=body, timeout=30)
        assert r.status_code == 201, r.text
        data: dict[str, Any] = r.json()
        return data

    def session(self, session_id: str) -> dict[str, Any]:
        r = httpx.get(f"{self.base}/api/requests/{session_id}", timeout=30)
        assert r.status_code == 200, r.text
        data: dict[str, Any] = r.json()
        return data


@contextmanager
def verifier_peer(tmp_path: Path, wallet_url: str = "", **kw: Any) -> Iterator[VerifierPeer]:
    from verifier.app import create_app
    from verifier.settings import VerifierSettings

    port = free_port()
    settings = VerifierSettings(dev=True, data_dir=tmp_path / "verifier",
                                public_url=f"http://127.0.0.1:{port}", port=port,
                                wallet_url=wallet_url, **kw)
    app = create_app(settings)
    with serve(app, port) as base:
        yield VerifierPeer(base, app)
