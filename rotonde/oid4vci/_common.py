"""Shared pieces of :mod:`rotonde.oid4vci`: the error type and small field checks."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rotonde.encoding import loads_json
from rotonde.errors import ValidationError

__all__ = ["PRE_AUTHORIZED_GRANT", "OID4VCIError", "object_of", "require_str"]

PRE_AUTHORIZED_GRANT = "urn:ietf:params:oauth:grant-type:pre-authorized_code"


class OID4VCIError(ValidationError):
    """A protocol message is wrong. ``error`` is the OAuth/OpenID4VCI error code to send
    (``invalid_request``, ``invalid_grant``, ``invalid_proof``, ``invalid_nonce``,
    ``invalid_credential_request``, ``unknown_credential_configuration``, ...)."""

    def __init__(
        self, error: str, message: str, message_nl: str = "", *, pointer: str | None = None
    ) -> None:
        super().__init__(f"oid4vci.{error}", message, message_nl=message_nl, pointer=pointer)
        self.error = error


def require_str(data: Mapping[str, Any], name: str, error: str, where: str = "") -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value:
        raise OID4VCIError(
            error,
            f"{name} is required and must be a non-empty string",
            f"{name} is verplicht en moet een niet-lege tekst zijn",
            pointer=f"{where}/{name}",
        )
    return value


def object_of(data: Any, what: str, error: str = "invalid_request") -> dict[str, Any]:
    if isinstance(data, (str, bytes)):
        data = loads_json(data, what=what, max_depth=16)
    if not isinstance(data, dict):
        raise OID4VCIError(error, f"{what} is not a JSON object", f"{what} is geen JSON-object")
    return data
