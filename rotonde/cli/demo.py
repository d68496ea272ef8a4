"""``rotonde demo``: issue, present and verify an SD-JWT VC microcredential, offline.

A sector training school issues "MIG/MAG-lassen basis" (NLQF 2, level indicated by the
institution) to a learner: the achievement record (:mod:`rotonde.learning.record`) is rendered
in its SD-JWT VC form (:mod:`rotonde.learning.sdjwt_vc`), one Disclosure per claim, bound to the
learner's key. The learner shows three claims to an employer — the title, the level and the
learning outcomes — and keeps the rest (name, birth date, grade...) to themselves; the employer
verifies the presentation. Keys are generated in memory; nothing touches the network or disk.
"""

from __future__ import annotations

import argparse
import json
import secrets
import sys
from typing import Any

from rotonde import keys, sdjwt
from rotonde.cli.support import Subcommands, guarded, print_json
from rotonde.clock import SystemClock, format_datetime
from rotonde.verify import VerifyOptions, verify

__all__ = ["DEMO_DISCLOSE", "DEMO_RECORD", "register", "run_demo"]

DEMO_ISSUER = "did:web:metaalschool-oost.example"
DEMO_VERIFIER = "https://werkenbij.vandijk-staalbouw.example"
_MAG = "http://data.europa.eu/esco/skill/60ff3eac-7d4d-4e51-87b8-74c3b5d62498"
_SAFETY = "http://data.europa.eu/esco/skill/d2d9051a-10e1-41c5-9cfb-bbdc58016176"

#: A microcredential with every EU mandatory element (Council Recommendation 2022/C 243/02).
DEMO_RECORD: dict[str, Any] = {
    "record_version": "1.0",
    "kind": "microcredential",
    "title": {"nl": "MIG/MAG-lassen basis", "en": "MIG/MAG welding, basic"},
    "learner": {"name": "Sanne de Vries", "birth_date": "1998-03-14"},
    "awarding_body": {
        "id": DEMO_ISSUER,
        "name": {"nl": "Metaalschool Oost", "en": "Metaalschool Oost sector training school"},
        "country": "NL",
        "registry_ids": {"kvk": "62345678"},
    },
    "award_date": "2026-06-30",
    "learning_outcomes": [
        {"skill": _MAG, "title": {"nl": "MAG-lassen uitvoeren",
                                  "en": "perform metal active gas welding"}},
        {"skill": _SAFETY, "title": {"nl": "veiligheidsmaatregelen in het werk volgen",
                                     "en": "follow safety precautions in work practices"}},
    ],
    "level": {"framework": "NLQF", "value": 2, "source": "institution"},
    "workload": {"hours": 80, "ects": 3},
    "assessment": {"type": "practical_exam", "supervised": "on_site", "identity_verified": True},
    "participation": "on_site",
    "quality_assurance": {"type": "sector_standard", "body": "Stichting Vakopleiding Metaal"},
    "grade": {"value": "7,8", "scale": "1-10"},
    "assurance": "assessed",
}
#: What the learner shows: three claims, nothing personal.
DEMO_DISCLOSE = ["title", "level", "learning_outcomes"]


def run_demo(*, alg: str = "EdDSA", holder_alg: str = "ES256") -> dict[str, Any]:
    """Run the three steps; returns the credential, the presentation and the report."""
    from rotonde.learning import sdjwt_vc, validate_record

    clock = SystemClock()
    issuer = keys.generate(alg, kid=f"{DEMO_ISSUER}#opleidingen-2026")
    holder = keys.generate(holder_alg)
    now = int(clock.now())
    claims, disclosable, vct = sdjwt_vc.build(validate_record(DEMO_RECORD))
    credential = sdjwt.issue(
        claims, signer=issuer, disclosable=disclosable, holder_key=holder.public_key,
        vct=vct, iss=DEMO_ISSUER, iat=now, decoys=2,
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
            "issued_at": now, "vct": vct}


def _summary(result: dict[str, Any]) -> str:
    report = result["report"]
    claims = report.claims or {}
    level = claims.get("level") or {}
    skills = ", ".join(o.get("title", {}).get("nl", "?") for o in claims.get("learning_outcomes", []))
    hidden = [f"learner.{k}" for k in DEMO_RECORD["learner"] if k not in claims.get("learner", {})]
    hidden += sorted(k for k in DEMO_RECORD if k not in claims and k != "record_version")
    lines = [
        "Rotonde demo: SD-JWT VC microcredential",
        f"  1. issued    {len(result['credential'])} bytes by {DEMO_ISSUER}"
        f" at {format_datetime(result['issued_at'])}",
        f"               {len(sdjwt.parse(result['credential']).disclosures)} disclosures,"
        f" vct {result['vct']}",
        f"  2. presented {', '.join(DEMO_DISCLOSE)} (with key binding) to {DEMO_VERIFIER}",
        f"               {len(result['presentation'])} bytes",
        f"  3. verified  {'JA / YES' if report.verified else 'NEE / NO'}",
        f"     Behaald / achieved: {claims.get('title', {}).get('nl', '?')}"
        f" ({claims.get('title', {}).get('en', '?')})",
        f"     Niveau / level:     {level.get('framework', '?')} {level.get('value', '?')}"
        f" (bron / source: {level.get('source', '?')})",
        f"     Vaardigheden:       {skills}",
        f"     Niet getoond / not shown: {', '.join(hidden)}",
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


def register(sub: Subcommands) -> None:
    p = sub.add_parser("demo", help="issue, present and verify a demo microcredential (offline)")
    p.add_argument("--alg", choices=sorted(keys.ALGORITHMS), default="EdDSA",
                   help="issuer key algorithm")
    p.add_argument("--json", action="store_true", help="print only the report JSON")
    p.set_defaults(handler=guarded(_demo))
