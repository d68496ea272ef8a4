"""``rotonde up`` as a newcomer runs it: a real subprocess on free ports with a fresh data dir.

First run: demo.json appears, the three services answer, the printed offer is redeemed by the
demo learner through the wallet's own forms (login, offer, PIN), her progress shows, and she
answers the employer's request made from the shipped requirement profile. SIGINT stops it
with exit 0 and no traceback. A second run on the same data dir duplicates nothing and prints
a new offer. Faults (busy port, missing parent directory, unreachable database) are one line
on stderr and a non-zero exit.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
BANNER_END = "Ctrl-C stops everything."


def free_ports(n: int) -> list[int]:
    socks = [socket.socket() for _ in range(n)]
    try:
        for s in socks:
            s.bind(("127.0.0.1", 0))
        return [int(s.getsockname()[1]) for s in socks]
    finally:
        for s in socks:
            s.close()


@dataclass
class Run:
    proc: subprocess.Popen[bytes]
    out: Path
    err: Path
    data_dir: Path
    ports: list[int]

    def stdout(self) -> str:
        return self.out.read_text(encoding="utf-8", errors="replace")

    def stderr(self) -> str:
        return self.err.read_text(encoding="utf-8", errors="replace")

    def demo(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((self.data_dir / "demo.json").read_text("utf-8"))
        return data

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            return self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:  # pragma: no cover - reported as a failure
            self.proc.kill()
            self.proc.wait()
            raise


def start(data_dir: Path, ports: list[int], tag: str, *extra: str, logs: Path | None = None,
          env: dict[str, str] | None = None) -> Run:
    logs = logs or data_dir.parent
    out, err = logs / f"{tag}.out", logs / f"{tag}.err"
    args = [sys.executable, "-m", "rotonde.cli", "up", "--data-dir", str(data_dir),
            "--issuer-port", str(ports[0]), "--wallet-port", str(ports[1]),
            "--verifier-port", str(ports[2]), *extra]
    with out.open("wb") as o, err.open("wb") as e:
        proc = subprocess.Popen(args, cwd=ROOT, stdout=o, stderr=e,
                                env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})})
    return Run(proc, out, err, data_dir, ports)


def wait_ready(run: Run, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while BANNER_END not in run.stdout():
        if run.proc.poll() is not None:
            pytest.fail(f"rotonde up exited {run.proc.returncode}: {run.stderr()}")
        if time.monotonic() > deadline:
            run.proc.kill()
            pytest.fail(f"rotonde up did not start: {run.stdout()} {run.stderr()}")
        time.sleep(0.1)


@pytest.fixture(scope="module")
def first(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    base = tmp_path_factory.mktemp("up")
    run = start(base / "data", free_ports(3), "first")
    try:
        wait_ready(run)
        yield run
    finally:
        if run.proc.poll() is None:
            run.proc.kill()
            run.proc.wait()


def csrf_of(html: str) -> str:
    m = CSRF.search(html)
    assert m, "no CSRF token on the page"
    return m.group(1)


def test_demo_json_and_banner(first: Run) -> None:
    demo = first.demo()
    i, w, v = first.ports
    assert demo["issuer_url"] == f"http://127.0.0.1:{i}"
    assert demo["wallet_url"] == f"http://127.0.0.1:{w}"
    assert demo["verifier_url"] == f"http://127.0.0.1:{v}"
    assert demo["api_key"] == demo["api_keys"]["metaalschool-oost"]
    assert set(demo["api_keys"]) == {"roc-rijnvallei", "metaalschool-oost",
                                     "vandijk-staalbouw", "evc-centrum-gelderland"}
    assert demo["learner"]["username"] == "sanne" and len(demo["learner"]["password"]) >= 12
    offer = demo["offer"]
    assert offer["uri"].startswith("openid-credential-offer://?credential_offer_uri=")
    assert re.fullmatch(r"[0-9]{6}", offer["tx_code"])
    printed = first.stdout()
    for value in (demo["issuer_url"], demo["wallet_url"], demo["verifier_url"],
                  demo["learner"]["password"], offer["tx_code"], offer["page"], offer["uri"]):
        assert value in printed
    assert "Zo werkt het" in printed and "Walkthrough" in printed
    assert (first.data_dir / "demo.json").stat().st_mode & 0o077 == 0
    assert "Traceback" not in first.stderr()
    # the trust list names every seeded tenant by its did:key
    trust = json.loads((first.data_dir / "trust-list.json").read_text("utf-8"))
    dids = {t["did"] for t in demo["tenants"].values()}
    assert {i for e in trust["issuers"] for i in e["identifiers"]} == dids
    assert all(d.startswith("did:key:z6Mk") for d in dids)


def test_services_answer(first: Run) -> None:
    demo = first.demo()
    page = httpx.get(demo["offer"]["page"], timeout=30)
    assert page.status_code == 200 and demo["offer"]["tx_code"] not in page.text
    meta = httpx.get(demo["issuer_url"] + "/tenants/metaalschool-oost/.well-known/"
                     "openid-credential-issuer", timeout=30)
    assert meta.status_code == 200, meta.text
    assert meta.json()["credential_issuer"].endswith("/tenants/metaalschool-oost")
    offer = httpx.get(demo["offer"]["credential_offer_uri"], timeout=30)
    assert offer.status_code == 200 and "grants" in offer.json()
    login = httpx.get(demo["wallet_url"] + "/login", timeout=30)
    assert login.status_code == 200 and 'name="password"' in login.text
    ask = httpx.get(demo["verifier_url"] + "/", timeout=30)
    assert ask.status_code == 200 and "Vacature constructiewerker" in ask.text
    api = httpx.get(demo["issuer_url"] + "/api/v1/achievements",
                    headers={"authorization": f"Bearer {demo['api_key']}"}, timeout=30)
    assert api.status_code == 200, api.text


def test_claim_progress_and_answer_the_employer(first: Run) -> None:
    demo = first.demo()
    wallet = httpx.Client(base_url=demo["wallet_url"], follow_redirects=True, timeout=60)
    # log in with the printed demo credentials
    r = wallet.post("/login", data={"username": "sanne",
                                    "password": demo["learner"]["password"],
                                    "csrf": csrf_of(wallet.get("/login").text)})
    assert r.status_code == 200 and "/logout" in r.text, r.text[:2000]
    # claim: the printed wallet link, then the PIN
    r = wallet.get(demo["offer"]["wallet_link"])
    assert r.status_code == 200 and "Metaalschool Oost" in r.text, r.text[:2000]
    flow = re.search(r'action="/receive/([^"]+)"', r.text)
    assert flow, r.text[:2000]
    r = wallet.post(f"/receive/{flow.group(1)}", data={
        "csrf": csrf_of(r.text), "action": "accept", "tx_code": demo["offer"]["tx_code"]})
    assert r.status_code == 200 and "Bewaard in je wallet" in r.text, r.text[:3000]
    # progress on the shipped pathway (rewritten to the seeded tenants)
    r = wallet.get("/progress")
    assert r.status_code == 200 and "lasser" in r.text.lower()
    assert not re.search(r"\b0%", r.text), r.text[:3000]
    # the employer's request from the requirement profile, answered from the web wallet
    verifier = httpx.Client(base_url=demo["verifier_url"], follow_redirects=True, timeout=60)
    ask = verifier.get("/").text
    profile = re.search(r'<option value="([^"]+)">Vacature constructiewerker', ask)
    assert profile, ask[:2000]
    r = verifier.post("/requests", data={"profile": profile.group(1)})
    assert r.status_code == 200, r.text[:2000]
    session_id = str(r.url).rstrip("/").rsplit("/", 1)[-1]
    link = re.search(r'href="(' + re.escape(demo["wallet_url"]) + r'/authorize\?[^"]+)"',
                     r.text)
    assert link, r.text[:3000]
    consent = wallet.get(link.group(1).replace("&amp;", "&"))
    assert consent.status_code == 200, consent.text[:3000]
    m = re.search(r'action="/present/([^"]+)"', consent.text)
    assert m, consent.text[:3000]
    form = {"csrf": csrf_of(consent.text), "action": "share"}
    for name, value in re.findall(r'name="(cred_[^"]+)" value="([^"]*)" checked', consent.text):
        form[name] = value
    shared = wallet.post(f"/present/{m.group(1)}", data=form)
    assert shared.status_code == 200, shared.text[:3000]
    result = verifier.get(f"/results/{session_id}.json").json()
    assert result["status"] == "completed", result
    assert result["verdict"] in ("accepted", "partial", "rejected"), result
    text = json.dumps(result)
    assert "mag-lassen" in text, text[:3000]
    print("verdict:", text[:4000])


def test_sigint_then_second_run_reuses_everything(first: Run) -> None:
    demo1 = first.demo()
    assert first.stop() == 0, first.stderr()
    assert "Traceback" not in first.stdout() + first.stderr()
    assert "Stopped" in first.stdout()
    db = first.data_dir / "issuer" / "issuer.sqlite3"
    with sqlite3.connect(db) as conn:
        counts1 = [conn.execute(f"select count(*) from {t}").fetchone()[0]
                   for t in ("tenants", "achievements")]
    second = start(first.data_dir, first.ports, "second")
    try:
        wait_ready(second)
        demo2 = second.demo()
    finally:
        code = second.stop()
    assert code == 0, second.stderr()
    assert "Traceback" not in second.stdout() + second.stderr()
    with sqlite3.connect(db) as conn:
        counts2 = [conn.execute(f"select count(*) from {t}").fetchone()[0]
                   for t in ("tenants", "achievements")]
        slugs = [r[0] for r in conn.execute("select slug from tenants")]
    assert counts2 == counts1 and counts1[0] == 4 and len(set(slugs)) == 4
    assert demo2["api_key"] == demo1["api_key"] and demo2["api_keys"] == demo1["api_keys"]
    assert demo2["learner"] == demo1["learner"]
    assert demo2["tenants"] == demo1["tenants"]
    assert demo2["offer"]["uri"] != demo1["offer"]["uri"]
    assert demo2["offer"]["uri"] in second.stdout()


def _fails(run: Run, needle: str) -> None:
    code = run.proc.wait(timeout=60)
    err = run.stderr()
    assert code != 0, run.stdout()
    assert needle in err, err
    assert "Traceback" not in err + run.stdout()
    lines = [ln for ln in err.splitlines() if ln.startswith("rotonde")]
    assert len(lines) == 1, err


def test_busy_port_is_one_clear_line(tmp_path: Path) -> None:
    ports = free_ports(3)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", ports[1]))
        busy.listen(1)
        run = start(tmp_path / "data", ports, "busy")
        _fails(run, f"port {ports[1]} for the wallet is already in use")


def test_missing_parent_directory(tmp_path: Path) -> None:
    run = start(tmp_path / "no" / "such" / "data", free_ports(3), "parent", logs=tmp_path)
    _fails(run, "does not exist")


def test_unreachable_database(tmp_path: Path) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    run = start(tmp_path / "data", free_ports(3), "db", env={
        "ROTONDE_ISSUER_DATABASE_URL": f"postgresql+psycopg://rotonde@127.0.0.1:{port}/none"})
    _fails(run, "rotonde up:")
