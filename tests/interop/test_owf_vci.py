"""The OpenWallet Foundation OpenID4VCI wallet (``@openid4vc/openid4vci``) against a real
running Rotonde issuer (issue 15 E, B.10).

For each tenant (did:key and did:web), each holder key type (ES256, EdDSA) and each way of
naming the key in the proof (``jwk``, a ``did:jwk`` ``kid``), the library resolves the offer
and the metadata itself, redeems the pre-authorized code with the ``tx_code``, and asks for
every configuration the offer lists; together the offers cover every configuration the
issuer advertises. Each credential must be exactly what the metadata says: format, ``vct``
(SD-JWT VC) or ``type`` (W3C forms), bound to the holder key the proof named.
"""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from rotonde.encoding import b64url_decode
from rotonde.sdjwt import parse
from tests.interop.conftest import run_node
from tests.issuer._support import LiveIssuer, make_settings, start_server, template

SCRIPT = "js/owf_vci_wallet.mjs"

def _self_assessment() -> dict[str, Any]:
    t = copy.deepcopy(template())
    t.update(kind="self_assessment", assurance="self_asserted",
             title={"nl": "Zelfbeoordeling lassen", "en": "Welding self-assessment"})
    del t["level"]
    return t

@pytest.fixture(scope="module")
def issuer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveIssuer]:
    live = start_server(make_settings(tmp_path_factory.mktemp("owf-vci"),
                                      wallet_url="https://wallet.example"))
    yield live
    live.server.should_exit = True
    time.sleep(0.05)
    live.ctx.db.dispose()

@pytest.fixture(scope="module")
def tenants(issuer: LiveIssuer) -> dict[str, dict[str, Any]]:
    """Two tenants, each with a microcredential and a self-assessment in its catalogue."""
    out: dict[str, dict[str, Any]] = {}
    for slug, method in (("owf-key", "key"), ("owf-web", "web")):
        _, key = issuer.tenant(slug, did_method=method)
        with issuer.client(key) as api:
            ids = []
            for tpl in (template(), _self_assessment()):
                r = api.post("/api/v1/achievements", json=tpl)
                assert r.status_code == 201, r.text
                ids.append(r.json()["id"])
        out[slug] = {"key": key, "achievements": ids}
    return out

def _offer(issuer: LiveIssuer, key: str, achievement: str) -> dict[str, Any]:
    with issuer.client(key) as api:
        r = api.post("/api/v1/credentials", json={
            "achievement_id": achievement, "learner": {"name": "Sanne de Vries"}})
        assert r.status_code == 201, r.text
        return dict(r.json()["offer"])

def _jwt_claims(token: str) -> dict[str, Any]:
    return dict(json.loads(b64url_decode(token.split(".")[1])))

def _jwt_header(token: str) -> dict[str, Any]:
    return dict(json.loads(b64url_decode(token.split(".")[0])))

def _check(advertised: dict[str, Any], credential: Any, holder_jwk: dict[str, Any]) -> None:
    """The credential is what the configuration advertises (OpenID4VCI 1.0 Appendix A)."""
    fmt = advertised["format"]
    if fmt == "dc+sd-jwt":
        sd = parse(credential)
        assert sd.jws.header["typ"] == "dc+sd-jwt"
        assert sd.payload["vct"] == advertised["vct"]
        cnf = sd.payload["cnf"]["jwk"]
        assert {k: cnf[k] for k in ("kty", "crv", "x")} == {
            k: holder_jwk[k] for k in ("kty", "crv", "x")}
    elif fmt == "ldp_vc":
        assert isinstance(credential, dict) and "proof" in credential
        definition = advertised["credential_definition"]
        assert set(definition["type"]) <= set(credential["type"])
        assert credential["@context"][: len(definition["@context"])] == definition["@context"]
    elif fmt == "jwt_vc_json":
        # OpenID4VCI 1.0 A.1.1 ([VC_DATA] is VCDM 1.1): the credential is the JWT's vc claim,
        # with iss/sub/jti/nbf as VCDM 1.1 §6.3.1 encodes them; sub is the holder's DID
        header, claims = _jwt_header(credential), _jwt_claims(credential)
        assert header.get("typ", "JWT") == "JWT"
        vc = claims["vc"]
        assert vc["@context"][0] == "https://www.w3.org/2018/credentials/v1"
        assert set(advertised["credential_definition"]["type"]) <= set(vc["type"])
        assert {"iss", "sub", "jti", "nbf"} <= set(claims) and "issuanceDate" in vc
        assert claims["sub"] == vc["credentialSubject"]["id"] and claims["sub"].startswith("did:")
    elif fmt == "vc+jwt":
        # VCDM 2.0 secured with JOSE (VC-JOSE-COSE §3.1.1): the payload is the credential
        header, claims = _jwt_header(credential), _jwt_claims(credential)
        assert header["typ"] == "vc+jwt" and "vc" not in claims
        definition = advertised["credential_definition"]
        assert claims["@context"][: len(definition["@context"])] == definition["@context"]
        assert set(definition["type"]) <= set(claims["type"])
    else:  # pragma: no cover - Rotonde advertises nothing else
        pytest.fail(f"unexpected format {fmt}")

def test_the_check_refuses_a_vcdm_2_jwt_advertised_as_jwt_vc_json() -> None:
    """The check itself can fail: a VCDM 2.0 payload (no ``vc`` claim) is not ``jwt_vc_json``
    (OpenID4VCI 1.0 A.1.1), and a VCDM 1.1 JWT is not ``vc+jwt``."""
    from rotonde import keys
    from rotonde.jws import sign_compact

    key = keys.generate("ES256")
    v2 = {"@context": ["https://www.w3.org/ns/credentials/v2"],
          "type": ["VerifiableCredential", "OpenBadgeCredential"], "issuer": "did:example:i"}
    v11 = {"iss": "did:example:i", "sub": "did:example:h", "jti": "urn:uuid:1", "nbf": 1,
           "vc": {**v2, "@context": ["https://www.w3.org/2018/credentials/v1"],
                  "issuanceDate": "1970-01-01T00:00:01Z",
                  "credentialSubject": {"id": "did:example:h"}}}
    definition = {"type": ["VerifiableCredential", "OpenBadgeCredential"]}
    for typ in ("JWT", "vc+jwt"):  # no vc claim: refused whatever the header says
        with pytest.raises((AssertionError, KeyError)):
            _check({"format": "jwt_vc_json", "credential_definition": definition},
                   sign_compact({"typ": typ}, v2, key), {})
    with pytest.raises((AssertionError, KeyError)):
        _check({"format": "vc+jwt", "credential_definition": {**definition, "@context": v2[
            "@context"]}}, sign_compact({"typ": "JWT"}, v11, key), {})
    _check({"format": "jwt_vc_json", "credential_definition": definition},
           sign_compact({"typ": "JWT"}, v11, key), {})

@pytest.mark.parametrize("kid_method", ["jwk", "did"])
@pytest.mark.parametrize("alg", ["ES256", "EdDSA"])
@pytest.mark.parametrize("slug", ["owf-key", "owf-web"])
def test_the_owf_wallet_obtains_every_configuration_as_advertised(
    node: str, issuer: LiveIssuer, tenants: dict[str, dict[str, Any]], slug: str, alg: str,
    kid_method: str,
) -> None:
    tenant = tenants[slug]
    obtained: set[str] = set()
    advertised: dict[str, Any] = {}
    for achievement in tenant["achievements"]:
        offer = _offer(issuer, tenant["key"], achievement)
        out = run_node(node, SCRIPT, {"offer_uri": offer["offer_uri"],
                                      "tx_code": offer["tx_code"], "alg": alg,
                                      "kid_method": kid_method})
        assert "error" not in out, out["error"]
        advertised = out["metadata"]["credential_configurations_supported"]
        assert out["offered"] and set(out["offered"]) <= set(advertised)
        for result in out["results"]:
            assert result["ok"], (result["config"], result.get("error"))
            [credential] = result["credentials"]
            _check(advertised[result["config"]], credential, out["holder_jwk"])
            obtained.add(result["config"])
    # every advertised configuration was offered, and delivered as advertised
    assert obtained == set(advertised), sorted(set(advertised) - obtained)

def test_a_wrong_tx_code_is_refused_to_the_owf_wallet(
    node: str, issuer: LiveIssuer, tenants: dict[str, dict[str, Any]],
) -> None:
    tenant = tenants["owf-key"]
    offer = _offer(issuer, tenant["key"], tenant["achievements"][0])
    wrong = "0" * len(offer["tx_code"]) if offer["tx_code"] != "0" * len(offer["tx_code"]) else "1" * len(offer["tx_code"])
    out = run_node(node, SCRIPT, {"offer_uri": offer["offer_uri"], "tx_code": wrong})
    assert "invalid_grant" in json.dumps(out["error"]), out["error"]
    assert out["results"] == []

def test_the_offer_declares_its_tx_code(issuer: LiveIssuer,
                                        tenants: dict[str, dict[str, Any]]) -> None:
    """The tx_code the wallet was told about is the one the offer declares (§4.1.1)."""
    tenant = tenants["owf-web"]
    offer = _offer(issuer, tenant["key"], tenant["achievements"][0])
    from rotonde import oid4vci

    ref = oid4vci.parse_offer_uri(offer["offer_uri"])
    assert ref.credential_offer_uri is not None
    body = httpx.get(ref.credential_offer_uri, timeout=10).json()
    tx = body["grants"][oid4vci.PRE_AUTHORIZED_GRANT]["tx_code"]
    assert tx["length"] == len(offer["tx_code"]) and tx["input_mode"] == "numeric"

_ = Path  # (kept for type hints of fixtures in editors)


def test_the_demo_tenants_deliver_every_configuration_they_advertise(
    node: str, tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """The measurement of issue 15 B.10, repeated: the ``rotonde up`` demo tenants (seeded by
    :func:`stack.seed.seed_issuer` from ``examples/``); for every achievement of every tenant
    the OWF wallet obtains every configuration of its offer, and together they cover every
    configuration each tenant advertises, each as advertised (before: 16 of 32)."""
    from stack.seed import DemoState, load_providers, seed_issuer

    root = Path(__file__).resolve().parents[2]
    live = start_server(make_settings(tmp_path_factory.mktemp("owf-demo"),
                                      wallet_url="https://wallet.example"))
    try:
        state = DemoState({})
        seed_issuer(live.ctx, load_providers(root / "examples"), state)
        advertised_total = obtained_total = 0
        for slug, entry in state.data["tenants"].items():
            obtained: set[str] = set()
            advertised: dict[str, Any] = {}
            for achievement in entry["achievements"].values():
                offer = _offer(live, entry["api_key"], achievement)
                out = run_node(node, SCRIPT, {"offer_uri": offer["offer_uri"],
                                              "tx_code": offer["tx_code"], "alg": "ES256"})
                assert "error" not in out, (slug, out["error"])
                advertised = out["metadata"]["credential_configurations_supported"]
                for result in out["results"]:
                    assert result["ok"], (slug, result["config"], result.get("error"))
                    _check(advertised[result["config"]], result["credentials"][0],
                           out["holder_jwk"])
                    obtained.add(result["config"])
            assert obtained == set(advertised), (slug, sorted(set(advertised) - obtained))
            advertised_total += len(advertised)
            obtained_total += len(obtained)
        print(f"demo tenants: {obtained_total} of {advertised_total} advertised configurations "
              "delivered as advertised")
        assert advertised_total and obtained_total == advertised_total
    finally:
        live.server.should_exit = True
        time.sleep(0.05)
        live.ctx.db.dispose()
