"""Injectable clocks, so every time-dependent check is deterministic in tests."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

__all__ = [
    "Clock",
    "FixedClock",
    "SystemClock",
    "format_datetime",
    "parse_datetime",
    "to_timestamp",
]


class Clock(Protocol):
    """Anything that can say what time it is, in seconds since the epoch."""

    def now(self) -> float: ...


class SystemClock:
    """The real wall clock."""

    def now(self) -> float:
        return time.time()


@dataclass(frozen=True, slots=True)
class FixedClock:
    """A clock that always says the same time (tests, ``rotonde verify --now``)."""

    timestamp: float

    def now(self) -> float:
        return self.timestamp

    @classmethod
    def at(cls, value: str | datetime) -> FixedClock:
        return cls(to_timestamp(value))


def parse_datetime(value: str) -> datetime:
    """Parse an XML Schema ``dateTimeStamp`` as used by VCDM 2.0 §4.9 (``validFrom``).

    A timezone is required; ``Z`` is accepted. Raises :class:`ValueError` otherwise.
    """
    if not isinstance(value, str) or "T" not in value:
        raise ValueError("not a date-time with a 'T' separator")
    text = value[:-1] + "+00:00" if value.endswith(("Z", "z")) else value
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        raise ValueError("date-time has no timezone offset")
    return parsed


def to_timestamp(value: str | datetime | float | int) -> float:
    """Seconds since the epoch for an ISO 8601 string, a datetime or a number."""
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.timestamp()
    return parse_datetime(value).timestamp()


def format_datetime(timestamp: float) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ`` for a timestamp (second precision, UTC)."""
    return datetime.fromtimestamp(int(timestamp), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
