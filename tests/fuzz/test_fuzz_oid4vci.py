"""Fuzz: OpenID4VCI -- offer URIs and offers, issuer metadata, credential requests, and the
client's offer-link reader (which fetches offers by reference through the one Fetcher)."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from rotonde import oid4vci
from rotonde.errors import RotondeError
from tests.fuzz._corpus import ISSUER_URL, C
from tests.fuzz._harness import exercise, fuzz_settings
from tests.fuzz._mutate import junk_json, junk_text, mutated_json, mutated_text, one_of_mutations

_ERRORS = (RotondeError, oid4vci.OID4VCIError)


@fuzz_settings(150)
@given(one_of_mutations(C.offer_uris, mutated_text, junk_text))
def test_parse_offer_uri(uri: Any) -> None:
    exercise("oid4vci.parse_offer_uri", oid4vci.parse_offer_uri, uri, allowed=_ERRORS)


@fuzz_settings(150)
@given(one_of_mutations([C.offer.to_dict()], mutated_json, junk_json)
       | one_of_mutations([json.dumps(C.offer.to_dict())], mutated_text, junk_text))
def test_parse_credential_offer(offer: Any) -> None:
    exercise("oid4vci.parse_credential_offer", oid4vci.parse_credential_offer, offer,
             allowed=_ERRORS)


@fuzz_settings(150)
@given(one_of_mutations([C.issuer_metadata], mutated_json, junk_json))
def test_parse_issuer_metadata(meta: Any) -> None:
    exercise("oid4vci.parse_issuer_metadata",
             lambda m: oid4vci.parse_issuer_metadata(m, expected_issuer=ISSUER_URL), meta,
             allowed=_ERRORS)


@fuzz_settings(150)
@given(one_of_mutations(C.credential_requests, mutated_json, junk_json))
def test_parse_credential_request(body: Any) -> None:
    exercise("oid4vci.parse_credential_request", oid4vci.parse_credential_request, body,
             allowed=_ERRORS)


@fuzz_settings(100)
@given(one_of_mutations([*C.offer_uris, json.dumps(C.offer.to_dict())], mutated_text,
                        junk_text | st.sampled_from([
                            "openid-credential-offer://?credential_offer_uri=https%3A%2F%2F"
                            "169.254.169.254%2Flatest", "https://x?credential_offer_uri="
                            "https://10.0.0.1/o", "haip://?credential_offer_uri=https://[::1]/"])))
def test_client_read_offer(text: Any) -> None:
    exercise("oid4vci.read_offer", lambda t: oid4vci.read_offer(text=t, fetcher=C.fetcher), text,
             allowed=_ERRORS)
