"""``rotonde sign --format ldp_vc|vc+jwt`` and ``rotonde verify`` end to end (in process)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from rotonde.cli import main
from rotonde.did.methods import method_id_for_key
from rotonde.keys import generate
from rotonde.presentation import build_presentation, sign_presentation

CLAIMS: dict[str, Any] = {
    "@context": ["https://www.w3.org/ns/credentials/v2"],
    "type": ["VerifiableCredential"],
    "validFrom": "2025-01-01T00:00:00Z",
    "credentialSubject": {"id": "did:example:learner", "name": "Jan de Vries"},
}


def _write(tmp_path: Path, name: str, value: Any) -> str:
    path = tmp_path / name
    path.write_text(value if isinstance(value, str) else json.dumps(value), encoding="utf-8")
    return str(path)


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize(("fmt", "alg"), [("ldp_vc", "EdDSA"), ("vc+jwt", "ES256"),
                                          ("vc+jwt", "EdDSA")])
def test_sign_then_verify(tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str,
                          alg: str) -> None:
    key = generate(alg)
    key_file = _write(tmp_path, "key.json", key.to_jwk())
    claims = _write(tmp_path, "claims.json", CLAIMS)
    code, out, err = _run(capsys, "sign", "--format", fmt, "--key", key_file, claims)
    assert code == 0, err
    signed = _write(tmp_path, "signed.txt", out)
    if fmt == "ldp_vc":
        doc = json.loads(out)
        assert doc["issuer"] == method_id_for_key(key.public_key).partition("#")[0]
        assert doc["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    code, out, err = _run(capsys, "verify", "--now", "2025-06-01T00:00:00Z", signed)
    report = json.loads(out)
    assert code == 0 and report["verified"], out
    assert report["format"] == fmt
    code, out, _ = _run(capsys, "verify", "--now", "2024-06-01T00:00:00Z", signed)
    assert code == 1
    assert json.loads(out)["checks"][3]["problems"][0]["code"] == "validity.not_yet_valid"


def test_sign_ldp_vc_with_jcs_and_explicit_did(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    key = generate("EdDSA")
    did = method_id_for_key(key.public_key).partition("#")[0]
    key_file = _write(tmp_path, "key.json", key.to_jwk())
    claims = _write(tmp_path, "claims.json", {**CLAIMS, "issuer": did})
    code, out, err = _run(capsys, "sign", "--format", "ldp_vc", "--cryptosuite", "eddsa-jcs-2022",
                          "--did", did, "--key", key_file, claims)
    assert code == 0, err
    assert json.loads(out)["proof"]["cryptosuite"] == "eddsa-jcs-2022"
    code, _, _ = _run(capsys, "verify", _write(tmp_path, "s.json", out))
    assert code == 0


def test_sign_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ec_key = _write(tmp_path, "ec.json", generate("ES256").to_jwk())
    claims = _write(tmp_path, "claims.json", CLAIMS)
    code, _, err = _run(capsys, "sign", "--format", "ldp_vc", "--key", ec_key, claims)
    assert code == 2 and "Ed25519" in err
    ed_key = _write(tmp_path, "ed.json", generate("EdDSA").to_jwk())
    other = _write(tmp_path, "other.json", {**CLAIMS, "issuer": "did:web:elsewhere.example"})
    code, _, err = _run(capsys, "sign", "--format", "ldp_vc", "--key", ed_key, other)
    assert code == 2 and "--did" in err
    bad = _write(tmp_path, "bad.json", {**CLAIMS, "credentialSubject": {}})
    code, _, err = _run(capsys, "sign", "--format", "vc+jwt", "--key", ed_key, bad)
    assert code == 2 and "vc.subject_empty" in err
    undefined = _write(tmp_path, "undef.json",
                       {**CLAIMS, "credentialSubject": {"id": "did:example:1", "nickname": "x"}})
    code, _, err = _run(capsys, "sign", "--format", "ldp_vc", "--key", ed_key, undefined)
    assert code == 2 and "jsonld.term_undefined" in err


def test_verify_presentation_with_challenge_and_domain(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = generate("EdDSA")
    key_file = _write(tmp_path, "key.json", key.to_jwk())
    code, out, _ = _run(capsys, "sign", "--format", "ldp_vc", "--key", key_file,
                        _write(tmp_path, "claims.json", CLAIMS))
    holder = generate("EdDSA")
    vp = build_presentation(credentials=[json.loads(out)],
                            holder=method_id_for_key(holder.public_key).partition("#")[0])
    signed = _write(tmp_path, "vp.json", sign_presentation(
        vp, signer=holder, challenge="abc", domain="verifier.example"))
    code, out, _ = _run(capsys, "verify", "--challenge", "abc", "--domain", "verifier.example",
                        signed)
    report = json.loads(out)
    assert code == 0 and report["format"] == "ldp_vp"
    assert [c["verified"] for c in report["credentials"]] == [True]
    code, out, _ = _run(capsys, "verify", "--challenge", "xyz", signed)
    assert code == 1
    assert "holder_binding.challenge_mismatch" in out


def test_verify_garbage(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "verify", _write(tmp_path, "g.json",
                                                 '{"type": ["VerifiableCredential"], "proof": 1}'))
    assert code == 1
    assert json.loads(out)["checks"][0]["name"] == "parse"


def test_cli_verifies_the_open_badges_example_offline_with_its_controller_document(
    conformance: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`rotonde verify --document` supplies a controller document instead of fetching it."""
    import json as _json

    from rotonde.cli import main

    ob = conformance / "obv3"
    signed = str(ob / "examples" / "linked-data-proof-ob-signed-credential.json")
    controller = str(ob / "test-vectors" / "obv3p0" / "controller-document.json")
    code = main(["verify", "--offline", "--now", "2024-06-01T00:00:00Z",
                 "--document", controller, signed])
    report = _json.loads(capsys.readouterr().out)
    assert report["checks"][1]["name"] == "signature"
    assert report["checks"][1]["outcome"] == "passed", report
    # Without the document and offline, the key cannot be found: a precise failure, no fetch.
    code = main(["verify", "--offline", "--now", "2024-06-01T00:00:00Z", signed])
    report = _json.loads(capsys.readouterr().out)
    assert code == 1 and report["checks"][1]["outcome"] == "failed"
