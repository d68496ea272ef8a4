"""Fuzz: trust lists, Bitstring Status Lists, DIDs and DID documents, learning records in
every form (record, ELM 3, OB 3.0, SD-JWT VC claims)."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from rotonde.did import DidDocument, parse_did, public_key_from_did_jwk, public_key_from_did_key
from rotonde.learning import read, validate_record
from rotonde.status import BitstringStatusList, read_status_list_credential
from rotonde.trust import load_trust_list
from tests.fuzz._corpus import CLOCK, C
from tests.fuzz._harness import exercise, fuzz_settings
from tests.fuzz._mutate import (
    junk_json,
    junk_text,
    mutated_json,
    mutated_text,
    mutated_token,
    one_of_mutations,
)


@fuzz_settings(150)
@given(one_of_mutations([C.trust_list], mutated_json, junk_json)
       | one_of_mutations([json.dumps(C.trust_list)], mutated_text, junk_text).map(
           lambda s: s.encode("utf-8", "surrogatepass")))
def test_trust_list_unsigned(data: Any) -> None:
    def run(d: Any) -> None:
        trust = load_trust_list(d, clock=CLOCK)
        trust.evaluate("did:web:roc-rijnland.example", kind="microcredential",
                       level={"framework": "NLQF", "value": 3})

    exercise("trust.load_trust_list", run, data)


@fuzz_settings(100)
@given(one_of_mutations([C.signed_trust_list],
                        lambda t: mutated_token(t, signers=[C.keys.anchor.sign]) | mutated_text(t),
                        junk_text))
def test_trust_list_signed(token: Any) -> None:
    exercise("trust.load_trust_list (signed)",
             lambda t: load_trust_list(t, anchor_key=C.keys.anchor.public_key, clock=CLOCK), token)


@fuzz_settings(100)
@given(one_of_mutations(C.bitstrings[:1], mutated_text, junk_text | st.just(C.bitstrings[1])),
       st.sampled_from([1, 2, 4, 8]))
def test_bitstring_decode(encoded: Any, size: int) -> None:
    def run(e: Any) -> None:
        lst = BitstringStatusList.decode(e, status_size=size)
        lst.get(7)

    exercise("status.BitstringStatusList.decode", run, encoded)


@fuzz_settings(100)
@given(one_of_mutations([C.status_credential], mutated_json, junk_json))
def test_status_list_credential(doc: Any) -> None:
    exercise("status.read_status_list_credential",
             lambda d: read_status_list_credential(d, purpose="revocation", clock=CLOCK), doc)


@fuzz_settings(150)
@given(one_of_mutations(C.dids, mutated_text, junk_text))
def test_dids(did: Any) -> None:
    def run(d: Any) -> None:
        method, _ = parse_did(d)
        if method == "key":
            public_key_from_did_key(d)
        elif method == "jwk":
            public_key_from_did_jwk(d)

    exercise("did.parse_did", run, did)


@fuzz_settings(150)
@given(one_of_mutations(C.did_documents, mutated_json, junk_json))
def test_did_documents(doc: Any) -> None:
    def run(d: Any) -> None:
        parsed = DidDocument.from_json(d)
        for vm in parsed.methods_for("assertionMethod"):
            parsed.authorises(vm.id, "assertionMethod")

    exercise("did.DidDocument.from_json", run, doc)


@fuzz_settings(100)
@given(one_of_mutations(C.learning_forms, mutated_json, junk_json))
def test_learning_read(data: Any) -> None:
    exercise("learning.read", read, data)


@fuzz_settings(100)
@given(one_of_mutations(C.records, mutated_json, junk_json))
def test_learning_validate_record(data: Any) -> None:
    exercise("learning.validate_record", validate_record, data)
