"""Dutch and English of the verifier pages: its gettext catalogue (``verifier/locale``, with
servicekit's as fallback; ``docs/architecture.md`` §8). Dutch is the default."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from rotonde.errors import Problem, RotondeError
from servicekit.i18n import LANGS, N_, Catalogue
from servicekit.pages import problem_message

__all__ = ["CATALOGUE", "DYNAMIC", "LANGS", "problem_text", "translator"]

#: The verifier's messages, then servicekit's.
CATALOGUE = Catalogue(Path(__file__).resolve().parent / "locale")

#: Message ids looked up by a computed key (kept by ``pybabel extract``).
DYNAMIC = [
    N_("status.pending"), N_("status.retrieved"), N_("status.processing"),
    N_("status.completed"), N_("status.expired"),
    N_("check.parse"), N_("check.signature"), N_("check.holder_binding"),
    N_("check.validity"), N_("check.status"), N_("check.trust"), N_("check.schema"),
    N_("check.replay"),
    N_("outcome.passed"), N_("outcome.failed"), N_("outcome.skipped"),
    N_("verdict.accepted"), N_("verdict.warning"), N_("verdict.rejected"),
    N_("verdict.inconclusive"), N_("verdict.declined"),
    # problems the employer reads in the verifier's own words (servicekit's say "ask for")
    N_("problem.fetch.http_status"), N_("problem.holder_key"),
    N_("problem.presentation.replayed"), N_("problem.qr"), N_("problem.replay.duplicate"),
    N_("problem.request.redirect_uri_dev_only"), N_("problem.share"),
]


def translator(lang: str) -> Callable[..., str]:
    """``t(key, **values)`` in one language."""
    return CATALOGUE.translator(lang)


def problem_text(lang: str, error: RotondeError | Problem | Mapping[str, Any]) -> str:
    """A problem in the employer's words (the catalogue's message for its code)."""
    return problem_message(lang, error, CATALOGUE)
