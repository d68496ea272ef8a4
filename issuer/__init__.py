"""Rotonde issuer service: provider API, OpenID4VCI 1.0 (pre-authorized code), offer pages,
status lists, did:web documents and the W3C VC-API. Build the app with
:func:`issuer.app.create_app`."""

__all__: list[str] = []
