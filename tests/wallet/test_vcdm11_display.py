"""The wallet reads and shows VCDM 1.1 credentials (issue 15 D): the verified report, a title,
and the issue and expiry dates in words (``issuanceDate``/``expirationDate``)."""

from __future__ import annotations

from typing import Any

import pytest

from rotonde.learning.describe import describe_claims
from rotonde.verify.engine import VerifyOptions, verify
from tests.core.verify import test_jwt_vc_json_in as jwt_vc
from tests.core.verify import test_vcdm11_in as ldp
from wallet.flows.store import summarise

CASES: dict[str, tuple[Any, str]] = {
    "eddsa-rdfc-2022": (ldp._eddsa_rdfc(ldp._badge(ldp.DI)), "ldp_vc"),
    "Ed25519Signature2020": (ldp._ed25519_2020(ldp._badge(ldp.ED2020)), "ldp_vc"),
    "jwt_vc_json": (jwt_vc._token(jwt_vc._payload()), "jwt_vc_json"),
}


@pytest.mark.parametrize("kind", list(CASES))
def test_a_1_1_credential_is_summarised_and_its_dates_shown(kind: str) -> None:
    credential, fmt = CASES[kind]
    report = verify(credential, VerifyOptions(clock=ldp.IN_RANGE)).to_dict()
    assert report["verified"], report
    meta = summarise(credential, report, fmt=fmt)
    assert meta["verified"] is True and meta["status"] in ("valid", "unknown")
    assert "Lassen" in meta["title"]["nl"]
    doc = credential if isinstance(credential, dict) else report["claims"]
    rows = {r.key: r for r in describe_claims(doc, lang="nl")}
    assert rows["issuanceDate"].label == "Uitgegeven op"
    assert "2024" in rows["issuanceDate"].value_text
    assert rows["expirationDate"].label == "Geldig tot"
    assert "2029" in rows["expirationDate"].value_text
