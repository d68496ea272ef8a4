"""Digest resolution: RFC 9901 §7.1 step 3 ("Processing of the SD-JWT payload").

Walks the Issuer-signed payload and replaces every embedded digest that has a Disclosure:

* an ``_sd`` array in an object (§4.2.4.1): each matching object-property Disclosure inserts its
  claim; a claim name that already exists at that level is rejected (step 3.3.2.3);
* an ``{"...": digest}`` element in an array (§4.2.4.2): replaced by the matching
  array-element Disclosure's value, and removed when there is none;
* inserted values are processed recursively (recursive disclosures, §4.2.6).

Then it rejects digests that occur more than once (step 4), Disclosures that no digest
references (step 5), and the wrong kind of Disclosure for a digest (step 3.3.2.1, 3.4.1.1),
and removes ``_sd`` and the top-level ``_sd_alg`` (step 3.5). Digests without a Disclosure are
decoys or undisclosed claims and are silently dropped.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from rotonde.errors import ParseError
from rotonde.sdjwt._fast import b64u
from rotonde.sdjwt._paths import Path, format_path
from rotonde.sdjwt.disclosure import Disclosure, hash_function

__all__ = ["MAX_DEPTH", "Processed", "digest_map", "process"]

#: Cap on the combined nesting of payload and (recursive) Disclosures.
MAX_DEPTH = 64


@dataclass
class Processed:
    """The outcome of digest resolution.

    ``claims``: the processed payload. ``disclosed``: the claim path (original array indices)
    of each referenced Disclosure, in walk order. ``parent``: for each Disclosure digest, the
    digest of the Disclosure it is nested in (``None`` at the payload level). ``paths``: every
    claim path in the processed payload (only when ``collect_paths``).
    """

    claims: dict[str, Any]
    disclosed: list[tuple[Path, Disclosure, str]] = field(default_factory=list)
    parent: dict[str, str | None] = field(default_factory=dict)
    paths: set[Path] = field(default_factory=set)


def _error(code: str, message: str, message_nl: str, path: Path) -> ParseError:
    return ParseError(code, message, message_nl=message_nl, pointer=format_path(path) or "/")


class _Walker:
    """One walk over the payload. Objects and arrays are copied; scalars are shared."""

    __slots__ = ("by_digest", "collect", "out", "seen")

    def __init__(self, by_digest: dict[str, Disclosure], collect_paths: bool) -> None:
        self.by_digest = by_digest
        self.seen: set[str] = set()
        self.collect = collect_paths
        self.out = Processed({})

    def _claim_digest(self, digest: object, path: Path) -> Disclosure | None:
        if not isinstance(digest, str):
            raise _error(
                "sdjwt.digest_malformed", "an embedded digest is not a string",
                "een ingebedde digest is geen tekst", path,
            )
        if digest in self.seen:
            raise _error(
                "sdjwt.digest_duplicate", "a digest occurs more than once in the SD-JWT",
                "een digest komt meer dan eens voor in de SD-JWT", path,
            )
        self.seen.add(digest)
        return self.by_digest.get(digest)

    def walk(self, node: Any, path: Path, owner: str | None, depth: int) -> Any:
        if isinstance(node, dict):
            return self._object(node, path, owner, depth)
        if isinstance(node, list):
            return self._array(node, path, owner, depth)
        if self.collect:
            self._enter(path, depth)
        return node

    def _enter(self, path: Path, depth: int) -> None:
        if depth > MAX_DEPTH:
            raise _error(
                "sdjwt.too_deep", f"SD-JWT claims are nested deeper than {MAX_DEPTH} levels",
                f"SD-JWT-claims zijn dieper genest dan {MAX_DEPTH} niveaus", path,
            )
        if self.collect:
            self.out.paths.add(path)

    def _object(self, node: dict[str, Any], path: Path, owner: str | None, depth: int) -> Any:
        self._enter(path, depth)
        out: dict[str, Any] = {}
        collect = self.collect
        for key, value in node.items():
            if key == "_sd":
                continue
            if collect or isinstance(value, (dict, list)):
                out[key] = self.walk(value, (*path, key), owner, depth + 1)
            else:
                out[key] = value
        if "_sd" in node:
            self._digests(node["_sd"], out, path, owner, depth)
        return out

    def _digests(
        self, digests: object, out: dict[str, Any], path: Path, owner: str | None, depth: int
    ) -> None:
        """Insert the claims of the Disclosures that the ``_sd`` array references."""
        if not isinstance(digests, list):
            raise _error(
                "sdjwt.sd_malformed", "_sd must be an array of digests",
                "_sd moet een array van digests zijn", (*path, "_sd"),
            )
        seen, by_digest = self.seen, self.by_digest
        for digest in digests:
            if type(digest) is str and digest not in seen:  # the common case, inline
                seen.add(digest)
                disclosure = by_digest.get(digest)
            else:
                disclosure = self._claim_digest(digest, (*path, "_sd"))
            if disclosure is None:
                continue
            name = disclosure.name
            if name is None:
                raise _error(
                    "sdjwt.disclosure_wrong_kind",
                    "an array-element Disclosure is referenced from an _sd array",
                    "een Disclosure voor een array-element wordt vanuit _sd aangeroepen", path,
                )
            child = (*path, name)
            if name in out:
                raise _error(
                    "sdjwt.claim_collision",
                    f"Disclosure for {name!r} would overwrite an existing claim",
                    f"Disclosure voor {name!r} zou een bestaande claim overschrijven", child,
                )
            self.out.parent[digest] = owner
            self.out.disclosed.append((child, disclosure, digest))
            value = disclosure.value
            if self.collect or isinstance(value, (dict, list)):
                value = self.walk(value, child, digest, depth + 1)
            out[name] = value

    def _array(self, node: list[Any], path: Path, owner: str | None, depth: int) -> Any:
        self._enter(path, depth)
        out: list[Any] = []
        for index, item in enumerate(node):
            if isinstance(item, dict) and "..." in item:
                child = (*path, str(index))
                if len(item) != 1:
                    raise _error(
                        "sdjwt.ellipsis_malformed",
                        "an array digest object must have '...' as its only member",
                        "een array-digestobject mag alleen het lid '...' hebben", child,
                    )
                digest = item["..."]
                disclosure = self._claim_digest(digest, child)
                if disclosure is None:
                    continue
                if disclosure.name is not None:
                    raise _error(
                        "sdjwt.disclosure_wrong_kind",
                        "an object-property Disclosure is referenced from an array element",
                        "een Disclosure voor een objectlid wordt vanuit een array aangeroepen",
                        child,
                    )
                assert isinstance(digest, str)
                self.out.parent[digest] = owner
                self.out.disclosed.append((child, disclosure, digest))
                out.append(self.walk(disclosure.value, child, digest, depth + 1))
            elif self.collect or isinstance(item, (dict, list)):
                out.append(self.walk(item, (*path, str(index)), owner, depth + 1))
            else:
                out.append(item)
        return out


def digest_map(disclosures: Iterable[Disclosure], sd_alg: object) -> dict[str, Disclosure]:
    """Disclosures by digest (RFC 9901 §4.2.3); two with one digest are rejected."""
    hasher = hash_function(sd_alg)
    by_digest: dict[str, Disclosure] = {}
    for disclosure in disclosures:
        key = b64u(hasher(disclosure.encoded.encode("ascii")).digest())
        if key in by_digest:
            raise ParseError(
                "sdjwt.disclosure_duplicate", "two Disclosures have the same digest",
                message_nl="twee Disclosures hebben dezelfde digest",
            )
        by_digest[key] = disclosure
    return by_digest


def process(
    payload: dict[str, Any],
    disclosures: Iterable[Disclosure] | dict[str, Disclosure],
    sd_alg: object,
    *,
    collect_paths: bool = False,
) -> Processed:
    """Resolve all digests of ``payload`` against ``disclosures`` (RFC 9901 §7.1 step 3-5).

    ``disclosures`` may be given as :func:`digest_map` already built for ``sd_alg``.
    """
    by_digest = disclosures if isinstance(disclosures, dict) else digest_map(disclosures, sd_alg)
    walker = _Walker(by_digest, collect_paths)
    claims = walker.walk(payload, (), None, 0)
    claims.pop("_sd_alg", None)
    if len(walker.out.parent) != len(by_digest):
        unused = next(d for k, d in by_digest.items() if k not in walker.out.parent)
        raise ParseError(
            "sdjwt.disclosure_unreferenced",
            "a Disclosure is not referenced by any digest in the SD-JWT",
            message_nl="een Disclosure wordt door geen enkele digest in de SD-JWT aangeroepen",
            pointer=unused.name,
        )
    walker.out.claims = claims
    return walker.out
