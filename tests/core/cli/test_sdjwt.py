"""The ``rotonde sign | present | verify | demo`` commands, through the real entry point."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from rotonde import keys, sdjwt
from rotonde.cli import main
from tests.conftest import ROOT

CLAIMS = {
    "learner": {"given_name": "Sanne", "family_name": "de Vries"},
    "achievement": {"title": "MIG/MAG-lassen basis", "level": {"eqf": 3, "nlqf": 3}},
    "grade": "7,8",
}
AUD = "https://werkgever.example"


def _run(*argv: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rotonde.cli", *argv], input=stdin, capture_output=True,
        text=True, cwd=ROOT, timeout=120, check=False,
    )


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    issuer = keys.generate("ES256", kid="k1")
    holder = keys.generate("EdDSA")
    out = {
        "issuer": issuer.to_jwk(),
        "issuer_pub": issuer.public_key.to_jwk(),
        "holder": holder.to_jwk(),
        "holder_pub": holder.public_key.to_jwk(),
        "claims": CLAIMS,
    }
    paths = {}
    for name, value in out.items():
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(value))
        paths[name] = str(path)
    return paths


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _issue(capsys: pytest.CaptureFixture[str], files: dict[str, str], tmp: Path) -> Path:
    code, out, _ = _cli(
        capsys, "sign", "--format", "dc+sd-jwt", "--key", files["issuer"],
        "--holder-key", files["holder_pub"], "--sd", "learner.given_name",
        "--sd", "achievement.level", "grade", "--vct", "https://rotonde.example/vct/mc",
        "--iss", "https://school.example", files["claims"],
    )
    assert code == 0
    path = tmp / "credential.txt"
    path.write_text(out)
    return path


def test_sign_present_verify(capsys: pytest.CaptureFixture[str], files: dict[str, str],
                             tmp_path: Path) -> None:
    credential = _issue(capsys, files, tmp_path)
    sd = sdjwt.parse(credential.read_text().strip())
    assert {d.name for d in sd.disclosures} == {"given_name", "level", "grade"}
    assert sd.header["typ"] == "dc+sd-jwt" and sd.header["kid"] == "k1"
    code, out, _ = _cli(
        capsys, "present", "--holder-key", files["holder"], "--disclose", "achievement.level",
        "grade", "--nonce", "n-42", "--aud", AUD, str(credential),
    )
    assert code == 0
    shown = tmp_path / "shown.txt"
    shown.write_text(out)
    code, out, _ = _cli(
        capsys, "verify", "--issuer-key", files["issuer_pub"], "--nonce", "n-42", "--aud", AUD,
        str(shown),
    )
    report = json.loads(out)
    assert code == 0 and report["verified"] is True
    assert report["claims"]["achievement"]["level"] == {"eqf": 3, "nlqf": 3}
    assert report["claims"]["grade"] == "7,8"
    assert "given_name" not in report["claims"]["learner"]

    code, out, _ = _cli(
        capsys, "verify", "--issuer-key", files["issuer_pub"], "--nonce", "other", "--aud", AUD,
        str(shown),
    )
    assert code == 1 and json.loads(out)["verified"] is False

    code, out, _ = _cli(
        capsys, "verify", "--issuer-key", files["issuer_pub"], "--now", "2000-01-01T00:00:00Z",
        str(credential),
    )
    report = json.loads(out)
    assert code == 1
    assert any(c["name"] == "validity" and c["outcome"] == "failed" for c in report["checks"])


def test_all_sd_keeps_protected_claims_clear(capsys: pytest.CaptureFixture[str],
                                             files: dict[str, str]) -> None:
    code, out, _ = _cli(
        capsys, "sign", "--format", "dc+sd-jwt", "--key", files["issuer"], "--all-sd",
        "--holder-key", files["holder_pub"], "--vct", "https://rotonde.example/vct/mc",
        "--iss", "https://school.example", "--exp", "2030-01-01T00:00:00Z", files["claims"],
    )
    assert code == 0
    payload = sdjwt.parse(out.strip()).payload
    assert set(payload) == {"_sd", "_sd_alg", "iss", "vct", "iat", "exp", "cnf"}
    assert "_sd" not in payload["cnf"]["jwk"]


def test_sd_paths_then_file_without_separator(capsys: pytest.CaptureFixture[str],
                                              files: dict[str, str]) -> None:
    code, out, _ = _cli(
        capsys, "sign", "--format", "dc+sd-jwt", "--key", files["issuer"],
        "--vct", "https://rotonde.example/vct/mc", "--sd", "grade", files["claims"],
    )
    assert code == 0
    assert [d.name for d in sdjwt.parse(out.strip()).disclosures] == ["grade"]


@pytest.mark.system
def test_verify_reads_stdin_through_the_entry_point(files: dict[str, str]) -> None:
    issuer = keys.private_key_from_jwk(json.loads(Path(files["issuer"]).read_text()))
    token = sdjwt.issue(CLAIMS, signer=issuer, vct="https://rotonde.example/vct/mc",
                        iss="https://school.example")
    proc = _run("verify", "--issuer-key", files["issuer_pub"], "-", stdin=token + "\n")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["verified"] is True


def test_verify_garbage_is_a_failed_report(capsys: pytest.CaptureFixture[str],
                                           tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("this is not a credential")
    code, out, _ = _cli(capsys, "verify", str(bad))
    report = json.loads(out)
    assert code == 1 and report["checks"][0]["outcome"] == "failed"
    bad.write_text("{not json")
    code, out, _ = _cli(capsys, "verify", str(bad))
    assert code == 1 and json.loads(out)["checks"][0]["problems"][0]["code"] == "json.malformed"


USAGE_ERRORS: list[tuple[str, ...]] = [
    ("sign", "--format", "dc+sd-jwt", "--key", "{issuer}", "{missing}"),
    ("sign", "--format", "dc+sd-jwt", "--key", "{claims}", "--vct", "v", "{claims}"),
    ("sign", "--format", "dc+sd-jwt", "--key", "{issuer}", "--sd", "nope", "--vct", "v",
     "{claims}"),
    ("sign", "--format", "dc+sd-jwt", "--key", "{issuer}", "{claims}"),  # no vct
    ("sign", "--format", "dc+sd-jwt", "--key", "{issuer}", "--vct", "v", "--exp", "soon",
     "{claims}"),
    ("sign", "--format", "dc+sd-jwt", "--key", "{issuer}", "--vct", "v"),  # no claims file
    ("present", "--nonce", "n", "{claims}"),
    ("present", "--holder-key", "{holder}", "--disclose", "grade", "{claims}"),  # no nonce
    ("verify", "--now", "yesterday", "{claims}"),
    ("verify", "{missing}"),
    ("verify", "--issuer-key", "{claims}", "{claims}"),
    ("verify", "--trust-list", "{missing}", "{claims}"),
]


@pytest.mark.parametrize("argv", USAGE_ERRORS)
def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], files: dict[str, str],
                             argv: tuple[str, ...], tmp_path: Path) -> None:
    values: dict[str, Any] = {**files, "missing": str(tmp_path / "missing.json")}
    code, _, err = _cli(capsys, *(a.format(**values) for a in argv))
    assert code == 2
    assert err.startswith("rotonde: error:")


@pytest.mark.parametrize(
    "argv",
    [("sign",), ("sign", "--format", "ldp_nope", "--key", "k", "c"), ("present", "--bogus"),
     ("verify",)],
)
def test_argparse_usage_errors_exit_2(argv: tuple[str, ...]) -> None:
    with pytest.raises(SystemExit) as info:
        main(list(argv))
    assert info.value.code == 2


def test_present_rejects_unknown_path(capsys: pytest.CaptureFixture[str],
                                      files: dict[str, str], tmp_path: Path) -> None:
    credential = _issue(capsys, files, tmp_path)
    code, _, err = _cli(
        capsys, "present", "--holder-key", files["holder"], "--disclose", "salary",
        "--nonce", "n", "--aud", AUD, str(credential),
    )
    assert code == 2 and "salary" in err


@pytest.mark.system
def test_demo_runs_offline_and_verifies() -> None:
    proc = _run("demo")
    assert proc.returncode == 0, proc.stderr
    assert "MIG/MAG-lassen basis" in proc.stdout
    assert "NLQF 2 (bron / source: institution)" in proc.stdout
    assert "JA / YES" in proc.stdout
    assert "JA / YES" in proc.stdout


@pytest.mark.parametrize("alg", ["ES256", "EdDSA"])
def test_demo_json_report(capsys: pytest.CaptureFixture[str], alg: str) -> None:
    code, out, _ = _cli(capsys, "demo", "--json", "--alg", alg)
    report = json.loads(out)
    assert code == 0 and report["verified"] is True
    assert report["claims"]["level"] == {"framework": "NLQF", "value": 2, "source": "institution"}
    assert len(report["claims"]["learning_outcomes"]) == 2
    assert report["claims"].get("learner", {}) == {}  # name and birth date stay hidden
    for private in ("grade", "awarding_body", "workload"):
        assert private not in report["claims"]
    assert {p.split(".")[0] for p in report["meta"]["disclosed"]} == {
        "title", "level", "learning_outcomes",
    }
