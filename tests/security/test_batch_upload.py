"""One tenant's batch cannot take the issuer down (issue 19, item 9).

The review sent one 57 MiB batch (10,000 items with a large ``extra``) and the issuer grew from
2.2 to 5.1 GiB. The body is now read item by item (:class:`servicekit.jsonstream.ArrayStream`):
each item is bounded (``batch_item_max_bytes``, 413 as soon as one grows past it), checked and
kept as compact text, so memory grows with the body's size, not many times it.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicekit import HttpProblem
from servicekit.jsonstream import ArrayStream
from tests._system import system_fixture
from tests.conftest import examples
from tests.resilience._issuer_setup import prepare_issuer
from tests.resilience._procs import free_port, start_service

# -- the splitter -------------------------------------------------------------------------

_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=20),
                     st.sampled_from(['"', "\\", "{", "]", "\\u00e9", "a\"b\\\\c"]))
_values = st.recursive(_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=12)
_objects = st.dictionaries(st.text(max_size=8), _values, max_size=5)


def _split(body: bytes, cuts: list[int], **kw: Any) -> list[Any]:
    stream = ArrayStream("items", max_item_bytes=kw.get("max_item_bytes", 1 << 20),
                         max_items=kw.get("max_items", 10_000))
    out: list[bytes] = []
    last = 0
    for cut in [*sorted({c for c in cuts if 0 < c < len(body)}), len(body)]:
        out += stream.feed(body[last:cut])
        last = cut
    stream.close()
    return [ArrayStream.decode(raw) for raw in out]


@settings(max_examples=examples(150), deadline=None)
@given(items=st.lists(_objects, min_size=0, max_size=6), indent=st.sampled_from([None, 0, 2]),
       cuts=st.lists(st.integers(min_value=0, max_value=4000), max_size=30))
def test_any_chunking_gives_the_elements_json_gives(items: list[Any], indent: int | None,
                                                    cuts: list[int]) -> None:
    body = json.dumps({"items": items}, indent=indent).encode()
    assert _split(body, cuts) == items
    assert _split(body, list(range(len(body)))) == items  # one byte at a time


def _refused(body: bytes, **kw: Any) -> HttpProblem:
    with pytest.raises(HttpProblem) as caught:
        _split(body, [], **kw)
    return caught.value


@pytest.mark.parametrize("body, status, code", [
    (b'{"items": [1, 2]}', 422, "request.item_not_object"),
    (b'{"other": []}', 422, "request.unknown_member"),
    (b'{"items": [], "x": 1}', 422, "request.unknown_member"),
    (b'["items"]', 400, "request.malformed_json"),
    (b'{"items": [{}] ', 400, "request.malformed_json"),
    (b'{"items": [{} {}]}', 400, "request.malformed_json"),
    (b'{"items": [{}]} x', 400, "request.malformed_json"),
    (b'{"items": [{}, {}, {}]}', 422, "request.too_many_items"),
])
def test_a_malformed_body_is_refused_precisely(body: bytes, status: int, code: str) -> None:
    problem = _refused(body, max_items=2)
    assert (problem.status, problem.code) == (status, code)


def test_an_oversized_item_is_refused_before_the_rest_arrives() -> None:
    stream = ArrayStream("items", max_item_bytes=1024, max_items=10)
    assert stream.feed(b'{"items": [{"a": 1}, {"note": "') == [b'{"a": 1}']
    with pytest.raises(HttpProblem) as caught:
        for _ in range(100):  # the item never ends; the stream does not wait for it
            stream.feed(b"x" * 100)
    problem = caught.value
    assert (problem.status, problem.code) == (413, "request.item_too_large")
    assert problem.errors[0].pointer == "/items/1"  # type: ignore[union-attr]
    assert len(stream._buf) < 1200  # only the one item was ever held


# -- a served issuer ------------------------------------------------------------------------


def _memory(pid: int) -> dict[str, int]:
    """Resident and peak resident memory of a process, MiB (Linux /proc)."""
    out = {}
    with open(f"/proc/{pid}/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith(("VmRSS:", "VmHWM:")):
                out[line[:5]] = int(line.split()[1]) // 1024
    return out


@pytest.fixture
@system_fixture
def issuer(tmp_path: Path) -> Any:
    port = free_port()
    dep = prepare_issuer(tmp_path, public_port=port)
    dep.ctx.db.dispose()
    proc = start_service("issuer", dep.env, log_dir=tmp_path / "logs", port=port)
    try:
        yield dep, proc
    finally:
        proc.stop()


def _post(proc: Any, dep: Any, body: bytes) -> httpx.Response:
    return httpx.post(proc.url + "/api/v1/batches", content=body, timeout=300, headers={
        "authorization": f"Bearer {dep.token}", "content-type": "application/json"})


def test_a_big_batch_costs_about_its_own_size_in_memory(issuer: Any) -> None:
    dep, proc = issuer
    # 3,600 object-heavy items (~20 MiB): many small JSON objects cost ~40x their text size
    # as Python objects; the keys pass every check, so the whole batch is accepted
    item = {"achievement_id": dep.achievement_id, "learner": {"name": "Sanne de Vries"},
            "award_date": "2026-06-30", "extra": {"grade": {"value": [{"k": 1}] * 700}}}
    body = json.dumps({"items": [item] * 3600}).encode()
    size = len(body) / 2**20
    before = _memory(proc.popen.pid)
    started = time.monotonic()
    r = _post(proc, dep, body)
    took = time.monotonic() - started
    after = _memory(proc.popen.pid)
    growth = after["VmHWM"] - before["VmHWM"]
    print(f"\n{size:.1f} MiB batch -> {r.status_code} in {took:.1f} s; peak RSS "
          f"{before['VmHWM']} -> {after['VmHWM']} MiB (+{growth} MiB)")
    assert r.status_code == 202, r.text[:300]
    assert growth < 3 * size + 64, (growth, size)
    assert httpx.get(proc.url + "/healthz", timeout=10).status_code == 200


def test_an_oversized_item_gets_a_413_naming_it(issuer: Any) -> None:
    dep, proc = issuer
    small = {"achievement_id": dep.achievement_id, "learner": {"name": "Sanne de Vries"}}
    big = {**small, "learner_ref": "x" * 100, "extra": {"grade": {"value": "9" * 40_000}}}
    items = [small] * 500 + [big] + [small] * 5_000  # ~0.4 MiB more after the big one
    r = _post(proc, dep, json.dumps({"items": items}).encode())
    assert r.status_code == 413, r.text[:300]
    problem = r.json()
    assert problem["code"] == "request.item_too_large"
    assert problem["errors"][0]["pointer"] == "/items/500"
    assert "16384" in problem["detail"] and problem["detail_nl"]
    jobs = httpx.get(proc.url + "/api/v1/credentials", timeout=10,
                     headers={"authorization": f"Bearer {dep.token}"}).json()
    assert jobs["total"] == 0
