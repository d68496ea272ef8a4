"""read(): any form back into the record; bad input only ever raises ValidationError."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rotonde.errors import ValidationError
from rotonde.learning import elm, ob3, read, sdjwt_vc
from rotonde.learning.read import detect_form
from tests.core.learning.learning_support import microcredential, record, record_names

ISSUER = "did:example:issuer"

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.floats() | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=4),
    max_leaves=15,
)


def _forms(name: str) -> list[dict[str, Any]]:
    rec = record(name)
    return [elm.build(rec, issuer_id=ISSUER), ob3.build(rec, issuer_id=ISSUER),
            sdjwt_vc.build(rec)[0], rec]


def test_a_record_reads_as_itself() -> None:
    rec = microcredential()
    assert detect_form(rec) == "record"
    assert read(rec) == rec


@pytest.mark.parametrize("value", [None, 3, [], {}, "", "not a token", "{]", {"vct": 1},
                                   {"@context": ["https://www.w3.org/ns/credentials/v2"]}])
def test_garbage_is_a_validation_error(value: Any) -> None:
    with pytest.raises(ValidationError) as info:
        read(value)
    assert info.value.problems[0].message_nl


@given(json_values)
def test_random_values_only_raise_validation_error(value: Any) -> None:
    try:
        read(value)
    except ValidationError:
        pass


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyzABC0123456789-_.~{}\"", max_size=80))
def test_random_strings_only_raise_validation_error(value: str) -> None:
    try:
        read(value)
    except ValidationError:
        pass


def _paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(doc, dict):
        for k, v in doc.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            out += _paths(v, (*prefix, i))
    return out


@given(st.data())
def test_damaged_forms_only_raise_validation_error(data: st.DataObject) -> None:
    form = copy.deepcopy(data.draw(st.sampled_from(_forms(data.draw(st.sampled_from(
        record_names()))))))
    for _ in range(data.draw(st.integers(1, 3))):
        paths = _paths(form)
        path = data.draw(st.sampled_from(paths))
        parent: Any = form
        for step in path[:-1]:
            parent = parent[step]
        if data.draw(st.booleans()) and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = data.draw(json_values)
    try:
        out = read(form)
    except ValidationError as exc:
        assert exc.problems
        return
    assert isinstance(out, dict) and "kind" in out
