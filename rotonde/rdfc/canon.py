"""RDF Dataset Canonicalization, RDFC-1.0 (W3C Recommendation, 21 May 2024).

Implements §4.4 (canonicalization algorithm), §4.5 (identifier issuer), §4.6 (hash first
degree quads), §4.7 (hash related blank node) and §4.8 (hash N-degree quads). Inputs are
:class:`~rotonde.rdfc.nquads.Quad` tuples whose terms are already in canonical N-Quads syntax,
so the serialisations the algorithm hashes are plain string operations.

§4.4.1 asks implementations to guard against poison datasets: every call of the N-degree
algorithm and every permutation it tries costs one unit of work, and when ``max_work`` units
are spent the canonicalization stops with :class:`RotondeError` ``rdfc.too_complex``.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from rotonde.errors import ParseError, PolicyError, RotondeError
from rotonde.rdfc.nquads import Quad, parse_nquads

__all__ = [
    "DEFAULT_MAX_WORK",
    "CanonicalDataset",
    "canonicalize",
    "canonicalize_dataset",
]

#: Default work bound: generous for real credentials (which rarely need any N-degree work)
#: and small enough that a poison graph is refused within a fraction of a second.
DEFAULT_MAX_WORK = 20_000

_HASHES: dict[str, Callable[[bytes], hashlib._Hash]] = {
    "sha256": hashlib.sha256,
    "sha384": hashlib.sha384,
}


@dataclass(frozen=True, slots=True)
class CanonicalDataset:
    """Result of RDFC-1.0: the canonical N-Quads and the issued identifiers map (§4.4.3)."""

    nquads: str
    issued: dict[str, str] = field(default_factory=dict)
    work: int = 0


class _Issuer:
    """Identifier issuer (§4.5): ``prefix`` + counter, remembering the order of issue."""

    __slots__ = ("counter", "issued", "prefix")

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.counter = 0
        self.issued: dict[str, str] = {}

    def issue(self, existing: str) -> str:
        found = self.issued.get(existing)
        if found is not None:
            return found
        new = f"{self.prefix}{self.counter}"
        self.counter += 1
        self.issued[existing] = new
        return new

    def copy(self) -> _Issuer:
        other = _Issuer(self.prefix)
        other.counter = self.counter
        other.issued = dict(self.issued)
        return other


def _concat_order(a: str, b: str) -> int:
    ab, ba = a + b, b + a
    return -1 if ab < ba else (1 if ab > ba else 0)


class _TooComplex(Exception):
    pass


class _State:
    """Canonicalization state (§4.3)."""

    def __init__(self, quads: list[Quad], hash_name: str, max_work: int) -> None:
        self.quads = quads
        self.hash = _HASHES[hash_name]
        self.max_work = max_work
        self.work = 0
        self.bnode_quads: dict[str, list[Quad]] = {}
        self.canonical = _Issuer("c14n")
        self.first_degree: dict[str, str] = {}

    def spend(self) -> None:
        self.work += 1
        if self.work > self.max_work:
            raise _TooComplex

    def digest(self, text: str) -> str:
        return self.hash(text.encode("utf-8")).hexdigest()

    # §4.6 Hash First Degree Quads
    def hash_first_degree(self, reference: str) -> str:
        cached = self.first_degree.get(reference)
        if cached is not None:
            return cached
        lines = []
        for q in self.bnode_quads[reference]:
            terms = [
                (("_:a" if t == reference else "_:z") if t[:2] == "_:" else t) for t in q
            ]
            if terms[3]:
                lines.append(f"{terms[0]} {terms[1]} {terms[2]} {terms[3]} .\n")
            else:
                lines.append(f"{terms[0]} {terms[1]} {terms[2]} .\n")
        lines.sort()
        result = self.digest("".join(lines))
        self.first_degree[reference] = result
        return result

    # §4.7 Hash Related Blank Node
    def hash_related(self, related: str, q: Quad, issuer: _Issuer, position: str) -> str:
        issued = self.canonical.issued.get(related) or issuer.issued.get(related)
        ident = f"_:{issued}" if issued is not None else self.hash_first_degree(related)
        if position != "g":
            return self.digest(f"{position}{q.predicate}{ident}")
        return self.digest(f"{position}{ident}")

    # §4.8 Hash N-Degree Quads
    def hash_n_degree(self, identifier: str, issuer: _Issuer) -> tuple[str, _Issuer]:
        self.spend()
        hn: dict[str, list[str]] = {}
        for q in self.bnode_quads[identifier]:
            for position, term in (("s", q.subject), ("o", q.object), ("g", q.graph)):
                if term[:2] == "_:" and term != identifier:
                    h = self.hash_related(term, q, issuer, position)
                    hn.setdefault(h, []).append(term)
        data = []
        for related_hash in sorted(hn):
            data.append(related_hash)
            chosen_path = ""
            chosen_issuer: _Issuer | None = None
            canonical_issued = self.canonical.issued
            group = hn[related_hash]
            labels = [
                canonical_issued.get(r) or issuer.issued.get(r) for r in group
            ]
            if len(group) > 1 and all(label is not None for label in labels):
                # Every permutation is recursion-free, so the chosen path is the smallest
                # concatenation of the labels: sort by a+b < b+a (same result as step 5.4).
                self.spend()
                parts = sorted(
                    (f"_:{label}" for label in labels),
                    key=functools.cmp_to_key(_concat_order),
                )
                data.append("".join(parts))
                issuer = issuer.copy()
                continue
            for perm in itertools.permutations(group):
                self.spend()
                # step 5.4.4 without copying the issuer until the path survives pruning
                issued = issuer.issued
                counter = issuer.counter
                fresh: list[str] = []
                fresh_labels: dict[str, str] = {}
                path = ""
                skip = False
                for related in perm:
                    label = canonical_issued.get(related)
                    if label is None:
                        label = issued.get(related) or fresh_labels.get(related)
                        if label is None:
                            label = f"{issuer.prefix}{counter}"
                            counter += 1
                            fresh_labels[related] = label
                            fresh.append(related)
                    path += f"_:{label}"
                    if chosen_path and len(path) >= len(chosen_path) and path > chosen_path:
                        skip = True
                        break
                if skip:
                    continue
                issuer_copy = issuer.copy()
                for related in fresh:
                    issuer_copy.issue(related)
                for related in fresh:
                    result_hash, result_issuer = self.hash_n_degree(related, issuer_copy)
                    path += f"_:{issuer_copy.issue(related)}<{result_hash}>"
                    issuer_copy = result_issuer
                    if chosen_path and len(path) >= len(chosen_path) and path > chosen_path:
                        skip = True
                        break
                if skip:
                    continue
                if not chosen_path or path < chosen_path:
                    chosen_path = path
                    chosen_issuer = issuer_copy
            data.append(chosen_path)
            if chosen_issuer is not None:
                issuer = chosen_issuer
        return self.digest("".join(data)), issuer

    # §4.4.3 Algorithm
    def run(self) -> CanonicalDataset:
        for q in self.quads:
            for term in (q.subject, q.object, q.graph):
                if term[:2] == "_:":
                    lst = self.bnode_quads.setdefault(term, [])
                    if not lst or lst[-1] is not q:
                        lst.append(q)
        by_hash: dict[str, list[str]] = {}
        for bnode in self.bnode_quads:
            by_hash.setdefault(self.hash_first_degree(bnode), []).append(bnode)
        shared: list[tuple[str, list[str]]] = []
        for h in sorted(by_hash):
            nodes = by_hash[h]
            if len(nodes) == 1:
                self.canonical.issue(nodes[0])
            else:
                shared.append((h, nodes))
        for _h, nodes in shared:
            paths: list[tuple[str, _Issuer]] = []
            for node in nodes:
                if node in self.canonical.issued:
                    continue
                temp = _Issuer("b")
                temp.issue(node)
                paths.append(self.hash_n_degree(node, temp))
            paths.sort(key=lambda item: item[0])
            for _hash, issuer in paths:
                for existing in issuer.issued:
                    self.canonical.issue(existing)
        labels = self.canonical.issued
        lines = set()
        for q in self.quads:
            s, p, o, g = q
            if s[:2] == "_:":
                s = f"_:{labels[s]}"
            if o[:2] == "_:":
                o = f"_:{labels[o]}"
            if g[:2] == "_:":
                g = f"_:{labels[g]}"
            lines.add(f"{s} {p} {o} {g} .\n" if g else f"{s} {p} {o} .\n")
        issued = {k[2:]: v for k, v in labels.items()}
        return CanonicalDataset("".join(sorted(lines)), issued, self.work)


def _bad_quad(index: int, why: str) -> ParseError:
    return ParseError(
        "rdfc.dataset_invalid",
        f"quad {index}: {why}",
        message_nl=f"quad {index}: ongeldige term ({why})",
        detail={"index": index},
    )


def _as_quads(
    data: str | Iterable[Quad | tuple[str, str, str, str]], validate: bool = True
) -> list[Quad]:
    if isinstance(data, str):
        return parse_nquads(data)
    if not validate:
        return list(dict.fromkeys(data))  # type: ignore[arg-type]
    if isinstance(data, (bytes, dict)) or not hasattr(data, "__iter__"):
        raise ParseError(
            "rdfc.dataset_invalid",
            "expected N-Quads text or an iterable of quads",
            message_nl="verwacht N-Quads-tekst of een reeks quads",
        )
    quads = []
    for index, item in enumerate(data):
        if not isinstance(item, tuple) or len(item) != 4:
            raise _bad_quad(index, "not a 4-tuple")
        s, p, o, g = item
        if not all(isinstance(t, str) for t in item):
            raise _bad_quad(index, "terms must be strings")
        # terms are canonical N-Quads syntax (see rotonde.rdfc.nquads)
        if s[:1] != "<" and s[:2] != "_:":
            raise _bad_quad(index, "subject must be an IRI or a blank node")
        if p[:1] != "<":
            raise _bad_quad(index, "predicate must be an IRI")
        if o[:1] not in ("<", '"') and o[:2] != "_:":
            raise _bad_quad(index, "object must be an IRI, a blank node or a literal")
        if g and g[:1] != "<" and g[:2] != "_:":
            raise _bad_quad(index, "graph must be empty, an IRI or a blank node")
        quads.append(item if isinstance(item, Quad) else Quad(s, p, o, g))
    # a dataset is a set: duplicates would otherwise count twice in first-degree hashes
    return list(dict.fromkeys(quads))


def canonicalize_dataset(
    data: str | Iterable[Quad | tuple[str, str, str, str]],
    *,
    max_work: int = DEFAULT_MAX_WORK,
    hash_algorithm: str = "sha256",
    validate: bool = True,
) -> CanonicalDataset:
    """RDFC-1.0 with the issued identifiers map (input blank node label -> ``c14nN``).

    ``validate=False`` skips the term-syntax checks of quads given as tuples; only for quads
    built by Rotonde itself (:mod:`rotonde.jsonld`), whose terms are canonical by construction.
    """
    name = hash_algorithm.lower().replace("-", "")
    if name not in _HASHES:
        raise PolicyError(
            "rdfc.hash_unsupported",
            f"hash algorithm {hash_algorithm!r} is not supported (sha256, sha384)",
            message_nl=f"hashalgoritme {hash_algorithm!r} wordt niet ondersteund",
        )
    state = _State(_as_quads(data, validate), name, max_work)
    try:
        return state.run()
    except (_TooComplex, RecursionError):
        raise RotondeError(
            "rdfc.too_complex",
            f"dataset needs more than {max_work} units of canonicalization work "
            "(poison graph?)",
            message_nl=f"dataset vraagt meer dan {max_work} eenheden canonicalisatiewerk "
            "(vergiftigde graaf?)",
            detail={"max_work": max_work, "blank_nodes": len(state.bnode_quads)},
        ) from None


def canonicalize(
    nquads_or_dataset: str | Iterable[Quad | tuple[str, str, str, str]],
    *,
    max_work: int = DEFAULT_MAX_WORK,
    hash_algorithm: str = "sha256",
    validate: bool = True,
) -> str:
    """RDFC-1.0 canonical N-Quads of an N-Quads document or an iterable of quads."""
    return canonicalize_dataset(
        nquads_or_dataset, max_work=max_work, hash_algorithm=hash_algorithm, validate=validate
    ).nquads
