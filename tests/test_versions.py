"""The codebook history as data: which scores are fitted, which are each version's first look."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from arabic_themes.versions import first_look, load_codebook_history, mark_fitted

from conftest import DATA


def _scores(versions: list[str], sets: list[str]) -> pd.DataFrame:
    return pd.DataFrame([{"codebook": v, "sentences": s, "theme": "t", "f1": 0.5} for v in versions for s in sets])


def test_the_project_history_marks_fitted_scores_cumulatively() -> None:
    history = load_codebook_history(DATA / "annotations" / "codebook_history.csv")
    assert history["version"].tolist()[0] == "v1" and history["version"].tolist()[-1] == "v8 (current)"
    sets = ["corpus", *[f"development set {i}" for i in range(1, 9)], "test set", "real_dev study"]
    sets += ["real_dev check", "real_dev2 study", "real_test"]
    marked = mark_fitted(_scores(history["version"].tolist(), sets), history).set_index(["codebook", "sentences"])
    assert not marked.loc[("v1", "corpus"), "fitted"]  # written before the reference existed
    assert marked.loc[("v2", "corpus"), "fitted"] and marked.loc[("v8 (current)", "corpus"), "fitted"]
    assert not marked.loc[("v4", "development set 3"), "fitted"] and marked.loc[("v5", "development set 3"), "fitted"]
    assert not marked.xs("test set", level="sentences")["fitted"].any()  # sealed until v7 was frozen, never read
    assert not marked.xs("real_test", level="sentences")["fitted"].any()  # sealed until the codebook was frozen
    assert not marked.xs("real_dev check", level="sentences")["fitted"].any()  # only measured, never read
    assert (
        marked.loc[("v8 (current)", "real_dev study"), "fitted"] and not marked.loc[("v7", "real_dev study"), "fitted"]
    )
    looks = first_look(_scores(history["version"].tolist(), sets), history)
    assert list(zip(looks["codebook"], looks["sentences"], strict=True))[-2:] == [
        ("v7", "test set"),
        ("v8 (current)", "real_dev check"),
    ]
    assert len(looks) == len(history)


def test_history_errors(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_text("version,revised_after,tested_on\nv1,,a\nv1,a,b\n", encoding="utf-8")
    with pytest.raises(ValueError, match="version 'v1' appears twice"):
        load_codebook_history(path)
    path.write_text("version,revised_after,tested_on\nv1,,a\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"no version\(s\) \['v2'\]"):
        mark_fitted(_scores(["v2"], ["a"]), load_codebook_history(path))


@pytest.mark.parametrize(("batch", "seed", "check"), [("real_dev", "11-{}", 17), ("real_dev2", "11-dev2-{}", 18)])
def test_the_real_study_check_splits_are_the_seeded_draws(batch: str, seed: str, check: int) -> None:
    """Each real batch's CHECK part is the draw data/README.md describes (per topic hint of sources.csv, sorted ids
    shuffled with a seeded ``random.Random``, the first third, rounded), so no piece moved after misses were read."""
    import random

    split = pd.read_csv(DATA / "annotations" / batch / "split.csv", dtype=str)
    sources = pd.read_csv(DATA / "annotations" / batch / "sources.csv", dtype=str)
    assert sorted(split["doc_id"]) == sorted(sources["doc_id"])  # every piece once
    assert dict(zip(split["doc_id"], split["topic"], strict=True)) == dict(
        zip(sources["doc_id"], sources["topic"], strict=True)
    )
    drawn = set()
    for topic in sorted(set(split["topic"])):
        ids = sorted(split.loc[split["topic"] == topic, "doc_id"])
        random.Random(seed.format(topic)).shuffle(ids)
        drawn |= set(ids[: round(len(ids) / 3)])
    assert drawn == set(split.loc[split["part"] == "check", "doc_id"]) and len(drawn) == check
    assert set(split["part"]) == {"study", "check"}
