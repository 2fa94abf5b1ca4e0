"""Sampling, weighted agreement with bootstrap intervals, human codings, and the `sample` / `validate` commands."""

from __future__ import annotations

from pathlib import Path

import krippendorff
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import cohen_kappa_score, f1_score, precision_score, recall_score

from arabic_themes import load_codebook, load_reference
from arabic_themes.cli import main
from arabic_themes.reliability import agreement, align_reference, nominal_alpha
from arabic_themes.sampling import allocate, draw_sample, label_pattern, write_sample
from arabic_themes.validation import read_human_coding, table_metrics, validate

from conftest import DATA

THEMES = ["strategic_ambiguity", "precedents", "ukraine_tradeoff"]
CODED = DATA / "processed" / "coded_sentences.csv"
REFERENCE = DATA / "annotations" / "reference_coding.csv"


@pytest.fixture(scope="module")
def coded() -> pd.DataFrame:
    return pd.read_csv(CODED, keep_default_na=False)


@pytest.fixture(scope="module")
def reference() -> pd.DataFrame:
    return load_reference(REFERENCE, THEMES)


# --- allocation and the sample ---------------------------------------------------------------------------------


def test_allocation_gives_each_pattern_its_minimum_and_the_rest_in_proportion() -> None:
    sizes = np.array([62, 55, 16, 15, 11, 10])
    alloc = allocate(sizes, 60, minimum=3)
    assert alloc.sum() == 60 and (alloc >= 3).all() and (alloc <= sizes).all()
    # beyond the minimum, larger strata get more, in proportion: the two big ones take most of the rest
    assert alloc[0] >= alloc[1] > alloc[2] >= alloc[3] >= alloc[5]
    assert allocate(np.array([2, 100, 0]), 10, minimum=3).tolist() == [2, 8, 0]  # a stratum smaller than the minimum
    assert allocate(np.array([5, 5]), 10).tolist() == [5, 5]  # the whole corpus
    with pytest.raises(ValueError, match="cannot give 3 units to each of the 6 label patterns"):
        allocate(sizes, 10, minimum=3)
    with pytest.raises(ValueError, match="only 169"):
        allocate(sizes, 170)


def test_draw_sample_is_stratified_weighted_and_reproducible(coded: pd.DataFrame) -> None:
    sample = draw_sample(coded, THEMES, 60, seed=5)
    again = draw_sample(coded, THEMES, 60, seed=5)
    other = draw_sample(coded, THEMES, 60, seed=6)
    pd.testing.assert_frame_equal(sample, again)
    assert not sample[["doc_id", "start"]].equals(other[["doc_id", "start"]])
    assert len(sample) == 60 and not sample.duplicated(["doc_id", "start", "end"]).any()
    patterns = label_pattern(coded, THEMES)
    assert set(sample["stratum"]) == set(patterns)  # every label pattern is in the sample
    for stratum, rows in sample.groupby("stratum"):
        size = int((patterns == stratum).sum())
        assert (rows["weight"] == size / len(rows)).all()
    assert sample["weight"].sum() == pytest.approx(len(coded))  # the weights add up to the corpus
    # the sampled units are units of the coded table, in corpus order, text included
    merged = sample.merge(coded, on=["doc_id", "start", "end"], suffixes=("", "_c"))
    assert len(merged) == 60 and (merged["text"] == merged["text_c"]).all()


def test_write_sample_has_empty_theme_columns_and_refuses_to_overwrite(tmp_path: Path, coded: pd.DataFrame) -> None:
    sample = draw_sample(coded, THEMES, 30, seed=1)
    (path,) = write_sample(sample, THEMES, tmp_path / "s")
    table = pd.read_csv(path, keep_default_na=False, dtype=str)
    assert table.columns.tolist() == ["doc_id", "sentence_id", "start", "end", "text", *THEMES, "weight"]
    assert (table[THEMES] == "").all().all()
    before = path.read_bytes()
    with pytest.raises(FileExistsError, match="sample.csv already there"):
        write_sample(sample, THEMES, tmp_path / "s")
    assert path.read_bytes() == before


# --- metrics: the vectorised ones equal the libraries ----------------------------------------------------------


def test_table_metrics_equal_scikit_learn_and_krippendorff_with_weights() -> None:
    rng = np.random.default_rng(3)
    for _ in range(20):
        n = int(rng.integers(8, 60))
        ref, cod = rng.integers(0, 2, n), rng.integers(0, 2, n)
        w = rng.choice([1.0, 2.5, 4.0], n)
        tp, fp = w @ (cod & ref), w @ (cod & (1 - ref))
        fn, tn = w @ ((1 - cod) & ref), w @ ((1 - cod) & (1 - ref))
        got = table_metrics(tp, fp, fn, tn)
        assert got["precision"] == pytest.approx(precision_score(ref, cod, sample_weight=w, zero_division=0))
        assert got["recall"] == pytest.approx(recall_score(ref, cod, sample_weight=w, zero_division=0))
        assert got["f1"] == pytest.approx(f1_score(ref, cod, sample_weight=w, zero_division=0))
        assert got["kappa"] == pytest.approx(cohen_kappa_score(ref, cod, sample_weight=w))
        assert got["alpha"] == pytest.approx(nominal_alpha(np.vstack([ref, cod]), w))
        ones = table_metrics(
            *(np.ones(n) @ m for m in (cod & ref, cod & (1 - ref), (1 - cod) & ref, (1 - cod) & (1 - ref)))
        )
        package = krippendorff.alpha(reliability_data=np.vstack([ref, cod]), level_of_measurement="nominal")
        assert ones["alpha"] == pytest.approx(package)


def test_weighted_alpha_with_equal_weights_is_the_package_value_also_with_missing_values() -> None:
    rng = np.random.default_rng(9)
    data = rng.integers(0, 2, (3, 40)).astype(float)
    data[rng.random((3, 40)) < 0.2] = np.nan
    package = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    assert nominal_alpha(data) == pytest.approx(package, abs=1e-12)
    assert nominal_alpha(data, np.ones(40)) == pytest.approx(package, abs=1e-12)
    # a weight of 2 is the unit counted twice
    doubled = np.hstack([data, data[:, :1]])
    assert nominal_alpha(data, np.r_[2.0, np.ones(39)]) == pytest.approx(
        krippendorff.alpha(reliability_data=doubled, level_of_measurement="nominal"), abs=1e-12
    )


# --- validate ------------------------------------------------------------------------------------------------------


def test_on_the_full_corpus_validate_is_exactly_reliability_agreement(coded, reference) -> None:
    human = read_human_coding(REFERENCE, coded, THEMES)
    table, prevalence = validate(coded, [human], THEMES, boot=200)
    base = agreement(align_reference(coded, reference, THEMES), THEMES).set_index("theme")
    got = table.set_index("theme")
    for metric in ["precision", "recall", "f1", "kappa", "alpha"]:
        assert (got[metric] == base[metric]).all(), metric  # exactly, not approximately
        assert (got[f"{metric}_lo"] <= got[metric]).all() and (got[metric] <= got[f"{metric}_hi"]).all()
    assert (got["n"] == len(coded)).all()
    # every unit coded by the human: the corrected share is the human's share, with no uncertainty left
    everything = prevalence[prevalence["doc_id"] == "all"].set_index("theme")
    for theme in THEMES:
        assert everything.loc[theme, "estimate"] == pytest.approx(reference[theme].mean())
        assert everything.loc[theme, "lo"] == pytest.approx(everything.loc[theme, "hi"])
        assert everything.loc[theme, "machine"] == pytest.approx(coded[theme].mean())


def test_on_a_sample_the_weights_make_the_metrics_describe_the_corpus(coded, reference) -> None:
    sample = draw_sample(coded, THEMES, 60, seed=2025)
    human = read_human_coding(REFERENCE, coded, THEMES).merge(sample[["doc_id", "start", "end"]])
    table, prevalence = validate(coded, [human], THEMES, boot=300, seed=1)
    again, _ = validate(coded, [human], THEMES, boot=300, seed=1)
    pd.testing.assert_frame_equal(table, again)  # deterministic
    aligned = align_reference(coded, reference, THEMES).merge(sample[["doc_id", "start", "end", "weight"]])
    weighted = agreement(aligned, THEMES, weights=aligned["weight"]).set_index("theme")
    got = table.set_index("theme")
    for metric in ["precision", "recall", "f1", "kappa", "alpha"]:
        assert got[metric].to_numpy() == pytest.approx(weighted[metric].to_numpy())
        assert (got[f"{metric}_lo"] <= got[metric] + 1e-12).all() and (got[metric] <= got[f"{metric}_hi"] + 1e-12).all()
    # unweighted, the over-sampled rare patterns would pull recall of strategic ambiguity elsewhere
    plain = agreement(aligned, THEMES).set_index("theme")
    assert not np.allclose(plain["kappa"], weighted["kappa"])
    rows = prevalence[prevalence["doc_id"] == "all"].set_index("theme")
    assert (rows["sampled"] == 60).all() and (rows["units"] == len(coded)).all()
    assert ((rows["lo"] <= rows["estimate"]) & (rows["estimate"] <= rows["hi"])).all()
    assert ((rows["lo"] <= reference[THEMES].mean()) & (reference[THEMES].mean() <= rows["hi"])).all()


def test_two_human_coders_give_alpha_among_humans(tmp_path: Path) -> None:
    """The real-text development set: two independent codings of 326 units, the coder run on them."""
    from arabic_themes import code_sentences, load_corpus, segment

    real = DATA / "annotations" / "real_dev"
    corpus = load_corpus(real)
    coded = code_sentences(segment(corpus), load_codebook(DATA / "codebook.yaml"), corpus)
    a = read_human_coding(real / "coder_a.csv", coded, THEMES)
    b = read_human_coding(real / "coder_b.csv", coded, THEMES)
    table, prevalence = validate(coded, [a, b], THEMES, boot=200)
    humans = table[table["comparison"] == "among humans"].set_index("theme")
    assert humans["coder"].unique().tolist() == ["coder_a + coder_b"]
    for theme in THEMES:
        expected = krippendorff.alpha(
            reliability_data=np.vstack([a[theme].to_numpy(), b[theme].to_numpy()]), level_of_measurement="nominal"
        )
        assert humans.loc[theme, "alpha"] == pytest.approx(expected)
        assert humans.loc[theme, "alpha_lo"] <= humans.loc[theme, "alpha"] <= humans.loc[theme, "alpha_hi"]
        assert np.isnan(humans.loc[theme, "f1"])
    assert set(table.loc[table["comparison"] == "coder vs human", "coder"]) == {"coder_a", "coder_b"}
    assert set(prevalence["coder"]) == {"coder_a", "coder_b"} and (prevalence["sampled"] <= prevalence["units"]).all()


def _filled(tmp_path: Path, rows: pd.DataFrame, **cells: object) -> Path:
    table = rows.astype(object)
    for key, value in cells.items():
        line, column = key.split("__")
        table.loc[int(line), column] = value
    path = tmp_path / "filled.csv"
    table.to_csv(path, index=False)
    return path


def test_bad_human_codings_are_one_line_errors_naming_the_line(tmp_path: Path, coded, reference) -> None:
    sample = draw_sample(coded, THEMES, 20, seed=4)
    filled = sample[["doc_id", "sentence_id", "start", "end", "text"]].merge(
        reference[["doc_id", "start", "end", *THEMES]]
    )
    with pytest.raises(ValueError, match=r"filled.csv, line 4: column 'precedents' is blank; code every unit 0 or 1"):
        read_human_coding(_filled(tmp_path, filled, **{"2__precedents": ""}), coded, THEMES)
    with pytest.raises(ValueError, match=r"line 3: column 'ukraine_tradeoff' has 'yes', expected 0 or 1"):
        read_human_coding(
            _filled(tmp_path, filled, **{"1__ukraine_tradeoff": "yes"}),
            coded,
            THEMES,
        )
    with pytest.raises(ValueError, match=r"line 2: .* is not a unit of the coded table"):
        read_human_coding(_filled(tmp_path, filled, **{"0__start": 1}), coded, THEMES)
    with pytest.raises(ValueError, match=r"line 5: the text does not match unit"):
        read_human_coding(_filled(tmp_path, filled, **{"3__text": "نص آخر"}), coded, THEMES)


# --- the commands -------------------------------------------------------------------------------------------------


def test_sample_then_validate_reproduces_the_agreement_of_notebook_03(
    tmp_path: Path, coded, reference, capsys: pytest.CaptureFixture[str]
) -> None:
    """The bar: a simulated human (the reference coding) codes the drawn sample; `validate` on the whole corpus
    gives exactly the agreement notebook 03 reports, on the sample an estimate whose intervals hold it."""
    args = ["--coded", str(CODED), "--corpus", str(DATA / "raw"), "--codebook", str(DATA / "codebook.yaml")]
    assert main(["sample", *args, "--n", "60", "--seed", "13", "--out", str(tmp_path / "a")]) == 0
    assert main(["sample", *args, "--n", "60", "--seed", "13", "--out", str(tmp_path / "b")]) == 0
    for name in ("sample.csv", "sample.qdpx"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert main(["sample", *args, "--n", "60", "--seed", "13", "--out", str(tmp_path / "a")]) == 2
    assert "sample.csv and" in capsys.readouterr().err
    # the simulated coder fills the sample from the reference coding
    sample = pd.read_csv(tmp_path / "a" / "sample.csv", keep_default_na=False)
    filled = sample.drop(columns=THEMES).merge(reference[["doc_id", "start", "end", *THEMES]], how="left")
    filled = filled[["doc_id", "sentence_id", "start", "end", "text", *THEMES, "weight"]]
    filled.to_csv(tmp_path / "human.csv", index=False)
    assert main(["validate", *args, "--human", str(tmp_path / "human.csv"), "--out", str(tmp_path / "v")]) == 0
    assert main(["validate", *args, "--human", str(REFERENCE), "--out", str(tmp_path / "full")]) == 0
    notebook = pd.read_csv(DATA / "processed" / "agreement.csv").set_index("theme")
    full = pd.read_csv(tmp_path / "full" / "agreement.csv").set_index("theme")
    on_sample = pd.read_csv(tmp_path / "v" / "agreement.csv").set_index("theme")
    for metric in ["precision", "recall", "f1", "kappa", "alpha"]:
        assert full[metric].to_numpy() == pytest.approx(notebook[metric].to_numpy(), abs=1e-4)
        assert (
            (on_sample[f"{metric}_lo"] <= on_sample[metric]) & (on_sample[metric] <= on_sample[f"{metric}_hi"])
        ).all()
        assert (abs(on_sample[metric] - notebook[metric]) <= 0.11).all(), metric
    # a bootstrap cannot see an error the sample does not hold: an interval that is the point 1.0 means
    # the sample has no disagreement of that kind (here: none at all), not that the corpus has none
    aligned = align_reference(coded, reference, THEMES).merge(sample[["doc_id", "start", "end"]])
    for theme in THEMES:
        false_pos = int(((aligned[f"{theme}_coder"] == 1) & (aligned[f"{theme}_reference"] == 0)).sum())
        misses = int(((aligned[f"{theme}_coder"] == 0) & (aligned[f"{theme}_reference"] == 1)).sum())
        assert (on_sample.loc[theme, "precision_lo"] == 1) == (false_pos == 0)
        assert (on_sample.loc[theme, "recall_lo"] == 1) == (misses == 0)
    prevalence = pd.read_csv(tmp_path / "v" / "prevalence.csv")
    assert prevalence.columns.tolist() == [
        "coder",
        "doc_id",
        "theme",
        "units",
        "sampled",
        "machine",
        "estimate",
        "lo",
        "hi",
    ]
    assert set(prevalence["doc_id"]) == {*coded["doc_id"], "all"}
    assert main(["validate", *args, "--human", str(REFERENCE), "--out", str(tmp_path / "full")]) == 2
    assert "agreement.csv and" in capsys.readouterr().err


def test_validate_reads_a_qdpx_with_the_sample(tmp_path: Path, coded, reference, raw_texts, codebook) -> None:
    from test_refi_qda import _sample_codings, write_qualcoder_project

    args = ["--coded", str(CODED), "--corpus", str(DATA / "raw"), "--codebook", str(DATA / "codebook.yaml")]
    assert main(["sample", *args, "--n", "40", "--seed", "2", "--out", str(tmp_path / "s")]) == 0
    sample = pd.read_csv(tmp_path / "s" / "sample.csv", keep_default_na=False)
    codings = _sample_codings(sample, reference, THEMES, raw_texts, user="Reader")
    write_qualcoder_project(tmp_path / "qc.qdpx", codebook, raw_texts, codings)
    filled = sample.drop(columns=THEMES).merge(reference[["doc_id", "start", "end", *THEMES]], how="left")
    filled.to_csv(tmp_path / "Reader.csv", index=False)
    assert (
        main(
            [
                "validate",
                *args,
                "--human",
                str(tmp_path / "qc.qdpx"),
                "--sample",
                str(tmp_path / "s" / "sample.csv"),
                "--out",
                str(tmp_path / "q"),
            ]
        )
        == 0
    )
    assert main(["validate", *args, "--human", str(tmp_path / "Reader.csv"), "--out", str(tmp_path / "c")]) == 0
    from_qdpx = pd.read_csv(tmp_path / "q" / "agreement.csv")
    from_csv = pd.read_csv(tmp_path / "c" / "agreement.csv")
    pd.testing.assert_frame_equal(from_qdpx, from_csv)
