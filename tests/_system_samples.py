"""Samples for tests/test_system_marker.py: run only when that test names this file (pytest does
not collect it on its own: the name does not start with ``test_``)."""

from __future__ import annotations

import multiprocessing
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests._system import system_fixture
from tests.pg import require_pg


def _nothing() -> None:
    pass


def test_unmarked_popen() -> None:
    subprocess.run([sys.executable, "-c", "pass"], check=True)


def test_unmarked_spawn() -> None:
    process = multiprocessing.get_context("spawn").Process(target=_nothing)
    process.start()
    process.join()


def test_unmarked_bind() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))


def test_unmarked_postgres() -> None:
    require_pg()


@pytest.fixture
def _unmarked_server() -> Iterator[None]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield


def test_unmarked_fixture(_unmarked_server: None) -> None:
    pass


@pytest.fixture
@system_fixture
def _server() -> Iterator[None]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield


def test_through_a_system_fixture(_server: None) -> None:
    pass


@pytest.mark.system
def test_marked_popen() -> None:
    subprocess.run([sys.executable, "-c", "pass"], check=True)


def test_plain(tmp_path: Path) -> None:
    with socket.socket(socket.AF_UNIX) as sock:  # a file, not a server on the network
        sock.bind(str(tmp_path / "s"))
