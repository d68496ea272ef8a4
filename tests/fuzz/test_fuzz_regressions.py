"""Every crash the fuzz suite found, pinned as a plain example with the precise error code the
fixed parser now gives (SECURITY.md lists them)."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from rotonde import oid4vci
from rotonde.encoding import b64url_decode, b64url_encode
from rotonde.errors import RotondeError
from rotonde.jsonld import canonize
from rotonde.jws import parse_compact
from rotonde.oid4vp import check_request, parse_dcql, parse_invocation
from rotonde.status import parse_status_list_token
from rotonde.trust import load_trust_list
from rotonde.verify import VerifyOptions, verify
from tests.fuzz._corpus import CLOCK, C


def _code(fn: Any, *args: Any) -> str:
    with pytest.raises((RotondeError, oid4vci.OID4VCIError)) as info:
        fn(*args)
    return str(getattr(info.value, "code", None) or getattr(info.value, "error", ""))


def _resigned(token: str, header: dict[str, Any] | None = None,
              payload: dict[str, Any] | None = None) -> str:
    h64, p64, _ = token.split("~")[0].split(".")
    h = b64url_encode(json.dumps(header).encode()) if header is not None else h64
    p = b64url_encode(json.dumps(payload).encode()) if payload is not None else p64
    sig = b64url_encode(C.keys.issuer.sign(f"{h}.{p}".encode()))
    return f"{h}.{p}.{sig}"


@pytest.mark.parametrize("header", [{"alg": []}, {"alg": {"x": 1}}, {"alg": "EdDSA", "typ": []}])
def test_jws_unhashable_alg_or_typ(header: dict[str, Any]) -> None:
    # was: TypeError: unhashable type: 'list' (rotonde/jws.py, `alg not in ALGORITHMS`)
    token = _resigned(C.jwts[3], header=header)
    assert _code(lambda t: parse_compact(t, typ="JWT"), token) in (
        "jose.alg_not_allowed", "jose.typ_mismatch")


def test_dcql_claim_set_member_not_a_string() -> None:
    # was: TypeError: unhashable type: 'list' (rotonde/oid4vp/dcql.py, claim_sets)
    query = copy.deepcopy(C.dcql[0])
    query["credentials"][0]["claim_sets"] = [[["lvl"]]]
    assert _code(parse_dcql, query) == "dcql.unknown_id"


@pytest.mark.parametrize("source", [[["leaf"]], 10**9, "lijst\x00.json", "\udcff"])
def test_trust_list_odd_sources(source: Any) -> None:
    # was: TypeError (list), a 1 GB allocation (bytes(10**9)), ValueError (NUL in a path),
    # UnicodeEncodeError (lone surrogate)
    assert _code(load_trust_list, source) in ("trust.malformed", "trust.unreadable")


def test_status_list_token_huge_iat() -> None:
    # was: OverflowError: int too large to convert to float (rotonde/status/token.py)
    payload = json.loads(b64url_decode(C.status_token.split(".")[1]))
    payload["iat"] = 10**30
    token = _resigned(C.status_token, payload=payload)
    assert _code(parse_status_list_token, token) == "status.list_invalid"


def test_lone_surrogate_in_a_credential() -> None:
    # was: UnicodeEncodeError in RDFC-1.0 hashing (rotonde/rdfc/canon.py via jsonld.to_nquads)
    doc = json.loads(json.dumps(C.ldp[0]).replace("Anouk de Vries", "\\udcff"))
    assert _code(canonize, doc) == "jsonld.not_json"
    report = verify(doc, VerifyOptions(clock=CLOCK)).to_dict()
    assert "internal_error" not in json.dumps(report) and not report["verified"]


@pytest.mark.parametrize("uri", [
    "openid-credential-offer://?credential_offer_uri=https%3A%2F%2F%5Bissuer.example%2Fo",
    "openid-credential-offer://?credential_offer_uri=https%3A%2F%2F%5B%5Dissuer.example%2Fo",
])
def test_offer_uri_with_a_broken_ipv6_host(uri: str) -> None:
    # was: ValueError: Invalid IPv6 URL (urllib.parse.urlsplit in rotonde/oid4vci/offer.py)
    assert _code(oid4vci.parse_offer_uri, uri) == "oid4vci.invalid_request"
    assert _code(lambda: oid4vci.read_offer(text=uri, fetcher=C.fetcher)) == \
        "oid4vci.invalid_request"


def test_request_with_a_broken_ipv6_response_uri() -> None:
    # was: ValueError from urlsplit (rotonde/oid4vp/wallet.py check_request)
    claims = dict(C.request.to_claims(), response_uri="https://[{bad/cb")
    assert _code(check_request, claims) == "oid4vp.invalid_response_uri"
    link = "openid4vp://?client_id=x&request_uri=https%3A%2F%2F%5Bbad%2Fr"
    assert _code(parse_invocation, link) == "oid4vp.invalid_request_uri"


def test_sd_jwt_issuer_with_a_broken_ipv6_host_through_the_engine() -> None:
    # keyresolve.issuer_metadata_url split the issuer URL with urlsplit
    header, _, _ = C.sdjwts[0].split("~")[0].split(".")
    hdr = json.loads(b64url_decode(header))
    token = _resigned(C.sdjwts[0], header=hdr, payload={
        "iss": "https://[x/issuer", "vct": "https://rotonde.example/vct/microcredential",
        "iat": 1_790_000_000, "name": "A"}) + "~"
    report = verify(token, VerifyOptions(clock=CLOCK, fetcher=C.fetcher)).to_dict()
    text = json.dumps(report)
    assert not report["verified"] and "internal_error" not in text and ".unexpected" not in text


def test_sd_jwt_typ_that_is_a_list() -> None:
    # was: TypeError: unhashable type: 'list' (rotonde/sdjwt/verify.py, typ in ACCEPTED_TYPS)
    from rotonde import sdjwt
    from rotonde.clock import FixedClock
    from tests.fuzz._corpus import NOW

    first, _, rest = C.sdjwts[0].partition("~")
    payload = json.loads(b64url_decode(first.split(".")[1]))
    token = _resigned(first, header={"typ": ["dc+sd-jwt"], "alg": "EdDSA"},
                      payload=payload) + "~" + rest
    got = sdjwt.verify(token, issuer_key=C.keys.issuer.public_key, clock=FixedClock(NOW))
    assert got.claims["vct"] == payload["vct"]  # typ=None: any typ, but no VC profile
    assert _code(lambda t: sdjwt.verify(t, issuer_key=C.keys.issuer.public_key,
                                        typ="dc+sd-jwt", clock=FixedClock(NOW)),
                 token) == "jose.typ_mismatch"
    report = verify(token, VerifyOptions(issuer_key=C.keys.issuer.public_key, clock=CLOCK))
    assert report.checks[0].outcome == "failed"


def test_huge_integers_in_time_claims_and_documents() -> None:
    # were: OverflowError: int too large to convert to float, in
    # rotonde/sdjwt/verify.py (KB-JWT iat, isfinite), rotonde/jsonld (canonize),
    # rotonde/proofs/_jcs.py (serialize_number), rotonde/verify/jose.py (_jwt_bounds)
    from rotonde import sdjwt
    from rotonde.clock import FixedClock
    from rotonde.jws import sign_compact
    from rotonde.proofs._jcs import canonicalize as jcs
    from tests.fuzz._corpus import NOW

    issued, _, _ = C.sdjwts[1].rpartition("~")
    kb = sign_compact({"typ": "kb+jwt"}, {"iat": 10**400, "aud": "a", "nonce": "n",
                                          "sd_hash": sdjwt.digest(issued + "~")}, C.keys.holder)
    assert _code(lambda t: sdjwt.verify(t, issuer_key=C.keys.issuer.public_key, nonce="n",
                                        aud="a", clock=FixedClock(NOW)),
                 issued + "~" + kb) == "sdjwt.kb_iat_missing"
    doc = copy.deepcopy(C.credential_unsigned)
    doc["credentialSubject"]["name"] = 10**400
    assert _code(canonize, doc) == "jsonld.not_json"
    assert _code(jcs, doc) == "jcs.unsupported_value"
    payload = json.loads(b64url_decode(C.jwts[0].split(".")[1]))
    token = _resigned(C.jwts[0], payload=dict(payload, nbf=10**400))
    report = verify(token, VerifyOptions(clock=CLOCK)).to_dict()
    assert "internal_error" not in json.dumps(report) and not report["verified"]


def test_qr_png_with_a_side_beyond_the_decoder_limit() -> None:
    # was: ValueError: Maximum image width/height is 65535 (zxing-cpp, via rotonde/qr.py)
    import struct
    import zlib

    from servicekit.qrscan import decode_qr

    png = bytearray(C.qr_pngs[0])
    struct.pack_into(">II", png, 16, 100, 100_000)  # IHDR width, height: 10 Mpixel, tall
    struct.pack_into(">I", png, 29, zlib.crc32(bytes(png[12:29])) & 0xFFFFFFFF)
    assert _code(decode_qr, bytes(png)) == "qr.image_too_large"


def test_request_parameter_nested_too_deep() -> None:
    # was: RecursionError from json.loads (rotonde/oid4vp/wallet.py, _json_param)
    claims = dict(C.request.to_claims(), dcql_query="[" * 3000)
    assert _code(check_request, claims) == "oid4vp.parameter_malformed"


def test_backup_header_with_a_lone_surrogate() -> None:
    # was: UnicodeEncodeError building the AES-GCM associated data (wallet/flows/backup.py);
    # now refused while reading the JSON (I-JSON: no lone surrogates, rotonde.encoding).
    from wallet.flows.backup import restore_backup

    env = json.loads(C.backup)
    env["created"] = "\udcff"
    data = json.dumps(env).encode()  # ASCII JSON with the escape "\udcff"
    assert _code(lambda d: restore_backup(None, None, d, passphrase="x" * 12),  # type: ignore[arg-type]
                 data) == "backup.not_a_backup"
