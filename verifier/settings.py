"""Verifier settings (``ROTONDE_VERIFIER_*`` environment variables or keyword arguments).

Extends :class:`servicekit.settings.ServiceSettings` with: request lifetime, the trust list
(file or URL, optionally signed by a trust anchor whose public JWK is given), a wallet's https
endpoint for links, API keys for HR systems, and an optional webhook (HMAC-SHA256 signed).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from rotonde.errors import ConfigurationError
from servicekit.settings import ServiceSettings, settings_loader

__all__ = ["ENV_PREFIX", "VerifierSettings", "load_settings"]

ENV_PREFIX = "ROTONDE_VERIFIER_"


def _bad(name: str, en: str, nl: str) -> ConfigurationError:
    return ConfigurationError(f"config.invalid_{name}", en, message_nl=nl)


@dataclass(frozen=True, kw_only=True)
class VerifierSettings(ServiceSettings):
    """Typed, validated settings for ``rotonde verifier serve``."""

    service: str = "verifier"
    public_url: str = "http://127.0.0.1:8003"
    port: int = 8003
    #: The organisation's name as wallets show it (OpenID4VP ``client_metadata.client_name``,
    #: RFC 7591 §2); empty: wallets show the client identifier.
    organisation_name: str = ""
    #: Lifetime of a presentation request (QR code) in seconds.
    request_ttl: int = 600
    #: Trust list of accredited issuers: a file path or an https URL (empty: no trust check).
    trust_list: str = ""
    #: Public JWK (JSON text or a file path) of the trust anchor that signs the trust list.
    trust_anchor_key: str = ""
    #: A wallet's base URL; request pages then also link to ``<wallet_url>/authorize?...``.
    wallet_url: str = ""
    #: API keys accepted by the JSON API (``Authorization: Bearer <key>``); comma separated.
    api_keys: tuple[str, ...] = ()
    #: Webhook called when a result is ready, signed with HMAC-SHA256 of ``webhook_secret``.
    webhook_url: str = ""
    webhook_secret: str = ""
    #: Largest uploaded QR image in bytes.
    max_upload_bytes: int = 4 * 1024 * 1024
    #: Directory of requirement profiles (JSON) offered on the ask page; default: the
    #: repository's ``examples/requirements`` when present.
    profiles_dir: Path | None = None
    #: Employer pages need a staff sign-in (accounts: ``rotonde verifier staff add``); default:
    #: on outside development mode.
    staff_login: bool | None = None
    #: Lifetime of a staff session in seconds.
    session_ttl: int = 8 * 3600
    #: Failed sign-ins per name and per client address within ``login_window`` seconds before
    #: further attempts are refused.
    login_max_failures: int = 5
    login_window: int = 900

    def validate(self) -> VerifierSettings:
        super().validate()
        if not 30 <= self.request_ttl <= 24 * 3600:
            raise _bad("request_ttl", "request_ttl must be between 30 seconds and one day",
                       "request_ttl moet tussen 30 seconden en een dag liggen")
        if self.wallet_url:
            p = urlsplit(self.wallet_url)
            if p.scheme not in ("https", "http") or not p.netloc or (
                p.scheme == "http" and not self.dev
            ):
                raise _bad("wallet_url", "wallet_url must be an https URL",
                           "wallet_url moet een https-URL zijn")
        if self.webhook_url:
            p = urlsplit(self.webhook_url)
            if p.scheme not in ("https", "http") or (p.scheme == "http" and not self.dev):
                raise _bad("webhook_url", "webhook_url must be an https URL",
                           "webhook_url moet een https-URL zijn")
            if len(self.webhook_secret) < 16:
                raise _bad("webhook_secret", "webhook_secret must have at least 16 characters",
                           "webhook_secret moet minstens 16 tekens hebben")
        for key in self.api_keys:
            if len(key) < 16:
                raise _bad("api_keys", "API keys must have at least 16 characters",
                           "API-sleutels moeten minstens 16 tekens hebben")
        if not 300 <= self.session_ttl <= 7 * 24 * 3600 or self.login_max_failures < 1 \
                or self.login_window < 60:
            raise _bad("session_ttl", "session_ttl must be 5 minutes to 7 days, login_max_failures"
                       " at least 1 and login_window at least 60 seconds",
                       "session_ttl moet 5 minuten tot 7 dagen zijn, login_max_failures minstens 1"
                       " en login_window minstens 60 seconden")
        if self.trust_anchor_key and not self.trust_list:
            raise _bad("trust_anchor_key", "trust_anchor_key needs a trust_list",
                       "trust_anchor_key vereist een trust_list")
        return self

    @property
    def require_staff(self) -> bool:
        """Do the employer pages need a signed-in staff member?"""
        return self.staff_login if self.staff_login is not None else not self.dev

    @property
    def secure_cookies(self) -> bool:
        return self.base_url.startswith("https://")

    @property
    def client_id_did(self) -> str:
        """The verifier's own ``did:web`` derived from its public URL."""
        from urllib.parse import quote

        from rotonde.did import did_web_from_url

        if self.base_url.startswith("https://"):
            return did_web_from_url(self.base_url)
        # development over http: the same shape (did:web resolves to https in production)
        parts = urlsplit(self.base_url)
        segs = [quote(s, safe="") for s in parts.path.split("/") if s]
        return ":".join(["did:web", quote(parts.netloc, safe=""), *segs])


#: ``load_settings(environ=None, **overrides)``: settings from ``ROTONDE_VERIFIER_*`` variables
#: (default: the process environment), keyword overrides winning, validated. Made at import:
#: a field type without a converter fails here (:mod:`servicekit.envsettings`).
load_settings = settings_loader(VerifierSettings, ENV_PREFIX)
