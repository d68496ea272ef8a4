"""Decode QR codes from camera or screenshot images (the wallet's and verifier's uploads).

:func:`decode_qr` decodes with zxing-cpp from PNG/JPEG/WebP/GIF/BMP bytes via Pillow, with caps
on the encoded size and the pixel count (decompression bombs are refused before decoding).
Errors are :class:`rotonde.errors.ParseError` with ``qr.*`` codes. Rendering QR codes is core
(:func:`rotonde.qr.qr_svg`).
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Callable
from typing import Any

from rotonde.errors import ParseError

__all__ = ["MAX_IMAGE_BYTES", "MAX_IMAGE_PIXELS", "decode_qr", "decode_qr_all"]

#: Largest encoded image accepted by :func:`decode_qr` (8 MiB).
MAX_IMAGE_BYTES = 8 * 1024 * 1024
#: Largest decoded image (pixels) accepted by :func:`decode_qr` (about 24 megapixels).
MAX_IMAGE_PIXELS = 24_000_000

#: zxing-cpp refuses (``ValueError``) images with a side longer than this.
_MAX_SIDE = 65_535


def _open_image(data: bytes) -> Any:
    from PIL import Image

    if not isinstance(data, (bytes, bytearray)) or not data:
        raise ParseError("qr.image_empty", "no image data", message_nl="geen afbeeldingsgegevens")
    if len(data) > MAX_IMAGE_BYTES:
        raise ParseError(
            "qr.image_too_large",
            f"image is larger than {MAX_IMAGE_BYTES} bytes",
            message_nl=f"afbeelding is groter dan {MAX_IMAGE_BYTES} bytes",
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(bytes(data)))
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS or max(width, height) > _MAX_SIDE:
                raise ParseError(
                    "qr.image_too_large",
                    f"image has more than {MAX_IMAGE_PIXELS} pixels or a side over {_MAX_SIDE}",
                    message_nl=f"afbeelding heeft meer dan {MAX_IMAGE_PIXELS} pixels of een zijde "
                    f"langer dan {_MAX_SIDE}",
                )
            if image.format not in ("PNG", "JPEG", "WEBP", "GIF", "BMP"):
                raise ParseError(
                    "qr.image_format",
                    f"unsupported image format {image.format}",
                    message_nl=f"niet-ondersteund afbeeldingsformaat {image.format}",
                )
            image.load()
            return image.convert("L")
    except ParseError:
        raise
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError, Warning) as exc:
        raise ParseError(
            "qr.image_unreadable",
            f"image cannot be read: {type(exc).__name__}",
            message_nl="afbeelding kan niet worden gelezen",
        ) from None


def decode_qr_all(data: bytes) -> list[str]:
    """All QR code texts found in an image (possibly empty)."""
    import zxingcpp

    image = _open_image(data)
    reader: Callable[..., Any] = zxingcpp.read_barcodes
    try:
        results = reader(image, formats=zxingcpp.BarcodeFormat.QRCode)
    except ValueError as exc:  # the decoder's own limits
        raise ParseError(
            "qr.image_unreadable",
            f"image cannot be read: {exc}",
            message_nl="afbeelding kan niet worden gelezen",
        ) from None
    return [r.text for r in results if r.valid]


def decode_qr(data: bytes) -> str:
    """The text of the one QR code in an image; ``qr.not_found`` if there is none."""
    texts = decode_qr_all(data)
    if not texts:
        raise ParseError(
            "qr.not_found",
            "no QR code found in the image",
            message_nl="geen QR-code gevonden in de afbeelding",
        )
    return texts[0]
