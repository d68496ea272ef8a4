"""The verifier's language switch keeps the employer's place (issue 13 item 4): the same path
and query in the other language, on every page, including a result page (which reloads)."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient

from tests.verifier.test_result_words import _full_credential, _result_page

HTML = {"accept": "text/html"}


def _switch(page: str) -> str:
    m = re.search(r'<a class="lang" href="([^"]+)"', page)
    assert m, page[:300]
    return html.unescape(m.group(1))


def _lang(page: str) -> str:
    m = re.search(r'<html lang="(\w+)"', page)
    assert m
    return m.group(1)


def test_switch_keeps_path_and_query(client: TestClient) -> None:
    for url in ("/", "/scan", "/trust", "/scan?x=1"):
        page = client.get(url, headers=HTML)
        assert page.status_code == 200
        target = _switch(page.text)
        assert target.startswith(url.split("?")[0] + "?"), (url, target)
        if "?" in url:
            assert "x=1" in target
        switched = client.get(target, headers=HTML)
        assert switched.status_code == 200 and _lang(switched.text) != _lang(page.text)
        # the cookie remembers it: the next page keeps the language
        assert _lang(client.get(url.split("?")[0], headers=HTML).text) == _lang(switched.text)
        client.get(_switch(switched.text), headers=HTML)


def test_switch_on_a_result_page(client: TestClient, issuer: object, holder: object) -> None:
    nl = _result_page(client, _full_credential(issuer, holder), holder, "nl")
    assert _lang(nl) == "nl"
    target = _switch(nl)
    assert target.startswith("/results/") and target.endswith("lang=en"), target
    en = client.get(target, headers=HTML)
    assert en.status_code == 200 and _lang(en.text) == "en"
    again = client.get(target.split("?")[0], headers=HTML)  # a reload shows the result again
    assert again.status_code == 200 and _lang(again.text) == "en"
