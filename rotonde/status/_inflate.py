"""Bounded decompression for status lists (zip-bomb safe)."""

from __future__ import annotations

import zlib

from rotonde.errors import StatusError

__all__ = ["inflate_capped"]


def inflate_capped(data: bytes, max_bytes: int, *, gzip: bool) -> bytes:
    """Decompress one GZIP (RFC 1952) or ZLIB (RFC 1950) stream of at most ``max_bytes``.

    Refuses output beyond the cap (``status.too_large``), corrupt, truncated or trailing data
    (``status.encoding``). Never allocates more than ``max_bytes + 1`` bytes of output.
    """
    what = "GZIP" if gzip else "ZLIB"
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS if gzip else zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, max_bytes + 1)
    except zlib.error:
        raise StatusError(
            "status.encoding",
            f"status list is not valid {what}",
            message_nl=f"statuslijst is geen geldige {what}",
        ) from None
    if len(out) > max_bytes or inflater.unconsumed_tail:
        raise StatusError(
            "status.too_large",
            f"status list expands beyond {max_bytes} bytes",
            message_nl=f"statuslijst wordt groter dan {max_bytes} bytes",
            detail={"max_bytes": max_bytes},
        )
    if not inflater.eof or inflater.unused_data:
        raise StatusError(
            "status.encoding",
            f"status list {what} data is truncated or has trailing bytes",
            message_nl=f"{what}-gegevens van de statuslijst zijn afgekapt of hebben extra bytes",
        )
    return out
