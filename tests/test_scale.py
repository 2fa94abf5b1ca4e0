"""Dask: the same coding, partition by partition, equals the pandas result on the corpus."""

from __future__ import annotations

import pandas as pd
import pytest

from arabic_themes import code_sentences, load_codebook, load_corpus, load_glue_repairs, load_run_in_headings, segment

from conftest import DATA

dd = pytest.importorskip("dask.dataframe")
from arabic_themes.scale import code_dask  # noqa: E402


@pytest.fixture(scope="module")
def setup():
    corpus = load_corpus(DATA / "raw")
    sentences = segment(corpus, load_run_in_headings(DATA / "run_in_headings.csv"))
    return corpus, sentences, load_codebook(DATA / "codebook.yaml"), load_glue_repairs(DATA / "glued_words.csv")


def test_coding_from_sentences_alone_equals_coding_from_articles(setup) -> None:
    corpus, sentences, codebook, repairs = setup
    pd.testing.assert_frame_equal(
        code_sentences(sentences, codebook, None, repairs), code_sentences(sentences, codebook, corpus, repairs)
    )


@pytest.mark.parametrize("partitions", [1, 4, 13])
def test_dask_equals_pandas(setup, partitions: int) -> None:
    corpus, sentences, codebook, repairs = setup
    expected = code_sentences(sentences, codebook, corpus, repairs)
    ddf = dd.from_pandas(sentences, npartitions=partitions)  # splits articles across partitions
    got = code_dask(ddf, codebook, repairs).compute(scheduler="sync")
    pd.testing.assert_frame_equal(got.reset_index(drop=True), expected, check_dtype=False)
    assert got[codebook.theme_ids].to_numpy().sum() == expected[codebook.theme_ids].to_numpy().sum() > 0


def test_sentences_that_overlap_are_an_error(setup) -> None:
    _, sentences, codebook, repairs = setup
    broken = sentences.copy()
    broken.loc[1, "start"] = broken.loc[0, "start"]
    with pytest.raises(ValueError, match="limited_support: sentence at"):
        code_sentences(broken, codebook, None, repairs)


@pytest.mark.parametrize("batch_chars", [1, 5000, 12_000])
def test_batched_coding_and_segmentation_equal_one_pass(setup, batch_chars: int) -> None:
    """Large archives are processed a few megabytes at a time; the result must not depend on it."""
    corpus, _, codebook, repairs = setup
    headings = load_run_in_headings(DATA / "run_in_headings.csv")
    one_pass_sentences = segment(corpus, headings)
    one_pass = code_sentences(one_pass_sentences, codebook, corpus, repairs)
    batched_sentences = segment(corpus, headings, batch_chars=batch_chars)  # several batches on this small corpus
    pd.testing.assert_frame_equal(batched_sentences, one_pass_sentences)
    shuffled = batched_sentences.sample(frac=1, random_state=0)  # row order is kept, whatever it is
    batched = code_sentences(shuffled, codebook, corpus, repairs, batch_chars=batch_chars)
    pd.testing.assert_frame_equal(batched, one_pass.loc[shuffled.index])


def test_batches_are_consecutive_and_bounded() -> None:
    from arabic_themes._batch import batches

    assert batches([]) == []
    assert batches([3, 3, 3, 10, 1], limit=6) == [range(0, 2), range(2, 3), range(3, 4), range(4, 5)]
    assert batches([3, 3], limit=100) == [range(0, 2)]
    with pytest.raises(ValueError, match="batch_chars must be a positive"):
        batches([1], limit=0)


def test_dask_hands_the_unit_before_to_the_next_partition(tmp_path) -> None:
    """An indicator that looks back at the previous unit sees it across a partition boundary."""
    from arabic_themes import segment_text

    book = tmp_path / "cb.yaml"
    book.write_text(
        "themes:\n  - id: t\n    label_ar: م\n    label_en: T\n    definition: d\n    indicators:\n"
        '      - id: i\n        any: ["{لم|لا} {تصل|يصل}"]\n        context: ["سو-35"]\n',
        encoding="utf-8",
    )
    codebook = load_codebook(book)
    text = "وعدت روسيا بمقاتلات سو-35. لكنها لم تصل. ثم زار الوزير موسكو. والطائرات لم تصل."
    sentences = segment_text(text, "d")
    expected = code_sentences(sentences, codebook)
    assert expected["t"].tolist() == [0, 1, 0, 0]
    got = code_dask(dd.from_pandas(sentences, npartitions=4), codebook).compute(scheduler="sync")
    pd.testing.assert_frame_equal(got.reset_index(drop=True), expected, check_dtype=False)
