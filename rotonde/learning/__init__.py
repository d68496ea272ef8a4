"""Learning achievements: the canonical record, its levels, and its three signed forms.

* :mod:`rotonde.learning.record` — the canonical achievement record and its validation;
* :mod:`rotonde.learning.levels` — EQF/NLQF levels, their order and mapping;
* :mod:`rotonde.learning.elm` / :mod:`~rotonde.learning.ob3` / :mod:`~rotonde.learning.sdjwt_vc`
  — render a record as an ELM 3, Open Badges 3.0 or SD-JWT VC credential (unsigned);
* :func:`read` — any of those forms (signed or not) back into a record.
"""

from __future__ import annotations

from typing import Any

from rotonde.learning.record import validate_record

# Bound after the submodule import, so ``rotonde.learning.read`` is the function (importing the
# submodule ``rotonde.learning.read`` would otherwise replace the package attribute).
from rotonde.learning.read import read  # isort: skip

__all__ = ["CONTEXT_FILES", "contexts", "read", "validate_record"]

#: Rotonde's own JSON-LD contexts: file in ``schemas/contexts/`` -> the URL it is known by.
CONTEXT_FILES: dict[str, str] = {
    "elm-vcdm2.jsonld": "https://rotonde.example/contexts/elm-vcdm2/v1.jsonld",
    "ob3-ext.jsonld": "https://rotonde.example/contexts/ob3-ext/v1.jsonld",
}


def contexts() -> dict[str, dict[str, Any]]:
    """Rotonde's own JSON-LD contexts, ``{url: document}``, for the JSON-LD document loader."""
    from rotonde.learning._resources import load_json

    return {url: load_json(f"contexts/{name}") for name, url in CONTEXT_FILES.items()}


