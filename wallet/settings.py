"""Wallet settings (``ROTONDE_WALLET_*`` environment variables or keyword arguments).

Extends :class:`servicekit.settings.ServiceSettings` with the wallet's own knobs: session
lifetime, share lifetime (default 10 minutes), upload cap, login rate limit, the learners'
outbound limits (:mod:`wallet.outbound`) and the verifier trust list (client ids the wallet
shows as trusted).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rotonde.errors import ConfigurationError
from servicekit.settings import ServiceSettings, settings_loader

__all__ = ["ENV_PREFIX", "WalletSettings", "load_settings"]

ENV_PREFIX = "ROTONDE_WALLET_"


@dataclass(frozen=True, kw_only=True)
class WalletSettings(ServiceSettings):
    """Typed, validated settings for ``rotonde wallet serve``."""

    service: str = "wallet"
    public_url: str = "http://127.0.0.1:8002"
    port: int = 8002
    #: Lifetime of a login session in seconds (default 12 hours).
    session_ttl: int = 12 * 3600
    #: Lifetime of a holder-initiated share (QR code and link), seconds.
    share_ttl: int = 600
    #: Largest uploaded file (QR image, backup) in bytes.
    max_upload_bytes: int = 2 * 1024 * 1024
    #: Failed logins per account (or client address) in ``login_window`` before refusing.
    login_max_failures: int = 5
    login_window: int = 900
    #: Verifiers the wallet shows as trusted, comma separated in the environment: DIDs (matched
    #: when that DID signed the request), full client ids, or origins (``https://host[:port]``,
    #: matched for ``redirect_uri:`` requests answering there). Bare host names are refused.
    trusted_verifiers: tuple[str, ...] = ()
    #: Path of an issuer trust list (``schemas/trust-list.schema.json``, unsigned JSON); the
    #: ``trust`` check of every verification uses it. Empty: the trust check is skipped.
    trust_list: str = ""
    #: Directory with pathway JSON files (default: the shipped ``examples/pathways``).
    pathways_dir: Path | None = None
    #: Requests that fetch from other servers (offer and request links, checks, pathway links)
    #: one learner may have running at once, per worker process.
    fetch_concurrency: int = 2
    #: Such requests one learner may make per ``fetch_window`` seconds, across all workers.
    fetch_limit: int = 30
    #: Length of the ``fetch_limit`` window, seconds.
    fetch_window: int = 300

    def validate(self) -> WalletSettings:
        super().validate()
        if not 60 <= self.share_ttl <= 24 * 3600:
            raise ConfigurationError(
                "config.invalid_share_ttl",
                "share_ttl must be between 60 seconds and one day",
                message_nl="share_ttl moet tussen 60 seconden en een dag liggen",
            )
        if not 60 <= self.session_ttl <= 30 * 24 * 3600:
            raise ConfigurationError(
                "config.invalid_session_ttl",
                "session_ttl must be between 60 seconds and 30 days",
                message_nl="session_ttl moet tussen 60 seconden en 30 dagen liggen",
            )
        self._check_trusted_verifiers()
        if self.fetch_concurrency < 1 or self.fetch_limit < 1 or self.fetch_window < 1:
            raise ConfigurationError(
                "config.invalid_fetch_limit",
                "fetch_concurrency, fetch_limit and fetch_window must be at least 1",
                message_nl="fetch_concurrency, fetch_limit en fetch_window moeten minstens 1 zijn",
            )
        if self.login_max_failures < 1:
            raise ConfigurationError(
                "config.invalid_login_max_failures",
                "login_max_failures must be at least 1",
                message_nl="login_max_failures moet minstens 1 zijn",
            )
        return self

    def _check_trusted_verifiers(self) -> None:
        """Each entry must be something a request can prove (OpenID4VP 1.0 §5.9.3): a DID, a
        full ``decentralized_identifier:`` / ``redirect_uri:`` client id, or an https origin
        (http only in development). A bare host name proves nothing and is refused here rather
        than silently never matching."""
        from rotonde.errors import RotondeError
        from rotonde.oid4vp import trust_entry

        for entry in self.trusted_verifiers:
            try:
                trust_entry(entry, allow_http=self.dev)
            except RotondeError as exc:
                raise ConfigurationError(
                    "config.invalid_trusted_verifiers",
                    f"trusted_verifiers: {exc.message}",
                    message_nl=f"trusted_verifiers: {exc.problems[0].message_nl}",
                ) from None

    @property
    def secure_cookies(self) -> bool:
        """Cookies get ``Secure`` when the wallet is served over TLS."""
        return self.public_url.startswith("https://")


#: ``load_settings(environ=None, **overrides)``: settings from ``ROTONDE_WALLET_*`` variables
#: (default: the process environment), keyword overrides winning, validated. Made at import:
#: a field type without a converter fails here (:mod:`servicekit.envsettings`).
load_settings = settings_loader(WalletSettings, ENV_PREFIX)
