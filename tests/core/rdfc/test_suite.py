"""RDFC-1.0: every test of the W3C rdf-canon suite (eval, map and negative tests)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from rotonde.errors import RotondeError
from rotonde.rdfc import canonicalize, canonicalize_dataset, parse_nquads
from tests.conftest import CONFORMANCE

SUITE = CONFORMANCE / "rdf-canon"


def _entries() -> list[dict[str, Any]]:
    manifest = SUITE / "manifest.jsonld"
    if not manifest.is_file():
        return []
    entries: list[dict[str, Any]] = json.loads(manifest.read_text("utf-8"))["entries"]
    return entries


ENTRIES = _entries()


def _by_type(suffix: str) -> list[Any]:
    return [
        pytest.param(e, id=e["id"].lstrip("#"))
        for e in ENTRIES
        if e["type"] == f"rdfc:RDFC10{suffix}"
    ]


def _hash(entry: dict[str, Any]) -> str:
    return str(entry.get("hashAlgorithm", "SHA256"))


def test_suite_present(conformance: Path) -> None:
    assert ENTRIES, "rdf-canon manifest has no entries"
    kinds = {e["type"] for e in ENTRIES}
    assert kinds == {
        "rdfc:RDFC10EvalTest",
        "rdfc:RDFC10MapTest",
        "rdfc:RDFC10NegativeEvalTest",
    }


@pytest.mark.parametrize("entry", _by_type("EvalTest"))
def test_eval(conformance: Path, entry: dict[str, Any]) -> None:
    base = conformance / "rdf-canon"
    given = (base / entry["action"]).read_text("utf-8")
    expected = (base / entry["result"]).read_text("utf-8")
    assert canonicalize(given, hash_algorithm=_hash(entry)) == expected


@pytest.mark.parametrize("entry", _by_type("MapTest"))
def test_issued_identifiers_map(conformance: Path, entry: dict[str, Any]) -> None:
    base = conformance / "rdf-canon"
    given = (base / entry["action"]).read_text("utf-8")
    expected = json.loads((base / entry["result"]).read_text("utf-8"))
    assert canonicalize_dataset(given, hash_algorithm=_hash(entry)).issued == expected


@pytest.mark.parametrize("entry", _by_type("NegativeEvalTest"))
def test_poison_graph_is_refused(conformance: Path, entry: dict[str, Any]) -> None:
    given = (conformance / "rdf-canon" / entry["action"]).read_text("utf-8")
    with pytest.raises(RotondeError) as info:
        canonicalize(given)
    assert info.value.code == "rdfc.too_complex"
    assert info.value.problems[0].message_nl


def test_work_bound_is_configurable(conformance: Path) -> None:
    # test044 needs a few thousand units of N-degree work: a tight bound refuses it
    given = (conformance / "rdf-canon" / "rdfc10" / "test044-in.nq").read_text("utf-8")
    with pytest.raises(RotondeError) as info:
        canonicalize(given, max_work=100)
    assert info.value.code == "rdfc.too_complex"
    assert info.value.problems[0].detail["max_work"] == 100
    expected = (conformance / "rdf-canon" / "rdfc10" / "test044-rdfc10.nq").read_text("utf-8")
    assert canonicalize(given, max_work=10_000) == expected


def test_escaping_round_trip(conformance: Path) -> None:
    """test060: the canonical output parses back to itself (escapes are canonical)."""
    out = (conformance / "rdf-canon" / "rdfc10" / "test060-rdfc10.nq").read_text("utf-8")
    assert canonicalize(parse_nquads(out)) == out


def test_unknown_hash_algorithm() -> None:
    with pytest.raises(RotondeError) as info:
        canonicalize("<urn:a> <urn:b> <urn:c> .\n", hash_algorithm="md5")
    assert info.value.code == "rdfc.hash_unsupported"


def test_quads_input_and_duplicates() -> None:
    text = "_:x <urn:p> \"v\" .\n_:x <urn:p> \"v\" .\n"
    assert canonicalize(text) == '_:c14n0 <urn:p> "v" .\n'
    assert canonicalize(parse_nquads(text)) == '_:c14n0 <urn:p> "v" .\n'
    assert canonicalize([("_:q", "<urn:p>", '"v"', "")]) == '_:c14n0 <urn:p> "v" .\n'


@pytest.mark.parametrize(
    "bad",
    [
        None,
        5,
        b"<urn:s> <urn:p> <urn:o> .",
        [("<urn:s>", "<urn:p>")],
        [("<urn:s>", "<urn:p>", "<urn:o>", 5)],
        [("urn:s", "<urn:p>", "<urn:o>", "")],
        [("<urn:s>", '"p"', "<urn:o>", "")],
        [("<urn:s>", "<urn:p>", "o", "")],
        [("<urn:s>", "<urn:p>", "<urn:o>", '"g"')],
    ],
)
def test_bad_dataset_input(bad: Any) -> None:
    with pytest.raises(RotondeError) as info:
        canonicalize(bad)
    assert info.value.code in ("rdfc.dataset_invalid", "rdfc.nquads_syntax")
