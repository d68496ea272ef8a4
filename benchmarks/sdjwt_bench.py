"""SD-JWT VC issue, present and verify as ratios to raw signatures of the same algorithm.

* issue: 10 disclosable claims, holder key binding (cnf) → ratio to one raw sign (target 3x);
* present: 3 of the 10 with a KB-JWT → ratio to one raw sign (one signature is inherent);
* verify: issuer signature + KB-JWT signature + digests → ratio to one raw verify (target 2.5x,
  of which 2x is the two signatures themselves).
"""

from __future__ import annotations

from collections.abc import Callable

from benchmarks._ratio import Result, compare, raw_baselines
from rotonde import keys, sdjwt
from rotonde.clock import FixedClock

__all__ = ["operations", "run"]

NOW = 1_800_000_000
AUD = "https://verifier.example"
NONCE = "bench-nonce-0001"
CLAIMS = {
    "given_name": "Sanne",
    "family_name": "de Vries",
    "birthdate": "1998-03-14",
    "achievement_title": "MIG/MAG-lassen basis",
    "provider": "Bedrijfstakschool Metaal & Techniek Rijnmond",
    "eqf": 3,
    "nlqf": 3,
    "workload_hours": 80,
    "grade": "7,8",
    "awarded": "2026-06-30",
}
DISCLOSE = ["achievement_title", "eqf", "grade"]


def operations(alg: str) -> dict[str, Callable[[], object]]:
    """``issue``, ``present`` and ``verify`` closures for one algorithm (issuer = holder alg)."""
    issuer = keys.generate(alg)
    holder = keys.generate(alg)
    clock = FixedClock(NOW)

    def issue() -> str:
        return sdjwt.issue(CLAIMS, signer=issuer, disclosable=list(CLAIMS),
                           holder_key=holder.public_key, vct="https://x.example/vct",
                           iss="https://school.example", iat=NOW)

    credential = issue()

    def present() -> str:
        return sdjwt.present(credential, disclose=DISCLOSE, holder_key=holder,
                             nonce=NONCE, aud=AUD, iat=NOW)

    shown = present()

    def verify() -> object:
        return sdjwt.verify(shown, issuer_key=issuer.public_key, nonce=NONCE, aud=AUD,
                            clock=clock)

    verify()  # the operations work before they are timed
    return {"issue": issue, "present": present, "verify": verify}


def run(quick: bool = False) -> list[Result]:
    budget = 0.05 if quick else 0.15
    rounds = 3 if quick else 5
    results: list[Result] = []
    for alg in ("EdDSA", "ES256"):
        ops = operations(alg)
        raw = raw_baselines(alg)
        for name, op, base, target in (
            ("issue (10 SD claims)", "issue", "sign", 3.0),
            ("present (3 of 10 + KB-JWT)", "present", "sign", None),
            ("verify (issuer + KB-JWT)", "verify", "verify", 2.5),
        ):
            seconds, base_seconds = compare(ops[op], raw[base], budget=budget, rounds=rounds)
            results.append(Result("sdjwt", name, alg, seconds, f"raw {base}", base_seconds,
                                  target))
    return results
