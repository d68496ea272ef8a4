"""``rotonde up`` as a newcomer runs it: a real subprocess on free ports with a fresh data dir.

First run: demo.json appears, the three services answer, the printed offer is redeemed by the
demo learner through the wallet's own forms (login, offer, PIN), her progress shows, and she
answers the employer's request made from the shipped requirement profile. SIGINT stops it
with exit 0 and no traceback. A second run on the same data dir duplicates nothing and prints
a new offer. Faults (busy port, missing parent directory, unreachable database) are one line
on stderr and a non-zero exit.
"""

from __future__ import annotations

import html
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

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
    assert httpx.get(demo["issuer_url"] + "/docs", timeout=30).status_code == 200
    api = httpx.get(demo["issuer_url"] + "/api/v1/achievements",
                    headers={"authorization": f"Bearer {demo['api_key']}"}, timeout=30)
    assert api.status_code == 200, api.text


def claim(wallet: httpx.Client, offer: dict[str, Any], page: httpx.Response | None = None) -> None:
    r = page or wallet.get(offer["wallet_link"])
    assert r.status_code == 200 and offer["issuer"]["nl"] in r.text, r.text[:2000]
    flow = re.search(r'action="/receive/([^"]+)"', r.text)
    assert flow, r.text[:2000]
    r = wallet.post(f"/receive/{flow.group(1)}", data={
        "csrf": csrf_of(r.text), "action": "accept", "tx_code": offer["tx_code"]})
    assert r.status_code == 200 and "Bewaard in je wallet" in r.text, r.text[:3000]


def test_claim_progress_and_answer_the_employer(first: Run) -> None:
    demo = first.demo()
    wallet = httpx.Client(base_url=demo["wallet_url"], follow_redirects=True, timeout=60)
    # the walkthrough: open the printed wallet link, log in as the demo learner (the wallet
    # returns to the offer), enter the PIN
    r = wallet.get(demo["offer"]["wallet_link"])
    nxt = re.search(r'name="next" value="([^"]+)"', r.text)
    assert r.status_code == 200 and nxt, r.text[:2000]
    r = wallet.post("/login", data={"username": "sanne", "password": demo["learner"]["password"],
                                    "csrf": csrf_of(r.text), "next": html.unescape(nxt.group(1))})
    assert r.status_code == 200 and "/logout" in r.text, r.text[:2000]
    claim(wallet, demo["offer"], r)
    # progress on the shipped pathway (rewritten to the seeded tenants)
    r = wallet.get("/progress")
    assert r.status_code == 200 and "lasser" in r.text.lower()
    assert not re.search(r"\b0%", r.text), r.text[:3000]
    # the employer's request from the requirement profile, answered from the web wallet;
    # with the two further printed offers Sanne meets every required item
    for extra in demo["more_offers"]:
        claim(wallet, extra)
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
    # per question, the credential that meets it (the wallet pre-selects the first one)
    wanted = {"mag-lassen": "MAG-lassen", "tekening-lezen": "tekening",
              "veilig-werken": "Veilig werken"}
    options = re.findall(r'name="cred_([^"]+)" value="([^"]+)"[^>]*>\s*<label[^>]*>([^<]+)',
                         consent.text)
    for query, cred, title in options:
        if query in wanted and wanted[query].lower() in title.lower():
            form[f"cred_{query}"] = cred
    assert set(wanted) <= {k.removeprefix("cred_") for k in form}, options
    shared = wallet.post(f"/present/{m.group(1)}", data=form)
    assert shared.status_code == 200, shared.text[:3000]
    result = verifier.get(f"/results/{session_id}.json").json()
    assert result["status"] == "completed", result
    assert result["verdict"] == "accepted", json.dumps(result)[:4000]
    assert {c["query_id"] for c in result["result"]["credentials"]} >= {
        "mag-lassen", "tekening-lezen", "veilig-werken"}


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


@given(st.one_of(st.binary(max_size=300),
                 st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                              lambda c: st.lists(c, max_size=4)
                              | st.dictionaries(st.text(max_size=8), c, max_size=4),
                              max_leaves=20).map(lambda v: json.dumps(v).encode())))
def test_read_state_accepts_only_what_it_can_read(raw: bytes) -> None:
    """demo.json is read back on every start: damaged content is a clear error, never a crash."""
    from rotonde.errors import ConfigurationError
    from stack.seed import read_state

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "demo.json"
        path.write_bytes(raw)
        try:
            state = read_state(path)
        except ConfigurationError as exc:
            assert exc.code == "up.state_unreadable"
        else:
            assert isinstance(state.data, dict)


def test_trust_list_and_rewritten_examples_follow_their_schemas(tmp_path: Path) -> None:
    import jsonschema

    from rotonde.learning.matching import validate_profile
    from rotonde.trust import load_trust_list
    from stack.seed import (
        DemoState,
        load_providers,
        rewrite_examples,
        trust_list_for,
    )

    providers = load_providers(ROOT / "examples")
    state = DemoState({})
    mapping = {}
    for n, p in enumerate(providers):
        did = f"did:key:z6Mk{'abcdefgh'[n]}test"
        state.tenant(p.slug)["did"] = did
        mapping[p.example_id] = did
    trust = trust_list_for(providers, state)
    schema = json.loads((ROOT / "schemas" / "trust-list.schema.json").read_text("utf-8"))
    jsonschema.Draft202012Validator(schema).validate(trust)
    loaded = load_trust_list(trust)
    assert len(trust["issuers"]) == 4 and loaded is not None
    metal = next(e for e in trust["issuers"] if e["name"]["nl"] == "Metaalschool Oost")
    assert metal["kinds"] == ["microcredential"]
    assert {"framework": "NLQF", "value": 2} in metal["max_levels"]
    evc = next(e for e in trust["issuers"] if "EVC" in e["name"]["nl"])
    assert evc["kinds"] == ["evc"]
    dirs = rewrite_examples(ROOT / "examples", tmp_path, mapping)
    text = "".join(p.read_text("utf-8") for d in dirs.values() for p in d.glob("*.json"))
    assert "did:web:" not in text and "did:key:z6Mkbtest" in text
    for path in dirs["requirements"].glob("*.json"):
        validate_profile(json.loads(path.read_text("utf-8")))


def test_data_dir_faults_are_named(tmp_path: Path) -> None:
    from rotonde.errors import ConfigurationError
    from stack.up import _prepare_data_dir

    afile = tmp_path / "file"
    afile.write_text("x", encoding="utf-8")
    with pytest.raises(ConfigurationError) as info:
        _prepare_data_dir(afile)
    assert info.value.code == "up.data_dir_not_a_directory"
    with pytest.raises(ConfigurationError) as info:
        _prepare_data_dir(tmp_path / "a" / "b")
    assert info.value.code == "up.data_dir_parent_missing"
    assert _prepare_data_dir(tmp_path / "new").is_dir()


def test_equal_ports_are_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from rotonde.cli import main

    code = main(["up", "--data-dir", str(tmp_path / "d"), "--issuer-port", "18001",
                 "--wallet-port", "18001", "--verifier-port", "18003"])
    assert code == 2
    assert "ports must be different" in capsys.readouterr().err
    assert not (tmp_path / "d").exists()
