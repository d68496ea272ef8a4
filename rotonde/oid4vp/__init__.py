"""OpenID for Verifiable Presentations 1.0: DCQL, requests, request objects and responses.

The pure protocol core used by the verifier service (building requests, checking responses)
and by the wallet (parsing invocations, verifying request objects, the client id prefix rules
and what a request proves about its sender, building ``direct_post``).
"""

from rotonde.oid4vp.algs import SD_JWT_ALG_VALUES, alg_accepted, fully_specified
from rotonde.oid4vp.client import (
    SIGNED_PREFIXES,
    check_client_id,
    check_response_uri,
    proven_identities,
    trust_entry,
    trusted_match,
)
from rotonde.oid4vp.dcql import (
    ClaimPath,
    ClaimsQuery,
    CredentialQuery,
    CredentialSetQuery,
    DcqlQuery,
    parse_dcql,
    parse_path,
)
from rotonde.oid4vp.jwe import (
    decrypt_response,
    encrypt_response,
    jwe_kid,
    response_encryption_key,
)
from rotonde.oid4vp.match import (
    CredentialMatch,
    DcqlEvaluation,
    evaluate,
    format_path,
    jsonld_type_expander,
    match_credential,
    narrow_paths,
    select_path,
)
from rotonde.oid4vp.request import (
    DID_PREFIX,
    REDIRECT_URI_PREFIX,
    REQUEST_OBJECT_TYP,
    SELF_ISSUED_AUDIENCE,
    AuthorizationRequest,
    build_request,
    invocation_uri,
    new_nonce,
    sign_request_object,
    split_client_id,
)
from rotonde.oid4vp.response import (
    AuthorizationResponse,
    direct_post_form,
    parse_direct_post,
    parse_vp_token,
)
from rotonde.oid4vp.wallet import (
    Invocation,
    check_request,
    parse_invocation,
    verify_request_object,
)

__all__ = [
    "DID_PREFIX",
    "REDIRECT_URI_PREFIX",
    "REQUEST_OBJECT_TYP",
    "SD_JWT_ALG_VALUES",
    "SELF_ISSUED_AUDIENCE",
    "SIGNED_PREFIXES",
    "AuthorizationRequest",
    "AuthorizationResponse",
    "ClaimPath",
    "ClaimsQuery",
    "CredentialMatch",
    "CredentialQuery",
    "CredentialSetQuery",
    "DcqlEvaluation",
    "DcqlQuery",
    "Invocation",
    "alg_accepted",
    "build_request",
    "check_client_id",
    "check_request",
    "check_response_uri",
    "decrypt_response",
    "direct_post_form",
    "encrypt_response",
    "evaluate",
    "format_path",
    "fully_specified",
    "invocation_uri",
    "jsonld_type_expander",
    "jwe_kid",
    "match_credential",
    "narrow_paths",
    "new_nonce",
    "parse_dcql",
    "parse_direct_post",
    "parse_invocation",
    "parse_path",
    "parse_vp_token",
    "proven_identities",
    "response_encryption_key",
    "select_path",
    "sign_request_object",
    "split_client_id",
    "trust_entry",
    "trusted_match",
    "verify_request_object",
]
