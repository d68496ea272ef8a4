"""The interop lane: independent implementations from the npm registry drive Rotonde.

The libraries are pinned by ``package-lock.json`` beside this file and installed with
``npm ci`` (``.ci/run`` does it; by hand: ``npm ci --prefix tests/interop``). Node.js and the
installed libraries are required when ``CI`` is set; elsewhere the tests skip saying what to
install. :func:`run_node` runs one of this folder's scripts with a JSON input on stdin and
returns the JSON it prints.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import require

HERE = Path(__file__).resolve().parent
NODE_MODULES = HERE / "node_modules"


@pytest.fixture(scope="session")
def node() -> str:
    """The ``node`` executable, with this folder's libraries installed."""
    exe = shutil.which("node")
    require(exe is not None, "Node.js is not installed (apt-get install nodejs npm)")
    require(NODE_MODULES.is_dir(),
            "the interop libraries are not installed: npm ci --prefix tests/interop")
    assert exe is not None
    return exe


def run_node(node: str, script: str, payload: Any, *, timeout: float = 120.0) -> Any:
    """Run ``tests/interop/<script>`` with ``payload`` as JSON on stdin; its stdout is JSON.

    A script reports a failure of the library it drives as ``{"error": ...}`` on stdout (so a
    test can assert on it); a crash of the script itself fails the test with its stderr."""
    done = subprocess.run([node, str(HERE / script)], input=json.dumps(payload),
                          capture_output=True, text=True, timeout=timeout, cwd=HERE, check=False)
    if done.returncode != 0:
        pytest.fail(f"{script} exited {done.returncode}:\n{done.stderr[-4000:]}")
    try:
        return json.loads(done.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"{script} printed no JSON:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
