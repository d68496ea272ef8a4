"""Private: compiled active contexts for the fast path (JSON-LD 1.1 API §4.1-§4.2, §5.2).

Implements Context Processing (§4.1.2), Create Term Definition (§4.2.2) and IRI Expansion
(§5.2.2) for the subset of JSON-LD the shipped credential contexts use: term definitions with
``@id``, ``@type``, ``@container``, ``@context`` (scoped), ``@protected``, ``@language`` and
``@prefix``; context-level ``@vocab``, ``@language``, ``@protected`` and ``@version``.
Anything else raises :class:`Unsupported` and the caller falls back to pyld, which either
handles it or reports the precise JSON-LD error (protected term redefinition and friends).

Processed contexts are memoised on the context they were applied to, keyed by the identity of
the loader-owned context object, so a credential with known contexts costs dictionary lookups.
"""

from __future__ import annotations

import re
from typing import Any

from rotonde.jsonld.loader import DocumentLoader

__all__ = ["Ctx", "Term", "Unsupported", "expand_iri", "process", "remember"]

KEYWORDS = frozenset(
    {
        "@base", "@container", "@context", "@default", "@direction", "@embed", "@explicit",
        "@graph", "@id", "@import", "@included", "@index", "@json", "@language", "@list",
        "@nest", "@none", "@omitDefault", "@prefix", "@preserve", "@propagate", "@protected",
        "@requireAll", "@reverse", "@set", "@type", "@value", "@version", "@vocab",
    }
)  # fmt: skip
_KEYWORD_FORM = re.compile(r"@[A-Za-z]+")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_GEN_DELIMS = (":", "/", "?", "#", "[", "]", "@")
_TERM_KEYS = frozenset(
    {"@id", "@type", "@container", "@context", "@protected", "@language", "@prefix"}
)
_UNSET: Any = object()
#: Container mappings the fast path implements (§4.2.2 step 19).
_CONTAINERS = frozenset(
    frozenset(c)
    for c in ({"@set"}, {"@list"}, {"@graph"}, {"@graph", "@set"}, {"@language"},
              {"@language", "@set"})
)  # fmt: skip
#: Bound on every memo table (entries), so hostile documents cannot grow them without limit.
_CACHE_LIMIT = 4096


class Unsupported(Exception):
    """The document or a context uses something outside the fast path's subset."""


class Term:
    """A term definition (§4.2.2); ``iri`` is ``None`` for a term mapped to null."""

    __slots__ = ("container", "iri", "language", "prefix", "protected", "scoped", "type")

    def __init__(
        self,
        iri: str | None,
        type_: str | None = None,
        container: frozenset[str] = frozenset(),
        scoped: Any = _UNSET,
        protected: bool = False,
        prefix: bool = False,
        language: Any = _UNSET,
    ) -> None:
        self.iri = iri
        self.type = type_
        self.container = container
        self.scoped = scoped
        self.protected = protected
        self.prefix = prefix
        self.language = language

    def same(self, other: Term) -> bool:
        """Equal apart from ``protected`` (§4.2.2 step 27.1)."""
        return (
            self.iri == other.iri
            and self.type == other.type
            and self.container == other.container
            and (self.scoped is other.scoped or self.scoped == other.scoped)
            and self.prefix == other.prefix
            and self.language == other.language
        )

    @property
    def has_scoped(self) -> bool:
        return self.scoped is not _UNSET


class Ctx:
    """An active context; immutable once built, with memo tables for derived values."""

    __slots__ = ("children", "iri_cache", "language", "previous", "props", "terms", "vocab")

    def __init__(self) -> None:
        self.terms: dict[str, Term] = {}
        self.vocab: str | None = None
        self.language: str | None = None
        self.previous: Ctx | None = None
        self.children: dict[Any, Ctx] = {}
        self.iri_cache: dict[tuple[str, bool], str | None] = {}
        self.props: dict[str, str] = {}

    def clone(self) -> Ctx:
        c = Ctx()
        c.terms = dict(self.terms)
        c.vocab = self.vocab
        c.language = self.language
        c.previous = self.previous
        return c

    def term_language(self, term: Term | None) -> str | None:
        if term is not None and term.language is not _UNSET:
            lang: str | None = term.language
            return lang
        return self.language


def expand_iri(ctx: Ctx, value: str, vocab: bool) -> str | None:
    """IRI Expansion (§5.2.2) against a finished context, base IRI empty (memoised)."""
    key = (value, vocab)
    cache = ctx.iri_cache
    if key in cache:
        return cache[key]
    result = _expand(ctx, value, vocab, None, None)
    if len(cache) >= _CACHE_LIMIT:  # keys come from untrusted documents: stay bounded
        cache.clear()
    cache[key] = result
    return result


def _expand(
    ctx: Ctx,
    value: str,
    vocab: bool,
    local: dict[str, Any] | None,
    defined: dict[str, bool] | None,
    *,
    override: bool = False,
    protected_default: bool = False,
    previous_terms: dict[str, Term] | None = None,
) -> str | None:
    if value in KEYWORDS:
        return value
    if _KEYWORD_FORM.fullmatch(value):
        raise Unsupported("keyword-like value")
    if local is not None and defined is not None and value in local and not defined.get(value):
        _define(ctx, local, value, defined, override, protected_default, previous_terms)
    if vocab:
        term = ctx.terms.get(value)
        if term is not None:
            return term.iri
        if value in ctx.terms:  # pragma: no cover - terms never hold None
            return None
    colon = value.find(":", 1)
    if colon > 0:
        prefix, suffix = value[:colon], value[colon + 1 :]
        if prefix == "_" or suffix.startswith("//"):
            return value
        if (
            local is not None
            and defined is not None
            and prefix in local
            and not defined.get(prefix)
        ):
            _define(ctx, local, prefix, defined, override, protected_default, previous_terms)
        pterm = ctx.terms.get(prefix)
        if pterm is not None and pterm.iri is not None and pterm.prefix:
            return pterm.iri + suffix
        if _SCHEME.match(value):
            return value
    if vocab and ctx.vocab is not None:
        return ctx.vocab + value
    return value  # relative: the empty base leaves it as it is


def _define(
    ctx: Ctx,
    local: dict[str, Any],
    term: str,
    defined: dict[str, bool],
    override: bool,
    protected_default: bool,
    previous_terms: dict[str, Term] | None,
) -> None:
    """Create Term Definition (§4.2.2), restricted to the supported subset."""
    if term in defined:
        if defined[term]:
            return
        raise Unsupported("cyclic IRI mapping")
    defined[term] = False
    if term in KEYWORDS or _KEYWORD_FORM.fullmatch(term) or not term:
        raise Unsupported("keyword term")
    value = local[term]
    previous = (previous_terms or {}).get(term)
    ctx.terms.pop(term, None)
    simple = isinstance(value, str)
    if value is None:
        value = {"@id": None}
    elif simple:
        value = {"@id": value}
    elif not isinstance(value, dict) or not set(value) <= _TERM_KEYS:
        raise Unsupported("term definition feature")
    protected = value.get("@protected", protected_default)
    if not isinstance(protected, bool):
        raise Unsupported("@protected")
    args = (override, protected_default, previous_terms)

    type_: str | None = None
    if "@type" in value:
        t = value["@type"]
        if not isinstance(t, str):
            raise Unsupported("@type mapping")
        type_ = _expand(ctx, t, True, local, defined, override=args[0],
                        protected_default=args[1], previous_terms=args[2])  # fmt: skip
        if type_ is None or (
            type_ not in ("@id", "@vocab", "@json", "@none") and not _SCHEME.match(type_)
        ):
            raise Unsupported("@type mapping value")
        if type_.startswith("_:"):
            raise Unsupported("blank node @type mapping")

    if ":" in term or "/" in term:
        raise Unsupported("compact IRI or IRI term")
    iri: str | None
    is_prefix = False
    if "@id" in value:
        raw = value["@id"]
        if raw is None:
            iri = None
        elif not isinstance(raw, str):
            raise Unsupported("@id mapping")
        else:
            if raw in KEYWORDS:
                if raw not in ("@id", "@type"):
                    raise Unsupported("keyword alias")
                iri = raw
            else:
                iri = _expand(ctx, raw, True, local, defined, override=args[0],
                              protected_default=args[1], previous_terms=args[2])  # fmt: skip
                if iri is None or not (_SCHEME.match(iri) or iri in KEYWORDS):
                    raise Unsupported("relative @id mapping")
                if iri in KEYWORDS and iri not in ("@id", "@type"):
                    raise Unsupported("keyword alias")
            if simple and iri is not None and (iri.endswith(_GEN_DELIMS) or iri[:2] == "_:"):
                is_prefix = True
    elif ctx.vocab is not None:
        iri = ctx.vocab + term
    else:
        raise Unsupported("no IRI mapping")
    if "@prefix" in value:
        if not isinstance(value["@prefix"], bool) or (iri in KEYWORDS):
            raise Unsupported("@prefix")
        is_prefix = value["@prefix"]

    container: frozenset[str] = frozenset()
    if "@container" in value:
        c = value["@container"]
        items = c if isinstance(c, list) else [c]
        if not all(isinstance(i, str) for i in items):
            raise Unsupported("@container")
        container = frozenset(items)
        if container not in _CONTAINERS:
            raise Unsupported("container type")

    language: Any = _UNSET
    if "@language" in value and "@type" not in value:
        lang = value["@language"]
        if lang is not None and not isinstance(lang, str):
            raise Unsupported("@language mapping")
        language = lang.lower() if isinstance(lang, str) else None

    scoped: Any = _UNSET
    if "@context" in value:
        scoped = value["@context"]

    definition = Term(iri, type_, container, scoped, protected, is_prefix, language)
    if previous is not None and previous.protected and not override:
        if not definition.same(previous):
            raise Unsupported("protected term redefinition")
        definition = previous
    ctx.terms[term] = definition
    defined[term] = True


def _process_object(active: Ctx, local: dict[str, Any], override: bool) -> Ctx:
    for key in local:
        if key in ("@base", "@import", "@direction", "@propagate"):
            raise Unsupported(key)
    if "@version" in local and local["@version"] != 1.1:
        raise Unsupported("@version")
    protected_default = local.get("@protected", False)
    if not isinstance(protected_default, bool):
        raise Unsupported("@protected")
    result = active.clone()
    if "@vocab" in local:
        vocab = local["@vocab"]
        if vocab is None:
            result.vocab = None
        elif not isinstance(vocab, str):
            raise Unsupported("@vocab")
        else:
            expanded = _expand(result, vocab, True, None, None) if vocab else vocab
            if expanded is None or not (_SCHEME.match(expanded) or expanded[:2] == "_:"):
                raise Unsupported("relative @vocab")
            result.vocab = expanded
    if "@language" in local:
        lang = local["@language"]
        if lang is not None and not isinstance(lang, str):
            raise Unsupported("@language")
        result.language = lang.lower() if isinstance(lang, str) else None
    defined: dict[str, bool] = {}
    previous_terms = dict(active.terms)
    for term in local:
        if term in ("@version", "@protected", "@vocab", "@language"):
            continue
        _define(result, local, term, defined, override, protected_default, previous_terms)
    return result


def remember(table: dict[Any, Ctx], key: Any, value: Ctx) -> None:
    """Store a derived context in a memo table, clearing it when it reaches the bound."""
    if len(table) >= _CACHE_LIMIT:
        table.clear()
    table[key] = value


def process(
    active: Ctx,
    local: Any,
    loader: DocumentLoader,
    *,
    override: bool = False,
    propagate: bool = True,
) -> Ctx:
    """Context Processing (§4.1.2): apply ``local`` (URL, object or array) to ``active``."""
    # URLs by value; context objects by identity (they belong to the loader and live as long)
    key = (local if isinstance(local, str) else id(local), override, propagate)
    found = active.children.get(key)
    if found is not None:
        return found
    result = active
    if not propagate and result.previous is None:
        result = result.clone()
        result.previous = active
    for item in local if isinstance(local, list) else [local]:
        result = _apply(result, item, loader, override, set())
    remember(active.children, key, result)
    return result


def _apply(active: Ctx, item: Any, loader: DocumentLoader, override: bool, seen: set[str]) -> Ctx:
    if isinstance(item, str):
        if item in seen:
            raise Unsupported("recursive context inclusion")
        doc = loader.raw(item)  # PolicyError jsonld.context_unknown for unknown URLs
        inner = doc.get("@context")
        key = (id(inner), override, True)
        found = active.children.get(key)
        if found is not None:
            return found
        result = active
        for sub in inner if isinstance(inner, list) else [inner]:
            result = _apply(result, sub, loader, override, seen | {item})
        remember(active.children, key, result)
        return result
    if isinstance(item, dict):
        if "@propagate" in item:
            raise Unsupported("@propagate")
        key = (id(item), override, True)
        found = active.children.get(key)
        if found is not None:
            return found
        result = _process_object(active, item, override)
        result.previous = active.previous
        remember(active.children, key, result)
        return result
    raise Unsupported("null or invalid context")
