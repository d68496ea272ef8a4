"""Status lists as ratios to one raw Ed25519 signature / verification measured in the same run.

A 131,072-entry list (the Bitstring Status List minimum) with 1 % of the entries set at random:

* Bitstring Status List: ``encode`` (GZIP + multibase), ``decode`` (capped gunzip), ``update``
  (revoke one entry and re-encode: what the issuer does per revocation), ``get`` (one lookup);
* Token Status List: ``encode`` (ZLIB + base64url), ``decode``, ``issue token`` (encode + sign),
  ``check status`` (parse + verify the token + look up one index, as a verifier does).
"""

from __future__ import annotations

import random

from benchmarks._ratio import Result, compare, raw_baselines
from rotonde.clock import FixedClock
from rotonde.did import did_key_from_public_key
from rotonde.keys import generate
from rotonde.status import (
    BitstringStatusList,
    StatusList,
    issue_status_list_token,
    status_reference,
)
from rotonde.verify import VerifyOptions
from rotonde.verify.status import check_status

__all__ = ["run"]

SIZE = 131_072
NOW = 1_800_000_000
URI = "https://issuer.example/status/1"


def _filled() -> tuple[BitstringStatusList, StatusList]:
    rng = random.Random(2026)
    bsl, tsl = BitstringStatusList(SIZE), StatusList(SIZE)
    for idx in rng.sample(range(SIZE), SIZE // 100):
        bsl.set(idx, 1)
        tsl.set(idx, 1)
    return bsl, tsl


def run(quick: bool = False) -> list[Result]:
    budget = 0.05 if quick else 0.15
    rounds = 3 if quick else 5
    raw = raw_baselines("EdDSA")
    bsl, tsl = _filled()
    encoded = bsl.encode()
    claim = tsl.to_json()
    key = generate("EdDSA")
    did = did_key_from_public_key(key.public_key)
    signer = key.with_kid(f"{did}#{did[8:]}")
    token = issue_status_list_token(tsl, uri=URI, signer=signer, issuer=did, clock=FixedClock(NOW))
    options = VerifyOptions(clock=FixedClock(NOW + 1), status_resolver=lambda uri: token)
    claims = {"iss": did, **status_reference(idx=4242, uri=URI)}
    counter = iter(range(10**9))

    def update() -> str:
        bsl.set(next(counter) % SIZE, 1)
        return bsl.encode()

    cases = [
        ("bitstring encode (131072)", bsl.encode, "sign"),
        ("bitstring decode (131072)", lambda: BitstringStatusList.decode(encoded), "verify"),
        ("bitstring update + encode", update, "sign"),
        ("bitstring get", lambda: bsl.get(4242), "verify"),
        ("token list encode (131072)", tsl.encode_lst, "sign"),
        ("token list decode (131072)", lambda: StatusList.from_json(claim), "verify"),
        ("token issue (encode + sign)", lambda: issue_status_list_token(
            tsl, uri=URI, signer=signer, issuer=did, clock=FixedClock(NOW)), "sign"),
        ("check_status (token, did:key)", lambda: check_status(claims, options), "verify"),
    ]
    results: list[Result] = []
    for name, fn, base in cases:
        seconds, base_seconds = compare(fn, raw[base], budget=budget, rounds=rounds)
        results.append(Result("status", name, "EdDSA", seconds, f"raw {base}", base_seconds))
    return results
