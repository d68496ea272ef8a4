"""Issuer settings (env prefix ``ROTONDE_ISSUER_``), on top of :class:`ServiceSettings`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Self
from urllib.parse import urlsplit

from rotonde.errors import ConfigurationError
from rotonde.jsonld.own import OWN_CONTEXT_PATHS, is_loopback, own_context_file
from servicekit.settings import ServiceSettings, settings_loader

__all__ = ["ENV_PREFIX", "IssuerSettings", "load_settings"]

ENV_PREFIX = "ROTONDE_ISSUER_"


@dataclass(frozen=True, kw_only=True)
class IssuerSettings(ServiceSettings):
    service: str = "issuer"
    port: int = 8001
    public_url: str = "http://127.0.0.1:8001"
    #: Base URL under which Rotonde's own vocabularies (JSON-LD contexts) are published and
    #: named by credentials (issue 15 A.2): empty = ``public_url``; a permanent-URL service
    #: (``https://w3id.org/...``) that redirects to ``<public_url>/contexts/...``. https (http
    #: only in development mode or on a loopback host). See docs/open-badges.md §4.
    vocab_base_url: str = ""
    #: Base URL of a web wallet; the offer page then links to ``<wallet_url>/offer?...``.
    wallet_url: str = ""
    #: How long an offer (its pre-authorized code) stays redeemable, seconds.
    offer_ttl: int = 14 * 24 * 3600
    access_token_ttl: int = 300
    nonce_ttl: int = 300
    #: Wrong PIN attempts before the pre-authorized code is burnt.
    tx_code_attempts: int = 5
    tx_code_length: int = 6
    #: Entries per status list (Bitstring Status List §3.2: at least 131,072).
    status_list_size: int = 131_072
    #: Cache lifetime of served status lists, seconds.
    status_max_age: int = 300
    #: Days after redemption (or offer expiry) when the learner's record details are erased;
    #: the status row stays so revocation keeps working. -1 keeps them forever.
    retention_days: int = 90
    batch_max_items: int = 10_000
    batch_max_bytes: int = 64 * 1024 * 1024
    #: Largest single learner item of a batch request in bytes (413 above it); the batch body
    #: is read item by item, so memory stays near this, not near the body size.
    batch_item_max_bytes: int = 16 * 1024

    @property
    def vocab_base(self) -> str:
        """The base URL credentials name Rotonde's own contexts under."""
        return (self.vocab_base_url or self.public_url).rstrip("/")

    def validate(self) -> Self:
        super().validate()
        if self.vocab_base_url:
            probe = self.vocab_base_url.rstrip("/") + OWN_CONTEXT_PATHS["elm-vcdm2.jsonld"]
            plain_http = urlsplit(probe).scheme == "http" and not self.dev and not is_loopback(
                urlsplit(probe).hostname or "")
            if own_context_file(probe) is None or plain_http:
                raise ConfigurationError(
                    "config.invalid_vocab_base_url",
                    "vocab_base_url must be an https URL (http only in development mode or on "
                    "a loopback host), without query, fragment or user info",
                    message_nl="vocab_base_url moet een https-URL zijn (http alleen in "
                               "ontwikkelmodus of op een loopback-adres), zonder query, "
                               "fragment of gebruikersgegevens",
                )
        if self.wallet_url and not self.wallet_url.startswith(("https://", "http://")):
            raise ConfigurationError(
                "config.invalid_wallet_url", "wallet_url must be an http(s) URL",
                message_nl="wallet_url moet een http(s)-URL zijn",
            )
        if self.wallet_url.startswith("http://") and not self.dev:
            raise ConfigurationError(
                "config.invalid_wallet_url", "wallet_url must use https outside development mode",
                message_nl="wallet_url moet buiten ontwikkelmodus https gebruiken",
            )
        if self.status_list_size < 131_072 or self.status_list_size % 8:
            raise ConfigurationError(
                "config.invalid_status_list_size",
                "status_list_size must be a multiple of 8 and at least 131072",
                message_nl="status_list_size moet een veelvoud van 8 en minstens 131072 zijn",
            )
        if not 1024 <= self.batch_item_max_bytes <= self.batch_max_bytes:
            raise ConfigurationError(
                "config.invalid_batch_item_max_bytes",
                "batch_item_max_bytes must be at least 1024 and at most batch_max_bytes",
                message_nl="batch_item_max_bytes moet minstens 1024 en hooguit batch_max_bytes "
                           "zijn",
            )
        if not 4 <= self.tx_code_length <= 12 or self.tx_code_attempts < 1:
            raise ConfigurationError(
                "config.invalid_tx_code", "tx_code_length must be 4..12 and attempts >= 1",
                message_nl="tx_code_length moet 4..12 zijn en attempts >= 1",
            )
        return self


#: ``load_settings(environ=None, **overrides)``: settings from ``ROTONDE_ISSUER_*`` variables
#: (default: the process environment), keyword overrides winning, validated. Made at import:
#: a field type without a converter fails here (:mod:`servicekit.envsettings`).
load_settings = settings_loader(IssuerSettings, ENV_PREFIX)
