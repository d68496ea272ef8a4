"""The wallet's development Fetcher. Every outbound request goes through
:class:`rotonde.http.Fetcher`; the protocol POSTs use :meth:`~rotonde.http.Fetcher.post_json`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rotonde.http import Fetcher

__all__ = ["DevFetcher"]

_LOOPBACK = ("https://127.0.0.1:", "https://localhost:", "https://[::1]:", "https://127.0.0.1/",
             "https://localhost/")


class DevFetcher(Fetcher):
    """Development mode only: the local services run without TLS, but ``did:web`` always
    resolves to ``https://``; a loopback ``https`` URL is therefore fetched over ``http``.
    Every other URL is fetched exactly as :class:`Fetcher` does (same policy and caps)."""

    def get_bytes(
        self, url: str, *, max_bytes: int | None = None, accept: Sequence[str] | str | None = None,
    ) -> tuple[bytes, Mapping[str, str]]:
        if url.startswith(_LOOPBACK):
            url = "http://" + url[len("https://"):]
        return super().get_bytes(url, max_bytes=max_bytes, accept=accept)
