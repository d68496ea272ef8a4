"""Everything a verifier use case needs, built once at start-up and injected into routes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rotonde.clock import Clock
from rotonde.http import Fetcher
from rotonde.keys import PrivateKey
from servicekit.crypto import SecretBox
from servicekit.db import Database
from servicekit.replay import OneTimeStore
from verifier.settings import VerifierSettings

__all__ = ["VerifierContext"]


@dataclass
class VerifierContext:
    settings: VerifierSettings
    db: Database
    box: SecretBox
    clock: Clock
    fetcher: Fetcher
    one_time: OneTimeStore
    key: PrivateKey
    did_document: dict[str, Any]
    resolver: Any
    status_resolver: Any
    trust_list: Any = None
    trust_info: dict[str, Any] = field(default_factory=dict)
    #: tests may replace the webhook transport: ``(url, body, headers) -> status``
    webhook_sender: Any = None
    #: requirement profiles offered on the ask page, by id
    profiles: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def client_id(self) -> str:
        return "decentralized_identifier:" + self.settings.client_id_did

    @property
    def kid(self) -> str:
        return str(self.key.kid)
