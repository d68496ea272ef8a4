"""The cryptosuite plug-in contract and registry (VC Data Integrity 1.0 §3, "Cryptographic Suites").

A cryptosuite is described by a frozen :class:`Cryptosuite` value: how a document and a proof
configuration are transformed into bytes (RDFC-1.0 canonical N-Quads, or JCS), which key
algorithm signs, and whether the proof itself carries the document ``@context``. The generic
algorithms in :mod:`rotonde.proofs.data_integrity` do the rest (proof configuration, hashing,
proof sets and chains, purpose, challenge and domain checks).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rotonde.errors import SignatureError

__all__ = ["CRYPTOSUITES", "Cryptosuite", "get_cryptosuite", "register_cryptosuite"]


@dataclass(frozen=True)
class Cryptosuite:
    """One Data Integrity cryptosuite.

    * ``transform(document, loader) -> bytes``: the transformation step (canonical bytes).
    * ``key_alg``: the only key algorithm allowed with it (``EdDSA`` for the eddsa suites).
    * ``proof_has_context``: copy the document ``@context`` into the proof (eddsa-jcs-2022
      §3.3.1 step 2); eddsa-rdfc-2022 puts it only in the hashed proof configuration.
    """

    name: str
    transform: Callable[[dict[str, Any], Any], bytes]
    key_alg: str = "EdDSA"
    proof_has_context: bool = False


CRYPTOSUITES: dict[str, Cryptosuite] = {}


def register_cryptosuite(suite: Cryptosuite) -> Cryptosuite:
    """Add a cryptosuite to the registry (by name) and return it."""
    CRYPTOSUITES[suite.name] = suite
    return suite


def get_cryptosuite(name: object) -> Cryptosuite:
    """The registered cryptosuite called ``name``; ``di.cryptosuite_unsupported`` otherwise."""
    if not CRYPTOSUITES:
        # the built-in suites register themselves on import
        from rotonde.proofs import eddsa_jcs_2022, eddsa_rdfc_2022  # noqa: F401
    suite = CRYPTOSUITES.get(name) if isinstance(name, str) else None
    if suite is None:
        raise SignatureError(
            "di.cryptosuite_unsupported",
            f"cryptosuite {name!r} is not supported (supported: {', '.join(sorted(CRYPTOSUITES))})",
            message_nl=f"cryptosuite {name!r} wordt niet ondersteund "
            f"(wel: {', '.join(sorted(CRYPTOSUITES))})",
            pointer="/proof/cryptosuite",
        )
    return suite
