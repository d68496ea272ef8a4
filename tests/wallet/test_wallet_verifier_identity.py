"""Who asks is what the request proves (OpenID4VP 1.0 §5.9.3; issue 19, item 1).

The attacker here is real: a loopback server that copies the real verifier's public request
(anyone who sees its QR code can fetch the request object: nonce, state, query, client_name),
re-issues it unsigned with the verifier's ``decentralized_identifier:`` client id and its own
``response_uri``, and relays whatever the wallet posts to the real verifier.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.testclient import TestClient

from rotonde.jws import parse_compact
from rotonde.keys import generate
from rotonde.learning import sdjwt_vc
from rotonde.oid4vp import build_request, parse_invocation, sign_request_object
from tests._system import system_fixture
from tests.wallet.wallet_helpers import Learner, make_settings, text_of
from tests.wallet.wallet_peers import MiniIssuer, VerifierPeer, free_port, serve, verifier_peer
from wallet.app import create_app

VCT = sdjwt_vc.vct_for("microcredential")
NAME = "Van Dijk Staalbouw"
TRUSTED_NOTICE = ("Staat op de vertrouwenslijst van je wallet", "On your wallet's trust list")


@pytest.fixture(scope="module")
@system_fixture
def real(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VerifierPeer]:
    with verifier_peer(tmp_path_factory.mktemp("real-verifier"), organisation_name=NAME) as peer:
        yield peer


def _did(peer: VerifierPeer) -> str:
    return str(peer.app.state.verifier.settings.client_id_did)


@contextmanager
def _wallet(tmp_path: Path, issuer: MiniIssuer, trusted: tuple[str, ...]) -> Iterator[Learner]:
    app = create_app(make_settings(tmp_path, trusted_verifiers=trusted))
    with TestClient(app) as c:
        person = Learner(c)
        person.signup()
        assert person.receive(issuer.new_offer(), issuer.pin).status_code == 200
        yield person
    app.state.wallet.db.dispose()


@dataclass
class Attacker:
    base: str
    did: str
    posts: list[dict[str, str]] = field(default_factory=list)
    relay_to: str = ""
    request_object: dict[str, Any] = field(default_factory=dict)
    signed_object: str = ""


@contextmanager
def _attacker() -> Iterator[Attacker]:
    port = free_port()
    did = f"did:web:127.0.0.1%3A{port}"
    state = Attacker(f"http://127.0.0.1:{port}", did)
    key = generate("ES256", kid=did + "#request-signing")  # as verifier.flows.keys names it
    app = FastAPI()

    @app.post("/cb")
    async def cb(request: Request) -> Response:
        form = {k: str(v) for k, v in (await request.form()).items()}
        state.posts.append(form)
        r = httpx.post(state.relay_to, data=form, timeout=30)  # relay to the real verifier
        return JSONResponse(r.json(), status_code=r.status_code)

    @app.api_route("/request", methods=["GET", "POST"])
    def unsigned_request() -> Response:
        return JSONResponse(state.request_object)

    @app.get("/.well-known/did.json")
    def did_json() -> Response:
        from verifier.flows.keys import did_document

        return JSONResponse(did_document(did, key), media_type="application/did+json")

    @app.api_route("/signed", methods=["GET", "POST"])
    def signed_request() -> Response:
        return Response(state.signed_object, media_type="application/oauth-authz-req+jwt")

    with serve(app, port):
        state.signed_object = _sign_as(did, key, state.base)
        yield state


def _sign_as(did: str, key: Any, base: str) -> str:
    """A request signed by the attacker's own did:web, claiming the real verifier's name."""
    req = build_request(
        client_id="decentralized_identifier:" + did, response_uri=base + "/cb",
        dcql_query={"credentials": [{"id": "achievement", "format": "dc+sd-jwt",
                                     "meta": {"vct_values": [VCT]}}]},
        nonce="n" * 24, state="s" * 24, allow_http=True,
        client_metadata={"client_name": NAME, "vp_formats_supported": {"dc+sd-jwt": {}}})
    return sign_request_object(req, key, kid=str(key.kid))


def _public_request(real: VerifierPeer) -> tuple[str, dict[str, Any]]:
    """What anyone who sees the real QR code learns: the signed request object's claims."""
    req = real.request(vct=VCT)
    inv = parse_invocation(req["invocation_uri"])
    assert inv.request_uri is not None
    token = httpx.post(inv.request_uri, data={}, timeout=30).text
    return req["id"], parse_compact(token).claims()


def _shown_as_trusted(html: str) -> bool:
    page = text_of(html)
    return any(notice in page for notice in TRUSTED_NOTICE)


def _try_to_share(person: Learner, link: str) -> Any:
    r = person.consent(link)
    if r.status_code == 200 and 'action="/present/' in r.text:
        person.share_all_checked(r)
    return r


def test_unsigned_request_in_a_trusted_dids_name_is_refused(
    tmp_path: Path, issuer: MiniIssuer, real: VerifierPeer,
) -> None:
    """By value: the reviewer's reproduction. Before the fix the wallet showed it as trusted,
    posted the disclosures to the attacker, and the relayed answer was 'accepted'."""
    sid, claims = _public_request(real)
    with _attacker() as evil, _wallet(tmp_path, issuer, (_did(real),)) as person:
        evil.relay_to = claims["response_uri"]
        forged = {
            "client_id": claims["client_id"], "response_type": "vp_token",
            "response_mode": "direct_post", "response_uri": evil.base + "/cb",
            "nonce": claims["nonce"], "state": claims["state"],
            "dcql_query": json.dumps(claims["dcql_query"]),
            "client_metadata": json.dumps(claims["client_metadata"]),
        }
        assert claims["client_metadata"]["client_name"] == NAME
        r = _try_to_share(person, "openid4vp://?" + urlencode(forged))
        assert r.status_code == 400 and 'role="alert"' in r.text
        assert not _shown_as_trusted(r.text)
        assert "afzender is niet bewezen" in text_of(r.text) or "sender is not proven" in r.text
        assert evil.posts == []
    assert real.session(sid)["verdict"] is None


def test_unsigned_request_object_by_reference_is_refused(
    tmp_path: Path, issuer: MiniIssuer, real: VerifierPeer,
) -> None:
    """The same forgery served as a plain JSON request object from a request_uri."""
    sid, claims = _public_request(real)
    with _attacker() as evil, _wallet(tmp_path, issuer, (_did(real),)) as person:
        evil.relay_to = claims["response_uri"]
        evil.request_object = {k: v for k, v in claims.items()
                               if k not in ("iss", "aud", "iat", "exp", "wallet_nonce")}
        evil.request_object["response_uri"] = evil.base + "/cb"
        link = ("openid4vp://?client_id=" + quote(claims["client_id"], safe="")
                + "&request_uri=" + quote(evil.base + "/request", safe=""))
        r = _try_to_share(person, link)
        assert r.status_code == 400 and not _shown_as_trusted(r.text)
        assert evil.posts == []
    assert real.session(sid)["verdict"] is None


def test_a_claimed_name_is_only_the_name_when_a_trusted_did_signed_it(
    tmp_path: Path, issuer: MiniIssuer, real: VerifierPeer,
) -> None:
    with _attacker() as evil, _wallet(tmp_path, issuer, (_did(real),)) as person:
        link = ("openid4vp://?client_id=" + quote("decentralized_identifier:" + evil.did, safe="")
                + "&request_uri=" + quote(evil.base + "/signed", safe=""))
        r = person.consent(link)
        assert r.status_code == 200, text_of(r.text)  # genuinely signed, by the attacker's DID
        assert not _shown_as_trusted(r.text)
        assert f"<strong>{NAME}</strong>" not in r.text  # the name is not the attacker's to claim
        assert "data-claimed-name" in r.text and NAME in r.text  # shown as a claim only
    # the real verifier's own signed request: trusted, and its name is its name
    with _wallet(tmp_path / "w2", issuer, (_did(real),)) as person:
        req = real.request(vct=VCT)
        r = person.consent(req["invocation_uri"])
        assert r.status_code == 200 and _shown_as_trusted(r.text)
        assert f"<strong>{NAME}</strong>" in r.text and "data-claimed-name" not in r.text
        done = person.share_all_checked(r)
        assert done.status_code == 200, text_of(done.text)
        assert real.session(req["id"])["verdict"] == "accepted"


def test_dev_redirect_uri_request_on_loopback_is_trusted_by_its_origin(
    tmp_path: Path, issuer: MiniIssuer, real: VerifierPeer,
) -> None:
    """``rotonde up`` (development, http on loopback): an unsigned redirect_uri: request works,
    and the verifier's origin on the trust list is what makes it trusted — exactly, and only
    where the answer goes."""
    origin = real.base
    with _wallet(tmp_path, issuer, (_did(real), origin)) as person:
        req = real.request(vct=VCT, client_id_prefix="redirect_uri")
        assert req["invocation_uri"].startswith("openid4vp://?")
        r = person.consent(req["invocation_uri"])
        assert r.status_code == 200, text_of(r.text)
        assert _shown_as_trusted(r.text)
        assert "niet ondertekend" in text_of(r.text) or "not signed" in text_of(r.text)
        done = person.share_all_checked(r)
        assert done.status_code == 200, text_of(done.text)
        assert real.session(req["id"])["verdict"] == "accepted"
        # the same origin on another port is another origin
        other = {"client_id": "redirect_uri:http://127.0.0.1:1/cb", "response_uri":
                 "http://127.0.0.1:1/cb"}
        inv = parse_invocation(req["invocation_uri"])
        assert inv.params is not None
        r = person.consent("openid4vp://?" + urlencode({**inv.params, **other}))
        assert r.status_code == 200 and not _shown_as_trusted(r.text)


def test_a_redirect_uri_request_without_response_uri_is_answered(
    tmp_path: Path, issuer: MiniIssuer, real: VerifierPeer,
) -> None:
    """OpenID4VP 1.0 §5.9.3: with a ``redirect_uri:`` client id "the Verifier MAY omit ...
    ``response_uri`` when Response Mode ``direct_post`` is used"; the answer then goes to the
    client id's value (issue 15 B.6). Before, the wallet refused the request."""
    with _wallet(tmp_path, issuer, (_did(real), real.base)) as person:
        req = real.request(vct=VCT, client_id_prefix="redirect_uri")
        inv = parse_invocation(req["invocation_uri"])
        assert inv.params is not None and "response_uri" in inv.params
        client_id = inv.params["client_id"]
        assert inv.params["response_uri"] == client_id.removeprefix("redirect_uri:")
        params = {k: v for k, v in inv.params.items() if k != "response_uri"}
        r = person.consent("openid4vp://?" + urlencode(params))
        assert r.status_code == 200, text_of(r.text)
        done = person.share_all_checked(r)
        assert done.status_code == 200, text_of(done.text)
        assert real.session(req["id"])["verdict"] == "accepted"
