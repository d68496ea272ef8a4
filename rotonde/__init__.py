"""Rotonde: verifiable learning credentials (W3C VCDM 2.0, SD-JWT VC, Open Badges 3.0, ELM 3).

The core is pure and synchronous: no web framework, no database. Start with
:mod:`rotonde.keys`, :mod:`rotonde.sdjwt`, :mod:`rotonde.proofs` and :func:`rotonde.verify.verify`.
"""

__version__ = "0.1.0"
__all__ = ["__version__"]
