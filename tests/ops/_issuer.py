"""An issuer run as an operator would (CLI + live server), shared by the operations tests."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from rotonde.did import Resolver
from rotonde.encoding import b64url_encode
from rotonde.verify import VerifyOptions, verify
from tests.issuer._support import template, wallet
from tests.ops._live import free_port, rotonde

__all__ = ["Setup", "issue_one", "outcome", "setup_issuer", "verify_live"]


@dataclass
class Setup:
    env: dict[str, str]
    port: int
    slug: str
    did: str
    token: str


def setup_issuer(tmp: Path, extra: dict[str, str]) -> Setup:
    """A KEK file, an issuer environment and a tenant with an API key (through the CLI)."""
    kek_file = tmp / "secrets" / "issuer.kek"
    kek_file.parent.mkdir()
    kek_file.write_text(b64url_encode(secrets.token_bytes(32)))
    kek_file.chmod(0o600)
    port = free_port()
    env = {"ROTONDE_ISSUER_DEV": "1", "ROTONDE_ISSUER_DATA_DIR": str(tmp / "data"),
           "ROTONDE_ISSUER_KEK_FILE": str(kek_file),
           "ROTONDE_ISSUER_PUBLIC_URL": f"http://127.0.0.1:{port}", **extra}
    tenant = rotonde("issuer", "tenant", "add", "--slug", "roc-zuid", "--name-nl", "ROC Zuid",
                     "--name-en", "ROC South", env=env)
    key = rotonde("issuer", "apikey", "new", "--tenant", "roc-zuid", env=env)
    return Setup(env, port, "roc-zuid", tenant["did"], key["token"])


def issue_one(url: str, s: Setup) -> tuple[str, str]:
    """Issue and redeem one SD-JWT VC; ``(issued id, compact SD-JWT VC)``."""
    issuer = f"{url}/tenants/{s.slug}"
    auth = {"Authorization": f"Bearer {s.token}"}
    with httpx.Client(base_url=url, headers=auth, timeout=30) as api:
        ach = api.post("/api/v1/achievements", json=template())
        assert ach.status_code == 201, ach.text
        issued = api.post("/api/v1/credentials", json={
            "achievement_id": ach.json()["id"], "learner": {"name": "Fatima el Amrani"}})
        assert issued.status_code == 201, issued.text
    body = issued.json()
    w = wallet()
    with w.http:
        offer = w.fetch_offer(body["offer"]["offer_uri"])
        meta = w.metadata(issuer)
        access = w.token(issuer, offer.pre_authorized_code, body["offer"]["tx_code"])
        assert access.status_code == 200, access.text
        proof = w.proof(issuer, w.nonce(meta))
        r = w.credential(meta, access.json()["access_token"], "microcredential_sd_jwt", [proof])
        assert r.status_code == 200, r.text
    return body["id"], r.json()["credentials"][0]["credential"]


def verify_live(url: str, s: Setup, credential: str) -> Any:
    """Verify against what the (restored) issuer serves: its did:web document and its list."""
    with httpx.Client(timeout=30) as http:
        doc = http.get(f"{url}/tenants/{s.slug}/did.json")
        assert doc.status_code == 200, doc.text

        def status(uri: str) -> str:
            r = http.get(uri)
            assert r.status_code == 200, r.text
            return r.text

        return verify(credential, VerifyOptions(
            resolver=Resolver(documents={s.did: doc.json()}), status_resolver=status))


def outcome(report: Any, name: str) -> str:
    return str(next(c.outcome for c in report.checks if c.name == name))
