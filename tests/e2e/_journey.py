"""Support for the end-to-end journey over real HTTP: the three services as uvicorn servers
on loopback ports (SQLite or PostgreSQL, a fresh schema per service), a provider driving the
issuer's API, a learner driving the wallet's own pages, an employer driving the verifier's
JSON API.
"""

from __future__ import annotations

import copy
import json
import re
import secrets
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from tests.wallet.wallet_helpers import csrf_of, text_of
from tests.wallet.wallet_peers import free_port, serve

__all__ = [
    "EXAMPLES",
    "Employer",
    "Learner",
    "Provider",
    "Services",
    "catalogue_template",
    "journey_services",
    "load_example",
]

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
TIMEOUT = 30.0

#: Record members given per learner when issuing, or filled in by the issuer (the tenant is
#: the awarding body), so they are not part of a catalogue template.
_NOT_IN_TEMPLATE = ("learner", "award_date", "id", "awarding_body", "grade")


def load_example(relative: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXAMPLES / relative).read_text(encoding="utf-8"))
    return data


def catalogue_template(record: dict[str, Any]) -> dict[str, Any]:
    """The provider's catalogue entry for an example record (per-learner members removed)."""
    return {k: copy.deepcopy(v) for k, v in record.items() if k not in _NOT_IN_TEMPLATE}


def _check(r: httpx.Response, status: int, what: str) -> Any:
    assert r.status_code == status, (
        f"{what}: expected HTTP {status}, got {r.status_code}: {text_of(r.text)[:1500]}")
    return r.json() if "json" in r.headers.get("content-type", "") else r.text


# --- issuer: the provider API --------------------------------------------------------------

@dataclass
class Provider:
    """One education provider (issuer tenant) with its API key."""

    base: str
    slug: str
    did: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"authorization": f"Bearer {self.token}"}

    def add_achievement(self, template: dict[str, Any]) -> str:
        r = httpx.post(f"{self.base}/api/v1/achievements", json=template, headers=self.headers,
                       timeout=TIMEOUT)
        return str(_check(r, 201, f"{self.slug}: create achievement")["id"])

    def issue(self, achievement_id: str, learner: dict[str, Any], *, award_date: str,
              extra: dict[str, Any] | None = None,
              configurations: list[str] | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"achievement_id": achievement_id, "learner": learner,
                                "award_date": award_date}
        if extra:
            body["extra"] = extra
        if configurations:
            body["configurations"] = configurations
        r = httpx.post(f"{self.base}/api/v1/credentials", json=body, headers=self.headers,
                       timeout=TIMEOUT)
        data: dict[str, Any] = _check(r, 201, f"{self.slug}: issue")
        return data

    def credential(self, credential_id: str) -> dict[str, Any]:
        r = httpx.get(f"{self.base}/api/v1/credentials/{credential_id}", headers=self.headers,
                      timeout=TIMEOUT)
        data: dict[str, Any] = _check(r, 200, f"{self.slug}: read credential")
        return data

    def change_status(self, credential_id: str, action: str, reason: str) -> dict[str, Any]:
        r = httpx.post(f"{self.base}/api/v1/credentials/{credential_id}/{action}",
                       json={"reason": reason}, headers=self.headers, timeout=TIMEOUT)
        data: dict[str, Any] = _check(r, 200, f"{self.slug}: {action}")
        return data


# --- wallet: the learner's browser, without a browser ----------------------------------------

_RADIO = re.compile(
    r'<input type="radio" id="[^"]*" name="cred_([^"]+)" value="([^"]*)"[^>]*>\s*'
    r'<label[^>]*>(.*?)</label>', re.S)


@dataclass
class Learner:
    """The learner's phone: an HTTP client with the wallet's session cookie."""

    base: str
    client: httpx.Client = field(init=False)

    def __post_init__(self) -> None:
        self.client = httpx.Client(base_url=self.base, timeout=TIMEOUT, follow_redirects=True,
                                   headers={"accept-language": "nl"})

    def close(self) -> None:
        self.client.close()

    def page(self, path: str, status: int = 200) -> str:
        r = self.client.get(path)
        assert r.status_code == status, (
            f"wallet GET {path}: expected {status}, got {r.status_code}: {text_of(r.text)[:1500]}")
        return r.text

    def signup(self, username: str, password: str) -> None:
        token = csrf_of(self.page("/signup"))
        r = self.client.post("/signup", data={"username": username, "password": password,
                                              "csrf": token})
        assert r.status_code == 200 and str(r.url).rstrip("/") == self.base, (
            f"sign-up did not land on the credential list: {r.status_code} {r.url} "
            f"{text_of(r.text)[:800]}")

    def claim(self, offer_uri: str, pin: str) -> list[str]:
        """Open the issuer's offer at the wallet's https offer endpoint, enter the PIN and
        accept; returns the ids of the stored credentials."""
        query = offer_uri.split("?", 1)[1]
        html = self.page("/offer?" + query)
        flow = re.search(r'action="/receive/([^"]+)"', html)
        assert flow, f"the wallet did not show the offer: {text_of(html)[:1500]}"
        r = self.client.post(f"/receive/{flow.group(1)}", data={
            "csrf": csrf_of(html), "action": "accept", "tx_code": pin})
        assert r.status_code == 200, (
            f"claiming the offer failed ({r.status_code}): {text_of(r.text)[:2000]}")
        assert "Bewaard in je wallet" in r.text, text_of(r.text)[:2000]
        return re.findall(r'href="/credentials/([0-9a-f]{32})"', r.text)

    def consent_page(self, wallet_link: str) -> str:
        assert wallet_link.startswith(self.base + "/authorize?"), wallet_link
        return self.page(wallet_link.removeprefix(self.base))

    @staticmethod
    def options(consent_html: str) -> dict[str, list[tuple[str, str]]]:
        """``{query id: [(credential id, label text)]}`` offered on a consent page."""
        out: dict[str, list[tuple[str, str]]] = {}
        for qid, value, label in _RADIO.findall(consent_html):
            if value:
                out.setdefault(qid, []).append((value, text_of(label)))
        return out

    def share(self, consent_html: str, picks: dict[str, str]) -> str:
        """Consent: share the picked credential per query and no optional claims."""
        m = re.search(r'action="/present/([^"]+)"', consent_html)
        assert m, f"no consent form: {text_of(consent_html)[:1500]}"
        form = {"csrf": csrf_of(consent_html), "action": "share"}
        form.update({f"cred_{qid}": cid for qid, cid in picks.items()})
        r = self.client.post(f"/present/{m.group(1)}", data=form)
        assert r.status_code == 200 and "Gedeeld." in text_of(r.text), (
            f"the wallet could not deliver the presentation ({r.status_code}): "
            f"{text_of(r.text)[:2000]}")
        return r.text


# --- verifier: the employer's HR system ----------------------------------------------------

@dataclass
class Employer:
    base: str

    def create_request(self, **body: Any) -> dict[str, Any]:
        r = httpx.post(f"{self.base}/api/requests", json=body, timeout=TIMEOUT)
        data: dict[str, Any] = _check(r, 201, "verifier: create request")
        return data

    def result(self, request_id: str) -> dict[str, Any]:
        r = httpx.get(f"{self.base}/api/requests/{request_id}", timeout=TIMEOUT)
        data: dict[str, Any] = _check(r, 200, "verifier: read request")
        return data


# --- the three services --------------------------------------------------------------------

@dataclass
class Services:
    issuer: str
    wallet: str
    verifier: str
    backend: str
    providers: dict[str, Provider]
    issuer_ctx: Any
    wallet_app: Any
    verifier_app: Any


@contextmanager
def _database(backend: str, prefix: str) -> Iterator[dict[str, Any]]:
    """Settings keywords for the backend: SQLite in the data dir, or a fresh PostgreSQL
    schema (dropped afterwards)."""
    if backend == "sqlite":
        yield {}
        return
    from tests.pg import fresh_schema

    with fresh_schema(prefix) as (url, schema):
        yield {"database_url": url, "db_schema": schema}


@contextmanager
def journey_services(tmp_path: Path, backend: str, *, tenants: dict[str, dict[str, Any]],
                     status_max_age: int = 0) -> Iterator[Services]:
    """Issuer, wallet and verifier on loopback ports; ``tenants`` (slug -> create_tenant
    keywords) are created with did:key and get an API key. The wallet offers the pathways
    written to ``tmp_path / "pathways"`` (empty at start). ``status_max_age`` is the issuer's
    status-list ``Cache-Control: max-age``: 0 makes the verifier re-read a list every time,
    so a status change shows at once."""
    from issuer.app import create_app as issuer_app
    from issuer.context import open_context
    from issuer.flows.apikeys import new_api_key
    from issuer.flows.tenants import create_tenant
    from issuer.settings import IssuerSettings
    from rotonde.encoding import b64url_encode
    from verifier.app import create_app as verifier_app
    from verifier.settings import VerifierSettings
    from wallet.app import create_app as wallet_app
    from wallet.settings import WalletSettings

    ports = {name: free_port() for name in ("issuer", "wallet", "verifier")}
    urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    with ExitStack() as stack:
        db_issuer = stack.enter_context(_database(backend, "e2e_issuer"))
        db_wallet = stack.enter_context(_database(backend, "e2e_wallet"))
        db_verifier = stack.enter_context(_database(backend, "e2e_verifier"))

        settings = IssuerSettings(dev=True, data_dir=tmp_path / "issuer", port=ports["issuer"],
                                  public_url=urls["issuer"], wallet_url=urls["wallet"],
                                  status_max_age=status_max_age, **db_issuer)
        ctx = open_context(settings)
        stack.callback(ctx.db.dispose)
        providers: dict[str, Provider] = {}
        for slug, kw in tenants.items():
            tenant = create_tenant(ctx, slug=slug, did_method="key", **kw)
            _, token = new_api_key(ctx, tenant.id)
            providers[slug] = Provider(urls["issuer"], slug, tenant.did, token)

        pathways_dir = tmp_path / "pathways"
        pathways_dir.mkdir(exist_ok=True)
        wapp = wallet_app(WalletSettings(
            dev=True, data_dir=tmp_path / "wallet", port=ports["wallet"],
            public_url=urls["wallet"], kek=b64url_encode(secrets.token_bytes(32)),
            pathways_dir=pathways_dir, **db_wallet))
        stack.callback(wapp.state.wallet.db.dispose)
        vapp = verifier_app(VerifierSettings(
            dev=True, data_dir=tmp_path / "verifier", port=ports["verifier"],
            public_url=urls["verifier"], wallet_url=urls["wallet"],
            profiles_dir=tmp_path / "no-profiles", **db_verifier))
        stack.callback(vapp.state.verifier.db.dispose)

        iapp = issuer_app(settings, context=ctx, run_worker=False)
        stack.enter_context(serve(iapp, ports["issuer"]))
        stack.enter_context(serve(wapp, ports["wallet"]))
        stack.enter_context(serve(vapp, ports["verifier"]))
        yield Services(urls["issuer"], urls["wallet"], urls["verifier"], backend, providers,
                       ctx, wapp, vapp)
