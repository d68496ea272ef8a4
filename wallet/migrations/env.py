"""Alembic environment for the wallet (run by :func:`servicekit.db.migrate`)."""

__all__: list[str] = []

from servicekit.db import run_env
from wallet.models import Base

run_env(Base.metadata)
