"""Internationalisation of the three services: gettext catalogues through Babel, one language
negotiation, Babel for numbers, dates and plurals (``docs/architecture.md`` §8).

* **Catalogues.** Every service keeps ``<service>/locale/<lang>/LC_MESSAGES/messages.po``
  (GNU gettext PO files, maintained with ``pybabel extract/update``, see ``DEVELOPERS.md``);
  servicekit's own catalogue (``servicekit/locale``: the problem messages, the language
  switch, the generic error pages) is the fallback of each. The message ids are stable keys
  (``list.title``, ``problem.offer.tx_code_wrong``), translated in *both* ``en`` and ``nl``,
  so a message missing in either language is a test failure rather than a key on a page.
  The PO files are compiled in memory at first use (:func:`babel.messages.pofile.read_po`,
  :func:`babel.messages.mofile.write_mo`); nothing generated is kept in the repository.
* **Negotiation.** :func:`negotiate`: ``?lang=``, then the ``lang`` cookie, then the
  ``Accept-Language`` header (RFC 9110 §12.5.4: language ranges with quality values, matched by
  RFC 4647 §3.4 lookup), else Dutch.
* **Formatting.** :func:`format_number` (decimal comma in Dutch), :func:`format_date`,
  :func:`format_datetime` — Babel with the CLDR data of the page's language.
"""

from __future__ import annotations

import gettext as _gettext
import io
import threading
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date as _babel_date
from babel.dates import format_datetime as _babel_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations
from markupsafe import Markup

__all__ = [
    "DEFAULT_LANG",
    "LANGS",
    "LANG_COOKIE",
    "N_",
    "SHARED_LOCALE",
    "Catalogue",
    "format_date",
    "format_datetime",
    "format_number",
    "messages_of",
    "negotiate",
    "parse_accept_language",
    "read_catalogue",
    "template_callables",
]

#: The languages of every page, and the one a reader gets when nothing says otherwise.
LANGS = ("nl", "en")
DEFAULT_LANG = "nl"
#: The cookie the language switch sets.
LANG_COOKIE = "lang"
#: servicekit's own catalogue: the fallback of every service's catalogue.
SHARED_LOCALE = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"


def N_(key: str) -> str:
    """Mark ``key`` for extraction (``pybabel extract -k N_``) where it is looked up later by
    a computed id (``check.`` + the check's name)."""
    return key


def parse_accept_language(header: str | None) -> list[tuple[str, float]]:
    """The language ranges of an ``Accept-Language`` field (RFC 9110 §12.5.4), lower-cased,
    best first: by quality value, ties in the order given. Ranges with ``q=0`` ("not
    acceptable") and malformed members are left out; at most 20 members are read."""
    ranges: list[tuple[float, int, str]] = []
    for index, member in enumerate((header or "").split(",")[:20]):
        tag, *params = (p.strip() for p in member.split(";"))
        tag = tag.lower()
        if not tag or not all(part.isalnum() and len(part) <= 8 for part in
                              (tag.split("-") if tag != "*" else ["x"])):
            continue
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value.strip())
                except ValueError:
                    q = -1.0
        if 0 < q <= 1:
            ranges.append((-q, index, tag))
    return [(tag, -negq) for negq, _index, tag in sorted(ranges)]


def negotiate(
    cookie: str | None, accept_language: str | None, *, query: str | None = None,
    langs: tuple[str, ...] = LANGS, default: str = DEFAULT_LANG,
) -> str:
    """The reader's language: ``query`` (``?lang=``), then ``cookie``, then the best
    ``Accept-Language`` range that matches one of ``langs`` (RFC 4647 §3.4 lookup: ``nl-BE``
    falls back to ``nl``; ``*`` is the default); ``default`` when nothing matches."""
    for chosen in (query, cookie):
        if chosen in langs:
            return str(chosen)
    for tag, _q in parse_accept_language(accept_language):
        if tag == "*":
            return default
        parts = tag.split("-")
        while parts:
            candidate = "-".join(parts)
            if candidate in langs:
                return candidate
            parts.pop()
    return default


def read_catalogue(path: Path) -> Translations:
    """A PO file compiled in memory into gettext translations."""
    with path.open("rb") as handle:
        catalog = read_po(handle)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


class Catalogue:
    """The messages of one service in every language: its own PO files, then servicekit's."""

    def __init__(self, *locale_dirs: Path, langs: tuple[str, ...] = LANGS) -> None:
        self.locale_dirs = tuple(locale_dirs) + (() if SHARED_LOCALE in locale_dirs
                                                 else (SHARED_LOCALE,))
        self.langs = langs
        self._cache: dict[str, _gettext.NullTranslations] = {}
        self._lock = threading.Lock()

    def po_files(self, lang: str) -> list[Path]:
        """The PO files of ``lang``, the service's first."""
        files = [d / lang / "LC_MESSAGES" / f"{DOMAIN}.po" for d in self.locale_dirs]
        return [f for f in files if f.is_file()]

    def translations(self, lang: str) -> _gettext.NullTranslations:
        """The compiled translations of ``lang`` (each language compiled once)."""
        lang = lang if lang in self.langs else DEFAULT_LANG
        with self._lock:
            found = self._cache.get(lang)
            if found is None:
                found = _gettext.NullTranslations()
                for path in reversed(self.po_files(lang)):
                    compiled = read_catalogue(path)
                    compiled.add_fallback(found)
                    found = compiled
                self._cache[lang] = found
            return found

    def gettext(self, lang: str, key: str, **values: Any) -> str:
        """The message ``key`` in ``lang``, ``%(name)s`` placeholders filled from ``values``."""
        text = self.translations(lang).gettext(key)
        return text % values if values else text

    def ngettext(self, lang: str, singular: str, plural: str, n: int, **values: Any) -> str:
        """The message for ``n`` things in ``lang`` (the language's plural rule); ``%(num)s``
        is ``n`` written in the language's number format."""
        text = self.translations(lang).ngettext(singular, plural, n)
        return text % {"num": format_number(n, lang), **values}

    def knows(self, lang: str, key: str) -> bool:
        """Whether ``key`` has a message in ``lang`` (for ids computed from data)."""
        return self.translations(lang).gettext(key) != key

    def translator(self, lang: str) -> Callable[..., str]:
        """``t(key, **values)`` in one language."""
        return lambda key, **values: self.gettext(lang, key, **values)


def template_callables(catalogue: Catalogue, lang: str) -> dict[str, Any]:
    """The ``gettext``/``_``/``ngettext`` of a page in ``lang``, as Jinja2's i18n extension
    calls them with ``newstyle`` gettext: the template passes the placeholder values, the
    message is markup-safe text whose placeholders are escaped."""
    translations = catalogue.translations(lang)

    def gettext(key: str, **values: Any) -> Markup:
        text = Markup(translations.gettext(key))
        return text % values if values else text

    def ngettext(singular: str, plural: str, num: int, **values: Any) -> Markup:
        text = Markup(translations.ngettext(singular, plural, num))
        return text % {"num": format_number(num, lang), **values}

    return {"gettext": gettext, "_": gettext, "ngettext": ngettext,
            "format_number": lambda value, **kw: format_number(value, lang, **kw),
            "format_date": lambda value, **kw: format_date(value, lang, **kw),
            "format_datetime": lambda value, **kw: format_datetime(value, lang, **kw)}


def _locale(lang: str) -> Locale:
    return Locale.parse(lang if lang in LANGS else DEFAULT_LANG)


def format_number(value: object, lang: str, *, digits: int | None = None) -> str:
    """A number in ``lang`` (``4,5`` in Dutch, ``4.5`` in English); ``digits`` fixes the
    fraction digits. Anything that is not a number is written as it is."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "" if value is None else str(value)
    pattern = None if digits is None else "#,##0." + "0" * digits if digits else "#,##0"
    return str(format_decimal(value, format=pattern, locale=_locale(lang)))


def _moment(value: object) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value:
        try:
            return datetime.fromtimestamp(value, UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if isinstance(value, str) and value:
        try:
            return _moment(datetime.fromisoformat(value.replace("Z", "+00:00")))
        except ValueError:
            return None
    return None


def format_date(value: object, lang: str, *, style: str = "long") -> str:
    """A date (a ``date``, a ``datetime``, epoch seconds or an ISO 8601 string) in ``lang``:
    ``4 december 2026`` / ``December 4, 2026``; ``""`` for nothing readable."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return str(_babel_date(value, format=style, locale=_locale(lang)))
    moment = _moment(value)
    if moment is None:
        return ""
    return str(_babel_date(moment.date(), format=style, locale=_locale(lang)))


def format_datetime(value: object, lang: str, *, style: str = "medium") -> str:
    """A moment in ``lang``, in UTC with the zone named; ``""`` for nothing readable."""
    moment = _moment(value)
    if moment is None:
        return ""
    text = str(_babel_datetime(moment, format=style, tzinfo=UTC, locale=_locale(lang)))
    return text if style in ("long", "full") else f"{text} UTC"  # long styles name the zone


def messages_of(catalogue: Catalogue, lang: str) -> Mapping[str, str]:
    """Every message id of ``catalogue`` in ``lang`` with its text (for tests and tooling)."""
    out: dict[str, str] = {}
    for path in reversed(catalogue.po_files(lang)):
        with path.open("rb") as handle:
            for message in read_po(handle):
                if not message.id:
                    continue
                key = message.id if isinstance(message.id, str) else message.id[0]
                text = message.string
                out[key] = " | ".join(text) if isinstance(text, (tuple, list)) else str(
                    text or "")
    return out
