"""The explorer's words (app/web/words/): every entry said in both languages with the same
blanks to fill, and every key a page asks for present — a missing one would be a KeyError on a
page, in one language or the other."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

pytest.importorskip("streamlit")

from kubeatlas.app.web import words
from kubeatlas.graph.notes import lang as notes_lang

WEB = Path(__file__).resolve().parents[1] / "app" / "web"
# say(lang, "key" / said(lang, "key" / say(language.chosen(), "key" / both("key"
_ASKED = re.compile(r"""\b(?:say|said|both)\((?:[\w.]+(?:\(\))?,\s*)?["']([a-z_][\w -]*)["']""")


def _blanks(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_entry_is_said_in_english_and_chinese_with_the_same_blanks():
    for key, (en, zh) in words._TEXT.items():
        assert en.strip() and zh.strip(), key
        assert _blanks(en) == _blanks(zh), (key, en, zh)


def test_a_page_that_says_chinese_says_it_in_chinese():
    """An entry whose English is a sentence has Chinese in its Chinese (not a copy)."""
    for key, (en, zh) in words._TEXT.items():
        if len(re.findall(r"[a-z]{3,}", re.sub(r"\{\w+\}", "", en))) >= 3 and "`" not in en:
            assert re.search(r"[\u4e00-\u9fff]", zh), (key, zh)


def test_every_key_the_pages_ask_for_is_there_in_both_languages():
    asked: dict[str, str] = {}
    for path in sorted(WEB.rglob("*.py")):
        if "words" in path.parts:
            continue
        for key in _ASKED.findall(path.read_text(encoding="utf-8")):
            if not key.endswith("_"):  # a family (`"tier_" + tier`): the test below
                asked.setdefault(key, str(path.relative_to(WEB)))
    assert len(asked) > 200  # the scan sees the pages' words
    missing = {k: where for k, where in asked.items()
               if k not in words.KEYS and k not in notes_lang._TEXT}
    assert not missing, missing
    for key in asked:
        for lang in ("en", "zh"):  # fills in without a KeyError (blanks named alike)
            text = words._TEXT.get(key) or notes_lang._TEXT[key]
            assert text[0 if lang == "en" else 1]


def test_the_words_built_from_a_name_are_there_for_every_name():
    """Keys made from data (an edge filter, a search tier, a hop's kind, a plane) exist for
    every value the data can take."""
    from kubeatlas.app.web import dot
    from kubeatlas.graph.model.schema import EdgeKind
    from kubeatlas.graph.query.bridge import HOW
    from kubeatlas.graph.query.chains import how
    from kubeatlas.graph.query.neighbourhood import EDGE_FILTERS

    for name in EDGE_FILTERS:
        assert f"edges_{name}" in words.KEYS, name
    for tier in ("test", "generated"):
        assert f"tier_{tier}" in words.KEYS
    for plane in dot.PLANE_KEYS:
        assert f"plane_{plane}" in words.KEYS
    hows = {how(str(kind), {"via": via}) for kind in [*EdgeKind, "REFERENCES"]
            for via in ("", "interface", "field", "stored", "queue", "cond")}
    hows |= set(HOW.values())
    hows -= {str(k).lower() for k in EdgeKind}  # an edge a chain never follows says its name
    assert {h for h in hows if f"how_{h}" not in words.KEYS} == set()


def test_two_pages_defining_one_key_is_refused():
    from types import SimpleNamespace

    pages = (SimpleNamespace(__name__="a", TEXT={"x": ("x", "甲")}),
             SimpleNamespace(__name__="b", TEXT={"x": ("y", "乙")}))
    original = words._PAGES
    try:
        words._PAGES = pages  # type: ignore[assignment]
        with pytest.raises(AssertionError, match=r"b defines words already defined: \['x'\]"):
            words._merged()
    finally:
        words._PAGES = original
