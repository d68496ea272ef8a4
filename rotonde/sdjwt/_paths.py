"""Claim paths: ``"achievement.level"``, ``"skills.0"``, ``"skills.*"`` or a sequence of parts.

A path names a claim by the object member names and array indices leading to it. Strings
are split on ``.``; a tuple or list is used as is (for member names that contain a dot).
Array indices always refer to the position in the Issuer's original array. ``*`` matches any
member or element.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TypeAlias

from rotonde.errors import ConfigurationError

__all__ = ["ClaimPath", "Path", "format_path", "matches", "normalize", "normalize_all"]

#: A normalised path: every part a string (array indices as decimal strings).
Path = tuple[str, ...]
#: What callers may pass.
ClaimPath: TypeAlias = str | Sequence[str | int]


def normalize(path: ClaimPath) -> Path:
    """Turn a caller's path into a :data:`Path`."""
    if isinstance(path, str):
        if path and "." not in path:
            return (path,)
        if path and ".." not in path and path[0] != "." and path[-1] != ".":
            return tuple(path.split("."))
        parts: Iterable[str | int] = path.split(".")
    elif isinstance(path, Sequence):
        parts = path
    else:
        raise ConfigurationError(
            "sdjwt.path_invalid", f"claim path {path!r} is not a string or sequence",
            message_nl=f"claimpad {path!r} is geen tekst of reeks",
        )
    out = tuple(str(p) if isinstance(p, int) and not isinstance(p, bool) else p for p in parts)
    if not out or not all(isinstance(p, str) and p for p in out):
        raise ConfigurationError(
            "sdjwt.path_invalid", f"claim path {path!r} is empty or has an empty part",
            message_nl=f"claimpad {path!r} is leeg of heeft een leeg deel",
        )
    return out  # type: ignore[return-value]


def normalize_all(paths: Iterable[ClaimPath]) -> list[Path]:
    if isinstance(paths, str):
        paths = [paths]
    return [normalize(p) for p in paths]


def format_path(path: Sequence[str | int]) -> str:
    """The dotted form used in reports and error pointers."""
    return ".".join(str(p) for p in path)


def matches(pattern: Path, path: Path) -> bool:
    """Does ``pattern`` (which may contain ``*``) name exactly ``path``?"""
    return len(pattern) == len(path) and all(p == "*" or p == q for p, q in zip(pattern, path, strict=True))
