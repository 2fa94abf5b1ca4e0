"""Agreement metrics on small cases worked out by hand, and reference-coding loading/alignment."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from arabic_themes.reliability import agreement, align_reference, disagreements, load_reference


def _aligned(coder: list[int], reference: list[int]) -> pd.DataFrame:
    return pd.DataFrame({"t_coder": coder, "t_reference": reference})


def test_metrics_on_a_case_computed_by_hand() -> None:
    # 10 units: both=3, coder only=1, reference only=2, neither=4
    coder = [1, 1, 1, 1, 0, 0, 0, 0, 0, 0]
    ref = [1, 1, 1, 0, 1, 1, 0, 0, 0, 0]
    row = agreement(_aligned(coder, ref), ["t"]).iloc[0]
    assert (row.both, row.coder_only, row.reference_only, row.neither) == (3, 1, 2, 4)
    assert row.precision == pytest.approx(3 / 4)
    assert row.recall == pytest.approx(3 / 5)
    assert row.f1 == pytest.approx(2 * 0.75 * 0.6 / 1.35)
    # Cohen's kappa: po = 0.7, pe = 0.4*0.5 + 0.6*0.5 = 0.5 -> 0.4
    assert row.kappa == pytest.approx(0.4)
    # Krippendorff's alpha (nominal, 2 coders, 10 units): 1 - (n-1) * D_o / D_e with pooled marginals
    n = 20
    ones = sum(coder) + sum(ref)  # 9 ones, 11 zeros among 20 values
    d_o = 2 * 3 / n  # 3 disagreeing units, each contributes 2 mismatched pairs / (m-1)=1
    d_e = 2 * ones * (n - ones) / (n * (n - 1))
    assert row.alpha == pytest.approx(1 - d_o / d_e)


def test_perfect_agreement_gives_one_everywhere() -> None:
    row = agreement(_aligned([1, 0, 1, 0], [1, 0, 1, 0]), ["t"]).iloc[0]
    assert (row.precision, row.recall, row.f1, row.kappa, row.alpha) == (1.0, 1.0, 1.0, 1.0, 1.0)


def test_disagreements_lists_each_kind() -> None:
    aligned = pd.DataFrame(
        {"doc_id": ["d"] * 3, "sentence_id": [1, 2, 3], "start": [0, 5, 9], "end": [4, 8, 12],
         "text": ["a", "b", "c"], "t_coder": [1, 0, 1], "t_reference": [0, 1, 1]}
    )
    diff = disagreements(aligned, ["t"])
    assert diff["sentence_id"].tolist() == [1, 2]
    assert diff["kind"].tolist() == ["coder only (false positive)", "reference only (false negative)"]


def _reference_file(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "ref.csv"
    path.write_text("doc_id,sentence_id,start,end,prefix,t,note\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_load_reference_errors_name_line_and_column(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"line 3: column 't' must be 0 or 1"):
        load_reference(_reference_file(tmp_path, ["d,1,0,4,abcd,1,", "d,2,5,8,xyz,2,"]), ["t"])
    with pytest.raises(ValueError, match=r"line 2: column 'start' has 'x'"):
        load_reference(_reference_file(tmp_path, ["d,1,x,4,abcd,1,"]), ["t"])
    with pytest.raises(ValueError, match=r"missing column\(s\) \['u'\]"):
        load_reference(_reference_file(tmp_path, ["d,1,0,4,abcd,1,"]), ["t", "u"])
    with pytest.raises(ValueError, match=r"line 3: the same \(doc_id, start, end\) appears twice"):
        load_reference(_reference_file(tmp_path, ["d,1,0,4,abcd,1,", "d,1,0,4,abcd,0,"]), ["t"])


def test_align_refuses_a_reference_made_for_another_segmentation(tmp_path: Path) -> None:
    coded = pd.DataFrame({"doc_id": ["d", "d"], "sentence_id": [1, 2], "start": [0, 5], "end": [4, 8],
                          "text": ["abcd", "xyz"], "t": [1, 0]})
    ref = load_reference(_reference_file(tmp_path, ["d,1,0,4,abcd,1,", "d,2,5,8,xyz,0,"]), ["t"])
    assert align_reference(coded, ref, ["t"])["t_reference"].tolist() == [1, 0]
    shifted = load_reference(_reference_file(tmp_path, ["d,1,0,4,abcd,1,", "d,2,5,9,xyz,0,"]), ["t"])
    with pytest.raises(ValueError, match=r"1 sentence\(s\) have no reference row"):
        align_reference(coded, shifted, ["t"])
    wrong = load_reference(_reference_file(tmp_path, ["d,1,0,4,abcd,1,", "d,2,5,8,qqq,0,"]), ["t"])
    with pytest.raises(ValueError, match="reference prefix «qqq» does not match"):
        align_reference(coded, wrong, ["t"])


def test_alpha_matches_the_krippendorff_package_on_random_codings() -> None:
    import krippendorff

    rng = np.random.default_rng(7)
    coder, ref = rng.integers(0, 2, 50), rng.integers(0, 2, 50)
    row = agreement(_aligned(coder.tolist(), ref.tolist()), ["t"]).iloc[0]
    assert row.alpha == pytest.approx(krippendorff.alpha(reliability_data=[ref, coder], level_of_measurement="nominal"))


def test_align_texts_scores_a_hand_coded_test_set() -> None:
    from arabic_themes import agreement, align_texts, disagreements, load_codebook

    book = load_codebook(Path(__file__).resolve().parents[1] / "data" / "codebook.yaml")
    frame = pd.DataFrame(
        {
            "id": ["a", "b", "c"],
            "text": [
                "اكتفت روسيا بتصريحات دبلوماسية دون تقديم دعم عسكري.",
                "ارتفعت أسعار القمح.",
                "تخلت روسيا عن أرمينيا في قره باغ.",
            ],
            "strategic_ambiguity": [1, 1, 0],
            "precedents": [0, 0, 1],
            "ukraine_tradeoff": [0, 0, 0],
        }
    )
    aligned = align_texts(frame, book)
    scores = agreement(aligned, book.theme_ids).set_index("theme")
    assert scores.loc["strategic_ambiguity", ["both", "reference_only"]].tolist() == [1, 1]
    assert scores.loc["precedents", "f1"] == 1.0
    diffs = disagreements(aligned, book.theme_ids)
    assert diffs[["theme", "sentence_id"]].values.tolist() == [["strategic_ambiguity", 2]]
    with pytest.raises(ValueError, match="row 2: column 'precedents' must be 0 or 1"):
        align_texts(frame.assign(precedents=[0, 2, 1]), book)
