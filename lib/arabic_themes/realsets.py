"""Codebook versions scored on real published pieces, with intervals that resample pieces.

A *real-text set* is a folder that :func:`arabic_themes.load_corpus` reads (``metadata.csv`` and
the excerpts) and that holds ``reference_coding.csv``: every unit coded from the theme definitions
before anyone looked at the coder's output. An optional ``split.csv`` (``doc_id, part``) divides
it into parts — e.g. a *study* part whose misses were read while revising the codebook and a
*check* part that was only measured. Each part is named ``"<folder> <part>"`` (``real_dev
study``); a set without a split is one part named after its folder. The codebook history
(:func:`arabic_themes.load_codebook_history`) lists these names under ``revised_after``, so
:func:`arabic_themes.mark_fitted` tells fitted scores from unseen ones.

Sentences of one article are not independent (one writer, one topic), so the 95 % interval of F1
comes from a bootstrap that resamples whole pieces with replacement (Efron & Tibshirani 1993),
not units. It is seeded, so it is the same on every run.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from arabic_themes.errors import InputError, read_csv_rows

if TYPE_CHECKING:
    from arabic_themes.codebook import Codebook
    from arabic_themes.normalisation import GlueRepair

__all__ = ["code_real_set", "load_real_set", "piece_intervals", "score_real_sets", "summarise_real_scores"]

VIEWS = ("real pieces revised on", "real pieces not revised on", "real test set")


def load_real_set(folder: str | Path, themes: Sequence[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The pieces of a real-text set and their reference coding, each reference row with its ``part``.

    Returns ``(corpus, reference)``: the corpus as :func:`arabic_themes.load_corpus` reads it, and
    ``reference_coding.csv`` as :func:`arabic_themes.load_reference` reads it plus ``part``. Errors
    name the file and line at fault (a split naming an unknown piece, a piece missing from it).
    """
    from arabic_themes.corpus import load_corpus
    from arabic_themes.reliability import load_reference

    folder = Path(folder)
    corpus = load_corpus(folder)
    reference = load_reference(folder / "reference_coding.csv", themes)
    unknown = sorted(set(reference["doc_id"]) - set(corpus["doc_id"]))
    if unknown:
        raise InputError(
            f"{folder / 'reference_coding.csv'}: doc_id(s) {unknown[:5]} are not in {folder / 'metadata.csv'}"
        )
    parts = dict.fromkeys(corpus["doc_id"], folder.name)
    split = folder / "split.csv"
    if split.exists():
        for line, row in read_csv_rows(split, "split", ["doc_id", "part"]):
            if row["doc_id"] not in parts:
                raise InputError(f"{split}, line {line}: doc_id {row['doc_id']!r} is not in {folder / 'metadata.csv'}")
            if not row["part"].strip():
                raise InputError(f"{split}, line {line}: the part is blank")
            parts[row["doc_id"]] = f"{folder.name} {row['part'].strip()}"
        missing = sorted(d for d, p in parts.items() if p == folder.name)
        if missing:
            raise InputError(f"{split}: piece(s) {missing[:5]} have no part")
    return corpus, reference.assign(part=reference["doc_id"].map(parts))


def code_real_set(
    corpus: pd.DataFrame, reference: pd.DataFrame, codebook: Codebook, repairs: Sequence[GlueRepair] = ()
) -> pd.DataFrame:
    """Segment and code the pieces, and join the reference: one row per unit, as ``align_reference`` gives."""
    from arabic_themes.coding import code_sentences
    from arabic_themes.reliability import align_reference
    from arabic_themes.segmentation import segment

    themes = codebook.theme_ids
    coded = code_sentences(segment(corpus), codebook, corpus, repairs)
    aligned = align_reference(coded, reference.drop(columns="part"), themes)
    parts = reference.set_index(["doc_id", "start", "end"])["part"]
    return aligned.assign(part=parts.reindex(pd.MultiIndex.from_frame(aligned[["doc_id", "start", "end"]])).to_numpy())


def piece_intervals(
    aligned: pd.DataFrame, themes: Sequence[str], *, boot: int = 2000, seed: int = 2025, level: float = 0.95
) -> pd.DataFrame:
    """Percentile bootstrap intervals of precision, recall and F1 per theme, resampling pieces (``doc_id``).

    One row per theme: ``precision_lo/hi``, ``recall_lo/hi``, ``f1_lo/hi``. A replicate where a metric
    is undefined (no positive in it) is left out of that metric's interval.
    """
    from arabic_themes.validation import _bootstrap_counts, table_metrics

    pieces, index = np.unique(aligned["doc_id"].to_numpy(), return_inverse=True)
    weights = _bootstrap_counts(np.zeros(len(pieces)), boot, seed)  # one stratum: the pieces drawn with replacement
    tail = (1 - level) / 2 * 100
    rows = []
    for theme in themes:
        machine = aligned[f"{theme}_coder"].to_numpy(dtype=bool)
        human = aligned[f"{theme}_reference"].to_numpy(dtype=bool)
        cells = (machine & human, machine & ~human, ~machine & human, ~machine & ~human)
        tp, fp, fn, tn = (weights @ np.bincount(index, weights=c * 1.0, minlength=len(pieces)) for c in cells)
        metrics = table_metrics(tp, fp, fn, tn)
        defined = {"precision": tp + fp > 0, "recall": tp + fn > 0, "f1": 2 * tp + fp + fn > 0}
        row: dict[str, object] = {"theme": theme}
        for name, ok in defined.items():
            values = metrics[name][ok]  # a replicate without the metric's denominator is left out, not counted as 0
            low, high = np.percentile(values, [tail, 100 - tail]) if len(values) else (np.nan, np.nan)
            row[f"{name}_lo"], row[f"{name}_hi"] = float(low), float(high)
        rows.append(row)
    return pd.DataFrame(rows)


def score_real_sets(
    versions: Mapping[str, Codebook],
    sets: Sequence[str | Path],
    *,
    test_set: str | Path | None = None,
    history: pd.DataFrame | None = None,
    repairs: Sequence[GlueRepair] = (),
    boot: int = 2000,
    seed: int = 2025,
) -> pd.DataFrame:
    """Every codebook version on every real-text set, part by part and pooled by what the version saw.

    One row per version (``codebook``), ``sentences`` and theme, with the columns of
    :func:`arabic_themes.agreement`, ``pieces``, the intervals of :func:`piece_intervals` and
    ``view``: ``"part"`` for each part of each set, and three pooled views — the parts the version
    (or an earlier one) was revised on (``history``, fitted), the other development parts
    (unseen), and ``test_set`` (never revised on; it must not appear in ``history``). ``sets`` may be
    empty: then only the test set is scored (one ``"real test set"`` row per theme).
    """
    from arabic_themes.reliability import agreement
    from arabic_themes.versions import mark_fitted

    first = next(iter(versions.values()))
    themes = first.theme_ids
    loaded = [load_real_set(folder, themes) for folder in sets]
    test = load_real_set(test_set, themes) if test_set else None
    test_name = Path(test_set).name if test_set else ""
    if history is not None and test_name and any(test_name in after for after in history["revised_after"]):
        raise InputError(f"the codebook history says a version was revised on the test set {test_name!r}")
    rows = []
    for version, book in versions.items():
        if book.theme_ids != themes:
            raise InputError(f"codebook version {version!r} has themes {book.theme_ids}, not {themes}")
        groups: list[tuple[str, str, pd.DataFrame]] = []
        if loaded:  # development sets; without them only the test set is scored
            aligned = pd.concat([code_real_set(c, r, book, repairs) for c, r in loaded], ignore_index=True)
            parts = pd.DataFrame({"codebook": version, "sentences": aligned["part"].unique()})
            seen = mark_fitted(parts, history) if history is not None else parts.assign(fitted=False)
            fitted = set(seen.loc[seen["fitted"], "sentences"])
            groups += [("part", p, aligned[aligned["part"] == p]) for p in parts["sentences"]]
            groups.append(("pooled", VIEWS[0], aligned[aligned["part"].isin(fitted)]))
            groups.append(("pooled", VIEWS[1], aligned[~aligned["part"].isin(fitted)]))
        if test is not None:
            groups.append(("pooled", VIEWS[2], code_real_set(*test, book, repairs)))
        for view, name, units in groups:
            if units.empty:
                continue
            scored = agreement(units, themes).merge(piece_intervals(units, themes, boot=boot, seed=seed), on="theme")
            scored.insert(0, "pieces", units["doc_id"].nunique())
            rows += [{"codebook": version, "sentences": name, "view": view, **r} for r in scored.to_dict("records")]
    return pd.DataFrame(rows)


def summarise_real_scores(scores: pd.DataFrame, version: str, themes: Sequence[str]) -> pd.DataFrame:
    """One version's pooled views as a small table: one row per view, ``F1 (lo–hi)`` per theme."""
    chosen = scores[(scores["codebook"] == version) & (scores["view"] == "pooled")]
    rows = []
    for view, part in chosen.groupby("sentences", sort=False):
        row: dict[str, object] = {
            "sentences": view,
            "pieces": int(part["pieces"].iloc[0]),
            "units": int(part["n"].iloc[0]),
        }
        for theme in themes:
            r = part[part["theme"] == theme].iloc[0]
            row[theme] = f"{r['f1']:.2f} ({r['f1_lo']:.2f}–{r['f1_hi']:.2f})"
        rows.append(row)
    return pd.DataFrame(rows)
