"""rotonde.qr: SVG rendering and decoding from images with size caps."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from rotonde.errors import ParseError
from rotonde.qr import qr_svg
from servicekit.qrscan import MAX_IMAGE_BYTES, decode_qr, decode_qr_all
from tests.conftest import examples


def _png(text: str) -> bytes:
    import qrcode

    buf = io.BytesIO()
    qrcode.make(text).save(buf)
    return buf.getvalue()


def test_svg_is_inline_safe() -> None:
    svg = qr_svg("openid-credential-offer://?credential_offer_uri=https%3A%2F%2Fi.example%2Fo",
                 title='Scan "me" <now>')
    assert svg.startswith("<svg") and "<?xml" not in svg and "<script" not in svg
    assert "&lt;now&gt;" in svg and "<path" in svg


def test_text_limits() -> None:
    with pytest.raises(ParseError):
        qr_svg("")
    with pytest.raises(ParseError):
        qr_svg("x" * 3000)


@settings(max_examples=examples(15))
@given(st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), min_size=1,
               max_size=200))
def test_round_trip(text: str) -> None:
    assert decode_qr(_png(text)) == text


def test_decode_formats_and_caps() -> None:
    text = "openid-credential-offer://?credential_offer_uri=https%3A%2F%2Fi.example%2Fo%2F1"
    img = Image.open(io.BytesIO(_png(text))).convert("RGB")
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=90)
    assert decode_qr(buf.getvalue()) == text
    blank = io.BytesIO()
    Image.new("L", (50, 50), 255).save(blank, format="PNG")
    assert decode_qr_all(blank.getvalue()) == []
    with pytest.raises(ParseError) as err:
        decode_qr(blank.getvalue())
    assert err.value.code == "qr.not_found"
    with pytest.raises(ParseError) as err:
        decode_qr(b"\x89PNG" + b"\0" * (MAX_IMAGE_BYTES + 1))
    assert err.value.code == "qr.image_too_large"
    big = io.BytesIO()
    Image.new("1", (6000, 5000), 1).save(big, format="PNG")
    with pytest.raises(ParseError) as err:
        decode_qr(big.getvalue())
    assert err.value.code == "qr.image_too_large"
    with pytest.raises(ParseError):
        decode_qr(b"")


@given(st.binary(max_size=2000))
def test_garbage_images_raise_parse_error(data: bytes) -> None:
    try:
        decode_qr(data)
    except ParseError:
        pass
