"""Distinctive vocabulary: word counts on normalised text, weighted log-odds, top terms."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from arabic_themes.keyness import arabic_stopwords, load_spelling_variants, top_terms, weighted_log_odds, word_counts

from conftest import DATA


def units(**texts: str) -> pd.DataFrame:
    return pd.DataFrame({"doc_id": list(texts), "text": list(texts.values())})


def test_word_counts_normalise_and_drop_stopwords() -> None:
    counts = word_counts(units(a="قالت إيرانُ إنّ إيران في خطر، وإن الأمرَ خطير"))
    got = dict(zip(counts["word"], counts["count"], strict=True))
    assert got["ايران"] == 2  # diacritics and hamza folded
    assert "في" not in got and "ان" not in got  # function words of the Arabic-Stopwords list
    row = counts[counts["word"] == "ايران"].iloc[0]
    assert row["as_written"] in {"إيران", "إيرانُ"}


def test_word_counts_keep_everything_without_stopwords() -> None:
    counts = word_counts(units(a="في في بيت"), stopwords=())
    assert dict(zip(counts["word"], counts["count"], strict=True)) == {"في": 2, "بيت": 1}


def test_spelling_variants_are_counted_as_one_word() -> None:
    variants = load_spelling_variants(DATA / "spelling_variants.csv")
    counts = word_counts(units(a="قال ترمب ثم قال ترامب ولترمب"), variants=variants, stopwords=())
    got = dict(zip(counts["word"], counts["count"], strict=True))
    assert got["ترامب"] == 2 and got["ولترامب"] == 1 and "ترمب" not in got


def test_spelling_variant_file_errors_name_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "v.csv"
    bad.write_text("variant,canonical,note\nترمب,ترامب,\nترمب,ترامب,again\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 3.*listed twice"):
        load_spelling_variants(bad)
    bad.write_text("variant,canonical\n,ترامب\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 2"):
        load_spelling_variants(bad)


def _by_hand(y_wi: float, y_wj: float, n_i: float, n_j: float) -> tuple[float, float]:
    """Monroe et al. (2008) with the pooled counts as the prior, written out term by term."""
    a_w, a_0 = y_wi + y_wj, n_i + n_j
    d = math.log((y_wi + a_w) / (n_i + a_0 - y_wi - a_w)) - math.log((y_wj + a_w) / (n_j + a_0 - y_wj - a_w))
    return d, d / math.sqrt(1 / (y_wi + a_w) + 1 / (y_wj + a_w))


def test_weighted_log_odds_matches_the_formula() -> None:
    counts = pd.DataFrame(
        {"doc_id": ["a", "a", "a", "b", "b"], "word": ["x", "y", "z", "x", "y"], "count": [5, 1, 2, 1, 4]}
    )
    table = weighted_log_odds(counts)
    n_a, n_b = 8, 5
    for row in table.itertuples():
        other = counts[(counts["doc_id"] != row.doc_id) & (counts["word"] == row.word)]["count"].sum()
        n_i, n_j = (n_a, n_b) if row.doc_id == "a" else (n_b, n_a)
        delta, z = _by_hand(row.count, other, n_i, n_j)
        assert row.log_odds == pytest.approx(delta, abs=1e-6)
        assert row.z == pytest.approx(z, abs=1e-4)


def test_weighted_log_odds_properties() -> None:
    counts = word_counts(units(a="سلام سلام سلام حرب بيت", b="حرب حرب حرب بيت سلام"), stopwords=())
    table = weighted_log_odds(counts).set_index(["doc_id", "word"])
    assert table.loc[("a", "سلام"), "z"] > 0 > table.loc[("b", "سلام"), "z"]
    assert table.loc[("a", "سلام"), "z"] == pytest.approx(-table.loc[("b", "سلام"), "z"], rel=0.2)
    assert abs(table.loc[("a", "بيت"), "z"]) < 0.3  # used alike by both


def test_weighted_log_odds_needs_two_groups() -> None:
    with pytest.raises(ValueError, match="at least two"):
        weighted_log_odds(word_counts(units(a="سلام حرب")))


def test_top_terms_order_and_minimum_count() -> None:
    counts = word_counts(units(a="سلام سلام سلام حرب بيت نهر", b="حرب حرب حرب بيت سلام"), stopwords=())
    top = top_terms(weighted_log_odds(counts), 2, min_count=2)
    assert top["doc_id"].tolist() == ["a", "b"]
    assert top["word"].tolist() == ["سلام", "حرب"]


def test_stopword_list_is_normalised() -> None:
    stop = arabic_stopwords()
    assert "ان" in stop and "إن" not in stop and len(stop) > 1000
