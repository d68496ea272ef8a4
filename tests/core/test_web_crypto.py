"""KEK lookup: a KEK given in the settings stands for ``<PREFIX>KEK`` and is checked the same way."""

from __future__ import annotations

from pathlib import Path

import pytest

from rotonde.encoding import b64url_encode
from rotonde.errors import ConfigurationError
from rotonde.web.crypto import load_kek


def test_explicit_kek_wins_and_is_validated(tmp_path: Path) -> None:
    kek = bytes(range(32))
    env = {"ROTONDE_X_KEK": b64url_encode(bytes(32))}
    assert load_kek("ROTONDE_X_", dev=False, data_dir=tmp_path, environ=env,
                    explicit=b64url_encode(kek)) == kek
    assert load_kek("ROTONDE_X_", dev=False, data_dir=tmp_path, environ=env) == bytes(32)
    with pytest.raises(ConfigurationError) as info:
        load_kek("ROTONDE_X_", dev=True, data_dir=tmp_path, environ={}, explicit="too-short")
    assert info.value.code == "config.kek_invalid" and "ROTONDE_X_KEK" in info.value.message
    assert not (tmp_path / "kek").exists()  # nothing generated when a KEK was given
