"""Running a service with uvicorn: one process, or ``workers`` processes on one socket.

With several workers each process builds its app from the service's factory
(``<service>.app:app_from_env``), so the effective settings (environment plus command-line
flags) are handed down as ``<PREFIX><FIELD>`` environment variables
(:func:`settings_environment`, the inverse of
:class:`servicekit.envsettings.EnvLoader`). The parent builds the app once first, so
migrations and one-time set-up (the verifier's signing key) run before any worker starts.

The listening socket is created with ``IPPROTO_TCP``: asyncio then sets ``TCP_NODELAY`` on
every accepted connection. uvicorn 0.54's own pre-bound socket leaves the protocol at 0, and
keep-alive requests after the first then wait ~40 ms for a delayed ACK (Kludex/uvicorn#3149).
"""

from __future__ import annotations

import dataclasses
import os
import socket
from collections.abc import Callable
from typing import Any

from rotonde.errors import ConfigurationError
from servicekit.envsettings import env_text
from servicekit.settings import ServiceSettings

__all__ = ["MAX_WORKERS", "listening_socket", "serve", "settings_environment"]

#: More worker processes than this is a configuration error (each holds database connections).
MAX_WORKERS = 64


def settings_environment(settings: ServiceSettings, prefix: str) -> dict[str, str]:
    """``<PREFIX><FIELD>`` variables that rebuild ``settings`` (``None`` fields are left out)."""
    out: dict[str, str] = {}
    for field in dataclasses.fields(settings):
        text = env_text(getattr(settings, field.name))
        if text is not None:
            out[prefix + field.name.upper()] = text
    return out


def listening_socket(host: str, port: int) -> socket.socket:
    """A bound, inheritable TCP socket whose accepted connections get ``TCP_NODELAY``."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    return sock


def serve(
    build: Callable[[ServiceSettings], Any],
    settings: ServiceSettings,
    *,
    factory: str,
    prefix: str,
    workers: int = 1,
    **uvicorn_options: Any,
) -> None:
    """Serve ``build(settings)`` in this process, or ``factory`` in ``workers`` processes.

    ``uvicorn_options`` (``proxy_headers``, ``server_header``, ``log_level``, ...) apply to both.
    """
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    if not 1 <= workers <= MAX_WORKERS:
        raise ConfigurationError(
            "config.invalid_workers", f"--workers must be between 1 and {MAX_WORKERS}",
            message_nl=f"--workers moet tussen 1 en {MAX_WORKERS} liggen",
        )
    if workers == 1:
        uvicorn.run(build(settings), host=settings.host, port=settings.port, **uvicorn_options)
        return
    os.environ.update(settings_environment(settings, prefix))
    build(settings)  # migrations and one-time set-up, once, before the workers start
    config = uvicorn.Config(factory, factory=True, host=settings.host, port=settings.port,
                            workers=workers, **uvicorn_options)
    Multiprocess(config, sockets=[listening_socket(settings.host, settings.port)]).run()
