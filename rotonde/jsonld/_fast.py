"""Private: direct JSON-LD -> RDF for documents in the common credential subset.

Fuses Expansion (JSON-LD 1.1 API §5.1.2, including the type-scoped/property-scoped context
rules of steps 7-11) with Deserialize JSON-LD to RDF (§6.1, §6.2 Object to RDF, §6.3 List to
RDF) in one walk over the compacted document, with strict checks that carry the exact JSON
pointer. Supported: a top-level ``@context`` of known URLs; node objects with ``@id``/``@type``
(and their aliases); value objects with ``@value``/``@type``/``@language``; ``@list`` and
``@graph`` containers; type coercion to ``@id``/``@vocab``/datatypes; language defaults.
Anything else raises :class:`Unsupported` and the caller uses pyld. Tests prove the quads equal
pyld's on the conformance documents and on generated ones.
"""

from __future__ import annotations

from typing import Any

from rotonde.errors import ValidationError
from rotonde.jsonld._context import Ctx, Term, Unsupported, expand_iri, process
from rotonde.jsonld.loader import DocumentLoader
from rotonde.jsonld.strict import ISSUER_DEPENDENT, is_absolute_iri, term_undefined
from rotonde.rdfc.nquads import Quad, escape_literal

__all__ = ["try_quads"]

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_TYPE = f"<{RDF}type>"
_FIRST = f"<{RDF}first>"
_REST = f"<{RDF}rest>"
_NIL = f"<{RDF}nil>"
XSD = "http://www.w3.org/2001/XMLSchema#"
_XSD_STRING = f"{XSD}string"
_XSD_BOOLEAN = f"{XSD}boolean"
_XSD_INTEGER = f"{XSD}integer"
_XSD_DOUBLE = f"{XSD}double"
_RDF_LANGSTRING = f"{RDF}langString"


#: A JSON pointer under construction: ``None`` (the root) or ``(parent, key_or_index)``;
#: turned into text only when an error needs it.
Path = tuple[Any, str | int] | None


def _ptr(path: Path) -> str:
    parts: list[str] = []
    while path is not None:
        path, key = path
        parts.append(str(key).replace("~", "~0").replace("/", "~1"))
    return "".join(f"/{p}" for p in reversed(parts))


def _root(loader: DocumentLoader) -> Ctx:
    root: Ctx = loader.cache("fast.root", Ctx)
    return root


def _double(value: float) -> str:
    text = f"{value:1.15E}"
    mantissa, exponent = text.split("E")
    mantissa = mantissa.rstrip("0")
    if mantissa.endswith("."):
        mantissa += "0"
    exp = int(exponent)
    return f"{mantissa}E{exp}"


def _literal(value: Any, datatype: str | None, language: str | None) -> str:
    if isinstance(value, bool):
        lexical = "true" if value else "false"
        datatype = datatype or _XSD_BOOLEAN
    elif isinstance(value, float) and not value.is_integer():
        return f'"{_double(value)}"^^<{datatype or _XSD_DOUBLE}>'
    elif datatype == _XSD_DOUBLE and not isinstance(value, str):
        return f'"{_double(float(value))}"^^<{_XSD_DOUBLE}>'
    elif datatype == _XSD_DOUBLE:
        raise Unsupported("string xsd:double")
    elif isinstance(value, (int, float)):
        if abs(value) >= 1e21:
            return f'"{_double(float(value))}"^^<{datatype or _XSD_DOUBLE}>'
        lexical = str(int(value))
        datatype = datatype or _XSD_INTEGER
    elif isinstance(value, str):
        if language is not None and datatype is None:
            return f'"{escape_literal(value)}"@{language}'
        lexical = value
    else:  # pragma: no cover - check_json guarantees JSON scalars
        raise Unsupported("non-JSON scalar")
    if datatype is None or datatype == _XSD_STRING:
        return f'"{escape_literal(lexical)}"'
    return f'"{escape_literal(lexical)}"^^<{datatype}>'


class _Walker:
    __slots__ = ("bnodes", "counter", "loader", "quads")

    def __init__(self, loader: DocumentLoader) -> None:
        self.loader = loader
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
        iri = expand_iri(ctx, value, False)
        if iri is None:
            raise Unsupported("@id expands to null")
        if iri[:2] == "_:":
            return self.doc_bnode(iri)
        if not is_absolute_iri(iri):
            raise _relative(value, _ptr(pointer))
        return f"<{iri}>"

    def vocab_iri(self, ctx: Ctx, value: str, pointer: Path, what: str) -> str:
        iri = expand_iri(ctx, value, True)
        if iri is None or iri in ("@id", "@type"):
            raise term_undefined(value, _ptr(pointer), what)
        if iri[:2] == "_:":
            return self.doc_bnode(iri)
        if iri.startswith(ISSUER_DEPENDENT):
            raise term_undefined(value, _ptr(pointer), what)
        if not is_absolute_iri(iri):
            raise term_undefined(value, _ptr(pointer), f"relative {what}")
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
        # step 9: an embedded context (URLs only; inline objects go to pyld)
        if "@context" in obj and pointer is not None:
            embedded = obj["@context"]
            for url in embedded if isinstance(embedded, list) else [embedded]:
                if not isinstance(url, str):
                    raise Unsupported("inline embedded @context")
                ctx = process(ctx, url, self.loader)
        # steps 10-11: type-scoped contexts, types sorted, terms looked up before scoping
        type_ctx = ctx
        id_key: str | None = None
        type_entries: list[tuple[str, Any]] = []
        for key, value in obj.items():
            if key == "@context":
                continue
            ek = expand_iri(ctx, key, True)
            if ek == "@type":
                type_entries.append((key, value))
            elif ek == "@id":
                if id_key is not None:
                    raise Unsupported("colliding @id keys")
                id_key = key
        if type_entries:
            types: list[str] = []
            for _key, value in type_entries:
                for t in value if isinstance(value, list) else [value]:
                    if not isinstance(t, str):
                        raise Unsupported("non-string @type")
                    types.append(t)
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
                    quads.append(Quad(subject, _TYPE, o, graph))
            else:
                o = self.vocab_iri(type_ctx, value, here, "type")
                quads.append(Quad(subject, _TYPE, o, graph))
        for key, value in obj.items():
            if key == "@context" or key == id_key:
                continue
            here = (pointer, key)
            ek = expand_iri(ctx, key, True)
            if ek == "@type":
                continue
            if ek is None:
                raise term_undefined(key, _ptr(here), "term mapped to null")
            if ek[0] == "@":
                raise Unsupported(f"keyword {ek} in node object")
            if ek.startswith(ISSUER_DEPENDENT):
                raise term_undefined(key, _ptr(here), "property")
            if not is_absolute_iri(ek) or ek[:2] == "_:":
                raise term_undefined(key, _ptr(here), "relative property")
            if value is None:
                continue
            self.property(ctx, key, f"<{ek}>", value, here, subject, graph)
        if deferred is not None and quads:
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
        if term is not None and term.type == "@json":
            raise Unsupported("JSON literal")
        quads = self.quads
        if "@list" in container:
            head = self.list_(term_ctx, key, term, value, pointer, graph)
            quads.append(Quad(subject, pred, head, graph))
            return
        graph_container = "@graph" in container
        for v, here in _items(value, pointer):
            if graph_container:
                if not isinstance(v, dict) or self.is_value(term_ctx, v) or "@list" in v:
                    raise Unsupported("non-node value in @graph container")
                if "@graph" in v or "@set" in v:
                    raise Unsupported("explicit graph object in @graph container")
                name = self.fresh()
                self.node(term_ctx, v, here, name, _scoped_of(term_ctx, key))
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
                scoped = _scoped_of(ctx, key)
                list_ctx = ctx.previous if ctx.previous is not None else ctx
                if scoped is not None:
                    list_ctx = process(list_ctx, scoped, self.loader, override=True)
                list_term = list_ctx.terms.get(key)
                return self.list_(list_ctx, key, list_term, v["@list"], (pointer, "@list"), graph)
            if "@set" in v or "@graph" in v:
                raise Unsupported("set/graph object")
            if self.is_value(ctx, v):
                return self.value_object(ctx, v, pointer)
            return self.node(ctx, v, pointer, graph, _scoped_of(ctx, key))
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
                    raise _relative(v, _ptr(pointer))
                return f"<{iri}>"
        if type_ is not None and type_ not in ("@id", "@vocab"):
            return _literal(v, type_, None)
        if isinstance(v, str):
            return _literal(v, None, ctx.term_language(term))
        return _literal(v, None, None)

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
                language = v.lower()
            else:
                raise Unsupported("value object key")
        if isinstance(value, (dict, list)) or (language is not None and datatype is not None):
            raise Unsupported("invalid value object")
        if language is not None and not isinstance(value, str):
            raise Unsupported("language on non-string")
        if value is None:
            return None
        return _literal(value, datatype, language)

    def list_(
        self, ctx: Ctx, key: str, term: Term | None, value: Any, pointer: Path, graph: str
    ) -> str:
        """List to RDF (§6.3): rdf:first/rdf:rest chain, ``rdf:nil`` when empty."""
        objects: list[str] = []
        for v, here in _items(value, pointer):
            if isinstance(v, list):
                raise Unsupported("list of lists")
            if isinstance(v, dict) and "@list" in v:
                raise Unsupported("list of lists")
            o = self.object(ctx, key, term, v, here, graph)
            if o is not None:
                objects.append(o)
        if not objects:
            return _NIL
        nodes = [self.fresh() for _ in objects]
        quads = self.quads
        for i, (node, o) in enumerate(zip(nodes, objects, strict=True)):
            quads.append(Quad(node, _FIRST, o, graph))
            quads.append(Quad(node, _REST, nodes[i + 1] if i + 1 < len(nodes) else _NIL, graph))
        return nodes[0]


def _scoped_of(ctx: Ctx, key: str) -> Any:
    term = ctx.terms.get(key)
    if term is not None and term.has_scoped:
        if term.scoped is None:
            raise Unsupported("null scoped context")
        return term.scoped
    return None


def _items(value: Any, pointer: Path) -> list[tuple[Any, Path]]:
    if not isinstance(value, list):
        return [(value, pointer)] if value is not None else []
    out: list[tuple[Any, Path]] = []
    for i, v in enumerate(value):
        if v is None:
            continue
        out.append((v, (pointer, i)))
    return out


def _relative(value: str, pointer: str) -> ValidationError:
    return ValidationError(
        "jsonld.iri_relative",
        f"{value!r} is not an absolute IRI and would be dropped",
        message_nl=f"{value!r} is geen absolute IRI en zou wegvallen",
        pointer=pointer,
        detail={"value": value},
    )


def try_quads(document: Any, loader: DocumentLoader, *, strict: bool) -> list[Quad] | None:
    """Quads of ``document``, or ``None`` when the document needs the full processor.

    Strict violations raise :class:`~rotonde.errors.ValidationError` with a precise pointer;
    unknown contexts raise ``jsonld.context_unknown``.
    """
    if not strict or not isinstance(document, dict):
        return None
    contexts = document.get("@context")
    urls = contexts if isinstance(contexts, list) else [contexts]
    if not urls or not all(isinstance(u, str) for u in urls):
        return None
    root = _root(loader)
    key = ("urls", *urls)
    try:
        ctx = root.children.get(key)
        if ctx is None:
            ctx = root
            for url in urls:
                ctx = process(ctx, url, loader)
            root.children[key] = ctx
        walker = _Walker(loader)
        walker.node(ctx, document, None, "", None)
    except (Unsupported, RecursionError):
        return None
    return walker.quads
