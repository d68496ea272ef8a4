"""The batch API over real HTTP: 202 with ``Location``; item lists with ``total``, ``next`` in
the body and an RFC 8288 ``Link`` header; ``learner_ref`` echoed on every item (failed ones
too); and the signed ``batch.completed`` webhook, received by a real HTTP server on loopback
that checks the signature exactly as docs/webhooks.md tells a receiver to.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from issuer.flows.webhooks import clear_webhook, set_webhook
from servicekit.webhooks import verify_signature
from tests.issuer._support import LiveIssuer, template

LINK = re.compile(r'^<([^>]+)>; rel="next"$')


@dataclass
class Receiver:
    """An HTTP server on 127.0.0.1 that records what it is POSTed and answers ``status``."""

    url: str
    status: int = 204
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    arrived: threading.Event = field(default_factory=threading.Event)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    box: dict[str, Receiver] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            rec = box["r"]
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            rec.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
            self.send_response(rec.status)
            self.send_header("content-length", "0")
            self.end_headers()
            rec.arrived.set()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    box["r"] = Receiver(f"http://127.0.0.1:{server.server_address[1]}/hooks/rotonde")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield box["r"]
    server.shutdown()
    server.server_close()


def receiver_accepts(secret: str, headers: dict[str, str], body: bytes, *, now: float) -> bool:
    """docs/webhooks.md, written out: HMAC-SHA256 over "<t>.<body>", constant-time compare,
    at most 300 s between t and the receiver's clock."""
    parts = dict(p.split("=", 1) for p in headers["x-rotonde-signature"].split(","))
    t = int(parts["t"])
    mac = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(mac, parts["v1"]) and abs(now - t) <= 300


def _items(achievement_id: str, n: int, *, bad: set[int]) -> list[dict[str, Any]]:
    return [{"achievement_id": achievement_id,
             "learner": {"name": f"Leerling {i}",
                         **({"birth_date": "31-02-2001"} if i in bad else {})},
             "learner_ref": f"sis-{i:04d}"} for i in range(n)]


def _wait_done(api: httpx.Client, url: str, *, timeout: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        job: dict[str, Any] = api.get(url).json()
        if job["state"] == "done" or time.monotonic() > deadline:
            return job
        time.sleep(0.05)


def test_batch_202_location_pages_learner_ref_and_signed_webhook(
        live: LiveIssuer, receiver: Receiver) -> None:
    tenant, token = live.tenant("roc-batch")
    secret = set_webhook(live.ctx, tenant, receiver.url, actor="test")
    with live.client(token) as api:
        ach = api.post("/api/v1/achievements", json=template()).json()["id"]
        r = api.post("/api/v1/batches", json={"items": _items(ach, 23, bad={5, 17})},
                     headers={"Idempotency-Key": "round-1"})
        assert r.status_code == 202, r.text
        job = r.json()
        location = r.headers["location"]
        assert location == f"{live.url}/api/v1/batches/{job['id']}"
        # a replay of the same request: same job, same Location
        again = api.post("/api/v1/batches", json={"items": _items(ach, 23, bad={5, 17})},
                         headers={"Idempotency-Key": "round-1"})
        assert again.status_code == 202 and again.headers["location"] == location
        assert again.headers["idempotent-replayed"] == "true"

        state = _wait_done(api, location)
        assert state["state"] == "done" and (state["done"], state["failed"]) == (21, 2)

        # pages of 10: total, next (body and Link header) until the last page
        url: str | None = f"{location}/items?limit=10"
        seen: list[dict[str, Any]] = []
        pages = 0
        while url is not None:
            page = api.get(url)
            assert page.status_code == 200
            body = page.json()
            assert body["total"] == 23 and body["limit"] == 10
            assert body["offset"] == len(seen)
            link = page.headers.get("link")
            if body["next"] is None:
                assert link is None
            else:
                m = LINK.match(link or "")
                assert m and m.group(1) == body["next"]
                assert body["next"].startswith(live.url + f"/api/v1/batches/{job['id']}/items?")
            seen += body["items"]
            url = body["next"]
            pages += 1
        assert pages == 3 and [i["seq"] for i in seen] == list(range(23))
        # every item echoes the caller's learner_ref, failed ones included
        assert [i["learner_ref"] for i in seen] == [f"sis-{i:04d}" for i in range(23)]
        assert [i["seq"] for i in seen if i["state"] == "failed"] == [5, 17]
        assert seen[5]["errors"][0]["pointer"] == "/learner/birth_date"
        assert seen[0]["result"]["offer"]["offer_uri"].startswith("openid-credential-offer://")

        # the webhook: exactly one delivery, signed, no personal data
        assert receiver.arrived.wait(10)
        time.sleep(0.3)
        assert len(receiver.received) == 1
        headers, raw = receiver.received[0]
        assert headers["content-type"] == "application/json"
        assert headers["x-rotonde-event"] == "batch.completed"
        assert re.fullmatch(r"[0-9a-f-]{36}", headers["x-rotonde-delivery"])
        assert receiver_accepts(secret, headers, raw, now=time.time())
        assert verify_signature(secret, raw, headers["x-rotonde-signature"], now=time.time())
        event = json.loads(raw)
        assert event["event"] == "batch.completed" and event["batch_id"] == job["id"]
        assert (event["total"], event["done"], event["failed"]) == (23, 21, 2)
        assert event["batch_url"] == location and event["items_url"] == location + "/items"
        assert event["tenant"] == "roc-batch" and event["state"] == "done"
        assert "Leerling" not in raw.decode() and "sis-" not in raw.decode()
        # ... which a receiver refuses when anything was changed, or when replayed late
        assert not receiver_accepts(secret, headers, raw.replace(b'"failed":2', b'"failed":0'),
                                    now=time.time())
        assert not receiver_accepts("whsec_another", headers, raw, now=time.time())
        assert not verify_signature(secret, raw, headers["x-rotonde-signature"],
                                    now=time.time() + 301)
        # the delivery's outcome is on the job
        assert api.get(location).json()["webhook_status"] == 204

        # the credentials list pages the same way, keeping its filters
        first = api.get("/api/v1/credentials", params={"limit": 20, "q": "sis-"})
        body = first.json()
        assert body["total"] == 21 and len(body["items"]) == 20
        assert "q=sis-" in body["next"] and "offset=20" in body["next"]
        assert LINK.match(first.headers["link"])
        last = api.get(body["next"]).json()
        assert len(last["items"]) == 1 and last["next"] is None
        refs = {i["learner_ref"] for i in body["items"] + last["items"]}
        assert refs == {f"sis-{i:04d}" for i in range(23)} - {"sis-0005", "sis-0017"}


def test_no_webhook_a_failing_receiver_and_a_cleared_webhook(
        live: LiveIssuer, receiver: Receiver) -> None:
    tenant, token = live.tenant("roc-hooks")
    with live.client(token) as api:
        ach = api.post("/api/v1/achievements", json=template()).json()["id"]

        def run(n: int) -> str:
            r = api.post("/api/v1/batches", json={"items": _items(ach, n, bad=set())})
            assert r.status_code == 202
            assert _wait_done(api, r.headers["location"])["state"] == "done"
            return str(r.headers["location"])

        def webhook_status(location: str) -> int | None:
            deadline = time.monotonic() + 10
            while True:  # recorded right after the delivery attempt
                status: int | None = api.get(location).json()["webhook_status"]
                if status is not None or time.monotonic() > deadline:
                    return status
                time.sleep(0.05)

        # no webhook set: nothing is sent, webhook_status stays null
        quiet = run(2)
        time.sleep(0.3)
        assert api.get(quiet).json()["webhook_status"] is None and receiver.received == []
        # a receiver answering 500: the batch is done all the same, the status is recorded
        set_webhook(live.ctx, tenant, receiver.url, actor="test")
        receiver.status = 500
        assert webhook_status(run(1)) == 500
        assert len(receiver.received) == 1
        # a receiver that is gone: 0 (not delivered)
        set_webhook(live.ctx, tenant, "http://127.0.0.1:9/gone", actor="test")
        assert webhook_status(run(1)) == 0
        # cleared: no more deliveries
        clear_webhook(live.ctx, tenant, actor="test")
        silent = run(1)
        time.sleep(0.3)
        assert api.get(silent).json()["webhook_status"] is None
        assert len(receiver.received) == 1


def test_the_catalogue_pages_too(live: LiveIssuer) -> None:
    _, token = live.tenant("roc-catalogue")
    with live.client(token) as api:
        made = [api.post("/api/v1/achievements", json=template()).json()["id"]
                for _ in range(5)]
        first = api.get("/api/v1/achievements", params={"limit": 3})
        body = first.json()
        assert (body["total"], body["offset"], len(body["items"])) == (5, 0, 3)
        assert LINK.match(first.headers["link"]).group(1) == body["next"]  # type: ignore[union-attr]
        last = api.get(body["next"])
        assert last.json()["next"] is None and "link" not in last.headers
        assert [a["id"] for a in body["items"] + last.json()["items"]] == made
        api.delete(f"/api/v1/achievements/{made[0]}")
        assert api.get("/api/v1/achievements").json()["total"] == 4


def test_a_webhook_url_is_checked(live: LiveIssuer) -> None:
    from rotonde.errors import ValidationError

    tenant, _ = live.tenant("roc-urls")
    for bad in ("ftp://example.org/hook", "https://user:pw@example.org/hook",
                "https://example.org/hook#x", "not a url", "https://" + "a" * 500 + ".nl"):
        with pytest.raises(ValidationError) as err:
            set_webhook(live.ctx, tenant, bad, actor="test")
        assert err.value.problems[0].code == "webhook.invalid_url"
        assert err.value.problems[0].pointer == "/url"


def test_openapi_documents_location_link_and_the_page_models(live: LiveIssuer) -> None:
    spec = httpx.get(live.url + "/openapi.json").json()
    create = spec["paths"]["/api/v1/batches"]["post"]["responses"]["202"]
    assert "Location" in create["headers"]
    items = spec["paths"]["/api/v1/batches/{job_id}/items"]["get"]["responses"]["200"]
    assert "Link" in items["headers"]
    assert items["content"]["application/json"]["schema"]["$ref"].endswith("/JobItemList")
    schemas = spec["components"]["schemas"]
    assert {"total", "offset", "limit", "next", "items"} <= set(schemas["JobItemList"]["properties"])
    assert "learner_ref" in schemas["JobItem"]["properties"]
    assert "webhook_status" in schemas["Job"]["properties"]
    assert "next" in schemas["IssuedList"]["properties"]
    creds = spec["paths"]["/api/v1/credentials"]["get"]["responses"]["200"]
    assert "Link" in creds["headers"]
