"""Error helpers shared by the OpenID4VP modules (private)."""

from __future__ import annotations

from rotonde.errors import ParseError, PolicyError, ValidationError

__all__ = ["invalid", "malformed", "refused"]


def invalid(code: str, message: str, message_nl: str, pointer: str | None = None) -> ValidationError:
    return ValidationError(code, message, message_nl=message_nl, pointer=pointer)


def malformed(code: str, message: str, message_nl: str, pointer: str | None = None) -> ParseError:
    return ParseError(code, message, message_nl=message_nl, pointer=pointer)


def refused(code: str, message: str, message_nl: str, pointer: str | None = None) -> PolicyError:
    return PolicyError(code, message, message_nl=message_nl, pointer=pointer)
