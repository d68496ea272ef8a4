"""SECURITY.md names real code and real tests: every ``path.py::name`` it cites exists.

The threat model says, per attack, where it is stopped and which test proves it; a rename that
left the document behind would quietly turn it into fiction. References are written as
``rotonde/module.py::function`` (from the repository root), ``core/test_x.py::test_y`` (under
``tests/``) or ``::test_z`` (the same file as the reference before it).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = re.compile(r"`((?:[\w.-]+/)*[\w.-]+\.py)?::([A-Za-z_][\w.]*)(?:\[[^\]`]*\])?`")


def _names(path: Path) -> set[str]:
    """Top-level and class-level names defined in ``path`` (functions, classes, assignments)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def _resolve(relative: str) -> Path | None:
    for base in (ROOT, ROOT / "tests"):
        if (base / relative).is_file():
            return base / relative
    return None


def references(text: str) -> list[tuple[str, str]]:
    """``(file, name)`` for every reference, continuations filled in."""
    out: list[tuple[str, str]] = []
    last = ""
    for match in REFERENCE.finditer(text):
        path, name = match.group(1), match.group(2)
        last = path or last
        out.append((last, name))
    return out


def test_every_reference_in_security_md_exists() -> None:
    refs = references((ROOT / "SECURITY.md").read_text(encoding="utf-8"))
    assert len(refs) > 100  # the document is still written this way
    missing = []
    for file, name in refs:
        path = _resolve(file)
        if path is None:
            missing.append(f"{file} (no such file)")
        elif name.split(".")[0] not in _names(path):
            missing.append(f"{file}::{name}")
    assert missing == [], "SECURITY.md names what is not there:\n" + "\n".join(sorted(set(missing)))


def test_the_check_can_fail() -> None:
    refs = references("`core/test_keys.py::test_nope` and `::test_neither`, `rotonde/keys.py::PublicKey`")
    assert refs == [("core/test_keys.py", "test_nope"), ("core/test_keys.py", "test_neither"),
                    ("rotonde/keys.py", "PublicKey")]
    assert "test_nope" not in _names(ROOT / "tests/core/test_keys.py")
