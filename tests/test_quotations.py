"""Quotations and attributions: quote pairing, the attribution rules, cross-article matching; the corpus."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from arabic_themes import load_actors, load_run_in_headings, segment, segment_text
from arabic_themes.corpus import load_corpus
from arabic_themes.quotations import (
    QUOTATION_COLUMNS,
    compare_quotations,
    find_quotations,
    load_cues,
    quotation_presence,
    quote_spans,
)

from conftest import DATA


@pytest.fixture(scope="module")
def actors():
    return load_actors(DATA / "actors.yaml")


@pytest.fixture(scope="module")
def cues():
    return load_cues(DATA / "attribution_cues.yaml")


def quotes_of(text: str, actors, cues, doc_id: str = "d") -> pd.DataFrame:
    return find_quotations(segment_text(text, doc_id), actors, cues)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("قال «نعم» ثم", [(4, 8)]),
        ("قال “نعم” ثم", [(4, 8)]),
        ('قال "نعم" ثم', [(4, 8)]),
        ('طائرات "سو-35″ و"مي-28″', [(7, 13), (16, 22)]),  # scraped: straight quote closed by a double prime
        ("«خارج «داخل» خارج»", [(0, 17)]),  # nested: the outermost pair
        ("«مفتوح بلا إغلاق", []),
        ('" وحيد', []),
    ],
)
def test_quote_spans(text: str, expected: list[tuple[int, int]]) -> None:
    assert quote_spans(text) == expected


def test_speaker_between_cue_and_quote(actors, cues) -> None:
    q = quotes_of(
        'ويقول نيكولاي كوزانوف، الخبير في العلاقات الروسية الإيرانية: "روسيا لن تقبل بذلك أبداً مهما حدث".', actors, cues
    )
    row = q.iloc[0]
    assert (row["kind"], row["speaker"], row["speaker_as_written"], row["cue"]) == (
        "quotation",
        "kozhanov",
        "نيكولاي كوزانوف",
        "ويقول",
    )
    assert row["attribution"] == "same sentence"


def test_spelling_variants_merge_into_one_speaker(actors, cues) -> None:
    a = quotes_of('ويؤكد نيكولاي كوجانوف أن "روسيا لن توافق أبدًا على الانخراط عسكريًا".', actors, cues)
    b = quotes_of('يقول نيكولاي كوزانوف: "موسكو لن تقبل بذلك أبداً في أي حال".', actors, cues)
    assert a["speaker"].iloc[0] == b["speaker"].iloc[0] == "kozhanov"
    assert a["speaker_as_written"].iloc[0] != b["speaker_as_written"].iloc[0]


def test_speaker_before_a_participle_cue(actors, cues) -> None:
    q = quotes_of('اقترح بوتين مناقشة مخرج من الصراع، قائلاً: "هذا يمنحنا فرصة للتفكير معاً".', actors, cues)
    assert (q["speaker"].iloc[0], q["cue"].iloc[0]) == ("putin", "قائلاً")


def test_speaker_after_the_quotation(actors, cues) -> None:
    q = quotes_of('"لن نتدخل في هذه الحرب أبدا"، قال بوتين للصحفيين.', actors, cues)
    assert q["speaker"].iloc[0] == "putin"


def test_speaker_from_previous_sentence_of_the_paragraph(actors, cues) -> None:
    text = 'التقى عباس عراقجي بوتين أمس. وأضاف: "لم نطلب أي مساعدة عسكرية من أحد".'
    q = quotes_of(text, actors, cues)
    assert (q["speaker"].iloc[0], q["attribution"].iloc[0]) == ("putin", "previous sentence")


def test_unnamed_speaker_and_short_terms(actors, cues) -> None:
    q = quotes_of(
        "أشار مسؤول أمريكي إلى أن روسيا قدمت “تعاونًا دفاعيًا غير مسبوق” لإيران، ومنها طائرات “شاهد”.", actors, cues
    )
    assert q["kind"].tolist() == ["quotation", "term"]
    first = q.iloc[0]
    assert (first["speaker"], first["speaker_label"], first["attribution"]) == ("", "مسؤول أمريكي", "unnamed")
    assert q.iloc[1]["speaker"] == "" and q.iloc[1]["attribution"] == "none"


def test_source_marker_is_recorded_as_via(actors, cues) -> None:
    q = quotes_of('ويقول فابريس بوثييه بحسب وول ستريت جورنال: "روسيا ليست صديقة جيدة لأحد كما تتظاهر".', actors, cues)
    assert (q["speaker"].iloc[0], q["via"].iloc[0]) == ("pothier", "wsj")


def test_offsets_cut_the_quotation_from_the_raw_text(actors, cues) -> None:
    text = "مقدمة.\nويقول بوتين: «ليس هناك ما يناقش حاليا أبدا»."
    q = quotes_of(text, actors, cues)
    row = q.iloc[0]
    assert text[row["start"] : row["end"]] == row["quote"] == "ليس هناك ما يناقش حاليا أبدا"


def test_compare_and_presence(actors, cues) -> None:
    a = quotes_of(
        'ويقول فابريس بوثييه: "روسيا ليست حليفا يعتمد عليه، فهي تدير ظهرها لشركائها عندما يحتاجون إليها".',
        actors,
        cues,
        "a",
    )
    b = quotes_of(
        'ويقول فابريس بوثييه: "روسيا ليست صديقة جيدة، بوتين يدير ظهره لأصدقائه عندما يحتاجون إليه".', actors, cues, "b"
    )
    c = quotes_of('وقال بوتين: "الطقس جميل في موسكو هذا الأسبوع كما هو متوقع".', actors, cues, "c")
    quotes = pd.concat([a, b, c], ignore_index=True)
    pairs = compare_quotations(quotes)
    assert len(pairs) == 1
    assert (pairs["doc_a"].iloc[0], pairs["doc_b"].iloc[0]) == ("a", "b")
    assert pairs["verdict"].iloc[0] == "different wording, same speaker"
    presence = quotation_presence(quotes, pairs, ["a", "b", "c"])
    assert presence[["a", "b", "c", "articles"]].values.tolist() == [[1, 1, 0, 2], [0, 0, 1, 1]]


def test_bad_cue_file_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "cues.yaml"
    bad.write_text("speech: [قال]\n", encoding="utf-8")
    with pytest.raises(ValueError, match="cues.yaml.*'speech' and 'source'"):
        load_cues(bad)
    bad.write_text("speech: ['{قال']\nsource: [بحسب]\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad speech cue '\{قال'"):
        load_cues(bad)


def test_on_the_corpus(actors, cues, sentences, glue_repairs, raw_texts) -> None:
    quotes = find_quotations(sentences, actors, cues, glue_repairs)
    assert list(quotes.columns) == QUOTATION_COLUMNS
    raw = raw_texts
    assert all(
        raw[d][a:b] == t
        for d, a, b, t in zip(quotes["doc_id"], quotes["start"], quotes["end"], quotes["quote"], strict=True)
    )
    speeches = quotes[quotes["kind"] == "quotation"]
    # the experts quoted by two articles, under two spellings of Kozhanov's name
    assert set(speeches.loc[speeches["speaker"] == "kozhanov", "doc_id"]) == {"limited_support", "putins_calculus"}
    assert set(speeches.loc[speeches["speaker"] == "pothier", "doc_id"]) == {"limited_support", "putins_calculus"}
    pairs = compare_quotations(quotes)
    matched = {(a, b) for a, b in zip(pairs["speaker_a"], pairs["speaker_b"], strict=True)}
    assert matched == {("Nikolay Kozhanov", "Nikolay Kozhanov"), ("Fabrice Pothier", "Fabrice Pothier")}


# --- comparing quotations grows with the corpus, not with its square (issue 12.4) --------------------------


def _exhaustive_pairs(quotes: pd.DataFrame) -> dict[tuple[object, ...], float]:
    """What comparing every pair of quotations of different articles keeps, scored as compare_quotations
    scores them: at least 0.6, or 0.4 when both name the same speaker."""
    import re
    from difflib import SequenceMatcher

    from arabic_themes.normalisation import normalize_word

    q = quotes[quotes["kind"] == "quotation"].reset_index(drop=True)
    words = [re.findall(r"\w+", normalize_word(t)) for t in q["quote"]]
    kept = {}
    for i in range(len(q)):
        for j in range(i + 1, len(q)):
            if q["doc_id"][i] == q["doc_id"][j]:
                continue
            by_word = SequenceMatcher(None, words[i], words[j], autojunk=False).ratio()
            by_char = SequenceMatcher(None, " ".join(words[i]), " ".join(words[j]), autojunk=False).ratio()
            score = round(max(by_word, by_char), 3)
            same = bool(q["speaker"][i]) and q["speaker"][i] == q["speaker"][j]
            if score >= (0.4 if same else 0.6):
                a, b = q.iloc[i], q.iloc[j]
                kept[
                    (a["doc_id"], int(a["sentence_id"]), a["quote"], b["doc_id"], int(b["sentence_id"]), b["quote"])
                ] = score
    return kept


@pytest.mark.parametrize("folder", ["raw", "annotations/real_dev"])
def test_blocking_finds_every_pair_that_renders_one_remark(actors, cues, folder: str) -> None:
    """On the project's articles and the 49 real excerpts, against comparing every pair: the same pairs on the
    project, never a pair the exhaustive comparison would not keep, and every one it keeps at 0.5 or more."""
    corpus = load_corpus(DATA / folder)
    headings = load_run_in_headings(DATA / "run_in_headings.csv") if folder == "raw" else {}
    quotes = find_quotations(segment(corpus, headings), actors, cues)
    pairs = compare_quotations(quotes)
    columns = ["doc_a", "sentence_a", "quote_a", "doc_b", "sentence_b", "quote_b", "similarity"]
    found = {(a, int(sa), qa, b, int(sb), qb): s for a, sa, qa, b, sb, qb, s in pairs[columns].itertuples(index=False)}
    kept = _exhaustive_pairs(quotes)
    assert all(kept.get(key) == score for key, score in found.items())  # same scores, nothing new
    assert {k for k, s in kept.items() if s >= 0.5} <= set(found)
    if folder == "raw":
        assert found == kept


def test_copies_of_one_quotation_are_linked_linearly(actors, cues) -> None:
    """One remark quoted in 300 articles: 299 links (each to the first), one quotation present in 300 articles."""
    one = quotes_of('وقال بوتين: "هذا عدوان غير مبرر على الإطلاق على إيران".', actors, cues)
    quotes = pd.concat([one.assign(doc_id=f"doc{i:03d}") for i in range(300)], ignore_index=True)
    pairs = compare_quotations(quotes)
    assert len(pairs) == 299 and set(pairs["doc_a"]) == {"doc000"}
    assert (pairs["verdict"] == "same wording, same speaker").all()
    presence = quotation_presence(quotes, pairs, ["doc000", "doc150", "doc299"])
    assert presence[["doc000", "doc150", "doc299", "articles"]].values.tolist() == [[1, 1, 1, 300]]


def test_distinct_quotations_are_not_all_compared(monkeypatch: pytest.MonkeyPatch) -> None:
    """2,000 distinct quotations of rare words: far fewer comparisons than the 2 million pairs."""
    import random

    from arabic_themes import quotations

    rng = random.Random(3)
    letters = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
    vocabulary = ["".join(rng.choice(letters) for _ in range(5)) for _ in range(20000)]
    rows = [
        (f"doc{i}", 1, 0, 10, " ".join(rng.sample(vocabulary, 8)), 8, "quotation", "", "", "", "", "", "none")
        for i in range(2000)
    ]
    quotes = pd.DataFrame(rows, columns=QUOTATION_COLUMNS)
    calls = []
    real = quotations.SequenceMatcher

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(quotations, "SequenceMatcher", counted)
    pairs = compare_quotations(quotes)
    assert len(pairs) == 0
    assert len(calls) < 20 * len(quotes)  # linear in the number of quotations, not quadratic
