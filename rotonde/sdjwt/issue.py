"""Issuing SD-JWTs and SD-JWT VCs (RFC 9901 §4, §5.1; draft-ietf-oauth-sd-jwt-vc §3).

Claims are a plain ``dict``; the caller names the selectively disclosable ones by claim path
(``"achievement.level"``, ``"skills.0"``, ``"skills.*"``). A path and one of its ancestors may
both be disclosable: the ancestor's Disclosure then carries the ``_sd``/``...`` digests of its
own disclosable members (recursive disclosure, §4.2.6). Digests in each ``_sd`` array are
sorted so their order reveals nothing (§4.2.4.1), and ``decoys`` random digests may be added
to each ``_sd`` array (§4.2.5). Salts are 128 random bits (§4.2.1, §9.3) from ``rng``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from typing import Any

from rotonde.clock import Clock, SystemClock
from rotonde.errors import ConfigurationError
from rotonde.jws import sign_compact
from rotonde.keys import PublicKey, Signer
from rotonde.sdjwt._fast import b64u, disclosure_text
from rotonde.sdjwt._paths import ClaimPath, Path, format_path, normalize_all
from rotonde.sdjwt.disclosure import (
    DEFAULT_SD_ALG,
    RESERVED_NAMES,
    digest,
    hash_function,
)
from rotonde.sdjwt.vc import NEVER_DISCLOSABLE, TYP, check_disclosable

__all__ = ["ALWAYS_CLEAR", "issue"]

#: Claims that ``all_disclosable`` leaves in the clear.
ALWAYS_CLEAR: frozenset[str] = NEVER_DISCLOSABLE | {"iat"}


class _Tree:
    """Disclosable paths as a tree; ``sd`` marks a node whose claim gets a Disclosure.

    Built once per distinct ``disclosable`` argument (:func:`_compile`) and never changed
    afterwards, so one tree serves every issuance with the same paths.
    """

    __slots__ = ("children", "sd")

    def __init__(self) -> None:
        self.children: dict[str, _Tree] = {}
        self.sd = False

    def add(self, path: Path) -> None:
        node = self
        for part in path:
            child = node.children.get(part)
            if child is None:
                child = node.children[part] = _Tree()
            node = child
        node.sd = True

    def lookup(self, key: str) -> list[_Tree]:
        """The subtrees that apply to member ``key``: the exact one and/or the ``*`` one."""
        return [n for n in (self.children.get(key), self.children.get("*")) if n is not None]


class _Plan:
    """The compiled ``disclosable`` argument: normalised paths, their tree, the top-level
    names (for the SD-JWT VC profile check) and what must exist in the claims."""

    __slots__ = ("deep", "names", "top", "tree")

    def __init__(self, paths: tuple[Path, ...]) -> None:
        self.tree = _Tree()
        for path in paths:
            self.tree.add(path)
        #: first members of one-part paths, as the profile check sees them
        self.top = frozenset(p[0] for p in paths if len(p) == 1)
        #: one-part paths without a wildcard: checked against the claims as a set
        self.names = self.top - {"*"}
        #: longer paths: checked member by member (:meth:`first_missing`)
        self.deep = tuple(p for p in paths if len(p) > 1)

    def first_missing(self, claims: dict[str, Any]) -> Path | None:
        """The shortest prefix of a disclosable path that names nothing in ``claims``; below
        a ``*`` nothing is required (a wildcard may match no member at all)."""
        if not self.names <= claims.keys():
            return (min(self.names - claims.keys()),)
        for path in self.deep:
            node: Any = claims
            for depth, part in enumerate(path):
                if part == "*":
                    break
                if isinstance(node, dict) and part in node:
                    node = node[part]
                elif (isinstance(node, list) and part.isdecimal() and str(int(part)) == part
                      and int(part) < len(node)):
                    node = node[int(part)]
                else:
                    return path[: depth + 1]
        return None


@lru_cache(maxsize=256)
def _compiled(disclosable: tuple[ClaimPath, ...]) -> _Plan:
    return _Plan(tuple(normalize_all(disclosable)))


def _compile(disclosable: Iterable[ClaimPath]) -> _Plan:
    """The plan for ``disclosable``; cached when every path is a string (issuers repeat the
    same list of disclosable claims for every credential of a kind)."""
    key = (disclosable,) if isinstance(disclosable, str) else tuple(disclosable)
    try:
        "".join(key)  # type: ignore[arg-type]  # raises TypeError unless all are strings
    except TypeError:  # sequences (unhashable, or equal across types: 1 == True)
        return _compiled.__wrapped__(key)
    return _compiled(key)


_SALT_BATCH = 16
_NO_TREES: list[_Tree] = []  # shared and never mutated: no disclosable paths below


class _Builder:
    def __init__(self, rng: Callable[[int], bytes], sd_alg: str, decoys: int) -> None:
        self.rng = rng
        self.sd_alg = sd_alg
        self.hasher = hash_function(sd_alg)
        self.decoys = decoys
        self.disclosures: list[str] = []  # encoded, in the order they were made
        self._salts: list[str] = []

    def _salt(self) -> str:
        """A fresh salt. With the system CSPRNG, salts are drawn 16 at a time as 144-bit values
        (18 bytes: exactly 24 base64url characters, so one encoding serves the whole batch);
        an injected ``rng`` is asked for 16 bytes per salt, as RFC 9901 §4.2.1 suggests."""
        if self.rng is not os.urandom:
            return b64u(self.rng(16))
        if not self._salts:
            text = b64u(os.urandom(18 * _SALT_BATCH))
            self._salts = [text[i:i + 24] for i in range(0, 24 * _SALT_BATCH, 24)]
        return self._salts.pop()

    def _disclose(self, name: str | None, value: Any) -> str:
        """Add a Disclosure (§4.2.1/§4.2.2) and return its digest (§4.2.3). ``name`` has
        already been checked against the reserved names by :meth:`build`."""
        encoded = b64u(disclosure_text(self._salt(), name, value).encode())
        self.disclosures.append(encoded)
        return b64u(self.hasher(encoded.encode("ascii")).digest())

    def build(self, node: Any, trees: list[_Tree], everything: bool, top: bool = False) -> Any:
        if not trees and not everything:
            _check_names(node)
            return node  # nothing disclosable below: embed as is
        if isinstance(node, dict):
            out: dict[str, Any] = {}
            digests: list[str] = []
            # one tree without a '*' member (the usual case): look members up directly
            plain = trees[0].children if len(trees) == 1 and "*" not in trees[0].children else None
            for key, value in node.items():
                if not isinstance(key, str) or key in RESERVED_NAMES:
                    raise _reserved(key)
                if plain is not None:
                    sub = plain.get(key)
                    if sub is None:
                        subs, sd = _NO_TREES, False
                    else:
                        subs, sd = [sub], sub.sd
                else:
                    if len(trees) == 1:
                        subs = trees[0].lookup(key)
                    else:
                        subs = [c for t in trees for c in t.lookup(key)] if trees else trees
                    sd = any(t.sd for t in subs)
                # all_disclosable never reaches into iss, vct, cnf, status, ...
                deep = everything and not (top and key in ALWAYS_CLEAR)
                if deep or isinstance(value, (dict, list)):
                    value = self.build(value, subs, deep)
                if deep or sd:
                    digests.append(self._disclose(key, value))
                else:
                    out[key] = value
            if digests:
                for _ in range(self.decoys):
                    digests.append(digest(self._salt(), self.sd_alg))
                out = {"_sd": sorted(digests), **out}
            return out
        if isinstance(node, list):
            items: list[Any] = []
            for index, value in enumerate(node):
                subs = [c for t in trees for c in t.lookup(str(index))] if trees else trees
                if everything or isinstance(value, (dict, list)):
                    new = self.build(value, subs, everything)
                else:
                    new = value
                if everything or any(t.sd for t in subs):
                    items.append({"...": self._disclose(None, new)})
                else:
                    items.append(new)
            return items
        return node


def _reserved(key: object) -> ConfigurationError:
    return ConfigurationError(
        "sdjwt.reserved_claim_name",
        f"claim name {key!r} is reserved in SD-JWT",
        message_nl=f"claimnaam {key!r} is gereserveerd in SD-JWT",
        pointer=str(key),
    )


def _check_names(node: Any) -> None:
    """Plain claims must not use ``_sd`` or ``...`` anywhere (they would be misread)."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if key in RESERVED_NAMES or not isinstance(key, str):
                    raise _reserved(key)
                if isinstance(value, (dict, list)):
                    stack.append(value)
        elif isinstance(item, list):
            stack.extend(v for v in item if isinstance(v, (dict, list)))


def issue(
    claims: Mapping[str, Any],
    *,
    signer: Signer,
    disclosable: Iterable[ClaimPath] = (),
    all_disclosable: bool = False,
    holder_key: PublicKey | None = None,
    vct: str | None = None,
    iss: str | None = None,
    iat: int | None = None,
    exp: int | None = None,
    nbf: int | None = None,
    status: Mapping[str, Any] | None = None,
    decoys: int = 0,
    typ: str = TYP,
    kid: str | None = None,
    header: Mapping[str, Any] | None = None,
    sd_alg: str = DEFAULT_SD_ALG,
    rng: Callable[[int], bytes] = os.urandom,
    clock: Clock | None = None,
) -> str:
    """Sign ``claims`` as a compact SD-JWT (``typ`` ``dc+sd-jwt``: an SD-JWT VC).

    ``iat`` defaults to the clock's now; ``holder_key`` becomes ``cnf.jwk`` (RFC 7800);
    ``status`` is the Token Status List / Bitstring reference. For ``dc+sd-jwt`` a ``vct``
    (argument or claim) is required and the claims of
    :data:`~rotonde.sdjwt.vc.NEVER_DISCLOSABLE` stay in the clear. ``all_disclosable`` makes
    every other claim, member and array element disclosable (recursively).
    """
    hash_function(sd_alg)
    if type(claims) is not dict and not isinstance(claims, Mapping):
        raise ConfigurationError(
            "sdjwt.claims_not_object", "claims must be a JSON object",
            message_nl="claims moeten een JSON-object zijn",
        )
    if decoys < 0:
        raise ConfigurationError("sdjwt.decoys_invalid", "decoys must be >= 0",
                                 message_nl="decoys moet >= 0 zijn")
    body: dict[str, Any] = {}
    for name, value in (("iss", iss), ("vct", vct), ("nbf", nbf), ("exp", exp)):
        if value is not None:
            body[name] = value
    body["iat"] = int((clock or SystemClock()).now()) if iat is None else iat
    body.update(claims)
    if holder_key is not None:
        body["cnf"] = {"jwk": holder_key.to_jwk()}
    if status is not None:
        body["status"] = dict(status)
    if "_sd_alg" in body:
        raise ConfigurationError(
            "sdjwt.reserved_claim_name", "claim name '_sd_alg' is reserved",
            message_nl="claimnaam '_sd_alg' is gereserveerd", pointer="_sd_alg",
        )
    plan = _compile(disclosable)
    if typ in (TYP, "vc+sd-jwt"):
        if not isinstance(body.get("vct"), str) or not body["vct"]:
            raise ConfigurationError(
                "sdjwt_vc.vct_missing", "an SD-JWT VC needs a 'vct'",
                message_nl="een SD-JWT VC heeft een 'vct' nodig", pointer="vct",
            )
        if not NEVER_DISCLOSABLE.isdisjoint(plan.top):
            check_disclosable(sorted(plan.top))
    builder = _Builder(rng, sd_alg, decoys)
    payload = builder.build(body, [plan.tree], all_disclosable, top=True)
    missing = plan.first_missing(body)
    if missing is not None:
        raise ConfigurationError(
            "sdjwt.path_unknown",
            f"disclosable claim path {format_path(missing)!r} is not in the claims",
            message_nl=f"onthulbaar claimpad {format_path(missing)!r} staat niet in de claims",
            pointer=format_path(missing),
        )
    payload["_sd_alg"] = sd_alg
    hdr: dict[str, Any] = dict(header or {})
    hdr["typ"] = typ
    if kid is not None:
        hdr["kid"] = kid
    jwt = sign_compact(hdr, payload, signer)
    return "~".join([jwt, *builder.disclosures, ""])
