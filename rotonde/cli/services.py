"""``rotonde issuer|wallet|verifier ...``: the three services' command groups.

Each service package (``issuer``, ``wallet``, ``verifier``) has a ``cli`` module with a
``register(subparsers)`` function; this module only wires them in, so the pure core never
imports a web framework unless a service command is asked for.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["SERVICES", "register"]

SERVICES: tuple[str, ...] = ("issuer", "wallet", "verifier", "up")


def register(sub: Any) -> None:
    for name in SERVICES:
        module_name = "rotonde.cli.up" if name == "up" else f"{name}.cli"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name not in (module_name, name):
                raise
            continue
        module.register(sub)
