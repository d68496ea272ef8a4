"""Decode an uploaded photo or screenshot of a QR code on the server (size-capped)."""

from __future__ import annotations

from rotonde.errors import ParseError, RotondeError
from servicekit.qrscan import decode_qr

__all__ = ["decode_upload"]


def decode_upload(data: bytes, *, max_bytes: int) -> str:
    if not data:
        raise ParseError("qr.empty", "no image was uploaded", message_nl="er is geen afbeelding geüpload")
    if len(data) > max_bytes:
        raise ParseError("qr.too_large", f"the image is larger than {max_bytes // 1024} KiB",
                         message_nl=f"de afbeelding is groter dan {max_bytes // 1024} KiB")
    try:
        return decode_qr(data)
    except RotondeError:
        raise
    except Exception:  # an image library surprise is still "unreadable", never a 500
        raise ParseError("qr.unreadable", "no QR code could be read from the image",
                         message_nl="er kon geen QR-code uit de afbeelding worden gelezen") from None
