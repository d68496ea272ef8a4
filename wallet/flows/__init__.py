"""Wallet use cases, independent of HTTP: accounts, receive, present, share, backup."""

__all__: list[str] = []
