"""The interop lane itself: the installed libraries are exactly the locked ones."""

from __future__ import annotations

import json

from tests.interop.conftest import HERE, run_node


def test_installed_libraries_are_the_pinned_ones(node: str) -> None:
    pinned = json.loads((HERE / "package.json").read_text())["dependencies"]
    lock = json.loads((HERE / "package-lock.json").read_text())["packages"]
    installed = run_node(node, "versions.mjs", {})
    assert installed == pinned
    for name, version in pinned.items():
        assert lock[f"node_modules/{name}"]["version"] == version
