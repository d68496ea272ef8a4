"""Data Integrity proofs (W3C VC Data Integrity 1.0) with plug-in cryptosuites.

Built in: ``eddsa-rdfc-2022`` (RDFC-1.0 canonicalization) and ``eddsa-jcs-2022`` (RFC 8785),
both from VC-DI-EdDSA 1.0. Register more with :func:`register_cryptosuite`.
"""

from rotonde.proofs import eddsa_jcs_2022, eddsa_rdfc_2022
from rotonde.proofs._suite import CRYPTOSUITES, Cryptosuite, get_cryptosuite, register_cryptosuite
from rotonde.proofs.data_integrity import (
    HashData,
    ProofCheck,
    ProofResult,
    add_proof,
    hash_data,
    proof_configuration,
    verify_proof,
)

__all__ = [
    "CRYPTOSUITES",
    "Cryptosuite",
    "HashData",
    "ProofCheck",
    "ProofResult",
    "add_proof",
    "eddsa_jcs_2022",
    "eddsa_rdfc_2022",
    "get_cryptosuite",
    "hash_data",
    "proof_configuration",
    "register_cryptosuite",
    "verify_proof",
]
