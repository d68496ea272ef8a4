"""Rotonde issuer service.

Build the app with :func:`issuer.app.create_app(settings) <issuer.app.create_app>`; run it with
``rotonde issuer serve``. Map:

* ``settings.py`` — :class:`~issuer.settings.IssuerSettings` (``ROTONDE_ISSUER_*``);
* ``context.py`` — database (migrated on open), KEK secret box, single-use store, clock;
* ``models.py`` + ``migrations/`` — tables (SQLite or PostgreSQL), Alembic revisions;
* ``flows/`` — use cases: tenants and keys, API keys, catalogue, issuing (offers), status lists,
  redemption (OpenID4VCI token/nonce/credential), rendering, batch jobs, VC-API, idempotency;
* ``routes/`` — ``/api/v1`` provider API, OpenID4VCI endpoints and metadata, offer pages,
  status lists, ``did.json``, ``/vc-api``;
* ``cli.py`` — ``rotonde issuer serve | tenant add | tenant rotate-key | apikey new |
  achievement add | offer``.
"""

__all__: list[str] = []
