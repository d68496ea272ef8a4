"""One error type for the whole core.

Every failure the core reports carries a :class:`Problem`: a stable machine-readable ``code``
(``family.reason``, e.g. ``sdjwt.disclosure_unreferenced``), a message in English and in Dutch,
and where relevant a JSON pointer (RFC 6901) or claim path naming the offending field.
Services map :class:`RotondeError` to RFC 9457 problem details; verification maps it to a
failed check in a :class:`rotonde.verify.VerificationReport`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "ConfigurationError",
    "ConflictError",
    "FetchError",
    "KeyFormatError",
    "NotFoundError",
    "ParseError",
    "PolicyError",
    "Problem",
    "RotondeError",
    "SignatureError",
    "StatusError",
    "ValidationError",
]


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing that is wrong, precisely enough to act on.

    ``pointer`` is a JSON pointer into the document that was checked (``/credentialSubject/id``)
    or, for SD-JWT, a claim path (``achievement.level``).
    """

    code: str
    message: str
    message_nl: str = ""
    pointer: str | None = None
    detail: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "code": self.code,
            "message": self.message,
            "message_nl": self.message_nl or self.message,
        }
        if self.pointer is not None:
            out["pointer"] = self.pointer
        if self.detail:
            out["detail"] = dict(self.detail)
        return out


class RotondeError(Exception):
    """Base class of every error the core raises on purpose.

    ``problems`` holds at least one :class:`Problem`; ``code`` is the first problem's code.
    """

    default_code = "error"

    def __init__(
        self,
        code: str | None = None,
        message: str = "",
        *,
        message_nl: str = "",
        pointer: str | None = None,
        detail: Mapping[str, Any] | None = None,
        problems: Iterable[Problem] | None = None,
    ) -> None:
        probs = list(problems or ())
        if code is not None or not probs:
            probs.insert(
                0,
                Problem(
                    code or self.default_code,
                    message or (code or self.default_code),
                    message_nl,
                    pointer,
                    dict(detail or {}),
                ),
            )
        self.problems: tuple[Problem, ...] = tuple(probs)
        first = self.problems[0]
        super().__init__(f"{first.code}: {first.message}")

    @property
    def code(self) -> str:
        return self.problems[0].code

    @property
    def message(self) -> str:
        return self.problems[0].message

    @property
    def pointer(self) -> str | None:
        return self.problems[0].pointer


class ParseError(RotondeError):
    """Input is not well-formed (encoding, JSON, compact serialisation, size or depth caps)."""

    default_code = "parse.malformed"


class ValidationError(RotondeError):
    """Well-formed input that violates a data model or schema; usually several problems."""

    default_code = "validation.invalid"


class SignatureError(RotondeError):
    """A signature or proof does not verify, or uses a forbidden algorithm."""

    default_code = "signature.invalid"


class KeyFormatError(RotondeError):
    """A key (JWK, Multikey, DID) is malformed or of an unsupported type."""

    default_code = "key.invalid"


class PolicyError(RotondeError):
    """Something is well-formed but refused by policy (URL policy, algorithm allow-list)."""

    default_code = "policy.refused"


class FetchError(RotondeError):
    """An outbound fetch failed or was refused by the URL policy."""

    default_code = "fetch.failed"


class StatusError(RotondeError):
    """A status list could not be read, or its signature, purpose or validity is wrong."""

    default_code = "status.invalid"


class NotFoundError(RotondeError):
    """The thing asked for does not exist, or is not the asker's to see (an unknown tenant,
    offer, job, achievement or credential)."""

    default_code = "not_found"


class ConflictError(RotondeError):
    """The request is well-formed but conflicts with the current state of what it acts on (a
    revoked credential cannot be reinstated; an id already issued)."""

    default_code = "conflict"


class ConfigurationError(RotondeError):
    """Settings or arguments given by an operator are invalid."""

    default_code = "config.invalid"
