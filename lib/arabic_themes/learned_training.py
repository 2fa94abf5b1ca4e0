"""Training data and cross-validation of the learned component (:mod:`arabic_themes.learned`).

The hand-coded units a model is trained on (:func:`training_units`), training a model again from what its file
records (:func:`retrain`, behind ``python -m arabic_themes.learned train``), and grouped cross-validation of the whole
coder — indicators OR model — by article (:func:`cross_validate`, :func:`cross_validation_table`, behind ``python -m
arabic_themes.learned cv``). The names are also reachable from :mod:`arabic_themes.learned`, where they used to
live (that module imports this one, so this one imports it only inside functions).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import random
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from arabic_themes.errors import InputError, read_input_text

if TYPE_CHECKING:
    from arabic_themes.codebook import Codebook
    from arabic_themes.learned import LearnedModel

__all__ = ["cross_validate", "cross_validation_table", "retrain", "training_units"]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def training_units(sets: Sequence[Mapping[str, str]], base: str | Path, themes: Sequence[str]) -> pd.DataFrame:
    """The hand-coded units named by ``sets`` (paths relative to ``base``), one row each: ``set, group, text`` and
    one 0/1 column per theme. A set is either ``{"texts": csv}`` — loose sentences with a ``text`` column, each its own
    group — or ``{"corpus": folder, "reference": csv}`` (optionally ``"run_in_headings": csv``) — a corpus segmented
    as notebook 01 does and joined to its reference coding, grouped by article (its rows also keep ``doc_id,
    sentence_id, start, end``, so its articles can be coded again)."""
    from arabic_themes.corpus import load_corpus
    from arabic_themes.reliability import align_reference, load_reference
    from arabic_themes.segmentation import load_run_in_headings, segment

    base = Path(base)
    frames = []
    for spec in sets:
        if "texts" in spec:
            path = base / spec["texts"]
            table = pd.read_csv(path, dtype=str, keep_default_na=False)
            frame = pd.DataFrame({"set": spec["texts"], "text": table["text"]})
            frame["group"] = [f"{spec['texts']}#{i}" for i in range(len(frame))]
            for t in themes:
                frame[t] = table[t].astype(int).to_numpy()
        elif "corpus" in spec:
            corpus = load_corpus(base / spec["corpus"])
            headings = load_run_in_headings(base / spec["run_in_headings"]) if "run_in_headings" in spec else None
            units = segment(corpus, headings)
            reference = load_reference(base / spec["reference"], themes)
            for t in themes:
                units[t] = 0
            aligned = align_reference(units, reference, themes)
            frame = pd.DataFrame({"set": spec["corpus"], "group": aligned["doc_id"], "text": aligned["text"]})
            for key in ("doc_id", "sentence_id", "start", "end"):
                frame[key] = aligned[key].to_numpy()
            for t in themes:
                frame[t] = aligned[f"{t}_reference"].to_numpy()
        else:
            raise InputError(f"training set {dict(spec)!r}: give 'texts' (a CSV) or 'corpus' and 'reference'")
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def cross_validate(
    units: pd.DataFrame,
    scored: np.ndarray | pd.Series,
    codebook: Codebook,
    thresholds: Sequence[float],
    *,
    folds: int = 5,
    repeats: int = 3,
    seed: int = 11,
    **settings: Any,
) -> pd.DataFrame:
    """Grouped cross-validation of the whole coder — ``codebook``'s indicators OR a learned model — by article.

    ``units`` come from :func:`training_units`; the units where ``scored`` is true must come from corpus sets (they
    keep ``doc_id, sentence_id, start, end``). Their articles are split at random into ``folds`` folds, again for each
    repeat; a model is trained on every unit outside the fold (``settings`` go to :func:`train_learned`), and the
    fold's articles are coded with the codebook and that model at each threshold (the same for every theme).
    Returns one row per repeat, threshold and scored unit: ``repeat, threshold``, the unit's ``doc_id,
    sentence_id``, and per theme ``<theme>_coder`` (0/1) and ``<theme>_reference``.
    """
    from arabic_themes.coding import code_sentences
    from arabic_themes.learned import train_learned

    themes = codebook.theme_ids
    scored = np.asarray(scored, dtype=bool)
    groups = sorted(set(units.loc[scored, "group"]))
    rows = []
    for r in range(repeats):
        order = groups[:]
        random.Random(seed + r).shuffle(order)
        for k in range(folds):
            held = set(order[k::folds])
            test = scored & units["group"].isin(held).to_numpy()
            model = train_learned(units["text"][~test].tolist(), units[~test], themes, **settings)
            sentences = units.loc[test, ["doc_id", "sentence_id", "start", "end", "text"]].astype(
                {"sentence_id": "int64", "start": "int64", "end": "int64"}
            )
            for threshold in thresholds:
                model.thresholds = np.full(len(themes), float(threshold))
                coded = code_sentences(sentences, dataclasses.replace(codebook, learned=model))
                frame = coded[["doc_id", "sentence_id"]].assign(repeat=r, threshold=float(threshold))
                for t in themes:
                    frame[f"{t}_coder"] = coded[t].to_numpy()
                    frame[f"{t}_reference"] = units.loc[test, t].to_numpy()
                rows.append(frame)
    return pd.concat(rows, ignore_index=True)


def retrain(path: str | Path) -> LearnedModel:
    """Train the model again from what ``path`` records — its themes, n-gram range, thresholds and, under
    ``training``, the training sets (paths relative to the file's folder) and settings — and return it, with the
    record of the data it was trained on (file names and SHA-256). The file may hold only those fields (a new
    model) or a trained model."""
    from arabic_themes.learned import train_learned

    path = Path(path)
    try:
        spec = json.loads(read_input_text(path, "learned model"))
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}, line {exc.lineno}: not valid JSON ({exc.msg})") from None
    themes = spec.get("themes") or []
    training = dict(spec.get("training") or {})
    sets = training.get("sets") or []
    if not themes or not sets:
        raise InputError(f"{path}: give 'themes' and, under 'training', the training 'sets'")
    settings = training.get("settings") or {}
    low, high = spec.get("ngrams", [2, 5])
    units = training_units(sets, path.parent, themes)
    model = train_learned(
        units["text"].tolist(),
        units,
        themes,
        c=float(settings.get("c", 0.03)),
        keep=int(settings.get("keep", 3000)),
        min_count=int(settings.get("min_count", 2)),
        thresholds=dict(zip(themes, spec.get("thresholds") or [0.5] * len(themes), strict=True)),
        ngrams=(int(low), int(high)),
    )
    files = sorted({p for s in sets for k, p in s.items() if k in ("texts", "reference", "run_in_headings")})
    training["data"] = {f: _sha256(path.parent / f) for f in files}
    training["units"] = len(units)
    model.training = training
    return model


def cross_validation_table(
    results: pd.DataFrame, themes: Sequence[str], parts: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """Agreement of the cross-validated coding (:func:`cross_validate`) per threshold, theme and part: precision,
    recall, F1 and Krippendorff's alpha, each the mean over the repeats. ``parts`` maps doc_id to a part name (e.g.
    ``study``/``check``); every unit also counts in the part ``all``. Threshold 1 is the indicators alone."""
    from arabic_themes.reliability import agreement

    frame = results.assign(part="all")
    if parts:
        frame = pd.concat([frame, results.assign(part=results["doc_id"].map(parts))], ignore_index=True)
        frame = frame[frame["part"].notna()]
    rows = []
    for (part, threshold, repeat), group in frame.groupby(["part", "threshold", "repeat"], sort=True):
        scores = agreement(group, themes)
        rows += [{"part": part, "threshold": threshold, "repeat": repeat, **r} for r in scores.to_dict("records")]
    table = pd.DataFrame(rows)
    return (
        table.groupby(["part", "threshold", "theme"], sort=False)[["precision", "recall", "f1", "alpha"]]
        .mean()
        .reset_index()
    )
