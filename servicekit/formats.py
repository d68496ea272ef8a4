"""How the services' pages write times: one formatter for the three services."""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["when"]


def when(timestamp: object, *, seconds: bool = True) -> str:
    """A timestamp (seconds since the epoch) as ``YYYY-MM-DD HH:MM:SS UTC`` (without the
    seconds when ``seconds`` is false); ``""`` for no time (``None``, ``0``, not a number)."""
    if not isinstance(timestamp, (int, float)) or isinstance(timestamp, bool) or not timestamp:
        return ""
    try:
        moment = datetime.fromtimestamp(int(timestamp), UTC)
    except (OverflowError, OSError, ValueError):
        return ""
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC" if seconds else "%Y-%m-%d %H:%M UTC")
