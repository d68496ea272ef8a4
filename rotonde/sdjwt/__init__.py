"""SD-JWT (RFC 9901) and SD-JWT VC (draft-ietf-oauth-sd-jwt-vc, ``typ`` ``dc+sd-jwt``).

Three verbs with keyword-only options::

    token = issue(claims, signer=issuer, disclosable=["achievement.level"], holder_key=pub,
                  vct="https://example.nl/vct/microcredential")
    shown = present(token, disclose=["achievement.level"], holder_key=holder,
                    nonce="n-0S6", aud="https://verifier.example")
    result = verify(shown, issuer_key=issuer.public_key, nonce="n-0S6",
                    aud="https://verifier.example")
    result.claims  # processed payload: disclosed claims merged in, _sd/_sd_alg removed

Lower-level helpers: :func:`parse` (compact and JSON serialisations), :func:`decode_disclosure`,
:func:`make_disclosure`, :func:`process_disclosures`, :func:`verify_key_binding`.
"""

from rotonde.sdjwt._paths import ClaimPath, format_path
from rotonde.sdjwt.disclosure import (
    DEFAULT_SD_ALG,
    Disclosure,
    decode_disclosure,
    digest,
    make_disclosure,
)
from rotonde.sdjwt.issue import ALWAYS_CLEAR, issue
from rotonde.sdjwt.parse import SdJwt, parse
from rotonde.sdjwt.present import disclosable_paths, present, select_disclosures
from rotonde.sdjwt.vc import ACCEPTED_TYPS, NEVER_DISCLOSABLE, TYP, issuer_metadata_url
from rotonde.sdjwt.verify import (
    KB_TYP,
    IssuerKey,
    KeyBinding,
    VerifiedSdJwt,
    check_time_claims,
    holder_public_key,
    process_disclosures,
    verify,
    verify_issuer_signature,
    verify_key_binding,
)

__all__ = [
    "ACCEPTED_TYPS",
    "ALWAYS_CLEAR",
    "DEFAULT_SD_ALG",
    "KB_TYP",
    "NEVER_DISCLOSABLE",
    "TYP",
    "ClaimPath",
    "Disclosure",
    "IssuerKey",
    "KeyBinding",
    "SdJwt",
    "VerifiedSdJwt",
    "check_time_claims",
    "decode_disclosure",
    "digest",
    "disclosable_paths",
    "format_path",
    "holder_public_key",
    "issue",
    "issuer_metadata_url",
    "make_disclosure",
    "parse",
    "present",
    "process_disclosures",
    "select_disclosures",
    "verify",
    "verify_issuer_signature",
    "verify_key_binding",
]
