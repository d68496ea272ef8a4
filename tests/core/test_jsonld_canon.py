"""Canonical N-Quads of credentials: published vectors, and the fast path equals pyld."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from rotonde.errors import RotondeError
from rotonde.jsonld import canonize, default_loader, expand, to_nquads, to_quads
from rotonde.jsonld._fast import try_quads
from rotonde.jsonld.process import _pyld_quads
from rotonde.rdfc import canonicalize

CONFORMANCE = Path(__file__).resolve().parents[2].parent / "shared" / "conformance"


def _load(conformance: Path, rel: str) -> Any:
    return json.loads((conformance / rel).read_text("utf-8"))


def test_vc_di_eddsa_canonical_document(conformance: Path) -> None:
    doc = _load(conformance, "vc-di-eddsa/unsigned.json")
    expected = (conformance / "vc-di-eddsa/eddsa-rdfc-2022/canonDocDataInt.txt").read_text()
    assert canonize(doc) == expected
    assert to_nquads(doc) == expected


def test_vc_di_eddsa_canonical_proof_config(conformance: Path) -> None:
    config = _load(conformance, "vc-di-eddsa/eddsa-rdfc-2022/proofConfigDataInt.json")
    expected = (conformance / "vc-di-eddsa/eddsa-rdfc-2022/proofCanonDataInt.txt").read_text()
    assert canonize(config) == expected


def test_open_badges_vectors(conformance: Path) -> None:
    doc = _load(conformance, "obv3/examples/linked-data-proof-ob-credential.json")
    expected = (conformance / "obv3/test-vectors/obv3p0/document-canon.txt").read_text()
    assert canonize(doc) == expected
    proof = _load(conformance, "obv3/examples/linked-data-proof-ob-proof.json")
    proof.pop("proofValue")
    proof["@context"] = doc["@context"]
    expected = (conformance / "obv3/test-vectors/obv3p0/proof-canon.txt").read_text()
    assert canonize(proof) == expected


def _documents() -> list[Any]:
    if not CONFORMANCE.is_dir():
        return []
    paths = sorted((CONFORMANCE / "obv3" / "examples").glob("*.json"))
    paths += sorted((CONFORMANCE / "vc-di-eddsa").rglob("*.json"))
    out = []
    for path in paths:
        doc = json.loads(path.read_text("utf-8"))
        if isinstance(doc, dict) and "@context" in doc:
            out.append(pytest.param(doc, id=str(path.relative_to(CONFORMANCE))))
    return out


def _outcome(fn: Any, doc: Any) -> str:
    try:
        return canonicalize(fn(doc, default_loader(), strict=True))
    except RotondeError as exc:
        return f"error {exc.code}"


@pytest.mark.parametrize("doc", _documents())
def test_fast_path_equals_pyld(conformance: Path, doc: Any) -> None:
    fast = _outcome(try_quads, doc)
    assert fast != canonicalize([]), "the fast path should handle every conformance document"
    assert fast == _outcome(_pyld_quads, doc)


def test_conformance_documents_are_covered(conformance: Path) -> None:
    assert len(_documents()) >= 20


def test_fast_path_declines_inline_contexts() -> None:
    doc = {
        "@context": ["https://www.w3.org/ns/credentials/v2", {"ex": "https://example.org/#"}],
        "type": "VerifiableCredential",
        "ex:thing": "x",
    }
    assert try_quads(doc, default_loader(), strict=True) is None
    assert "<https://example.org/#thing>" in canonize(doc)


def test_lists_graphs_and_literals_match_pyld() -> None:
    doc = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://www.w3.org/ns/credentials/examples/v2",
        ],
        "id": "urn:uuid:1",
        "type": ["VerifiableCredential", "ExampleCredential"],
        "issuer": {"id": "did:example:1", "name": "School", "ex": [1, 2.5, True, 1e22, -0.0]},
        "credentialSubject": [
            {"id": "_:learner", "knows": {"id": "_:learner"}, "list": {"@list": [1, "a", {}]}},
            {"name": {"@value": "Sam", "@language": "NL-nl"}, "empty": {"@list": []}},
        ],
        "verifiableCredential": [{"type": "VerifiableCredential", "issuer": "did:example:2"}],
        "validFrom": "2025-01-01T00:00:00Z",
        "evidence": {"x": "line\nbreak \"quoted\" \u0007"},
    }
    fast = try_quads(doc, default_loader(), strict=True)
    assert fast is not None
    assert canonicalize(fast) == canonicalize(_pyld_quads(doc, default_loader(), strict=True))


def test_expand_and_to_quads_shapes(conformance: Path) -> None:
    doc = _load(conformance, "vc-di-eddsa/unsigned.json")
    expanded = expand(doc)
    assert isinstance(expanded, list) and len(expanded) == 1
    quads = to_quads(doc)
    assert len(quads) == 8 and all(len(q) == 4 for q in quads)


def test_max_work_is_passed_through() -> None:
    # ten identical blank nodes pointing at each other: symmetric, needs N-degree work
    nodes = [{"id": f"_:n{i}", "knows": [{"id": f"_:n{j}"} for j in range(6) if j != i]}
             for i in range(6)]
    doc = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://www.w3.org/ns/credentials/examples/v2",
        ],
        "type": "VerifiableCredential",
        "credentialSubject": nodes,
    }
    with pytest.raises(RotondeError) as info:
        canonize(doc, max_work=50)
    assert info.value.code == "rdfc.too_complex"
