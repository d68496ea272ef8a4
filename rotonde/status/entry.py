"""``BitstringStatusListEntry``: the ``credentialStatus`` of a credential (Bitstring Status List
v1.0 §2.1).

``statusPurpose``; ``statusListIndex`` (a string holding a non-negative integer);
``statusListCredential`` (a URL); ``statusSize`` (an integer > 0, default 1; Rotonde supports 1,
2, 4 and 8); ``statusMessage`` (MAY be present when ``statusSize`` is 1, MUST be present when it
is greater, with exactly 2^statusSize ``{"status": "0x..", "message": ..}`` elements) and
``statusReference``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rotonde.errors import Problem, ValidationError

__all__ = ["STATUS_SIZES", "BitstringStatusEntry", "build_status_entry", "parse_status_entry"]

STATUS_SIZES = (1, 2, 4, 8)


@dataclass(frozen=True, slots=True)
class BitstringStatusEntry:
    """A validated ``BitstringStatusListEntry`` (§2.1)."""

    purpose: str
    index: int
    list_credential: str
    status_size: int = 1
    messages: tuple[tuple[int, str], ...] = ()
    id: str | None = None

    def message_for(self, value: int) -> str | None:
        return next((m for v, m in self.messages if v == value), None)


def build_status_entry(
    *,
    list_credential: str,
    index: int,
    purpose: str = "revocation",
    status_size: int = 1,
    status_messages: list[dict[str, str]] | None = None,
    status_reference: str | list[str] | None = None,
    id: str | None = None,
) -> dict[str, Any]:
    """A ``credentialStatus`` value; validated with :func:`parse_status_entry` before return."""
    entry: dict[str, Any] = {
        "id": id or f"{list_credential}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": list_credential,
    }
    if status_size != 1:
        entry["statusSize"] = status_size
    if status_messages is not None:
        entry["statusMessage"] = status_messages
    if status_reference is not None:
        entry["statusReference"] = status_reference
    parse_status_entry(entry)
    return entry


def _problem(code: str, message: str, message_nl: str, pointer: str) -> Problem:
    return Problem(code, message, message_nl, pointer)


def parse_status_entry(entry: Any, *, pointer: str = "/credentialStatus") -> BitstringStatusEntry:
    """Validate a ``BitstringStatusListEntry``; raises :class:`ValidationError` with all problems."""
    if not isinstance(entry, dict):
        raise ValidationError(
            "status.entry_invalid",
            "credentialStatus entry is not an object",
            message_nl="credentialStatus-item is geen object",
            pointer=pointer,
        )
    probs: list[Problem] = []
    types = entry.get("type")
    if types != "BitstringStatusListEntry" and not (
        isinstance(types, list) and "BitstringStatusListEntry" in types
    ):
        probs.append(
            _problem(
                "status.entry_type",
                "type must be BitstringStatusListEntry",
                "type moet BitstringStatusListEntry zijn",
                pointer + "/type",
            )
        )
    purpose = entry.get("statusPurpose")
    if not isinstance(purpose, str) or not purpose:
        probs.append(
            _problem(
                "status.entry_purpose",
                "statusPurpose must be a string",
                "statusPurpose moet tekst zijn",
                pointer + "/statusPurpose",
            )
        )
    raw_index = entry.get("statusListIndex")
    index = -1
    if isinstance(raw_index, str) and raw_index.isascii() and raw_index.isdigit() and len(raw_index) < 19:
        index = int(raw_index)
    else:
        probs.append(
            _problem(
                "status.entry_index",
                "statusListIndex must be a string of a non-negative integer",
                "statusListIndex moet een tekst met een niet-negatief geheel getal zijn",
                pointer + "/statusListIndex",
            )
        )
    url = entry.get("statusListCredential")
    if not isinstance(url, str) or ":" not in url:
        probs.append(
            _problem(
                "status.entry_list",
                "statusListCredential must be a URL",
                "statusListCredential moet een URL zijn",
                pointer + "/statusListCredential",
            )
        )
    size = entry.get("statusSize", 1)
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        probs.append(
            _problem(
                "status.entry_size",
                "statusSize must be an integer greater than zero",
                "statusSize moet een geheel getal groter dan nul zijn",
                pointer + "/statusSize",
            )
        )
        size = 1
    elif size not in STATUS_SIZES:
        probs.append(
            _problem(
                "status.size_unsupported",
                f"statusSize {size} is not supported (1, 2, 4, 8)",
                f"statusSize {size} wordt niet ondersteund (1, 2, 4, 8)",
                pointer + "/statusSize",
            )
        )
    messages: list[tuple[int, str]] = []
    raw_msgs = entry.get("statusMessage")
    if raw_msgs is None and size > 1:
        probs.append(
            _problem(
                "status.entry_messages",
                "statusMessage is required when statusSize > 1",
                "statusMessage is verplicht als statusSize > 1",
                pointer + "/statusMessage",
            )
        )
    elif raw_msgs is not None:
        if not isinstance(raw_msgs, list) or len(raw_msgs) != 2 ** min(size, 8):
            probs.append(
                _problem(
                    "status.entry_messages",
                    f"statusMessage must list {2 ** min(size, 8)} messages",
                    f"statusMessage moet {2 ** min(size, 8)} berichten bevatten",
                    pointer + "/statusMessage",
                )
            )
        else:
            for i, item in enumerate(raw_msgs):
                status = item.get("status") if isinstance(item, dict) else None
                message = item.get("message") if isinstance(item, dict) else None
                try:
                    value = int(status, 16) if isinstance(status, str) and status.startswith("0x") else -1
                except ValueError:
                    value = -1
                if value < 0 or not isinstance(message, str):
                    probs.append(
                        _problem(
                            "status.entry_messages",
                            "statusMessage needs 'status' (0x..) and 'message'",
                            "statusMessage heeft 'status' (0x..) en 'message' nodig",
                            f"{pointer}/statusMessage/{i}",
                        )
                    )
                else:
                    messages.append((value, message))
    if probs:
        raise ValidationError(problems=probs)
    entry_id = entry.get("id")
    return BitstringStatusEntry(
        str(purpose), index, str(url), size, tuple(messages), entry_id if isinstance(entry_id, str) else None
    )
