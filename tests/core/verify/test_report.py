"""The verification report: order, fatality, serialisation."""

from __future__ import annotations

import json

from rotonde.errors import ParseError, Problem
from rotonde.verify import CHECK_NAMES, ReportBuilder, verify


def test_checks_come_out_in_order_and_fatal_rules_apply() -> None:
    b = ReportBuilder("dc+sd-jwt")
    b.skip("schema")
    b.fail("trust", Problem("trust.issuer_unknown", "unknown issuer", "onbekende uitgever"))
    with b.run("signature"):
        pass
    with b.run("parse"):
        pass
    report = b.build()
    assert [c.name for c in report.checks] == ["parse", "signature", "trust", "schema"]
    assert report.verified  # trust is advisory
    b.fail("validity", Problem("validity.expired", "expired", "verlopen"))
    assert not b.build().verified


def test_run_turns_errors_into_failed_checks() -> None:
    b = ReportBuilder("x")
    with b.run("parse"):
        raise ParseError("json.malformed", "bad", message_nl="fout", pointer="/a")
    report = b.build()
    assert not report.verified
    data = json.loads(json.dumps(report.to_dict()))
    assert data["checks"][0]["problems"][0] == {
        "code": "json.malformed", "message": "bad", "message_nl": "fout", "pointer": "/a",
    }


def test_a_failure_is_never_overwritten() -> None:
    b = ReportBuilder("x")
    b.fail("status", Problem("status.revoked", "revoked", "ingetrokken"))
    b.passed("status")
    assert b.build().check("status").outcome == "failed"  # type: ignore[union-attr]


def test_engine_reports_unknown_input_instead_of_raising() -> None:
    for data in ["", "nonsense", {"type": ["Thing"]}, "a.b.c"]:
        report = verify(data)  # type: ignore[arg-type]
        assert not report.verified
        assert report.checks[0].name == "parse"
    assert CHECK_NAMES[0] == "parse"
