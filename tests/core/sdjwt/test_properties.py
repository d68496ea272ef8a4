"""Property-based tests of the SD-JWT parsers and verifier (Hypothesis).

* random text, bytes and mutated valid tokens: the low-level API raises nothing but
  :class:`RotondeError`, and :func:`rotonde.verify.verify` never raises at all;
* any JSON claims issued fully disclosable come back unchanged when all are presented;
* any subset of Disclosures that is closed under "parent" verifies, and shows exactly the
  claims of that subset.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import assume, given
from hypothesis import strategies as st

from rotonde import keys, sdjwt
from rotonde.clock import FixedClock
from rotonde.errors import RotondeError
from rotonde.sdjwt import decode_disclosure, parse
from rotonde.verify import VerifyOptions, verify

NOW = 1_800_000_000
ISSUER = keys.generate("EdDSA")
HOLDER = keys.generate("ES256")
VCT = "https://rotonde.example/vct/p"

_names = st.text(min_size=1, max_size=8).filter(lambda s: s not in ("_sd", "...", "_sd_alg"))
_scalars = st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(max_size=10)
_json = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_names, inner, max_size=4),
    max_leaves=12,
)
_claims = st.dictionaries(
    _names.filter(lambda s: s not in sdjwt.ALWAYS_CLEAR), _json, min_size=1, max_size=5
)

BASE = sdjwt.issue(
    {"name": "Ada", "level": {"eqf": 4, "ects": 5}, "skills": ["a", "b"]},
    signer=ISSUER, vct=VCT, iat=NOW, all_disclosable=True, holder_key=HOLDER.public_key,
)
PRESENTED = sdjwt.present(
    BASE, disclose=["level.eqf", "skills.1"], holder_key=HOLDER, nonce="n", aud="a", iat=NOW
)
OPTIONS = VerifyOptions(issuer_key=ISSUER.public_key, nonce="n", audience="a",
                        clock=FixedClock(NOW))


def _low_level(token: Any) -> None:
    try:
        sdjwt.verify(token, issuer_key=ISSUER.public_key, nonce="n", aud="a",
                     clock=FixedClock(NOW))
    except RotondeError:
        pass


@given(st.text(max_size=300))
def test_random_text_only_raises_rotonde_errors(text: str) -> None:
    _low_level(text)
    _low_level(text + "~")
    report = verify(text, OPTIONS)
    assert not report.verified


@given(st.binary(max_size=300))
def test_random_bytes_only_raise_rotonde_errors(data: bytes) -> None:
    _low_level(data)
    try:
        parse(data)
    except RotondeError:
        pass


@given(st.data())
def test_mutated_tokens_never_crash(data: st.DataObject) -> None:
    token = data.draw(st.sampled_from([BASE, PRESENTED]))
    chars = list(token)
    for _ in range(data.draw(st.integers(1, 4))):
        pos = data.draw(st.integers(0, len(chars) - 1))
        op = data.draw(st.sampled_from(["replace", "delete", "insert"]))
        ch = data.draw(st.sampled_from("~.A_-{}[]\"x0=/"))
        if op == "replace":
            chars[pos] = ch
        elif op == "delete":
            del chars[pos]
        else:
            chars.insert(pos, ch)
    mutated = "".join(chars)
    assume(mutated != token)
    _low_level(mutated)
    report = verify(mutated, OPTIONS)
    json.dumps(report.to_dict())


@given(_json)
def test_disclosure_decoder_on_any_json(value: Any) -> None:
    encoded = sdjwt.make_disclosure("salt", None, value).encoded
    assert decode_disclosure(encoded).value == value
    from rotonde.encoding import b64url_encode

    raw = b64url_encode(json.dumps(value).encode())
    try:
        decode_disclosure(raw)
    except RotondeError:
        pass


@given(_claims, st.integers(0, 2))
def test_everything_disclosed_round_trips(claims: dict[str, Any], decoys: int) -> None:
    token = sdjwt.issue(claims, signer=ISSUER, vct=VCT, iat=NOW, all_disclosable=True,
                        decoys=decoys)
    shown = sdjwt.present(token, disclose=[(k,) for k in claims])
    result = sdjwt.verify(shown, issuer_key=ISSUER.public_key, clock=FixedClock(NOW))
    assert {k: v for k, v in result.claims.items() if k in claims} == claims


@given(st.data())
def test_parent_closed_subsets_verify(data: st.DataObject) -> None:
    sd = parse(BASE)
    processed = sdjwt.process_disclosures(sd)
    chosen = data.draw(st.sets(st.sampled_from(range(len(processed.disclosed)))))
    keep = {processed.disclosed[i][2] for i in chosen}
    closed = all(
        processed.parent[dg] is None or processed.parent[dg] in keep for dg in keep
    )
    parts = [d.encoded for d in sd.disclosures if sdjwt.digest(d.encoded) in keep]
    token = sd.issuer_jwt + "~" + "".join(p + "~" for p in parts)
    try:
        result = sdjwt.verify(token, issuer_key=ISSUER.public_key, clock=FixedClock(NOW))
    except RotondeError as exc:
        assert not closed and exc.code == "sdjwt.disclosure_unreferenced"
    else:
        assert closed
        assert len(result.disclosed) == len(keep)


@given(st.text(max_size=12), st.none() | _names, _json)
def test_disclosure_text_is_json_dumps(salt: str, name: str | None, value: Any) -> None:
    from rotonde.sdjwt._fast import disclosure_text

    array = [salt, value] if name is None else [salt, name, value]
    assert disclosure_text(salt, name, value) == json.dumps(array, ensure_ascii=False)


@given(st.text(max_size=40) | st.lists(st.text(max_size=5) | st.integers(), max_size=5))
def test_claim_path_parser(path: Any) -> None:
    from rotonde.sdjwt._paths import format_path, normalize

    try:
        parts = normalize(path)
    except RotondeError:
        return
    assert parts and all(isinstance(p, str) and p for p in parts)
    if isinstance(path, str):
        assert format_path(parts) == path


_sig = st.fixed_dictionaries(
    {},
    optional={
        "protected": st.text(max_size=20) | st.integers(),
        "signature": st.text(max_size=20),
        "header": st.dictionaries(st.sampled_from(["disclosures", "kb_jwt", "kid"]), _json),
    },
)


@given(
    st.fixed_dictionaries(
        {"payload": st.text(max_size=30) | st.integers()},
        optional={"signatures": st.lists(_sig, max_size=3) | _json,
                  "protected": st.text(max_size=20), "signature": st.text(max_size=20),
                  "header": _json},
    )
)
def test_json_serialisation_parser(doc: dict[str, Any]) -> None:
    text = json.dumps(doc)
    try:
        parse(text)
    except RotondeError:
        pass
    assert not verify(text, OPTIONS).verified
