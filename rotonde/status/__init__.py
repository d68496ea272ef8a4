"""Status lists: W3C Bitstring Status List v1.0 and the IETF Token Status List."""

from rotonde.status.bitstring import (
    MIN_ENTRIES,
    BitstringStatusEntry,
    BitstringStatusList,
    build_status_entry,
    build_status_list_credential,
    parse_status_entry,
    read_status_list_credential,
)
from rotonde.status.resolver import StatusListResolver
from rotonde.status.token import (
    INVALID,
    SUSPENDED,
    VALID,
    StatusList,
    StatusListToken,
    issue_status_list_token,
    parse_status_list_token,
    parse_status_reference,
    status_reference,
)

__all__ = [
    "INVALID",
    "MIN_ENTRIES",
    "SUSPENDED",
    "VALID",
    "BitstringStatusEntry",
    "BitstringStatusList",
    "StatusList",
    "StatusListResolver",
    "StatusListToken",
    "build_status_entry",
    "build_status_list_credential",
    "issue_status_list_token",
    "parse_status_entry",
    "parse_status_list_token",
    "parse_status_reference",
    "read_status_list_credential",
    "status_reference",
]
