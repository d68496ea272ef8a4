"""Fuzz: what a learner or an employer can upload or scan -- wallet backups (restored into a
real SQLite wallet), QR code images, the verifier's share-text parser and the wallet's
request-link reader."""

from __future__ import annotations

import atexit
import shutil
import struct
import tempfile
import zlib
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from rotonde.encoding import b64url_encode
from rotonde.errors import RotondeError
from servicekit.qrscan import decode_qr
from tests.fuzz._corpus import BACKUP_PASSPHRASE, CLOCK, C
from tests.fuzz._harness import exercise, fuzz_settings
from tests.fuzz._mutate import (
    junk_json,
    junk_text,
    mutated_bytes,
    mutated_json,
    mutated_text,
    one_of_mutations,
)
from verifier.flows.scan import parse_share_text
from wallet.flows.present import read_request


@lru_cache(maxsize=1)
def _wallet() -> tuple[Any, Any, str]:
    """A real wallet database (SQLite, migrated) with one account."""
    from tests.wallet.wallet_helpers import make_settings
    from wallet.app import create_app
    from wallet.flows.accounts import create_account

    tmp = Path(tempfile.mkdtemp(prefix="rotonde-fuzz-wallet-"))
    app = create_app(make_settings(tmp))
    state = app.state.wallet
    atexit.register(shutil.rmtree, tmp, ignore_errors=True)
    atexit.register(state.db.dispose)
    with state.db.session() as s:
        account = create_account(s, state.box, CLOCK, "fuzzer", "een lang genoeg wachtwoord")
    return state.db, state.box, account


def _restore(data: bytes) -> int:
    from wallet.flows.accounts import vault_for
    from wallet.flows.backup import restore_backup

    db, box, account = _wallet()
    with db.session() as s:
        return restore_backup(s, vault_for(s, box, account), data, passphrase=BACKUP_PASSPHRASE)


def _backup_envelope_edit() -> st.SearchStrategy[bytes]:
    import json

    env = json.loads(C.backup)
    return mutated_json(env).map(lambda v: json.dumps(v, default=str).encode())


@fuzz_settings(40)
@given(st.one_of(_backup_envelope_edit(), mutated_bytes(C.backup), st.binary(max_size=300),
                 st.just(C.backup)))
def test_restore_backup(data: bytes) -> None:
    _wallet()  # set up outside the measured case
    exercise("wallet.restore_backup", _restore, data)


def _png_chunk_edit(png: bytes, draw: st.DrawFn) -> bytes:
    """Edit a chunk's fields and fix its CRC, so the edit passes the PNG checksum: huge or zero
    dimensions (decompression bombs), odd bit depths, a truncated or inflated IDAT."""
    pos, chunks = 8, []
    while pos + 8 <= len(png):
        length, kind = struct.unpack(">I4s", png[pos:pos + 8])
        chunks.append([kind, bytearray(png[pos + 8:pos + 8 + length])])
        pos += 12 + length
    kind, body = chunks[draw(st.integers(0, len(chunks) - 1))]
    if kind == b"IHDR":
        field = draw(st.sampled_from([(0, ">I"), (4, ">I"), (8, ">B"), (9, ">B"), (12, ">B")]))
        value = draw(st.sampled_from([0, 1, 3, 16, 255, 65535, 100_000, 2**31 - 1]))
        try:
            struct.pack_into(field[1], body, field[0], value)
        except struct.error:
            struct.pack_into(field[1], body, field[0], 0)
    elif kind == b"IDAT":
        if draw(st.booleans()):
            body[:] = zlib.compress(bytes(draw(st.integers(1, 4)) * 1024 * 1024))
        else:
            del body[draw(st.integers(0, max(0, len(body) - 1))):]
    else:
        body[:] = draw(st.binary(max_size=32))
    out = bytearray(png[:8])
    for kind, body in chunks:
        out += struct.pack(">I", len(body)) + kind + body
        out += struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    return bytes(out)


@st.composite
def _pngs(draw: st.DrawFn) -> bytes:
    png = draw(st.sampled_from(C.qr_pngs))
    if draw(st.booleans()):
        return _png_chunk_edit(png, draw)
    return draw(mutated_bytes(png))


@fuzz_settings(80)
@given(_pngs() | st.binary(max_size=400) | st.sampled_from(C.qr_pngs))
def test_decode_qr(image: bytes) -> None:
    exercise("qr.decode_qr", decode_qr, image)


def _share_inputs() -> st.SearchStrategy[str]:
    import json

    env = {"type": "rotonde-share", "version": 1, "share_id": "S" * 22, "nonce": "N" * 22,
           "expires_at": "2026-09-21T01:00:00Z", "presentations": [C.sdjwts[1]]}
    edited_env = mutated_json(env).map(
        lambda v: "rotonde-share:" + b64url_encode(json.dumps(v, default=str).encode()))
    return one_of_mutations(C.share_texts, mutated_text, junk_text) | edited_env | st.sampled_from(
        ["https://verifier.rotonde.example/s/" + "A" * 22, "http://127.0.0.1:8080/s/" + "B" * 22,
         "https://169.254.169.254/s/" + "C" * 22])


#: ``parse_share_text`` only reads ``ctx.fetcher``: the real, offline Fetcher.
_VERIFIER_CTX = SimpleNamespace(fetcher=C.fetcher)


@fuzz_settings(150)
@given(_share_inputs())
def test_verifier_share_text(text: str) -> None:
    exercise("verifier.parse_share_text", lambda t: parse_share_text(_VERIFIER_CTX, t), text)  # type: ignore[arg-type]


@fuzz_settings(100)
@given(one_of_mutations(C.invocations, mutated_text, junk_text)
       | st.sampled_from(C.invocations).flatmap(lambda u: mutated_json({"u": u}).map(str)))
def test_wallet_read_request(text: str) -> None:
    exercise("wallet.read_request",
             lambda t: read_request(t, fetcher=C.fetcher, resolver=C.resolver, clock=CLOCK,
                                    allow_http=False), text)


@fuzz_settings(60)
@given(junk_json)
def test_share_text_from_json(value: Any) -> None:
    import json

    exercise("verifier.parse_share_text", lambda t: parse_share_text(_VERIFIER_CTX, t),  # type: ignore[arg-type]
             json.dumps(value, default=str), allowed=(RotondeError,))
