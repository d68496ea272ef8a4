"""A static check for blocking work on the event loop (docs/architecture.md §4: "routes,
dependencies and handlers that touch the database, the Fetcher, argon2 or a signing key are
plain ``def``").

FastAPI runs plain ``def`` routes and dependencies in the thread pool, but an ``async def``
route, dependency, middleware, exception handler or lifespan runs *on* the event loop: one
argon2 hash or database round-trip there stalls every other request of the process.

:func:`offenders` parses the service packages and, for every ``async def``, follows the calls it
makes — into functions of the same module and, through ``import``/``from ... import``, into
functions of other project modules — and reports each path that reaches

* the database or session layer (``Database.session``, SQLAlchemy ``execute``/``scalar``...,
  the :class:`~servicekit.replay.OneTimeStore`, the rate-limit counter, account sessions),
* the Fetcher (any use of a ``fetcher``: it does blocking network I/O),
* argon2 (``PasswordHasher``, ``hash_password``, ``authenticate``),
* a signing key (``sign``, ``signer``, ``add_proof``, ``sign_vc_jwt``...).

Work handed to the thread pool (``run_in_threadpool(fn, ...)``, ``anyio.to_thread.run_sync``)
passes ``fn`` by reference, so it is not a call on the loop and is not followed.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["ROOT", "SCANNED", "Finding", "Project", "offenders"]

ROOT = Path(__file__).resolve().parents[2]
#: Everything that runs inside the three services: their packages and the shared web layer.
SCANNED = ("issuer", "wallet", "verifier", "servicekit")
#: The project's own packages (calls into them are followed).
PACKAGES = ("issuer", "wallet", "verifier", "servicekit", "rotonde")

#: Calls that hand work to the thread pool: their arguments are references, not calls.
OFFLOAD = {"run_in_threadpool", "run_sync", "to_thread"}

#: Attribute names of objects that are blocking to touch (``ctx.db.session()``,
#: ``ctx.once.consume(...)``, ``c.fetcher.get_json(...)``).
BLOCKING_OBJECTS = {
    "db": "database", "once": "database", "one_time": "database", "engine": "database",
    "fetcher": "Fetcher", "_client": "Fetcher",
    "_HASHER": "argon2", "signer": "signing", "key": "signing",
}
#: Method or function names that are blocking whatever they are called on.
BLOCKING_CALLS = {
    # database / session layer
    "session": "database", "connection": "database", "execute": "database",
    "scalar": "database", "scalars": "database", "commit": "database", "flush": "database",
    "count_request": "database", "run_idempotent": "database", "load_session": "database",
    "create_session": "database", "end_session": "database", "record_failure": "database",
    # argon2
    "PasswordHasher": "argon2", "hash_password": "argon2", "authenticate": "argon2",
    "verify_password": "argon2",
    # signing
    "sign": "signing", "add_proof": "signing", "sign_vc_jwt": "signing",
    "sign_request_object": "signing", "signer_for": "signing", "sign_jws": "signing",
}


@dataclass(frozen=True)
class Finding:
    where: str  # module:function:line of the async function
    kind: str  # database, Fetcher, argon2, signing
    path: tuple[str, ...]  # the call chain that reaches it

    def __str__(self) -> str:
        return f"{self.where} reaches {self.kind} via {' -> '.join(self.path)}"


def _chain(node: ast.AST) -> list[str]:
    """``a.b.c`` -> ``["a", "b", "c"]`` (calls and subscripts in between are skipped)."""
    out: list[str] = []
    while True:
        if isinstance(node, ast.Attribute):
            out.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Subscript):
            node = node.value
        elif isinstance(node, ast.Name):
            out.append(node.id)
            return out[::-1]
        else:
            return out[::-1]


@dataclass
class Module:
    name: str
    tree: ast.Module
    functions: dict[str, list[ast.FunctionDef | ast.AsyncFunctionDef]] = field(
        default_factory=dict)
    #: local name -> (module, attribute or None for a module import)
    imports: dict[str, tuple[str, str | None]] = field(default_factory=dict)


class Project:
    """The parsed project modules, with a memoised "does this function block?" analysis."""

    def __init__(self, root: Path = ROOT, sources: dict[str, str] | None = None) -> None:
        self.modules: dict[str, Module] = {}
        if sources is None:
            sources = {}
            for package in PACKAGES:
                for path in (root / package).rglob("*.py"):
                    if "migrations" in path.parts:
                        continue
                    rel = path.relative_to(root).with_suffix("")
                    name = ".".join(rel.parts[:-1] if rel.name == "__init__" else rel.parts)
                    sources[name] = path.read_text(encoding="utf-8")
        for name, text in sources.items():
            self.modules[name] = self._parse(name, text)
        self._memo: dict[tuple[str, str], tuple[str, tuple[str, ...]] | None] = {}

    def _parse(self, name: str, text: str) -> Module:
        tree = ast.parse(text)
        mod = Module(name, tree)
        package = name if name in {m.split(".")[0] for m in PACKAGES} else name.rpartition(".")[0]
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                mod.functions.setdefault(node.name, []).append(node)
            elif isinstance(node, ast.Import):
                for a in node.names:
                    mod.imports[a.asname or a.name.split(".")[0]] = (
                        a.name if a.asname else a.name.split(".")[0], None)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*parts, base] if base else parts)
                for a in node.names:
                    mod.imports[a.asname or a.name] = (base, a.name)
        return mod

    # -- resolution -------------------------------------------------------------------------

    def _target(self, mod: Module, chain: list[str]) -> tuple[str, str] | None:
        """The (module, function) a call chain names inside the project, if any."""
        if not chain:
            return None
        head = chain[0]
        if len(chain) == 1 and head in mod.functions:
            return mod.name, head
        if head not in mod.imports:
            return None
        base, attr = mod.imports[head]
        if attr is None:  # import a.b as x ; x.f()
            target_mod, rest = base, chain[1:]
        elif f"{base}.{attr}" in self.modules:  # from a import b (a module) ; b.f()
            target_mod, rest = f"{base}.{attr}", chain[1:]
        else:  # from a.b import f ; f()
            target_mod, rest = base, [attr, *chain[1:]]
        if target_mod in self.modules and len(rest) == 1:
            return target_mod, rest[0]
        return None

    # -- analysis ---------------------------------------------------------------------------

    def _primitive(self, call: ast.Call) -> str | None:
        chain = _chain(call.func)
        if chain and chain[-1] in BLOCKING_CALLS:
            return BLOCKING_CALLS[chain[-1]]
        for part in chain[:-1]:
            if part in BLOCKING_OBJECTS:
                return BLOCKING_OBJECTS[part]
        for arg in [*call.args, *(k.value for k in call.keywords)]:
            parts = _chain(arg) if isinstance(arg, (ast.Attribute, ast.Name)) else []
            if parts and parts[-1] in ("fetcher", "db", "once", "one_time", "signer"):
                return BLOCKING_OBJECTS.get(parts[-1], "database")
        return None

    def _calls(self, fn: ast.AST) -> list[ast.Call]:
        """The calls made when ``fn`` runs (not those inside nested functions or lambdas,
        which run only when they are called)."""
        out: list[ast.Call] = []
        stack = list(ast.iter_child_nodes(fn))
        while stack:
            node = stack.pop()
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                continue
            if isinstance(node, ast.Call):
                if _chain(node.func)[-1:] and _chain(node.func)[-1] in OFFLOAD:
                    continue  # handed to the thread pool
                out.append(node)
            stack.extend(ast.iter_child_nodes(node))
        return out

    def blocks(self, module: str, function: str,
               seen: frozenset[tuple[str, str]] = frozenset()) -> tuple[str, tuple[str, ...]] | None:
        """``(kind, call path)`` when ``module.function`` reaches blocking work, else None."""
        key = (module, function)
        if key in self._memo:
            return self._memo[key]
        if key in seen:
            return None
        mod = self.modules[module]
        result: tuple[str, tuple[str, ...]] | None = None
        for fn in mod.functions.get(function, []):
            if isinstance(fn, ast.AsyncFunctionDef) and seen:
                continue  # awaiting another coroutine: checked on its own
            result = self.body_blocks(mod, fn, seen | {key})
            if result:
                break
        self._memo[key] = result
        return result

    def body_blocks(self, mod: Module, fn: ast.AST, seen: frozenset[tuple[str, str]]
                    ) -> tuple[str, tuple[str, ...]] | None:
        for call in self._calls(fn):
            label = ".".join(_chain(call.func)) or "<call>"
            kind = self._primitive(call)
            if kind:
                return kind, (f"{label}()@{call.lineno}",)
            target = self._target(mod, _chain(call.func))
            if target is not None:
                deeper = self.blocks(*target, seen=seen)
                if deeper:
                    return deeper[0], (f"{label}()@{call.lineno}", *deeper[1])
        return None

    def async_functions(self, prefixes: tuple[str, ...] = SCANNED
                        ) -> list[tuple[Module, ast.AsyncFunctionDef]]:
        wanted = tuple(p.replace("/", ".") for p in prefixes)
        out = []
        for mod in self.modules.values():
            if mod.name == wanted or not mod.name.startswith(wanted):
                continue
            for node in ast.walk(mod.tree):
                if isinstance(node, ast.AsyncFunctionDef):
                    out.append((mod, node))
        return out


def offenders(project: Project | None = None,
              prefixes: tuple[str, ...] = SCANNED) -> list[Finding]:
    """Every ``async def`` in the service code that reaches blocking work."""
    project = project or Project()
    found = []
    for mod, fn in project.async_functions(prefixes):
        hit = project.body_blocks(mod, fn, frozenset({(mod.name, fn.name)}))
        if hit:
            found.append(Finding(f"{mod.name}:{fn.name}:{fn.lineno}", hit[0], hit[1]))
    return found
