"""Learning achievements: the canonical record, its levels, and its three signed forms.

* :mod:`rotonde.learning.record` — the canonical achievement record and its validation;
* :mod:`rotonde.learning.levels` — EQF/NLQF levels, their order and mapping;
* :mod:`rotonde.learning.elm` / :mod:`~rotonde.learning.ob3` / :mod:`~rotonde.learning.sdjwt_vc`
  — render a record as an ELM 3, Open Badges 3.0 or SD-JWT VC credential (unsigned);
* :func:`read` — any of those forms (signed or not) back into a record.
"""

from __future__ import annotations

from rotonde.jsonld.own import OWN_CONTEXT_FILES as CONTEXT_FILES
from rotonde.jsonld.own import own_contexts as contexts
from rotonde.learning.record import validate_record

# Bound after the submodule import, so ``rotonde.learning.read`` is the function (importing the
# submodule ``rotonde.learning.read`` would otherwise replace the package attribute).
from rotonde.learning.read import read  # isort: skip

__all__ = ["CONTEXT_FILES", "contexts", "read", "validate_record"]
