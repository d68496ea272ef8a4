"""Authorization Responses (OpenID4VP 1.0 §8).

* §8.1 ``vp_token``: a JSON object whose keys are DCQL credential query ids and whose values
  are non-empty arrays of presentations (compact strings such as SD-JWT VC presentations, or
  JSON objects such as Data Integrity VPs).
* §8.2 ``direct_post``: the wallet POSTs ``application/x-www-form-urlencoded`` with
  ``vp_token`` (JSON-encoded) and ``state`` to the ``response_uri``; on an error it posts
  ``error`` / ``error_description`` / ``state`` (§8.5). The verifier answers 200 with a JSON
  object, optionally holding ``redirect_uri``.
* Holder binding per format (Appendix B): SD-JWT VC KB-JWT ``aud`` = client id, ``nonce`` =
  request nonce; Data Integrity VP ``domain`` = client id, ``challenge`` = nonce.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rotonde.encoding import loads_json
from rotonde.errors import RotondeError
from rotonde.oid4vp._errors import malformed

__all__ = [
    "AuthorizationResponse",
    "direct_post_form",
    "parse_direct_post",
    "parse_vp_token",
]

MAX_PRESENTATIONS = 20
ERROR_CODES = frozenset({
    "invalid_request", "unauthorized_client", "access_denied", "unsupported_response_type",
    "invalid_scope", "server_error", "temporarily_unavailable", "vp_formats_not_supported",
    "invalid_request_uri_method", "invalid_transaction_data", "wallet_unavailable",
    "invalid_client",
})

Presentation = str | dict[str, Any]


def parse_vp_token(value: Any, *, max_bytes: int = 512 * 1024) -> dict[str, list[Presentation]]:
    """Validate the §8.1 shape; ``value`` is the JSON text or an already parsed object."""
    if isinstance(value, (str, bytes)):
        if len(value) > max_bytes:
            raise malformed("oid4vp.vp_token_too_large", "vp_token is too large",
                            "vp_token is te groot", "/vp_token")
        try:
            value = loads_json(value, what="vp_token", max_depth=64)
        except RotondeError as exc:
            raise malformed("oid4vp.vp_token_malformed", f"vp_token is not JSON: {exc.message}",
                            f"vp_token is geen JSON: {exc.problems[0].message_nl}",
                            "/vp_token") from None
    if not isinstance(value, dict) or not value:
        raise malformed("oid4vp.vp_token_malformed",
                        "vp_token must be a non-empty JSON object keyed by credential query id",
                        "vp_token moet een niet-leeg JSON-object per credential-query-id zijn",
                        "/vp_token")
    out: dict[str, list[Presentation]] = {}
    total = 0
    for qid, items in value.items():
        ptr = f"/vp_token/{qid}"
        if not isinstance(items, list) or not items:
            raise malformed("oid4vp.vp_token_malformed",
                            f"vp_token entry {qid!r} must be a non-empty array",
                            f"vp_token-element {qid!r} moet een niet-lege lijst zijn", ptr)
        for i, item in enumerate(items):
            if not (isinstance(item, str) and item) and not isinstance(item, dict):
                raise malformed("oid4vp.vp_token_malformed",
                                "each presentation must be a string or a JSON object",
                                "elke presentatie moet een tekst of een JSON-object zijn",
                                f"{ptr}/{i}")
        total += len(items)
        out[str(qid)] = list(items)
    if total > MAX_PRESENTATIONS:
        raise malformed("oid4vp.vp_token_too_large",
                        f"vp_token holds more than {MAX_PRESENTATIONS} presentations",
                        f"vp_token bevat meer dan {MAX_PRESENTATIONS} presentaties", "/vp_token")
    return out


@dataclass(frozen=True)
class AuthorizationResponse:
    """A parsed direct_post body: either ``vp_token`` or ``error``."""

    state: str | None
    vp_token: dict[str, list[Presentation]] | None = None
    error: str | None = None
    error_description: str | None = None

    @property
    def is_error(self) -> bool:
        return self.error is not None


def parse_direct_post(form: Mapping[str, Any]) -> AuthorizationResponse:
    """Parse the form fields a wallet posted to the ``response_uri`` (§8.2, §8.5)."""
    state = form.get("state")
    if state is not None and (not isinstance(state, str) or len(state) > 512):
        raise malformed("oid4vp.invalid_state", "state must be a short string",
                        "state moet een korte tekst zijn", "/state")
    if "response" in form:
        raise malformed("oid4vp.encrypted_response_unsupported",
                        "encrypted responses (direct_post.jwt) are not accepted here",
                        "versleutelde antwoorden (direct_post.jwt) worden hier niet aanvaard",
                        "/response")
    if "error" in form:
        err = form.get("error")
        if not isinstance(err, str) or not err:
            raise malformed("oid4vp.invalid_error", "error must be a string",
                            "error moet een tekst zijn", "/error")
        desc = form.get("error_description")
        return AuthorizationResponse(
            state, None, err[:64],
            desc if isinstance(desc, str) else None,
        )
    if "vp_token" not in form:
        raise malformed("oid4vp.vp_token_missing", "vp_token is missing",
                        "vp_token ontbreekt", "/vp_token")
    return AuthorizationResponse(state, parse_vp_token(form["vp_token"]))


def direct_post_form(vp_token: Mapping[str, list[Presentation]], state: str | None) -> dict[str, str]:
    """The form a wallet posts (§8.2)."""
    form = {"vp_token": json.dumps(vp_token, separators=(",", ":"))}
    if state is not None:
        form["state"] = state
    return form
