"""The settings loader converts by each field's real type (servicekit.envsettings): every field
of the three services has a converter, ``X | None`` reads empty as "not set", bad values name
the variable and what it must be (en + nl), an unsupported field type fails when the loader is
made, and ``serve --workers``' hand-down (settings_environment) reads back unchanged."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pytest

from issuer.settings import ENV_PREFIX as ISSUER
from issuer.settings import IssuerSettings
from issuer.settings import load_settings as issuer_settings
from rotonde.errors import ConfigurationError
from servicekit.envsettings import EnvLoader
from servicekit.serving import settings_environment
from verifier.settings import ENV_PREFIX as VERIFIER
from verifier.settings import VerifierSettings
from verifier.settings import load_settings as verifier_settings
from wallet.settings import ENV_PREFIX as WALLET
from wallet.settings import WalletSettings
from wallet.settings import load_settings as wallet_settings


@dataclass(frozen=True, kw_only=True)
class Knobs:
    ratio: float = 0.5
    mode: Literal["fast", "safe"] = "safe"
    limit: int | None = None
    names: tuple[str, ...] = ()
    where: Path | None = None


def test_every_service_field_has_a_converter() -> None:
    for cls, prefix in ((IssuerSettings, ISSUER), (WalletSettings, WALLET),
                        (VerifierSettings, VERIFIER)):
        loader = EnvLoader(cls, prefix)
        assert all(f.variable == prefix + name.upper() for name, f in loader.fields.items())
    assert EnvLoader(VerifierSettings, VERIFIER).fields["staff_login"].kind == \
        "true/false, or empty"


def test_optional_fields_read_empty_as_not_set(tmp_path: Path) -> None:
    env = {"ROTONDE_WALLET_DEV": "1", "ROTONDE_WALLET_DATA_DIR": str(tmp_path),
           "ROTONDE_WALLET_PATHWAYS_DIR": "", "ROTONDE_WALLET_HSTS": " ",
           "ROTONDE_WALLET_DB_SCHEMA": ""}
    s = wallet_settings(env)
    # before: Path("") (the current directory), False and "" (refused by validate)
    assert s.pathways_dir is None and s.hsts is None and s.db_schema is None
    # before: an empty STAFF_LOGIN read as "off" and opened the employer pages in production
    v = verifier_settings({"ROTONDE_VERIFIER_STAFF_LOGIN": "",
                           "ROTONDE_VERIFIER_PUBLIC_URL": "https://verifier.example",
                           "ROTONDE_VERIFIER_DATA_DIR": str(tmp_path)})
    assert v.staff_login is None and v.require_staff


def test_other_types_and_choices() -> None:
    load = EnvLoader(Knobs, "K_")
    k = load({"K_RATIO": "0.25", "K_MODE": "fast", "K_LIMIT": "7", "K_NAMES": " a, ,b ",
              "K_WHERE": "/srv/x"})
    assert k == Knobs(ratio=0.25, mode="fast", limit=7, names=("a", "b"), where=Path("/srv/x"))
    assert load({"K_LIMIT": ""}).limit is None
    for env, en, nl in (
        ({"K_MODE": "quick"}, "K_MODE must be one of fast|safe, not 'quick'",
         "K_MODE moet een van fast|safe zijn"),
        ({"K_RATIO": "nan"}, "K_RATIO must be a finite number", "K_RATIO moet een eindig getal"),
        ({"K_LIMIT": "7.5"}, "K_LIMIT must be a whole number", "K_LIMIT moet een geheel getal"),
    ):
        with pytest.raises(ConfigurationError) as err:
            load(env)
        problem = err.value.problems[0]
        assert problem.code == "config.invalid_value"
        assert problem.message.startswith(en) and problem.message_nl.startswith(nl)


def test_bad_service_values_name_the_variable_and_why() -> None:
    with pytest.raises(ConfigurationError) as err:
        issuer_settings({"ROTONDE_ISSUER_PORT": "eighty"})
    assert err.value.message == "ROTONDE_ISSUER_PORT must be a whole number, not 'eighty'"
    assert err.value.problems[0].message_nl.startswith("ROTONDE_ISSUER_PORT moet een geheel")
    with pytest.raises(ConfigurationError) as err:
        issuer_settings({"ROTONDE_ISSUER_DEV": "maybe"})
    assert err.value.code == "config.invalid_flag" and "ROTONDE_ISSUER_DEV" in err.value.message


def test_an_unsupported_field_type_fails_when_the_loader_is_made() -> None:
    @dataclass(frozen=True)
    class Odd:
        when: complex = 0j

    with pytest.raises(TypeError, match=r"Odd\.when"):
        EnvLoader(Odd, "O_")


@pytest.mark.parametrize("service", ["issuer", "wallet", "verifier"])
def test_worker_hand_down_reads_back_unchanged(service: str, tmp_path: Path) -> None:
    load, prefix, extra = {
        "issuer": (issuer_settings, ISSUER, {"retention_days": -1}),
        "wallet": (wallet_settings, WALLET, {"trusted_verifiers": ("did:web:a.example",
                                                                   "https://b.example"),
                                              "pathways_dir": tmp_path / "p", "hsts": True}),
        "verifier": (verifier_settings, VERIFIER, {"api_keys": ("k" * 16, "q" * 16),
                                                    "staff_login": False,
                                                    "profiles_dir": tmp_path / "r"}),
    }[service]
    settings = load({}, dev=True, data_dir=tmp_path, db_schema="s1", **extra)
    assert load(settings_environment(settings, prefix)) == settings
