"""Load the trust list of accredited issuers at start-up (file or URL, optionally signed).

Uses :func:`rotonde.trust.load_trust_list`; a signed list whose signature does not verify with
the configured trust anchor key refuses start-up with a clear :class:`ConfigurationError`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rotonde.errors import ConfigurationError, RotondeError
from rotonde.http import Fetcher
from rotonde.keys import PublicKey, public_key_from_jwk
from rotonde.trust import TrustList, load_trust_list
from verifier.settings import VerifierSettings

__all__ = ["load_trust"]


def _refuse(code: str, en: str, nl: str) -> ConfigurationError:
    return ConfigurationError(code, en, message_nl=nl)


def _anchor(settings: VerifierSettings) -> PublicKey | None:
    value = settings.trust_anchor_key.strip()
    if not value:
        return None
    if not value.startswith("{"):
        try:
            value = Path(value).read_text(encoding="utf-8")
        except OSError as exc:
            raise _refuse("config.trust_anchor_unreadable",
                          f"cannot read the trust anchor key file: {exc.strerror}",
                          f"kan het sleutelbestand van het vertrouwensanker niet lezen: "
                          f"{exc.strerror}") from None
    try:
        return public_key_from_jwk(json.loads(value))
    except (ValueError, RotondeError):
        raise _refuse("config.trust_anchor_invalid", "the trust anchor key is not a public JWK",
                      "de sleutel van het vertrouwensanker is geen publieke JWK") from None


def load_trust(settings: VerifierSettings, fetcher: Fetcher) -> tuple[TrustList | None, dict[str, Any]]:
    """``(trust_list or None, info for the admin page)``."""
    source = settings.trust_list.strip()
    if not source:
        return None, {"source": None}
    data: bytes
    if source.startswith(("https://", "http://")):
        try:
            data, _ = fetcher.get_bytes(source, accept=("application/json", "application/jwt",
                                                        "text/plain"))
        except RotondeError as exc:
            raise _refuse("config.trust_list_unreachable",
                          f"cannot fetch the trust list from {source}: {exc.message}",
                          f"kan de vertrouwenslijst niet ophalen van {source}: "
                          f"{exc.problems[0].message_nl}") from None
    else:
        try:
            data = Path(source).read_bytes()
        except OSError as exc:
            raise _refuse("config.trust_list_unreadable",
                          f"cannot read the trust list {source}: {exc.strerror}",
                          f"kan de vertrouwenslijst {source} niet lezen: {exc.strerror}") from None
    anchor = _anchor(settings)
    try:
        trust = load_trust_list(data, anchor_key=anchor)
    except RotondeError as exc:
        first = exc.problems[0]
        raise _refuse("config.trust_list_refused",
                      f"the trust list {source} was refused: {first.code}: {first.message}",
                      f"de vertrouwenslijst {source} is geweigerd: {first.code}: "
                      f"{first.message_nl or first.message}") from None
    return trust, describe(trust, source)


def describe(trust: TrustList, source: str) -> dict[str, Any]:
    """What the admin page shows about a loaded trust list."""
    issuers = [{
        "name": dict(entry.name),
        "identifiers": list(entry.identifiers),
        "kinds": sorted(entry.kinds),
        "max_levels": [str(lv) for lv in entry.max_levels],
    } for entry in trust.issuers]
    return {"source": source, "id": trust.id, "name": dict(trust.name),
            "signed_by": trust.signed_by, "valid_until": trust.valid_until, "issuers": issuers}
