"""The environment-variable tables of docs/deployment.md, generated from the settings dataclasses.

``python -m tests.ops._envdoc`` prints the three tables (Markdown); ``--write`` replaces them in
docs/deployment.md between the ``<!-- env:<service> -->`` / ``<!-- /env:<service> -->`` markers.
Descriptions come from the ``#:`` comments above each field, else from :data:`FALLBACK`.
tests/ops/test_deployment_doc.py checks that the documented names and defaults are the code's.
"""

from __future__ import annotations

import dataclasses
import inspect
import re
import sys
from pathlib import Path
from typing import Any

__all__ = ["DOC", "SERVICES", "extra_variables", "rows", "table", "typed_rows", "write"]

ROOT = Path(__file__).resolve().parent.parent.parent
DOC = ROOT / "docs" / "deployment.md"

FALLBACK: dict[str, str] = {
    "service": "Internal (names the default database file); do not set.",
    "dev": "Development mode: http public URL, loopback fetches, KEK generated in the data dir. "
           "Never in production.",
    "data_dir": "Directory for the SQLite database (and, in development mode only, the KEK).",
    "database_url": "SQLAlchemy URL; empty: SQLite `<data_dir>/<service>.sqlite3`. PostgreSQL: "
                    "`postgresql+psycopg://user:password@host:5432/db`.",
    "public_url": "The external https URL (what the reverse proxy serves). Every absolute URL "
                  "the service emits is built from it, never from request headers.",
    "host": "Address uvicorn listens on.",
    "port": "Port uvicorn listens on.",
    "max_body_bytes": "Request body cap in bytes (413 above it).",
    "rate_window": "Length of the rate-limit window, seconds.",
    "access_token_ttl": "Lifetime of an OpenID4VCI access token, seconds.",
    "nonce_ttl": "Lifetime of a `c_nonce`, seconds.",
    "tx_code_length": "Digits of the PIN (`tx_code`) sent to the learner separately (4-12).",
    "batch_max_items": "Most learners in one batch request.",
    "batch_max_bytes": "Largest batch request body in bytes.",
    "login_window": "Window for `LOGIN_MAX_FAILURES`, seconds.",
    "webhook_secret": "HMAC-SHA256 key for the webhook signature (16+ characters).",
    "db_schema": "PostgreSQL schema (created if missing); ignored for SQLite. Use one schema "
                 "or database per service.",
}


def _settings() -> dict[str, tuple[type[Any], str]]:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from issuer.settings import ENV_PREFIX as ISSUER
    from issuer.settings import IssuerSettings
    from verifier.settings import ENV_PREFIX as VERIFIER
    from verifier.settings import VerifierSettings
    from wallet.settings import ENV_PREFIX as WALLET
    from wallet.settings import WalletSettings

    return {"issuer": (IssuerSettings, ISSUER), "wallet": (WalletSettings, WALLET),
            "verifier": (VerifierSettings, VERIFIER)}


SERVICES = ("issuer", "wallet", "verifier")


def _comments(cls: type[Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for klass in reversed(cls.__mro__):
        try:
            source = inspect.getsource(klass)
        except (OSError, TypeError):
            continue
        pending: list[str] = []
        for line in source.splitlines():
            text = line.strip()
            if text.startswith("#:"):
                pending.append(text[2:].strip())
                continue
            match = re.match(r"(\w+):\s", text)
            if match and pending:
                out[match.group(1)] = " ".join(pending).replace("``", "`")
            pending = []
    return out


def _fmt(value: Any) -> str:
    if isinstance(value, bool):
        return "0" if not value else "1"
    if value is None or value == "" or value == ():
        return "(empty)"
    if isinstance(value, tuple):
        return ",".join(str(v) for v in value)
    return str(value)


def rows(service: str) -> list[tuple[str, str, str]]:
    """``(variable, default, description)`` for every settings field of ``service``."""
    return [(name, default, text) for name, default, _, text in typed_rows(service)]


def typed_rows(service: str) -> list[tuple[str, str, str, str]]:
    """``(variable, default, accepted text, description)`` for every settings field; the
    accepted text is what the service's environment loader converts (servicekit.envsettings)."""
    from servicekit.envsettings import EnvLoader

    cls, prefix = _settings()[service]
    notes = _comments(cls)
    kinds = {name: f.kind for name, f in EnvLoader(cls, prefix).fields.items()}
    out = []
    for f in dataclasses.fields(cls):
        default = f.default if f.default is not dataclasses.MISSING else (
            f.default_factory() if f.default_factory is not dataclasses.MISSING else None)
        text = FALLBACK.get(f.name, "") if f.name in ("service", "dev", "db_schema") else \
            notes.get(f.name) or FALLBACK.get(f.name, "")
        out.append((prefix + f.name.upper(), _fmt(default), kinds[f.name], text))
    return out


def extra_variables(service: str) -> tuple[str, ...]:
    """Variables read outside the settings dataclass (servicekit.crypto.load_secret_box)."""
    prefix = _settings()[service][1]
    return tuple(prefix + name for name in
                 ("KEK", "KEK_FILE", "KEK_PREVIOUS", "KEK_PREVIOUS_FILE"))


def table(service: str) -> str:
    lines = ["| variable | default | type | meaning |", "|---|---|---|---|"]
    for name, default, kind, text in typed_rows(service):
        lines.append(f"| `{name}` | `{default}` | {kind} | {text} |")
    return "\n".join(lines)


def write(doc: Path = DOC) -> None:
    text = doc.read_text(encoding="utf-8")
    for service in SERVICES:
        start, end = f"<!-- env:{service} -->", f"<!-- /env:{service} -->"
        pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
        block = f"{start}\n{table(service)}\n{end}"
        text, n = pattern.subn(block.replace("\\", "\\\\"), text)
        if n != 1:
            raise SystemExit(f"{doc}: markers for {service} not found")
    doc.write_text(text, encoding="utf-8")


if __name__ == "__main__":  # pragma: no cover
    if "--write" in sys.argv:
        write()
    else:
        for name in SERVICES:
            print(f"## {name}\n\n{table(name)}\n")
