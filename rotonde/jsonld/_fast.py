"""Private: direct JSON-LD -> RDF for documents in the common credential subset.

Fuses Expansion (JSON-LD 1.1 API §5.1.2, including the type-scoped/property-scoped context
rules of steps 7-11) with Deserialize JSON-LD to RDF (§6.1, §6.2 Object to RDF, §6.3 List to
RDF) in one walk over the compacted document, with strict checks that carry the exact JSON
pointer. Supported: top-level and embedded ``@context`` (known URLs and inline objects);
node objects with ``@id``/``@type`` (and their aliases); value objects with
``@value``/``@type``/``@language``; ``@list``, ``@graph`` and ``@language`` containers; type
coercion to ``@id``/``@vocab``/datatypes/``@json``; default languages; type-scoped and
property-scoped contexts, protected terms.
Anything else raises :class:`Unsupported` and the caller uses pyld. Tests prove the quads equal
pyld's on the conformance documents and on generated ones.
"""

from __future__ import annotations

import json
from typing import Any

from rotonde.errors import ValidationError
from rotonde.jsonld._context import Ctx, Term, Unsupported, expand_iri, process, remember
from rotonde.jsonld._fastterms import (
    NIL,
    RDF_FIRST,
    RDF_REST,
    RDF_TYPE,
    Path,
    check_language,
    items,
    json_literal,
    kept,
    key_info,
    literal_term,
    plain_id,
    ptr,
    scoped_of,
)
from rotonde.jsonld.loader import DocumentLoader, unknown_context
from rotonde.jsonld.strict import UNDEFINED_VOCABS, iri_relative, is_absolute_iri, term_undefined
from rotonde.rdfc.nquads import Quad

__all__ = ["try_quads"]


class _State:
    """Per loader and thread: the root context and the interned inline context objects.

    Derived contexts are memoised by the identity of the context object they come from, so
    every inline context of a document is first replaced by an interned copy owned here (keyed
    by its JSON text). The table and every context derived from it are dropped together, and
    only between documents, so an identity never outlives its object.
    """

    __slots__ = ("root", "table")

    def __init__(self) -> None:
        self.root = Ctx()
        self.table: dict[str, dict[str, Any]] = {}

    def reset_if_full(self) -> None:
        if len(self.table) >= _INLINE_LIMIT:
            self.table.clear()
            self.root = Ctx()

    def intern(self, local: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        text = json.dumps(local, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        found = self.table.get(text)
        if found is None:
            found = self.table[text] = json.loads(text)
        return text, found


_INLINE_LIMIT = 256


def _state(loader: DocumentLoader) -> _State:
    state: _State = loader.cache("fast.state", _State)
    return state


class _Walker:
    __slots__ = ("bnodes", "counter", "loader", "quads", "state")

    def __init__(self, loader: DocumentLoader, state: _State) -> None:
        self.loader = loader
        self.state = state
        self.quads: list[Quad] = []
        self.counter = 0
        self.bnodes: dict[str, str] = {}

    def fresh(self) -> str:
        self.counter += 1
        return f"_:f{self.counter}"

    def doc_bnode(self, label: str) -> str:
        found = self.bnodes.get(label)
        if found is None:
            found = self.bnodes[label] = self.fresh()
        return found

    # -- IRIs ------------------------------------------------------------------------------

    def node_id(self, ctx: Ctx, value: Any, pointer: Path) -> str:
        if not isinstance(value, str):
            raise Unsupported("@id not a string")
        # absolute IRIs and blank nodes need no context (and ids are not worth memoising)
        iri = value if (":" in value and plain_id(ctx, value)) else expand_iri(ctx, value, False)
        if iri is None:
            raise Unsupported("@id expands to null")
        if iri[:2] == "_:":
            return self.doc_bnode(iri)
        if not is_absolute_iri(iri):
            raise iri_relative(value, ptr(pointer))
        return f"<{iri}>"

    def vocab_iri(self, ctx: Ctx, value: str, pointer: Path, what: str) -> str:
        iri = expand_iri(ctx, value, True)
        if iri is None or iri in ("@id", "@type"):
            raise term_undefined(value, ptr(pointer), what)
        if iri[:2] == "_:":
            return self.doc_bnode(iri)
        if iri.startswith(UNDEFINED_VOCABS):
            raise term_undefined(value, ptr(pointer), what)
        if not is_absolute_iri(iri):
            raise term_undefined(value, ptr(pointer), f"relative {what}")
        return f"<{iri}>"

    # -- nodes -----------------------------------------------------------------------------

    def node(
        self,
        ctx: Ctx,
        obj: dict[str, Any],
        pointer: Path,
        graph: str,
        scoped: Any,
        subject: str | None = None,
    ) -> str:
        """Node object (§5.1.2 steps 7-14) -> its subject term; emits its triples."""
        # step 7: a type-scoped context does not propagate into a new node object
        if ctx.previous is not None:
            keys = list(obj)
            if not (len(keys) == 1 and expand_iri(ctx, keys[0], True) == "@id"):
                ctx = ctx.previous
        # step 8: property-scoped context (looked up before reverting)
        if scoped is not None:
            ctx = process(ctx, scoped, self.loader, override=True)
        # step 9: an embedded context
        if "@context" in obj and pointer is not None:
            embedded = obj["@context"]
            for item in embedded if isinstance(embedded, list) else [embedded]:
                if isinstance(item, dict):
                    item = self.state.intern(item)[1]
                elif not isinstance(item, str):
                    raise Unsupported("null or invalid embedded @context")
                elif item not in self.loader:
                    raise unknown_context(item, ptr((pointer, "@context")))
                ctx = process(ctx, item, self.loader)
        # steps 10-11: type-scoped contexts, types sorted, terms looked up before scoping
        type_ctx = ctx
        id_key: str | None = None
        type_entries: list[tuple[str, Any]] = []
        for key, value in obj.items():
            if key == "@context":
                continue
            ek = key_info(ctx, key)
            if ek == "@type":
                type_entries.append((key, value))
            elif ek == "@id":
                if id_key is not None:
                    raise Unsupported("colliding @id keys")
                id_key = key
        if type_entries:
            # keys in sorted order, each key's types sorted (as pyld does)
            for _key, value in sorted(type_entries, key=lambda entry: entry[0]):
                types = value if isinstance(value, list) else [value]
                if not all(isinstance(t, str) for t in types):
                    raise Unsupported("non-string @type")
                for t in sorted(types):
                    term = type_ctx.terms.get(t)
                    if term is not None and term.has_scoped:
                        if term.scoped is None:
                            raise Unsupported("null type-scoped context")
                        ctx = process(ctx, term.scoped, self.loader, propagate=False)
        deferred: ValidationError | None = None
        if subject is None:
            if id_key is not None:
                try:
                    subject = self.node_id(ctx, obj[id_key], (pointer, id_key))
                except ValidationError as exc:
                    if pointer is not None:
                        raise
                    # a top-level node that yields no triples is dropped by expansion, and its
                    # relative @id with it; refuse the @id only if something refers to it
                    deferred, subject = exc, self.fresh()
            else:
                subject = self.fresh()
        quads = self.quads
        for key, value in type_entries:
            here = (pointer, key)
            if isinstance(value, list):
                for i, t in enumerate(value):
                    o = self.vocab_iri(type_ctx, t, (here, i), "type")
                    quads.append(Quad(subject, RDF_TYPE, o, graph))
            else:
                o = self.vocab_iri(type_ctx, value, here, "type")
                quads.append(Quad(subject, RDF_TYPE, o, graph))
        for key, value in obj.items():
            if key == "@context" or key == id_key:
                continue
            info = key_info(ctx, key)
            if info[0] == "<":
                json_term = ctx.terms.get(key)
                if json_term is not None and json_term.type == "@json":
                    # JSON literal (JSON-LD 1.1 §4.2.2, API §6.2 step 9): the value as it is
                    self.quads.append(Quad(subject, info, json_literal(value), graph))
                elif value is not None:
                    self.property(ctx, key, info, value, (pointer, key), subject, graph)
            elif info == "@type":
                continue
            elif info[0] == "!":
                if value is None and info == "!property":
                    continue  # null: no data; expansion drops it before looking at the IRI
                raise term_undefined(key, ptr((pointer, key)), info[1:])
            else:
                raise Unsupported(f"keyword {info} in node object")
        if deferred is not None and (quads or kept(obj, type_entries, id_key)):
            raise deferred
        return subject

    def property(
        self, ctx: Ctx, key: str, pred: str, value: Any, pointer: Path, subject: str, graph: str
    ) -> None:
        term = ctx.terms.get(key)
        term_ctx = ctx
        if term is not None and term.has_scoped:
            if term.scoped is None:
                raise Unsupported("null property-scoped context")
            term_ctx = process(ctx, term.scoped, self.loader, override=True)
            term = term_ctx.terms.get(key)
        container = term.container if term is not None else frozenset()
        if term is not None and term.type == "@json":  # redefined as JSON by a scoped context
            raise Unsupported("JSON literal")
        quads = self.quads
        if "@language" in container and isinstance(value, dict):
            self.language_map(term_ctx, pred, value, pointer, subject, graph)
            return
        if "@list" in container:
            head = self.list_(term_ctx, key, term, value, pointer, graph)
            quads.append(Quad(subject, pred, head, graph))
            return
        graph_container = "@graph" in container
        for v, here in items(value, pointer):
            if graph_container:
                if not isinstance(v, dict) or self.is_value(term_ctx, v) or "@list" in v:
                    raise Unsupported("non-node value in @graph container")
                if "@graph" in v or "@set" in v:
                    raise Unsupported("explicit graph object in @graph container")
                name = self.fresh()
                self.node(term_ctx, v, here, name, scoped_of(term_ctx, key))
                quads.append(Quad(subject, pred, name, graph))
                continue
            o = self.object(term_ctx, key, term, v, here, graph)
            if o is not None:
                quads.append(Quad(subject, pred, o, graph))

    def is_value(self, ctx: Ctx, obj: dict[str, Any]) -> bool:
        return any(expand_iri(ctx, k, True) == "@value" for k in obj)

    def object(
        self, ctx: Ctx, key: str, term: Term | None, v: Any, pointer: Path, graph: str
    ) -> str | None:
        """Object term for one value of ``key`` (Value Expansion §5.3.2 + Object to RDF §6.2)."""
        if isinstance(v, dict):
            if "@list" in v:
                if len(v) != 1:
                    raise Unsupported("list object with other keys")
                # a list object is not a value: the type-scoped context reverts (§5.1.2 step 7)
                # and the property-scoped one applies again, as for a node object
                scoped = scoped_of(ctx, key)
                list_ctx = ctx.previous if ctx.previous is not None else ctx
                if scoped is not None:
                    list_ctx = process(list_ctx, scoped, self.loader, override=True)
                list_term = list_ctx.terms.get(key)
                return self.list_(list_ctx, key, list_term, v["@list"], (pointer, "@list"), graph)
            if "@set" in v or "@graph" in v:
                raise Unsupported("set/graph object")
            if self.is_value(ctx, v):
                return self.value_object(ctx, v, pointer)
            return self.node(ctx, v, pointer, graph, scoped_of(ctx, key))
        if isinstance(v, list):
            raise Unsupported("nested array")
        type_ = term.type if term is not None else None
        if type_ == "@none":
            type_ = None
        if isinstance(v, str):
            if type_ == "@id":
                return self.node_id(ctx, v, pointer)
            if type_ == "@vocab":
                iri = expand_iri(ctx, v, True)
                if iri is None:
                    raise Unsupported("@vocab value expands to null")
                if iri[:2] == "_:":
                    return self.doc_bnode(iri)
                if not is_absolute_iri(iri):
                    raise iri_relative(v, ptr(pointer))
                return f"<{iri}>"
        if type_ is not None and type_ not in ("@id", "@vocab"):
            return literal_term(v, type_, None)
        if isinstance(v, str):
            return literal_term(v, None, ctx.term_language(term))
        return literal_term(v, None, None)

    def value_object(self, ctx: Ctx, obj: dict[str, Any], pointer: Path) -> str | None:
        value: Any = None
        datatype: str | None = None
        language: str | None = None
        for k, v in obj.items():
            ek = expand_iri(ctx, k, True)
            if ek == "@value":
                value = v
            elif ek == "@type":
                if not isinstance(v, str):
                    raise Unsupported("value object @type")
                dt = self.vocab_iri(ctx, v, (pointer, k), "datatype")
                if dt[:2] == "_:":
                    raise Unsupported("blank node datatype")
                datatype = dt[1:-1]
            elif ek == "@language":
                if not isinstance(v, str):
                    raise Unsupported("value object @language")
                language = check_language(v, (pointer, k))
            else:
                raise Unsupported("value object key")
        if isinstance(value, (dict, list)) or (language is not None and datatype is not None):
            raise Unsupported("invalid value object")
        if language is not None and not isinstance(value, str):
            raise Unsupported("language on non-string")
        if value is None:
            return None
        return literal_term(value, datatype, language)

    def language_map(
        self, ctx: Ctx, pred: str, value: dict[str, Any], pointer: Path, subject: str, graph: str
    ) -> None:
        """Language map (§5.1.2 step 13.7): ``{"nl": "tekst", "en": [...], "@none": ...}``."""
        quads = self.quads
        for lang, entries in value.items():
            none = expand_iri(ctx, lang, True) == "@none"
            language = None if none else check_language(lang, (pointer, lang))
            for item, _here in items(entries, (pointer, lang)):
                if not isinstance(item, str):
                    raise Unsupported("language map value")
                quads.append(Quad(subject, pred, literal_term(item, None, language), graph))

    def list_(
        self, ctx: Ctx, key: str, term: Term | None, value: Any, pointer: Path, graph: str
    ) -> str:
        """List to RDF (§6.3): rdf:first/rdf:rest chain, ``rdf:nil`` when empty."""
        objects: list[str] = []
        for v, here in items(value, pointer):
            if isinstance(v, list):
                raise Unsupported("list of lists")
            if isinstance(v, dict) and "@list" in v:
                raise Unsupported("list of lists")
            o = self.object(ctx, key, term, v, here, graph)
            if o is not None:
                objects.append(o)
        if not objects:
            return NIL
        nodes = [self.fresh() for _ in objects]
        quads = self.quads
        for i, (node, o) in enumerate(zip(nodes, objects, strict=True)):
            quads.append(Quad(node, RDF_FIRST, o, graph))
            quads.append(Quad(node, RDF_REST, nodes[i + 1] if i + 1 < len(nodes) else NIL, graph))
        return nodes[0]


def try_quads(document: Any, loader: DocumentLoader, *, strict: bool) -> list[Quad] | None:
    """Quads of ``document``, or ``None`` when the document needs the full processor.

    Strict violations raise :class:`~rotonde.errors.ValidationError` with a precise pointer;
    unknown contexts raise ``jsonld.context_unknown``.
    """
    if not strict or not isinstance(document, dict):
        return None
    contexts = document.get("@context")
    items_ = contexts if isinstance(contexts, list) else [contexts]
    if not items_:
        return None
    state = _state(loader)
    state.reset_if_full()
    key: list[str] = ["ctx"]
    resolved: list[Any] = []
    for i, item in enumerate(items_):
        if isinstance(item, str):
            if item not in loader:
                where = f"/@context/{i}" if isinstance(contexts, list) else None
                raise unknown_context(item, where)
            key.append(item)
            resolved.append(item)
        elif isinstance(item, dict):
            text, interned = state.intern(item)
            key.append(text)
            resolved.append(interned)
        else:
            return None
    root = state.root
    try:
        ctx = root.children.get(tuple(key))
        if ctx is None:
            ctx = root
            for item in resolved:
                ctx = process(ctx, item, loader)
            remember(root.children, tuple(key), ctx)
        walker = _Walker(loader, state)
        walker.node(ctx, document, None, "", None)
    except (Unsupported, RecursionError):
        return None
    return walker.quads
