"""Architecture rules that keep the core pure (DESIGN.md §3, §4)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "rotonde"
#: Parts of the package that are the service edge, not the core.
EDGE = {CORE / "web", CORE / "cli"}
FORBIDDEN = {"fastapi", "starlette", "sqlalchemy", "alembic", "jinja2", "uvicorn"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_core_never_imports_web_or_database_frameworks() -> None:
    offenders = []
    for path in CORE.rglob("*.py"):
        if any(edge in path.parents for edge in EDGE):
            continue
        bad = _imports(path) & FORBIDDEN
        if bad:
            offenders.append(f"{path.relative_to(ROOT)}: {sorted(bad)}")
    assert offenders == []


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
    for path in CORE.rglob("*.py"):
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


#: The modules that may talk to the network: the Fetcher and its transport (DESIGN.md §5).
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
    for package in ("rotonde", "issuer", "wallet", "verifier", "examples"):
        for path in (ROOT / package).rglob("*.py"):
            if path in FETCHER_MODULES:
                continue
            bad = _full_imports(path)
            if bad:
                offenders.append(f"{path.relative_to(ROOT)}: {sorted(bad)}")
    assert offenders == []
