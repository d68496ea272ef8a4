"""``verify_sdjwt``: key lookup, status, trust and schema checks of the SD-JWT VC report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from rotonde import keys, sdjwt
from rotonde.clock import FixedClock
from rotonde.did import did_jwk_from_public_key, did_key_from_public_key
from rotonde.errors import Problem
from rotonde.status import StatusList, issue_status_list_token
from rotonde.verify import VerifyOptions, verify
from rotonde.verify.sdjwt import verify_sdjwt

NOW = 1_800_000_000
VCT = "https://rotonde.example/vct/mc"
STATUS_URI = "https://school.example/status/1"


def _token(issuer: keys.PrivateKey, iss: str, **kw: Any) -> str:
    return sdjwt.issue({"grade": "goed"}, signer=issuer, vct=VCT, iss=iss, iat=NOW,
                       disclosable=["grade"], **kw)


def test_issuer_key_resolved_from_did_jwk() -> None:
    issuer = keys.generate("EdDSA")
    did = did_jwk_from_public_key(issuer.public_key)
    report = verify(_token(issuer, did), VerifyOptions(clock=FixedClock(NOW)))
    assert report.verified, report.to_dict()
    assert report.issuer == did
    other = keys.generate("EdDSA")
    forged = _token(other, did)
    bad = verify(forged, VerifyOptions(clock=FixedClock(NOW)))
    check = bad.check("signature")
    assert check is not None and check.outcome == "failed"
    assert bad.claims is None  # nothing is reported as proven without a valid signature


def test_unresolvable_issuer_fails_signature_check() -> None:
    report = verify(_token(keys.generate("ES256"), "https://school.example"),
                    VerifyOptions(clock=FixedClock(NOW)))
    check = report.check("signature")
    assert check is not None and check.outcome == "failed"
    assert check.problems[0].code.startswith(("fetch.", "key."))
    skipped = report.check("validity")
    assert skipped is not None and skipped.outcome == "skipped"


def _status_token(issuer: keys.PrivateKey, value: int) -> str:
    lst = StatusList(16)
    lst.set(3, value)
    return issue_status_list_token(lst, uri=STATUS_URI, signer=issuer, clock=FixedClock(NOW))


@pytest.mark.parametrize(("value", "outcome"), [(0, "passed"), (1, "failed")])
def test_token_status_list_is_checked(value: int, outcome: str) -> None:
    issuer = keys.generate("EdDSA")
    did = did_jwk_from_public_key(issuer.public_key)
    status_token = _status_token(issuer, value)
    token = _token(issuer, did, status={"status_list": {"idx": 3, "uri": STATUS_URI}})
    options = VerifyOptions(
        clock=FixedClock(NOW), status_resolver=lambda uri: status_token
    )
    report = verify(token, options)
    check = report.check("status")
    assert check is not None and check.outcome == outcome, report.to_dict()
    assert report.verified is (value == 0)


def test_status_can_be_switched_off() -> None:
    issuer = keys.generate("EdDSA")
    token = _token(issuer, "https://school.example",
                   status={"status_list": {"idx": 3, "uri": STATUS_URI}})
    report = verify(token, VerifyOptions(issuer_key=issuer.public_key, check_status=False,
                                         clock=FixedClock(NOW)))
    check = report.check("status")
    assert check is not None and check.outcome == "skipped"
    assert check.problems[0].code == "status.not_checked"


class _Trust:
    def __init__(self, trusted: str) -> None:
        self.trusted = trusted
        self.calls: list[tuple[str, str | None]] = []

    def evaluate(self, issuer: str, *, kind: str | None = None, **_: Any) -> list[Problem]:
        self.calls.append((issuer, kind))
        if issuer == self.trusted:
            return []
        return [Problem("trust.issuer_unknown", "not trusted", "niet vertrouwd")]


def test_trust_is_fatal_when_a_trust_list_is_given() -> None:
    issuer = keys.generate("ES256")
    trust = _Trust("https://school.example")
    ok = verify(_token(issuer, "https://school.example"),
                VerifyOptions(issuer_key=issuer.public_key, trust_list=trust,
                              clock=FixedClock(NOW)))
    assert ok.verified and ok.check("trust") is not None
    assert [c[0] for c in trust.calls] == ["https://school.example"]
    unknown = verify(_token(issuer, "https://elsewhere.example"),
                     VerifyOptions(issuer_key=issuer.public_key, trust_list=trust,
                                   clock=FixedClock(NOW)))
    check = unknown.check("trust")
    assert check is not None and check.outcome == "failed" and check.fatal
    assert not unknown.verified  # an issuer that is not on the list is never verified
    # without a trust list the check does not run and is not fatal
    plain = verify(_token(issuer, "https://elsewhere.example"),
                   VerifyOptions(issuer_key=issuer.public_key, clock=FixedClock(NOW)))
    assert plain.verified and plain.check("trust").outcome == "skipped"  # type: ignore[union-attr]
    assert not plain.check("trust").fatal  # type: ignore[union-attr]


def _trust_list(*issuers: str) -> Any:
    from rotonde.trust import load_trust_list

    return load_trust_list({
        "trust_list_version": "1.0", "id": "https://trust.example/mbo",
        "name": {"nl": "Erkende instellingen"},
        "issuers": [{"name": {"nl": "Metaalschool Oost"}, "identifiers": list(issuers),
                     "kinds": ["*"]}]}, clock=FixedClock(NOW))


def test_a_credential_without_iss_is_issued_by_its_keys_did() -> None:
    """Issue 19 item 2: no ``iss``, signed with the attacker's own did:key and claiming a
    trusted school as awarding body. The issuer is the key's DID, so the trust list refuses it;
    before, the issuer was "unknown", the trust check was skipped and the report verified."""
    school = did_jwk_from_public_key(keys.generate("ES256").public_key)
    attacker = keys.generate("ES256")
    did = did_key_from_public_key(attacker.public_key)
    claims = {"title": "Lassen", "awarding_body": {"id": school, "name": "Metaalschool Oost"}}
    token = sdjwt.issue(claims, signer=attacker.with_kid(f"{did}#{did[8:]}"), vct=VCT,
                        iat=NOW, disclosable=["title", "awarding_body"])
    report = verify(token, VerifyOptions(clock=FixedClock(NOW), trust_list=_trust_list(school)))
    assert report.issuer == did
    trust = report.check("trust")
    assert trust is not None and trust.outcome == "failed" and trust.fatal
    assert [p.code for p in trust.problems] == ["trust.issuer_unknown"]
    assert not report.verified
    # without a trust list it verifies, as what it is: a credential issued by that did:key
    plain = verify(token, VerifyOptions(clock=FixedClock(NOW)))
    assert plain.verified and plain.issuer == did


def test_a_credential_whose_issuer_cannot_be_established_fails() -> None:
    issuer = keys.generate("ES256")
    token = sdjwt.issue({"grade": "goed"}, signer=issuer, vct=VCT, iat=NOW)  # no iss, no kid
    for trust in (None, _trust_list("https://school.example")):
        report = verify(token, VerifyOptions(issuer_key=issuer.public_key, trust_list=trust,
                                             clock=FixedClock(NOW)))
        check = report.check("signature")
        assert check is not None and check.outcome == "failed"
        assert [p.code for p in check.problems] == ["sdjwt_vc.issuer_unknown"]
        assert not report.verified and report.issuer is None


def test_schema_validator_sees_processed_claims() -> None:
    issuer = keys.generate("ES256")
    seen: list[dict[str, Any]] = []

    def schema(claims: dict[str, Any], fmt: str) -> list[Problem]:
        seen.append(claims)
        assert fmt == "dc+sd-jwt"
        if "grade" not in claims:
            return [Problem("schema.required", "grade is required", "cijfer is verplicht",
                            "/grade")]
        return []

    token = _token(issuer, "https://school.example")
    options = VerifyOptions(issuer_key=issuer.public_key, schema_validator=schema,
                            clock=FixedClock(NOW))
    assert verify(sdjwt.present(token, disclose=["grade"]), options).verified
    hidden = verify(sdjwt.present(token), options)
    assert not hidden.verified
    check = hidden.check("schema")
    assert check is not None and check.problems[0].code == "schema.required"
    assert "_sd" not in seen[0]


def test_non_text_input_is_a_parse_failure() -> None:
    report = verify_sdjwt({"not": "a token"}, VerifyOptions())
    check = report.check("parse")
    assert check is not None and check.problems[0].code == "sdjwt.malformed"
    assert [c.outcome for c in report.checks[1:]] == ["skipped"] * 6


def test_legacy_vc_sd_jwt_typ_is_accepted() -> None:
    issuer = keys.generate("EdDSA")
    token = sdjwt.issue({"a": 1}, signer=issuer, vct=VCT, typ="vc+sd-jwt", iat=NOW,
                        iss="https://school.example")
    report = verify(token, VerifyOptions(issuer_key=issuer.public_key, clock=FixedClock(NOW)))
    assert report.verified and report.meta["typ"] == "vc+sd-jwt"


def test_json_serialisation_through_the_engine() -> None:
    issuer = keys.generate("ES256")
    token = _token(issuer, "https://school.example")
    sd = sdjwt.parse(token)
    h, p, s = sd.issuer_jwt.split(".")
    import json

    flattened = json.dumps({"protected": h, "payload": p, "signature": s,
                            "header": {"disclosures": [d.encoded for d in sd.disclosures]}})
    result = sdjwt.verify(flattened, issuer_key=issuer.public_key, clock=FixedClock(NOW))
    assert result.claims["grade"] == "goed"
    assert result.sd_jwt.serialization == "json"


def test_a_crashing_plug_in_still_gives_a_report() -> None:
    issuer = keys.generate("ES256")

    def schema(claims: dict[str, Any], fmt: str) -> list[Problem]:
        raise KeyError("bug in a schema plug-in")

    report = verify(_token(issuer, "https://school.example"),
                    VerifyOptions(issuer_key=issuer.public_key, schema_validator=schema,
                                  clock=FixedClock(NOW)))
    check = report.check("schema")
    assert check is not None and check.problems[0].code == "schema.unexpected"
    assert not report.verified


def test_engine_detects_and_verifies_json_serialised_sd_jwt(conformance: Path) -> None:
    """RFC 9901 §8: the JSON serialisation goes through the same engine, format dc+sd-jwt."""
    import json as _json

    from rotonde.formats import detect, load_input
    from rotonde.keys import public_key_from_jwk
    from rotonde.verify import VerifyOptions, verify

    case = conformance / "sd-jwt" / "generated-testcases" / "json_serialization_flattened"
    text = (case / "sd_jwt_issuance.json").read_text(encoding="utf-8")
    data = load_input(text)
    assert isinstance(data, dict) and detect(data) == "dc+sd-jwt"
    key = public_key_from_jwk(_json.loads(
        (conformance / "sd-jwt" / "reference-issuer-public-jwk.json").read_text()))
    report = verify(data, VerifyOptions(issuer_key=key))
    # The vector is a plain SD-JWT (typ example+sd-jwt), not an SD-JWT VC: the engine reads the
    # JSON serialisation and then refuses it precisely for its type, not as unreadable input.
    parse_check = report.check("parse")
    assert parse_check is not None and parse_check.outcome == "failed"
    assert [p.code for p in parse_check.problems] == ["jose.typ_mismatch"]
