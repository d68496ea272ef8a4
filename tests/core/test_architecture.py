"""Architecture rules: one direction of dependency (docs/architecture.md).

::

    stack ──▶ issuer, wallet, verifier ──▶ servicekit ──▶ rotonde (the core)

* The core imports no web framework, database, image library, password hasher, nor anything
  above it; inside the core, a layer imports only its own layer and those below (:data:`LAYERS`).
* ``servicekit`` (shared service plumbing) imports the core, never a service or ``stack``.
* The three services never import each other, nor ``stack``.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "rotonde"
SERVICES = ("issuer", "wallet", "verifier")
#: Distributions the core must not need (they are the ``server`` extra, or above the core).
FORBIDDEN_IN_CORE = {
    "fastapi", "starlette", "sqlalchemy", "alembic", "jinja2", "uvicorn", "psycopg", "psycopg2",
    "argon2", "multipart", "python_multipart", "zxingcpp", "PIL", "redis",
    "servicekit", "stack", *SERVICES,
}
#: The core's subpackages and modules by layer, lowest first.
LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"errors", "clock", "encoding", "text", "_urls", "_deadline", "_hostlimit",
               "_urlpolicy", "_ed25519", "_schema_messages", "_resources", "schema", "qr",
               "formats"}),
    frozenset({"keys", "http", "rdfc"}),
    frozenset({"jws", "did", "keyresolve", "jsonld"}),
    frozenset({"proofs", "sdjwt", "credential", "presentation", "envelope", "jose", "jwt_vc",
               "status", "trust"}),
    frozenset({"learning", "oid4vci", "oid4vp"}),
    frozenset({"verify"}),
    frozenset({"cli"}),
)


def _imports(path: Path, *, depth: int = 1) -> set[str]:
    """Absolute module names imported by ``path``, cut to their first ``depth`` parts; also
    modules named to ``importlib.import_module`` with a literal string."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif (isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "import_module"
              and node.args and isinstance(node.args[0], ast.Constant)
              and isinstance(node.args[0].value, str)):
            names.add(node.args[0].value)
    return {".".join(n.split(".")[:depth]) for n in names}


def _py(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def test_core_imports_nothing_above_it() -> None:
    offenders = []
    for path in _py("rotonde"):
        bad = _imports(path) & FORBIDDEN_IN_CORE
        if bad:
            offenders.append(f"{path.relative_to(ROOT)}: {sorted(bad)}")
    assert offenders == []


def _layer(name: str) -> int:
    for number, members in enumerate(LAYERS):
        if name in members:
            return number
    raise AssertionError(f"rotonde.{name} is in no layer of LAYERS: add it")


def test_core_layers_point_down() -> None:
    offenders = []
    for path in _py("rotonde"):
        parts = path.relative_to(CORE).parts
        if parts == ("__init__.py",):
            continue
        own = parts[0].removesuffix(".py")
        for name in _imports(path, depth=2):
            if not name.startswith("rotonde.") or name == "rotonde.__version__":
                continue
            used = name.split(".")[1]
            if used != own and _layer(used) > _layer(own):
                offenders.append(f"{path.relative_to(ROOT)} imports rotonde.{used}")
    assert offenders == []


def test_servicekit_imports_no_service() -> None:
    offenders = [f"{p.relative_to(ROOT)}: {sorted(bad)}" for p in _py("servicekit")
                 if (bad := _imports(p) & {"stack", *SERVICES})]
    assert offenders == []


def test_services_never_import_each_other() -> None:
    offenders = []
    for service in SERVICES:
        others = {"stack", *SERVICES} - {service}
        for path in _py(service):
            bad = _imports(path) & others
            if bad:
                offenders.append(f"{path.relative_to(ROOT)}: {sorted(bad)}")
    assert offenders == []


def test_the_rules_can_fail() -> None:
    """The checks see imports in every form the code uses them (guards against a vacuous rule)."""
    stack_up = _imports(ROOT / "stack" / "up.py")
    assert {"issuer", "wallet", "verifier"} <= stack_up
    assert "rotonde" in _imports(ROOT / "servicekit" / "db.py")


def test_pyld_global_document_loader_is_never_set() -> None:
    """pyld's set_document_loader is process-global; every call passes its own loader."""
    for path in CORE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
                assert name != "set_document_loader", f"{path}:{node.lineno}"


def test_every_public_core_module_declares_its_api() -> None:
    missing = []
    for path in [*CORE.rglob("*.py"), *(ROOT / "servicekit").rglob("*.py")]:
        if path.name.startswith("_") and path.name != "__init__.py":
            continue
        if path.name == "__main__.py" or "contexts" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        declares = any(
            isinstance(n, (ast.Assign, ast.AnnAssign))
            and any(getattr(t, "id", None) == "__all__" for t in getattr(n, "targets", [getattr(n, "target", None)]))
            for n in tree.body
        )
        if not declares and tree.body:
            missing.append(str(path.relative_to(ROOT)))
    assert missing == []


#: The modules that may talk to the network: the Fetcher and its transport (docs/architecture.md §5).
FETCHER_MODULES = {CORE / "http.py", CORE / "_urlpolicy.py", CORE / "_deadline.py"}
#: Libraries that make outbound requests (``socket`` alone is fine: servers bind sockets).
HTTP_CLIENTS = {"httpx", "httpcore", "requests", "urllib3", "aiohttp", "http.client",
                "urllib.request"}


def _full_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return {n for n in names for client in HTTP_CLIENTS if n == client or n.startswith(client + ".")}


def test_only_the_fetcher_makes_outbound_requests() -> None:
    """Every outbound request (GET and POST, webhooks included) goes through rotonde.http.Fetcher:
    no product module outside it imports an HTTP client."""
    offenders = []
    for package in ("rotonde", "servicekit", "stack", "issuer", "wallet", "verifier", "examples"):
        for path in (ROOT / package).rglob("*.py"):
            if path in FETCHER_MODULES:
                continue
            bad = _full_imports(path)
            if bad:
                offenders.append(f"{path.relative_to(ROOT)}: {sorted(bad)}")
    assert offenders == []
