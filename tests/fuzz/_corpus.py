"""Valid inputs for every parser, built once with the project's own issuing functions: the
seeds the fuzz strategies mutate. Keys are generated per process; the clock is fixed."""

from __future__ import annotations

import base64
import gzip
import io
import json
import secrets
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from rotonde import keys, oid4vci, sdjwt
from rotonde.clock import FixedClock
from rotonde.credential import build_credential
from rotonde.did import DidDocument, Resolver
from rotonde.did.methods import method_id_for_key
from rotonde.encoding import b64url_encode, canonical_json
from rotonde.http import Fetcher
from rotonde.jose import sign_vc_jwt
from rotonde.jws import sign_compact
from rotonde.oid4vp import build_request, direct_post_form, invocation_uri, sign_request_object
from rotonde.presentation import build_presentation, sign_presentation
from rotonde.proofs import add_proof
from rotonde.status import (
    BitstringStatusList,
    StatusList,
    build_status_list_credential,
    issue_status_list_token,
)
from rotonde.trust import sign_trust_list

__all__ = ["NOW", "ROOT", "C"]

ROOT = Path(__file__).resolve().parents[2]
NOW = 1_790_000_000  # 2026-09-21
CLOCK = FixedClock(NOW)
VCT = "https://rotonde.example/vct/microcredential"
ISSUER_URL = "https://issuer.rotonde.example/tenants/roc"
VERIFIER_DID = "did:web:verifier.rotonde.example"


def _offline_resolve(host: str, port: int) -> list[str]:
    """Every host resolves to loopback, which the production URL policy refuses: a real
    Fetcher that can never leave the machine (and proves the SSRF guard on every case)."""
    return ["127.0.0.1"]


class _Corpus:
    """Lazily built seeds; attribute access builds each group once."""

    @property
    @lru_cache(maxsize=1)  # noqa: B019 - one instance for the whole session
    def keys(self) -> SimpleNamespace:
        return SimpleNamespace(
            issuer=keys.generate("EdDSA"), holder=keys.generate("ES256"),
            verifier=keys.generate("ES256"), anchor=keys.generate("EdDSA"),
        )

    @property
    @lru_cache(maxsize=1)  # noqa: B019
    def fetcher(self) -> Fetcher:
        return Fetcher(resolve=_offline_resolve, connect_timeout=1.0, timeout=1.0)

    @property
    @lru_cache(maxsize=1)  # noqa: B019
    def resolver(self) -> Resolver:
        doc = DidDocument.for_key(VERIFIER_DID, self.keys.verifier.public_key, fragments=["req"])
        return Resolver(fetcher=self.fetcher, documents={VERIFIER_DID: doc})

    # ---------------------------------------------------------------- JOSE / SD-JWT
    @property
    @lru_cache(maxsize=1)  # noqa: B019
    def sdjwts(self) -> list[str]:
        k = self.keys
        claims = {"iss": ISSUER_URL, "name": "Anouk", "achievement": {
            "title": "Lassen MIG/MAG", "level": {"framework": "NLQF", "value": 2}, "ects": 3},
            "skills": ["lassen", "veilig werken"], "status": {"status_list": {
                "idx": 7, "uri": "https://issuer.rotonde.example/status/1"}}}
        issued = sdjwt.issue(claims, signer=k.issuer, vct=VCT, iat=NOW - 60, exp=NOW + 86400,
                             all_disclosable=True, holder_key=k.holder.public_key, decoys=2)
        kb = sdjwt.present(issued, disclose=["achievement.level", "skills.0", "name"],
                           holder_key=k.holder, nonce="nonce-0123456789abcdef",
                           aud="https://verifier.rotonde.example", iat=NOW)
        plain = sdjwt.present(issued, disclose=["achievement"])
        return [issued, kb, plain]

    @property
    @lru_cache(maxsize=1)  # noqa: B019
    def jwts(self) -> list[str]:
        k = self.keys
        vc_jwt = sign_vc_jwt(self.credential_unsigned, signer=k.issuer,
                             kid=method_id_for_key(k.issuer.public_key))
        proof = oid4vci.create_proof(k.holder, audience=ISSUER_URL, nonce="c-nonce-1", clock=CLOCK)
        status = self.status_token
        plain = sign_compact({"typ": "JWT", "kid": "k1", "crit": ["b64"], "b64": True},
                             {"iss": "x", "nested": {"a": [1, 2, {"b": None}]}}, k.issuer)
        return [vc_jwt, proof, status, plain, *self.sdjwts[:1]]

    @property
    def signers(self) -> list[Any]:
        k = self.keys
        return [k.issuer.sign, k.holder.sign]

    # ---------------------------------------------------------------- JSON-LD
    @property
    @lru_cache(maxsize=1)  # noqa: B019
    def credential_unsigned(self) -> dict[str, Any]:
        issuer = method_id_for_key(self.keys.issuer.public_key).partition("#")[0]
        return build_credential(
            issuer=issuer,
            subject={"id": "did:example:learner", "name": "Anouk de Vries"},
            id="urn:uuid:0b6c7b1e-9f44-4f8b-9d2c-1f4c2b9c0d11", name="Lassen niveau 2",
            valid_from="2026-01-01T00:00:00Z", valid_until="2027-01-01T00:00:00Z",
        )

    @property
    @lru_cache(maxsize=1)  # noqa: B019
    def ldp(self) -> list[dict[str, Any]]:
        k = self.keys
        vm = method_id_for_key(k.issuer.public_key)
        vc = add_proof(self.credential_unsigned, signer=k.issuer, verification_method=vm,
                       created="2026-01-01T00:00:00Z")
        vp = sign_presentation(
            build_presentation(credentials=[vc], holder=method_id_for_key(
                k.anchor.public_key).partition("#")[0]),
            signer=k.anchor, challenge="challenge-123", domain="verifier.rotonde.example",
            created="2026-09-21T00:00:00Z")
        return [vc, vp]

    def resign_ldp(self, doc: dict[str, Any]) -> dict[str, Any]:
        """Sign an edited credential again, so the edit reaches canonicalization and the
        checks behind the signature."""
        doc = {k: v for k, v in doc.items() if k != "proof"}
        return add_proof(doc, signer=self.keys.issuer,
                         verification_method=method_id_for_key(self.keys.issuer.public_key),
                         created="2026-01-01T00:00:00Z")

    # ---------------------------------------------------------------- OpenID4VP
    @property
    @lru_cache(maxsize=1)  # noqa: B019
    def dcql(self) -> list[dict[str, Any]]:
        return [
            {"credentials": [{"id": "diploma", "format": "dc+sd-jwt",
                              "meta": {"vct_values": [VCT]},
                              "claims": [{"id": "lvl", "path": ["achievement", "level", "value"],
                                          "values": [2, 3, 4]},
                                         {"id": "nm", "path": ["name"]}],
                              "claim_sets": [["lvl", "nm"], ["lvl"]]}]},
            {"credentials": [
                {"id": "a", "format": "ldp_vc", "meta": {"type_values": [["VerifiableCredential"]]},
                 "claims": [{"path": ["credentialSubject", "achievement", None, "name"]}]},
                {"id": "b", "format": "dc+sd-jwt", "meta": {"vct_values": [VCT]}, "multiple": True,
                 "claims": [{"path": ["skills", 0]}]}],
             "credential_sets": [{"options": [["a"], ["b"]], "required": True},
                                 {"options": [["a", "b"]], "required": False}]},
        ]

    @property
    @lru_cache(maxsize=1)  # noqa: B019
    def request(self) -> Any:
        return build_request(client_id="decentralized_identifier:" + VERIFIER_DID,
                             response_uri="https://verifier.rotonde.example/oid4vp/response/abc",
                             dcql_query=self.dcql[0], nonce="n" * 22, state="state-1",
                             client_metadata={"vp_formats_supported": {"dc+sd-jwt": {}}})

    @property
    @lru_cache(maxsize=1)  # noqa: B019
    def request_objects(self) -> list[str]:
        return [sign_request_object(self.request, self.keys.verifier,
                                    kid=VERIFIER_DID + "#req", clock=CLOCK)]

    @property
    @lru_cache(maxsize=1)  # noqa: B019
    def redirect_request(self) -> Any:
        """An unsigned request (``redirect_uri:`` requests are never signed, OpenID4VP §5.9.3)."""
        return build_request(client_id="redirect_uri:https://verifier.rotonde.example/cb",
                             response_uri="https://verifier.rotonde.example/cb",
                             dcql_query=self.dcql[1], nonce="m" * 22)

    @property
    @lru_cache(maxsize=1)  # noqa: B019
    def invocations(self) -> list[str]:
        by_ref = invocation_uri(client_id=self.request.client_id,
                                request_uri="https://verifier.rotonde.example/r/1",
                                request_uri_method="post")
        by_value = invocation_uri(client_id=self.redirect_request.client_id,
                                  request=self.redirect_request)
        return [by_ref, by_value]

    @property
    @lru_cache(maxsize=1)  # noqa: B019
    def direct_posts(self) -> list[dict[str, str]]:
        return [direct_post_form({"diploma": [self.sdjwts[1]], "a": [self.ldp[1]]}, "state-1"),
                {"error": "access_denied", "error_description": "nee", "state": "state-1"}]

    # ---------------------------------------------------------------- OpenID4VCI
    @property
    @lru_cache(maxsize=1)  # noqa: B019
    def offer(self) -> Any:
        return oid4vci.CredentialOffer(ISSUER_URL, ("microcredential_sd_jwt", "mc_ldp"),
                                       "pre-auth-code-123", oid4vci.TxCode(length=6,
                                                                          description="PIN"))

    @property
    @lru_cache(maxsize=1)  # noqa: B019
    def offer_uris(self) -> list[str]:
        return [oid4vci.offer_uri(self.offer),
                oid4vci.offer_uri(credential_offer_uri=f"{ISSUER_URL}/credential-offer/x1"),
                oid4vci.offer_uri(credential_offer_uri=f"{ISSUER_URL}/o/2",
                                  base="https://wallet.rotonde.example/offer")]

    @property
    @lru_cache(maxsize=1)  # noqa: B019
    def issuer_metadata(self) -> dict[str, Any]:
        return oid4vci.issuer_metadata(
            credential_issuer=ISSUER_URL,
            credential_configurations={
                "microcredential_sd_jwt": {"format": "dc+sd-jwt", "vct": VCT,
                                           "cryptographic_binding_methods_supported": ["jwk"],
                                           "proof_types_supported": {"jwt": {
                                               "proof_signing_alg_values_supported": ["ES256"]}}}},
            display=[{"name": "ROC", "locale": "nl"}])

    @property
    @lru_cache(maxsize=1)  # noqa: B019
    def credential_requests(self) -> list[dict[str, Any]]:
        return [oid4vci.credential_request("microcredential_sd_jwt", jwt_proofs=[self.jwts[1]])]

    # ---------------------------------------------------------------- status
    @property
    @lru_cache(maxsize=1)  # noqa: B019
    def bitstrings(self) -> list[str]:
        lst = BitstringStatusList()
        lst.set(7, 1)
        lst.set(100_000, 1)
        bomb = "u" + base64.urlsafe_b64encode(
            gzip.compress(bytes(64 * 1024 * 1024), compresslevel=9)).decode().rstrip("=")
        return [lst.encode(), bomb]

    @property
    @lru_cache(maxsize=1)  # noqa: B019
    def status_credential(self) -> dict[str, Any]:
        return build_status_list_credential(
            id="https://issuer.rotonde.example/status/1",
            issuer=method_id_for_key(self.keys.issuer.public_key).partition("#")[0],
            status_list=BitstringStatusList.decode(self.bitstrings[0]),
            valid_from="2026-01-01T00:00:00Z")

    @property
    @lru_cache(maxsize=1)  # noqa: B019
    def status_token(self) -> str:
        lst = StatusList(1024, bits=2)
        lst.set(7, 1)
        return issue_status_list_token(lst, uri="https://issuer.rotonde.example/statuslists/1",
                                       signer=self.keys.issuer, clock=CLOCK)

    # ---------------------------------------------------------------- trust, DID, learning
    @property
    @lru_cache(maxsize=1)  # noqa: B019
    def trust_list(self) -> dict[str, Any]:
        return {
            "trust_list_version": "1.0", "id": "https://vertrouwen.example/lijsten/llo-2026",
            "name": {"nl": "Erkende aanbieders", "en": "Accredited providers"},
            "issued": "2026-01-01T00:00:00Z", "valid_until": "2027-01-01T00:00:00Z",
            "issuers": [{
                "name": {"nl": "ROC Rijnland"},
                "identifiers": ["did:web:roc-rijnland.example", "https://roc-rijnland.example"],
                "registrations": [{"scheme": "BRIN", "value": "25LH"}],
                "kinds": ["microcredential", "qualification"],
                "max_levels": [{"framework": "NLQF", "value": 4}],
                "valid_until": "2026-12-01T00:00:00Z"}],
        }

    @property
    @lru_cache(maxsize=1)  # noqa: B019
    def signed_trust_list(self) -> str:
        return sign_trust_list(self.trust_list, self.keys.anchor)

    @property
    @lru_cache(maxsize=1)  # noqa: B019
    def did_documents(self) -> list[dict[str, Any]]:
        k = self.keys
        return [DidDocument.for_key("did:web:roc.example", [k.issuer.public_key,
                                                            k.holder.public_key]).to_json(),
                DidDocument.for_key("did:web:v.example:sub", k.verifier.public_key,
                                    method_type="JsonWebKey", fragments=["k1"]).to_json()]

    @property
    @lru_cache(maxsize=1)  # noqa: B019
    def dids(self) -> list[str]:
        from rotonde.did import did_jwk_from_public_key, did_key_from_public_key

        k = self.keys
        return [did_key_from_public_key(k.issuer.public_key),
                did_key_from_public_key(k.holder.public_key),
                did_jwk_from_public_key(k.holder.public_key),
                "did:web:roc-rijnland.example:tenants:roc", "did:web:localhost%3A8443"]

    @property
    @lru_cache(maxsize=1)  # noqa: B019
    def records(self) -> list[dict[str, Any]]:
        return [json.loads(p.read_text(encoding="utf-8"))
                for p in sorted((ROOT / "examples" / "records").glob("*.json"))]

    @property
    @lru_cache(maxsize=1)  # noqa: B019
    def learning_forms(self) -> list[Any]:
        from rotonde.learning import elm, ob3
        from rotonde.learning import sdjwt_vc as lsd

        issuer = "did:web:roc-rijnland.example"
        out: list[Any] = []
        for rec in self.records[:3]:
            out += [rec, elm.build(rec, issuer_id=issuer), ob3.build(rec, issuer_id=issuer),
                    lsd.build(rec)[0]]
        return out

    # ---------------------------------------------------------------- wallet backup, QR, share
    @property
    @lru_cache(maxsize=1)  # noqa: B019
    def backup(self) -> bytes:
        """An envelope in the format of ``wallet.flows.backup`` (at its cheapest allowed scrypt
        cost, 2^14), holding one key and no credentials."""
        salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
        header = {"type": "rotonde-wallet-backup", "version": 1, "created": "2026-09-21T00:00:00Z",
                  "kdf": {"name": "scrypt", "n": 2**14, "r": 8, "p": 1,
                          "salt": b64url_encode(salt)},
                  "cipher": "A256GCM", "nonce": b64url_encode(nonce)}
        key = Scrypt(salt=salt, length=32, n=2**14, r=8, p=1).derive(BACKUP_PASSPHRASE.encode())
        content = {"keys": [self.keys.holder.to_jwk(private=True)], "credentials": []}
        ct = AESGCM(key).encrypt(nonce, json.dumps(content).encode(), canonical_json(header))
        return json.dumps({**header, "ciphertext": b64url_encode(ct)}, indent=1).encode()

    @property
    @lru_cache(maxsize=1)  # noqa: B019
    def qr_pngs(self) -> list[bytes]:
        import qrcode

        out = []
        for text in (self.offer_uris[1], "rotonde-share:" + self.share_texts[0][14:40]):
            img = qrcode.make(text, box_size=3, border=2)
            buf = io.BytesIO()
            img.save(buf, format="PNG")
            out.append(buf.getvalue())
        return out

    @property
    @lru_cache(maxsize=1)  # noqa: B019
    def share_texts(self) -> list[str]:
        env = {"type": "rotonde-share", "version": 1, "share_id": "S" * 22, "nonce": "N" * 22,
               "expires_at": "2026-09-21T01:00:00Z", "presentations": [self.sdjwts[1]]}
        bare = sdjwt.present(self.sdjwts[0], disclose=["name"], holder_key=self.keys.holder,
                             nonce="N" * 22, aud="rotonde:share:" + "S" * 22, iat=NOW)
        return ["rotonde-share:" + b64url_encode(json.dumps(env).encode()), bare]


BACKUP_PASSPHRASE = "paarse fiets op de rotonde"
C = _Corpus()
