"""The wallet offers an SD-JWT VC only when the verifier's ``sd-jwt_alg_values`` accept its
Issuer-signed JWT (OpenID4VP 1.0 §11.1, Appendix B.3.4), reading fully specified names
(``Ed25519``) and the older ``EdDSA`` alike (issue 15 B.7)."""

from __future__ import annotations

from typing import Any

from rotonde.keys import generate
from rotonde.sdjwt import issue
from wallet.flows.select import candidates
from wallet.flows.store import Held

VCT = "https://issuer.example/vct/microcredential/1.0"


def _held(alg: str) -> Held:
    holder = generate("ES256")
    token = issue({"title": "Lassen"}, signer=generate(alg), vct=VCT, iss="https://i.example",
                  holder_key=holder.public_key)
    claims = {"vct": VCT, "title": "Lassen", "iss": "https://i.example"}
    return Held(id=alg, format="dc+sd-jwt", credential=token,
                meta={"verified": True, "status": "valid", "report": {"claims": claims}},
                received_at=0.0, self_asserted=False)


def _request(values: Any) -> dict[str, Any]:
    meta: dict[str, Any] = {"vp_formats_supported": {"dc+sd-jwt": {}}}
    if values is not None:
        meta["vp_formats_supported"]["dc+sd-jwt"]["sd-jwt_alg_values"] = values
    return {"client_metadata": meta, "dcql_query": {"credentials": [
        {"id": "mc", "format": "dc+sd-jwt", "meta": {"vct_values": [VCT]},
         "claims": [{"path": ["title"]}]}]}}


def _offered(values: Any) -> set[str]:
    held = [_held("EdDSA"), _held("ES256")]
    return {c.held.id for c in candidates(_request(values), held)["mc"]}


def test_fully_specified_and_old_names_are_both_read() -> None:
    assert _offered(["ES256", "Ed25519"]) == {"EdDSA", "ES256"}
    assert _offered(["Ed25519"]) == {"EdDSA"}
    assert _offered(["EdDSA"]) == {"EdDSA"}
    assert _offered(["ES256"]) == {"ES256"}
    assert _offered(None) == {"EdDSA", "ES256"}
