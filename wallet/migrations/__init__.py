"""Alembic migrations of the wallet database."""
