"""Alembic environment for the verifier (run by :func:`rotonde.web.db.migrate`)."""

from rotonde.web.db import run_env
from verifier.models import Base

run_env(Base.metadata)
