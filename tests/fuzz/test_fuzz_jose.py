"""Fuzz: compact JWS, SD-JWT (+KB-JWT), Status List Tokens and OpenID4VCI key proofs.

Seeds are valid tokens; the mutations edit characters and ``~``/``.`` segments, and decode a
header, payload or Disclosure, edit it as JSON and encode it again -- half the time re-signed
with the real issuer or holder key, so the edit reaches the code behind the signature check
(disclosure processing, ``cnf``, KB-JWT ``sd_hash``/``nonce``/``aud``, ``typ``/``crit``).
"""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from rotonde import oid4vci, sdjwt
from rotonde.clock import FixedClock
from rotonde.jws import parse_compact
from rotonde.status import parse_status_list_token
from tests.fuzz._corpus import CLOCK, ISSUER_URL, NOW, C
from tests.fuzz._harness import exercise, fuzz_settings
from tests.fuzz._mutate import junk_text, mutated_text, mutated_token, one_of_mutations


def _tokens(seeds: list[str]) -> st.SearchStrategy[Any]:
    return one_of_mutations(
        seeds,
        lambda t: mutated_token(t, signers=C.signers) | mutated_text(t),
        junk_text | st.binary(max_size=300),
    )


@fuzz_settings(150)
@given(_tokens(C.jwts + C.sdjwts[1:2]))
def test_parse_compact(token: Any) -> None:
    def run(t: Any) -> None:
        jws = parse_compact(t, typ=None)
        jws.claims()
        jws.verify(C.keys.issuer.public_key)

    exercise("jws.parse_compact", run, token)


@fuzz_settings(150)
@given(_tokens(C.sdjwts))
def test_sdjwt_parse_and_process(token: Any) -> None:
    def run(t: Any) -> None:
        sd = sdjwt.parse(t)
        sdjwt.process_disclosures(sd, collect_paths=True)
        sdjwt.disclosable_paths(sd)

    exercise("sdjwt.parse", run, token)


@fuzz_settings(150)
@given(_tokens(C.sdjwts))
def test_sdjwt_verify_with_key_binding(token: Any) -> None:
    def run(t: Any) -> None:
        sdjwt.verify(t, issuer_key=C.keys.issuer.public_key, nonce="nonce-0123456789abcdef",
                     aud="https://verifier.rotonde.example", clock=FixedClock(NOW))

    exercise("sdjwt.verify (+KB-JWT)", run, token)


@fuzz_settings(100)
@given(_tokens(C.sdjwts[:1]), st.sampled_from(["name", "achievement.level", "skills.1", "x.y"]))
def test_sdjwt_present(token: Any, path: str) -> None:
    def run(t: Any) -> None:
        sdjwt.present(t, disclose=[path], holder_key=C.keys.holder, nonce="n", aud="a", iat=NOW)

    exercise("sdjwt.present", run, token)


@fuzz_settings(150)
@given(_tokens([C.status_token]))
def test_status_list_token(token: Any) -> None:
    def run(t: Any) -> None:
        tok = parse_status_list_token(t)
        tok.verify(C.keys.issuer.public_key)
        tok.check_time(CLOCK)
        for i in (0, 7, tok.status_list.size - 1 if hasattr(tok.status_list, "size") else 0):
            tok.status_list.get(i)

    exercise("status.parse_status_list_token", run, token)


@fuzz_settings(150)
@given(_tokens([C.jwts[1]]))
def test_oid4vci_key_proof(token: Any) -> None:
    exercise("oid4vci.validate_proof",
             lambda t: oid4vci.validate_proof(t, audience=ISSUER_URL, clock=CLOCK), token)
