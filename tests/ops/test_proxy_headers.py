"""What docs/deployment.md §3.3 says about proxy headers, on a real ``rotonde issuer serve``:
from a trusted peer (127.0.0.1, uvicorn's default ``FORWARDED_ALLOW_IPS``) ``X-Forwarded-For``
is the client address the token endpoint's rate limit counts; with ``FORWARDED_ALLOW_IPS``
naming another address the header is ignored and the peer address counts instead."""

from __future__ import annotations

import secrets
from pathlib import Path

import httpx
import pytest

from rotonde.encoding import b64url_encode
from tests.ops._live import free_port, rotonde, serving

pytestmark = pytest.mark.system  # the issuer as a process behind a proxy


def _env(tmp: Path, port: int, **extra: str) -> dict[str, str]:
    return {"ROTONDE_ISSUER_DEV": "1", "ROTONDE_ISSUER_DATA_DIR": str(tmp),
            "ROTONDE_ISSUER_KEK": b64url_encode(secrets.token_bytes(32)),
            "ROTONDE_ISSUER_PUBLIC_URL": f"http://127.0.0.1:{port}",
            "ROTONDE_ISSUER_RATE_LIMIT": "2", "ROTONDE_ISSUER_RATE_WINDOW": "600", **extra}


def _token(http: httpx.Client, url: str, client_ip: str) -> int:
    r = http.post(f"{url}/tenants/proxy/token", headers={"X-Forwarded-For": client_ip},
                  data={"grant_type": "urn:ietf:params:oauth:grant-type:pre-authorized_code",
                        "pre-authorized_code": "unknown"})
    return r.status_code


def test_forwarded_for_from_a_trusted_proxy_is_the_client(tmp_path: Path) -> None:
    port = free_port()
    env = _env(tmp_path, port)
    rotonde("issuer", "tenant", "add", "--slug", "proxy", "--name-nl", "Proxy", env=env)
    with serving("issuer", port, env) as url, httpx.Client(timeout=30) as http:
        assert [_token(http, url, "203.0.113.7") for _ in range(3)] == [400, 400, 429]
        # another client behind the same proxy has its own budget
        assert _token(http, url, "198.51.100.9") == 400


def test_forwarded_for_from_an_untrusted_peer_is_ignored(tmp_path: Path) -> None:
    port = free_port()
    env = _env(tmp_path, port, FORWARDED_ALLOW_IPS="192.0.2.1")
    rotonde("issuer", "tenant", "add", "--slug", "proxy", "--name-nl", "Proxy", env=env)
    with serving("issuer", port, env) as url, httpx.Client(timeout=30) as http:
        assert [_token(http, url, "203.0.113.7") for _ in range(2)] == [400, 400]
        # a forged header does not buy a new budget: the peer (127.0.0.1) is what counts
        assert _token(http, url, "198.51.100.9") == 429
