"""The services' gettext catalogues (issue 13 item 17, ``docs/architecture.md`` §8): every
message in both languages, nothing extracted from the sources missing from the PO files and
nothing in them that the sources no longer use, no untranslated words in a template, one
language negotiation (RFC 9110 §12.5.4, RFC 4647 §3.4), Babel's numbers, dates and plurals."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from jinja2 import Environment, nodes
from markupsafe import Markup

from servicekit.i18n import (
    LANGS,
    SHARED_LOCALE,
    Catalogue,
    format_date,
    format_number,
    messages_of,
    negotiate,
    parse_accept_language,
    template_callables,
)

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("wallet", "verifier", "issuer")
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "t": None,
            "plural": (2, 3)}
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _catalogue(service: str) -> Catalogue:
    return Catalogue(ROOT / service / "locale")


def _own(locale: Path, lang: str) -> dict[str, str]:
    catalogue = Catalogue(locale)
    catalogue.locale_dirs = (locale,)  # this catalogue alone, without servicekit's fallback
    return dict(messages_of(catalogue, lang))


@pytest.mark.parametrize("locale", [ROOT / s / "locale" for s in SERVICES] + [SHARED_LOCALE],
                         ids=[*SERVICES, "servicekit"])
def test_every_message_is_in_both_languages(locale: Path) -> None:
    nl, en = _own(locale, "nl"), _own(locale, "en")
    assert nl and nl.keys() == en.keys(), sorted(set(nl) ^ set(en))
    for key in nl:
        assert nl[key].strip() and en[key].strip(), f"{key} has no text in nl or en"
        assert PLACEHOLDER.findall(nl[key]) == PLACEHOLDER.findall(en[key]) or sorted(
            PLACEHOLDER.findall(nl[key])) == sorted(PLACEHOLDER.findall(en[key])), key
        assert "{" not in nl[key] and "{" not in en[key], f"{key}: placeholders are %(name)s"
        assert nl[key] != key and en[key] != key, f"{key} is its own translation"


def _extracted(service: str) -> set[str]:
    method_map, options_map = parse_mapping_cfg((ROOT / "babel.cfg").open(encoding="utf-8"))
    found = extract_from_dir(str(ROOT / service), method_map, options_map, keywords=KEYWORDS)
    ids: set[str] = set()
    for _file, _line, message, _comments, _context in found:
        ids.add(message if isinstance(message, str) else message[0])  # a plural: its singular
    return ids


@pytest.mark.parametrize("service", SERVICES)
def test_pybabel_extract_finds_exactly_the_catalogue(service: str) -> None:
    """What ``pybabel extract -F babel.cfg -k t -k N_`` finds is what the PO files hold: a
    new message without a translation fails, and ``pybabel update`` would drop nothing."""
    extracted = _extracted(service)
    own = _own(ROOT / service / "locale", "en")
    shared = _own(SHARED_LOCALE, "en")
    missing = sorted(m for m in extracted if m not in own and m not in shared)
    assert not missing, f"extracted from {service} but not in its catalogue: {missing}"
    stale = sorted(m for m in own if m not in extracted)
    assert not stale, f"in {service}'s catalogue but used nowhere: {stale}"
    assert len(extracted) > 5


def test_a_missing_message_is_noticed() -> None:
    """The check above can fail: a template calling an id no catalogue has is caught."""
    shared = _own(SHARED_LOCALE, "en")
    assert "nav.nowhere" not in shared
    assert not _catalogue("wallet").knows("nl", "nav.nowhere")


#: Words a template may write outside gettext: names, units and symbols, not language.
ALLOWED_WORDS = {"Rotonde", "EC", "NLQF", "EQF", "QR", "JSON", "SD-JWT", "DID", "ESCO"}
#: Attributes whose value a reader sees or hears.
VISIBLE_ATTRS = re.compile(r"""\b(title|alt|placeholder|aria-label|aria-description|value)
                               \s*=\s*"([^"\x00]*)\"""", re.X)


def _words(text: str) -> list[str]:
    text = re.sub(r"<!--.*?-->|https?://[^\s\"'<>]*", " ", text, flags=re.S)
    found = [value for name, value in VISIBLE_ATTRS.findall(text) if name != "value"]
    text = re.sub(r"&[a-z]+;|&#\d+;", " ", re.sub(r"<[^>]*>", " ", text))
    found.append(text)
    words = re.findall(r"[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ'-]+", " ".join(found).replace("\x00", " "))
    return [w for w in words if w not in ALLOWED_WORDS]


def _printed_literals(node: nodes.Node) -> list[str]:
    """String constants a template prints as they are (not as a gettext id, a comparison, an
    attribute name or a filter argument)."""
    if isinstance(node, nodes.Const):
        return [node.value] if isinstance(node.value, str) else []
    if isinstance(node, nodes.CondExpr):
        return _printed_literals(node.expr1) + (
            _printed_literals(node.expr2) if node.expr2 is not None else [])
    if isinstance(node, nodes.Concat):
        return [s for n in node.nodes for s in _printed_literals(n)]
    if isinstance(node, (nodes.Or, nodes.And)):
        return _printed_literals(node.left) + _printed_literals(node.right)
    if isinstance(node, nodes.Filter) and node.node is not None:
        return _printed_literals(node.node)
    return []


def _template_violations(source: str, env: Environment) -> list[str]:
    """The words of a template that no gettext call writes: its own text (outside
    ``{% trans %}`` blocks) and the string literals its ``{{ }}`` print, with the markup
    around them taken away (class names, attribute names and URLs are not words)."""
    pieces: list[str] = []
    tokens = list(env.lex(source))
    in_trans = False
    i = 0
    while i < len(tokens):
        _line, kind, value = tokens[i]
        if kind == "data" and not in_trans:
            pieces.append(value)
        elif kind == "block_begin":
            name = next((t[2] for t in tokens[i + 1:] if t[1] != "whitespace"), "")
            in_trans = {"trans": True, "pluralize": True, "endtrans": False}.get(name, in_trans)
            pieces.append("\x00")
        elif kind == "variable_begin":
            end = next(j for j in range(i, len(tokens)) if tokens[j][1] == "variable_end")
            expression = env.parse("".join(str(t[2]) for t in tokens[i:end + 1]))
            literals = [lit for out in expression.find_all(nodes.Output) for child in out.nodes
                        for lit in _printed_literals(child)]
            pieces.append("\x00" + " ".join(literals) + "\x00")
            i = end
        i += 1
    return _words("".join(pieces))


def _templates() -> list[Path]:
    return sorted(p for s in SERVICES for p in (ROOT / s / "templates").rglob("*.html"))


@pytest.mark.parametrize("path", _templates(), ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_no_untranslated_words_in_templates(path: Path) -> None:
    env = Environment(extensions=["jinja2.ext.i18n"])
    bad = _template_violations(path.read_text(encoding="utf-8"), env)
    assert not bad, f"{path.relative_to(ROOT)} writes words outside gettext: {bad}"


def test_the_literal_check_can_fail() -> None:
    env = Environment(extensions=["jinja2.ext.i18n"])
    assert _template_violations('<p title="Close">{{ _("x.y") }}</p>', env) == ["Close"]
    assert _template_violations("<p>Hello {{ name }}</p>", env) == ["Hello"]
    assert _template_violations('{{ "Ja" if ok else "Nee" }}', env) == ["Ja", "Nee"]
    assert _template_violations('{% trans %}Hello{% endtrans %} · {{ "✔" }} 4', env) == []


@pytest.mark.parametrize(("cookie", "header", "query", "expected"), [
    (None, None, None, "nl"),
    (None, "en-GB,en;q=0.9", None, "en"),
    (None, "de, en;q=0.5, nl;q=0.8", None, "nl"),  # quality, not order
    (None, "nl;q=0, en", None, "en"),  # q=0: not acceptable
    (None, "nl-BE", None, "nl"),  # RFC 4647 lookup: the range falls back to its prefix
    (None, "fr, *;q=0.1", None, "nl"),
    (None, "en;q=0.5, nl;q=0.5", None, "en"),  # ties: the first
    (None, "en;q=abc, nl", None, "nl"),  # a malformed quality value is no match
    (None, "x" * 300, None, "nl"),
    ("en", "nl", None, "en"),  # the switch's cookie beats the browser
    ("en", None, "nl", "nl"),  # and ?lang= beats the cookie
    ("fr", None, "de", "nl"),
])
def test_one_language_negotiation(cookie: str | None, header: str | None, query: str | None,
                                  expected: str) -> None:
    assert negotiate(cookie, header, query=query) == expected


def test_accept_language_is_parsed_with_quality_values() -> None:
    assert parse_accept_language("da, en-gb;q=0.8, en;q=0.7") == [
        ("da", 1.0), ("en-gb", 0.8), ("en", 0.7)]
    assert parse_accept_language("en;q=1.5, nl;q=-1, ;q=1, fr") == [("fr", 1.0)]


def test_the_services_share_the_negotiation() -> None:
    """No service keeps its own parser: ``Accept-Language`` is read in servicekit only."""
    for service in (*SERVICES, "servicekit", "stack"):
        for path in (ROOT / service).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            if path.name == "i18n.py" and service == "servicekit":
                continue
            assert ".split(\";\")" not in text or "accept" not in text.lower(), path
            assert "q=" not in text or "accept-language" not in text.lower(), path


def test_numbers_dates_and_plurals_follow_the_language() -> None:
    assert format_number(4.5, "nl") == "4,5" and format_number(4.5, "en") == "4.5"
    assert format_number(1234.5, "nl", digits=1) == "1.234,5"
    assert format_number(6, "en", digits=0) == "6"
    assert format_date("2026-12-04T10:00:00Z", "nl") == "4 december 2026"
    assert format_date("2026-12-04T10:00:00Z", "en") == "December 4, 2026"
    assert format_date("not a date", "nl") == ""
    wallet = _catalogue("wallet")
    assert wallet.ngettext("nl", "backup.restored", "backup.restored", 1) != ""
    gettext = template_callables(wallet, "nl")["gettext"]
    assert gettext("list.title") == "Mijn bewijzen"
    assert isinstance(gettext("receive.pin_length", n="<6>"), Markup)
    assert "&lt;6&gt;" in gettext("receive.pin_length", n="<6>")  # values are escaped


@pytest.mark.parametrize("lang", LANGS)
def test_each_service_speaks_both_languages(lang: str) -> None:
    for service, key in (("wallet", "list.title"), ("verifier", "nav.ask"),
                         ("issuer", "offer.title")):
        text = _catalogue(service).gettext(lang, key)
        assert text != key
    assert _catalogue("wallet").gettext("nl", "list.title") != _catalogue(
        "wallet").gettext("en", "list.title")
