"""The stable problem codes of the sources, found by reading them (``ast``): every call whose
first argument is a code literal (``"offer.invalid_grant"``) and which also passes words for
people (a second string argument, or ``message_nl=``), as ``RotondeError`` kinds, ``Problem``,
``HttpProblem`` and the modules' own helpers (``_bad``, ``sig_error``) are called."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CODE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_-]+)+$")
PACKAGES = ("rotonde", "servicekit", "wallet", "verifier", "issuer")


def _is_words(node: ast.expr) -> bool:
    return isinstance(node, (ast.JoinedStr, ast.BinOp)) or (
        isinstance(node, ast.Constant) and isinstance(node.value, str) and " " in node.value)


def _calls(tree: ast.AST) -> Iterator[tuple[str, ast.Call]]:
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        args = list(node.args)
        if args and isinstance(args[0], ast.Constant) and isinstance(args[0].value, int):
            args = args[1:]  # HttpProblem(status, code, ...), PageError(status, ...)
        if not args or not isinstance(args[0], ast.Constant) or not isinstance(
                args[0].value, str) or not CODE.match(args[0].value):
            continue
        words = any(_is_words(a) for a in args[1:]) or any(
            k.arg in ("message_nl", "detail_nl") for k in node.keywords)
        if words:
            yield args[0].value, node


def source_codes(packages: tuple[str, ...] = PACKAGES) -> dict[str, set[str]]:
    """``code -> {files}`` over the packages' sources (migrations left out)."""
    found: dict[str, set[str]] = {}
    for package in packages:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for code, _call in _calls(ast.parse(path.read_text(encoding="utf-8"))):
                found.setdefault(code, set()).add(str(path.relative_to(ROOT)))
    return found
