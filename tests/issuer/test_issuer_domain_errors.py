"""The issuer's flows raise domain errors (rotonde.errors, rotonde.oid4vci.OID4VCIError), never
HTTP-level ones; the edge maps them with the same statuses and bodies: problem+json by error
class (404 not found, 409 conflict), OAuth errors on the token and credential endpoints
(401 + WWW-Authenticate for invalid_token)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from rotonde.errors import ConfigurationError, ConflictError, NotFoundError, ValidationError
from rotonde.oid4vci import OID4VCIError
from servicekit.problem import HttpProblem, OAuthError, oauth_errors, status_for_error
from tests.issuer._support import LiveIssuer, template, wallet

FLOWS = Path(__file__).resolve().parents[2] / "issuer" / "flows"
HTTP_LEVEL = {"HttpProblem", "OAuthError", "HTTPException", "problem_response", "oauth_response"}


def test_flows_raise_no_http_level_errors() -> None:
    found = []
    for path in sorted(FLOWS.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                names = {a.name for a in node.names}
                if (node.module or "").startswith(("fastapi", "starlette")) or names & HTTP_LEVEL:
                    found.append(f"{path.name}:{node.lineno} imports {sorted(names)}")
    assert found == []


def test_domain_errors_get_the_status_of_their_class() -> None:
    assert status_for_error(NotFoundError("x.not_found", "gone")) == 404
    assert status_for_error(ConflictError("x.conflict", "no")) == 409
    body = HttpProblem.from_error(NotFoundError("tenant.not_found", "tenant not found",
                                                message_nl="instelling niet gevonden"))
    assert (body.status, body.code, body.detail, body.detail_nl) == (
        404, "tenant.not_found", "tenant not found", "instelling niet gevonden")


def test_the_oauth_edge_maps_protocol_errors() -> None:
    with pytest.raises(OAuthError) as err, oauth_errors():
        raise OID4VCIError("invalid_token", "access token is unknown", "onbekend")
    assert (err.value.status, err.value.error, err.value.description) == (
        401, "invalid_token", "access token is unknown")
    assert err.value.headers == {"WWW-Authenticate": 'Bearer error="invalid_token"'}
    with pytest.raises(OAuthError) as err, oauth_errors():
        raise OID4VCIError("invalid_grant", "wrong tx_code", "verkeerde tx_code")
    assert (err.value.status, err.value.headers) == (400, {})
    with pytest.raises(OAuthError) as err, oauth_errors(failure="credential_request_denied"):
        raise ConfigurationError("issuer.render_failed", "the credential could not be rendered")
    assert (err.value.status, err.value.error) == (500, "credential_request_denied")
    with pytest.raises(ValidationError), oauth_errors():  # not a protocol error: unchanged
        raise ValidationError("x.bad", "bad")


def test_over_http_the_answers_are_unchanged(live: LiveIssuer) -> None:
    tenant, key = live.tenant("roc-errors")
    w = wallet()
    issuer = live.ctx.tenant_base(tenant.slug)
    r = w.http.post(f"{issuer}/credential", json={}, headers={"Authorization": "Bearer nope"})
    assert r.status_code == 401 and r.headers["www-authenticate"] == 'Bearer error="invalid_token"'
    assert r.json() == {"error": "invalid_token",
                        "error_description": "access token is unknown, expired or used up"}
    r = w.http.post(f"{issuer}/token", data={
        "grant_type": "urn:ietf:params:oauth:grant-type:pre-authorized_code",
        "pre-authorized_code": "unknown", "tx_code": "123456"})
    assert r.status_code == 400 and r.json() == {
        "error": "invalid_grant",
        "error_description": "pre-authorized code is unknown, expired or used"}
    with live.client(key) as api:
        r = api.get("/api/v1/achievements/nope")
        assert r.status_code == 404 and r.headers["content-type"] == "application/problem+json"
        assert (r.json()["code"], r.json()["detail_nl"]) == (
            "achievement.not_found", "leerresultaat niet gevonden")
        ach = api.post("/api/v1/achievements", json=template()).json()
        issued = api.post("/api/v1/credentials", json={"achievement_id": ach["id"],
                                                       "learner": {"name": "Sanne"}}).json()
        assert api.post(f"/api/v1/credentials/{issued['id']}/revoke",
                        json={"reason": "test"}).status_code == 200
        r = api.post(f"/api/v1/credentials/{issued['id']}/reinstate", json={"reason": "test"})
        assert r.status_code == 409 and r.json()["code"] == "status.revoked_final"
    r = w.http.get(f"{live.url}/tenants/nobody/.well-known/openid-credential-issuer")
    assert r.status_code == 404 and r.json()["code"] == "tenant.not_found"
