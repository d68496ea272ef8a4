"""Fuzz: OpenID4VP -- DCQL queries, request parameters and signed request objects, invocation
URIs, ``vp_token`` values and ``direct_post`` bodies."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from rotonde.oid4vp import (
    check_request,
    evaluate,
    parse_dcql,
    parse_direct_post,
    parse_invocation,
    parse_vp_token,
    verify_request_object,
)
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
@given(one_of_mutations(C.dcql, mutated_json, junk_json))
def test_dcql(query: Any) -> None:
    def run(q: Any) -> None:
        parsed = parse_dcql(q)
        parse_dcql(parsed.to_json())
        claims = {"vct": "https://rotonde.example/vct/microcredential", "name": "A",
                  "achievement": {"level": {"value": 2}}, "skills": ["x"]}
        evaluate(parsed, {cid: [("dc+sd-jwt", claims)] for cid in parsed.ids})

    exercise("oid4vp.parse_dcql", run, query)


def _mapping(value: Any) -> dict[str, Any]:
    """The parsers typed ``Mapping`` get one (their callers parse JSON objects or forms)."""
    return value if isinstance(value, dict) else {"client_id": value, "vp_token": value}


@fuzz_settings(150)
@given(one_of_mutations([C.request.to_claims(), C.redirect_request.to_claims()],
                        mutated_json, junk_json).map(_mapping),
       st.booleans())
def test_check_request(claims: Any, signed: bool) -> None:
    # Unsigned (the redirect_uri: seed is valid unsigned) and as a verified request object
    # would hand them over (the decentralized_identifier: seed is valid only signed).
    exercise("oid4vp.check_request", lambda c: check_request(c, signed=signed), claims)


@fuzz_settings(100)
@given(one_of_mutations(C.request_objects,
                        lambda t: mutated_token(t, signers=[C.keys.verifier.sign]) | mutated_text(t),
                        junk_text))
def test_verify_request_object(token: Any) -> None:
    exercise("oid4vp.verify_request_object",
             lambda t: verify_request_object(t, client_id=C.request.client_id,
                                             resolver=C.resolver, clock=CLOCK), token)


@fuzz_settings(150)
@given(one_of_mutations(C.invocations, mutated_text, junk_text))
def test_parse_invocation(uri: Any) -> None:
    exercise("oid4vp.parse_invocation", parse_invocation, uri)


@fuzz_settings(150)
@given(one_of_mutations(
    [C.direct_posts[0]["vp_token"]],
    lambda t: mutated_text(t) | st.builds(lambda v: v, mutated_json({"diploma": [C.sdjwts[1]]})),
    junk_json | junk_text))
def test_parse_vp_token(value: Any) -> None:
    exercise("oid4vp.parse_vp_token", parse_vp_token, value)


@fuzz_settings(150)
@given(one_of_mutations(C.direct_posts, mutated_json, junk_json).map(_mapping))
def test_parse_direct_post(form: Any) -> None:
    exercise("oid4vp.parse_direct_post", parse_direct_post, form)
