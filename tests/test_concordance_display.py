"""KWIC rows point at raw text; RTL tables mark cells dir=auto and are deterministic."""

from __future__ import annotations

import pandas as pd

from arabic_themes import load_corpus, load_glue_repairs
from arabic_themes.concordance import PDI, RLI, kwic
from arabic_themes.display import rtl_html, rtl_table

from conftest import ROOT


def test_kwic_finds_both_spellings_and_offsets_are_raw() -> None:
    corpus = load_corpus(ROOT / "data" / "raw")
    texts = dict(zip(corpus["doc_id"], corpus["text"], strict=True))
    hits = kwic(corpus, "{ترامب|ترمب}", window=3)
    assert {"ترامب", "ترمب"} <= set(hits["keyword"])
    for row in hits.itertuples():
        assert texts[row.doc_id][row.start : row.end] == row.keyword
        assert len(row.pre.split()) <= 3 and len(row.post.split()) <= 3


def test_kwic_sees_inside_glued_words_only_with_repairs() -> None:
    corpus = load_corpus(ROOT / "data" / "raw")
    repairs = load_glue_repairs(ROOT / "data" / "glued_words.csv")
    assert len(kwic(corpus, "طهران", repairs=repairs)) > len(kwic(corpus, "طهران"))


def test_kwic_isolates_wrap_in_rtl_isolates() -> None:
    corpus = pd.DataFrame({"doc_id": ["d"], "text": ["منظومة إس-400 الروسية"]})
    row = kwic(corpus, "اس-400", isolate=True).iloc[0]
    assert row.keyword == f"{RLI}إس-400{PDI}"


def test_rtl_table_marks_every_cell_and_is_deterministic() -> None:
    frame = pd.DataFrame({"ar": ["روسيا"], "n": [1]})
    html1, html2 = rtl_table(frame)._repr_html_(), rtl_table(frame)._repr_html_()
    assert html1 == html2
    assert html1.count('dir="auto"') == 4  # 2 header cells + 2 body cells
    assert "<td dir=\"auto\">روسيا</td>" in html1
    assert "روسيا" in repr(rtl_table(frame))
    assert rtl_html("<روسيا>")._repr_html_() == '<p dir="rtl">&lt;روسيا&gt;</p>'
