"""Read the elements of a JSON array out of a request body as it arrives (RFC 8259 §2-§7).

A bulk request such as ``{"items": [{...}, {...}, ...]}`` parsed as a whole costs many times its
size in Python objects (the review measured 2.9 GiB for a 57 MiB batch). :class:`ArrayStream`
is fed the body chunk by chunk and hands out each array element as raw bytes the moment it is
complete, so only one element is ever buffered:

* the body must be an object with exactly one member, the array (``member``);
* each element must be an object of at most ``max_item_bytes`` (refused as soon as the
  element grows past it, before the rest arrives: ``request.item_too_large``, 413);
* at most ``max_items`` elements (``request.too_many_items``, 422);
* anything else malformed is ``request.malformed_json`` (400) with the byte offset.

The element bytes are then decoded (depth-capped) by :func:`rotonde.encoding.loads_json`.
"""

from __future__ import annotations

import re
from typing import Any

from rotonde.encoding import loads_json
from rotonde.errors import Problem
from servicekit.problem import HttpProblem

__all__ = ["ArrayStream"]

_WS = b" \t\r\n"
#: Outside strings: the characters that change nesting or start a string.
_STRUCTURAL = re.compile(rb'[{}\[\]"]')
#: Inside a string: its end or an escape.
_IN_STRING = re.compile(rb'["\\]')
#: A member name of at most 256 characters.
_NAME = re.compile(rb'"(?:[^"\\]|\\.){0,256}"')


class ArrayStream:
    """Incremental splitter for ``{"<member>": [<object>, ...]}``."""

    def __init__(self, member: str, *, max_item_bytes: int, max_items: int) -> None:
        self.member = member
        self.max_item_bytes = max_item_bytes
        self.max_items = max_items
        self.count = 0
        self._buf = bytearray()
        self._offset = 0  # body offset of _buf[0]
        self._pos = 0  # scan position in _buf
        self._state = "open"
        self._elem_start = 0
        self._depth = 0
        self._in_string = False

    # -- errors -----------------------------------------------------------------------------

    def _malformed(self, why: str) -> HttpProblem:
        at = self._offset + self._pos
        return HttpProblem(400, "request.malformed_json", f"the body is not valid: {why} "
                           f"(at byte {at})", detail_nl=f"de body is ongeldig: {why} "
                           f"(bij byte {at})")

    def _pointer(self) -> str:
        return f"/{self.member}/{self.count}"

    # -- feeding ----------------------------------------------------------------------------

    def feed(self, chunk: bytes) -> list[bytes]:
        """Add the next piece of the body; returns the elements completed by it."""
        self._buf += chunk
        out: list[bytes] = []
        while self._step(out):
            pass
        # keep only what is still needed: the element being read (or nothing)
        keep = self._elem_start if self._state == "element" else self._pos
        if keep:
            del self._buf[:keep]
            self._offset += keep
            self._pos -= keep
            if self._state == "element":
                self._elem_start = 0
        return out

    def close(self) -> None:
        """The body has ended: it must have been complete."""
        if self._state != "end":
            raise self._malformed("the body ended early")

    def _skip_ws(self) -> bool:
        """Skip whitespace; False when the buffer is used up."""
        buf, n = self._buf, len(self._buf)
        while self._pos < n and buf[self._pos] in _WS:
            self._pos += 1
        return self._pos < n

    def _expect(self, char: bytes, state: str, why: str) -> bool:
        if not self._skip_ws():
            return False
        if self._buf[self._pos:self._pos + 1] != char:
            raise self._malformed(why)
        self._pos += 1
        self._state = state
        return True

    def _step(self, out: list[bytes]) -> bool:
        """Advance the state machine; False when more input is needed."""
        state = self._state
        if state == "open":
            return self._expect(b"{", "key", "expected a JSON object")
        if state == "key":
            return self._key()
        if state == "colon":
            return self._expect(b":", "array", "expected ':'")
        if state == "array":
            return self._expect(b"[", "first", f"{self.member!r} must be an array")
        if state in ("first", "next"):
            if not self._skip_ws():
                return False
            char = self._buf[self._pos:self._pos + 1]
            if char == b"]" and state == "first":
                self._pos += 1
                self._state = "after"
                return True
            if char != b"{":
                raise HttpProblem(422, "request.item_not_object",
                                  f"each element of {self.member!r} must be an object",
                                  detail_nl=f"elk element van {self.member!r} moet een object "
                                            f"zijn", errors=[Problem(
                                      "request.item_not_object", "must be an object",
                                      "moet een object zijn", self._pointer())])
            if self.count >= self.max_items:
                raise HttpProblem(422, "request.too_many_items",
                                  f"at most {self.max_items} {self.member} per request",
                                  detail_nl=f"hooguit {self.max_items} {self.member} per verzoek")
            self._elem_start, self._depth, self._in_string = self._pos, 0, False
            self._state = "element"
            return True
        if state == "element":
            return self._element(out)
        if state == "separator":
            if not self._skip_ws():
                return False
            char = self._buf[self._pos:self._pos + 1]
            self._pos += 1
            if char == b",":
                self._state = "next"
            elif char == b"]":
                self._state = "after"
            else:
                self._pos -= 1
                raise self._malformed("expected ',' or ']'")
            return True
        if state == "after":
            if not self._skip_ws():
                return False
            if self._buf[self._pos:self._pos + 1] == b",":
                raise HttpProblem(422, "request.unknown_member",
                                  f"the body may only hold {self.member!r}",
                                  detail_nl=f"de body mag alleen {self.member!r} bevatten")
            return self._expect(b"}", "end", "expected '}'")
        # end: only whitespace may follow
        if self._skip_ws():
            raise self._malformed("unexpected data after the object")
        return False

    def _key(self) -> bool:
        if not self._skip_ws():
            return False
        if self._buf[self._pos:self._pos + 1] != b'"':
            raise self._malformed("expected a member name")
        match = _NAME.match(self._buf, self._pos)
        if match is None:
            if len(self._buf) - self._pos > 600:
                raise self._malformed("member name too long")
            return False  # not complete yet
        name = loads_json(match.group(0), what="member name")
        if name != self.member:
            raise HttpProblem(422, "request.unknown_member",
                              f"the body may only hold {self.member!r}, not {name!r}",
                              detail_nl=f"de body mag alleen {self.member!r} bevatten, niet "
                                        f"{name!r}")
        self._pos = match.end()
        self._state = "colon"
        return True

    def _element(self, out: list[bytes]) -> bool:
        buf, n = self._buf, len(self._buf)
        pos = self._pos
        while True:
            if pos - self._elem_start > self.max_item_bytes:
                self._pos = pos
                raise self._too_large()
            if self._in_string:
                m = _IN_STRING.search(buf, pos)
                if m is None:
                    pos = n
                    break
                if m.group() == b"\\":
                    if m.end() >= n:  # the escaped character is in the next chunk
                        pos = m.start()
                        break
                    pos = m.end() + 1
                    continue
                self._in_string = False
                pos = m.end()
                continue
            m = _STRUCTURAL.search(buf, pos)
            if m is None:
                pos = n
                break
            char = m.group()
            pos = m.end()
            if char == b'"':
                self._in_string = True
            elif char in (b"{", b"["):
                self._depth += 1
            else:
                self._depth -= 1
                if self._depth == 0:
                    if pos - self._elem_start > self.max_item_bytes:
                        self._pos = pos
                        raise self._too_large()
                    out.append(bytes(buf[self._elem_start:pos]))
                    self.count += 1
                    self._pos = pos
                    self._state = "separator"
                    return True
        self._pos = pos
        if pos - self._elem_start > self.max_item_bytes:
            raise self._too_large()
        return False

    def _too_large(self) -> HttpProblem:
        limit = self.max_item_bytes
        return HttpProblem(
            413, "request.item_too_large",
            f"element {self.count} of {self.member!r} is larger than {limit} bytes",
            detail_nl=f"element {self.count} van {self.member!r} is groter dan {limit} bytes",
            errors=[Problem("request.item_too_large", f"larger than {limit} bytes",
                            f"groter dan {limit} bytes", self._pointer())])

    @staticmethod
    def decode(raw: bytes, what: str = "item") -> Any:
        """One element's value (depth-capped)."""
        return loads_json(raw, what=what)
