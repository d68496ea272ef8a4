"""The cryptosuite plug-in contract and registry (VC Data Integrity 1.0 §3, "Cryptographic Suites").

A cryptosuite is described by a frozen :class:`Cryptosuite` value: how a document and a proof
configuration are transformed into bytes (RDFC-1.0 canonical N-Quads, or JCS), which key
algorithm signs, and whether the proof itself carries the document ``@context``. The generic
algorithms in :mod:`rotonde.proofs.data_integrity` do the rest (proof configuration, hashing,
proof sets and chains, purpose, challenge and domain checks).

The registry holds one suite per name. The built-in suites (``eddsa-rdfc-2022``,
``eddsa-jcs-2022``) register when :mod:`rotonde.proofs` is imported — which happens before this
module is, as it is part of that package — and a name that is taken cannot be registered again
(``di.cryptosuite_taken``): a plug-in can add a suite, never silently replace the one every
verifier relies on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rotonde.errors import ConfigurationError, SignatureError

if TYPE_CHECKING:
    from rotonde.jsonld import DocumentLoader

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
    transform: Callable[[dict[str, Any], DocumentLoader | None], bytes]
    key_alg: str = "EdDSA"
    proof_has_context: bool = False


CRYPTOSUITES: dict[str, Cryptosuite] = {}


def register_cryptosuite(suite: Cryptosuite) -> Cryptosuite:
    """Add a cryptosuite to the registry (by name) and return it. A name that is already
    registered to another suite raises :class:`ConfigurationError` (``di.cryptosuite_taken``)
    and leaves the registry as it was."""
    taken = CRYPTOSUITES.get(suite.name)
    if taken is not None and taken is not suite:
        raise ConfigurationError(
            "di.cryptosuite_taken",
            f"cryptosuite {suite.name!r} is already registered; a registered suite cannot be "
            "replaced",
            message_nl=f"cryptosuite {suite.name!r} is al geregistreerd; een geregistreerde "
            "suite kan niet worden vervangen",
            detail={"cryptosuite": suite.name},
        )
    CRYPTOSUITES[suite.name] = suite
    return suite


def get_cryptosuite(name: object) -> Cryptosuite:
    """The registered cryptosuite called ``name``; ``di.cryptosuite_unsupported`` otherwise."""
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
