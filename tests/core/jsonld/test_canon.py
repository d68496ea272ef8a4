"""Canonical N-Quads of credentials: published vectors, and the fast path equals pyld."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from rotonde.errors import RotondeError
from rotonde.jsonld import DocumentLoader, canonize, default_loader, expand, to_nquads, to_quads
from rotonde.jsonld._fast import try_quads
from rotonde.jsonld.process import _pyld_quads
from rotonde.rdfc import canonicalize
from tests.conftest import CONFORMANCE, ROOT


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


@pytest.mark.parametrize(
    ("context", "subject"),
    [
        ({"ex": "https://example.org/#"}, {"ex:thing": "x"}),
        (
            {"@vocab": "https://example.org/v#", "n": {"@id": "ex2:n", "@type": "xsd:integer"},
             "ex2": "https://example.org/2#", "xsd": "http://www.w3.org/2001/XMLSchema#"},
            {"n": "5", "other": True},
        ),
        (
            {"tags": {"@id": "https://example.org/#tags", "@container": "@list"},
             "@language": "NL"},
            {"tags": ["a", "b"], "name": "Sam"},
        ),
    ],
)
def test_inline_contexts_take_the_fast_path(
    context: dict[str, Any], subject: dict[str, Any]
) -> None:
    doc = {
        "@context": ["https://www.w3.org/ns/credentials/v2", context],
        "type": "VerifiableCredential",
        "credentialSubject": {"@context": [context], **subject},
        "evidence": {"@context": context, **subject},
    }
    fast = try_quads(doc, default_loader(), strict=True)
    assert fast is not None
    assert canonicalize(fast) == canonicalize(_pyld_quads(doc, default_loader(), strict=True))


def test_fast_path_declines_unsupported_features() -> None:
    doc = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            {"knownBy": {"@reverse": "https://schema.org/knows"}, "ex": "https://example.org/#"},
        ],
        "type": "VerifiableCredential",
        "ex:thing": "x",
    }
    assert try_quads(doc, default_loader(), strict=True) is None
    assert "<https://example.org/#thing>" in canonize(doc)


def test_inline_context_table_is_bounded() -> None:
    loader = DocumentLoader()
    for i in range(300):
        doc = {
            "@context": ["https://www.w3.org/ns/credentials/v2", {"x": f"https://example.org/{i}"}],
            "type": "VerifiableCredential",
            "x": "v",
        }
        assert f"<https://example.org/{i}>" in canonize(doc, loader=loader)


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


class _CountingLoader(DocumentLoader):
    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def raw(self, url: str) -> dict[str, Any]:
        self.calls += 1
        return super().raw(url)

    def __call__(self, url: str, options: Any = None) -> dict[str, Any]:
        self.calls += 1
        return super().__call__(url, options)


@pytest.mark.parametrize("inline", [False, True], ids=["fast", "pyld"])
def test_processed_contexts_are_cached_per_loader(conformance: Path, inline: bool) -> None:
    doc = _load(conformance, "obv3/examples/linked-data-proof-ob-credential.json")
    if inline:  # a @reverse term (unsupported by the fast path) sends it down the pyld path
        doc["@context"] = [*doc["@context"], {"r": {"@reverse": "https://example.org/r"}}]
    loader = _CountingLoader()
    first = canonize(doc, loader=loader)
    calls = loader.calls
    assert calls > 0
    assert canonize(doc, loader=loader) == first
    assert loader.calls == calls  # nothing loaded or processed again
    other = _CountingLoader()  # caches belong to a loader
    canonize(doc, loader=other)
    assert other.calls == calls


def test_threads_share_nothing_mutable(conformance: Path) -> None:
    doc = _load(conformance, "obv3/examples/fullOpenBadge.json")
    expected = canonize(doc)
    loader = DocumentLoader()
    with ThreadPoolExecutor(max_workers=4) as pool:
        outputs = list(pool.map(lambda _: canonize(doc, loader=loader), range(16)))
    assert outputs == [expected] * 16


@pytest.mark.parametrize(
    "value",
    [{"b": 1, "a": [1.5, "x", None, True]}, [1, 2], None, "str", 1e21, {"€": "\u0007"}, -0.0,
     [[]], 10**30],
)
def test_json_literals_match_pyld(value: Any) -> None:
    doc = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": "VerifiableCredential",
        "credentialSchema": {"id": "https://x.example/s", "type": "JsonSchema", "jsonSchema": value},
    }
    fast = try_quads(doc, default_loader(), strict=True)
    assert fast is not None
    assert any(q.object.endswith("#JSON>") for q in fast)
    assert canonicalize(fast) == canonicalize(_pyld_quads(doc, default_loader(), strict=True))


LANGUAGE_CONTEXT = {"label": {"@id": "https://example.org/label", "@container": "@language"}}


def _labelled(label: Any) -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2", LANGUAGE_CONTEXT],
        "type": "VerifiableCredential",
        "credentialSubject": {"id": "did:example:x", "label": label},
    }


@pytest.mark.parametrize(
    "label",
    [{"nl": "lassen", "EN-gb": ["welding", None], "@none": "x"}, "plain", {}, {"nl": []}],
)
def test_language_maps_match_pyld(label: Any) -> None:
    doc = _labelled(label)
    fast = try_quads(doc, default_loader(), strict=True)
    assert fast is not None
    assert canonicalize(fast) == canonicalize(_pyld_quads(doc, default_loader(), strict=True))


@pytest.mark.parametrize("path", [try_quads, _pyld_quads], ids=["fast", "pyld"])
@pytest.mark.parametrize(
    ("doc", "pointer"),
    [
        (_labelled({"not a tag": "x"}), "/credentialSubject/label/not a tag"),
        (
            {
                "@context": ["https://www.w3.org/ns/credentials/v2"],
                "type": "VerifiableCredential",
                "name": {"@value": "x", "@language": "n l"},
            },
            "/name/@language",
        ),
    ],
)
def test_malformed_language_tags_are_refused(path: Any, doc: Any, pointer: str) -> None:
    with pytest.raises(RotondeError) as info:
        path(doc, default_loader(), strict=True)
    assert (info.value.code, info.value.pointer) == ("jsonld.language_invalid", pointer)


def _rotonde_credentials() -> list[Any]:
    from rotonde.learning import elm, ob3

    records = ROOT / "examples" / "records"
    out = []
    for path in sorted(records.glob("*.json")):
        record = json.loads(path.read_text("utf-8"))
        for module in (elm, ob3):
            doc = module.build(record, issuer_id="did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK")
            out.append(pytest.param(doc, id=f"{module.__name__.rsplit('.', 1)[1]}-{path.stem}"))
    return out


@pytest.mark.parametrize("doc", _rotonde_credentials())
def test_rotonde_credentials_take_the_fast_path(doc: Any) -> None:
    """Rotonde's own ELM and OB 3.0 renderings (language maps, own contexts) stay fast."""
    fast = try_quads(doc, default_loader(), strict=True)
    assert fast is not None
    assert canonicalize(fast) == canonicalize(_pyld_quads(doc, default_loader(), strict=True))
