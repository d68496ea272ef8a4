"""The ELM form against the EDC SHACL shapes: exactly the documented violations, no others."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rotonde.jsonld import default_loader, to_nquads
from rotonde.learning import elm
from tests.conftest import require
from tests.core.learning.learning_support import ROOT, record, record_names

ISSUER = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
SHAPE_NS = "http://data.europa.eu/snb/model/ap/edc-generic-no-cv/"
PREFIXES = {
    "http://data.europa.eu/snb/model/elm/": "elm:",
    "https://www.w3.org/2018/credentials#": "cred:",
    "http://purl.org/dc/terms/": "dc:",
}

Key = tuple[str, str, str]


def documented() -> set[Key]:
    text = (ROOT / "docs" / "elm-shacl.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([^`]+)` \| `([^`]+)` \| (\w+)", text, flags=re.MULTILINE)
    return {(shape, path, constraint) for shape, path, constraint in rows}


def _short(iri: str) -> str:
    for ns, prefix in PREFIXES.items():
        if iri.startswith(ns):
            return prefix + iri[len(ns):]
    return iri


@pytest.fixture(scope="module")
def graphs(conformance: Path) -> tuple[object, object]:
    rdflib = pytest.importorskip("rdflib")
    shacl = conformance / "elm-v3" / "shacl" / "EDC-generic-no-cv.ttl"
    ontology = conformance / "elm-v3" / "ontology" / "ELM.ttl"
    require(shacl.is_file(), f"{shacl} is missing")
    return (rdflib.Graph().parse(shacl, format="turtle"),
            rdflib.Graph().parse(ontology, format="turtle"))


def violations(name: str, graphs: tuple[object, object]) -> set[Key]:
    pyshacl = pytest.importorskip("pyshacl")
    from rdflib import Graph
    from rdflib.namespace import SH

    vc = elm.build(record(name), issuer_id=ISSUER)
    data = Graph().parse(data=to_nquads(vc, loader=default_loader()), format="nt")
    _, report, _ = pyshacl.validate(data, shacl_graph=graphs[0], ont_graph=graphs[1],
                                    inference="none", advanced=True)
    found: set[Key] = set()
    for result in report.subjects(SH.resultSeverity, None):
        shape = str(report.value(result, SH.sourceShape))
        shape = shape[len(SHAPE_NS):] if shape.startswith(SHAPE_NS) else "(anonymous)"
        component = str(report.value(result, SH.sourceConstraintComponent)).rsplit("#", 1)[-1]
        found.add((shape, _short(str(report.value(result, SH.resultPath))),
                   component.removesuffix("ConstraintComponent")))
    return found


def test_the_documented_table_parses() -> None:
    assert len(documented()) == 8


def test_elm_form_violates_exactly_the_documented_shapes(graphs: tuple[object, object]) -> None:
    allowed = documented()
    seen: set[Key] = set()
    for name in record_names():
        found = violations(name, graphs)
        assert found <= allowed, (name, found - allowed)
        seen |= found
    assert seen == allowed


def test_a_new_violation_is_noticed(graphs: tuple[object, object]) -> None:
    """Drop the ELM-required title of the achievement: a violation outside the documented set."""
    pyshacl = pytest.importorskip("pyshacl")
    from rdflib import Graph

    vc = elm.build(record("mc-mag-lassen"), issuer_id=ISSUER)
    del vc["credentialSubject"]["hasClaim"]["title"]
    data = Graph().parse(data=to_nquads(vc, loader=default_loader()), format="nt")
    _, _, text = pyshacl.validate(data, shacl_graph=graphs[0], ont_graph=graphs[1],
                                  inference="none")
    assert "LearningAchievement-dc_title" in text
