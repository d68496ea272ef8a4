"""Shipped JSON-LD contexts: provenance (MANIFEST.json), integrity, and the offline loader."""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from pathlib import Path

import pytest
from pyld import jsonld as pyld_jsonld

from rotonde.errors import ConfigurationError, RotondeError
from rotonde.jsonld import (
    CREDENTIALS_V2,
    DocumentLoader,
    canonize,
    default_loader,
    expand,
    shipped_contexts,
)

FOLDER = resources.files("rotonde.jsonld.contexts")

#: shipped file -> conformance file; True when byte-identical, False when only the parsed JSON
#: is identical (the OB 3.0.0/3.0.1 files in the npm package are JavaScript objects that we
#: write out with JSON.stringify(ctx, null, 2); 1EdTech publishes them with other whitespace).
COUNTERPARTS = {
    "credentials-v1.jsonld": ("contexts/credentials-v1.jsonld", True),
    "credentials-v2.jsonld": ("contexts/credentials-v2.jsonld", True),
    "credentials-undefined-terms-v2.jsonld": ("contexts/credentials-undefined-terms-v2.jsonld", True),
    "credentials-examples-v2.jsonld": ("contexts/credentials-examples-v2.jsonld", True),
    "credentials-status-v1.jsonld": ("contexts/credentials-status-v1.jsonld", True),
    "data-integrity-v1.jsonld": ("contexts/data-integrity-v1.jsonld", True),
    "data-integrity-v2.jsonld": ("contexts/data-integrity-v2.jsonld", True),
    "multikey-v1.jsonld": ("contexts/multikey-v1.jsonld", True),
    "ob-context-3.0.0.json": ("obv3/contexts/context-3.0.0.json", False),
    "ob-context-3.0.1.json": ("obv3/contexts/context-3.0.1.json", False),
    "ob-context-3.0.2.json": ("obv3/contexts/context-3.0.2.json", True),
    "ob-context-3.0.3.json": ("obv3/contexts/context-3.0.3.json", True),
}


def _manifest() -> list[dict[str, str]]:
    rows: list[dict[str, str]] = json.loads(FOLDER.joinpath("MANIFEST.json").read_text("utf-8"))[
        "contexts"
    ]
    return rows


def test_manifest_hashes_match_files() -> None:
    rows = _manifest()
    assert rows
    for row in rows:
        data = FOLDER.joinpath(row["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == row["sha256"], row["file"]
        assert row["url"].startswith("https://")
        assert row["licence"] and row["package"]
        assert "@context" in json.loads(data)


def test_manifest_lists_every_shipped_file() -> None:
    files = {
        p.name
        for p in FOLDER.iterdir()
        if p.name.endswith((".json", ".jsonld")) and p.name != "MANIFEST.json"
    }
    assert files == {row["file"] for row in _manifest()}
    assert [c.url for c in shipped_contexts()] == [row["url"] for row in _manifest()]


@pytest.mark.parametrize("name", sorted(COUNTERPARTS))
def test_shipped_context_equals_published(conformance: Path, name: str) -> None:
    theirs_path, byte_identical = COUNTERPARTS[name]
    ours = FOLDER.joinpath(name).read_bytes()
    theirs = (conformance / theirs_path).read_bytes()
    if byte_identical:
        assert ours == theirs
    else:
        assert ours != theirs  # documented: whitespace differs
        assert json.loads(ours) == json.loads(theirs)


def test_every_conformance_context_is_shipped(conformance: Path) -> None:
    published = {str(p.relative_to(conformance)) for p in (conformance / "contexts").iterdir()}
    published |= {
        str(p.relative_to(conformance)) for p in (conformance / "obv3" / "contexts").iterdir()
    }
    assert published == {path for path, _ in COUNTERPARTS.values()}


def test_loader_serves_shipped_contexts() -> None:
    loader = DocumentLoader()
    remote = loader(CREDENTIALS_V2, {})
    assert remote["documentUrl"] == CREDENTIALS_V2
    assert remote["contextUrl"] is None
    assert "@context" in remote["document"]
    remote["document"]["@context"]["mutated"] = True  # a copy: the loader is not affected
    assert "mutated" not in loader(CREDENTIALS_V2, {})["document"]["@context"]
    assert CREDENTIALS_V2 in loader and "https://example.org/x" not in loader


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/context.jsonld",
        "http://www.w3.org/ns/credentials/v2",  # http, not https
        "https://www.w3.org/ns/credentials/v2/",  # trailing slash
        "",
    ],
)
def test_unknown_url_is_refused(url: str) -> None:
    with pytest.raises(RotondeError) as info:
        default_loader()(url, {})
    assert info.value.code == "jsonld.context_unknown"
    assert info.value.problems[0].detail["url"] == url
    assert url in info.value.message


def test_unknown_context_in_document_never_fetches() -> None:
    doc = {"@context": ["https://www.w3.org/ns/credentials/v2", "https://example.org/ctx"]}
    with pytest.raises(RotondeError) as info:
        canonize(doc)
    assert info.value.code == "jsonld.context_unknown"
    assert info.value.problems[0].detail["url"] == "https://example.org/ctx"
    assert info.value.pointer == "/@context/1"


def test_nested_unknown_context_is_refused_through_pyld() -> None:
    # an inline context object takes the pyld path; its @import-free URL is still refused
    doc = {
        "@context": [CREDENTIALS_V2, {"@vocab": "https://example.org/#"}],
        "a": {"@context": "https://example.org/nested", "b": 1},
    }
    with pytest.raises(RotondeError) as info:
        expand(doc)
    assert info.value.code == "jsonld.context_unknown"


ROTONDE_CTX = "https://rotonde.example/contexts/test/v1"
ROTONDE_DOC = {
    "@context": {
        "@protected": True,
        "Opleiding": "https://rotonde.example/vocab#Opleiding",
        "niveau": "https://rotonde.example/vocab#niveau",
    }
}


def test_extra_contexts_are_registered() -> None:
    loader = DocumentLoader(extra={ROTONDE_CTX: ROTONDE_DOC})
    assert ROTONDE_CTX in loader
    doc = {
        "@context": [CREDENTIALS_V2, ROTONDE_CTX],
        "type": ["VerifiableCredential", "Opleiding"],
        "niveau": "4",
    }
    out = canonize(doc, loader=loader)
    assert "<https://rotonde.example/vocab#niveau>" in out
    with pytest.raises(RotondeError) as info:
        canonize(doc)  # the default loader does not know it
    assert info.value.code == "jsonld.context_unknown"


def test_register_replaces_extra_and_drops_caches() -> None:
    loader = DocumentLoader(extra={ROTONDE_CTX: ROTONDE_DOC})
    doc = {"@context": [CREDENTIALS_V2, ROTONDE_CTX], "niveau": "4"}
    first = canonize(doc, loader=loader)
    loader.register(
        ROTONDE_CTX, {"@context": {"niveau": "https://rotonde.example/vocab#level"}}
    )
    second = canonize(doc, loader=loader)
    assert first != second and "#level>" in second


@pytest.mark.parametrize(
    "document", [None, [], "x", {"no": "context"}, {"@context": {}} | {"x": {1}}]
)
def test_register_rejects_non_contexts(document: object) -> None:
    with pytest.raises(ConfigurationError):
        DocumentLoader(extra={ROTONDE_CTX: document})  # type: ignore[dict-item]


def test_shipped_context_cannot_be_replaced() -> None:
    loader = DocumentLoader()
    with pytest.raises(ConfigurationError) as info:
        loader.register(CREDENTIALS_V2, {"@context": {"x": "urn:x"}})
    assert info.value.code == "jsonld.context_conflict"
    loader.register(CREDENTIALS_V2, loader.document(CREDENTIALS_V2))  # identical: a no-op


def test_default_loader_is_shared_and_frozen() -> None:
    assert default_loader() is default_loader()
    with pytest.raises(ConfigurationError) as info:
        default_loader().register(ROTONDE_CTX, ROTONDE_DOC)
    assert info.value.code == "jsonld.loader_frozen"


def test_pyld_global_loader_untouched() -> None:
    before = pyld_jsonld.get_document_loader()
    canonize({"@context": CREDENTIALS_V2, "type": "VerifiableCredential"})
    assert pyld_jsonld.get_document_loader() is before
