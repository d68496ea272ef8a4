"""Each verifier API key reads only what it created (SECURITY.md §3.4; issue 19, item 12)."""

from __future__ import annotations

import json
import secrets
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from rotonde.encoding import b64url_encode
from rotonde.sdjwt import present
from tests.verifier._support import make_app

KEY_1, KEY_2, KEY_3 = ("k1-" + "a" * 29, "k2-" + "b" * 29, "k3-" + "c" * 29)


def _auth(key: str) -> dict[str, str]:
    return {"authorization": f"Bearer {key}"}


def _share_text(issuer: Any, holder: Any) -> str:
    share_id, nonce = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
    shown = present(issuer.credential(holder), disclose=["title", "level"], holder_key=holder,
                    nonce=nonce, aud="rotonde:share:" + share_id)
    exp = datetime.fromtimestamp(time.time() + 600, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    env = {"type": "rotonde-share", "version": 1, "share_id": share_id, "nonce": nonce,
           "expires_at": exp, "presentations": [shown]}
    return "rotonde-share:" + b64url_encode(json.dumps(env).encode())


def test_a_share_result_is_read_only_by_the_key_that_scanned_it(
    tmp_path: Path, issuer: Any, holder: Any,
) -> None:
    client = TestClient(make_app(tmp_path, api_keys=(KEY_1, KEY_2)))
    r = client.post("/api/shares", json={"text": _share_text(issuer, holder)},
                    headers=_auth(KEY_1))
    assert r.status_code == 201 and r.json()["verdict"] == "accepted", r.text
    sid = r.json()["id"]
    assert r.json()["result"]["credentials"][0]["claims"]["level"]  # the learner's claims
    assert client.get(f"/api/requests/{sid}", headers=_auth(KEY_1)).status_code == 200
    other = client.get(f"/api/requests/{sid}", headers=_auth(KEY_2))
    assert other.status_code == 404 and "claims" not in other.text


def test_removing_a_key_does_not_hand_its_results_to_the_next(tmp_path: Path) -> None:
    """Sessions used to record the key's position in the list ("key1"): after a rotation
    that removed the first key, the next key in first place read its results."""
    client = TestClient(make_app(tmp_path, api_keys=(KEY_1, KEY_2)))
    sid = client.post("/api/requests", json={"template": "achievement"},
                      headers=_auth(KEY_1)).json()["id"]
    rotated = TestClient(make_app(tmp_path, api_keys=(KEY_3, KEY_2)))
    assert rotated.get(f"/api/requests/{sid}", headers=_auth(KEY_3)).status_code == 404
    back = TestClient(make_app(tmp_path, api_keys=(KEY_2, KEY_1)))
    assert back.get(f"/api/requests/{sid}", headers=_auth(KEY_1)).status_code == 200
