"""Property tests of the small parsers behind the forms: durations, numbers, level IRIs, ESCO."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from rotonde.learning import esco, levels
from rotonde.learning._common import (
    COUNTRIES,
    country_from_iri,
    country_iri,
    hours_from_duration,
    hours_to_duration,
    number_text,
    parse_number,
)

hours = st.integers(1, 12000) | st.decimals(min_value="0.25", max_value="999", places=2).map(float)


@given(hours)
def test_hours_round_trip_through_xsd_duration(value: float) -> None:
    assert hours_from_duration(hours_to_duration(value)) == value


@given(st.text(max_size=20))
def test_duration_parser_never_raises(text: str) -> None:
    out = hours_from_duration(text)
    assert out is None or out >= 0


def test_duration_units() -> None:
    assert hours_from_duration("P2DT4H") == 52
    assert hours_from_duration("PT90M") == 1.5
    assert hours_from_duration("PT") is None and hours_from_duration("P1Y") is None


@given(st.integers(0, 10**6) | st.floats(min_value=0, max_value=1e6, allow_nan=False))
def test_number_text_round_trips(value: float) -> None:
    assert parse_number(number_text(value)) == parse_number(value)


@given(st.one_of(st.text(max_size=10), st.booleans(), st.none(), st.floats()))
def test_parse_number_never_raises(value: object) -> None:
    parse_number(value)


@given(st.text(max_size=60))
def test_level_and_esco_parsers_never_raise(text: str) -> None:
    assert levels.from_uri(text) is None or levels.to_uri(
        {**levels.from_uri(text), "source": "self"}) == text  # type: ignore[dict-item]
    esco.is_skill_uri(text)
    assert country_from_iri(text) is None or text == country_iri(country_from_iri(text) or "")


def test_every_country_round_trips() -> None:
    for alpha2 in COUNTRIES:
        assert country_from_iri(country_iri(alpha2)) == alpha2
