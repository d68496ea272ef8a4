"""``sd-jwt_alg_values`` / ``kb-jwt_alg_values`` are fully specified algorithm names
(OpenID4VP 1.0 Appendix B.3.4): Rotonde's verifier advertises ``Ed25519``, not ``EdDSA``; read
from others, the older ``EdDSA`` is still understood (issue 15 B.7)."""

from __future__ import annotations

from rotonde import oid4vp
from verifier.flows.ask import client_metadata


def test_the_verifier_advertises_fully_specified_names() -> None:
    sd = client_metadata()["vp_formats_supported"]["dc+sd-jwt"]
    assert sd["sd-jwt_alg_values"] == ["ES256", "Ed25519"]
    assert sd["kb-jwt_alg_values"] == ["ES256", "Ed25519"]
    assert "EdDSA" not in sd["sd-jwt_alg_values"] + sd["kb-jwt_alg_values"]
    # jwt_vc_json's alg_values are matched with the JOSE alg header as written (B.1.3.1).
    assert client_metadata()["vp_formats_supported"]["jwt_vc_json"]["alg_values"] == [
        "ES256", "EdDSA"]


def test_fully_specified_names() -> None:
    assert oid4vp.fully_specified("EdDSA") == "Ed25519"
    assert oid4vp.fully_specified("EdDSA", "Ed25519") == "Ed25519"
    assert oid4vp.fully_specified("EdDSA", "Ed448") == "EdDSA"  # not one Rotonde knows
    assert oid4vp.fully_specified("ES256") == "ES256"


def test_an_eddsa_signature_is_accepted_by_either_name() -> None:
    assert oid4vp.alg_accepted(["Ed25519"], "EdDSA")
    assert oid4vp.alg_accepted(["EdDSA"], "EdDSA")  # the older spelling, from others
    assert oid4vp.alg_accepted(["ES256", "Ed25519"], "ES256")
    assert oid4vp.alg_accepted(None, "EdDSA")  # no restriction given
    assert not oid4vp.alg_accepted(["ES256"], "EdDSA")
    assert not oid4vp.alg_accepted(["Ed25519"], "ES256")
    assert not oid4vp.alg_accepted([], "ES256")
