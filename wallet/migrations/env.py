"""Alembic environment for the wallet (run by :func:`rotonde.web.db.migrate`)."""

__all__: list[str] = []

from rotonde.web.db import run_env
from wallet.models import Base

run_env(Base.metadata)
