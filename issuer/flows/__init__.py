"""Issuer use cases: each function takes an :class:`~issuer.context.IssuerContext` first."""

__all__: list[str] = []
