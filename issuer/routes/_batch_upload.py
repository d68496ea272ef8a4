"""Reading a batch request body item by item (``POST /api/v1/batches``).

The body is read chunk by chunk (:class:`servicekit.jsonstream.ArrayStream`); every item is
checked the moment it is complete — size (``batch_item_max_bytes``, 413), shape (the
``IssueRequest`` model, 422 with ``/items/<n>/...`` pointers), per-learner fields
(:func:`issuer.flows.catalogue.check_extra`) — and kept only as its compact JSON text, so one
tenant's upload costs about its own size in memory, never many times it. The first bad item
refuses the whole batch (nothing is stored); the rest of the body is then read and dropped, so
the client gets the answer instead of a reset connection.
"""

from __future__ import annotations

import hashlib
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel
from pydantic import ValidationError as ModelError
from starlette.concurrency import run_in_threadpool

from issuer.context import dumps
from issuer.flows.catalogue import check_extra
from rotonde.errors import ParseError, Problem, RotondeError, ValidationError
from servicekit import HttpProblem
from servicekit.jsonstream import ArrayStream

__all__ = ["BatchUpload"]


class BatchUpload:
    """The validated items of one batch body, as JSON texts, and a digest of them."""

    def __init__(self, item_model: type[BaseModel], *, max_items: int,
                 max_item_bytes: int) -> None:
        self.model = item_model
        self.stream = ArrayStream("items", max_item_bytes=max_item_bytes, max_items=max_items)
        self.items: list[str] = []
        self._digest = hashlib.sha256()

    @property
    def digest(self) -> str:
        """SHA-256 over the items (the request's fingerprint for ``Idempotency-Key``)."""
        return self._digest.hexdigest()

    async def read(self, request: Request) -> None:
        """Read and check the whole body; raises the first problem (after draining)."""
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype != "application/json":
            raise HttpProblem(415, "request.unsupported_media_type",
                              "the body must be application/json",
                              detail_nl="de body moet application/json zijn")
        error: Exception | None = None
        async for chunk in request.stream():
            if error is None and chunk:
                try:
                    await run_in_threadpool(self.feed, chunk)
                except (HttpProblem, RotondeError, RequestValidationError) as exc:
                    error = exc  # keep reading (and dropping) what the client still sends
        if error is None:
            await run_in_threadpool(self.close)
        else:
            raise error

    def feed(self, chunk: bytes) -> None:
        for raw in self.stream.feed(chunk):
            self._add(raw)

    def close(self) -> None:
        self.stream.close()
        if not self.items:
            raise ValidationError("request.no_items", "a batch needs at least one item",
                                  message_nl="een batch heeft minstens één item nodig",
                                  pointer="/items")

    def _add(self, raw: bytes) -> None:
        seq = len(self.items)
        try:
            value: Any = ArrayStream.decode(raw, what=f"item {seq}")
        except ParseError as exc:
            first = exc.problems[0]
            raise ParseError(problems=[Problem(first.code, first.message, first.message_nl,
                                               f"/items/{seq}")]) from None
        try:
            item = self.model.model_validate(value)
        except ModelError as exc:
            raise RequestValidationError([
                {**err, "loc": ("body", "items", seq, *err.get("loc", ()))}
                for err in exc.errors(include_url=False, include_context=False)]) from None
        data = item.model_dump(exclude_none=True)
        check_extra(data.get("extra"), pointer=f"/items/{seq}/extra")
        text = dumps(data)
        self.items.append(text)
        self._digest.update(text.encode() + b"\n")
