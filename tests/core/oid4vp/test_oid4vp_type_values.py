"""DCQL ``type_values`` are fully expanded IRIs (OpenID4VP 1.0 Appendix B.1.1; issue 15 B.5):
the credential's ``type`` is expanded with its ``@context`` by the JSON-LD processor before it
is compared; an undefined type stays relative; the types as written still count."""

from __future__ import annotations

from typing import Any

from rotonde.oid4vp import jsonld_type_expander, match_credential, parse_dcql

VC2 = "https://www.w3.org/ns/credentials/v2"
OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
VC_IRI = "https://www.w3.org/2018/credentials#VerifiableCredential"
OB_IRI = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#OpenBadgeCredential"
BADGE: dict[str, Any] = {"@context": [VC2, OB3], "type": ["VerifiableCredential",
                                                         "OpenBadgeCredential"]}


def _query(*alternatives: list[str], fmt: str = "ldp_vc") -> Any:
    return parse_dcql({"credentials": [{"id": "b", "format": fmt,
                                        "meta": {"type_values": list(alternatives)}}]}
                      ).credentials[0]


def test_expanded_iris_match_with_the_json_ld_expander() -> None:
    expander = jsonld_type_expander()
    assert set(expander(BADGE)) == {VC_IRI, OB_IRI}
    q = _query([VC_IRI, OB_IRI])
    assert match_credential(q, "ldp_vc", BADGE, type_expander=expander).satisfied
    # without expanding, the written compact terms are not the IRIs
    assert not match_credential(q, "ldp_vc", BADGE).satisfied
    # an IRI the credential's context does not give is not matched
    other = _query(["https://www.w3.org/ns/credentials/examples#AchievementCredential"])
    assert match_credential(other, "ldp_vc", BADGE, type_expander=expander).problems[0].code == (
        "dcql.type_mismatch")


def test_an_undefined_type_stays_relative_and_written_terms_still_count() -> None:
    expander = jsonld_type_expander()
    doc = {"@context": [VC2], "type": ["VerifiableCredential", "IDCredential"]}
    assert "IDCredential" in set(expander(doc))
    assert match_credential(_query(["IDCredential"]), "ldp_vc", doc,
                            type_expander=expander).satisfied
    assert match_credential(_query(["OpenBadgeCredential"]), "ldp_vc", BADGE,
                            type_expander=expander).satisfied


def test_jwt_vc_json_uses_the_vc_claim_and_unknown_contexts_do_not_crash() -> None:
    expander = jsonld_type_expander()
    jwt_claims = {"iss": "did:key:z", "vc": BADGE}
    assert match_credential(_query([OB_IRI], fmt="jwt_vc_json"), "jwt_vc_json", jwt_claims,
                            type_expander=expander).satisfied
    assert list(expander({"@context": ["https://unknown.example/c"], "type": ["X"]})) == []
    assert list(expander({"type": ["X"]})) == []
