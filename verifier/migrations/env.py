"""Alembic environment for the verifier (run by :func:`servicekit.db.migrate`)."""

from servicekit.db import run_env
from verifier.models import Base

run_env(Base.metadata)
