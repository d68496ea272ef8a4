"""A served verifier with staff sign-in, and browsers that sign in from chosen loopback
addresses (Linux routes all of 127.0.0.0/8 to the loopback interface, so each address is a
different client to the server)."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from rotonde.clock import SystemClock
from rotonde.encoding import b64url_encode
from tests.resilience._procs import Proc, start_service
from tests.verifier._support import STAFF_PASSWORD

__all__ = ["STAFF", "Browser", "served_verifier", "text_of"]

STAFF = "hr-anna"


def served_verifier(tmp: Path, *, workers: int = 1, **settings: str) -> Proc:
    """A verifier process (staff sign-in on) with the staff account ``hr-anna``."""
    from verifier.flows.context import open_database
    from verifier.flows.staff import add_staff
    from verifier.settings import VerifierSettings

    kek = b64url_encode(secrets.token_bytes(32))
    data = tmp / "verifier"
    db = open_database(VerifierSettings(dev=True, data_dir=data, kek=kek))
    with db.session() as s:
        add_staff(s, SystemClock(), STAFF, STAFF_PASSWORD)
    db.dispose()
    env = {"dev": "true", "data_dir": str(data), "kek": kek, "staff_login": "true", **settings}
    return start_service("verifier", env, log_dir=tmp / "logs", workers=workers)


@dataclass
class Browser:
    """One browser (its own cookies) at one client address."""

    base: str
    address: str = "127.0.0.1"
    lang: str = "nl"
    cookies: dict[str, str] = field(default_factory=dict)

    def client(self) -> httpx.Client:
        transport = httpx.HTTPTransport(local_address=self.address)
        return httpx.Client(base_url=self.base, transport=transport, timeout=120,
                            cookies=self.cookies, headers={"accept-language": self.lang})

    def form_token(self) -> str:
        with self.client() as c:
            page = c.get("/login")
            self.cookies.update(dict(page.cookies))
        match = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert match, page.text[:500]
        return match.group(1)

    def sign_in(self, password: str, *, token: str | None = None) -> httpx.Response:
        token = token or self.form_token()
        with self.client() as c:
            r = c.post("/login", data={"username": STAFF, "password": password, "csrf": token,
                                       "next": "/"}, follow_redirects=False)
            if r.status_code == 303:
                self.cookies.update(dict(r.cookies))
                self.cookies.pop("verifier_session", None)  # keep only the device cookie
        return r

    def fork(self) -> Browser:
        """The same browser (same cookies) for a parallel request."""
        return Browser(self.base, self.address, self.lang, dict(self.cookies))


def text_of(r: Any) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", r.text))
