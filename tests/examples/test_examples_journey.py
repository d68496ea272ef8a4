"""The example data set, end to end through the core: every record is issued as an SD-JWT VC by
its provider, presented in full, verified, read back, and then stacked towards the pathway,
collected into the competence passport and matched against the vacancy."""

from __future__ import annotations

import json
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from rotonde import keys, sdjwt
from rotonde.clock import FixedClock
from rotonde.learning import read, sdjwt_vc
from rotonde.learning.evidence import Evidence
from rotonde.learning.matching import match, to_dcql
from rotonde.learning.passport import passport
from rotonde.learning.stacking import progress
from rotonde.verify import VerifyOptions, verify

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
TODAY = date(2026, 11, 23)
NOW = FixedClock.at("2026-11-23T12:00:00Z")
MAG = "http://data.europa.eu/esco/skill/60ff3eac-7d4d-4e51-87b8-74c3b5d62498"


def load(relative: str) -> Any:
    return json.loads((EXAMPLES / relative).read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def issued() -> dict[str, Evidence]:
    """Issue, present (everything disclosed, key-bound) and verify every example record."""
    holder = keys.generate("ES256")
    issuer_keys: dict[str, keys.PrivateKey] = {}
    out: dict[str, Evidence] = {}
    for path in sorted(EXAMPLES.glob("records/*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        iss = record["awarding_body"]["id"]
        key = issuer_keys.setdefault(iss, keys.generate("ES256"))
        claims, paths, vct = sdjwt_vc.build(record)
        token = sdjwt.issue(claims, signer=key, disclosable=paths, holder_key=holder.public_key,
                            iss=iss, vct=vct, iat=int(NOW.now()) - 60)
        shown = sdjwt.present(token, disclose=paths, holder_key=holder, nonce="n-1",
                              aud="https://werkgever.example", iat=int(NOW.now()))
        report = verify(shown, VerifyOptions(issuer_key=key.public_key, nonce="n-1",
                                             audience="https://werkgever.example", clock=NOW))
        assert report.verified, (path.name, report.to_dict())
        assert report.claims is not None
        back = read(report.claims)
        assert back["learning_outcomes"] == record["learning_outcomes"]
        out[path.stem] = Evidence(record=back, ref=path.stem, issuer=report.issuer)
    return out


def test_progress_towards_the_welding_pathway() -> None:
    result = progress(load("pathways/lasser-mbo2.json"), issued().values(), today=TODAY)
    data = result.to_dict()
    counted = {c["ref"] for c in data["credentials"] if c["counts"]}
    # Only credentials from accepted issuers and accepted kinds count: never the employer's
    # attestation (a kind the pathway does not accept) nor the learner's self-assessment.
    assert "werkgeversverklaring" not in counted and "zelfbeoordeling" not in counted
    assert {"mc-mag-lassen", "evc-lasser"} <= counted
    reasons = {c["ref"]: {r["code"] for r in c["reasons"]} for c in data["credentials"]}
    assert "evidence.kind_not_accepted" in reasons["werkgeversverklaring"]
    assert "evidence.kind_not_accepted" in reasons["zelfbeoordeling"]
    welding = next(r for r in result.requirements if r.id == "mig-mag-lassen")
    assert welding.met and "mc-mag-lassen" in welding.evidence
    assert result.credits["ects"] > 0


def test_competence_passport_of_the_learner() -> None:
    pp = passport(issued().values())
    entry = pp.entry(MAG)
    assert entry is not None
    assert entry.level is not None and entry.level["source"] != "self"
    assert entry.assurance == "assessed"
    assert {"mc-mag-lassen", "evc-lasser"} <= set(entry.evidence)
    self_rows = [e for e in pp.entries if e.self_assessed is not None]
    assert self_rows, "the self-assessment shows beside the verified levels"


def test_matching_the_vacancy_and_its_dcql_query() -> None:
    profile = load("requirements/vacature-constructiewerker.json")
    catalogue = [load(f"records/{name}.json") for name in ("mc-heftruck", "mc-veilig-werken")]
    result = match(profile, issued().values(), catalogue=catalogue, today=TODAY)
    by_id = {r.id: r for r in result.requirements}
    assert by_id["mag-lassen"].fulfilled
    assert by_id["klantenservice"].fulfilled  # a self-assessment is all this optional requirement asks
    assert result.fulfilled, result.to_dict()
    query = to_dcql(profile)
    assert [c["id"] for c in query["credentials"]] == [r["id"] for r in profile["requirements"]]
    asked = {tuple(cl["path"]) for c in query["credentials"] for cl in c["claims"]}
    assert ("learner",) not in asked and ("grade",) not in asked
