"""Hypothesis strategies for hostile input: random junk and structure-aware mutations of
valid inputs (text, JSON values, compact JWS / SD-JWT tokens, binary files)."""

from __future__ import annotations

import copy
import json
import string
from collections.abc import Callable, Sequence
from typing import Any

from hypothesis import strategies as st

from rotonde.encoding import b64url_decode, b64url_encode

__all__ = [
    "KEY_POOL",
    "SPECIAL_STRINGS",
    "SPECIAL_VALUES",
    "junk_json",
    "junk_text",
    "mutated_bytes",
    "mutated_json",
    "mutated_text",
    "mutated_token",
    "one_of_mutations",
]

B64 = string.ascii_letters + string.digits + "-_"

#: Strings that broke parsers somewhere, once: separators, encodings, limits, SSRF targets.
SPECIAL_STRINGS: list[str] = [
    "", " ", "\x00", "null", "{}", "[]", "~", "~~", ".", "..", "...", "e30", "eyJ", "=",
    "\udcff", "\ufeff{}", "é", "A" * 70_000, "[" * 3000, '{"a":' * 2000, "9" * 5000, "1e999999",
    "-0", "NaN", "Infinity", "did:", "did:web:", "did:web:127.0.0.1", "did:web:localhost%3A22",
    "did:key:z", "did:jwk:", "did:key:zQ3s", "https://", "http://127.0.0.1/", "https://[::1]/x",
    "https://169.254.169.254/latest/meta-data/", "https://10.0.0.1/x", "file:///etc/passwd",
    "javascript:alert(1)", "data:,x", "<script>alert(1)</script>", "../../etc/passwd", "%00",
    "urn:uuid:", "openid4vp://?", "openid-credential-offer://?credential_offer=",
    "rotonde-share:", "u", "uH4sI", "z", "#", "?#", "@context", "_sd", "...",
]

#: Values of every JSON type (and a few Python-only ones a sloppy caller might pass).
SPECIAL_VALUES: list[Any] = [
    None, True, False, 0, -1, 1, 2**31, 2**63, 2**64 + 1, -(2**70), 10**400, 0.5, -0.0, 1e308,
    float("inf"), float("nan"), [], {}, [[]], [{}], {"": None}, [None], {"@id": None},
    {"@context": "https://evil.example/ctx"}, {"@vocab": "https://evil.example/#"},
    {"@protected": False}, {"@type": "@json"}, {"@value": 1, "@type": "xsd:integer"},
    "https://www.w3.org/ns/credentials/v2", "https://evil.example/context.jsonld",
]

#: Keys worth adding: JSON-LD keywords, JOSE / SD-JWT / OpenID names.
KEY_POOL: list[str] = [
    "@context", "@id", "@type", "@vocab", "@base", "@protected", "@graph", "@included",
    "@reverse", "@nest", "@list", "@set", "@value", "@language", "@direction", "@import",
    "id", "type", "proof", "issuer", "credentialSubject", "credentialStatus", "validFrom",
    "validUntil", "holder", "verifiableCredential", "_sd", "_sd_alg", "...", "cnf", "jwk",
    "status", "status_list", "crit", "alg", "typ", "kid", "x5c", "jku", "iss", "aud", "nonce",
    "iat", "exp", "nbf", "sd_hash", "vct", "credentials", "claims", "path", "values",
    "credential_sets", "options", "required", "meta", "format", "client_id", "response_uri",
    "request_uri", "dcql_query", "grants", "credential_issuer", "tx_code", "proofs", "",
]

_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
junk_json: st.SearchStrategy[Any] = st.recursive(
    _scalars | st.sampled_from(SPECIAL_VALUES).map(copy.deepcopy),  # never share a mutable
    lambda inner: st.lists(inner, max_size=5)
    | st.dictionaries(st.sampled_from(KEY_POOL) | st.text(max_size=10), inner, max_size=5),
    max_leaves=25,
)

junk_text: st.SearchStrategy[str] = (
    st.text(max_size=400)
    | st.text(alphabet=B64 + ".~", max_size=600)
    | st.sampled_from(SPECIAL_STRINGS)
    | junk_json.map(lambda v: json.dumps(v, default=str))
)


def _deep(depth: int, kind: str) -> Any:
    value: Any = "leaf"
    for _ in range(depth):
        value = [value] if kind == "list" else {"a": value}
    return value


@st.composite
def _special(draw: st.DrawFn) -> Any:
    choice = draw(st.integers(0, 9))
    if choice == 0:
        return _deep(draw(st.integers(20, 400)), draw(st.sampled_from(["list", "dict"])))
    if choice == 1:
        return draw(st.sampled_from(SPECIAL_STRINGS))
    if choice <= 4:
        return copy.deepcopy(draw(st.sampled_from(SPECIAL_VALUES)))
    return draw(junk_json)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out.extend(_paths(v, (*prefix, k)))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out.extend(_paths(v, (*prefix, i)))
    return out


def _get(node: Any, path: tuple[Any, ...]) -> Any:
    for p in path:
        node = node[p]
    return node


@st.composite
def _mutate_text_once(draw: st.DrawFn, text: str) -> str:
    op = draw(st.integers(0, 7))
    n = len(text)
    i = draw(st.integers(0, n))
    j = draw(st.integers(i, min(n, i + 64)))
    if op == 0 and n:  # flip characters
        i = min(i, n - 1)
        pool = sorted(set(text)) + list(B64 + ".~{}[]\",:\\ \x00é")
        return text[:i] + draw(st.sampled_from(pool)) + text[i + 1 :]
    if op == 1:  # delete a range
        return text[:i] + text[j:]
    if op == 2:  # insert junk
        return text[:i] + draw(st.text(max_size=12) | st.sampled_from(SPECIAL_STRINGS[:40])) + text[i:]
    if op == 3:  # duplicate a range
        return text[:j] + text[i:j] + text[j:]
    if op == 4:  # truncate
        return text[:i]
    # segment-aware: the separators of compact JWS, SD-JWT, query strings, DIDs
    seps = [s for s in ("~", ".", "&", "=", ":", "/", ",") if s in text] or ["~"]
    sep = draw(st.sampled_from(seps))
    parts = text.split(sep)
    k = draw(st.integers(0, len(parts) - 1))
    if op == 5:  # drop or empty a segment
        if draw(st.booleans()):
            del parts[k]
        else:
            parts[k] = ""
    elif op == 6:  # duplicate or swap segments
        m = draw(st.integers(0, len(parts) - 1))
        if draw(st.booleans()):
            parts.insert(m, parts[k])
        else:
            parts[k], parts[m] = parts[m], parts[k]
    else:  # replace a segment with junk
        parts[k] = draw(st.text(alphabet=B64, max_size=80) | st.sampled_from(SPECIAL_STRINGS))
    return sep.join(parts)


@st.composite
def mutated_text(draw: st.DrawFn, text: str, max_ops: int = 4) -> str:
    """``text`` with 1 to ``max_ops`` random edits (characters, ranges, separated segments)."""
    for _ in range(draw(st.integers(1, max_ops))):
        text = draw(_mutate_text_once(text))
    return text


@st.composite
def _mutate_json_once(draw: st.DrawFn, doc: Any) -> Any:
    paths = _paths(doc)
    path = draw(st.sampled_from(paths))
    op = draw(st.integers(0, 8))
    if not path:  # the root itself
        if op <= 2:
            return draw(_special())
        if op == 3:
            return [doc]
        path = ()
    parent = _get(doc, path[:-1]) if path else None
    key = path[-1] if path else None
    node = _get(doc, path)
    if op == 0 and parent is not None:  # delete
        del parent[key]
    elif op in (1, 2) and parent is not None:  # replace with something hostile
        parent[key] = draw(_special())
    elif op == 3 and parent is not None:  # change the type
        parent[key] = draw(st.sampled_from([
            [node], str(node), {"@value": node}, len(str(node)), node is None,
        ]))
    elif op == 4 and isinstance(node, str) and parent is not None:  # edit a string
        parent[key] = draw(mutated_text(node, max_ops=2))
    elif op == 5 and isinstance(node, dict):  # add a key
        node[draw(st.sampled_from(KEY_POOL) | st.text(max_size=8))] = draw(_special())
    elif op == 6 and isinstance(node, dict) and node:  # rename a key
        old = draw(st.sampled_from(sorted(node, key=str)))
        node[draw(st.sampled_from(KEY_POOL) | st.text(max_size=8))] = node.pop(old)
    elif op == 7 and isinstance(node, list) and node:  # duplicate / reorder elements
        node.insert(draw(st.integers(0, len(node))), copy.deepcopy(draw(st.sampled_from(node))))
    elif op == 8 and isinstance(node, (int, float)) and not isinstance(node, bool) and parent is not None:
        parent[key] = draw(st.sampled_from([node + 1, node - 1, -node, node * 10**6, 2**64, 0]))
    elif parent is not None:
        parent[key] = draw(_special())
    return doc


@st.composite
def mutated_json(draw: st.DrawFn, doc: Any, max_ops: int = 3) -> Any:
    """A deep copy of ``doc`` with 1 to ``max_ops`` structural edits."""
    out = copy.deepcopy(doc)
    for _ in range(draw(st.integers(1, max_ops))):
        out = draw(_mutate_json_once(out))
    return out


def _decode_json_segment(segment: str) -> Any:
    try:
        return json.loads(b64url_decode(segment))
    except Exception:
        return None


Resign = Callable[[bytes], bytes]


@st.composite
def mutated_token(
    draw: st.DrawFn,
    token: str,
    *,
    signers: Sequence[Resign] = (),
) -> str:
    """Structure-aware edits of a compact JWS / SD-JWT(+KB): decode a JSON part (a JWS header
    or payload, or a Disclosure), edit it as JSON and encode it again; with ``signers``
    (``signing_input -> signature``) the edited JWS is re-signed, so the edit reaches the code
    behind the signature check. Falls back to text edits."""
    parts = token.split("~")
    k = draw(st.integers(0, len(parts) - 1))
    part = parts[k]
    pieces = part.split(".")
    if len(pieces) == 3:  # a JWS: edit header or payload, maybe re-sign
        which = draw(st.integers(0, 1))
        value = _decode_json_segment(pieces[which])
        if value is None:
            return draw(mutated_text(token))
        value = draw(mutated_json(value, max_ops=2))
        try:
            pieces[which] = b64url_encode(json.dumps(value, allow_nan=True).encode())
        except (TypeError, ValueError):
            return draw(mutated_text(token))
        resign: bool = bool(signers) and draw(st.booleans())
        if resign:
            sign: Resign = draw(st.sampled_from(list(signers)))
            pieces[2] = b64url_encode(sign(f"{pieces[0]}.{pieces[1]}".encode()))
        parts[k] = ".".join(pieces)
    else:
        value = _decode_json_segment(part)
        if value is None:
            return draw(mutated_text(token))
        value = draw(mutated_json(value, max_ops=2))
        parts[k] = b64url_encode(json.dumps(value, default=str).encode())
    return "~".join(parts)


@st.composite
def mutated_bytes(draw: st.DrawFn, data: bytes, max_ops: int = 4) -> bytes:
    """``data`` with flipped bits, overwritten / deleted / duplicated ranges, or truncated."""
    buf = bytearray(data)
    for _ in range(draw(st.integers(1, max_ops))):
        n = len(buf)
        if not n:
            break
        i = draw(st.integers(0, n - 1))
        op = draw(st.integers(0, 4))
        if op == 0:
            buf[i] ^= 1 << draw(st.integers(0, 7))
        elif op == 1:
            chunk = draw(st.binary(min_size=1, max_size=16))
            buf[i : i + len(chunk)] = chunk
        elif op == 2:
            del buf[i : i + draw(st.integers(1, 64))]
        elif op == 3:
            j = min(n, i + draw(st.integers(1, 64)))
            buf[j:j] = buf[i:j]
        else:
            del buf[i:]
    return bytes(buf)


def one_of_mutations(valid: Sequence[Any], mutate: Callable[[Any], st.SearchStrategy[Any]],
                     junk: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly mutations of the valid inputs, some untouched valid inputs, some pure junk."""
    base = st.sampled_from(list(valid)).map(copy.deepcopy)
    return st.one_of(
        base.flatmap(mutate), base.flatmap(mutate), base.flatmap(mutate), junk, base,
    )
