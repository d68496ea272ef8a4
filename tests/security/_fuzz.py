"""Schemathesis driver shared by the API fuzz tests: every operation of an OpenAPI document,
positive and negative cases, a bounded number of examples each, in-process over ASGI.

Each case is checked by :func:`check_response`: never a 5xx, and every error in the documented
shape (RFC 9457 problem+json on API operations, ``{"error": ...}`` on OAuth/OpenID endpoints,
an HTML page only on page operations). Failures are collected per operation (Hypothesis shrinks
each to a minimal example) so one run reports all of them.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hsettings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from tests.conftest import examples

__all__ = ["FuzzStats", "check_response", "examples_per_operation", "fuzz_schema"]

OAUTH_ERRORS = {
    "invalid_request", "invalid_client", "invalid_grant", "unauthorized_client",
    "unsupported_grant_type", "invalid_scope", "invalid_token", "insufficient_scope",
    "invalid_proof", "invalid_nonce", "invalid_credential_request",
    "unsupported_credential_type", "unsupported_credential_format",
    "invalid_encryption_parameters", "credential_request_denied", "unknown_credential_configuration",
    "unknown_credential_identifier", "invalid_transaction_id", "use_dpop_nonce",
    "invalid_dpop_proof", "access_denied", "server_error", "temporarily_unavailable",
    "invalid_request_uri", "invalid_request_object", "vp_formats_not_supported",
    "invalid_authorization_details",
    "invalid_presentation", "slow_down",
}


def examples_per_operation() -> int:
    """Cases per operation and generation mode: small in CI, large with ROTONDE_FUZZ=nightly, two
    in the fast lane."""
    if os.environ.get("ROTONDE_FUZZ") == "nightly":
        return 500
    return examples(int(os.environ.get("ROTONDE_FUZZ_EXAMPLES", "10")), fast=2)


@dataclass
class FuzzStats:
    """What a fuzz run did (printed by the tests, reported in the team report)."""

    operations: int = 0
    cases: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    def summary(self) -> str:
        fives = sum(n for s, n in self.statuses.items() if s >= 500)
        return (f"{self.operations} operations, {self.cases} cases, {fives} 5xx, "
                f"{len(self.failures)} failing operations, statuses {sorted(self.statuses.items())}")


def _content_type(response: Any) -> str:
    values = response.headers.get("content-type") or [""]
    return str(values[0]).split(";")[0].strip().lower()


def check_response(method: str, path: str, response: Any, *, oauth: bool, page: bool) -> None:
    """Assert the response is no 5xx and that an error has the documented shape."""
    status = int(response.status_code)
    assert status < 500, f"{method} {path}: {status} {response.content[:300]!r}"
    if status < 400:
        return
    ctype = _content_type(response)
    if ctype == "text/html":
        assert page, f"{method} {path}: HTML error {status} on an API operation"
        return
    assert ctype in ("application/json", "application/problem+json"), (
        f"{method} {path}: error {status} with content type {ctype!r}")
    body = json.loads(response.content)
    assert isinstance(body, dict), f"{method} {path}: error body is not an object"
    if oauth and "error" in body:
        assert body["error"] in OAUTH_ERRORS, f"{method} {path}: unknown OAuth error {body}"
        assert isinstance(body.get("error_description", ""), str)
        return
    if (path.startswith("/vc-api/") and path.endswith("/verify") and status == 400
            and "verified" in body):
        # VC-API verify answers a failed verification with its VerificationResult
        assert body.get("verified") is False and isinstance(body.get("errors"), list), body
        return
    assert ctype == "application/problem+json", f"{method} {path}: {status} is {ctype}, {body}"
    for member in ("type", "title", "status", "code"):
        assert member in body, f"{method} {path}: problem without {member!r}: {body}"
    assert body["status"] == status, f"{method} {path}: status member {body['status']} != {status}"


def fuzz_schema(
    schema: Any,
    stats: FuzzStats,
    *,
    headers: Mapping[str, str] | None = None,
    path_parameters: Mapping[str, str] | None = None,
    is_oauth: Callable[[str, str], bool] = lambda m, p: False,
    is_page: Callable[[str, str], bool] = lambda m, p: False,
    max_examples: int | None = None,
    call_headers: Callable[[], Mapping[str, str]] | None = None,
    prepare: Callable[[Any], None] | None = None,
    modes: tuple[GenerationMode, ...] = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE),
) -> None:
    """Fuzz every operation of ``schema`` (loaded with ``schemathesis.openapi.from_asgi``).

    ``headers`` are fixed header parameters (e.g. the API key); ``path_parameters`` fix path
    parameters that exist (known tenant slug, ids) so cases get past the 404s.
    """
    n = max_examples or examples_per_operation()
    fixed_headers = dict(headers or {})
    known = dict(path_parameters or {})
    for result in schema.get_all_operations():
        operation = result.ok()
        method = operation.method.upper()
        path = operation.path
        names = {p.name for p in operation.path_parameters}
        header_names = {p.name.lower() for p in operation.headers}
        stats.operations += 1
        for mode in modes:
            fixed_path = {k: v for k, v in known.items() if k in names}
            fixed_hdr = {k: v for k, v in fixed_headers.items() if k.lower() in header_names}
            strategy = operation.as_strategy(
                generation_mode=mode,
                path_parameters=fixed_path or None,
                headers=fixed_hdr or None,
            )
            run = _runner(strategy, stats, method, path, n, oauth=is_oauth(method, path),
                          page=is_page(method, path), call_headers=call_headers,
                          prepare=prepare)
            try:
                run()
            except AssertionError as exc:
                stats.failures.append(f"[{mode.value}] {exc}")
            except (schemathesis.errors.SerializationNotPossible, Unsatisfiable):
                continue  # e.g. no negative case exists for an operation without inputs


def _runner(strategy: Any, stats: FuzzStats, method: str, path: str, n: int, *, oauth: bool,
            page: bool, call_headers: Callable[[], Mapping[str, str]] | None,
            prepare: Callable[[Any], None] | None) -> Any:
    @hsettings(max_examples=n, deadline=None, database=None, derandomize=True,
               phases=[Phase.explicit, Phase.generate, Phase.shrink],
               suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def run(case: Any) -> None:
        extra = dict(call_headers()) if call_headers else {}
        if prepare is not None:
            prepare(case)
        try:
            response = case.call(headers=extra or None)
        except Exception as exc:  # the app raised: a 500 over real HTTP
            stats.statuses[500] = stats.statuses.get(500, 0) + 1
            raise AssertionError(f"{method} {path}: the app raised {exc!r}") from exc
        stats.cases += 1
        stats.statuses[response.status_code] = stats.statuses.get(response.status_code, 0) + 1
        check_response(method, path, response, oauth=oauth, page=page)

    return run
