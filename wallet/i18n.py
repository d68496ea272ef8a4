"""Dutch and English for the wallet: its gettext catalogue (``wallet/locale``).

The language of a page is chosen by :func:`servicekit.pages.lang_of` (``?lang=``, the ``lang``
cookie set by the switch link on every page, ``Accept-Language``, else Dutch). Message ids are
stable keys, translated in ``nl`` and ``en`` (``docs/architecture.md`` §8); problems are shown
by their stable code (:func:`servicekit.pages.problem_message`), never in the core's words.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from rotonde.errors import Problem, RotondeError
from servicekit.i18n import DEFAULT_LANG, LANGS, N_, Catalogue
from servicekit.pages import problem_message

__all__ = [
    "CATALOGUE",
    "DEFAULT_LANG",
    "DYNAMIC",
    "LANGS",
    "claim_label",
    "enum_label",
    "plural",
    "problem_text",
    "translator",
]

#: The wallet's messages, then servicekit's.
CATALOGUE = Catalogue(Path(__file__).resolve().parent / "locale")

#: Message ids the pages look up by a computed key (``check.`` + a check's name, ``claim.`` +
#: a claim path, ``enum.`` + a value): marked here so ``pybabel extract`` keeps them.
DYNAMIC = [
    N_("status.valid"), N_("status.revoked"), N_("status.suspended"), N_("status.unknown"),
    N_("status.invalid"), N_("status.expired"), N_("status.self"),
    N_("check.parse"), N_("check.signature"), N_("check.holder_binding"),
    N_("check.validity"), N_("check.status"), N_("check.trust"), N_("check.schema"),
    N_("check.holder_key"),
    N_("outcome.passed"), N_("outcome.failed"), N_("outcome.skipped"),
    N_("history.kind.oid4vp"), N_("history.kind.share"), N_("history.kind.self"),
    N_("assurance.self-asserted"), N_("assurance.attested"), N_("assurance.assessed"),
    N_("claim.title"), N_("claim.description"), N_("claim.level"),
    N_("claim.equivalent_levels"), N_("claim.awarding_body"), N_("claim.award_date"),
    N_("claim.learner"), N_("claim.learner.name"), N_("claim.learner.birth_date"),
    N_("claim.learner.identifier"), N_("claim.learner.id"), N_("claim.learning_outcomes"),
    N_("claim.workload"), N_("claim.assessment"), N_("claim.participation"),
    N_("claim.quality_assurance"), N_("claim.qualification"), N_("claim.grade"),
    N_("claim.prerequisites"), N_("claim.stackability"), N_("claim.kind"),
    N_("enum.microcredential"), N_("enum.qualification"), N_("enum.evc"),
    N_("enum.employer_attestation"), N_("enum.self_assessment"), N_("enum.written_exam"),
    N_("enum.oral_exam"), N_("enum.practical_exam"), N_("enum.portfolio"), N_("enum.project"),
    N_("enum.observation_at_work"), N_("enum.criterion_based_interview"), N_("enum.other"),
    N_("enum.accredited_institution"), N_("enum.accredited_programme"),
    N_("enum.sector_standard"), N_("enum.internal"), N_("enum.none"),
    N_("source.official"), N_("source.regulated"), N_("source.institution"),
    N_("source.self-assessed"),
    N_("error.csrf"), N_("error.not_found"), N_("error.too_large"), N_("error.flow_expired"),
    N_("error.internal"), N_("detail.deleted"), N_("self.saved"), N_("share.sdjwt_only"),
    N_("receive.pin_locked"), N_("account.deleted"),
    N_("progress.unavailable"), N_("share.link_page"),
]


def plural(lang: str, singular: str, plural: str, n: int, **values: Any) -> str:
    """The message for ``n`` things (``pybabel extract -k plural:2,3``); ``%(num)s`` is ``n``."""
    return CATALOGUE.ngettext(lang, singular, plural, n, **values)


def translator(lang: str) -> Callable[..., str]:
    """``t(key, **values)`` for one language (``%(name)s`` placeholders)."""
    return CATALOGUE.translator(lang)


def claim_label(path: str, t: Callable[..., str]) -> str:
    """A claim path (``learner.name``, ``learning_outcomes.0``) in words."""
    parts = [p for p in path.replace(" › ", ".").split(".") if p]
    for n in range(len(parts), 0, -1):
        key = "claim." + ".".join(parts[:n])
        text = t(key)
        if text != key:
            rest = parts[n:]
            if rest and all(p.isdigit() for p in rest):
                return f"{text} {int(rest[0]) + 1}"
            return " › ".join([text, *rest]) if rest else text
    return " › ".join(parts)


def enum_label(value: str, t: Callable[..., str]) -> str:
    key = "enum." + value
    text = t(key)
    return value.replace("_", " ") if text == key else text


def problem_text(lang: str, error: RotondeError | Problem | Mapping[str, Any]) -> str:
    """A core error or problem in the reader's words (the catalogue's message for its code)."""
    return problem_message(lang, error, CATALOGUE)
