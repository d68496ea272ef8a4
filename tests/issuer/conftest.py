"""Issuer test fixtures (helpers live in ``tests/issuer/_support.py``)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests._system import system_fixture
from tests.conftest import require
from tests.issuer._support import LiveIssuer, make_settings, start_server

# Some test modules elsewhere do ``from conftest import require``, which picks up whichever
# directory-level conftest pytest imported last; keep that working when it is this one.
__all__ = ["live", "require"]


@pytest.fixture
@system_fixture
def live(tmp_path: Path) -> Iterator[LiveIssuer]:
    issuer = start_server(make_settings(tmp_path, wallet_url="https://wallet.example"))
    yield issuer
    issuer.server.should_exit = True
    time.sleep(0.05)
    issuer.ctx.db.dispose()
