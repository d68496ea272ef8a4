"""Alembic environment for the issuer database (run by :func:`rotonde.web.db.migrate`)."""

from issuer.models import metadata
from rotonde.web.db import run_env

run_env(metadata)
