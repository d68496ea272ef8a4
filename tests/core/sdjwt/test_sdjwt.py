"""SD-JWT issue → present → verify, for ES256 and EdDSA issuers and holders."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from rotonde import keys, sdjwt
from rotonde.clock import FixedClock
from rotonde.errors import ConfigurationError, KeyFormatError, ParseError, RotondeError
from rotonde.sdjwt import parse

NOW = 1_800_000_000
VCT = "https://rotonde.example/vct/microcredential"
AUD = "https://werkgever.example/verifier"

CLAIMS: dict[str, Any] = {
    "given_name": "Fatima",
    "family_name": "El Amrani",
    "birthdate": "2001-04-17",
    "achievement": {
        "name": "MIG/MAG-lassen basis",
        "level": {"eqf": 3, "nlqf": 3},
        "workload_hours": 80,
    },
    "skills": [
        "http://data.europa.eu/esco/skill/a1",
        "http://data.europa.eu/esco/skill/b2",
        "http://data.europa.eu/esco/skill/c3",
    ],
    "grade": "goed",
}
PAIRS = list(itertools.product(["ES256", "EdDSA"], ["ES256", "EdDSA"]))


def _issue(issuer: keys.PrivateKey, holder: keys.PrivateKey | None, **kw: Any) -> str:
    kw.setdefault("disclosable", ["given_name", "family_name", "birthdate", "achievement",
                                  "achievement.level", "skills.*", "grade"])
    return sdjwt.issue(
        CLAIMS, signer=issuer, vct=VCT, iss="https://mbo.example", iat=NOW, exp=NOW + 86400,
        holder_key=holder.public_key if holder else None, **kw,
    )


@pytest.mark.parametrize(("issuer_alg", "holder_alg"), PAIRS)
def test_round_trip_with_key_binding(issuer_alg: str, holder_alg: str) -> None:
    issuer, holder = keys.generate(issuer_alg), keys.generate(holder_alg)
    token = _issue(issuer, holder)
    shown = sdjwt.present(
        token, disclose=["achievement.level", "skills.1", "grade"], holder_key=holder,
        nonce="n-123", aud=AUD, iat=NOW,
    )
    result = sdjwt.verify(
        shown, issuer_key=issuer.public_key, nonce="n-123", aud=AUD, clock=FixedClock(NOW)
    )
    # achievement is disclosed (an ancestor of level); its other members were not disclosable
    assert result.claims["achievement"] == CLAIMS["achievement"]
    assert result.claims["skills"] == ["http://data.europa.eu/esco/skill/b2"]
    assert result.claims["grade"] == "goed"
    assert "given_name" not in result.claims and "birthdate" not in result.claims
    assert result.claims["vct"] == VCT and result.claims["iss"] == "https://mbo.example"
    assert "_sd" not in str(result.claims) and "_sd_alg" not in result.claims
    assert result.key_binding is not None
    assert result.key_binding.holder_key == holder.public_key
    assert set(result.disclosed) == {"achievement", "achievement.level", "skills.1", "grade"}


def test_full_disclosure_restores_the_claims() -> None:
    issuer = keys.generate("EdDSA")
    token = sdjwt.issue(CLAIMS, signer=issuer, vct=VCT, iat=NOW, all_disclosable=True, decoys=2)
    result = sdjwt.verify(
        sdjwt.present(token, disclose=list(CLAIMS)), issuer_key=issuer.public_key,
        clock=FixedClock(NOW),
    )
    assert {k: v for k, v in result.claims.items() if k in CLAIMS} == CLAIMS
    payload = parse(token).payload
    assert set(payload) == {"_sd", "vct", "iat", "_sd_alg"}
    assert payload["_sd"] == sorted(payload["_sd"])
    assert len(payload["_sd"]) == len(CLAIMS) + 2  # two decoys


def test_all_disclosable_keeps_cnf_and_status_clear() -> None:
    issuer, holder = keys.generate("ES256"), keys.generate("EdDSA")
    status = {"status_list": {"idx": 1, "uri": "https://mbo.example/status/1"}}
    token = sdjwt.issue(CLAIMS, signer=issuer, vct=VCT, iat=NOW, all_disclosable=True,
                        holder_key=holder.public_key, status=status)
    payload = parse(token).payload
    assert payload["cnf"] == {"jwk": holder.public_key.to_jwk()}
    assert payload["status"] == status
    # nested members are disclosable one by one
    shown = sdjwt.present(token, disclose=["achievement.level.eqf"])
    result = sdjwt.verify(shown, issuer_key=issuer.public_key, clock=FixedClock(NOW))
    assert result.claims["achievement"] == {"level": {"eqf": 3}}


def test_nothing_disclosed_hides_everything_disclosable() -> None:
    issuer = keys.generate("ES256")
    token = _issue(issuer, None)
    result = sdjwt.verify(sdjwt.present(token), issuer_key=issuer.public_key,
                          clock=FixedClock(NOW))
    assert set(result.claims) == {"iss", "iat", "exp", "vct", "skills"}
    assert result.claims["skills"] == []


def test_recursive_disclosure_needs_parent() -> None:
    issuer = keys.generate("ES256")
    token = _issue(issuer, None)
    sd = parse(token)
    level = next(d for d in sd.disclosures if d.name == "level")
    # presenting the nested Disclosure without its parent leaves it unreferenced
    bad = sd.issuer_jwt + "~" + level.encoded + "~"
    with pytest.raises(ParseError) as info:
        sdjwt.verify(bad, issuer_key=issuer.public_key, clock=FixedClock(NOW))
    assert info.value.code == "sdjwt.disclosure_unreferenced"
    assert info.value.pointer == "level"


def test_disclosable_paths_lists_choices() -> None:
    token = _issue(keys.generate("ES256"), None)
    paths = sdjwt.disclosable_paths(token)
    assert "achievement.level" in paths and "skills.0" in paths and "grade" in paths
    assert "iss" not in paths


def test_tuple_paths_for_names_with_dots() -> None:
    issuer = keys.generate("EdDSA")
    token = sdjwt.issue({"a.b": {"c": 1}}, signer=issuer, typ="example+sd-jwt",
                        disclosable=[("a.b", "c")], iat=NOW)
    shown = sdjwt.present(token, disclose=[("a.b", "c")])
    result = sdjwt.verify(shown, issuer_key=issuer.public_key, clock=FixedClock(NOW))
    assert result.claims["a.b"] == {"c": 1}


def test_issue_refuses_bad_requests() -> None:
    issuer = keys.generate("ES256")
    with pytest.raises(ConfigurationError) as info:
        sdjwt.issue(CLAIMS, signer=issuer, vct=VCT, disclosable=["nope"])
    assert info.value.code == "sdjwt.path_unknown"
    with pytest.raises(ConfigurationError) as info:
        sdjwt.issue(CLAIMS, signer=issuer, disclosable=["grade"])
    assert info.value.code == "sdjwt_vc.vct_missing"
    with pytest.raises(ConfigurationError) as info:
        sdjwt.issue(CLAIMS, signer=issuer, vct=VCT, iss="https://x.example",
                    disclosable=["iss"])
    assert info.value.code == "sdjwt_vc.claim_not_disclosable"
    with pytest.raises(ConfigurationError) as info:
        sdjwt.issue({"_sd": 1}, signer=issuer, vct=VCT)
    assert info.value.code == "sdjwt.reserved_claim_name"
    with pytest.raises(RotondeError) as err:
        sdjwt.issue(CLAIMS, signer=issuer, vct=VCT, sd_alg="md5")
    assert err.value.code == "sdjwt.hash_alg_unsupported"


def test_present_refuses_bad_requests() -> None:
    issuer, holder = keys.generate("ES256"), keys.generate("EdDSA")
    token = _issue(issuer, holder)
    with pytest.raises(ConfigurationError) as info:
        sdjwt.present(token, disclose=["achievement.nope"])
    assert info.value.code == "sdjwt.path_unknown"
    with pytest.raises(ConfigurationError) as info:
        sdjwt.present(token, disclose=["grade"], holder_key=holder)
    assert info.value.code == "sdjwt.kb_params_missing"
    with pytest.raises(KeyFormatError) as kinfo:
        sdjwt.present(token, disclose=["grade"], holder_key=keys.generate("EdDSA"),
                      nonce="n", aud=AUD)
    assert kinfo.value.code == "sdjwt.holder_key_mismatch"
    shown = sdjwt.present(token, disclose=["grade"], holder_key=holder, nonce="n", aud=AUD)
    with pytest.raises(ParseError) as pinfo:
        sdjwt.present(shown, disclose=["grade"])
    assert pinfo.value.code == "sdjwt.already_presented"


def test_issuer_key_resolver_callable_gets_header() -> None:
    issuer = keys.generate("EdDSA", kid="k-1")
    token = _issue(issuer, None)
    seen: list[Any] = []

    def resolve(header: dict[str, Any], payload: dict[str, Any]) -> keys.PublicKey:
        seen.append((header.get("kid"), payload.get("iss")))
        return issuer.public_key

    sdjwt.verify(token, issuer_key=resolve, clock=FixedClock(NOW))
    assert seen == [("k-1", "https://mbo.example")]


def test_status_and_header_extras_are_signed() -> None:
    issuer = keys.generate("ES256")
    status = {"status_list": {"idx": 7, "uri": "https://mbo.example/status/1"}}
    token = sdjwt.issue(CLAIMS, signer=issuer, vct=VCT, status=status, kid="key-7",
                        header={"x-rotonde": 1}, iat=NOW, nbf=NOW - 10)
    sd = parse(token)
    assert sd.header == {"x-rotonde": 1, "typ": "dc+sd-jwt", "kid": "key-7", "alg": "ES256"}
    assert sd.payload["status"] == status and sd.payload["nbf"] == NOW - 10


def test_sha512_sd_alg_round_trip() -> None:
    issuer, holder = keys.generate("EdDSA"), keys.generate("ES256")
    token = _issue(issuer, holder, sd_alg="sha-512")
    shown = sdjwt.present(token, disclose=["grade"], holder_key=holder, nonce="x", aud=AUD,
                          iat=NOW)
    result = sdjwt.verify(shown, issuer_key=issuer.public_key, nonce="x", aud=AUD,
                          clock=FixedClock(NOW))
    assert result.claims["grade"] == "goed"
    assert len(parse(token).payload["_sd"][0]) == 86  # 64 bytes, base64url


def test_serialize_round_trip() -> None:
    token = _issue(keys.generate("ES256"), None)
    assert parse(token).serialize() == token
