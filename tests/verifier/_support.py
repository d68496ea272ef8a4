"""Helpers for the verifier tests: an issuer (did:key) that signs SD-JWT VCs, a holder key,
a status list server stand-in, and the app factory."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from rotonde.clock import Clock
from rotonde.did import did_key_from_public_key
from rotonde.keys import PrivateKey, generate
from rotonde.sdjwt import issue, present
from verifier.app import create_app
from verifier.settings import VerifierSettings

VCT = "https://rotonde.example/credentials/microcredential/1.0"
KEK = "A" * 43  # 32 zero-ish bytes as base64url (tests only)


class Issuer:
    def __init__(self) -> None:
        self.key: PrivateKey = generate("ES256")
        self.did = did_key_from_public_key(self.key.public_key)
        self.signer = self.key.with_kid(self.did + "#" + self.did.split(":")[-1])

    def credential(self, holder: PrivateKey, *, level: int = 4, exp: int | None = None,
                   iat: int | None = None, status: dict[str, Any] | None = None,
                   vct: str = VCT, clock: Clock | None = None) -> str:
        claims = {
            "title": "Lassen MIG/MAG", "level": {"framework": "NLQF", "value": level,
                                                 "source": "institution"},
            "assurance": "assessed", "awarding_body": {"name": "ROC Midden"},
            "learner": {"name": "Sam de Vries"},
        }
        return issue(claims, signer=self.signer, disclosable=["title", "level", "assurance",
                                                              "awarding_body", "learner"],
                     holder_key=holder.public_key, vct=vct, iss=self.did, exp=exp, iat=iat,
                     status=status, clock=clock)


def make_settings(tmp: Path, **kw: Any) -> VerifierSettings:
    base: dict[str, Any] = {"dev": True, "data_dir": tmp, "kek": KEK,
                            "public_url": "http://127.0.0.1:8003"}
    base.update(kw)
    return VerifierSettings(**base)


def make_app(tmp: Path, **kw: Any) -> Any:
    inject = {k: kw.pop(k) for k in ("clock", "fetcher", "resolver", "status_resolver",
                                      "trust_list") if k in kw and not isinstance(kw[k], str)}
    return create_app(make_settings(tmp, **kw), **inject)


def request_params(invocation: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(invocation).query).items()}


def wallet_answer(credential: str, holder: PrivateKey, *, nonce: str, aud: str,
                  disclose: tuple[str, ...] = ("title", "level", "assurance"),
                  query_id: str = "achievement", clock: Clock | None = None) -> str:
    shown = present(credential, disclose=list(disclose), holder_key=holder, nonce=nonce,
                    aud=aud, clock=clock)
    return json.dumps({query_id: [shown]})


STATUS_URI = "https://status.example/lists/1"


def status_token(issuer: Issuer, values: dict[int, int], *, clock: Clock | None = None) -> str:
    from rotonde.status import StatusList, issue_status_list_token

    lst = StatusList(128, bits=2)
    for idx, v in values.items():
        lst.set(idx, v)
    return issue_status_list_token(lst, uri=STATUS_URI, signer=issuer.signer, issuer=issuer.did,
                                   clock=clock, kid=issuer.signer.kid)


def status_claim(idx: int) -> dict[str, Any]:
    return {"status_list": {"idx": idx, "uri": STATUS_URI}}


STAFF_PASSWORD = "correct horse battery staple"


def page_csrf(client: Any, path: str) -> str | None:
    """The CSRF token in the page's forms (``None`` while the pages are open)."""
    import re

    match = re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)
    return match.group(1) if match else None


def sign_in(client: Any, name: str = "hr-anna", password: str = STAFF_PASSWORD) -> None:
    """Create a staff account (if new) and sign ``client`` in through the /login form."""
    from rotonde.errors import ValidationError
    from verifier.flows.staff import add_staff

    ctx = client.app.state.verifier
    try:
        with ctx.db.session() as s:
            add_staff(s, ctx.clock, name, password)
    except ValidationError as exc:
        assert exc.code == "account.username_taken"
    csrf = page_csrf(client, "/login")
    assert csrf is not None
    r = client.post("/login", data={"username": name, "password": password,
                                    "csrf": csrf, "next": "/"}, follow_redirects=False)
    assert r.status_code == 303, r.text
