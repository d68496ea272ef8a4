"""KEK lookup: a KEK given in the settings stands for ``<PREFIX>KEK`` and is checked the same way."""

from __future__ import annotations

from pathlib import Path

import pytest

from rotonde.encoding import b64url_encode
from rotonde.errors import ConfigurationError, RotondeError
from servicekit.crypto import SecretBox, load_kek, load_previous_keks, load_secret_box


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


def test_previous_keks_open_old_secrets_and_new_ones_use_the_current(tmp_path: Path) -> None:
    old, new = bytes(range(32)), bytes(range(1, 33))
    sealed = SecretBox(old).encrypt_text("tenant key", aad="row-1")
    box = load_secret_box("ROTONDE_X_", dev=False, data_dir=tmp_path, environ={
        "ROTONDE_X_KEK": b64url_encode(new), "ROTONDE_X_KEK_PREVIOUS": b64url_encode(old)})
    assert box.decrypt_text(sealed, aad="row-1") == "tenant key"
    assert not box.is_current(sealed)
    resealed = box.reseal_text(sealed, aad="row-1")
    assert box.is_current(resealed)
    assert SecretBox(new).decrypt_text(resealed, aad="row-1") == "tenant key"
    with pytest.raises(RotondeError) as tampered:  # the associated data still binds the row
        box.reseal_text(sealed, aad="row-2")
    assert tampered.value.code == "secret.tampered"
    with pytest.raises(ConfigurationError) as wrong:
        SecretBox(new).decrypt_text(sealed, aad="row-1")
    assert wrong.value.code == "secret.wrong_kek"


def test_previous_keks_from_a_file_and_bad_values(tmp_path: Path) -> None:
    keks = [bytes([i]) * 32 for i in range(3)]
    listed = tmp_path / "previous"
    listed.write_text("\n".join(b64url_encode(k) for k in keks[1:]) + "\n")
    env = {"ROTONDE_X_KEK_PREVIOUS": b64url_encode(keks[0]),
           "ROTONDE_X_KEK_PREVIOUS_FILE": str(listed)}
    assert load_previous_keks("ROTONDE_X_", env) == tuple(keks)
    assert load_previous_keks("ROTONDE_X_", {}) == ()
    with pytest.raises(ConfigurationError) as bad:
        load_previous_keks("ROTONDE_X_", {"ROTONDE_X_KEK_PREVIOUS": "short"})
    assert bad.value.code == "config.kek_invalid" and "KEK_PREVIOUS" in bad.value.message
    with pytest.raises(ConfigurationError) as missing:
        load_previous_keks("ROTONDE_X_", {"ROTONDE_X_KEK_PREVIOUS_FILE": str(tmp_path / "nope")})
    assert missing.value.code == "config.kek_file_unreadable"
