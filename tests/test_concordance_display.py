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


def test_isolate_arabic_keeps_the_english_order_around_arabic() -> None:
    from arabic_themes.display import isolate_arabic

    fsi, pdi = "\u2068", "\u2069"
    assert isolate_arabic("numbers (إس-400, سو-35, 17 يناير 2025) stay") == (
        f"numbers ({fsi}إس-400{pdi}, {fsi}سو-35{pdi}, {fsi}17 يناير 2025{pdi}) stay"
    )
    assert isolate_arabic("(ترمب → ترامب)") == f"({fsi}ترمب{pdi} → {fsi}ترامب{pdi})"
    assert isolate_arabic("(بوتين ×11)") == f"({fsi}بوتين{pdi} ×11)"
    assert isolate_arabic("hamza seat → و/ي") == f"hamza seat → {fsi}و{pdi}/{fsi}ي{pdi}"
    assert isolate_arabic("هل ستتدخل روسيا؟ yes") == f"{fsi}هل ستتدخل روسيا؟{pdi} yes"
    once = isolate_arabic("a روسيا and \u2067«دعم محدود»\u2069")
    assert once == f"a {fsi}روسيا{pdi} and \u2067«دعم محدود»\u2069" and isolate_arabic(once) == once
    assert isolate_arabic("no Arabic, 2025.") == "no Arabic, 2025."


def test_rtl_table_plain_copy_is_cut_and_html_isolates_arabic_in_english_cells() -> None:
    long = " ".join(["روسيا"] * 50)
    frame = pd.DataFrame({"hamza seat → و/ي": [1], "text": [long], "theme": ["strategic_ambiguity"]})
    table = rtl_table(frame, max_chars=20)
    assert max(len(line) for line in repr(table).splitlines()) < 60  # not padded to the sentence's length
    assert "روسيا روسيا روسيا ر…" in repr(table)
    markup = table._repr_html_()
    assert "hamza seat\u00a0→\u00a0\u2068و\u2069/\u2060\u2068ي\u2069" in markup  # isolated, no wrap at → or /
    assert f'<td dir="auto">{long}</td>' in markup  # an Arabic cell: left as it is
    assert "strategic_<wbr>ambiguity" in markup  # a long identifier may wrap


def test_rtl_table_long_table_links_its_file_and_rtl_direction() -> None:
    frame = pd.DataFrame({"n": range(30)})
    table = rtl_table(frame, max_rows=5, source="../data/processed/x.csv", direction="rtl")
    markup = table._repr_html_()
    assert markup.startswith('<table class="dataframe" dir="rtl">')
    link = '<a href="../data/processed/x.csv"><code>x.csv</code></a>'
    assert f"the first 5 of 30 rows; all of them are in {link}" in markup
    assert repr(table).endswith("(the first 5 of 30 rows; all of them are in x.csv)")


def test_kwic_table_reads_right_to_left_with_the_units_english(sentences: pd.DataFrame) -> None:
    from arabic_themes.display import kwic_table

    corpus = load_corpus(ROOT / "data" / "raw")
    lines = kwic(corpus, "يناير", window=4)
    glosses = pd.DataFrame(
        [
            ["unit", r.doc_id, r.start, r.end, "", r.text, f"gloss {r.doc_id} {r.sentence_id}"]
            for r in sentences.itertuples()
        ],
        columns=["kind", "doc_id", "start", "end", "term", "arabic", "english"],
    )
    markup = kwic_table(lines, units=sentences, glosses=glosses)._repr_html_()
    assert markup.startswith('<table class="dataframe" dir="rtl">')
    header = ("doc_id", "start", "pre", "keyword", "post", "english (the whole unit)")
    positions = [markup.index(f">{h}</th>") for h in header]
    assert positions == sorted(positions)  # logical order; the table lays it out right to left
    first = lines.iloc[0]
    holder = sentences[(sentences["doc_id"] == first.doc_id) & (sentences["start"] <= first.start)].iloc[-1]
    assert f"gloss {first.doc_id} {holder.sentence_id}<" in markup
    assert "english" not in kwic_table(lines)._repr_html_()


def test_evidence_names_and_with_english_without_glosses() -> None:
    from arabic_themes.display import evidence_names, with_english

    evidence = "a_theme/one@1-5; a_theme/one@9-12; other/two@3-4"
    assert evidence_names(evidence) == "a_theme/one, other/two"
    assert evidence_names(evidence, theme="other") == "two"
    assert evidence_names("") == ""
    from arabic_themes.display import evidence_preview

    assert evidence_preview(evidence) == "a_theme/one@1-5; a_theme/one@9-12; … (+1)"
    assert evidence_preview(evidence, 3) == evidence
    frame = pd.DataFrame({"doc_id": ["d"], "start": [0], "end": [1]})
    assert with_english(frame, None) is frame
