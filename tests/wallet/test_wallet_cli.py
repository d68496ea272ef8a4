"""``rotonde wallet serve``: registered in the ``rotonde`` CLI; settings from flags and env."""

from __future__ import annotations

from pathlib import Path

import pytest

from rotonde.cli import build_parser
from rotonde.errors import ConfigurationError
from wallet.settings import load_settings


def test_wallet_serve_is_a_rotonde_command(capsys: pytest.CaptureFixture[str]) -> None:
    parser = build_parser()
    with pytest.raises(SystemExit) as info:
        parser.parse_args(["wallet", "serve", "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    for flag in ("--host", "--port", "--data-dir", "--dev"):
        assert flag in out
    args = parser.parse_args(["wallet", "serve", "--port", "8123", "--dev"])
    assert args.port == 8123 and args.dev is True and callable(args.handler)



def test_wallet_without_a_command_shows_its_help_on_stderr(
        capsys: pytest.CaptureFixture[str]) -> None:
    """Like every other command group: usage on standard error, exit status 2, stdout empty."""
    from rotonde.cli import main

    assert main(["wallet"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "usage: rotonde wallet" in captured.err

def test_settings_from_environment(tmp_path: Path) -> None:
    s = load_settings({"ROTONDE_WALLET_DEV": "1", "ROTONDE_WALLET_DATA_DIR": str(tmp_path),
                       "ROTONDE_WALLET_SHARE_TTL": "300",
                       "ROTONDE_WALLET_TRUSTED_VERIFIERS": "did:web:a.example, https://b.example",
                       "ROTONDE_WALLET_DATABASE_URL": "postgresql+psycopg://u@db/w"})
    assert s.port == 8002 and s.share_ttl == 300
    assert s.trusted_verifiers == ("did:web:a.example", "https://b.example")
    assert s.effective_database_url.startswith("postgresql+psycopg://")
    assert load_settings({"ROTONDE_WALLET_DEV": "1"}).effective_database_url.startswith(
        "sqlite:///")


@pytest.mark.parametrize("env", [
    {"ROTONDE_WALLET_SHARE_TTL": "5", "ROTONDE_WALLET_DEV": "1"},
    {"ROTONDE_WALLET_PUBLIC_URL": "http://wallet.example"},  # http outside dev mode
    {"ROTONDE_WALLET_PORT": "seventy"},
    {"ROTONDE_WALLET_DATABASE_URL": "mysql://x", "ROTONDE_WALLET_DEV": "1"},
    # a bare host name proves nothing about a request (OpenID4VP 1.0 §5.9.3): refused, not
    # silently matched against a client id's host
    {"ROTONDE_WALLET_TRUSTED_VERIFIERS": "verifier.example", "ROTONDE_WALLET_DEV": "1"},
    {"ROTONDE_WALLET_TRUSTED_VERIFIERS": "https://verifier.example/cb", "ROTONDE_WALLET_DEV": "1"},
])
def test_bad_settings_are_refused(env: dict[str, str]) -> None:
    with pytest.raises(ConfigurationError):
        load_settings(env)
