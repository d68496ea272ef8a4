"""Jinja2 environments of the services: every value a template prints is display-safe.

:func:`page_templates` is the one environment set-up of the three services: autoescaped
templates from a directory, Jinja2's i18n extension (``{% trans %}``, ``_()``, newstyle
gettext), the bidi neutralisation below, ``when`` (a global and a filter,
:func:`servicekit.formats.when`) and the ``tojson_pretty`` filter.

:func:`neutralise_bidi` sets the environment's ``finalize`` hook, which Jinja applies to the
value of every ``{{ ... }}`` expression before it is escaped, to
:func:`rotonde.text.display_text`: directional formatting characters (UAX #9 §2) from a
credential, a request or an issuer's metadata cannot reorder what the page shows. Markup the
service built itself (``|safe``, ``Markup``) stays markup.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from markupsafe import Markup
from starlette.templating import Jinja2Templates

from rotonde.text import display_text
from servicekit.formats import when

__all__ = ["neutralise_bidi", "page_templates"]


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


def page_templates(directory: Path) -> Jinja2Templates:
    """The templates of a service's pages, display-safe, with the shared helpers."""
    templates = Jinja2Templates(directory=str(directory))
    env = templates.env
    env.add_extension("jinja2.ext.i18n")
    # ``{% trans %}`` and ``_()`` call the page's own ``gettext``/``ngettext`` (passed with the
    # request, :func:`servicekit.i18n.template_callables`); until then they say the message id.
    env.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
    env.globals["when"] = when
    env.filters["when"] = when
    env.filters["tojson_pretty"] = lambda v: json.dumps(v, indent=2, ensure_ascii=False)
    neutralise_bidi(env)  # no directional override from a credential reaches a page
    return templates
