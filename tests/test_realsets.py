"""Real-text sets: loading with their parts, intervals that resample pieces, pooled views by what each version saw."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from arabic_themes import Codebook, InputError, load_codebook_history
from arabic_themes.readings_validation import reading_real_text
from arabic_themes.realsets import load_real_set, piece_intervals, score_real_sets, summarise_real_scores

from conftest import DATA

THEMES = ["strategic_ambiguity", "precedents", "ukraine_tradeoff"]
REAL_DEV = DATA / "annotations" / "real_dev"


def test_a_real_set_loads_with_each_reference_row_in_its_part() -> None:
    corpus, reference = load_real_set(REAL_DEV, THEMES)
    split = pd.read_csv(REAL_DEV / "split.csv")
    assert set(corpus["doc_id"]) == set(split["doc_id"])
    pieces = reference.drop_duplicates("doc_id").groupby("part").size().to_dict()
    assert pieces == split.groupby("part").size().rename(lambda p: f"real_dev {p}").to_dict()
    assert reference["part"].notna().all()


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "real_dev"
    shutil.copytree(REAL_DEV, folder)
    return folder


def test_a_split_naming_an_unknown_piece_is_an_error_naming_file_and_line(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    lines = (folder / "split.csv").read_text(encoding="utf-8").splitlines()
    lines[3] = "zzz" + lines[3][4:]
    (folder / "split.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"split\.csv, line 4: doc_id 'zzz.*' is not in"):
        load_real_set(folder, THEMES)


def test_a_piece_left_out_of_the_split_is_an_error(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    lines = (folder / "split.csv").read_text(encoding="utf-8").splitlines()
    (folder / "split.csv").write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"have no part"):
        load_real_set(folder, THEMES)


def _aligned(pieces: dict[str, list[tuple[int, int]]]) -> pd.DataFrame:
    """Units of made-up pieces: (coder, reference) for the first theme, nothing for the others."""
    rows = []
    for doc_id, units in pieces.items():
        for k, (coder, ref) in enumerate(units):
            row = {"doc_id": doc_id, "start": k, "end": k + 1}
            for i, theme in enumerate(THEMES):
                row[f"{theme}_coder"], row[f"{theme}_reference"] = (coder, ref) if i == 0 else (0, 0)
            rows.append(row)
    return pd.DataFrame(rows)


def test_intervals_resample_whole_pieces_not_units() -> None:
    # piece a: ten hits; piece b: ten misses. F1 of both is 2/3. Resampling units would give a narrow
    # interval around it; resampling pieces gives aa (F1 1), ab (2/3) and bb (0), so the interval spans 0-1.
    aligned = _aligned({"a": [(1, 1)] * 10, "b": [(0, 1)] * 10})
    intervals = piece_intervals(aligned, THEMES, boot=400, seed=1).set_index("theme")
    assert intervals.loc[THEMES[0], ["f1_lo", "f1_hi"]].tolist() == [0.0, 1.0]
    assert intervals.loc[THEMES[0], ["precision_lo", "precision_hi"]].tolist() == [1.0, 1.0]  # bb has no hit: left out
    assert intervals.loc[THEMES[1]].isna().all()  # no positive anywhere: undefined, not 0
    again = piece_intervals(aligned, THEMES, boot=400, seed=1)
    pd.testing.assert_frame_equal(intervals.reset_index(), again)


def test_many_alike_pieces_give_an_interval_close_to_the_estimate() -> None:
    aligned = _aligned({f"p{i}": [(1, 1), (1, 0), (0, 1), (0, 0)] for i in range(30)})
    row = piece_intervals(aligned, THEMES, boot=200, seed=3).iloc[0]
    assert row["f1_lo"] == pytest.approx(0.5) and row["f1_hi"] == pytest.approx(0.5)


@pytest.fixture(scope="module")
def real_scores(codebook: Codebook, tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    """The project's codebook as two versions on real_dev: "early" revised on nothing, "late" on its study part."""
    history = tmp_path_factory.mktemp("history") / "history.csv"
    history.write_text("version,revised_after,tested_on\nearly,,\nlate,real_dev study,\n", encoding="utf-8")
    return score_real_sets(
        {"early": codebook, "late": codebook}, [REAL_DEV], history=load_codebook_history(history), boot=200
    )


def test_pooled_views_follow_what_each_version_was_revised_on(real_scores: pd.DataFrame) -> None:
    pooled = real_scores[real_scores["view"] == "pooled"]
    assert set(pooled.loc[pooled["codebook"] == "early", "sentences"]) == {"real pieces not revised on"}
    late = pooled[pooled["codebook"] == "late"].set_index(["sentences", "theme"])
    parts = real_scores[(real_scores["view"] == "part") & (real_scores["codebook"] == "late")]
    parts = parts.set_index(["sentences", "theme"])
    for theme in THEMES:  # same codebook, so the pooled views are its parts' scores
        assert late.loc[("real pieces revised on", theme), "f1"] == parts.loc[("real_dev study", theme), "f1"]
        assert late.loc[("real pieces not revised on", theme), "f1"] == parts.loc[("real_dev check", theme), "f1"]
        assert late.loc[("real pieces revised on", theme), "pieces"] == 32
    for row in real_scores.itertuples():
        assert row.f1_lo <= row.f1 + 1e-9 and row.f1 <= row.f1_hi + 1e-9


def test_a_version_revised_on_the_test_set_is_refused(codebook: Codebook, tmp_path: Path) -> None:
    history = tmp_path / "history.csv"
    history.write_text("version,revised_after,tested_on\nv,real_dev,\n", encoding="utf-8")
    with pytest.raises(InputError, match="revised on the test set 'real_dev'"):
        score_real_sets({"v": codebook}, [], test_set=REAL_DEV, history=load_codebook_history(history))


def test_the_summary_and_the_reading_state_the_run_s_numbers(real_scores: pd.DataFrame, codebook: Codebook) -> None:
    table = summarise_real_scores(real_scores, "late", THEMES)
    assert table["sentences"].tolist() == ["real pieces revised on", "real pieces not revised on"]
    row = real_scores[
        (real_scores["codebook"] == "late")
        & (real_scores["sentences"] == "real pieces not revised on")
        & (real_scores["theme"] == "precedents")
    ].iloc[0]
    expected = f"{row.f1:.2f} ({row.f1_lo:.2f}–{row.f1_hi:.2f})"
    assert table.loc[1, "precedents"] == expected
    text = reading_real_text(real_scores, "late", codebook.themes)
    assert expected in text and "17 pieces" in text and "On the real pieces not revised on (17 pieces)" in text


def test_the_reading_judges_on_the_test_set_when_there_is_one(codebook: Codebook) -> None:
    rows = []
    for view, f1 in (("real pieces not revised on", 0.5), ("real test set", 0.9)):
        for theme in THEMES:
            score = f1 if theme != "precedents" else 0.3
            rows.append(
                {
                    "codebook": "v",
                    "sentences": view,
                    "view": "pooled",
                    "theme": theme,
                    "pieces": 3,
                    "n": 9,
                    "f1": score,
                    "f1_lo": score - 0.1,
                    "f1_hi": score + 0.1,
                }
            )
    text = reading_real_text(pd.DataFrame(rows), "v", codebook.themes)
    assert "On the real test set (3 pieces), codebook v reaches F1 0.80 for" in text and text.endswith(
        ", not for *Precedents*."
    )
    assert "on the real test set, 3 pieces (9 units)" in text
    assert (
        reading_real_text(pd.DataFrame(rows), "other", codebook.themes) == "**Reading.** No real-text set was scored."
    )


@pytest.mark.parametrize("name", ["real_dev", "real_dev2", "real_test"])
def test_each_real_set_s_units_are_segment_s_and_every_coding_covers_them(name: str) -> None:
    from arabic_themes import load_reference, segment

    folder = DATA / "annotations" / name
    corpus, reference = load_real_set(folder, THEMES)
    units = segment(corpus)[["doc_id", "sentence_id", "start", "end", "kind", "text"]]
    written = pd.read_csv(folder / "units.csv", keep_default_na=False)
    pd.testing.assert_frame_equal(units.reset_index(drop=True), written, check_dtype=False)
    for coding in ["reference_coding.csv", "coder_a.csv", "coder_b.csv"]:
        table = load_reference(folder / coding, THEMES) if coding != "reference_coding.csv" else reference
        assert list(zip(table["doc_id"], table["start"], table["end"], strict=True)) == list(
            zip(units["doc_id"], units["start"], units["end"], strict=True)
        ), coding
        assert all(t.startswith(p) for t, p in zip(units["text"], table["prefix"], strict=True)), coding


def test_the_readme_s_real_text_rows_are_notebook_03_s_numbers() -> None:
    """README's trust table states the current codebook's F1 on real pages as notebook 03 wrote them."""
    import re

    scores = pd.read_csv(DATA / "processed" / "agreement_real_text.csv")
    current = scores["codebook"].iloc[-1]
    readme = (DATA.parent / "README.md").read_text(encoding="utf-8")
    for view, start in (
        ("real pieces not revised on", "| real pages: 72"),
        ("real test set", "| real pages: the test set"),
    ):
        line = next(line for line in readme.splitlines() if line.startswith(start))
        stated = [float(x) for x in re.findall(r"\d\.\d\d", " ".join(line.split("|")[2:5]))]
        rows = scores[(scores["codebook"] == current) & (scores["sentences"] == view)].set_index("theme")
        written = [v for r in rows.loc[THEMES].itertuples() for v in (r.f1, r.f1_lo, r.f1_hi)]
        assert stated == pytest.approx(written, abs=0.0051), view  # two decimals of the CSV's four
        assert f"{int(rows['pieces'].iloc[0])} excerpts ({int(rows['n'].iloc[0])} units)" in line


def test_without_development_sets_only_the_test_set_is_scored(real_scores: pd.DataFrame, codebook: Codebook) -> None:
    alone = score_real_sets({"current": codebook}, [], test_set=REAL_DEV, boot=200)
    assert alone["view"].tolist() == ["pooled"] * 3 and set(alone["sentences"]) == {"real test set"}
    assert alone["theme"].tolist() == THEMES and (alone["pieces"] == 49).all() and (alone["n"] == 326).all()
    # the same units as real_dev's two parts together, scored as one set
    parts = real_scores[(real_scores["codebook"] == "early") & (real_scores["view"] == "part")]
    both = parts.groupby("theme")[["both", "coder_only", "reference_only"]].sum()
    for row in alone.itertuples():
        assert (row.both, row.coder_only, row.reference_only) == tuple(both.loc[row.theme])
