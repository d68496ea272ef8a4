"""Rotonde's own vocabularies, published for every other verifier to fetch (issue 15 A.2).

``GET /contexts/<name>/v<n>.jsonld`` serves each of Rotonde's own JSON-LD contexts
(:data:`rotonde.jsonld.own.OWN_CONTEXT_PATHS`) at its immutable, versioned path, as the bytes
whose SHA-384 the credentials name in ``relatedResource`` (VCDM 2.0 §5.3):

* ``Content-Type: application/ld+json`` (JSON-LD 1.1 §C);
* ``Access-Control-Allow-Origin: *`` -- browser-based verifiers may read it (a context is
  public data; the response carries no credentials and sets no cookies);
* ``Cache-Control: public, max-age=31536000, immutable`` -- a versioned path never changes;
  a new version gets a new path;
* a strong ``ETag`` (the SHA-256 of the bytes), answered with 304 to ``If-None-Match``.

Credentials name these URLs under the deployment's vocabulary base
(``ROTONDE_ISSUER_VOCAB_BASE_URL``, default the public URL); a deployment that points the base
at a permanent-URL service redirects that service here.
"""

from __future__ import annotations

import hashlib

from fastapi import APIRouter, Request, Response

from rotonde.jsonld.own import CONTEXT_MEDIA_TYPE, OWN_CONTEXT_PATHS, context_bytes
from servicekit import HttpProblem

__all__ = ["VOCAB_HEADERS", "router"]

router = APIRouter(tags=["Vocabularies"])

#: Headers of every vocabulary response (besides ``ETag``).
VOCAB_HEADERS = {"Cache-Control": "public, max-age=31536000, immutable",
                 "Access-Control-Allow-Origin": "*", "X-Content-Type-Options": "nosniff"}
_BY_PATH = {path: name for name, path in OWN_CONTEXT_PATHS.items()}


@router.get(
    "/contexts/{name}/{version}",
    summary="One of Rotonde's own JSON-LD contexts (immutable, versioned)",
    responses={200: {"content": {CONTEXT_MEDIA_TYPE: {"example": {"@context": {}}}}},
               304: {"description": "not modified (If-None-Match)"},
               404: {"description": "no such context (problem+json)"}},
)
def context(request: Request, name: str, version: str) -> Response:
    file = _BY_PATH.get(f"/contexts/{name}/{version}")
    if file is None:
        raise HttpProblem(404, "vocab.not_found", "no such context",
                          detail_nl="deze context bestaat niet")
    body = context_bytes(file)
    etag = '"' + hashlib.sha256(body).hexdigest() + '"'
    headers = {**VOCAB_HEADERS, "ETag": etag}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=CONTEXT_MEDIA_TYPE, headers=headers)
