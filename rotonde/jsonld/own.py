"""Rotonde's own JSON-LD contexts (``schemas/contexts``): the ELM form and the OB 3.0 extension.

They are data files shipped beside the core; every :func:`~rotonde.jsonld.default_loader` knows
them, as it knows the shipped standard contexts (``rotonde/jsonld/contexts``).
"""

from __future__ import annotations

from typing import Any

from rotonde._resources import load_json

__all__ = ["OWN_CONTEXT_FILES", "own_contexts"]

#: Rotonde's own JSON-LD contexts: file in ``schemas/contexts/`` -> the URL it is known by.
OWN_CONTEXT_FILES: dict[str, str] = {
    "elm-vcdm2.jsonld": "https://rotonde.example/contexts/elm-vcdm2/v1.jsonld",
    "ob3-ext.jsonld": "https://rotonde.example/contexts/ob3-ext/v1.jsonld",
}


def own_contexts() -> dict[str, dict[str, Any]]:
    """Rotonde's own contexts, ``{url: document}`` (a fresh parse each call)."""
    return {url: load_json(f"contexts/{name}") for name, url in OWN_CONTEXT_FILES.items()}
