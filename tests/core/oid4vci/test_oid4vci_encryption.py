"""A Credential Request asking for an encrypted response is refused with
``invalid_encryption_parameters`` (issue 15 B.4; OpenID4VCI 1.0 §8.3.1.2)."""

from __future__ import annotations

import pytest

from rotonde import oid4vci


def test_core_parser_refuses_encryption_parameters() -> None:
    with pytest.raises(oid4vci.OID4VCIError) as info:
        oid4vci.parse_credential_request({
            "credential_configuration_id": "x", "proofs": {"jwt": ["a.b.c"]},
            "credential_response_encryption": {"jwk": {"kty": "EC"}, "enc": "A128GCM"}})
    assert info.value.error == "invalid_encryption_parameters"
    assert info.value.problems[0].pointer == "/credential_response_encryption"
