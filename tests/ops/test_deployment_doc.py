"""docs/deployment.md stays accurate: its variable tables name every setting with the code's
default, it mentions no variable the services do not read, its commands parse with the real
``rotonde`` parser, and its SQLite backup command is the one the restore drill runs."""

from __future__ import annotations

import re
import shlex

import pytest

from rotonde.cli import build_parser
from tests.ops._envdoc import DOC, SERVICES, extra_variables, rows
from tests.ops.test_backup_restore import SQLITE_BACKUP

ROW = re.compile(r"^\| `(ROTONDE_[A-Z_]+)` \| `([^`]*)` \|", re.M)
REGENERATE = "regenerate with: python -m tests.ops._envdoc --write"


def _doc() -> str:
    return DOC.read_text(encoding="utf-8")


def _block(service: str) -> str:
    text = _doc()
    start, end = f"<!-- env:{service} -->", f"<!-- /env:{service} -->"
    assert start in text and end in text, f"markers for {service} missing"
    return text.split(start, 1)[1].split(end, 1)[0]


@pytest.mark.parametrize("service", SERVICES)
def test_variable_table_matches_the_settings(service: str) -> None:
    documented = dict(ROW.findall(_block(service)))
    expected = {name: default for name, default, _ in rows(service)}
    assert set(documented) == set(expected), REGENERATE
    wrong = {k: (documented[k], expected[k]) for k in expected if documented[k] != expected[k]}
    assert wrong == {}, REGENERATE


def test_no_unknown_variables_are_mentioned() -> None:
    known = {name for s in SERVICES for name, _, _ in rows(s)}
    known |= {v for s in SERVICES for v in extra_variables(s)}
    mentioned = set(re.findall(r"ROTONDE_(?:ISSUER|WALLET|VERIFIER)_[A-Z_]*[A-Z]", _doc()))
    assert mentioned - known == set()


def test_rotonde_commands_in_the_guide_parse() -> None:
    commands = [line.strip() for line in _doc().splitlines()
                if line.strip().startswith("rotonde ")]
    assert len(commands) >= 2
    for line in commands:
        argv = shlex.split(line)[1:]
        args = build_parser().parse_args(argv)
        assert getattr(args, "handler", None) is not None, line


def test_sqlite_backup_command_is_the_tested_one() -> None:
    assert f'python3 -c "{SQLITE_BACKUP}"' in _doc().replace(" \\\n    ", " ")
