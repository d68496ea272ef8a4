"""OpenID4VCI 1.0 §12.2 Credential Issuer Metadata: build and check."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rotonde.oid4vci._common import OID4VCIError, object_of, require_str

__all__ = ["issuer_metadata", "parse_issuer_metadata"]


def issuer_metadata(
    *,
    credential_issuer: str,
    credential_configurations: Mapping[str, Mapping[str, Any]],
    display: Sequence[Mapping[str, Any]] = (),
    credential_endpoint: str | None = None,
    nonce_endpoint: str | None = None,
    authorization_servers: Sequence[str] = (),
    batch_size: int | None = None,
) -> dict[str, Any]:
    """Credential Issuer Metadata (§12.2.4). Endpoints default to ``<issuer>/credential`` and
    ``<issuer>/nonce``; ``batch_size`` (2 or more) advertises ``batch_credential_issuance``:
    the most key proofs one Credential Request may carry."""
    base = credential_issuer.rstrip("/")
    out: dict[str, Any] = {
        "credential_issuer": credential_issuer,
        "credential_endpoint": credential_endpoint or base + "/credential",
        "nonce_endpoint": nonce_endpoint or base + "/nonce",
    }
    if authorization_servers:
        out["authorization_servers"] = list(authorization_servers)
    if batch_size is not None:
        if batch_size < 2:
            raise ValueError("batch_size must be 2 or greater (OpenID4VCI 1.0 §12.2.4)")
        out["batch_credential_issuance"] = {"batch_size": batch_size}
    if display:
        out["display"] = [dict(d) for d in display]
    out["credential_configurations_supported"] = {
        k: dict(v) for k, v in credential_configurations.items()
    }
    return out


def parse_issuer_metadata(data: Any, *, expected_issuer: str) -> dict[str, Any]:
    """Check Credential Issuer Metadata: ``credential_issuer`` must equal the issuer the offer
    named (§12.2.3), endpoints must be present, configurations must be objects with a format."""
    obj = object_of(data, "credential issuer metadata")
    issuer = require_str(obj, "credential_issuer", "invalid_request")
    if issuer != expected_issuer:
        raise OID4VCIError(
            "invalid_request",
            f"metadata is for {issuer!r}, not {expected_issuer!r}",
            f"metadata hoort bij {issuer!r}, niet bij {expected_issuer!r}",
            pointer="/credential_issuer",
        )
    require_str(obj, "credential_endpoint", "invalid_request")
    configs = obj.get("credential_configurations_supported")
    if not isinstance(configs, dict) or not all(
        isinstance(v, dict) and isinstance(v.get("format"), str) for v in configs.values()
    ):
        raise OID4VCIError(
            "invalid_request",
            "credential_configurations_supported must map ids to objects with a format",
            "credential_configurations_supported moet id's aan objecten met een format koppelen",
            pointer="/credential_configurations_supported",
        )
    return obj
