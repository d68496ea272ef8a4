"""``rotonde <service> serve`` is one definition for the three services
(servicekit.serving.add_serve_arguments / serve_command): the same flags, the same port check
with one clear line, and in development mode the public URL follows ``--host``/``--port``
unless a flag or the environment gives one."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from issuer.settings import ENV_PREFIX as ISSUER
from issuer.settings import load_settings as issuer_settings
from rotonde.cli import build_parser, main
from servicekit.serving import serve_settings
from verifier.settings import ENV_PREFIX as VERIFIER
from verifier.settings import load_settings as verifier_settings
from wallet.settings import ENV_PREFIX as WALLET
from wallet.settings import load_settings as wallet_settings

LOADERS = {"issuer": (issuer_settings, ISSUER), "wallet": (wallet_settings, WALLET),
           "verifier": (verifier_settings, VERIFIER)}
FLAGS = {"--host", "--port", "--workers", "--data-dir", "--public-url", "--database-url",
         "--dev"}


def _flags(service: str) -> set[str]:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    service_parser = sub.choices[service]  # type: ignore[index]
    serve = next(a for a in service_parser._actions if a.dest.endswith("_command"))
    return {o for a in serve.choices["serve"]._actions  # type: ignore[index]
            for o in a.option_strings}


@pytest.mark.parametrize("service", sorted(LOADERS))
def test_every_service_has_the_same_serve_flags(service: str) -> None:
    assert _flags(service) - {"-h", "--help", "--trust-list"} == FLAGS


@pytest.mark.system
@pytest.mark.parametrize("service", sorted(LOADERS))
def test_a_port_in_use_is_one_clear_line(
    service: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(LOADERS[service][1] + "DEV", "1")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        code = main([service, "serve", "--data-dir", str(tmp_path), "--port", str(port)])
    err = capsys.readouterr().err
    assert code == 1 and "config.port_unavailable" in err and "in use" in err, err


@pytest.mark.parametrize("service", sorted(LOADERS))
def test_the_dev_public_url_follows_the_port(service: str, tmp_path: Path) -> None:
    load, prefix = LOADERS[service]
    parser = build_parser()
    args = parser.parse_args([service, "serve", "--port", "9123", "--data-dir", str(tmp_path)])
    env = {prefix + "DEV": "1"}  # development mode from the environment, not the flag
    assert serve_settings(args, load, prefix, env).public_url == "http://127.0.0.1:9123"
    given = {**env, prefix + "PUBLIC_URL": "http://127.0.0.1:7000"}
    assert serve_settings(args, load, prefix, given).public_url == "http://127.0.0.1:7000"
    args = parser.parse_args([service, "serve", "--port", "9123", "--data-dir", str(tmp_path),
                              "--public-url", "http://127.0.0.1:7001"])
    assert serve_settings(args, load, prefix, env).public_url == "http://127.0.0.1:7001"
