"""QR codes: render text as an SVG (for offer pages and share screens).

:func:`qr_svg` uses the ``qrcode`` package's path-based SVG image (one ``<path>``, no inline
script or style, safe to inline under a strict CSP). Error correction level M (ISO/IEC 18004).
Decoding QR codes from uploaded images needs image libraries and lives with the services
(:mod:`servicekit.qrscan`).
"""

from __future__ import annotations

import io
import re

from rotonde.errors import ParseError

__all__ = ["MAX_QR_TEXT", "qr_svg"]

#: Largest text accepted by :func:`qr_svg` (QR version 40-M holds 2331 bytes).
MAX_QR_TEXT = 2331

_XML_DECL = re.compile(r"<\?xml[^>]*\?>\s*")


def qr_svg(text: str, *, box_size: int = 10, border: int = 4, title: str | None = None) -> str:
    """An SVG document (without XML declaration, ready to inline in HTML) encoding ``text``."""
    import qrcode
    import qrcode.constants
    import qrcode.image.svg

    data = text.encode("utf-8")
    if not data or len(data) > MAX_QR_TEXT:
        raise ParseError(
            "qr.text_size",
            f"QR text must be 1 to {MAX_QR_TEXT} bytes",
            message_nl=f"QR-tekst moet 1 tot {MAX_QR_TEXT} bytes zijn",
        )
    qr = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        box_size=box_size,
        border=border,
        image_factory=qrcode.image.svg.SvgPathFillImage,
    )
    qr.add_data(data)
    qr.make(fit=True)
    image = qr.make_image()
    buf = io.BytesIO()
    image.save(buf)
    svg = _XML_DECL.sub("", buf.getvalue().decode("utf-8"))
    if title:
        from html import escape

        label = escape(title)
        svg = svg.replace(">", f' role="img" aria-label="{label}"><title>{label}</title>', 1)
    return svg
