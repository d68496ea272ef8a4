"""The status check used by every verifier, and verification of bare statuslist+jwt tokens."""

from __future__ import annotations

import importlib.util
from typing import Any

import httpx
import pytest

from rotonde.clock import FixedClock
from rotonde.did import did_key_from_public_key
from rotonde.errors import FetchError
from rotonde.http import Fetcher
from rotonde.keys import PrivateKey, generate
from rotonde.status import (
    INVALID,
    SUSPENDED,
    BitstringStatusList,
    StatusList,
    build_status_entry,
    build_status_list_credential,
    issue_status_list_token,
    status_reference,
)
from rotonde.trust import load_trust_list
from rotonde.verify import ReportBuilder, VerifyOptions, verify
from rotonde.verify.status import check_status, check_status_all, record_status
from tests.conftest import SettableClock

NOW = 1_800_000_000.0
URI = "https://issuer.example/status/1"


def _issuer(alg: str = "EdDSA") -> tuple[PrivateKey, str]:
    key = generate(alg)
    did = did_key_from_public_key(key.public_key)
    return key.with_kid(f"{did}#{did[8:]}"), did


KEY, ISS = _issuer()


def _token(
    values: dict[int, int],
    *,
    signer: PrivateKey = KEY,
    uri: str = URI,
    bits: int = 2,
    issuer: str | None = ISS,
    now: float = NOW,
) -> str:
    lst = StatusList(1024, bits=bits)
    for idx, value in values.items():
        lst.set(idx, value)
    return issue_status_list_token(
        lst, uri=uri, signer=signer, issuer=issuer, clock=FixedClock(now), lifetime=3600, ttl=300
    )


def _options(lists: dict[str, Any], **kw: Any) -> VerifyOptions:
    def resolve(uri: str) -> Any:
        value = lists.get(uri)
        if isinstance(value, Exception):
            raise value
        return value

    return VerifyOptions(clock=FixedClock(NOW + 10), status_resolver=resolve, **kw)


def _claims(idx: int, uri: str = URI) -> dict[str, Any]:
    return {
        "iss": ISS,
        "vct": "https://rotonde.example/vct/microcredential",
        **status_reference(idx=idx, uri=uri),
    }


# -- Token Status List ------------------------------------------------------------------------


def test_token_states() -> None:
    options = _options({URI: _token({1: INVALID, 2: SUSPENDED, 3: 3})})
    valid = check_status(_claims(0), options)
    assert valid is not None and valid.state == "valid" and valid.mechanism == "token"
    assert valid.fresh_until == NOW + 10 + 300 and valid.checked_at == NOW + 10
    assert (valid.list_uri, valid.index) == (URI, 0)
    revoked = check_status(_claims(1), options)
    assert revoked is not None and revoked.state == "revoked"
    suspended = check_status(_claims(2), options)
    assert suspended is not None and suspended.state == "suspended"
    odd = check_status(_claims(3), options)
    assert odd is not None and odd.state == "unknown" and odd.value == 3
    assert odd.problems[0].code == "status.value_unrecognised"


def _unknown(claims: dict[str, Any], options: VerifyOptions) -> list[str]:
    result = check_status(claims, options)
    assert result is not None and result.state == "unknown"
    return [p.code for p in result.problems]


def test_unavailable_list_is_unknown_never_valid() -> None:
    assert _unknown(_claims(0), _options({}))[0] == "status.unavailable"
    down = FetchError("fetch.timeout", "timed out")
    assert _unknown(_claims(0), _options({URI: down}))[:2] == ["status.unavailable", "fetch.timeout"]
    assert _unknown(_claims(0), VerifyOptions())[:2] == ["status.unavailable", "fetch.disabled"]

    def crash(uri: str) -> Any:
        raise RuntimeError("boom")

    assert _unknown(_claims(0), VerifyOptions(status_resolver=crash))[0] == "status.unavailable"


def test_token_signature_issuer_subject_window_and_range() -> None:
    other, other_did = _issuer("ES256")
    cases = {
        "status.list_signature_invalid": _token({}, signer=other, issuer=None),
        "status.issuer_mismatch": _token({}, signer=other, issuer=other_did),
        "status.uri_mismatch": _token({}, uri=URI + "x"),
        "status.list_expired": _token({}, now=NOW - 7200),
    }
    for code, token in cases.items():
        assert code in _unknown(_claims(0), _options({URI: token})), code
    assert "status.index_out_of_range" in _unknown(_claims(5000), _options({URI: _token({})}))
    assert "status.list_invalid" in _unknown(_claims(0), _options({URI: {"not": "a jwt"}}))
    assert "jose.malformed" in _unknown(_claims(0), _options({URI: "garbage"}))
    assert _unknown({"status": {"status_list": {"idx": "1"}}}, _options({})) == ["status.reference_invalid"]


def test_token_fetched_through_the_fetcher() -> None:
    token = _token({9: INVALID})

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.headers["accept"] == "application/statuslist+jwt"
        return httpx.Response(
            200, content=token.encode(), headers={"content-type": "application/statuslist+jwt"}
        )

    options = VerifyOptions(clock=FixedClock(NOW), fetcher=Fetcher(transport=httpx.MockTransport(handler)))
    result = check_status(_claims(9), options)
    assert result is not None and result.state == "revoked"


def test_no_status_and_record_status() -> None:
    assert check_status({"iss": ISS}, _options({})) is None
    options = _options({URI: _token({1: INVALID})})
    builder = ReportBuilder("dc+sd-jwt")
    record_status(builder, _claims(1), options)
    check = builder.build().check("status")
    assert check is not None and check.outcome == "failed"
    assert check.problems[0].code == "status.revoked"
    assert check.detail["state"] == "revoked"
    builder = ReportBuilder("dc+sd-jwt")
    record_status(builder, _claims(0), options)
    assert builder.build().check("status").outcome == "passed"  # type: ignore[union-attr]
    builder = ReportBuilder("dc+sd-jwt")
    record_status(builder, {"iss": ISS}, options)
    assert builder.build().check("status").outcome == "skipped"  # type: ignore[union-attr]
    builder = ReportBuilder("dc+sd-jwt")
    record_status(builder, _claims(1), VerifyOptions(check_status=False))
    assert builder.build().check("status").outcome == "skipped"  # type: ignore[union-attr]
    builder = ReportBuilder("dc+sd-jwt")
    record_status(builder, _claims(1), _options({}))
    failed = builder.build()
    assert not failed.verified and failed.problems[0].code == "status.unavailable"


# -- Bitstring Status List --------------------------------------------------------------------

REV, SUS = "https://issuer.example/bsl/rev", "https://issuer.example/bsl/sus"


def _list_cred(
    uri: str,
    purpose: str,
    set_bits: dict[int, int],
    *,
    issuer: str = ISS,
    until: str = "2028-01-01T00:00:00Z",
    status_size: int = 1,
    proof: str = "ok",
) -> dict[str, Any]:
    lst = BitstringStatusList(status_size=status_size)
    for idx, value in set_bits.items():
        lst.set(idx, value)
    cred = build_status_list_credential(
        id=uri,
        issuer=issuer,
        status_list=lst,
        purpose=purpose,
        valid_from="2026-01-01T00:00:00Z",
        valid_until=until,
        ttl=60_000,
    )
    cred["proof"] = proof  # what the injected verifier below checks
    return cred


def _checker(cred: Any, options: VerifyOptions) -> bool:
    assert options.check_status is False  # no recursion into the list's own status
    return isinstance(cred, dict) and cred.get("proof") == "ok"


def _vc(*entries: dict[str, Any]) -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": {"id": ISS, "name": "ROC"},
        "credentialStatus": list(entries) if len(entries) != 1 else entries[0],
    }


def _bsl_options(lists: dict[str, Any], **kw: Any) -> VerifyOptions:
    opts = _options(lists, **kw)
    return VerifyOptions(
        clock=opts.clock, status_resolver=opts.status_resolver, verify_status_credential=_checker
    )


def test_bitstring_revocation_and_suspension() -> None:
    lists = {REV: _list_cred(REV, "revocation", {5: 1}), SUS: _list_cred(SUS, "suspension", {6: 1})}
    options = _bsl_options(lists)
    rev = lambda i: build_status_entry(list_credential=REV, index=i)  # noqa: E731
    sus = lambda i: build_status_entry(list_credential=SUS, index=i, purpose="suspension")  # noqa: E731
    ok = check_status(_vc(rev(1), sus(1)), options)
    assert ok is not None and ok.state == "valid" and len(ok.entries) == 2
    assert ok.fresh_until == NOW + 10 + 60
    assert check_status(_vc(rev(5)), options).state == "revoked"  # type: ignore[union-attr]
    both = check_status(_vc(rev(5), sus(6)), options)
    assert both is not None and both.state == "revoked"  # worst wins
    assert check_status(_vc(rev(1), sus(6)), options).state == "suspended"  # type: ignore[union-attr]
    results = check_status_all(_vc(rev(5), sus(6)), options)
    assert [r.state for r in results] == ["revoked", "suspended"]


def test_bitstring_message_purpose() -> None:
    msgs = [{"status": f"0x{v:x}", "message": m} for v, m in enumerate("abcd")]
    uri = "https://issuer.example/bsl/msg"
    options = _bsl_options({uri: _list_cred(uri, "message", {3: 2}, status_size=2)})
    entry = build_status_entry(
        list_credential=uri, index=3, purpose="message", status_size=2, status_messages=msgs
    )
    result = check_status(_vc(entry), options)
    assert result is not None and (result.state, result.value, result.message) == ("valid", 2, "c")


@pytest.mark.parametrize(
    "cred, index, code",
    [
        (_list_cred(REV, "suspension", {}), 1, "status.purpose_mismatch"),
        (_list_cred(REV, "revocation", {}, until="2026-02-01T00:00:00Z"), 1, "status.list_expired"),
        (_list_cred(REV, "revocation", {}, issuer="did:web:evil.example"), 1, "status.issuer_mismatch"),
        (_list_cred(REV, "revocation", {}, proof="forged"), 1, "status.list_signature_invalid"),
        (_list_cred(REV, "revocation", {}), 131_072, "status.index_out_of_range"),
        ({"proof": "ok", "issuer": ISS, "type": ["VerifiableCredential"]}, 1, "status.list_invalid"),
    ],
)
def test_bitstring_failures_are_unknown(cred: Any, index: int, code: str) -> None:
    entry = build_status_entry(list_credential=REV, index=index)
    result = check_status(_vc(entry), _bsl_options({REV: cred}))
    assert result is not None and result.state == "unknown"
    assert code in [p.code for p in result.problems]


def test_bad_entries_are_unknown_with_pointers() -> None:
    result = check_status(
        {"issuer": ISS, "credentialStatus": [{"type": "BitstringStatusListEntry"}]}, _bsl_options({})
    )
    assert result is not None and result.state == "unknown"
    assert result.problems[0].pointer is not None
    assert result.problems[0].pointer.startswith("/credentialStatus/0/")
    odd = check_status({"issuer": ISS, "credentialStatus": "revoked?"}, _bsl_options({}))
    assert odd is not None and odd.problems[0].code == "status.entry_invalid"


def test_bitstring_without_injected_verifier() -> None:
    entry = build_status_entry(list_credential=REV, index=1)
    result = check_status(_vc(entry), _options({REV: _list_cred(REV, "revocation", {})}))
    assert result is not None and result.state == "unknown"
    codes = [p.code for p in result.problems]
    if importlib.util.find_spec("rotonde.verify.ldp") is None:
        assert codes[0] == "status.unverifiable"
    else:  # the list carries no real Data Integrity proof, so it cannot verify
        assert codes[0] in ("status.list_signature_invalid", "status.unverifiable")


# -- bare statuslist+jwt through the engine ---------------------------------------------------


def test_verify_status_token_report() -> None:
    token = _token({1: INVALID}, issuer=None)
    report = verify(token, VerifyOptions(clock=FixedClock(NOW + 5)))
    assert report.format == "statuslist+jwt" and report.verified
    assert [c.name for c in report.checks] == ["parse", "signature", "validity"]
    assert report.meta == {"sub": URI, "bits": 2, "size": 1024}
    expired = verify(token, VerifyOptions(clock=FixedClock(NOW + 99_999)))
    assert not expired.verified and expired.check("validity").outcome == "failed"  # type: ignore[union-attr]
    head, body, _ = token.split(".")
    forged = _token({}, signer=_issuer()[0], issuer=None).split(".")[2]
    bad = verify(f"{head}.{body}.{forged}", VerifyOptions(clock=FixedClock(NOW)))
    assert not bad.verified and bad.check("signature").outcome == "failed"  # type: ignore[union-attr]
    garbage = verify("a.b.c", VerifyOptions())
    assert not garbage.verified


def test_verify_status_token_trust() -> None:
    trust = load_trust_list(
        {
            "trust_list_version": "1.0",
            "id": "https://trust.example/list",
            "name": {"nl": "Lijst"},
            "issuers": [{"name": {"nl": "ROC"}, "identifiers": [ISS], "kinds": ["*"]}],
        }
    )
    report = verify(_token({}), VerifyOptions(clock=FixedClock(NOW), trust_list=trust))
    assert report.check("trust").outcome == "passed"  # type: ignore[union-attr]
    other, other_did = _issuer()
    report = verify(
        _token({}, signer=other, issuer=other_did), VerifyOptions(clock=FixedClock(NOW), trust_list=trust)
    )
    assert not report.verified  # with a trust list, an issuer that is not on it is not verified
    assert report.check("trust").problems[0].code == "trust.issuer_unknown"  # type: ignore[union-attr]
    assert report.check("trust").fatal  # type: ignore[union-attr]


def test_bitstring_list_secured_with_data_integrity() -> None:
    """End to end: an eddsa-rdfc-2022 list credential verified through the engine."""
    if importlib.util.find_spec("rotonde.verify.ldp") is None:
        pytest.skip("the Data Integrity verifier (rotonde.verify.ldp) is not installed")
    from rotonde.proofs import add_proof

    lst = BitstringStatusList()
    lst.set(5, 1)
    cred = build_status_list_credential(
        id=REV, issuer=ISS, status_list=lst, valid_from="2026-01-01T00:00:00Z"
    )
    signed = add_proof(cred, signer=KEY, verification_method=KEY.kid or "", clock=FixedClock(NOW))
    vc = _vc(build_status_entry(list_credential=REV, index=5))
    result = check_status(vc, _options({REV: signed}))
    assert result is not None and result.state == "revoked"
    vc = _vc(build_status_entry(list_credential=REV, index=4))
    assert check_status(vc, _options({REV: signed})).state == "valid"  # type: ignore[union-attr]
    subject = dict(signed["credentialSubject"], encodedList=BitstringStatusList().encode())
    tampered = dict(signed, credentialSubject=subject)
    vc = _vc(build_status_entry(list_credential=REV, index=5))
    result = check_status(vc, _options({REV: tampered}))
    assert result is not None and result.state == "unknown"
    assert result.problems[0].code == "status.list_signature_invalid"
    assert "status.none" not in [p.code for p in result.problems]


def test_caching_status_resolver(clock: SettableClock) -> None:
    from rotonde.http import TTLCache
    from rotonde.status import StatusListResolver

    token = _token({1: INVALID})  # ttl claim: 300 s
    calls: list[str] = []
    headers: dict[str, str] = {"content-type": "application/statuslist+jwt"}

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        if request.url.path.endswith("/bsl"):
            body = _list_cred(REV, "revocation", {})  # ttl 60_000 ms
            return httpx.Response(200, json=body)
        return httpx.Response(200, content=token.encode(), headers=headers)

    clock.set(NOW)
    resolver = StatusListResolver(
        Fetcher(transport=httpx.MockTransport(handler)), cache=TTLCache(ttl=10_000, clock=clock)
    )
    options = VerifyOptions(clock=FixedClock(NOW), status_resolver=resolver)
    assert check_status(_claims(1), options).state == "revoked"  # type: ignore[union-attr]
    assert check_status(_claims(0), options).state == "valid"  # type: ignore[union-attr]
    assert len(calls) == 1
    clock.advance(301)  # the token's ttl
    resolver(URI)
    assert len(calls) == 2
    resolver("https://issuer.example/bsl")
    clock.advance(59)
    resolver("https://issuer.example/bsl")
    assert len(calls) == 3
    clock.advance(2)  # the list credential's ttl (60 s) has passed
    resolver("https://issuer.example/bsl")
    assert len(calls) == 4
    headers["cache-control"] = "no-store"
    resolver.cache.clear()
    resolver(URI)
    resolver(URI)
    assert len(calls) == 6


def test_crashing_list_verifier_gives_unknown() -> None:
    def broken(cred: Any, options: VerifyOptions) -> bool:
        raise KeyError("bug in a service")

    options = VerifyOptions(
        clock=FixedClock(NOW),
        status_resolver=lambda uri: _list_cred(REV, "revocation", {}),
        verify_status_credential=broken,
    )
    result = check_status(_vc(build_status_entry(list_credential=REV, index=1)), options)
    assert result is not None and result.state == "unknown"
    assert result.problems[0].code == "status.unverifiable"
