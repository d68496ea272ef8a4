"""Load on real servers: the issuance and verification flows over HTTP against uvicorn
subprocesses on loopback, as ratios to ``GET /healthz`` of the same server in the same run.

* ``issue_flow_<db>_w<n>``: one learner's issuance, five requests — provider API
  ``POST /api/v1/credentials``, ``GET`` the credential offer (by reference), ``POST /token``
  (pre-authorized code + PIN), ``POST /nonce``, ``POST /credential`` with a fresh ES256 key
  proof, answered with a signed SD-JWT VC (OpenID4VCI 1.0 §§4.1.3, 6, 7, 8).
* ``verify_kb_<db>_w<n>``: ``POST /vc-api/presentations/verify`` of an SD-JWT VC presentation
  with KB-JWT (W3C VC-API; SD-JWT VC), issuer ``did:key``, no status reference.

Each for ``db`` in ``sqlite`` (a file in a temporary data dir) and ``pg`` (a fresh schema on the
PostgreSQL at 127.0.0.1:5432, skipped when unreachable), with 1 and 2 uvicorn worker processes.
The load generator is a pool of threads, each with its own keep-alive ``httpx.Client``, running
closed-loop for a fixed time. Three lines per case: ``seconds`` = wall time per flow at the
measured throughput (``_tput``: 1 / flows per second), the median (``_p50``) and the 99th
percentile (``_p99``) latency of one flow, each against the same statistic of ``/healthz``.

Bounded: every phase has a deadline, servers are stopped (SIGTERM, then SIGKILL of their own
process group) in ``finally``; about 2.5 minutes for a full run, under 40 s with ``--quick``.
``python -m benchmarks.load_bench [--quick]`` also prints requests per second and latencies.
"""

from __future__ import annotations

import os
import secrets
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks._ratio import Result
from tests.servers import free_port, spawned

__all__ = ["Phase", "run", "serve"]

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CONCURRENCY = 4
SD_JWT_CONFIG = "microcredential_sd_jwt"


# --- serving: the services' own factories (`<service>.app:app_from_env`), with a socket fix ---


def serve(factory: str, port: int, workers: int) -> None:
    """``uvicorn --factory --workers N`` with one fix: the listening socket is created with
    ``IPPROTO_TCP`` so that asyncio sets ``TCP_NODELAY`` on accepted connections. uvicorn's own
    ``bind_socket`` leaves ``proto`` at 0 whenever it pre-binds (``--workers`` > 1), and every
    keep-alive request after the first then waits ~40 ms for a delayed ACK (Kludex/uvicorn#3149,
    open for uvicorn 0.54). One worker is served exactly as ``uvicorn`` itself does."""
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    from servicekit.serving import listening_socket

    config = uvicorn.Config(factory, factory=True, host="127.0.0.1",
                            port=port, workers=workers, log_level="warning", access_log=False)
    if workers == 1:
        uvicorn.Server(config).run()
        return
    Multiprocess(config, sockets=[listening_socket("127.0.0.1", port)]).run()


# --- measurement ---


@dataclass
class Phase:
    """Outcome of one closed-loop phase: per-operation latencies and HTTP request count."""

    seconds: float
    latencies: list[float] = field(default_factory=list)
    requests: int = 0
    errors: int = 0

    @property
    def ops_per_second(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    @property
    def requests_per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        data = sorted(self.latencies)
        if not data:
            return float("nan")
        return data[min(len(data) - 1, int(q * len(data)))]


def _drive(
    make_op: Callable[[Any], Callable[[], int]], base_url: str, *, seconds: float,
    warmup: float, concurrency: int = CONCURRENCY,
) -> Phase:
    """Run ``op`` in ``concurrency`` threads for ``warmup`` + ``seconds``; only ops that start
    after the warm-up count. ``make_op(client)`` returns an op returning its request count."""
    import httpx

    lock = threading.Lock()
    start_at = time.perf_counter() + warmup
    stop_at = start_at + seconds
    phase = Phase(seconds)

    def worker() -> None:
        with httpx.Client(base_url=base_url, timeout=30) as client:
            op = make_op(client)
            lat: list[float] = []
            reqs = errs = 0
            while True:
                t0 = time.perf_counter()
                if t0 >= stop_at:
                    break
                try:
                    n = op()
                except Exception:
                    errs += 1
                    time.sleep(0.01)
                    continue
                t1 = time.perf_counter()
                if t0 >= start_at and t1 <= stop_at:
                    lat.append(t1 - t0)
                    reqs += n
            with lock:
                phase.latencies.extend(lat)
                phase.requests += reqs
                phase.errors += errs

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=warmup + seconds + 60)
    return phase


def _healthz(client: Any) -> Callable[[], int]:
    def op() -> int:
        r = client.get("/healthz")
        if r.status_code != 200:
            raise RuntimeError(r.text)
        return 1

    return op


# --- servers ---


@contextmanager
def _server(factory: str, port: int, workers: int, env: dict[str, str]) -> Iterator[str]:
    """``uvicorn <factory> --factory`` on 127.0.0.1:``port``; yields the base URL."""
    cmd = [PYTHON, "-c", "from benchmarks.load_bench import serve; "
           f"serve({factory!r}, {port}, {workers})"]
    full_env = {**os.environ, **env, "PYTHONPATH": str(ROOT)}
    with spawned(cmd, f"http://127.0.0.1:{port}", env=full_env, cwd=ROOT, name=factory) as url:
        if workers > 1:  # let every worker finish its start-up before measuring
            time.sleep(1.0)
        yield url


# --- databases ---


@dataclass(frozen=True)
class _Db:
    name: str  # "sqlite" | "pg"
    url: str  # "" = SQLite in the data dir
    schema: str | None


def _pg_url() -> str | None:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from tests.pg import pg_url

    return pg_url()


def _drop_schema(url: str, schema: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


@contextmanager
def _database(kind: str) -> Iterator[_Db | None]:
    if kind == "sqlite":
        yield _Db("sqlite", "", None)
        return
    url = _pg_url()
    if url is None:
        yield None
        return
    schema = f"load_{secrets.token_hex(6)}"
    try:
        yield _Db("pg", url, schema)
    finally:
        _drop_schema(url, schema)


def _env(prefix: str, data_dir: Path, port: int, db: _Db, kek: str) -> dict[str, str]:
    env = {prefix + "DEV": "1", prefix + "DATA_DIR": str(data_dir), prefix + "KEK": kek,
           prefix + "PUBLIC_URL": f"http://127.0.0.1:{port}",
           # the load comes from one address; the per-client limit would otherwise cap it
           prefix + "RATE_LIMIT": "100000000"}
    if db.url:
        env[prefix + "DATABASE_URL"] = db.url
        env[prefix + "DB_SCHEMA"] = db.schema or ""
    return env


# --- the issuance flow ---


def _prepare_issuer(env: dict[str, str]) -> tuple[str, str, str]:
    """Migrate, create a tenant, an API key and an achievement; ``(token, achievement, slug)``.
    Done once before the workers start, so they never race on migrations."""
    from issuer.context import open_context
    from issuer.flows.apikeys import new_api_key
    from issuer.flows.catalogue import create_achievement
    from issuer.flows.tenants import create_tenant
    from issuer.settings import ENV_PREFIX, IssuerSettings
    from servicekit.settings import settings_from_env
    from tests.issuer._support import template

    settings = settings_from_env(IssuerSettings, ENV_PREFIX, env).validate()
    ctx = open_context(settings, environ=env)
    try:
        tenant = create_tenant(ctx, slug="load", name_nl="Belasting", name_en="Load")
        _, token = new_api_key(ctx, tenant.id)
        ach = create_achievement(ctx, tenant, template(), actor="bench")
    finally:
        ctx.db.dispose()
    return token, str(ach["id"]), tenant.slug


def _issue_op(token: str, achievement: str, issuer: str) -> Callable[[Any], Callable[[], int]]:
    from rotonde import oid4vci
    from rotonde.keys import generate

    def make(client: Any) -> Callable[[], int]:
        key = generate("ES256")
        counter = iter(range(1 << 30))

        def op() -> int:
            n = next(counter)
            r = client.post("/api/v1/credentials", headers={"Authorization": f"Bearer {token}"},
                            json={"achievement_id": achievement,
                                  "learner": {"name": f"Learner {n}"}})
            if r.status_code != 201:
                raise RuntimeError(r.text)
            issued = r.json()["offer"]
            offer = client.get(issued["credential_offer_uri"]).json()
            code = offer["grants"][oid4vci.PRE_AUTHORIZED_GRANT]["pre-authorized_code"]
            access = client.post(f"{issuer}/token", data=oid4vci.token_request(
                code, issued.get("tx_code"))).json()["access_token"]
            nonce = client.post(f"{issuer}/nonce").json()["c_nonce"]
            proof = oid4vci.create_proof(key, audience=issuer, nonce=nonce)
            r = client.post(f"{issuer}/credential", headers={"Authorization": f"Bearer {access}"},
                            json=oid4vci.credential_request(SD_JWT_CONFIG, jwt_proofs=[proof]))
            if r.status_code != 200:
                raise RuntimeError(r.text)
            return 5

        return op

    return make


# --- the verification flow ---


def _presentations(count: int) -> list[dict[str, Any]]:
    """VC-API verify bodies: SD-JWT VC + KB-JWT, each with its own challenge."""
    from rotonde.keys import generate
    from rotonde.sdjwt import present
    from tests.verifier._support import Issuer

    issuer, holder = Issuer(), generate("ES256")
    credential = issuer.credential(holder)
    bodies = []
    for i in range(count):
        challenge = f"load-challenge-{i:04d}"
        shown = present(credential, disclose=["title", "level"], holder_key=holder,
                        nonce=challenge, aud="load.example")
        bodies.append({"verifiablePresentation": shown,
                       "options": {"challenge": challenge, "domain": "load.example"}})
    return bodies


def _verify_op(bodies: list[dict[str, Any]]) -> Callable[[Any], Callable[[], int]]:
    def make(client: Any) -> Callable[[], int]:
        counter = iter(range(1 << 30))

        def op() -> int:
            body = bodies[next(counter) % len(bodies)]
            r = client.post("/vc-api/presentations/verify", json=body)
            if r.status_code != 200 or not r.json().get("verified", False):
                raise RuntimeError(r.text)
            return 1

        return op

    return make


def _prepare_verifier(env: dict[str, str]) -> None:
    """Migrate and create the verifier's signing key once, before the workers start."""
    from verifier.app import create_app
    from verifier.settings import load_settings

    app = create_app(load_settings(environ=env))
    app.state.verifier.db.dispose()


# --- one configuration ---


@dataclass
class Case:
    name: str
    flow: Phase
    healthz: Phase

    def results(self) -> list[Result]:
        h, f = self.healthz, self.flow
        return [
            Result("load", f"{self.name}_tput", "ES256", 1 / max(f.ops_per_second, 1e-9),
                   "healthz", 1 / max(h.ops_per_second, 1e-9)),
            Result("load", f"{self.name}_p50", "ES256", f.percentile(0.50), "healthz",
                   h.percentile(0.50)),
            Result("load", f"{self.name}_p99", "ES256", f.percentile(0.99), "healthz",
                   h.percentile(0.99)),
        ]


def _measure(url: str, op: Callable[[Any], Callable[[], int]], seconds: float,
             warmup: float) -> tuple[Phase, Phase]:
    health = _drive(_healthz, url, seconds=seconds, warmup=warmup)
    flow = _drive(op, url, seconds=seconds, warmup=warmup)
    if flow.errors or not flow.latencies:
        raise RuntimeError(f"flow failed {flow.errors} times at {url}")
    return flow, health


def _config(kind: str, workers: int, seconds: float, warmup: float,
            bodies: list[dict[str, Any]]) -> list[Case]:
    cases: list[Case] = []
    from rotonde.encoding import b64url_encode

    kek = b64url_encode(secrets.token_bytes(32))
    with _database(kind) as db, tempfile.TemporaryDirectory() as tmp:
        if db is None:
            return cases
        port = free_port()
        env = _env("ROTONDE_ISSUER_", Path(tmp) / "issuer", port, db, kek)
        token, ach, slug = _prepare_issuer(env)
        with _server("issuer.app:app_from_env", port, workers, env) as url:
            flow, health = _measure(url, _issue_op(token, ach, f"{url}/tenants/{slug}"),
                                    seconds, warmup)
        cases.append(Case(f"issue_flow_{db.name}_w{workers}", flow, health))

    with _database(kind) as db, tempfile.TemporaryDirectory() as tmp:
        assert db is not None
        port = free_port()
        env = _env("ROTONDE_VERIFIER_", Path(tmp) / "verifier", port, db, kek)
        _prepare_verifier(env)
        with _server("verifier.app:app_from_env", port, workers, env) as url:
            flow, health = _measure(url, _verify_op(bodies), seconds, warmup)
        cases.append(Case(f"verify_kb_{db.name}_w{workers}", flow, health))
    return cases


def measure(quick: bool = False) -> list[Case]:
    """All cases; ``quick`` measures shorter and only with one worker per database."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    seconds, warmup = (1.5, 0.5) if quick else (4.0, 1.0)
    configs = [("sqlite", 1), ("pg", 1)] if quick else \
        [("sqlite", 1), ("sqlite", 2), ("pg", 1), ("pg", 2)]
    bodies = _presentations(20)
    cases: list[Case] = []
    for kind, workers in configs:
        cases.extend(_config(kind, workers, seconds, warmup, bodies))
    return cases


def run(quick: bool = False) -> list[Result]:
    return [r for case in measure(quick) for r in case.results()]


def summary(cases: list[Case]) -> str:
    """A Markdown table: requests/s, flows/s, p50/p99 in ms, and the /healthz figures."""
    lines = ["| case | flows/s | HTTP req/s | p50 ms | p99 ms | /healthz req/s | /healthz p50 ms"
             " | /healthz p99 ms | tput ratio |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for c in cases:
        f, h = c.flow, c.healthz
        lines.append(
            f"| {c.name} | {f.ops_per_second:.1f} | {f.requests_per_second:.1f} | "
            f"{f.percentile(0.5) * 1e3:.1f} | {f.percentile(0.99) * 1e3:.1f} | "
            f"{h.requests_per_second:.0f} | {h.percentile(0.5) * 1e3:.1f} | "
            f"{h.percentile(0.99) * 1e3:.1f} | "
            f"{h.ops_per_second / max(f.ops_per_second, 1e-9):.1f} |")
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    started = time.monotonic()
    found = measure(quick="--quick" in sys.argv)
    print(summary(found))
    print(f"\n{len(found)} cases in {time.monotonic() - started:.1f} s")
