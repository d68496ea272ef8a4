"""The ``system`` marker and its guard (docs/architecture.md §7).

A test that starts a process, binds a server socket or uses PostgreSQL is a *system* test; the
fast lane (``./dev test -m "not system"``) leaves them out. The marker is given centrally where
a directory (:data:`SYSTEM_DIRS`), a fixture (one decorated with :func:`system_fixture`, used
directly or through another fixture) or the ``postgres`` and ``browser`` markers say it, and
with ``pytestmark`` / ``@pytest.mark.system`` / ``pytest.param(..., marks=pytest.mark.system)``
elsewhere.

The guard keeps the marker honest without mocking anything: a Python audit hook
(:func:`sys.addaudithook`, PEP 578) sees every ``subprocess.Popen``, ``os.fork`` /
``os.posix_spawn`` / ``os.exec*`` / ``os.system`` and ``socket.bind`` the interpreter performs,
and ``tests.postgres`` (raised by :mod:`tests.pg`); what no audit event reports (a
``multiprocessing`` "spawn" child) the kernel does: the children of this process
(``/proc/self/task/*/children``) and the CPU time of the children it waited for
(:func:`resource.getrusage`). Any of these during the set-up or the call of a test that is not
marked ``system`` fails that test, naming what it did. A session fixture
that a system test started earlier goes unnoticed in a full run, so the fast lane is where the
guard is complete: there, every such fixture is started by the first unmarked test that needs it.
"""

from __future__ import annotations

import os
import resource
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

#: Directories (under ``tests/``) whose every test starts processes or servers.
SYSTEM_DIRS = frozenset({"browser", "e2e", "interop", "resilience", "stack"})

#: Markers that imply ``system``: the test needs PostgreSQL or Chromium.
SYSTEM_MARKERS = frozenset({"postgres", "browser"})

_EVENTS = ("subprocess.Popen", "os.fork", "os.forkpty", "os.posix_spawn", "os.spawn", "os.exec",
           "os.system", "socket.bind", "tests.postgres")

_TESTS = Path(__file__).resolve().parent
_state = threading.local()
_watch: dict[str, Any] = {"on": False, "seen": []}


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if not _watch["on"] or event not in _EVENTS:
        return
    if event == "socket.bind" and len(args) > 1 and not _is_inet(args[1]):
        return  # an AF_UNIX path or netlink socket serves nobody over the network
    if getattr(_state, "busy", False):
        return
    _state.busy = True
    try:
        _watch["seen"].append(f"{event} {_describe(event, args)}")
    finally:
        _state.busy = False


def _is_inet(address: Any) -> bool:
    return isinstance(address, tuple) and len(address) >= 2 and isinstance(address[1], int)


def _describe(event: str, args: tuple[Any, ...]) -> str:
    if event == "subprocess.Popen" and len(args) > 1:
        argv = args[1]
        return repr(argv if isinstance(argv, (str, bytes)) else list(argv)[:3])
    if event == "socket.bind" and len(args) > 1:
        return repr(args[1])
    return ""


sys.addaudithook(_audit)


F = TypeVar("F", bound=Callable[..., Any])


def system_fixture(fixture: F) -> F:
    """Mark a fixture function as one that starts a server or a process: every test that uses
    it is a system test. Put it under ``@pytest.fixture``."""
    fixture.__rotonde_system__ = True  # type: ignore[attr-defined]
    return fixture


def _uses_system_fixture(item: pytest.Item) -> bool:
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return False
    return any(getattr(defs[-1].func, "__rotonde_system__", False)
               for defs in info.name2fixturedefs.values() if defs)


def _children() -> set[int]:
    """The live child processes of this process (every thread's), from the kernel."""
    pids: set[int] = set()
    for task in Path("/proc/self/task").glob("*/children"):
        try:
            pids.update(int(p) for p in task.read_text().split())
        except OSError:
            continue
    return pids


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def is_system(item: pytest.Item) -> bool:
    return item.get_closest_marker("system") is not None


def add_system_markers(items: list[pytest.Item]) -> None:
    """Mark what the fixtures, directories and markers say starts processes or servers."""
    for item in items:
        if is_system(item):
            continue
        path = Path(str(item.path)).resolve()
        top = path.relative_to(_TESTS).parts[0] if path.is_relative_to(_TESTS) else ""
        if (top in SYSTEM_DIRS or _uses_system_fixture(item)
                or any(item.get_closest_marker(m) for m in SYSTEM_MARKERS)):
            item.add_marker(pytest.mark.system)


def guarded(item: pytest.Item, phase: str) -> Iterator[None]:
    """Run one phase of ``item``; fail it if it is unmarked and started a process or server."""
    report = os.environ.get("ROTONDE_SYSTEM_REPORT")
    if is_system(item) and not report:
        yield
        return
    _watch["seen"] = []
    kids, reaped = _children(), _children_cpu()
    _watch["on"] = True
    skipped: BaseException | None = None
    try:
        yield
    except pytest.skip.Exception as skip:  # a skip (no PostgreSQL here) must not hide the use
        skipped = skip
    finally:
        _watch["on"] = False
    seen = _watch["seen"]
    started = _children() - kids
    if started:
        seen.append(f"child processes {sorted(started)}")
    elif _children_cpu() > reaped:
        seen.append("a child process (it ran and was waited for)")
    if seen and report:
        with open(report, "a", encoding="utf-8") as out:
            fixtures = ",".join(sorted(getattr(item, "fixturenames", ())))
            out.write(f"{item.nodeid}\t{phase}\t{is_system(item)}\t{fixtures}\t{seen[:3]}\n")
        seen = []  # ROTONDE_SYSTEM_REPORT=<file>: list what would fail, fail nothing
    if not seen and skipped is not None:
        raise skipped
    if seen:
        shown = "; ".join(dict.fromkeys(seen))
        pytest.fail(
            f"{item.nodeid} is not marked 'system' but its {phase} started a process, bound a "
            f"server socket or used PostgreSQL ({shown}); mark it @pytest.mark.system "
            "(docs/architecture.md §7)",
            pytrace=False,
        )
