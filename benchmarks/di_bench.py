"""Data Integrity (``eddsa-rdfc-2022``) issue and verify cost, as ratios to raw Ed25519.

Two documents: a small Open Badges 3.0 credential (about 15 quads) and a large ELM-style
microcredential expressed with the OB 3.0 vocabulary (many achievement, alignment and result
fields; 150–300 quads). Each is issued (:func:`rotonde.proofs.add_proof`) and verified
(:func:`rotonde.proofs.verify_proof`, and the whole engine :func:`rotonde.verify.verify`) and
compared with a raw Ed25519 sign/verify (:mod:`benchmarks._ratio`) measured in alternating
rounds of the same run, so the numbers
are machine-independent ratios. Targets (issue "Core II" item 8): issue < 80x raw sign and
verify < 22x raw verify for the small credential, < 100x / < 28x for the large one.

Run: ``python -m benchmarks di`` (``run(quick=False)`` returns :class:`Result` rows).
"""

from __future__ import annotations

from typing import Any

from benchmarks._ratio import Result, compare, raw_baselines
from rotonde.clock import FixedClock
from rotonde.did.methods import method_id_for_key
from rotonde.keys import generate
from rotonde.proofs import add_proof, verify_proof
from rotonde.verify import VerifyOptions, verify

__all__ = ["TARGETS", "large_credential", "run", "small_credential"]

OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
V2 = "https://www.w3.org/ns/credentials/v2"
#: (issue ratio, verify ratio) targets per document size.
TARGETS = {"small": (80.0, 22.0), "large": (100.0, 28.0)}


def small_credential(issuer: str) -> dict[str, Any]:
    """The Open Badges 3.0 spec's signed example, re-issued by ``issuer`` (16 quads)."""
    return {
        "@context": [V2, OB3],
        "id": "http://example.com/credentials/3527",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Example Corp"},
        "validFrom": "2010-01-01T00:00:00Z",
        "name": "Teamwork Badge",
        "credentialSubject": {
            "id": "did:example:ebfeb1f712ebc6f1c276e12ec21",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://example.com/achievements/21st-century-skills/teamwork",
                "type": ["Achievement"],
                "criteria": {"narrative": "Team members are nominated for this badge by peers."},
                "description": "Collaboration within a group environment.",
                "name": "Teamwork",
            },
        },
    }


def large_credential(issuer: str, outcomes: int = 10) -> dict[str, Any]:
    """An ELM-style microcredential: learning outcomes as alignments, graded results."""
    base = "https://mbo-rotonde.example/achievements/lassen-2"
    alignments = [
        {"type": ["Alignment"], "targetName": f"Leeruitkomst {i}: lassen met techniek {i}",
         "targetUrl": f"http://data.europa.eu/esco/skill/{i:04d}-lassen",
         "targetDescription": f"De lerende beheerst lastechniek {i} volgens NEN-EN-ISO 9606.",
         "targetFramework": "ESCO", "targetCode": f"S{i:03d}", "targetType": "ceasn:Competency"}
        for i in range(outcomes)
    ]
    descriptions = [
        {"id": f"{base}/results/{i}", "type": ["ResultDescription"],
         "name": f"Beoordeling leeruitkomst {i}", "resultType": "RubricCriterionLevel",
         "allowedValue": ["onvoldoende", "voldoende", "goed"],
         "requiredValue": "voldoende"}
        for i in range(outcomes)
    ]
    results = [
        {"type": ["Result"], "resultDescription": f"{base}/results/{i}",
         "value": "goed" if i % 3 else "voldoende", "status": "Completed"}
        for i in range(outcomes)
    ]
    return {
        "@context": [V2, OB3],
        "id": "urn:uuid:8a7e4c1e-3b1f-4e0c-9a7d-5f3b2c1d0e9f",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "MBO College Rotonde",
                   "url": "https://mbo-rotonde.example", "email": "examens@mbo-rotonde.example"},
        "validFrom": "2025-06-30T00:00:00Z",
        "validUntil": "2030-06-30T00:00:00Z",
        "name": "Microcredential Lassen niveau 2",
        "description": "Praktijkgerichte microcredential lassen (MIG/MAG), EQF-niveau 3.",
        "credentialSubject": {
            "id": "did:example:learner-4711",
            "type": ["AchievementSubject"],
            "activityStartDate": "2025-02-01T00:00:00Z",
            "activityEndDate": "2025-06-27T00:00:00Z",
            "creditsEarned": 5.0,
            "achievement": {
                "id": base, "type": ["Achievement"], "achievementType": "Certificate",
                "name": "Lassen niveau 2", "description": "MIG/MAG-lassen van plaatmateriaal.",
                "criteria": {"narrative": "Praktijkexamen en portfolio met beoordeling."},
                "creditsAvailable": 5.0, "fieldOfStudy": "Metaaltechniek",
                "humanCode": "LAS-2", "version": "2025.1",
                "tag": ["lassen", "metaal", "mbo", "microcredential"],
                "alignment": alignments,
                "resultDescription": descriptions,
            },
            "result": results,
        },
    }


def _quads(doc: dict[str, Any]) -> int:
    from rotonde.proofs.eddsa_rdfc_2022 import canonical_document

    return canonical_document(doc).count("\n")


def run(quick: bool = False) -> list[Result]:
    """Rows for ``python -m benchmarks di``: issue and verify per document size, plus the whole
    engine (parse + JSON-LD checks + proof + validity) for information."""
    budget = 0.05 if quick else 0.15
    rounds = 3 if quick else 5
    key = generate("EdDSA")
    method = method_id_for_key(key.public_key)
    issuer = method.partition("#")[0]
    raw = raw_baselines("EdDSA")
    clock = FixedClock.at("2025-07-01T00:00:00Z")
    options = VerifyOptions(clock=clock)
    results: list[Result] = []
    for size, doc in (("small", small_credential(issuer)), ("large", large_credential(issuer))):
        signed = add_proof(doc, signer=key, verification_method=method, clock=clock)
        if not verify(signed, options).verified:  # pragma: no cover - a broken build
            raise RuntimeError(f"{size} credential does not verify")
        quads = _quads(doc)
        issue_target, verify_target = TARGETS[size]

        def issue(d: dict[str, Any] = doc) -> object:
            return add_proof(d, signer=key, verification_method=method, clock=clock)

        def check(s: dict[str, Any] = signed) -> object:
            return verify_proof(s)

        def engine(s: dict[str, Any] = signed) -> object:
            return verify(s, options)

        for name, fn, base, target in (
            (f"issue {size} ({quads} quads)", issue, "sign", issue_target),
            (f"verify {size} ({quads} quads)", check, "verify", verify_target),
            (f"engine verify {size}", engine, "verify", verify_target),
        ):
            seconds, baseline = compare(fn, raw[base], budget=budget, rounds=rounds)
            results.append(Result("di", name, "EdDSA", seconds, f"raw {base}", baseline, target))
    return results


if __name__ == "__main__":  # pragma: no cover
    for row in run():
        print(row.to_dict())
