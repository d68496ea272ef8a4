"""The ``status`` check of Data Integrity credentials and vc+jwt: Bitstring Status List entries
resolved through ``options.status_resolver`` (no network), list credentials verified with the
same engine."""

from __future__ import annotations

from typing import Any

from rotonde.clock import FixedClock
from rotonde.credential import build_credential
from rotonde.did.methods import method_id_for_key
from rotonde.jose import sign_vc_jwt
from rotonde.keys import generate
from rotonde.proofs import add_proof
from rotonde.status.bitstring import (
    BitstringStatusList,
    build_status_entry,
    build_status_list_credential,
)
from rotonde.verify import VerificationReport, VerifyOptions, verify

NOW = FixedClock.at("2025-06-01T00:00:00Z")
KEY = generate("EdDSA")
VM = method_id_for_key(KEY.public_key)
ISSUER = VM.partition("#")[0]
LIST_URL = "https://school.example/status/1"


def _list(revoked: set[int]) -> dict[str, Any]:
    bits = BitstringStatusList()
    for index in revoked:
        bits.set(index, 1)
    doc = build_status_list_credential(id=LIST_URL, issuer=ISSUER, status_list=bits,
                                       valid_from="2025-01-01T00:00:00Z")
    return add_proof(doc, signer=KEY, verification_method=VM, clock=NOW)


def _credential(index: int) -> dict[str, Any]:
    return build_credential(
        issuer=ISSUER, subject={"id": "did:example:learner", "name": "Jan"},
        valid_from="2025-01-01T00:00:00Z",
        status=build_status_entry(list_credential=LIST_URL, index=index),
    )


def _status(report: VerificationReport) -> tuple[str, list[str]]:
    check = report.check("status")
    assert check is not None
    return check.outcome, [p.code for p in check.problems]


def _options(revoked: set[int], **kw: Any) -> VerifyOptions:
    status_list = _list(revoked)
    return VerifyOptions(clock=NOW, status_resolver=lambda uri: status_list, **kw)


def test_ldp_vc_status_valid_and_revoked() -> None:
    signed = add_proof(_credential(7), signer=KEY, verification_method=VM, clock=NOW)
    report = verify(signed, _options(set()))
    assert report.verified and _status(report) == ("passed", [])
    report = verify(signed, _options({7}))
    assert not report.verified and _status(report) == ("failed", ["status.revoked"])


def test_vc_jwt_status_revoked() -> None:
    token = sign_vc_jwt(_credential(3), signer=KEY)
    assert verify(token, _options(set())).verified
    assert _status(verify(token, _options({3}))) == ("failed", ["status.revoked"])


def test_status_not_checked_or_absent() -> None:
    signed = add_proof(_credential(7), signer=KEY, verification_method=VM, clock=NOW)
    report = verify(signed, _options({7}, check_status=False))
    assert report.verified and _status(report) == ("skipped", ["status.not_checked"])
    plain = add_proof(build_credential(issuer=ISSUER, subject={"id": "did:example:x"}),
                      signer=KEY, verification_method=VM, clock=NOW)
    assert _status(verify(plain, VerifyOptions(clock=NOW))) == ("skipped", ["status.none"])


def test_unreachable_status_list_is_never_fetched_and_fails() -> None:
    signed = add_proof(_credential(7), signer=KEY, verification_method=VM, clock=NOW)
    outcome, codes = _status(verify(signed, VerifyOptions(clock=NOW)))
    assert outcome == "failed" and codes  # no fetcher: unknown status, never "valid"


def _counting(revoked: set[int]) -> tuple[VerifyOptions, list[str]]:
    status_list = _list(revoked)
    asked: list[str] = []

    def resolve(uri: str) -> Any:
        asked.append(uri)
        return status_list

    return VerifyOptions(clock=NOW, status_resolver=resolve), asked


def test_no_status_list_is_fetched_for_a_credential_nobody_signed() -> None:
    """Issue 19 item 3: an unsigned (or forged) credential made the verifier fetch every list
    it named before the signature was even looked at."""
    options, asked = _counting(set())
    report = verify(_credential(7), options)  # no proof at all
    assert not report.verified and _status(report) == ("skipped", ["check.not_run"])
    signed = add_proof(_credential(7), signer=KEY, verification_method=VM, clock=NOW)
    forged = {**signed, "credentialSubject": {"id": "did:example:learner", "name": "Piet"}}
    assert _status(verify(forged, options)) == ("skipped", ["check.not_run"])
    token = sign_vc_jwt(_credential(3), signer=generate("EdDSA"), kid=VM)  # someone else's key
    report = verify(token, options)
    assert report.check("signature").outcome == "failed"  # type: ignore[union-attr]
    assert _status(report) == ("skipped", ["check.not_run"])
    assert asked == []
    assert verify(signed, options).verified and asked == [LIST_URL]  # signed: checked


def test_status_entries_per_credential_are_capped() -> None:
    from rotonde.verify.status import MAX_STATUS_ENTRIES

    options, asked = _counting(set())
    many = _credential(1)
    many["credentialStatus"] = [build_status_entry(list_credential=f"{LIST_URL}?n={i}", index=i)
                                for i in range(MAX_STATUS_ENTRIES + 1)]
    report = verify(add_proof(many, signer=KEY, verification_method=VM, clock=NOW), options)
    assert not report.verified
    assert _status(report) == ("failed", ["status.too_many_entries"])
    assert asked == []  # refused before a single list was fetched
    many["credentialStatus"] = many["credentialStatus"][:MAX_STATUS_ENTRIES]
    verify(add_proof(many, signer=KEY, verification_method=VM, clock=NOW), options)
    assert len(asked) == MAX_STATUS_ENTRIES


def test_embedded_credentials_of_an_unsigned_presentation_fetch_nothing() -> None:
    from rotonde.presentation import build_presentation

    options, asked = _counting(set())
    signed = add_proof(_credential(7), signer=KEY, verification_method=VM, clock=NOW)
    report = verify(build_presentation(credentials=[signed], holder=ISSUER), options)
    assert not report.verified
    assert report.check("signature").problems[0].code == "vp.unsigned"  # type: ignore[union-attr]
    assert asked == []
