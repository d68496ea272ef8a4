"""HTTP routes of the issuer: one router per resource."""

__all__: list[str] = []
