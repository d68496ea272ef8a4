"""VC-DI-EdDSA 1.0 test vectors reproduced byte for byte, and the Open Badges 3.0 signed example.

Ed25519 is deterministic (RFC 8032), so signing the vector's unsigned document with the
vector's key must give exactly the published ``proofValue``; every intermediate value
(canonical document, canonical proof configuration, both hashes, the signature) is compared.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from rotonde.did import Resolver
from rotonde.encoding import b58encode, b64url_encode, multibase_decode
from rotonde.keys import PrivateKey, private_key_from_jwk
from rotonde.proofs import add_proof, hash_data, verify_proof
from rotonde.verify import VerifyOptions, verify
from tests.conftest import load_json


def _key(pair: dict[str, str]) -> PrivateKey:
    raw = multibase_decode(pair["privateKeyMultibase"])
    assert raw[:2] == b"\x80\x26" and len(raw) == 34  # multicodec ed25519-priv
    key = private_key_from_jwk({"kty": "OKP", "crv": "Ed25519", "d": b64url_encode(raw[2:])})
    assert key.public_key.multikey() == pair["publicKeyMultibase"]
    return key


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


SUITES = [
    ("eddsa-rdfc-2022", "eddsa-rdfc-2022", "DataInt"),
    ("eddsa-rdfc-2022", "eddsa-rdfc-2022/employ", "DataInt"),
    ("eddsa-jcs-2022", "eddsa-jcs-2022", "JCS"),
]
#: Vectors whose contexts are all in the conformance set (the ``employ`` vector uses
#: ``https://w3id.org/citizenship/v4rc1``, which is not shipped: its canonical forms are taken
#: from the vector files instead of recomputed).
CANONICALIZABLE = [
    ("eddsa-rdfc-2022", "eddsa-rdfc-2022", "DataInt", "unsigned.json"),
    ("eddsa-jcs-2022", "eddsa-jcs-2022", "JCS", "unsigned.json"),
]


@pytest.mark.parametrize(("suite", "folder", "tag"), SUITES)
def test_hashes_and_signature_from_the_published_canonical_forms(
    conformance: Path, suite: str, folder: str, tag: str
) -> None:
    """Hashing (§3.3.4) and signing (§3.3.6) from the vector's canonical texts."""
    import hashlib

    base = conformance / "vc-di-eddsa"
    vec = base / folder
    key = _key(load_json(base / "keyPair.json"))
    canon_doc = (vec / f"canonDoc{tag}.txt").read_bytes()
    canon_proof = (vec / f"proofCanon{tag}.txt").read_bytes()
    if suite == "eddsa-jcs-2022":  # JCS output has no trailing newline; the files may
        canon_doc, canon_proof = canon_doc.rstrip(b"\n"), canon_proof.rstrip(b"\n")
    doc_hash = hashlib.sha256(canon_doc).digest()
    proof_hash = hashlib.sha256(canon_proof).digest()
    assert doc_hash.hex() == _text(vec / f"docHash{tag}.txt").strip()
    assert proof_hash.hex() == _text(vec / f"proofHash{tag}.txt").strip()
    assert (proof_hash + doc_hash).hex() == _text(vec / f"combinedHash{tag}.txt").strip()
    signature = key.sign(proof_hash + doc_hash)
    assert signature.hex() == _text(vec / f"sigHex{tag}.txt").strip()
    assert "z" + b58encode(signature) == _text(vec / f"sigBTC58{tag}.txt").strip()
    signed = load_json(vec / f"signed{tag}.json")
    assert signed["proof"]["proofValue"] == "z" + b58encode(signature)


@pytest.mark.parametrize(("suite", "folder", "tag", "unsigned"), CANONICALIZABLE)
def test_every_intermediate_value_and_the_proof_value(
    conformance: Path, suite: str, folder: str, tag: str, unsigned: str
) -> None:
    base = conformance / "vc-di-eddsa"
    vec = base / folder
    key = _key(load_json(base / "keyPair.json"))
    document = load_json(base / unsigned)
    options = load_json(vec / f"proofConfig{tag}.json")
    hashed = hash_data(document, options)
    assert hashed.canonical_document == (vec / f"canonDoc{tag}.txt").read_bytes().rstrip(b"\n") + (
        b"\n" if suite == "eddsa-rdfc-2022" else b""
    )
    assert hashed.canonical_proof_config == (vec / f"proofCanon{tag}.txt").read_bytes().rstrip(
        b"\n"
    ) + (b"\n" if suite == "eddsa-rdfc-2022" else b"")
    assert hashed.document_hash.hex() == _text(vec / f"docHash{tag}.txt").strip()
    assert hashed.proof_config_hash.hex() == _text(vec / f"proofHash{tag}.txt").strip()
    assert hashed.combined.hex() == _text(vec / f"combinedHash{tag}.txt").strip()
    signed = add_proof(
        document, signer=key, verification_method=options["verificationMethod"],
        created=options["created"], cryptosuite=suite,
    )
    assert signed == load_json(vec / f"signed{tag}.json")
    # the vector's issuer does not control the did:key: verify the signature only
    result = verify_proof(signed, require_controller=False)
    assert [p.cryptosuite for p in result.proofs] == [suite]


def test_vector_issuer_does_not_control_the_key(conformance: Path) -> None:
    signed = load_json(conformance / "vc-di-eddsa/eddsa-rdfc-2022/signedDataInt.json")
    with pytest.raises(Exception) as info:
        verify_proof(signed)
    assert getattr(info.value, "code", None) == "di.method_not_controlled"


def _chain_files(conformance: Path) -> tuple[Path, Any]:
    folder = conformance / "vc-di-eddsa/proof-set-chain"
    return folder, load_json(folder / "multiKeyPairs.json")


def test_proof_sets_and_chains_are_reproduced(conformance: Path) -> None:
    folder, pairs = _chain_files(conformance)
    doc = load_json(folder / "unsigned.json")
    steps = [
        ("keyPair1", "proofSetConfig1.json", "signedProofSet1.json"),
        ("keyPair2", "proofSetConfig2.json", "signedProofSet2.json"),
        ("keyPair3", "proofChainConfig1.json", "signedProofChain1.json"),
        ("keyPair4", "proofChainConfig2.json", "signedProofChain2.json"),
    ]
    for pair, config_file, signed_file in steps:
        config = load_json(folder / config_file)
        doc = add_proof(
            doc, signer=_key(pairs[pair]), verification_method=config["verificationMethod"],
            created=config["created"], proof_id=config.get("id"),
            previous_proof=config.get("previousProof"),
        )
        assert doc == load_json(folder / signed_file), signed_file
        result = verify_proof(doc, require_controller=False)
        assert len(result.proofs) == len(doc["proof"]) if isinstance(doc["proof"], list) else 1


def test_chained_proof_without_its_predecessor_fails(conformance: Path) -> None:
    folder, _ = _chain_files(conformance)
    doc = load_json(folder / "signedProofChain2.json")
    doc["proof"] = [p for p in doc["proof"] if p.get("id") != "urn:uuid:d94f792a-c546-4d06-b38a-da070ab56c23"]
    with pytest.raises(Exception) as info:
        verify_proof(doc, require_controller=False)
    assert getattr(info.value, "code", None) == "di.previous_proof_missing"


def test_one_bad_proof_in_a_set_fails_the_set(conformance: Path) -> None:
    folder, _ = _chain_files(conformance)
    doc = load_json(folder / "signedProofSet2.json")
    doc["proof"][1]["created"] = "2023-02-24T23:36:39Z"
    with pytest.raises(Exception) as info:
        verify_proof(doc, require_controller=False)
    assert getattr(info.value, "code", None) == "di.signature_invalid"
    assert info.value.pointer == "/proof/1/proofValue"  # type: ignore[attr-defined]


def _ob3(conformance: Path) -> tuple[dict[str, Any], Resolver]:
    ob = conformance / "obv3"
    signed = load_json(ob / "examples/linked-data-proof-ob-signed-credential.json")
    controller = load_json(ob / "test-vectors/obv3p0/controller-document.json")
    return signed, Resolver(documents={controller["id"]: controller})


def test_open_badges_signed_example_verifies_with_its_controller_document(
    conformance: Path,
) -> None:
    signed, resolver = _ob3(conformance)
    result = verify_proof(signed, resolver=resolver)
    assert result.proofs[0].controller == signed["issuer"]["id"]
    hashed = hash_data({k: v for k, v in signed.items() if k != "proof"},
                       {k: v for k, v in signed["proof"].items() if k != "proofValue"})
    canon = _text(conformance / "obv3/test-vectors/obv3p0/document-canon.txt")
    assert hashed.canonical_document.decode().strip() == canon.strip()
    proof_canon = _text(conformance / "obv3/test-vectors/obv3p0/proof-canon.txt")
    assert hashed.canonical_proof_config.decode().strip() == proof_canon.strip()


def test_open_badges_example_through_the_engine(conformance: Path) -> None:
    signed, resolver = _ob3(conformance)
    report = verify(signed, VerifyOptions(resolver=resolver))
    assert report.verified, json.dumps(report.to_dict(), indent=1)
    assert report.issuer == "https://example.edu/issuers/565049"
    tampered = json.loads(json.dumps(signed))
    tampered["credentialSubject"]["achievement"]["name"] = "Leadership"
    report = verify(tampered, VerifyOptions(resolver=resolver))
    assert not report.verified
    assert [p.code for p in report.check("signature").problems] == ["di.signature_invalid"]  # type: ignore[union-attr]


def test_open_badges_example_needs_its_controller_document(conformance: Path) -> None:
    signed, _ = _ob3(conformance)
    report = verify(signed, VerifyOptions())  # no fetcher: no network, cannot resolve
    check = report.check("signature")
    assert check is not None and check.outcome == "failed"
    assert [p.code for p in check.problems] == ["di.method_unresolvable", "fetch.disabled"]
