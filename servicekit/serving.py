"""Running a service with uvicorn: one process, or ``workers`` processes on one socket.

With several workers each process builds its app from the service's factory
(``<service>.app:app_from_env``), so the effective settings (environment plus command-line
flags) are handed down as ``<PREFIX><FIELD>`` environment variables
(:func:`settings_environment`, the inverse of
:class:`servicekit.envsettings.EnvLoader`). The parent builds the app once first, so
migrations and one-time set-up (the verifier's signing key) run before any worker starts.

``rotonde <service> serve`` has one definition for the three services:
:func:`add_serve_arguments` (the flags) and :func:`serve_command` (flags over environment,
port check, one start-up line, uvicorn options).

The listening socket is created with ``IPPROTO_TCP``: asyncio then sets ``TCP_NODELAY`` on
every accepted connection. uvicorn 0.54's own pre-bound socket leaves the protocol at 0, and
keep-alive requests after the first then wait ~40 ms for a delayed ACK (Kludex/uvicorn#3149).
"""

from __future__ import annotations

import argparse
import dataclasses
import errno
import os
import socket
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from rotonde.errors import ConfigurationError
from servicekit.envsettings import env_text
from servicekit.settings import ServiceSettings

__all__ = [
    "MAX_WORKERS", "add_serve_arguments", "check_port", "listening_socket", "serve",
    "serve_command", "serve_settings", "settings_environment",
]

S = TypeVar("S", bound=ServiceSettings)

#: uvicorn options of every service: proxy headers trusted only from FORWARDED_ALLOW_IPS
#: (uvicorn's variable; default 127.0.0.1), no ``Server`` header, access log at info.
UVICORN_OPTIONS: dict[str, Any] = {"proxy_headers": True, "server_header": False,
                                   "log_level": "info"}

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
    build: Callable[[S], Any],
    settings: S,
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


def add_serve_arguments(parser: argparse.ArgumentParser, *, port: int) -> None:
    """The flags of ``rotonde <service> serve``; they win over the environment."""
    parser.add_argument("--host", default=None, help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=None, help=f"port (default {port})")
    parser.add_argument("--workers", type=int, default=1,
                        help="worker processes sharing the port (default 1)")
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="directory for the SQLite database and development secrets")
    parser.add_argument("--public-url", default=None, help="externally visible base URL")
    parser.add_argument("--database-url", default=None,
                        help="SQLAlchemy URL (default: SQLite in the data directory)")
    parser.add_argument("--dev", action="store_true", default=None,
                        help="development mode: http, loopback fetches, KEK in the data dir")


def serve_settings(
    args: argparse.Namespace, load: Callable[..., S], prefix: str,
    environ: Mapping[str, str] | None = None, **overrides: Any,
) -> S:
    """Settings for ``serve``: environment, then the flags (and ``overrides``). In development
    mode a public URL given by neither follows ``--host``/``--port``."""
    env = os.environ if environ is None else environ
    settings = load(env, host=args.host, port=args.port, data_dir=args.data_dir,
                    public_url=args.public_url, database_url=args.database_url, dev=args.dev,
                    **overrides)
    if settings.dev and args.public_url is None and prefix + "PUBLIC_URL" not in env:
        settings = settings.replace(
            public_url=f"http://{settings.host}:{settings.port}").validate()
    return settings


def check_port(host: str, port: int) -> None:
    """Refuse to start (one clear line) when ``host:port`` cannot be listened on."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
        try:
            sock.bind((host, port))
        except OSError as exc:
            reason = "is already in use" if exc.errno == errno.EADDRINUSE else f"fails: {exc}"
            raise ConfigurationError(
                "config.port_unavailable", f"cannot listen on {host}:{port}: the port {reason}",
                message_nl=f"kan niet luisteren op {host}:{port}: de poort is niet beschikbaar",
            ) from None


def serve_command(
    args: argparse.Namespace,
    *,
    name: str,
    load: Callable[..., S],
    build: Callable[[S], Any],
    prefix: str,
    about: Callable[[S], str] | None = None,
    **overrides: Any,
) -> int:
    """``rotonde <name> serve``: settings from environment and flags, the port checked, one
    start-up line on standard error, then :func:`serve` with ``<name>.app:app_from_env`` as
    the workers' factory."""
    settings = serve_settings(args, load, prefix, **overrides)
    check_port(settings.host, settings.port)
    extra = f", {about(settings)}" if about is not None else ""
    sys.stderr.write(f"rotonde {name} listening on http://{settings.host}:{settings.port} "
                     f"(public URL {settings.public_url}{extra}, {args.workers} worker(s))\n")
    serve(build, settings, factory=f"{name}.app:app_from_env", prefix=prefix,
          workers=args.workers, **UVICORN_OPTIONS)
    return 0
