"""rotonde.oid4vci: message builders/parsers against the OpenID4VCI 1.0 examples, key proofs,
and Hypothesis on every parser (bad input raises OID4VCIError, never anything else)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rotonde import oid4vci
from rotonde.clock import FixedClock
from rotonde.did.key import did_key_from_public_key
from rotonde.jws import sign_compact
from rotonde.keys import generate
from rotonde.oid4vci import OID4VCIError
from tests.conftest import load_json

ISSUER = "https://issuer.example/tenants/roc"
NOW = 1_800_000_000.0


def test_conformance_offers_parse(conformance: Path) -> None:
    base = conformance / "oid4vci-1.0"
    offer = oid4vci.parse_credential_offer(load_json(base / "credential_offer_pre-authz_code.json"))
    assert offer.pre_authorized_code == "adhjhdjajkdkhjhdj"
    assert offer.tx_code is not None and offer.tx_code.description
    by_ref = oid4vci.parse_credential_offer(load_json(base / "credential_offer_by_reference.json"))
    assert by_ref.credential_configuration_ids == ("UniversityDegree_LDP_VC",)
    meta = load_json(base / "credential_issuer_metadata_sd_jwt_long.json")
    parsed = oid4vci.parse_issuer_metadata(meta, expected_issuer=meta["credential_issuer"])
    assert "SD_JWT_VC_example_in_OpenID4VCI" in parsed["credential_configurations_supported"]
    with pytest.raises(OID4VCIError):
        oid4vci.parse_issuer_metadata(meta, expected_issuer="https://evil.example")


def test_batch_size_is_advertised_like_the_spec_example(conformance: Path) -> None:
    example = load_json(conformance / "oid4vci-1.0" / "credential_issuer_metadata_sd_jwt_long.json")
    meta = oid4vci.issuer_metadata(credential_issuer=ISSUER, credential_configurations={},
                                   batch_size=10)
    assert meta["batch_credential_issuance"] == example["batch_credential_issuance"]
    assert "batch_credential_issuance" not in oid4vci.issuer_metadata(
        credential_issuer=ISSUER, credential_configurations={})
    with pytest.raises(ValueError, match="2 or greater"):  # §12.2.4
        oid4vci.issuer_metadata(credential_issuer=ISSUER, credential_configurations={},
                                batch_size=1)


def test_conformance_credential_response(conformance: Path) -> None:
    text = (conformance / "oid4vci-1.0" / "credential_response_sd_jwt_vc.txt").read_text()
    # The spec example wraps the long credential string over several lines; unwrap it.
    raw = re.sub(r'"credential": "([^"]*)"',
                 lambda m: '"credential": "' + re.sub(r"\s+", "", m.group(1)) + '"',
                 text[text.index("{"):])
    body = json.loads(raw)
    [credential] = oid4vci.parse_credential_response(body)
    assert isinstance(credential, str) and credential.count("~") > 3


def test_offer_round_trip_by_value_and_reference() -> None:
    offer = oid4vci.CredentialOffer(ISSUER, ("microcredential_sd_jwt",), "code-1",
                                    oid4vci.TxCode(length=6, description="PIN"))
    assert offer.to_dict()["grants"][oid4vci.PRE_AUTHORIZED_GRANT]["tx_code"]["length"] == 6
    uri = oid4vci.offer_uri(offer)
    assert uri.startswith("openid-credential-offer://?credential_offer=")
    assert oid4vci.parse_offer_uri(uri).offer == offer
    ref = oid4vci.offer_uri(credential_offer_uri=f"{ISSUER}/credential-offer/x")
    assert oid4vci.parse_offer_uri(ref).credential_offer_uri == f"{ISSUER}/credential-offer/x"
    web = oid4vci.offer_uri(credential_offer_uri="https://i.example/o/1",
                            base="https://wallet.example/offer")
    assert web.startswith("https://wallet.example/offer?credential_offer_uri=https%3A%2F%2F")
    with pytest.raises(ValueError):
        oid4vci.offer_uri()
    for bad in ("openid-credential-offer://?", "openid-credential-offer://?credential_offer=1"
                "&credential_offer_uri=https://x", "x?credential_offer_uri=javascript:alert(1)"):
        with pytest.raises(OID4VCIError):
            oid4vci.parse_offer_uri(bad)


def test_token_and_credential_requests() -> None:
    form = oid4vci.token_request("c", "123456")
    assert oid4vci.parse_token_request(form) == oid4vci.TokenRequest("c", "123456")
    with pytest.raises(OID4VCIError) as err:
        oid4vci.parse_token_request({"grant_type": "authorization_code"})
    assert err.value.error == "unsupported_grant_type"
    body = oid4vci.credential_request("cfg", jwt_proofs=["a.b.c"])
    req = oid4vci.parse_credential_request(body)
    assert req.credential_configuration_id == "cfg" and req.jwt_proofs == ("a.b.c",)
    for bad in ({}, {"credential_configuration_id": "a", "credential_identifier": "b"},
                {"credential_configuration_id": "a", "proof": {}},
                {"credential_configuration_id": "a", "proofs": {"jwt": []}},
                {"credential_configuration_id": "a", "proofs": {"jwt": ["x"], "ldp_vp": []}}):
        with pytest.raises(OID4VCIError):
            oid4vci.parse_credential_request(bad)
    with pytest.raises(OID4VCIError) as err2:
        oid4vci.parse_credential_response({"error": "invalid_nonce"})
    assert err2.value.error == "invalid_nonce"
    assert oid4vci.parse_token_response(oid4vci.token_response("t", expires_in=60))[
        "access_token"] == "t"


@pytest.mark.parametrize("alg", ["ES256", "EdDSA"])
def test_proof_create_and_validate(alg: str) -> None:
    key = generate(alg)
    clock = FixedClock(NOW)
    token = oid4vci.create_proof(key, audience=ISSUER, nonce="n1", clock=clock)
    result = oid4vci.validate_proof(token, audience=ISSUER, clock=clock)
    assert result.public_key == key.public_key and result.nonce == "n1" and result.kid is None
    did = did_key_from_public_key(key.public_key)
    kid = f"{did}#{did.removeprefix('did:key:')}"
    by_kid = oid4vci.create_proof(key, audience=ISSUER, nonce="n1", kid=kid, clock=clock)
    assert oid4vci.validate_proof(by_kid, audience=ISSUER, clock=clock).kid == kid


def _errors(token: Any, **kw: Any) -> str:
    with pytest.raises(OID4VCIError) as err:
        oid4vci.validate_proof(token, audience=ISSUER, clock=FixedClock(NOW), **kw)
    return err.value.error


def test_bad_proofs_are_rejected() -> None:
    key = generate("ES256")
    other = generate("ES256")
    claims = {"aud": ISSUER, "iat": int(NOW), "nonce": "n"}
    jwk = key.public_key.to_jwk()
    hdr = {"typ": oid4vci.PROOF_TYP, "jwk": jwk}
    assert _errors(sign_compact(hdr, {**claims, "aud": "https://x"}, key)) == "invalid_proof"
    assert _errors(sign_compact(hdr, {**claims, "iat": NOW + 3600}, key)) == "invalid_proof"
    assert _errors(sign_compact(hdr, {**claims, "iat": NOW - 3600}, key)) == "invalid_proof"
    assert _errors(sign_compact(hdr, {k: v for k, v in claims.items() if k != "iat"}, key)) == (
        "invalid_proof")
    # §8.3.1.2 (3): a key proof without c_nonce is invalid_proof, not invalid_nonce.
    assert _errors(sign_compact(hdr, {k: v for k, v in claims.items() if k != "nonce"}, key)) == (
        "invalid_proof")
    assert _errors(sign_compact({**hdr, "typ": "JWT"}, claims, key)) == "invalid_proof"
    assert _errors(sign_compact({**hdr, "kid": "did:key:z"}, claims, key)) == "invalid_proof"
    assert _errors(sign_compact({"typ": oid4vci.PROOF_TYP, "jwk": other.public_key.to_jwk()},
                                claims, key)) == "invalid_proof"
    assert _errors(sign_compact({"typ": oid4vci.PROOF_TYP, "jwk": key.to_jwk(private=True)},
                                claims, key)) == "invalid_proof"
    assert _errors(sign_compact({"typ": oid4vci.PROOF_TYP, "kid": "did:web:x.example#k"},
                                claims, key)) == "invalid_proof"
    assert _errors(sign_compact(hdr, claims, key), allowed_algs=frozenset({"EdDSA"})) == (
        "invalid_proof")
    assert _errors(12) == "invalid_proof"


@given(st.text(max_size=300))
def test_validate_proof_never_crashes_on_text(token: str) -> None:
    with pytest.raises(OID4VCIError):
        oid4vci.validate_proof(token, audience=ISSUER, clock=FixedClock(NOW))


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=30), c, max_size=4),
    max_leaves=15,
)


@given(_json)
def test_parsers_raise_only_oid4vci_errors(value: Any) -> None:
    for parse in (oid4vci.parse_credential_offer, oid4vci.parse_credential_request,
                  oid4vci.parse_credential_response, oid4vci.parse_token_response,
                  lambda v: oid4vci.parse_issuer_metadata(v, expected_issuer=ISSUER)):
        try:
            parse(value)
        except OID4VCIError:
            pass
        except Exception as exc:  # pragma: no cover - the assertion reports it
            from rotonde.errors import RotondeError

            assert isinstance(exc, RotondeError), f"{parse}: {exc!r}"


@given(st.dictionaries(st.sampled_from(["grant_type", "pre-authorized_code", "tx_code", "x"]),
                       st.text(max_size=80) | st.integers(), max_size=4))
def test_token_request_parser(form: dict[str, Any]) -> None:
    try:
        req = oid4vci.parse_token_request(form)
    except OID4VCIError:
        return
    assert form["grant_type"] == oid4vci.PRE_AUTHORIZED_GRANT and req.pre_authorized_code


@given(st.text(max_size=400))
def test_offer_uri_parser(uri: str) -> None:
    try:
        oid4vci.parse_offer_uri(uri)
    except OID4VCIError:
        pass
    except Exception as exc:  # pragma: no cover
        from rotonde.errors import RotondeError

        assert isinstance(exc, RotondeError), repr(exc)
