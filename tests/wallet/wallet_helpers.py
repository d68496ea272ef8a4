"""Helpers shared by the wallet tests (imported by name: ``tests/wallet`` is on sys.path)."""

from __future__ import annotations

import re
import secrets
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from rotonde.encoding import b64url_encode
from wallet.settings import WalletSettings

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
PASSWORD = "correct horse battery"


def make_settings(tmp_path: Path, **kw: Any) -> WalletSettings:
    values: dict[str, Any] = {
        "dev": True, "data_dir": tmp_path, "kek": b64url_encode(secrets.token_bytes(32)),
        "public_url": "http://testserver",
    }
    values.update(kw)
    return WalletSettings(**values)


def csrf_of(html: str) -> str:
    m = CSRF.search(html)
    assert m, "no CSRF token on the page"
    return m.group(1)


def text_of(html: str) -> str:
    """The visible text of a page, whitespace collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]*>", " ", html)).replace("&#39;", "'").strip()


class Learner:
    """A TestClient with helpers for the common steps."""

    def __init__(self, client: TestClient) -> None:
        self.client = client

    def csrf(self, path: str = "/") -> str:
        return csrf_of(self.client.get(path).text)

    def signup(self, name: str = "anouk", password: str = PASSWORD) -> Any:
        token = csrf_of(self.client.get("/signup").text)
        return self.client.post("/signup", data={"username": name, "password": password,
                                                 "csrf": token})

    def login(self, name: str, password: str) -> Any:
        token = csrf_of(self.client.get("/login").text)
        return self.client.post("/login", data={"username": name, "password": password,
                                                "csrf": token})

    def start_receive(self, link: str) -> Any:
        return self.client.post("/receive", data={"csrf": self.csrf("/receive"), "offer": link})

    def receive(self, link: str, pin: str | None) -> Any:
        r = self.start_receive(link)
        assert r.status_code == 200, text_of(r.text)
        flow = re.search(r'action="/receive/([^"]+)"', r.text)
        assert flow, text_of(r.text)
        data = {"csrf": csrf_of(r.text), "action": "accept"}
        if pin is not None:
            data["tx_code"] = pin
        return self.client.post(f"/receive/{flow.group(1)}", data=data)

    def credential_ids(self) -> list[str]:
        return re.findall(r'href="/credentials/([0-9a-f]{32})"', self.client.get("/").text)

    def consent(self, link: str) -> Any:
        return self.client.post("/present", data={"csrf": self.csrf("/present"),
                                                  "request_link": link})

    def share_all_checked(self, consent_page: Any, action: str = "share") -> Any:
        m = re.search(r'action="/present/([^"]+)"', consent_page.text)
        assert m, text_of(consent_page.text)
        form = {"csrf": csrf_of(consent_page.text), "action": action}
        for name, value in re.findall(r'name="(cred_[^"]+)" value="([^"]*)" checked',
                                      consent_page.text):
            form[name] = value
        return self.client.post(f"/present/{m.group(1)}", data=form)
