"""The core OpenID4VCI 1.0 client (:mod:`rotonde.oid4vci.client`) over real HTTP
(tests/servers.py): against the real issuer app (offers by reference and by value, the PIN,
every configuration it offers), and against a loopback issuer whose every answer a test sets
(metadata that is wrong, endpoints that answer errors or garbage). Each failure has its code."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rotonde import oid4vci
from rotonde.clock import SystemClock
from rotonde.errors import RotondeError
from rotonde.http import Fetcher, URLPolicy
from rotonde.keys import generate
from rotonde.sdjwt import parse
from tests._system import system_fixture
from tests.issuer._support import LiveIssuer, make_settings, start_server, template
from tests.servers import free_port, serve

#: The test servers listen on loopback over http: a policy that allows that, nothing else.
FETCHER = Fetcher(policy=URLPolicy(allow_http=True, allow_private=True))
KEYS = {"ES256": generate("ES256"), "EdDSA": generate("EdDSA")}
CLOCK = SystemClock()


def _code(call: Any) -> tuple[str, str | None]:
    with pytest.raises(RotondeError) as info:
        call()
    return info.value.code, info.value.pointer


def _redeem(offer: Any, info: oid4vci.IssuerInfo, tx_code: str | None,
            fetcher: Fetcher = FETCHER) -> list[oid4vci.Issued]:
    return oid4vci.redeem(offer=offer, info=info, tx_code=tx_code, keys=KEYS, fetcher=fetcher,
                          clock=CLOCK)


# --- the real issuer -------------------------------------------------------------------------


@dataclass
class RealIssuer:
    live: LiveIssuer
    token: str
    achievement_id: str

    def offer(self) -> dict[str, Any]:
        """A new offer: ``offer_uri`` (by reference) and the ``tx_code`` sent out of band."""
        with self.live.client(self.token) as api:
            r = api.post("/api/v1/credentials", json={
                "achievement_id": self.achievement_id, "learner": {"name": "Sanne de Vries"},
                "award_date": "2026-06-30"})
        assert r.status_code == 201, r.text
        return dict(r.json()["offer"])


@pytest.fixture(scope="module")
@system_fixture
def real(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealIssuer]:
    live = start_server(make_settings(tmp_path_factory.mktemp("issuer")))
    _, token = live.tenant("roc-oost")
    with live.client(token) as api:
        r = api.post("/api/v1/achievements", json=template())
    assert r.status_code == 201, r.text
    yield RealIssuer(live, token, r.json()["id"])
    live.server.should_exit = True
    time.sleep(0.05)
    live.ctx.db.dispose()


def test_offer_by_reference_with_the_pin_issues_every_configuration(real: RealIssuer) -> None:
    given_offer = real.offer()
    offer = oid4vci.read_offer(text=given_offer["offer_uri"], fetcher=FETCHER)
    issuer = offer.credential_issuer
    assert issuer == f"{real.live.url}/tenants/roc-oost"
    assert offer.tx_code is not None and offer.tx_code.length == 6
    info = oid4vci.fetch_issuer_metadata(issuer=issuer, fetcher=FETCHER)
    assert info.issuer == issuer
    # no token_endpoint in its metadata: found in its RFC 8414 Authorization Server Metadata
    assert "token_endpoint" not in info.metadata and info.token_endpoint == issuer + "/token"
    assert info.name("nl") == "roc-oost NL" and info.name("en") == "roc-oost EN"
    issued = _redeem(offer, info, given_offer["tx_code"])
    assert [i.config_id for i in issued] == list(offer.credential_configuration_ids)
    assert all(i.credential is not None and not i.problems for i in issued), issued
    [sd_jwt] = [i for i in issued if i.format == "dc+sd-jwt"]
    claims = parse(sd_jwt.credential).jws.claims()
    assert claims["cnf"]["jwk"] == KEYS["ES256"].public_key.to_jwk()  # bound to the holder key


def test_offer_by_value_and_from_the_offer_endpoint_query(real: RealIssuer) -> None:
    given_offer = real.offer()
    ref = oid4vci.parse_offer_uri(given_offer["offer_uri"]).credential_offer_uri
    assert ref is not None
    document = httpx.get(ref, timeout=30).json()
    by_value = oid4vci.offer_uri(document)
    offer = oid4vci.read_offer(text=by_value, fetcher=FETCHER)
    assert offer == oid4vci.parse_credential_offer(document)
    assert oid4vci.read_offer(text=json.dumps(document), fetcher=FETCHER) == offer
    query = by_value.split("?", 1)[1]  # what https://wallet/offer?... received
    assert oid4vci.read_offer(text=oid4vci.offer_link_from_query(query),
                              fetcher=FETCHER) == offer
    info = oid4vci.fetch_issuer_metadata(issuer=offer.credential_issuer, fetcher=FETCHER)
    # the offer as a wallet stores it (a dict) redeems the same way
    issued = _redeem(offer.to_dict(), info, given_offer["tx_code"])
    assert issued and all(i.credential is not None for i in issued)


def test_missing_pin_is_asked_for_before_anything_is_sent(real: RealIssuer) -> None:
    given_offer = real.offer()
    offer = oid4vci.read_offer(text=given_offer["offer_uri"], fetcher=FETCHER)
    info = oid4vci.fetch_issuer_metadata(issuer=offer.credential_issuer, fetcher=FETCHER)
    assert _code(lambda: _redeem(offer, info, None)) == ("offer.pin_missing", "/tx_code")
    assert _code(lambda: _redeem(offer, info, "")) == ("offer.pin_missing", "/tx_code")
    assert _redeem(offer, info, given_offer["tx_code"])  # the code was not spent


def test_wrong_pin_then_right_pin_then_the_code_is_spent(real: RealIssuer) -> None:
    given_offer = real.offer()
    offer = oid4vci.read_offer(text=given_offer["offer_uri"], fetcher=FETCHER)
    info = oid4vci.fetch_issuer_metadata(issuer=offer.credential_issuer, fetcher=FETCHER)
    wrong = str((int(given_offer["tx_code"]) + 1) % 10**6).zfill(6)
    with pytest.raises(RotondeError) as refused:
        _redeem(offer, info, wrong)
    assert refused.value.code == "offer.invalid_grant"
    assert "PIN" in refused.value.message and "pincode" in refused.value.problems[0].message_nl
    assert _redeem(offer, info, given_offer["tx_code"])
    assert _code(lambda: _redeem(offer, info, given_offer["tx_code"]))[0] == "offer.invalid_grant"


def test_the_url_policy_applies_to_every_request(real: RealIssuer) -> None:
    given_offer = real.offer()
    strict = Fetcher()  # the default policy: https only, no loopback
    assert _code(lambda: oid4vci.read_offer(text=given_offer["offer_uri"],
                                            fetcher=strict))[0] == "fetch.url_refused"
    offer = oid4vci.read_offer(text=given_offer["offer_uri"], fetcher=FETCHER)
    assert _code(lambda: oid4vci.fetch_issuer_metadata(
        issuer=offer.credential_issuer, fetcher=strict))[0] == "fetch.url_refused"
    info = oid4vci.fetch_issuer_metadata(issuer=offer.credential_issuer, fetcher=FETCHER)
    assert _code(lambda: _redeem(offer, info, given_offer["tx_code"],
                                 fetcher=strict))[0] == "fetch.url_refused"


# --- an issuer whose answers the test sets ---------------------------------------------------

_OK_TOKEN = json.dumps({"access_token": "at-1", "token_type": "Bearer", "expires_in": 60})


@dataclass
class Scripted:
    """A loopback ASGI "issuer": ``answers[(method, path)] = (status, content type, body)``;
    anything else is a 404. By default it answers a whole flow correctly; ``seen`` lists the
    requests it got."""

    base: str = ""
    answers: dict[tuple[str, str], tuple[int, str, bytes]] = field(default_factory=dict)
    seen: list[tuple[str, str]] = field(default_factory=list)
    bodies: list[bytes] = field(default_factory=list)  # of the credential requests

    def metadata(self, **changes: Any) -> dict[str, Any]:
        meta = oid4vci.issuer_metadata(
            credential_issuer=self.base, display=[{"name": "Metaalschool Oost", "locale": "nl"}],
            credential_configurations={"Welding": {
                "format": "dc+sd-jwt", "vct": "https://example.org/welding",
                "credential_metadata": {"display": [{"name": "Lassen", "locale": "nl"},
                                                    {"name": "Welding", "locale": "en"}]}}})
        meta.update(changes)
        return {k: v for k, v in meta.items() if v is not None}

    def answer(self, method: str, path: str, body: Any, status: int = 200,
               ctype: str = "application/json") -> None:
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.answers[(method, path)] = (status, ctype, raw)

    def reset(self) -> None:
        self.answers.clear()
        self.seen.clear()
        self.bodies.clear()
        self.answer("GET", "/.well-known/openid-credential-issuer", self.metadata())
        self.answer("GET", "/.well-known/oauth-authorization-server",
                    {"issuer": self.base, "token_endpoint": self.base + "/oauth/token"})
        self.answer("POST", "/oauth/token", _OK_TOKEN.encode())
        self.answer("POST", "/nonce", {"c_nonce": "n-1"})
        self.answer("POST", "/credential", oid4vci.credential_response(["issued-credential"]))
        self.answer("GET", "/offer", self.offer().to_dict())

    def offer(self, *, pin: bool = False) -> oid4vci.CredentialOffer:
        return oid4vci.CredentialOffer(self.base, ("Welding",), "code-1",
                                       oid4vci.TxCode() if pin else None)

    def info(self) -> oid4vci.IssuerInfo:
        return oid4vci.fetch_issuer_metadata(issuer=self.base, fetcher=FETCHER)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        body, more = b"", True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        key = (scope["method"], scope["path"])
        self.seen.append(key)
        if key == ("POST", "/credential"):
            self.bodies.append(body)
        status, ctype, answer = self.answers.get(key, (404, "application/json", b""))
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", ctype.encode())]})
        await send({"type": "http.response.body", "body": answer})


@pytest.fixture(scope="module")
@system_fixture
def _scripted_server() -> Iterator[Scripted]:
    app = Scripted()
    port = free_port()
    with serve(app, port, lifespan="off") as base:
        app.base = base
        yield app


@pytest.fixture
def scripted(_scripted_server: Scripted) -> Scripted:
    _scripted_server.reset()
    return _scripted_server


def test_scripted_flow_as_a_reference(scripted: Scripted) -> None:
    offer = oid4vci.read_offer(text=oid4vci.offer_uri(credential_offer_uri=scripted.base
                                                      + "/offer"), fetcher=FETCHER)
    info = scripted.info()
    assert info.token_endpoint == scripted.base + "/oauth/token"  # from RFC 8414 metadata
    assert info.name("nl") == "Metaalschool Oost" and info.name("de") == "Metaalschool Oost"
    assert info.label("Welding", "en") == "Welding" and info.label("Welding", "fr") == "Lassen"
    [issued] = _redeem(offer, info, None)
    assert issued == oid4vci.Issued("Welding", "dc+sd-jwt", "issued-credential")
    assert scripted.seen[-3:] == [("POST", "/oauth/token"), ("POST", "/nonce"),
                                  ("POST", "/credential")]


def test_token_endpoint_discovery(scripted: Scripted) -> None:
    scripted.answer("GET", "/.well-known/openid-credential-issuer",
                    scripted.metadata(token_endpoint=scripted.base + "/direct"))
    assert scripted.info().token_endpoint == scripted.base + "/direct"
    # authorization_servers[0] (§12.2.4), its metadata at the RFC 8414 §3 well-known path
    scripted.answer("GET", "/.well-known/openid-credential-issuer", scripted.metadata(
        authorization_servers=[scripted.base + "/as"]))
    scripted.answer("GET", "/.well-known/oauth-authorization-server/as",
                    {"issuer": scripted.base + "/as", "token_endpoint": scripted.base + "/as/token"})
    assert scripted.info().token_endpoint == scripted.base + "/as/token"
    # no Authorization Server Metadata at all: <server>/token
    del scripted.answers[("GET", "/.well-known/oauth-authorization-server/as")]
    assert scripted.info().token_endpoint == scripted.base + "/as/token"
    del scripted.answers[("GET", "/.well-known/oauth-authorization-server")]
    scripted.answer("GET", "/.well-known/openid-credential-issuer", scripted.metadata())
    assert scripted.info().token_endpoint == scripted.base + "/token"


@pytest.mark.parametrize("status, ctype, body, expected", [
    (404, "application/json", b"", ("fetch.http_status", None)),
    (200, "text/html", b"<html>hello</html>", ("fetch.content_type", None)),
    (200, "application/json", b"<html>not json {{{", ("json.malformed", None)),
    (200, "application/json", b"[1, 2]", ("oid4vci.invalid_request", None)),
])
def test_metadata_that_cannot_be_read(scripted: Scripted, status: int, ctype: str, body: bytes,
                                      expected: tuple[str, str | None]) -> None:
    scripted.answer("GET", "/.well-known/openid-credential-issuer", body, status, ctype)
    assert _code(scripted.info) == expected


@pytest.mark.parametrize("changes, pointer", [
    ({"credential_issuer": "https://someone-else.example"}, "/credential_issuer"),
    ({"credential_endpoint": None}, "/credential_endpoint"),
    ({"credential_configurations_supported": {"Welding": {"vct": "x"}}},
     "/credential_configurations_supported"),
])
def test_metadata_that_is_wrong(scripted: Scripted, changes: dict[str, Any],
                                pointer: str) -> None:
    scripted.answer("GET", "/.well-known/openid-credential-issuer", scripted.metadata(**changes))
    assert _code(scripted.info) == ("oid4vci.invalid_request", pointer)


@pytest.mark.parametrize("server", ["https://[x", "https://[]as.example/", "ftp://as.example",
                                    "https://as.example/?q=1", "as.example"])
def test_an_authorization_server_that_is_not_a_url(scripted: Scripted, server: str) -> None:
    # was: ValueError (Invalid IPv6 URL) from urlsplit for "https://[x", an HTTP 500 in the wallet
    scripted.answer("GET", "/.well-known/openid-credential-issuer",
                    scripted.metadata(authorization_servers=[server]))
    assert _code(scripted.info) == ("oid4vci.invalid_request", "/authorization_servers/0")


_JUNK = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=8),
                  st.lists(st.one_of(st.integers(), st.text(max_size=4),
                                     st.dictionaries(st.sampled_from(["name", "locale"]),
                                                     st.one_of(st.integers(), st.text(max_size=4)),
                                                     max_size=2)), max_size=3),
                  st.dictionaries(st.text(max_size=4), st.integers(), max_size=2))


@given(display=_JUNK, conf_display=_JUNK, credential_metadata=_JUNK, proof_types=_JUNK)
def test_hostile_display_and_proof_metadata_only_raises_rotonde_errors(
        _scripted_server: Scripted, display: Any, conf_display: Any, credential_metadata: Any,
        proof_types: Any) -> None:
    scripted = _scripted_server
    scripted.reset()
    meta = scripted.metadata(display=display)
    conf = meta["credential_configurations_supported"]["Welding"]
    conf.update(display=conf_display, credential_metadata=credential_metadata,
                proof_types_supported=proof_types)
    scripted.answer("GET", "/.well-known/openid-credential-issuer", meta)
    try:
        info = scripted.info()
        assert isinstance(info.name("nl"), str) and isinstance(info.label("Welding", "en"), str)
        _redeem(scripted.offer(), info, None)
    except RotondeError:
        pass


def test_an_offered_configuration_the_metadata_does_not_describe(scripted: Scripted) -> None:
    info = scripted.info()
    assert _code(lambda: info.configuration("Plumbing"))[0] == "offer.unknown_configuration"
    stranger = oid4vci.CredentialOffer(scripted.base, ("Plumbing",), "code-1")
    assert _code(lambda: _redeem(stranger, info, None))[0] == "offer.unknown_configuration"


@pytest.mark.parametrize("text, expected", [
    ("", "offer.empty"),
    ("   ", "offer.empty"),
    ("hello", "offer.not_an_offer"),
    ("ftp://x?credential_offer=%7B%7D", "offer.not_an_offer"),
    ("openid-credential-offer://?credential_offer=%7Bnot-json", "json.malformed"),
    ("openid-credential-offer://?credential_offer_uri=javascript:alert(1)",
     "oid4vci.invalid_request"),
    ('{"credential_issuer": "ftp://x", "credential_configuration_ids": []}',
     "oid4vci.invalid_request"),
])
def test_offers_that_are_not_offers(text: str, expected: str) -> None:
    assert _code(lambda: oid4vci.read_offer(text=text, fetcher=FETCHER))[0] == expected


@pytest.mark.parametrize("status, ctype, body, expected", [
    (200, "application/json", b"<html>not json {{{", "json.malformed"),
    (200, "text/html", b"<html></html>", "fetch.content_type"),
    (404, "application/json", b"", "fetch.http_status"),
    (200, "application/json", b'{"credential_issuer": "https://x.example"}',
     "oid4vci.invalid_request"),
])
def test_an_offer_by_reference_that_is_garbage(scripted: Scripted, status: int, ctype: str,
                                               body: bytes, expected: str) -> None:
    scripted.answer("GET", "/offer", body, status, ctype)
    link = "openid-credential-offer://?credential_offer_uri=" + quote(scripted.base + "/offer")
    assert _code(lambda: oid4vci.read_offer(text=link, fetcher=FETCHER))[0] == expected


@pytest.mark.parametrize("status, body, expected", [
    (200, b"<html>not json {{{", "fetch.not_json"),
    (500, b"", "offer.issuer_error"),
    (200, b"{}", "oid4vci.invalid_request"),
    (200, b'{"access_token": "x"}', "oid4vci.invalid_request"),
    (400, b'{"error": "invalid_grant"}', "offer.invalid_grant"),
    (400, b'{"error": "invalid_request", "error_description": "no"}', "offer.invalid_request"),
])
def test_token_endpoint_answering_garbage_or_errors(scripted: Scripted, status: int,
                                                    body: bytes, expected: str) -> None:
    scripted.answer("POST", "/oauth/token", body, status)
    info = scripted.info()
    with pytest.raises(RotondeError) as refused:
        _redeem(scripted.offer(), info, None)
    assert refused.value.code == expected
    if expected == "offer.issuer_error":
        assert refused.value.problems[0].detail == {"status": 500}
    assert ("POST", "/credential") not in scripted.seen


def test_authorization_server_metadata_for_another_issuer_is_not_used(scripted: Scripted) -> None:
    """RFC 8414 §3.3: the metadata's ``issuer`` must be the server it was asked of."""
    scripted.answer("GET", "/.well-known/openid-credential-issuer", scripted.metadata(
        authorization_servers=[scripted.base + "/as"]))
    for other in ({"issuer": "https://elsewhere.example", "token_endpoint": "https://elsewhere.example/t"},
                  {"token_endpoint": scripted.base + "/as/token"}):
        scripted.answer("GET", "/.well-known/oauth-authorization-server/as", other)
        code, pointer = _code(scripted.info)
        assert (code, pointer) == ("oid4vci.invalid_request", "/issuer")


@pytest.mark.parametrize("status, body, expected", [
    (200, b"<html>not json {{{", "fetch.not_json"),
    (500, b"boom", "fetch.not_json"),
])
def test_nonce_endpoint_answering_garbage_fails_that_configuration(
        scripted: Scripted, status: int, body: bytes, expected: str) -> None:
    # the access token is spent by now: a failing nonce request must not lose what the
    # earlier configurations of the same offer already issued
    meta = scripted.metadata()
    meta["credential_configurations_supported"]["Badge"] = {"format": "ldp_vc"}
    scripted.answer("GET", "/.well-known/openid-credential-issuer", meta)
    info = scripted.info()
    calls = 0
    original = FETCHER.post_json

    def nonce_fails_second_time(url: str, **kw: Any) -> Any:
        nonlocal calls
        if url.endswith("/nonce"):
            calls += 1
            if calls == 2:
                scripted.answer("POST", "/nonce", body, status)
        return original(url, **kw)

    offer = oid4vci.CredentialOffer(scripted.base, ("Welding", "Badge"), "code-1")
    fetcher = _Wrapped(nonce_fails_second_time)
    issued = oid4vci.redeem(offer=offer, info=info, tx_code=None, keys=KEYS, fetcher=fetcher,
                            clock=CLOCK)
    assert [(i.config_id, i.credential) for i in issued] == [
        ("Welding", "issued-credential"), ("Badge", None)]
    assert issued[1].problems[0].code == expected


class _Wrapped:
    """The test Fetcher with ``post_json`` routed through a function (the other calls as is)."""

    def __init__(self, post_json: Any) -> None:
        self.post_json = post_json

    def __getattr__(self, name: str) -> Any:
        return getattr(FETCHER, name)


@pytest.mark.parametrize("error", ["made_up_by_the_issuer", "invalid_grant; DROP TABLE", "x" * 200])
def test_an_issuer_does_not_choose_the_error_code(scripted: Scripted, error: str) -> None:
    scripted.answer("POST", "/credential", {"error": error, "error_description": "nee"}, 400)
    [issued] = _redeem(scripted.offer(), scripted.info(), None)
    assert issued.problems[0].code == "offer.issuer_refused"
    scripted.answer("POST", "/oauth/token", {"error": error}, 400)
    assert _code(lambda: _redeem(scripted.offer(), scripted.info(), None))[0] == "offer.issuer_refused"


@pytest.mark.parametrize("status, body, expected", [
    (200, b"{}", "offer.issuer_error"),                  # no c_nonce
    (503, b"", "offer.issuer_error"),
    (400, b'{"error": "invalid_request"}', "offer.invalid_request"),
])
def test_nonce_endpoint_errors_fail_that_configuration(scripted: Scripted, status: int,
                                                       body: bytes, expected: str) -> None:
    scripted.answer("POST", "/nonce", body, status)
    [issued] = _redeem(scripted.offer(), scripted.info(), None)
    assert issued.credential is None and issued.problems[0].code == expected
    assert ("POST", "/credential") not in scripted.seen


@pytest.mark.parametrize("status, body, expected", [
    (200, b"<html>not json {{{", "fetch.not_json"),
    (500, b"", "offer.issuer_error"),
    (400, b'{"error": "invalid_proof", "error_description": "bad proof"}', "offer.invalid_proof"),
    (400, b'{"error": "invalid_nonce"}', "offer.invalid_nonce"),
    (200, b'{"credentials": []}', "oid4vci.invalid_request"),
    (200, b'{"error": "credential_request_denied"}', "oid4vci.credential_request_denied"),
])
def test_credential_endpoint_answering_garbage_or_errors(scripted: Scripted, status: int,
                                                         body: bytes, expected: str) -> None:
    scripted.answer("POST", "/credential", body, status)
    [issued] = _redeem(scripted.offer(), scripted.info(), None)
    assert issued.credential is None and issued.problems[0].code == expected


def test_one_failing_configuration_keeps_the_others(scripted: Scripted) -> None:
    meta = scripted.metadata()
    meta["credential_configurations_supported"]["Badge"] = {"format": "ldp_vc"}
    scripted.answer("GET", "/.well-known/openid-credential-issuer", meta)
    scripted.answer("POST", "/credential", oid4vci.credential_response(["one", "two"]))
    offer = oid4vci.CredentialOffer(scripted.base, ("Welding", "Badge"), "code-1")
    issued = _redeem(offer, scripted.info(), None)
    assert [(i.config_id, i.format, i.credential) for i in issued] == [
        ("Welding", "dc+sd-jwt", "one"), ("Welding", "dc+sd-jwt", "two"),
        ("Badge", "ldp_vc", "one"), ("Badge", "ldp_vc", "two")]
    scripted.answer("POST", "/credential", b"", 500)
    issued = _redeem(offer, scripted.info(), None)
    assert [i.problems[0].code for i in issued] == ["offer.issuer_error"] * 2


def test_the_holder_key_fits_the_format_and_the_issuer(scripted: Scripted) -> None:
    meta = scripted.metadata()
    confs = meta["credential_configurations_supported"]
    confs["Badge"] = {"format": "ldp_vc"}
    confs["EdOnly"] = {"format": "jwt_vc_json", "proof_types_supported": {"jwt": {
        "proof_signing_alg_values_supported": ["EdDSA"]}}}
    scripted.answer("GET", "/.well-known/openid-credential-issuer", meta)
    info = scripted.info()
    offer = oid4vci.CredentialOffer(scripted.base, ("Welding", "Badge", "EdOnly"), "code-1")
    assert all(i.credential for i in _redeem(offer, info, None))
    used = []
    for body in scripted.bodies:
        request = oid4vci.parse_credential_request(body)
        proof = oid4vci.validate_proof(request.jwt_proofs[0], audience=scripted.base)
        assert proof.nonce == "n-1"
        used.append((request.credential_configuration_id, proof.public_key.to_jwk()))
    assert used == [("Welding", KEYS["ES256"].public_key.to_jwk()),
                    ("Badge", KEYS["EdDSA"].public_key.to_jwk()),
                    ("EdOnly", KEYS["EdDSA"].public_key.to_jwk())]
    issued = oid4vci.redeem(offer=offer, info=info, tx_code=None, keys={"ES256": KEYS["ES256"]},
                            fetcher=FETCHER, clock=CLOCK)
    # without an Ed25519 key only the configurations that need one fail
    assert [(i.config_id, i.problems[0].code if i.problems else None) for i in issued] == [
        ("Welding", None), ("Badge", "offer.no_holder_key"), ("EdOnly", "offer.no_holder_key")]


_FETCHER_STRICT = Fetcher(policy=URLPolicy())


@given(st.text(max_size=300))
def test_read_offer_only_raises_rotonde_errors(text: str) -> None:
    try:
        oid4vci.read_offer(text=text, fetcher=_FETCHER_STRICT)
    except RotondeError:
        pass


@given(st.dictionaries(st.sampled_from(["credential_issuer", "credential_configuration_ids",
                                        "grants", "x"]),
                       st.one_of(st.text(max_size=20), st.lists(st.text(max_size=5)),
                                 st.integers(), st.none()), max_size=4))
def test_read_offer_by_value_only_raises_rotonde_errors(offer: dict[str, object]) -> None:
    try:
        oid4vci.read_offer(text="openid-credential-offer://?credential_offer="
                           + quote(json.dumps(offer)), fetcher=_FETCHER_STRICT)
    except RotondeError:
        pass
