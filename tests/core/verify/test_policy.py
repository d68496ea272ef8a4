"""The typed, fail-closed verification policy (issue 20, item 2): typed options, named policy
checks run inside the engine, reusable replay / holder-key checks, advisory trust."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from rotonde import keys, sdjwt
from rotonde.clock import FixedClock
from rotonde.credential import build_credential
from rotonde.did import did_key_from_public_key, method_id_for_key
from rotonde.errors import ConfigurationError, Problem, ValidationError
from rotonde.presentation import build_presentation, sign_presentation
from rotonde.proofs import add_proof
from rotonde.trust import load_trust_list
from rotonde.verify import (
    CHECK_NAMES,
    CheckResult,
    HolderKeyCheck,
    PolicyContext,
    ReplayCheck,
    VerifyOptions,
    presentation_digest,
    verify,
)

NOW = FixedClock.at("2025-06-01T00:00:00Z")
ISSUER = keys.generate("EdDSA")
ISSUER_VM = method_id_for_key(ISSUER.public_key)
HOLDER = keys.generate("EdDSA")
HOLDER_DID = method_id_for_key(HOLDER.public_key).partition("#")[0]


def _vc(name: str | None = None) -> dict[str, Any]:
    subject = {"id": HOLDER_DID} if name is None else {"id": HOLDER_DID, "name": name}
    vc = build_credential(issuer=ISSUER_VM.partition("#")[0], subject=subject,
                          valid_from="2025-01-01T00:00:00Z")
    return add_proof(vc, signer=ISSUER, verification_method=ISSUER_VM, clock=NOW)


@dataclass
class Recorder:
    """A policy check that says what it was told to and remembers what it saw."""

    name: str
    result: Any = field(default_factory=CheckResult.passed)
    fatal: bool = True
    seen: list[PolicyContext] = field(default_factory=list)

    def __call__(self, context: PolicyContext) -> Any:
        self.seen.append(context)
        if isinstance(self.result, BaseException):
            raise self.result
        return self.result


def test_a_policy_check_appears_in_the_report_after_the_built_in_checks() -> None:
    ok = Recorder("requirement", CheckResult.passed(level=4))
    report = verify(_vc(), VerifyOptions(clock=NOW, policies=(ok,)))
    assert report.verified, report.to_dict()
    assert [c.name for c in report.checks] == [*CHECK_NAMES, "requirement"]
    row = report.to_dict()["checks"][-1]
    assert row == {"name": "requirement", "outcome": "passed", "fatal": True, "problems": [],
                   "detail": {"level": 4}}
    [context] = ok.seen
    assert context.format == "ldp_vc" and context.issuer == ISSUER_VM.partition("#")[0]
    assert context.check("signature").outcome == "passed"  # type: ignore[union-attr]
    assert context.claims is not None and context.claims["credentialSubject"]["id"] == HOLDER_DID


def test_a_failing_fatal_policy_check_makes_the_report_not_verified() -> None:
    why = Problem("requirement.level", "level too low", "niveau te laag")
    fatal = verify(_vc(), VerifyOptions(clock=NOW, policies=(
        Recorder("requirement", CheckResult.failed(why)),)))
    assert not fatal.verified
    assert [p for c in fatal.checks if c.outcome == "failed" for p in c.problems] == [why]
    advisory = verify(_vc(), VerifyOptions(clock=NOW, policies=(
        Recorder("requirement", CheckResult.failed(why), fatal=False),)))
    assert advisory.verified
    assert advisory.check("requirement").outcome == "failed"  # type: ignore[union-attr]
    # later checks see the earlier ones, in order
    second = Recorder("second")
    verify(_vc(), VerifyOptions(clock=NOW, policies=(
        Recorder("first", CheckResult.failed(why)), second)))
    assert second.seen[0].check("first").outcome == "failed"  # type: ignore[union-attr]
    assert not second.seen[0].verified


@pytest.mark.parametrize("result", [ValueError("bug"), KeyError("x"), None, True, "passed"])
def test_a_policy_check_that_errors_fails_closed(result: Any) -> None:
    """Raising, or returning anything but a CheckResult, is a failed fatal check — even for a
    check declared advisory."""
    report = verify(_vc(), VerifyOptions(clock=NOW, policies=(
        Recorder("scope", result, fatal=False),)))
    check = report.check("scope")
    assert check is not None and check.outcome == "failed" and check.fatal
    assert [p.code for p in check.problems] == ["policy.error"]
    assert not report.verified


def test_a_policy_check_raising_a_rotonde_error_fails_with_its_problems() -> None:
    err = ValidationError("scope.unknown", "unknown scope", message_nl="onbekende reikwijdte")
    report = verify(_vc(), VerifyOptions(clock=NOW, policies=(Recorder("scope", err),)))
    assert [p.code for p in report.check("scope").problems] == ["scope.unknown"]  # type: ignore[union-attr]
    assert not report.verified


def test_policy_checks_run_once_on_the_presentation_and_see_its_credentials() -> None:
    vp = sign_presentation(build_presentation(credentials=[_vc("Jan"), _vc("Piet")], holder=HOLDER_DID),
                           signer=HOLDER, challenge="c-1", clock=NOW)
    probe = Recorder("probe")
    report = verify(vp, VerifyOptions(clock=NOW, challenge="c-1", policies=(probe,)))
    assert report.verified, report.to_dict()
    assert len(probe.seen) == 1 and probe.seen[0].format == "ldp_vp"
    assert [r.format for r in probe.seen[0].credentials] == ["ldp_vc", "ldp_vc"]
    assert all(r.check("probe") is None for r in report.credentials)


def test_typed_options_reject_unknown_keywords_and_wrong_types() -> None:
    with pytest.raises(TypeError):
        VerifyOptions(extra={"require_controller": False})  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        VerifyOptions(require_controler=False)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        VerifyOptions(None)  # type: ignore[misc]  # keyword-only
    for bad in ({"allow_unsigned_presentation": "no"}, {"require_controller": 0},
                {"trust_required": None}, {"kb_max_age": -1}, {"leeway": float("nan")},
                {"max_bytes": 0}, {"policies": "replay"}, {"policies": (object(),)}):
        with pytest.raises(ConfigurationError) as err:
            VerifyOptions(**bad)
        assert err.value.code == "verify.option_invalid", bad
    for names in (("trust",), ("replay", "replay")):
        with pytest.raises(ConfigurationError) as err:
            VerifyOptions(policies=tuple(Recorder(n) for n in names))
        assert err.value.code == "verify.policy_name_taken"


def test_security_defaults_fail_closed() -> None:
    options = VerifyOptions()
    assert options.require_controller and options.trust_required and options.check_status
    assert not options.allow_unsigned_presentation and options.policies == ()
    unsigned = build_presentation(credentials=[_vc()], holder=HOLDER_DID)
    assert not verify(unsigned, VerifyOptions(clock=NOW)).verified


def _trust(issuer: str) -> Any:
    return load_trust_list({"trust_list_version": "1.0", "id": "https://trust.example/l",
                            "name": {"nl": "Lijst"}, "issuers": [
                                {"name": {"nl": "ROC"}, "identifiers": [issuer], "kinds": ["*"]}]},
                           clock=NOW)


def test_trust_can_be_evaluated_as_advisory() -> None:
    """The wallet's receive path: the issuer is judged against the list and the verdict is in
    the report, but an issuer that is not on it does not make the credential unverified."""
    elsewhere = _trust("did:web:andere-school.example")
    required = verify(_vc(), VerifyOptions(clock=NOW, trust_list=elsewhere))
    assert not required.verified and required.check("trust").fatal  # type: ignore[union-attr]
    advisory = verify(_vc(), VerifyOptions(clock=NOW, trust_list=elsewhere,
                                           trust_required=False))
    trust = advisory.check("trust")
    assert advisory.verified and trust is not None
    assert trust.outcome == "failed" and not trust.fatal
    assert [p.code for p in trust.problems] == ["trust.issuer_unknown"]
    on_list = verify(_vc(), VerifyOptions(clock=NOW, trust_list=_trust(ISSUER_VM.partition("#")[0]),
                                          trust_required=False))
    assert on_list.verified and on_list.check("trust").outcome == "passed"  # type: ignore[union-attr]


def test_replay_check_fails_a_presentation_seen_before() -> None:
    vc = _vc()
    asked: list[str] = []

    def seen(digest: str) -> bool:
        asked.append(digest)
        return digest == presentation_digest(vc)

    report = verify(vc, VerifyOptions(clock=NOW, policies=(ReplayCheck(seen),)))
    assert asked == [presentation_digest(vc)] and not report.verified
    replay = report.check("replay")
    assert replay is not None and replay.fatal
    assert [p.code for p in replay.problems] == ["presentation.replayed"]
    fresh = verify(_vc("Jan"), VerifyOptions(clock=NOW, policies=(ReplayCheck(seen),)))
    assert fresh.verified and fresh.check("replay").outcome == "passed"  # type: ignore[union-attr]


def test_holder_key_check_binds_a_credential_to_the_accounts_own_keys() -> None:
    issuer = keys.generate("ES256")
    mine, theirs = keys.generate("ES256"), keys.generate("ES256")
    token = sdjwt.issue({"title": "Lassen"}, signer=issuer, vct="https://rotonde.example/vct/mc",
                        iss=did_key_from_public_key(issuer.public_key), holder_key=theirs.public_key)
    check = HolderKeyCheck.of([mine, keys.generate("EdDSA")])
    refused = verify(token, VerifyOptions(policies=(check,)))
    holder_key = refused.check("holder_key")
    assert not refused.verified and holder_key is not None and holder_key.fatal
    assert [p.code for p in holder_key.problems] == ["credential.not_bound_to_holder"]
    accepted = verify(token, VerifyOptions(policies=(HolderKeyCheck.of([theirs]),)))
    assert accepted.verified and accepted.check("holder_key").outcome == "passed"  # type: ignore[union-attr]
    # a credential bound to no key has nothing to own: skipped, not failed
    unbound = verify(_vc(), VerifyOptions(clock=NOW, policies=(check,)))
    assert unbound.verified and unbound.check("holder_key").outcome == "skipped"  # type: ignore[union-attr]
