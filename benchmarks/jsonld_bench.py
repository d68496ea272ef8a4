"""JSON-LD canonicalization cost (``rotonde.jsonld.canonize``) as ratios to a raw Ed25519 sign.

Documents: the small Open Badges 3.0 credential and the large ELM-style microcredential of
:mod:`benchmarks.di_bench`. For each: ``canonize`` (fast path + RDFC-1.0), the pyld reference
path for comparison, and RDFC-1.0 alone on the already-computed quads. The baseline is a raw
Ed25519 sign measured in alternating rounds of the same run (:mod:`benchmarks._ratio`).

Run: ``python -m benchmarks jsonld`` (``run(quick=False)`` returns :class:`Result` rows).
"""

from __future__ import annotations

from typing import Any

from benchmarks._ratio import Result, compare, raw_baselines
from benchmarks.di_bench import large_credential, small_credential
from rotonde.jsonld import canonize, default_loader, to_quads
from rotonde.jsonld.process import _pyld_quads
from rotonde.rdfc import canonicalize

__all__ = ["run"]

ISSUER = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"


def run(quick: bool = False) -> list[Result]:
    budget = 0.05 if quick else 0.15
    rounds = 3 if quick else 5
    sign = raw_baselines("EdDSA")["sign"]
    loader = default_loader()
    results: list[Result] = []
    for size, doc in (("small", small_credential(ISSUER)), ("large", large_credential(ISSUER))):
        quads = to_quads(doc)
        n = len(set(quads))

        def fast(d: dict[str, Any] = doc) -> object:
            return canonize(d, loader=loader)

        def reference(d: dict[str, Any] = doc) -> object:
            return canonicalize(_pyld_quads(d, loader, strict=True))

        def rdfc(q: list[Any] = quads) -> object:
            return canonicalize(q)

        assert fast() == reference()
        for name, fn in (
            (f"canonize {size} ({n} quads)", fast),
            (f"pyld path {size}", reference),
            (f"rdfc only {size}", rdfc),
        ):
            seconds, baseline = compare(fn, sign, budget=budget, rounds=rounds)
            results.append(Result("jsonld", name, "EdDSA", seconds, "raw sign", baseline))
    return results


if __name__ == "__main__":  # pragma: no cover
    for row in run():
        print(row.to_dict())
