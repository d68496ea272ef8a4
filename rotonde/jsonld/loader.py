"""An offline JSON-LD document loader: shipped static contexts plus registered ones.

JSON-LD 1.1 API §9.4 (LoadDocumentCallback) lets a processor resolve ``@context`` URLs through a
caller-supplied loader. Rotonde never dereferences a context over the network (docs/architecture.md §5): the
loader serves only the contexts listed in ``contexts/MANIFEST.json`` (the published W3C and
1EdTech contexts, byte-identical or JSON-identical to their npm releases) and those registered
by the application (e.g. Rotonde's own contexts from ``schemas/``). Any other URL is refused
with ``jsonld.context_unknown``.

The loader is passed in the options of every pyld call, never installed globally
(``pyld.jsonld.set_document_loader`` would change every caller in the process). Each loader owns
its resolved-context cache, so processed contexts are reused across calls that share a loader
and a context registered in one loader can never leak into another.
"""

from __future__ import annotations

import copy
import hashlib
import json
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

from rotonde.errors import ConfigurationError, PolicyError

__all__ = [
    "CREDENTIALS_V1",
    "CREDENTIALS_V2",
    "DocumentLoader",
    "ShippedContext",
    "default_loader",
    "shipped_contexts",
    "unknown_context",
]

#: VCDM 1.1 base context URL (VCDM 1.1 §5.1).
CREDENTIALS_V1 = "https://www.w3.org/2018/credentials/v1"
#: VCDM 2.0 base context URL (VCDM 2.0 §4.3).
CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"

_CACHE_SIZE = 256


@dataclass(frozen=True, slots=True)
class ShippedContext:
    """One row of ``contexts/MANIFEST.json``."""

    url: str
    file: str
    package: str
    licence: str
    sha256: str


def _read_manifest() -> list[ShippedContext]:
    text = resources.files("rotonde.jsonld.contexts").joinpath("MANIFEST.json").read_text("utf-8")
    rows = json.loads(text)["contexts"]
    return [
        ShippedContext(r["url"], r["file"], r["package"], r["licence"], r["sha256"]) for r in rows
    ]


_SHIPPED: dict[str, dict[str, Any]] | None = None
_SHIPPED_LOCK = threading.Lock()


def _shipped_documents() -> dict[str, dict[str, Any]]:
    """Parse every shipped context once per process (they are immutable package data)."""
    global _SHIPPED
    with _SHIPPED_LOCK:
        if _SHIPPED is None:
            docs: dict[str, dict[str, Any]] = {}
            folder = resources.files("rotonde.jsonld.contexts")
            for row in _read_manifest():
                raw = folder.joinpath(row.file).read_bytes()
                if hashlib.sha256(raw).hexdigest() != row.sha256:  # pragma: no cover
                    raise ConfigurationError(
                        "jsonld.context_corrupt",
                        f"shipped context {row.file} does not match its manifest hash",
                        message_nl=f"meegeleverde context {row.file} klopt niet met de hash",
                    )
                docs[row.url] = json.loads(raw)
            _SHIPPED = docs
        return _SHIPPED


def shipped_contexts() -> list[ShippedContext]:
    """The manifest rows of the contexts shipped in the wheel."""
    return _read_manifest()


def _check_document(url: str, document: Any) -> dict[str, Any]:
    if not isinstance(url, str) or not url:
        raise ConfigurationError(
            "jsonld.context_invalid",
            "a context URL must be a non-empty string",
            message_nl="een context-URL moet een niet-lege tekst zijn",
        )
    if not isinstance(document, dict) or "@context" not in document:
        raise ConfigurationError(
            "jsonld.context_invalid",
            f"context document for {url} must be a JSON object with an @context member",
            message_nl=f"contextdocument voor {url} moet een JSON-object met @context zijn",
            detail={"url": url},
        )
    try:  # a JSON round trip: proves it is JSON and gives the loader its own copy
        copied: dict[str, Any] = json.loads(json.dumps(document, allow_nan=False))
    except (TypeError, ValueError, RecursionError):
        raise ConfigurationError(
            "jsonld.context_invalid",
            f"context document for {url} is not JSON",
            message_nl=f"contextdocument voor {url} is geen JSON",
            detail={"url": url},
        ) from None
    return copied


class DocumentLoader:
    """Serve shipped and registered contexts; refuse everything else.

    Callable with pyld's loader signature ``(url, options) -> RemoteDocument``. ``extra`` maps
    additional context URLs to their documents (``{"@context": ...}``); an extra entry may not
    replace a shipped context.
    """

    def __init__(self, extra: Mapping[str, dict[str, Any]] | None = None, *,
                 own: bool = False) -> None:
        self._documents: dict[str, dict[str, Any]] = dict(_shipped_documents())
        self._extra: set[str] = set()
        #: also know Rotonde's own contexts under any base URL (:mod:`rotonde.jsonld.own`)
        self._own = own
        self._local = threading.local()
        self._generation = 0
        for url, document in (extra or {}).items():
            self.register(url, document)

    # -- registry -------------------------------------------------------------------------

    def register(self, url: str, document: Mapping[str, Any]) -> None:
        """Add a context (e.g. one of Rotonde's own contexts from ``schemas/``).

        Re-registering an extra URL replaces it; a shipped context cannot be replaced.
        """
        doc = _check_document(url, document)
        if url in self._documents and url not in self._extra:
            if self._documents[url] == doc:
                return
            raise ConfigurationError(
                "jsonld.context_conflict",
                f"{url} is a shipped context and cannot be replaced",
                message_nl=f"{url} is een meegeleverde context en kan niet vervangen worden",
                detail={"url": url},
            )
        self._documents[url] = doc
        self._extra.add(url)
        self._generation += 1  # drop caches built with the old registry

    def _own_document(self, url: object) -> dict[str, Any] | None:
        """Rotonde's own context for ``url`` published under a deployment's base URL: the
        shipped copy (never fetched)."""
        if not self._own or not isinstance(url, str):
            return None
        from rotonde.jsonld.own import OWN_CONTEXT_FILES, own_context_file

        name = own_context_file(url)
        if name is None:
            return None
        return self._documents.get(OWN_CONTEXT_FILES[name])

    def __contains__(self, url: object) -> bool:
        return url in self._documents or self._own_document(url) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._documents))

    @property
    def urls(self) -> frozenset[str]:
        return frozenset(self._documents)

    def document(self, url: str) -> dict[str, Any]:
        """A copy of the context document at ``url``; ``jsonld.context_unknown`` otherwise."""
        return copy.deepcopy(self.raw(url))

    def raw(self, url: str) -> dict[str, Any]:
        """The stored document itself (do not mutate); for the internal fast path."""
        doc = self._documents.get(url) or self._own_document(url)
        if doc is None:
            raise _unknown(url)
        return doc

    # -- pyld interface -------------------------------------------------------------------

    def __call__(self, url: str, options: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """pyld ``documentLoader``: RemoteDocument for a known URL, else a PolicyError."""
        return {
            "contextUrl": None,
            "documentUrl": url,
            "document": self.document(url),
            # pyld caches a resolved remote context across operations only when tagged.
            "tag": "static",
        }

    def cache(self, name: str, factory: Any) -> Any:
        """A per-thread cache object owned by this loader (rebuilt after ``register``)."""
        local = self._local
        if getattr(local, "generation", None) != self._generation:
            local.generation = self._generation
            local.caches = {}
        caches: dict[str, Any] = local.caches
        if name not in caches:
            caches[name] = factory()
        return caches[name]

    @property
    def generation(self) -> int:
        return self._generation

    def __repr__(self) -> str:
        return f"DocumentLoader({len(self._documents)} contexts, {len(self._extra)} registered)"


def _unknown(url: str) -> PolicyError:
    return unknown_context(url, None)


def unknown_context(url: str, pointer: str | None) -> PolicyError:
    """The ``jsonld.context_unknown`` error for ``url`` (at ``pointer``, default ``/@context``)."""
    return PolicyError(
        "jsonld.context_unknown",
        f"unknown JSON-LD context {url!r}: only shipped and registered contexts are used",
        message_nl=f"onbekende JSON-LD-context {url!r}: alleen meegeleverde en geregistreerde "
        "contexten worden gebruikt",
        pointer=pointer or "/@context",
        detail={"url": url},
    )


_DEFAULT: DocumentLoader | None = None
_DEFAULT_LOCK = threading.Lock()


def default_loader() -> DocumentLoader:
    """The shared loader: shipped contexts plus Rotonde's own (``schemas/contexts``,
    :mod:`rotonde.jsonld.own`). It is frozen: register on your own instance."""
    global _DEFAULT
    with _DEFAULT_LOCK:
        if _DEFAULT is None:
            _DEFAULT = _FrozenLoader()
        return _DEFAULT


class _FrozenLoader(DocumentLoader):
    """The default loader: registering on it would change every caller, so it is refused."""

    def register(self, url: str, document: Mapping[str, Any]) -> None:
        if getattr(self, "_frozen", False):
            raise ConfigurationError(
                "jsonld.loader_frozen",
                "the default loader is shared; create DocumentLoader(extra=...) instead",
                message_nl="de standaardlader is gedeeld; maak DocumentLoader(extra=...) aan",
            )
        super().register(url, document)

    def __init__(self) -> None:
        # Rotonde's own contexts (schemas/contexts: ELM form, OB 3.0 extension) are known to
        # every default loader.
        from rotonde.jsonld.own import own_contexts

        super().__init__(extra=own_contexts(), own=True)
        self._frozen = True
