"""Every kind of bad SD-JWT input gets a precise error code, from the low-level API (raised)
and from :func:`rotonde.verify.verify` (a failed check in the report). Nothing else escapes."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from rotonde import keys, sdjwt
from rotonde.clock import FixedClock
from rotonde.encoding import b64url_encode
from rotonde.errors import RotondeError
from rotonde.jws import sign_compact
from rotonde.sdjwt import make_disclosure
from rotonde.verify import VerifyOptions, verify

NOW = 1_800_000_000
AUD = "https://verifier.example"
ISSUER = keys.generate("ES256")
HOLDER = keys.generate("EdDSA")
VCT = "https://rotonde.example/vct/test"
DROP = object()


def _enc(value: Any) -> str:
    return b64url_encode(json.dumps(value).encode())


def forge(
    payload: dict[str, Any],
    disclosures: tuple[str, ...] = (),
    *,
    header: dict[str, Any] | None = None,
    kb: str = "",
    signer: keys.PrivateKey = ISSUER,
) -> str:
    body = {"iss": "https://x.example", "vct": VCT, "iat": NOW, "_sd_alg": "sha-256", **payload}
    body = {k: v for k, v in body.items() if v is not DROP}
    jwt = sign_compact({"typ": "dc+sd-jwt", **(header or {})}, body, signer)
    return jwt + "~" + "".join(d + "~" for d in disclosures) + kb


def disc(name: str | None, value: Any, salt: str = "c2FsdHNhbHRzYWx0") -> tuple[str, str]:
    d = make_disclosure(salt, name, value)
    return d.encoded, d.digest()


def raw_disc(array: Any) -> tuple[str, str]:
    enc = _enc(array)
    return enc, sdjwt.digest(enc)


def with_kb(token: str, **claims: Any) -> str:
    sd = sdjwt.parse(token)
    body = {"iat": NOW, "aud": AUD, "nonce": "n1", "sd_hash": sdjwt.digest(sd.serialize())}
    body.update(claims)
    signer = claims.pop("_signer", HOLDER) if "_signer" in claims else HOLDER
    body.pop("_signer", None)
    typ = body.pop("_typ", "kb+jwt")
    return token + sign_compact({"typ": typ}, body, signer)


def _tamper(token: str) -> str:
    head, _payload, rest = token.split(".", 2)
    claims = json.loads(sdjwt.parse(token).jws.payload_bytes)
    claims["iss"] = "https://evil.example"
    return f"{head}.{_enc(claims)}.{rest}"


def _nan_token() -> str:
    body = {"iss": "https://x.example", "vct": VCT, "iat": NOW}
    payload = json.dumps(body)[:-1] + ', "exp": NaN}'
    return sign_compact({"typ": "dc+sd-jwt"}, payload.encode(), ISSUER) + "~"


CNF = {"cnf": {"jwk": HOLDER.public_key.to_jwk()}}


def _cases() -> dict[str, tuple[Callable[[], str], str, str]]:
    """name → (token factory, expected code, report check)."""
    name_d, name_h = disc("name", "Ada")
    arr_d, arr_h = disc(None, "x")
    good = lambda: forge({"_sd": [name_h], **CNF}, (name_d,))  # noqa: E731
    deep: Any = 1
    for _ in range(80):
        deep = [deep]
    deep_d, deep_h = raw_disc(["salt", "deep", deep])
    sd_d, sd_h = raw_disc(["salt", "_sd", 1])
    ell_d, ell_h = raw_disc(["salt", "...", 1])
    nested_d, nested_h = disc("inner", {"_sd": [name_h]})
    return {
        "no_tilde": (lambda: good().split("~")[0], "sdjwt.malformed", "parse"),
        "empty_disclosure": (lambda: good().replace("~", "~~", 1), "sdjwt.malformed", "parse"),
        "two_part_jwt": (lambda: "e30.e30~", "jose.malformed", "parse"),
        "bad_base64_header": (lambda: "e3=0.e30.AA~", "encoding.base64url", "parse"),
        "bad_base64_disclosure": (lambda: good() + "!!~", "encoding.base64url", "parse"),
        "header_not_json": (lambda: _enc("x")[:-1] + "." + _enc({}) + ".AA~",
                            "json.malformed", "parse"),
        "disclosure_not_json": (lambda: forge({}, (b64url_encode(b"[1,"),)),
                                "sdjwt.disclosure_malformed", "parse"),
        "disclosure_wrong_length": (lambda: forge({}, (raw_disc(["s", "a", 1, 2])[0],)),
                                    "sdjwt.disclosure_malformed", "parse"),
        "disclosure_salt_not_string": (lambda: forge({}, (raw_disc([1, "a", 1])[0],)),
                                       "sdjwt.disclosure_malformed", "parse"),
        "wrong_typ": (lambda: forge({}, header={"typ": "JWT"}), "jose.typ_mismatch", "parse"),
        "alg_none": (lambda: _enc({"alg": "none", "typ": "dc+sd-jwt"}) + "." + _enc({}) + ".~",
                     "jose.alg_not_allowed", "parse"),
        "alg_hmac": (lambda: _enc({"alg": "HS256", "typ": "dc+sd-jwt"}) + "." + _enc({})
                     + ".AAAA~", "jose.alg_not_allowed", "parse"),
        "unknown_crit": (lambda: forge({}, header={"crit": ["x-new"], "x-new": 1}),
                         "jose.crit_unsupported", "parse"),
        "too_large": (lambda: forge({"pad": "x" * 70000}), "sdjwt.too_large", "parse"),
        "payload_too_deep": (lambda: forge({"deep": deep}), "json.too_deep", "parse"),
        "disclosure_too_deep": (lambda: forge({"_sd": [deep_h]}, (deep_d,)),
                                "json.too_deep", "parse"),
        "duplicate_disclosure": (lambda: forge({"_sd": [name_h]}, (name_d, name_d)),
                                 "sdjwt.disclosure_duplicate", "parse"),
        "duplicate_digest": (lambda: forge({"_sd": [name_h], "o": {"_sd": [name_h]}}, (name_d,)),
                             "sdjwt.digest_duplicate", "parse"),
        "unreferenced_disclosure": (lambda: forge({}, (name_d,)),
                                    "sdjwt.disclosure_unreferenced", "parse"),
        "overwrites_claim": (lambda: forge({"_sd": [name_h], "name": "Eve"}, (name_d,)),
                             "sdjwt.claim_collision", "parse"),
        "reserved_name_sd": (lambda: forge({"_sd": [sd_h]}, (sd_d,)),
                             "sdjwt.reserved_claim_name", "parse"),
        "reserved_name_ellipsis": (lambda: forge({"_sd": [ell_h]}, (ell_d,)),
                                   "sdjwt.reserved_claim_name", "parse"),
        "array_disclosure_in_sd": (lambda: forge({"_sd": [arr_h]}, (arr_d,)),
                                   "sdjwt.disclosure_wrong_kind", "parse"),
        "object_disclosure_in_array": (lambda: forge({"a": [{"...": name_h}]}, (name_d,)),
                                       "sdjwt.disclosure_wrong_kind", "parse"),
        "ellipsis_with_extra_member": (lambda: forge({"a": [{"...": arr_h, "b": 1}]}, (arr_d,)),
                                       "sdjwt.ellipsis_malformed", "parse"),
        "sd_not_array": (lambda: forge({"_sd": "abc"}), "sdjwt.sd_malformed", "parse"),
        "digest_not_string": (lambda: forge({"_sd": [1]}), "sdjwt.digest_malformed", "parse"),
        "unsupported_sd_alg": (lambda: forge({"_sd_alg": "md5"}),
                               "sdjwt.hash_alg_unsupported", "parse"),
        "nested_collision_via_recursion": (
            lambda: forge({"_sd": [nested_h, name_h]}, (nested_d, name_d)),
            "sdjwt.digest_duplicate", "parse"),
        "duplicate_payload_member": (
            lambda: _enc({"alg": "ES256", "typ": "dc+sd-jwt"}) + "."
            + b64url_encode(b'{"vct":"a","vct":"b"}') + ".AA~",
            "json.duplicate_member", "parse"),
        "vct_missing": (lambda: forge({"vct": DROP}), "sdjwt_vc.vct_missing", "parse"),
        "vct_integrity_not_string": (lambda: forge({"vct#integrity": 1}),
                                     "sdjwt_vc.vct_integrity_malformed", "parse"),
        "iss_not_string": (lambda: forge({"iss": 7}), "sdjwt_vc.iss_malformed", "parse"),
        "cnf_not_object": (lambda: forge({"cnf": "x"}), "sdjwt_vc.cnf_malformed", "parse"),
        "status_not_object": (lambda: forge({"status": []}), "sdjwt_vc.status_malformed",
                              "parse"),
        "iss_disclosed": (lambda: forge({"iss": DROP, "_sd": [disc("iss", "x")[1]]},
                                        (disc("iss", "x")[0],)),
                          "sdjwt_vc.claim_not_disclosable", "parse"),
        "bad_signature": (lambda: good().rsplit(".", 1)[0] + "." + "A" * 86 + "~",
                          "signature.invalid", "signature"),
        "tampered_payload": (lambda: _tamper(good()), "signature.invalid", "signature"),
        "alg_not_matching_key": (lambda: forge({}, signer=keys.generate("EdDSA")),
                                 "jose.alg_key_mismatch", "signature"),
        "expired": (lambda: forge({"exp": NOW - 3600}), "validity.expired", "validity"),
        "not_yet_valid": (lambda: forge({"nbf": NOW + 3600}), "validity.not_yet_valid",
                          "validity"),
        "issued_in_future": (lambda: forge({"iat": NOW + 3600}), "validity.issued_in_future",
                             "validity"),
        "exp_nan": (_nan_token, "json.malformed", "parse"),
        "exp_not_number": (lambda: forge({"exp": "tomorrow"}), "validity.claim_malformed",
                           "validity"),
        "kb_wrong_sd_hash": (lambda: with_kb(good(), sd_hash="AAAA"),
                             "sdjwt.kb_sd_hash_mismatch", "holder_binding"),
        "kb_wrong_aud": (lambda: with_kb(good(), aud="https://evil.example"),
                         "sdjwt.kb_aud_mismatch", "holder_binding"),
        "kb_wrong_nonce": (lambda: with_kb(good(), nonce="replayed"),
                           "sdjwt.kb_nonce_mismatch", "holder_binding"),
        "kb_old": (lambda: with_kb(good(), iat=NOW - 3600), "sdjwt.kb_iat_out_of_window",
                   "holder_binding"),
        "kb_wrong_key": (lambda: with_kb(good(), _signer=keys.generate("EdDSA")),
                         "sdjwt.kb_signature_invalid", "holder_binding"),
        "kb_wrong_typ": (lambda: with_kb(good(), _typ="JWT"), "jose.typ_mismatch",
                         "holder_binding"),
        "kb_missing_nonce": (lambda: with_kb(good(), nonce=None), "sdjwt.kb_nonce_missing",
                             "holder_binding"),
        "kb_missing": (good, "sdjwt.kb_missing", "holder_binding"),
        "kb_without_cnf": (lambda: with_kb(forge({"_sd": [name_h]}, (name_d,))),
                           "sdjwt.cnf_missing", "holder_binding"),
        "kb_cnf_without_jwk": (lambda: with_kb(forge({"cnf": {"kid": "x"}})),
                               "sdjwt.cnf_unsupported", "holder_binding"),
    }


CASES = _cases()


@pytest.mark.parametrize("name", sorted(CASES))
def test_low_level_api_raises_precise_code(name: str) -> None:
    factory, code, _ = CASES[name]
    with pytest.raises(RotondeError) as info:
        sdjwt.verify(
            factory(), issuer_key=ISSUER.public_key, nonce="n1", aud=AUD,
            clock=FixedClock(NOW), typ=sdjwt.ACCEPTED_TYPS,
        )
    assert info.value.code == code


@pytest.mark.parametrize("name", sorted(CASES))
def test_report_fails_the_right_check(name: str) -> None:
    factory, code, check = CASES[name]
    options = VerifyOptions(
        issuer_key=ISSUER.public_key, nonce="n1", audience=AUD, clock=FixedClock(NOW)
    )
    report = verify(factory(), options)
    assert not report.verified
    failed = report.check(check)
    assert failed is not None and failed.outcome == "failed", report.to_dict()
    assert failed.problems[0].code == code
    json.dumps(report.to_dict())  # the report is always serialisable


def test_good_token_passes_every_check() -> None:
    name_d, name_h = disc("name", "Ada")
    token = with_kb(forge({"_sd": [name_h], **CNF}, (name_d,)))
    options = VerifyOptions(
        issuer_key=ISSUER.public_key, nonce="n1", audience=AUD, clock=FixedClock(NOW)
    )
    report = verify(token, options)
    assert report.verified, report.to_dict()
    outcomes = {c.name: c.outcome for c in report.checks}
    assert outcomes == {
        "parse": "passed", "signature": "passed", "holder_binding": "passed",
        "validity": "passed", "status": "skipped", "trust": "skipped", "schema": "skipped",
    }
    assert report.claims is not None and report.claims["name"] == "Ada"
    assert report.holder == {"jwk": HOLDER.public_key.to_jwk()}
    assert report.meta["disclosed"] == ["name"]
