"""Readings: the sentences under the notebooks' tables and figures are computed from the tables given.

Each test builds a small table whose numbers it knows and checks that the reading states them (and
names the right articles and themes) — so a result notebook speaks of the corpus it ran on.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pytest

from arabic_themes import readings
from arabic_themes.codebook import load_codebook

from conftest import DATA


@dataclass(frozen=True)
class T:
    id: str
    label_en: str


THEMES = [T("economy", "Economy"), T("diplomacy", "Diplomacy")]


def coded_frame() -> pd.DataFrame:
    """Two articles: `a` has 4 units (economy 3, diplomacy 1, one unit with both), `b` 2 units (diplomacy 1)."""
    rows = [
        ("a", 1, 1, 0),
        ("a", 2, 1, 1),
        ("a", 3, 1, 0),
        ("a", 4, 0, 0),
        ("b", 1, 0, 1),
        ("b", 2, 0, 0),
    ]
    frame = pd.DataFrame(rows, columns=["doc_id", "sentence_id", "economy", "diplomacy"])
    frame["start"] = frame["sentence_id"] * 10
    frame["text"] = "نص"
    frame["evidence"] = ""
    return frame


def test_percent() -> None:
    assert readings.percent(76, 169) == "45 %" and readings.percent(0, 0) == "–"


def test_theme_counts_states_the_counts_and_the_articles() -> None:
    text = readings.reading_theme_counts(coded_frame(), THEMES)
    assert text.startswith(
        "**Reading.** Of the 6 units, the coder marks *Economy* in 3 (50 %) and *Diplomacy* in 2 (33 %)"
    )
    assert "2 (33 %) carry no theme" in text
    assert "*Economy* weighs most in `a` (3 of 4 units)" in text and "*Diplomacy* in `b` (1 of 2 units)" in text
    assert "*Economy* never occurs in `b`" in text


def test_theme_counts_of_one_article_compares_nothing() -> None:
    text = readings.reading_theme_counts(coded_frame().query("doc_id == 'a'"), THEMES)
    assert "Of the 4 units" in text and "weighs most" not in text


def test_theme_shares_gives_the_range_over_articles() -> None:
    text = readings.reading_theme_shares(coded_frame(), THEMES)
    assert "*Economy* runs from 0 % of the units of `b` to 75 % of those of `a`" in text
    assert "*Diplomacy* runs from 25 % of the units of `a` to 50 % of those of `b`" in text


def test_dispersion_gives_median_positions() -> None:
    text = readings.reading_dispersion(coded_frame(), THEMES)
    # economy at positions 1/8, 3/8, 5/8 of `a`: median 3/8 = 38 %; diplomacy at 3/8 (a) and 1/4 (b): median 31 %
    assert "a unit of *Economy* and *Diplomacy* comes at 38 % and 31 % of its article's length" in text
    assert "first appear on average at 12 % and 31 %" in text


def test_cooccurrence_counts_pairs_and_overlap() -> None:
    text = readings.reading_cooccurrence(coded_frame(), THEMES)
    assert "*Economy* and *Diplomacy* share 1 unit" in text
    assert "50 % of the rarer theme's units (1 of 2)" in text and "1 of the 6 units carry two themes" in text
    apart = coded_frame().assign(diplomacy=[0, 0, 0, 0, 1, 0])
    text = readings.reading_cooccurrence(apart, THEMES)
    assert "Never in the same unit: *Economy* and *Diplomacy*" in text and "No unit carries two themes" in text


def test_agreement_splits_misses_and_additions() -> None:
    aligned = pd.DataFrame(
        {
            "economy_coder": [1, 0, 0, 1],
            "economy_reference": [1, 1, 1, 1],
            "diplomacy_coder": [0, 1, 0, 0],
            "diplomacy_reference": [0, 0, 0, 0],
        }
    )
    text = readings.reading_agreement(aligned, THEMES)
    assert "agree on 5 of the 8 unit–theme decisions (62 %)" in text
    assert "2 are misses (reference only) and 1 addition (coder only): the coder is the more conservative" in text
    assert "Most differences are on *Economy* (2)" in text


def test_actor_mentions_names_the_most_mentioned_and_who_stands_out() -> None:
    actors = [T("russia", "Russia"), T("iran", "Iran"), T("putin", "Vladimir Putin")]
    counts = pd.DataFrame(
        [
            ("a", "russia", 5),
            ("a", "iran", 4),
            ("a", "putin", 3),
            ("b", "russia", 2),
            ("b", "iran", 1),
            ("b", "putin", 0),
        ],
        columns=["doc_id", "actor", "count"],
    )
    text = readings.reading_actor_mentions(counts, actors)
    assert "most mentioned actors are Russia (7), Iran (5) and Vladimir Putin (3)" in text
    assert "Beyond Russia and Iran, the actor an article names most: Vladimir Putin in `a` (3)" in text
    assert "No actor" in readings.reading_actor_mentions(counts.assign(count=0), actors)
    more = pd.concat([counts, counts.assign(doc_id="c")], ignore_index=True)
    assert "Vladimir Putin in 2 articles (up to 3, in `a`)" in readings.reading_actor_mentions(more, actors)


def _quotes() -> pd.DataFrame:
    rows = [
        ("a", "quotation", "putin", "Vladimir Putin", "same sentence"),
        ("a", "quotation", "", "مسؤول أمريكي", "unnamed"),
        ("b", "quotation", "putin", "Vladimir Putin", "previous sentence"),
        ("b", "term", "", "", "none"),
        ("b", "quotation", "", "", "none"),
    ]
    return pd.DataFrame(rows, columns=["doc_id", "kind", "speaker", "speaker_label", "attribution"])


def test_quotations_counts_attribution_and_shared_remarks() -> None:
    pairs = pd.DataFrame({"verdict": ["different wording, same speaker"]})
    text = readings.reading_quotations(_quotes(), pairs, ["a", "b", "c"])
    assert "4 quotations in 2 of its 3 articles: 2 attributed to a named speaker" in text
    assert "1 to unnamed words after a speech verb and 1 to no one" in text
    assert "`c` quotes no one directly" in text and "Vladimir Putin (2)" in text
    assert "1 pair of quotations in two articles renders the same remark (0 in the same words, 1 in" in text
    none = readings.reading_quotations(_quotes().assign(kind="term"), pairs.iloc[:0], ["a"])
    assert "no quotation" in none


def test_claims_timeline_and_keyness() -> None:
    claims = pd.DataFrame({"claim_id": ["x", "x", "y", "z"], "agree": ["no", "no", "yes", "single"]})
    assert readings.reading_claims(claims) == (
        "**Reading.** Of 3 claims, 1 is made alike by every article that makes it, 1 by one article only, "
        "and 1 is contradicted between articles."
    )
    events = pd.DataFrame(
        {"event_id": ["t", "t", "w"], "date": ["2025-01-17", "2025-01-27", "1804"], "doc_id": ["a", "b", "a"]}
    )
    assert readings.reading_timeline(events) == (
        "**Reading.** 2 events from 1804 to 2025; 1 mentioned by more than one article, "
        "1 dated differently by different articles."
    )
    top = pd.DataFrame(
        {
            "doc_id": ["a", "a", "b"],
            "as_written": ["بوتين", "مساعدة", "ترامب"],
            "count": [11, 4, 7],
            "z": [2.2, 1.8, 3.5],
        }
    )
    text = readings.reading_keyness(top)
    assert "most distinctive word is \u2068ترامب\u2069 in `b` (z = 3.5, ×7)" in text
    assert "`a`: \u2068بوتين\u2069 (×11), \u2068مساعدة\u2069 (×4)" in text  # isolated: the order survives bidi
    assert "hints" not in text  # a z above 3 is more than a hint


def test_summaries_are_computed() -> None:
    codebook = load_codebook(DATA / "codebook.yaml")
    coded = coded_frame().rename(columns={"economy": "strategic_ambiguity", "diplomacy": "precedents"})
    coded["ukraine_tradeoff"] = 0
    text = readings.summary_coding(codebook, coded)
    indicators = sum(len(t.indicators) for t in codebook.themes)
    assert (
        f"3 themes with Arabic and English labels, definitions, inclusion and exclusion rules, {indicators} indicators"
        in text
    )
    assert "Of the 6 units of 2 articles" in text and "*Strategic ambiguity* 50 %" in text
    two = load_codebook_text(TWO_THEMES_YAML)
    text = readings.summary_coding(two, coded_frame())
    assert (
        "2 themes with Arabic and English labels, definitions, inclusion and exclusion rules and 2 indicators." in text
    )


TWO_THEMES_YAML = """\
themes:
  - {id: economy, label_ar: الاقتصاد, label_en: Economy, definition: Trade., indicators: [{id: t, any: [تجار*]}]}
  - {id: diplomacy, label_ar: الدبلوماسية, label_en: Diplomacy, definition: Talks., indicators: [{id: d, any: [قال]}]}
"""


def load_codebook_text(text: str):
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "codebook.yaml"
        path.write_text(text, encoding="utf-8")
        return load_codebook(path)


@pytest.mark.parametrize(("n", "expected"), [(2, ["a", "c"]), (5, ["a", "b", "c"])])
def test_largest_docs_keeps_corpus_order(n: int, expected: list[str]) -> None:
    frame = pd.DataFrame({"doc_id": ["a"] * 3 + ["b"] + ["c"] * 2})
    assert readings.largest_docs(frame, n) == expected
    assert readings.shown_note(2, 3, "articles", "x.csv") == "*Showing 2 of 3 articles; all of them are in `x.csv`.*"
    assert readings.shown_note(3, 3) == ""


def test_keyness_reading_glosses_each_word() -> None:
    top = pd.DataFrame(
        {
            "doc_id": ["a", "b"],
            "word": ["بوتين", "ترامب"],
            "as_written": ["بوتين", "ترامب"],
            "count": [11, 7],
            "z": [2.2, 1.5],
        }
    )
    text = readings.reading_keyness(top, english={"بوتين": "Putin"})
    assert "most distinctive word is \u2068بوتين\u2069 (*Putin*) in `a`" in text
    assert "`a`: \u2068بوتين\u2069 (*Putin*, ×11); `b`: \u2068ترامب\u2069 (×7)" in text  # no gloss: the count alone


# --- notebook 03 ---------------------------------------------------------------------------------


def _scores(f1: list[float], alpha: list[float], n: int = 40) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "theme": ["economy", "diplomacy"],
            "n": [n, n],
            "precision": [1.0, 0.5],
            "recall": [0.8, 0.75],
            "f1": f1,
            "kappa": alpha,
            "alpha": alpha,
            "reference_1": [5, 4],
            "coder_1": [4, 6],
        }
    )


def test_validation_scores_decisive_first_and_the_bar() -> None:
    scores = _scores([0.89, 0.6], [0.85, 0.4])
    table = readings.decisive_first(scores)
    assert list(table.columns[:4]) == ["theme", "f1", "alpha", "meets_bar"]
    assert table["meets_bar"].tolist() == [True, False]
    text = readings.reading_scores(scores, THEMES, unit="sentence")
    assert text.startswith("**Reading.** On the 40 sentences coded by both, the coder meets the bar")
    assert "for *Economy* only: *Economy* F1 0.89, α 0.85 (precision 1.00, recall 0.80); *Diplomacy* F1 0.60" in text
    assert "for every theme" in readings.reading_scores(_scores([0.9, 0.9], [0.9, 0.81]), THEMES)
    assert "for no theme" in readings.reading_scores(_scores([0.9, 0.84], [0.79, 0.9]), THEMES)  # both bars count


def test_disagreements_reading_counts_misses_additions_and_units() -> None:
    diffs = pd.DataFrame(
        {
            "theme": ["economy", "economy", "diplomacy"],
            "kind": [
                "reference only (false negative)",
                "coder only (false positive)",
                "reference only (false negative)",
            ],
            "doc_id": ["a", "a", "a"],
            "start": [0, 10, 0],
        }
    )
    text = readings.reading_disagreements(diffs, THEMES, 6)
    assert text == (
        "**Reading.** 3 differences in 2 units of 6: 2 misses (reference only) and 1 addition (coder only). "
        "By theme: *Economy* 2 and *Diplomacy* 1."
    )
    assert "agree on every unit" in readings.reading_disagreements(diffs.iloc[:0], THEMES, 6)


def _history() -> pd.DataFrame:
    rows = []
    f1 = {("v1", "corpus"): 0.6, ("v1", "test set"): 0.5, ("v2 (current)", "corpus"): 0.95,
          ("v2 (current)", "test set"): 0.7, ("v1", "set 1"): 0.55, ("v2 (current)", "set 1"): 0.9}  # fmt: skip
    for (version, sentences), value in f1.items():
        for theme, shift in (("economy", 0.0), ("diplomacy", 0.1)):
            rows.append({"codebook": version, "sentences": sentences, "theme": theme, "f1": value + shift})
    frame = pd.DataFrame(rows)
    # v2 was revised after the corpus and set 1: its scores there (and v1's nowhere) are fitted
    frame["fitted"] = (frame["codebook"] == "v2 (current)") & frame["sentences"].isin(["corpus", "set 1"])
    return frame


def test_versions_table_and_reading_state_fitted_unseen_and_the_test_set() -> None:
    history = _history()
    first = history[((history["codebook"] == "v1") & (history["sentences"] == "corpus"))
                    | ((history["codebook"] == "v2 (current)") & (history["sentences"] == "set 1"))]  # fmt: skip
    table = readings.versions_table(
        history, ["economy", "diplomacy"], {"test set": history[history["sentences"] == "test set"]}
    )
    assert table.columns.tolist() == ["codebook", "test set · economy", "test set · diplomacy"]
    assert table["test set · diplomacy"].round(2).tolist() == [0.6, 0.8]
    text = readings.reading_versions(history, THEMES, first)
    assert text.startswith("**Reading.** 2 codebook versions on 3 sets of sentences.")
    assert "The current version, v2, scores F1 0.90–1.05 on the 2 sets it or an earlier version was revised" in text
    assert "before anyone read its misses, v2 scores F1 *Economy* 0.90 and *Diplomacy* 1.00 (set 1)" in text
    assert "On the test set, which no version was revised against, F1 went from v1 to v2: *Economy* 0.50 → 0.70" in text
    alone = history[(history["codebook"] == "v1") & (history["sentences"] == "corpus")].drop(columns="fitted")
    assert "Only the current codebook on this corpus" in readings.reading_versions(alone, THEMES)


def test_sample_readings_and_interval_table() -> None:
    def row(theme: str, value: float, lo: float, hi: float) -> dict[str, object]:
        metrics = {
            f"{m}{s}": v
            for m in ("precision", "recall", "f1", "alpha")
            for s, v in (("", value), ("_lo", lo), ("_hi", hi))
        }
        return {"theme": theme, "n": 20, **metrics}

    sample = pd.DataFrame([row("economy", 0.9, 0.8, 1.0), row("diplomacy", 1.0, 1.0, 1.0)])
    every = pd.DataFrame([row("economy", 0.85, 0.8, 0.9), row("diplomacy", 0.7, 0.6, 0.8)])
    table = readings.interval_table(sample, every)
    assert table.loc[0, "F1, sample [95 %]"] == "0.90 [0.80–1.00]" and table.loc[1, "α, every unit"] == "0.70"
    text = readings.reading_validation_sample(sample, every, THEMES, 20, 50)
    assert "With 20 of 50 units coded by hand" in text
    economy = "**Economy**: F1 0.90 [0.80–1.00] and α 0.90 [0.80–1.00] from the sample; F1 0.85 and α 0.85 from"
    assert economy + " every unit — inside" in text
    assert "**Diplomacy**" in text and "outside the sample's intervals. The sample holds no disagreement" in text
    shares = pd.DataFrame({"theme": ["economy"], "machine": [0.45], "estimate": [0.468], "lo": [0.42], "hi": [0.53],
                           "human, every unit": [0.6]})  # fmt: skip
    assert readings.reading_corrected_shares(shares, THEMES) == (
        "* **Economy**: the coder marks 45 % of the units; corrected with the sample, 47 % [42 %–53 %]; the reference "
        "coding of every unit gives 60 % (outside the interval)."
    )
    summary = readings.summary_validation(_scores([0.9, 0.9], [0.9, 0.9]), pd.DataFrame({"x": [1, 2]}), THEMES,
                                          versions=3, sample=20)  # fmt: skip
    assert "Against the reference coding of 40 units, the coder meets the bar" in summary
    assert "2 disagreements listed above" in summary and "Every one of the 3 codebook versions" in summary
    assert "test set" not in summary  # none given


def _check(f1: tuple[float, float]) -> pd.DataFrame:
    """A codebook's scores on a real test set of 12 pieces (60 units), F1 per theme as given."""
    return pd.DataFrame(
        {
            "theme": ["economy", "diplomacy"],
            "view": "pooled",
            "sentences": "real test set",
            "pieces": 12,
            "n": 60,
            "precision": [0.9, 0.75],
            "recall": [0.8, 0.4],
            "f1": list(f1),
            "f1_lo": [0.7, 0.3],
            "f1_hi": [0.95, 0.7],
        }
    )


def test_trust_reading_states_the_codebook_s_real_text_scores_and_which_counts_are_approximate() -> None:
    text = readings.reading_trust(
        _check((0.85, 0.52)), THEMES, coded="../processed/coded_sentences.csv", corpus="/home/me/my texts",
        codebook="/home/me/book.yaml",
    )  # fmt: skip
    assert "measured on 12 real published Arabic pieces (60 units)" in text
    economy = "*Economy*: F1 0.85 (0.70–0.95); recall 0.80 (the share of a reader's units it finds), precision 0.90"
    assert economy in text
    assert "F1 0.80 or more there: *Economy*; read its count as measured." in text
    assert "Below 0.80: *Diplomacy*; read its count as approximate" in text
    # the commands to check a sample use the run's paths, seen from the folder that holds notebooks/, shell-quoted
    assert "arabic-themes sample --coded processed/coded_sentences.csv \\\n    --corpus '/home/me/my texts'" in text
    assert "--codebook /home/me/book.yaml" in text
    assert "arabic-themes validate --coded processed/coded_sentences.csv" in text
    assert text.count("```") == 2


def test_trust_reading_without_a_measurement_or_with_a_hand_coding() -> None:
    paths = {"coded": "../data/processed/coded_sentences.csv", "corpus": "../data/raw", "codebook": "../data/c.yaml"}
    text = readings.reading_trust(None, THEMES, **paths)
    assert "no measurement of this codebook on independently coded text it was never revised on is known here" in text
    assert "F1" not in text and "--corpus data/raw --codebook data/c.yaml" in text
    text = readings.reading_trust(_check((0.9, 0.81)), THEMES, **paths, has_reference=True)
    assert "F1 0.80 or more there: *Economy* and *Diplomacy*; read their counts as measured." in text
    assert "Below" not in text and "notebook 03 measures the coder against it" in text and "```" not in text


def test_the_summary_of_notebook_02_says_which_counts_carry_to_new_text() -> None:
    two = load_codebook_text(TWO_THEMES_YAML)
    text = readings.summary_coding(two, coded_frame(), _check((0.85, 0.52)))
    assert text.splitlines()[-1] == (
        "* On 12 real published pieces its revisions never read, the codebook reaches F1 0.80 for *Economy*, not for "
        "*Diplomacy*: read its count as approximate (section 6)."
    )
    assert "has not been measured for this codebook" in readings.summary_coding(two, coded_frame()).splitlines()[-1]
    text = readings.summary_coding(two, coded_frame(), _check((0.5, 0.52)))
    assert text.splitlines()[-1].endswith("reaches F1 0.80 for no theme (section 6).")
