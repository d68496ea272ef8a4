"""Jinja2 environments of the services: every value a template prints is display-safe.

:func:`neutralise_bidi` sets the environment's ``finalize`` hook, which Jinja applies to the
value of every ``{{ ... }}`` expression before it is escaped, to
:func:`rotonde.text.display_text`: directional formatting characters (UAX #9 §2) from a
credential, a request or an issuer's metadata cannot reorder what the page shows. Markup the
service built itself (``|safe``, ``Markup``) stays markup.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from rotonde.text import display_text

__all__ = ["neutralise_bidi"]


def _finalize(value: Any) -> Any:
    if isinstance(value, Markup):
        return Markup(display_text(str(value)))
    if isinstance(value, str):
        return display_text(value)
    return value


def neutralise_bidi(env: Any) -> None:
    """Make every printed value of the Jinja2 environment ``env`` display-safe."""
    previous = env.finalize

    if previous is None:
        env.finalize = _finalize
    else:
        env.finalize = lambda value: _finalize(previous(value))
