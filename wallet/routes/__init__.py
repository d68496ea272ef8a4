"""The wallet's routers, one per resource."""

__all__: list[str] = []
