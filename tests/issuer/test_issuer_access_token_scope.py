"""An access token obtains what the offer granted, once (issue 19, item 13; OpenID4VCI 1.0 §8,
§12.2.4 ``batch_credential_issuance``).

The review reused one access token for its whole 300 s lifetime, 10 credentials per request.
Now each offered configuration can be issued once per token — with up to ``batch_size`` key
proofs, one copy per key, in that one request — and when every offered configuration was
issued the token is used up.
"""

from __future__ import annotations

import threading
from typing import Any

from issuer.flows.redeem import BATCH_SIZE
from rotonde import oid4vci
from rotonde.keys import generate
from tests.issuer._support import LiveIssuer, Wallet, offered


def _redeemed(live: LiveIssuer) -> tuple[Wallet, dict[str, Any], str, str, list[str]]:
    """An offer redeemed at the token endpoint: (wallet, metadata, issuer, token, configs)."""
    w, offer, tx_code, meta = offered(live, "roc-token")
    r = w.token(offer.credential_issuer, offer.pre_authorized_code, tx_code)
    assert r.status_code == 200, r.text
    return (w, meta, offer.credential_issuer, r.json()["access_token"],
            list(offer.credential_configuration_ids))


def _proofs(w: Wallet, meta: dict[str, Any], issuer: str, n: int) -> list[str]:
    nonce = w.nonce(meta)
    return [oid4vci.create_proof(generate("ES256"), audience=issuer, nonce=nonce)
            for _ in range(n)]


def test_the_batch_size_is_advertised_and_enforced(live: LiveIssuer) -> None:
    w, meta, issuer, access, _ = _redeemed(live)
    assert meta["batch_credential_issuance"] == {"batch_size": BATCH_SIZE}
    too_many = w.credential(meta, access, "microcredential_sd_jwt",
                            _proofs(w, meta, issuer, BATCH_SIZE + 1))
    assert too_many.status_code == 400
    assert too_many.json()["error"] == "invalid_credential_request"
    batch = w.credential(meta, access, "microcredential_sd_jwt",
                         _proofs(w, meta, issuer, BATCH_SIZE))
    assert batch.status_code == 200, batch.text
    assert len(oid4vci.parse_credential_response(batch.json())) == BATCH_SIZE


def test_each_offered_configuration_once_then_the_token_is_spent(live: LiveIssuer) -> None:
    w, meta, issuer, access, configs = _redeemed(live)
    assert len(configs) == 5  # its SD-JWT VC and the 4 kind-independent forms
    first, *rest = configs
    assert w.credential(meta, access, first, _proofs(w, meta, issuer, 1)).status_code == 200
    again = w.credential(meta, access, first, _proofs(w, meta, issuer, 1))
    assert again.status_code == 400, again.text
    assert again.json()["error"] == "credential_request_denied"
    assert "already issued with this access token" in again.json()["error_description"]
    for config in rest:  # the other configurations of the offer are still granted
        r = w.credential(meta, access, config, _proofs(w, meta, issuer, 1))
        assert r.status_code == 200, (config, r.text)
    spent = w.credential(meta, access, rest[0], _proofs(w, meta, issuer, 1))
    assert spent.status_code == 401 and spent.json()["error"] == "invalid_token"


def test_two_concurrent_requests_for_one_configuration_issue_once(live: LiveIssuer) -> None:
    w, meta, issuer, access, _ = _redeemed(live)
    requests = [_proofs(w, meta, issuer, 2) for _ in range(4)]
    answers: list[int] = []

    def ask(proofs: list[str]) -> None:
        answers.append(w.credential(meta, access, "open_badge_jwt_vc_json", proofs).status_code)

    threads = [threading.Thread(target=ask, args=(p,)) for p in requests]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(answers) == [200, 400, 400, 400], answers
