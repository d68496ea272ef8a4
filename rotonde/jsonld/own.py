"""Rotonde's own JSON-LD contexts (``schemas/contexts``): the ELM form and the old OB 3.0
extension, and the URLs they are published at (issue 15 A.2).

Each context has an immutable, versioned path (``/contexts/<name>/v<n>.jsonld``). A deployment
publishes them under its vocabulary base URL (the issuer's public URL, or a permanent-URL
service it configures), and the credentials it issues name ``<base><path>``; the issuer serves
them there (``issuer/routes/vocab.py``) for every other verifier to fetch. Rotonde itself never
fetches them: every :func:`~rotonde.jsonld.default_loader` knows the shipped copy under
:data:`DEFAULT_BASE` and under any http(s) base with the same versioned path, since a versioned
path never changes meaning (the scheme matters to those who fetch, not to an offline copy; the
issuer requires https outside development mode). A credential also names the
context's SHA-384 digest in ``relatedResource`` (VCDM 2.0 §5.3 "Integrity of Related
Resources"), which is the digest of exactly the bytes served.
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from rotonde._resources import SCHEMAS_DIR, load_json

__all__ = [
    "CONTEXT_MEDIA_TYPE",
    "DEFAULT_BASE",
    "OWN_CONTEXT_FILES",
    "OWN_CONTEXT_PATHS",
    "context_bytes",
    "digest_sri",
    "is_loopback",
    "own_context_file",
    "own_context_url",
    "own_contexts",
]

#: The base of the URLs Rotonde's contexts had before deployments published them; credentials
#: issued then name it, and the offline copies still answer for it.
DEFAULT_BASE = "https://rotonde.example"
#: File in ``schemas/contexts/`` -> its immutable, versioned path under a base URL.
OWN_CONTEXT_PATHS: dict[str, str] = {
    "elm-vcdm2.jsonld": "/contexts/elm-vcdm2/v1.jsonld",
    "ob3-ext.jsonld": "/contexts/ob3-ext/v1.jsonld",
}
#: Rotonde's own JSON-LD contexts: file in ``schemas/contexts/`` -> the URL under
#: :data:`DEFAULT_BASE`.
OWN_CONTEXT_FILES: dict[str, str] = {
    name: DEFAULT_BASE + path for name, path in OWN_CONTEXT_PATHS.items()}
#: JSON-LD 1.1 §C "IANA Considerations": the media type of a JSON-LD document.
CONTEXT_MEDIA_TYPE = "application/ld+json"
_BY_PATH = {path: name for name, path in OWN_CONTEXT_PATHS.items()}


def own_contexts() -> dict[str, dict[str, Any]]:
    """Rotonde's own contexts under :data:`DEFAULT_BASE`, ``{url: document}`` (fresh parse)."""
    return {url: load_json(f"contexts/{name}") for name, url in OWN_CONTEXT_FILES.items()}


def own_context_url(name: str, base: str | None = None) -> str:
    """The URL of context file ``name`` under ``base`` (default :data:`DEFAULT_BASE`)."""
    return (base or DEFAULT_BASE).rstrip("/") + OWN_CONTEXT_PATHS[name]


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback IP addresses."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def own_context_file(url: object) -> str | None:
    """The context file a URL names (an http(s) URL whose path ends in a versioned path of
    :data:`OWN_CONTEXT_PATHS`, with no query, fragment or user info); else ``None``."""
    if not isinstance(url, str) or len(url) > 2000:
        return None
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        return None
    if parts.query or parts.fragment or parts.username or parts.password or not host:
        return None
    if parts.scheme not in ("https", "http"):
        return None
    for path, name in _BY_PATH.items():
        if parts.path.endswith(path):
            return name
    return None


@lru_cache(maxsize=8)
def context_bytes(name: str) -> bytes:
    """The exact bytes served for context file ``name``."""
    if name not in OWN_CONTEXT_PATHS:
        raise KeyError(name)
    return (SCHEMAS_DIR / "contexts" / name).read_bytes()


def digest_sri(name: str) -> str:
    """``sha384-<base64>`` of the served bytes (VCDM 2.0 §5.3 ``digestSRI``, W3C SRI §3.1)."""
    digest = hashlib.sha384(context_bytes(name)).digest()
    return "sha384-" + base64.b64encode(digest).decode("ascii")
