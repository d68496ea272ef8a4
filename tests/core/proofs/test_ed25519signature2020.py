"""``Ed25519Signature2020`` proofs are verified, never created (issue 15 D).

EdDSA Cryptosuite v2020 (W3C CCG Final Report 2022-07-24) §3: the steps are those of
``eddsa-rdfc-2022``. The VC-DI-EdDSA test vector for it (``vc-di-eddsa/Ed25519Signature2020``)
is reproduced value by value and its signed document verifies (signature only: the vector's
issuer does not control its key).
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from rotonde.errors import SignatureError
from rotonde.keys import generate
from rotonde.proofs import add_proof, hash_data, verify_proof
from tests.conftest import load_json

VECTOR = "vc-di-eddsa/Ed25519Signature2020"


def test_the_vector_s_intermediate_values_are_reproduced(conformance: Path) -> None:
    vec = conformance / VECTOR
    signed = load_json(vec / "signedEdSig.json")
    document = {k: v for k, v in signed.items() if k != "proof"}
    options = load_json(vec / "proofConfigEdSig.json")
    options = {k: v for k, v in options.items() if k != "@context"}
    hashed = hash_data(document, options)
    assert hashed.canonical_document.decode() == (vec / "canonDocEdSig.txt").read_text()
    assert hashed.canonical_proof_config.decode() == (vec / "proofCanonEdSig.txt").read_text()
    assert hashed.combined.hex() == (vec / "combinedHashEdSig.txt").read_text().strip()


def test_the_vector_verifies_and_names_its_proof_type(conformance: Path) -> None:
    signed = load_json(conformance / VECTOR / "signedEdSig.json")
    result = verify_proof(signed, require_controller=False)
    [check] = result.proofs
    assert check.cryptosuite == "Ed25519Signature2020"
    assert check.verification_method == signed["proof"]["verificationMethod"]


@pytest.mark.parametrize(("where", "value"), [
    ("credentialSubject", {"id": "did:example:abcdefgh", "alumniOf": "Another School"}),
    ("proof.created", "2023-02-25T23:36:38Z"),
    ("proof.cryptosuite", "eddsa-rdfc-2022"),  # a DataIntegrityProof member: not this type
    ("proof.type", "Ed25519Signature2018"),
])
def test_a_changed_vector_fails(conformance: Path, where: str, value: object) -> None:
    signed = load_json(conformance / VECTOR / "signedEdSig.json")
    bad = copy.deepcopy(signed)
    if where.startswith("proof."):
        bad["proof"][where.removeprefix("proof.")] = value
    else:
        bad[where] = value
    with pytest.raises(SignatureError) as info:
        verify_proof(bad, require_controller=False)
    assert info.value.code in ("di.signature_invalid", "di.proof_type_unsupported",
                               "di.cryptosuite_unsupported")


def test_rotonde_never_creates_one() -> None:
    key = generate("EdDSA")
    with pytest.raises(SignatureError):
        add_proof({"@context": ["https://www.w3.org/ns/credentials/v2"]}, signer=key,
                  verification_method="did:example:x#k", cryptosuite="Ed25519Signature2020")
