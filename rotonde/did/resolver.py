"""Resolving DIDs, DID URLs and controller documents to keys (DID Core 1.0 §7, CID 1.0 §3.3).

:class:`Resolver` resolves ``did:key`` and ``did:jwk`` locally, ``did:web`` and ``https``
controller documents (Controlled Identifiers 1.0, e.g. an Open Badges issuer profile URL) through
the one :class:`rotonde.http.Fetcher`, and any identifier registered as a static document first
(tests, offline verification, an issuer's own documents). Fetched documents are cached in a
:class:`rotonde.http.TTLCache` honouring ``Cache-Control: max-age``, as the bytes received
(bounded by their total size, :data:`CACHE_MAX_BYTES`) and parsed again when used: a parsed
document can take twenty times its size in memory, and anyone can make a verifier resolve a
``did:web`` of their choosing.

:meth:`Resolver.resolve_key` dereferences a verification method and checks it is authorised for
the proof purpose (a verification relationship, DID Core §5.3): a key that is only listed for
``authentication`` cannot sign credentials (``assertionMethod``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rotonde.did.document import DidDocument, VerificationMethod, parse_did, split_did_url
from rotonde.did.jwk import did_jwk_document
from rotonde.did.key import did_key_document
from rotonde.did.web import fetch_did_web_bytes, parse_did_web
from rotonde.encoding import loads_json
from rotonde.errors import FetchError, KeyFormatError, ParseError, SignatureError
from rotonde.http import Fetcher, TTLCache

__all__ = ["CACHE_MAX_BYTES", "Resolver"]

#: Default budget of the document cache: the total size of the bodies it keeps.
CACHE_MAX_BYTES = 4 * 1024 * 1024

_CONTROLLER_TYPES = (
    "application/did+json",
    "application/did+ld+json",
    "application/cid+json",
    "application/json",
    "application/ld+json",
)


class Resolver:
    """Turns identifiers into :class:`DidDocument` and DID URLs into verification methods.

    ``fetcher=None`` means no network: only ``did:key``, ``did:jwk`` and registered documents
    resolve; ``did:web`` and ``https`` identifiers raise ``fetch.disabled``.
    """

    def __init__(
        self,
        fetcher: Fetcher | None = None,
        cache: TTLCache[str, bytes] | None = None,
        documents: Mapping[str, Mapping[str, Any] | DidDocument] | None = None,
    ) -> None:
        self.fetcher = fetcher
        self.cache: TTLCache[str, bytes] = cache if cache is not None else TTLCache(
            ttl=300, max_bytes=CACHE_MAX_BYTES)
        self._static: dict[str, DidDocument] = {}
        for ident, doc in (documents or {}).items():
            self.register(ident, doc)

    def register(self, identifier: str, document: Mapping[str, Any] | DidDocument) -> DidDocument:
        """Serve ``document`` for ``identifier`` without any network access."""
        doc = (
            document
            if isinstance(document, DidDocument)
            else DidDocument.from_json(dict(document), expected_id=identifier)
        )
        self._static[identifier] = doc
        return doc

    def resolve(self, identifier: str) -> DidDocument:
        """Resolve a DID or an ``https`` controller document URL (a fragment is ignored)."""
        base, _ = split_did_url(identifier)
        if base in self._static:
            return self._static[base]
        if base.startswith("did:"):
            method, _ = parse_did(base)
            if method == "key":
                return did_key_document(base)
            if method == "jwk":
                return did_jwk_document(base)
            if method != "web":
                raise KeyFormatError(
                    "did.method_unsupported",
                    f"DID method {method!r} is not supported",
                    message_nl=f"DID-methode {method!r} wordt niet ondersteund",
                )
        elif not base.startswith(("https://", "http://")):
            raise ParseError(
                "did.invalid",
                f"{base[:80]!r} is neither a DID nor an https URL",
                message_nl=f"{base[:80]!r} is geen DID en geen https-URL",
            )
        cached = self.cache.get(base)
        if cached is not None:
            return self._parse(base, cached)
        if self.fetcher is None:
            raise FetchError(
                "fetch.disabled",
                f"cannot resolve {base}: no network access configured",
                message_nl=f"{base} kan niet worden opgezocht: geen netwerktoegang ingesteld",
            )
        if base.startswith("did:"):
            body, headers = fetch_did_web_bytes(base, self.fetcher)
        else:
            body, headers = self.fetcher.get_bytes(base, accept=_CONTROLLER_TYPES)
        doc = self._parse(base, bytes(body))  # only a document that parses is kept
        self.cache.set(base, bytes(body), headers=headers)
        return doc

    @staticmethod
    def _parse(base: str, body: bytes) -> DidDocument:
        if base.startswith("did:"):
            return parse_did_web(base, body)
        return DidDocument.from_json(
            loads_json(body, what=f"controller document {base}"), expected_id=base
        )

    def resolve_key(self, did_url: str, *, purpose: str | None = None) -> VerificationMethod:
        """The :class:`VerificationMethod` named by ``did_url``, authorised for ``purpose``.

        Without a fragment the identifier must have exactly one suitable method.
        """
        base, fragment = split_did_url(did_url)
        doc = self.resolve(base)
        if fragment is not None:
            vm = doc.verification_method("#" + fragment)
        else:
            candidates = doc.methods_for(purpose) if purpose else list(doc.methods)
            if len(candidates) != 1:
                raise KeyFormatError(
                    "key.unresolvable",
                    f"{base} has {len(candidates)} candidate keys; a key id (kid) is needed",
                    message_nl=f"{base} heeft {len(candidates)} sleutels; sleutel-id nodig",
                )
            vm = candidates[0]
        if purpose is not None and not doc.authorises(vm.id, purpose):
            raise SignatureError(
                "key.not_authorised",
                f"{vm.id} is not authorised for {purpose}",
                message_nl=f"{vm.id} is niet gemachtigd voor {purpose}",
                detail={"method": vm.id, "purpose": purpose},
            )
        return vm
