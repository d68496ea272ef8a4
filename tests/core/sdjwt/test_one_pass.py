"""The one-pass SD-JWT verifier agrees with the step functions on every input.

:func:`rotonde.sdjwt.verify` takes a one-pass route for compact text with a given issuer key
and falls back to the step functions (:func:`~rotonde.sdjwt.parse`, ...) whenever the
one-pass route declines. These tests feed both routes the same valid and mutated tokens and
require the same outcome: the same claims and disclosed paths, or the same error code. The
step-function route is reached by passing an already parsed :class:`~rotonde.sdjwt.SdJwt`.
"""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rotonde import keys, sdjwt
from rotonde.clock import FixedClock
from rotonde.errors import RotondeError
from tests.conftest import examples

one_pass = importlib.import_module("rotonde.sdjwt.verify")._verify_one_pass

NOW = 1_800_000_000
CLOCK = FixedClock(NOW)
VCT = "https://rotonde.example/vct/one-pass"


def _pair(alg: str) -> tuple[keys.PrivateKey, keys.PrivateKey, str]:
    issuer, holder = keys.generate(alg), keys.generate(alg)
    credential = sdjwt.issue(
        {"name": "Ada", "level": {"eqf": 4, "nlqf": 4}, "skills": ["lassen", "tekenen"],
         "hours": 80},
        signer=issuer, vct=VCT, iat=NOW, exp=NOW + 3600, all_disclosable=True,
        holder_key=holder.public_key, decoys=2,
    )
    shown = sdjwt.present(credential, disclose=["name", "level.eqf", "skills.1"],
                          holder_key=holder, nonce="n-1", aud="https://v.example", iat=NOW)
    return issuer, holder, shown


ED_ISSUER, ED_HOLDER, ED_SHOWN = _pair("EdDSA")
EC_ISSUER, EC_HOLDER, EC_SHOWN = _pair("ES256")


def _nested() -> str:
    """Digests below the top level only (a nested ``_sd``, array ``...`` elements)."""
    credential = sdjwt.issue(
        {"level": {"eqf": 4, "nlqf": 4}, "skills": ["lassen", "tekenen"], "hours": 80},
        signer=ED_ISSUER, vct=VCT, iat=NOW, disclosable=["level.eqf", "skills.0"],
        holder_key=ED_HOLDER.public_key,
    )
    return sdjwt.present(credential, disclose=["level.eqf"], holder_key=ED_HOLDER,
                         nonce="n-1", aud="https://v.example", iat=NOW)


NESTED_SHOWN = _nested()


def _outcome(token: Any, issuer: keys.PrivateKey, **options: Any) -> tuple[str, Any]:
    """``("ok", (claims, disclosed, kb claims))`` or ``("error", code)``."""
    try:
        result = sdjwt.verify(token, issuer_key=issuer.public_key, clock=CLOCK, **options)
    except RotondeError as exc:
        return "error", exc.code
    kb = result.key_binding.claims if result.key_binding else None
    return "ok", (result.claims, result.disclosed, kb)


def _both(token: str, issuer: keys.PrivateKey, **options: Any) -> tuple[Any, Any]:
    fast = _outcome(token, issuer, **options)
    try:
        parsed: Any = sdjwt.parse(token, typ=options.get("typ"))
    except RotondeError as exc:
        return fast, ("error", exc.code)
    return fast, _outcome(parsed, issuer, **options)


@pytest.mark.parametrize(("issuer", "shown"), [(ED_ISSUER, ED_SHOWN), (EC_ISSUER, EC_SHOWN)])
def test_the_one_pass_route_is_taken_and_agrees(issuer: keys.PrivateKey, shown: str) -> None:
    taken = one_pass(
        shown, issuer.public_key, allowed=None, nonce="n-1", aud="https://v.example",
        require_key_binding=True, clock=CLOCK, leeway=60.0, max_bytes=65536, kb_max_age=300.0,
    )
    assert taken is not None
    fast, steps = _both(shown, issuer, nonce="n-1", aud="https://v.example")
    assert fast == steps
    assert fast[0] == "ok"
    assert set(fast[1][1]) == {"name", "level", "level.eqf", "skills", "skills.1"}
    assert taken.sd_jwt.serialize() == shown  # the parsed form is available on demand


def test_nested_digests_are_resolved_on_both_routes() -> None:
    fast, steps = _both(NESTED_SHOWN, ED_ISSUER, nonce="n-1", aud="https://v.example")
    assert fast == steps
    assert fast[0] == "ok"
    claims = fast[1][0]
    assert claims["level"] == {"eqf": 4, "nlqf": 4}
    assert claims["skills"] == ["tekenen"]  # the undisclosed element is dropped



@pytest.mark.parametrize("disclosable", [["level.eqf"], ["level.eqf", "skills.0"]])
def test_nested_digests_without_disclosures_disappear(disclosable: list[str]) -> None:
    credential = sdjwt.issue(
        {"level": {"eqf": 4, "nlqf": 4}, "skills": ["lassen", "tekenen"]},
        signer=ED_ISSUER, vct=VCT, iat=NOW, disclosable=disclosable,
    )
    bare = credential.split("~")[0] + "~"  # nothing disclosed
    fast, steps = _both(bare, ED_ISSUER)
    assert fast == steps
    assert fast[0] == "ok"
    assert fast[1][0]["level"] == {"nlqf": 4}


@pytest.mark.parametrize(
    ("options", "code"),
    [
        ({"nonce": "other"}, "sdjwt.kb_nonce_mismatch"),
        ({"aud": "https://elsewhere.example"}, "sdjwt.kb_aud_mismatch"),
        ({"typ": "example+sd-jwt"}, "jose.typ_mismatch"),
    ],
)
def test_declined_tokens_get_the_step_functions_error(options: dict[str, Any], code: str) -> None:
    fast, steps = _both(ED_SHOWN, ED_ISSUER, **options)
    assert fast == steps == ("error", code)


def test_wrong_issuer_key_fails_identically_on_both_routes() -> None:
    fast, steps = _both(ED_SHOWN, ED_HOLDER)
    assert fast == steps == ("error", "signature.invalid")


_SHOWN = st.sampled_from([(ED_ISSUER, ED_SHOWN), (EC_ISSUER, EC_SHOWN), (ED_ISSUER, NESTED_SHOWN)])


@settings(max_examples=examples(300), deadline=None)
@given(_SHOWN, st.data())
def test_mutated_tokens_get_the_same_outcome(pair: tuple[keys.PrivateKey, str],
                                             data: st.DataObject) -> None:
    issuer, shown = pair
    parts = shown.split("~")
    kind = data.draw(st.sampled_from(["char", "drop", "dup", "swap", "kb", "pad", "cut"]))
    if kind == "char":
        index = data.draw(st.integers(0, len(shown) - 1))
        char = data.draw(st.sampled_from(list("A_-~.= \n{\"0z")))
        token = shown[:index] + char + shown[index + 1:]
    elif kind == "drop":
        index = data.draw(st.integers(1, len(parts) - 2))
        token = "~".join(parts[:index] + parts[index + 1:])
    elif kind == "dup":
        index = data.draw(st.integers(1, len(parts) - 2))
        token = "~".join(parts[:index + 1] + parts[index:])
    elif kind == "swap":
        token = "~".join([parts[0], *reversed(parts[1:-1]), parts[-1]])
    elif kind == "kb":
        token = "~".join(parts[:-1]) + "~"
    elif kind == "pad":
        token = data.draw(st.sampled_from([" ", "\n"])) + shown
    else:
        token = shown[: data.draw(st.integers(0, len(shown)))]
    options = data.draw(st.sampled_from([
        {"nonce": "n-1", "aud": "https://v.example"},
        {},
        {"require_key_binding": True},
        {"typ": "dc+sd-jwt"},
    ]))
    fast, steps = _both(token, issuer, **options)
    assert fast == steps
