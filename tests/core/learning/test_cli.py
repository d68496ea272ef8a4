"""``rotonde credential build|read|validate`` through rotonde.cli.main."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rotonde import keys
from rotonde.cli import main
from rotonde.learning import ob3
from tests.core.learning.learning_support import EXAMPLES, microcredential

RECORD = str(EXAMPLES / "records" / "mc-mag-lassen.json")
ISSUER = "did:example:roc"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("form", ["elm", "ob3"])
def test_build_and_read_back(form: str, capsys: pytest.CaptureFixture[str],
                             tmp_path: Path) -> None:
    code, out, _ = run(capsys, "credential", "build", "--form", form, "--issuer", ISSUER, RECORD)
    assert code == 0
    doc = json.loads(out)
    assert doc["issuer"]["id"] == ISSUER
    path = tmp_path / "vc.json"
    path.write_text(out, encoding="utf-8")
    code, out, _ = run(capsys, "credential", "read", str(path))
    expected = ob3.carried(microcredential()) if form == "ob3" else microcredential()
    assert code == 0 and json.loads(out) == expected


def test_sd_jwt_vc_build_outputs(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "credential", "build", "--form", "sd-jwt-vc", RECORD)
    assert code == 0
    doc = json.loads(out)
    assert doc["vct"] == "https://rotonde.example/credentials/microcredential/1.0"
    assert "learning_outcomes.0" in doc["disclosable"]
    code, out, _ = run(capsys, "credential", "build", "--form", "sd-jwt-vc", "--output",
                       "claims", RECORD)
    assert json.loads(out) == doc["claims"]
    code, out, _ = run(capsys, "credential", "build", "--form", "sd-jwt-vc", "--output",
                       "paths", RECORD)
    assert out.split() == doc["disclosable"]


def test_sign_the_sd_jwt_vc_claims_and_read_the_token(capsys: pytest.CaptureFixture[str],
                                                      tmp_path: Path) -> None:
    key = keys.generate("EdDSA")
    jwk = tmp_path / "issuer.jwk"
    jwk.write_text(json.dumps(key.to_jwk(private=True)), encoding="utf-8")
    _, out, _ = run(capsys, "credential", "build", "--form", "sd-jwt-vc", RECORD)
    doc = json.loads(out)
    claims = tmp_path / "claims.json"
    claims.write_text(json.dumps(doc["claims"]), encoding="utf-8")
    code, token, err = run(capsys, "sign", "--format", "dc+sd-jwt", "--key", str(jwk),
                           "--vct", doc["vct"], "--iss", "did:example:metaal",
                           "--sd", *doc["disclosable"], str(claims))
    assert code == 0, err
    path = tmp_path / "token.txt"
    path.write_text(token, encoding="utf-8")
    code, out, err = run(capsys, "credential", "read", str(path))
    assert code == 0, err
    assert json.loads(out) == microcredential()


def test_elm_needs_an_issuer(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "credential", "build", "--form", "elm", RECORD)
    assert code == 2 and "--issuer" in err


def test_invalid_record_prints_every_problem(capsys: pytest.CaptureFixture[str],
                                             tmp_path: Path) -> None:
    rec = microcredential()
    del rec["participation"]
    rec["awarding_body"]["country"] = "nl"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(rec), encoding="utf-8")
    for argv in (("credential", "validate", str(path)),
                 ("credential", "build", "--form", "sd-jwt-vc", str(path))):
        code, _, err = run(capsys, *argv)
        assert code == 1
        report = json.loads(err)
        assert {p["pointer"] for p in report["problems"]} == {"/awarding_body/country"}
    rec["awarding_body"]["country"] = "NL"
    path.write_text(json.dumps(rec), encoding="utf-8")
    code, _, err = run(capsys, "credential", "validate", str(path))
    assert code == 1
    (problem,) = json.loads(err)["problems"]
    assert problem["pointer"] == "/participation" and problem["message_nl"]


def test_validate_ok_and_usage_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(capsys, "credential", "validate", RECORD)
    assert code == 0 and json.loads(out) == {"valid": True}
    code, _, _ = run(capsys, "credential", "read", str(tmp_path / "missing.json"))
    assert code == 2
    (tmp_path / "junk.txt").write_text("hello", encoding="utf-8")
    code, _, err = run(capsys, "credential", "read", str(tmp_path / "junk.txt"))
    assert code == 1 and "problems" in err
    code, _, _ = run(capsys, "credential")
    assert code == 2


@pytest.mark.parametrize("form", ["elm", "ob3"])
def test_build_sign_verify_read_through_the_cli(form: str, capsys: pytest.CaptureFixture[str],
                                                tmp_path: Path) -> None:
    key = keys.generate("EdDSA")
    jwk = tmp_path / "issuer.jwk"
    jwk.write_text(json.dumps(key.to_jwk(private=True)), encoding="utf-8")
    did = "did:key:" + key.public_key.multikey()
    _, out, _ = run(capsys, "credential", "build", "--form", form, "--issuer", did, RECORD)
    unsigned = tmp_path / "unsigned.json"
    unsigned.write_text(out, encoding="utf-8")
    code, signed, err = run(capsys, "sign", "--format", "ldp_vc", "--key", str(jwk), "--did", did,
                            str(unsigned))
    assert code == 0, err
    path = tmp_path / "signed.json"
    path.write_text(signed, encoding="utf-8")
    code, out, err = run(capsys, "verify", str(path))
    assert code == 0, out + err
    code, out, _ = run(capsys, "credential", "read", str(path))
    expected = ob3.carried(microcredential()) if form == "ob3" else microcredential()
    assert code == 0 and json.loads(out) == expected
