"""SSRF through the services (docs/architecture.md §5): every URL a service fetches on someone
else's say-so is refused when it points at a loopback, private, link-local or unique-local
address, a name resolving to one, or redirects there — with the production policy (settings without ``dev``),
a clear message, and no connection made (a local listener counts connections).

Wallet: ``credential_offer_uri``, the credential issuer metadata (``credential_issuer`` of an
offer by value), ``request_uri`` (GET and POST), did:web and status list URLs in received
credentials (``verify_options``, which receive and the "check again" button both use). Verifier: share URLs, status lists and did:web in presented credentials.
Neither service fetches logos server-side (they are never downloaded by the services).
"""

from __future__ import annotations

import json
import secrets
import socket
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from fastapi.testclient import TestClient

from rotonde.clock import format_datetime
from rotonde.encoding import b64url_encode
from rotonde.http import Fetcher, URLPolicy
from rotonde.keys import generate
from rotonde.sdjwt import issue, present
from rotonde.verify import verify
from tests.resilience._listener import Listener
from tests.wallet.wallet_helpers import Learner, text_of
from verifier.app import create_app as verifier_app
from verifier.settings import VerifierSettings
from wallet.app import create_app as wallet_app
from wallet.settings import WalletSettings

API_KEY = "resilience-api-key-0123456789"
STATS = {"urls_tried": 0, "connections": 0}


def _has_ipv6() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


@pytest.fixture(scope="module")
def listeners() -> Iterator[list[Listener]]:
    found = [Listener()]
    if _has_ipv6():
        found.append(Listener("::1", socket.AF_INET6))
    yield found
    for listener in found:
        listener.close()


def _hosts(listeners: list[Listener]) -> list[str]:
    v4 = listeners[0].port
    hosts = [f"127.0.0.1:{v4}", f"localhost:{v4}", "10.0.0.1", "169.254.169.254",
             f"[::ffff:127.0.0.1]:{v4}"]
    if len(listeners) > 1:
        hosts.append(f"[::1]:{listeners[1].port}")
    return hosts


def _connections(listeners: list[Listener]) -> int:
    return sum(lst.connections for lst in listeners)


@pytest.fixture(scope="module")
def wallet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    # one learner opens well over the default 30 fetching pages in 5 minutes here: the
    # per-account limit (tests/wallet/test_wallet_outbound.py) is not what these tests are about
    settings = WalletSettings(dev=False, data_dir=tmp_path_factory.mktemp("wallet"),
                              kek=b64url_encode(secrets.token_bytes(32)),
                              public_url="https://wallet.test", fetch_limit=10_000)
    app = wallet_app(settings)
    with TestClient(app, base_url="https://wallet.test") as client:
        assert Learner(client).signup().status_code == 200
        yield client
    app.state.wallet.db.dispose()


@pytest.fixture(scope="module")
def verifier(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = VerifierSettings(dev=False, data_dir=tmp_path_factory.mktemp("verifier"),
                                kek=b64url_encode(secrets.token_bytes(32)),
                                public_url="https://verifier.test", api_keys=(API_KEY,))
    with TestClient(verifier_app(settings), base_url="https://verifier.test",
                    headers={"authorization": f"Bearer {API_KEY}"}) as client:
        yield client


def _refused_page(r: httpx.Response) -> str:
    assert r.status_code == 400, (r.status_code, text_of(r.text)[:300])
    words = text_of(r.text)
    assert "niet toegestaan" in words or "not allowed" in words or "https" in words, words[:400]
    return words


def test_wallet_refuses_private_offer_metadata_and_request_urls(
    wallet: TestClient, listeners: list[Listener],
) -> None:
    learner = Learner(wallet)
    before = _connections(listeners)
    for host in _hosts(listeners):
        base = f"https://{host}"
        # credential_offer_uri (offer by reference), via the paste form and the /offer link
        link = "openid-credential-offer://?credential_offer_uri=" + quote(f"{base}/o/1", safe="")
        _refused_page(learner.start_receive(link))
        r = wallet.get("/offer", params={"credential_offer_uri": f"{base}/o/2"})
        _refused_page(r)
        # the credential issuer's metadata (offer by value naming a private issuer)
        offer = {"credential_issuer": base, "credential_configuration_ids": ["x"],
                 "grants": {"urn:ietf:params:oauth:grant-type:pre-authorized_code": {
                     "pre-authorized_code": "c0de"}}}
        _refused_page(learner.start_receive(
            "openid-credential-offer://?credential_offer=" + quote(json.dumps(offer))))
        # request_uri, GET and POST
        for method in ("get", "post"):
            req = ("openid4vp://?client_id=" + quote("decentralized_identifier:did:web:x.test")
                   + "&request_uri=" + quote(f"{base}/r/1", safe="")
                   + f"&request_uri_method={method}")
            _refused_page(learner.consent(req))
        STATS["urls_tried"] += 5
    assert _connections(listeners) == before
    STATS["connections"] += _connections(listeners) - before


def _did_web_credential(host: str, status_uri: str | None) -> tuple[str, Any]:
    """An SD-JWT VC claiming a did:web issuer on ``host`` (with a status reference)."""
    issuer_key, holder = generate("ES256"), generate("ES256")
    did = "did:web:" + quote(host.strip("[]") if host.startswith("[") else host, safe="")
    status = {"status_list": {"idx": 3, "uri": status_uri}} if status_uri else None
    token = issue({"title": "Lassen"}, signer=issuer_key.with_kid(did + "#key-1"),
                  disclosable=["title"], holder_key=holder.public_key,
                  vct="https://rotonde.example/credentials/microcredential/1.0", iss=did,
                  status=status)
    return token, holder


def _all_problem_codes(report: Any) -> list[str]:
    data = report.to_dict()
    codes: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("code"), str):
                codes.append(node["code"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(data)
    return codes


def test_wallet_verification_refuses_private_did_web_and_status(
    wallet: TestClient, listeners: list[Listener],
) -> None:
    """What the wallet runs on every received credential (``verify_options``)."""
    from wallet.routes.receive import verify_options

    options = verify_options(wallet.app.state.wallet)  # type: ignore[attr-defined]
    before = _connections(listeners)
    for host in _hosts(listeners):
        token, _ = _did_web_credential(host, f"https://{host}/status/1")
        report = verify(token, options)
        assert not report.verified
        assert "fetch.url_refused" in _all_problem_codes(report), report.to_dict()
        STATS["urls_tried"] += 1
    assert _connections(listeners) == before


def _share(token: str, holder: Any) -> str:
    share_id, nonce = secrets.token_urlsafe(18), secrets.token_urlsafe(18)
    shown = present(token, disclose=["title"], holder_key=holder, nonce=nonce,
                    aud="rotonde:share:" + share_id)
    env = {"type": "rotonde-share", "version": 1, "share_id": share_id, "nonce": nonce,
           "presentations": [shown], "expires_at": format_datetime(time.time() + 600)}
    return "rotonde-share:" + b64url_encode(json.dumps(env).encode())


def test_verifier_refuses_private_share_status_and_did_web_urls(
    verifier: TestClient, listeners: list[Listener],
) -> None:
    before = _connections(listeners)
    for host in _hosts(listeners):
        share_id = secrets.token_urlsafe(18)
        r = verifier.post("/api/shares", json={"text": f"https://{host}/share/{share_id}"})
        assert r.status_code == 201, r.text
        out = r.json()
        assert out["verdict"] == "rejected"
        reason = out["result"]["reasons"][0]
        assert reason["code"] == "fetch.url_refused", reason
        assert reason["message"] and reason["message_nl"]
        # did:web issuer and status list on the private host, presented by value
        token, holder = _did_web_credential(host, f"https://{host}/status/1")
        out = verifier.post("/api/shares", json={"text": _share(token, holder)}).json()
        assert out["verdict"] == "rejected"
        assert "fetch.url_refused" in json.dumps(out["result"]), out["result"]
        STATS["urls_tried"] += 3
    assert _connections(listeners) == before


#: Host names that are not valid IDNA 2008 (RFC 5891): A-labels decoding to a disallowed code
#: point (U+2603, U+1F4A9), an empty A-label, one ending in a hyphen.
HOSTILE_IDNA = ["xn--n3h.example.com", "xn--ls8h.example", "xn--.example.com",
                "xn--zz-.example.com"]


def test_hostile_idna_host_is_refused_not_a_crash(wallet: TestClient,
                                                  verifier: TestClient) -> None:
    """A host that is not a valid internationalised domain name gets ``fetch.url_refused`` —
    in the wallet's pages (no 500, no reset connection) and in the verifier's report (not
    ``verify.internal_error``)."""
    learner = Learner(wallet)
    for host in HOSTILE_IDNA:
        base = f"https://{host}"
        r = wallet.get("/offer", params={"credential_offer_uri": f"{base}/o"})
        assert "IDNA" in _refused_page(r)
        link = "openid-credential-offer://?credential_offer_uri=" + quote(f"{base}/o", safe="")
        assert "IDNA" in _refused_page(learner.start_receive(link))
        for method in ("get", "post"):
            params = {"client_id": "decentralized_identifier:did:web:x.test",
                      "request_uri": f"{base}/r", "request_uri_method": method}
            assert "IDNA" in _refused_page(wallet.get("/authorize", params=params))
        r = wallet.get("/progress", params={"url": f"{base}/pathway.json"})
        assert r.status_code == 200 and "IDNA" in text_of(r.text), text_of(r.text)[:300]
        # the verifier: a share URL, and a did:web issuer with a status list on that host
        r = verifier.post("/api/shares", json={"text": f"{base}/share/{secrets.token_urlsafe(18)}"})
        assert r.status_code == 201, r.text
        reason = r.json()["result"]["reasons"][0]
        assert reason["code"] == "fetch.url_refused", reason
        token, holder = _did_web_credential(host, f"{base}/status/1")
        out = verifier.post("/api/shares", json={"text": _share(token, holder)}).json()
        assert out["verdict"] == "rejected"
        codes = json.dumps(out["result"])
        assert "fetch.url_refused" in codes and "internal_error" not in codes, out["result"]


def test_redirect_to_a_private_address_is_refused_at_the_hop() -> None:
    """A public URL that redirects to a private address: the fetcher the services build
    (production policy) refuses the hop before requesting it. The public first hop is served
    by a transport standing in for the internet (nothing public is reachable here)."""
    asked: list[str] = []

    def internet(request: httpx.Request) -> httpx.Response:
        asked.append(str(request.url))
        return httpx.Response(302, headers={"location": "https://169.254.169.254/latest/"})

    from rotonde.errors import FetchError

    fetcher = Fetcher(policy=URLPolicy(), transport=httpx.MockTransport(internet))
    with pytest.raises(FetchError) as err:
        fetcher.get_json("https://issuer.example/.well-known/openid-credential-issuer")
    assert err.value.code == "fetch.url_refused"
    assert asked == ["https://issuer.example/.well-known/openid-credential-issuer"]


def test_service_fetchers_carry_the_caps(wallet: TestClient, verifier: TestClient) -> None:
    """Both services fetch through a Fetcher with the production policy, the size/time caps
    and the per-host concurrency cap (behaviour of each cap: tests/core/http/test_fetcher.py and
    tests/resilience/test_fetch_caps.py)."""
    for fetcher in (wallet.app.state.wallet.fetcher,  # type: ignore[attr-defined]
                    verifier.app.state.verifier.fetcher):  # type: ignore[attr-defined]
        assert isinstance(fetcher, Fetcher)
        assert fetcher.policy == URLPolicy(allow_http=False, allow_private=False)
        assert 0 < fetcher.max_bytes <= 1024 * 1024
        assert 0 < fetcher.timeout <= 30
        assert 0 < fetcher.hosts.limit <= 8
        assert fetcher.max_redirects <= 5


def test_zz_report() -> None:
    print(f"\nSSRF: urls tried={STATS['urls_tried']} connections made={STATS['connections']}")
