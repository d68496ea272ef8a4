"""The three services together: ``rotonde up`` runs issuer, wallet and verifier in one process
with the example data set seeded (the README's main job).

This is the composition root of Rotonde: the only package that imports all three services.
``rotonde up`` is plugged into the core's ``rotonde`` command through the ``rotonde.commands``
entry-point group (``pyproject.toml``).
"""

__all__: list[str] = []
