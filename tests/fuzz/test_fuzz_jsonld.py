"""Fuzz: JSON-LD credentials and presentations (strict expansion, RDFC-1.0, Data Integrity
``eddsa-rdfc-2022``) and the one verification engine on any input.

Besides random edits, the JSON-LD mutations inject contexts (unknown URLs, inline contexts that
redefine or drop terms, ``@vocab``, ``@protected: false``) and undefined terms; half of the
edited credentials are signed again, so the edit reaches canonicalization and the checks that
run after a valid signature.
"""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from rotonde.credential import validate_credential
from rotonde.errors import RotondeError
from rotonde.jsonld import canonize
from rotonde.presentation import validate_presentation
from rotonde.proofs import verify_proof
from rotonde.verify import VerifyOptions, verify
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

_INJECTED_CONTEXTS: list[Any] = [
    "https://evil.example/context.jsonld",
    {"name": "https://evil.example/#name"},
    {"@vocab": "https://evil.example/#"},
    {"@protected": False, "credentialSubject": None},
    {"VerifiableCredential": "https://evil.example/#VC"},
    {"name": None},
    {"@version": 1.1, "@import": "https://evil.example/ctx"},
    {"@base": "https://evil.example/"},
    "https://www.w3.org/2018/credentials/v1",
]


@st.composite
def _context_injection(draw: st.DrawFn, doc: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(doc)
    ctx = out.get("@context")
    ctx = list(ctx) if isinstance(ctx, list) else [ctx]
    op = draw(st.integers(0, 3))
    injected = copy.deepcopy(draw(st.sampled_from(_INJECTED_CONTEXTS)))
    if op == 0:
        ctx.append(injected)
    elif op == 1:
        ctx.insert(0, injected)
    elif op == 2 and len(ctx) > 1:
        del ctx[draw(st.integers(0, len(ctx) - 1))]
    else:  # an undefined term somewhere (would be silently dropped by lax JSON-LD)
        subject = out.get("credentialSubject")
        target: dict[str, Any] = subject if isinstance(subject, dict) else out
        target[draw(st.sampled_from(["nickname", "eqfLevel", "x-secret", "Name"]))] = "waarde"
    out["@context"] = ctx
    return out


def _resigned(doc: Any) -> Any:
    """Sign an edited credential again; when even signing refuses it, use it unsigned."""
    if not isinstance(doc, dict):
        return doc
    try:
        return C.resign_ldp(doc)
    except RotondeError:
        return doc


def _ldp_docs() -> st.SearchStrategy[Any]:
    mutate = lambda d: mutated_json(d) | _context_injection(d)  # noqa: E731
    edited = one_of_mutations(C.ldp, mutate, junk_json)
    return edited | st.sampled_from(C.ldp[:1]).flatmap(mutate).map(_resigned)


@fuzz_settings(60)
@given(_ldp_docs())
def test_validate_credential_and_presentation(doc: Any) -> None:
    def run(d: Any) -> None:
        validate_credential(d)
        validate_presentation(d)

    exercise("credential/presentation.validate", run, doc)


@fuzz_settings(60)
@given(_ldp_docs())
def test_strict_canonize(doc: Any) -> None:
    exercise("jsonld.canonize (strict)", canonize, doc)


@fuzz_settings(60)
@given(_ldp_docs())
def test_verify_proof(doc: Any) -> None:
    exercise("proofs.verify_proof", verify_proof, doc)


def _internal_codes(report: Any) -> list[str]:
    """Problem codes anywhere in a report dict that mark an unexpected exception."""
    found: list[str] = []
    if isinstance(report, dict):
        code = report.get("code")
        if isinstance(code, str) and (code == "verify.internal_error"
                                      or code.endswith(".unexpected")):
            found.append(code)
        for value in report.values():
            found += _internal_codes(value)
    elif isinstance(report, list):
        for value in report:
            found += _internal_codes(value)
    return found


_OPTIONS = VerifyOptions(clock=CLOCK, nonce="nonce-0123456789abcdef",
                         audience="https://verifier.rotonde.example", challenge="challenge-123",
                         domain="verifier.rotonde.example")


def _engine_inputs() -> st.SearchStrategy[Any]:
    tokens = C.sdjwts + C.jwts
    return (
        _ldp_docs()
        | one_of_mutations(tokens, lambda t: mutated_token(t, signers=C.signers)
                           | mutated_text(t), junk_text)
        | st.sampled_from(tokens).map(lambda t: {"x": t})
    )


@fuzz_settings(120)
@given(_engine_inputs())
def test_verify_engine_never_raises(data: Any) -> None:
    def run(d: Any) -> None:
        report = verify(d, _OPTIONS).to_dict()
        masked = _internal_codes(report)
        # the engine's catch-alls turn a bug into a failed check; that is still a crash
        assert not masked, f"internal error masked as a failed check: {masked}"

    # the engine returns a report for every input: no exception is allowed at all
    exercise("verify.verify (engine)", run, data, allowed=())
