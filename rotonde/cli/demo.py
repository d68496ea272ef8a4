"""``rotonde demo``: issue, present and verify an SD-JWT VC microcredential, offline.

A sector training school issues "MIG/MAG-lassen basis" (EQF 3 / NLQF 3, institution-indicated)
to a learner as an SD-JWT VC with key binding; the learner shows three claims to an employer
(the achievement's title, its level and the grade) and the employer verifies the presentation.
Keys are generated in memory; nothing touches the network or the disk.
"""

from __future__ import annotations

import argparse
import json
import secrets
import sys
from typing import Any

from rotonde import keys, sdjwt
from rotonde.cli._io import guarded, print_json
from rotonde.clock import SystemClock, format_datetime
from rotonde.verify import VerifyOptions, verify

__all__ = ["DEMO_CLAIMS", "DEMO_DISCLOSE", "DEMO_VCT", "register", "run_demo"]

DEMO_ISSUER = "https://opleidingen.metaaltechniek-rijnmond.example"
DEMO_VERIFIER = "https://werkenbij.constructiebedrijf-delta.example"
DEMO_VCT = "https://rotonde.example/vct/microcredential/v1"
#: The ESCO concept URIs below are illustrative placeholders in the ESCO URI pattern.
DEMO_CLAIMS: dict[str, Any] = {
    "learner": {
        "given_name": "Sanne",
        "family_name": "de Vries",
        "birthdate": "1998-03-14",
    },
    "achievement": {
        "title": {"nl": "MIG/MAG-lassen basis", "en": "MIG/MAG welding, basic"},
        "provider": "Bedrijfstakschool Metaal & Techniek Rijnmond",
        "level": {"eqf": 3, "nlqf": 3, "source": "institution-indicated"},
        "workload": {"hours": 80, "ects": 3},
        "learning_setting": "non-formal",
        "skills": [
            {"id": "http://data.europa.eu/esco/skill/0b1e4e5c-7d3a-4f61-9a52-demo00000001",
             "label": {"nl": "MIG/MAG-lassen uitvoeren", "en": "perform MIG/MAG welding"}},
            {"id": "http://data.europa.eu/esco/skill/0b1e4e5c-7d3a-4f61-9a52-demo00000002",
             "label": {"nl": "veilig werken met lasapparatuur",
                       "en": "work safely with welding equipment"}},
        ],
        "assessment": {"type": "praktijkexamen", "grade": "7,8", "passed": True},
        "awarded": "2026-06-30",
    },
}
DEMO_DISCLOSE = ["achievement.title", "achievement.level", "achievement.assessment.grade"]
_DISCLOSABLE = [
    "learner", "learner.given_name", "learner.family_name", "learner.birthdate",
    "achievement.title", "achievement.provider", "achievement.level", "achievement.workload",
    "achievement.learning_setting", "achievement.skills.*", "achievement.assessment",
    "achievement.assessment.grade", "achievement.awarded",
]


def run_demo(*, alg: str = "EdDSA", holder_alg: str = "ES256") -> dict[str, Any]:
    """Run the three steps; returns the credential, the presentation and the report."""
    clock = SystemClock()
    issuer = keys.generate(alg, kid="opleidingen-2026")
    holder = keys.generate(holder_alg)
    now = int(clock.now())
    credential = sdjwt.issue(
        DEMO_CLAIMS, signer=issuer, disclosable=_DISCLOSABLE, holder_key=holder.public_key,
        vct=DEMO_VCT, iss=DEMO_ISSUER, iat=now, exp=now + 5 * 365 * 86400, decoys=1,
    )
    nonce = secrets.token_urlsafe(16)
    presentation = sdjwt.present(
        credential, disclose=DEMO_DISCLOSE, holder_key=holder, nonce=nonce, aud=DEMO_VERIFIER,
        clock=clock,
    )
    report = verify(
        presentation,
        VerifyOptions(issuer_key=issuer.public_key, nonce=nonce, audience=DEMO_VERIFIER,
                      clock=clock),
    )
    return {"credential": credential, "presentation": presentation, "report": report,
            "issued_at": now}


def _summary(result: dict[str, Any]) -> str:
    report = result["report"]
    claims = report.claims or {}
    ach = claims.get("achievement", {})
    level = ach.get("level", {})
    lines = [
        "Rotonde demo: SD-JWT VC microcredential",
        f"  1. issued    {len(result['credential'])} bytes by {DEMO_ISSUER}"
        f" at {format_datetime(result['issued_at'])}",
        f"               {len(sdjwt.parse(result['credential']).disclosures)} disclosures,"
        f" vct {DEMO_VCT}",
        f"  2. presented {', '.join(DEMO_DISCLOSE)} (with key binding) to {DEMO_VERIFIER}",
        f"               {len(result['presentation'])} bytes",
        f"  3. verified  {'JA / YES' if report.verified else 'NEE / NO'}",
        f"     Behaald / achieved: {ach.get('title', {}).get('nl', '?')}"
        f" ({ach.get('title', {}).get('en', '?')})",
        f"     Niveau / level:     EQF {level.get('eqf', '?')} / NLQF {level.get('nlqf', '?')}"
        f" ({level.get('source', '?')})",
        f"     Cijfer / grade:     {ach.get('assessment', {}).get('grade', '?')}",
        "     Niet getoond / not shown: name, birth date, provider, workload, skills",
        "  checks: " + ", ".join(f"{c.name}={c.outcome}" for c in report.checks),
    ]
    return "\n".join(lines)


def _demo(args: argparse.Namespace) -> int:
    result = run_demo(alg=args.alg)
    report = result["report"]
    if args.json:
        print_json(report.to_dict())
    else:
        sys.stdout.write(_summary(result) + "\n\nReport:\n")
        sys.stdout.write(json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n")
    return 0 if report.verified else 1


def register(sub: Any) -> None:
    p = sub.add_parser("demo", help="issue, present and verify a demo microcredential (offline)")
    p.add_argument("--alg", choices=sorted(keys.ALGORITHMS), default="EdDSA",
                   help="issuer key algorithm")
    p.add_argument("--json", action="store_true", help="print only the report JSON")
    p.set_defaults(handler=guarded(_demo))
