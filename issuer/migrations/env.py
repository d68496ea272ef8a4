"""Alembic environment for the issuer database (run by :func:`servicekit.db.migrate`)."""

from issuer.models import metadata
from servicekit.db import run_env

run_env(metadata)
