"""Agreement between the automatic coding and a reference (human) coding, per theme.

Metrics come from well-kept libraries rather than being re-implemented: precision, recall, F1 and
Cohen's kappa from scikit-learn, Krippendorff's alpha (nominal) from the ``krippendorff`` package.
This is the package's one implementation of agreement: the validation tables
(:mod:`arabic_themes.validation`) and the agreement figure use it.

With ``weights`` (sampling weights of a stratified sample, :func:`arabic_themes.sampling.draw_sample`)
every metric describes the whole corpus rather than the sample: scikit-learn's metrics take
``sample_weight``; the ``krippendorff`` package takes no weights, so alpha is then computed from
the weighted coincidence matrix (:func:`nominal_alpha`), which equals the package's value when all
weights are 1 (a test checks it).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import krippendorff
import numpy as np
import pandas as pd

from arabic_themes.errors import InputError, read_input_text

if TYPE_CHECKING:
    from arabic_themes.coding import Codebook
    from arabic_themes.normalisation import GlueRepair

__all__ = [
    "agreement",
    "align_reference",
    "align_sample",
    "align_texts",
    "disagreements",
    "load_reference",
    "nominal_alpha",
]

KEY = ["doc_id", "start", "end"]


def load_reference(path: str | Path, themes: Sequence[str]) -> pd.DataFrame:
    """Read a reference coding CSV (``doc_id,start,end,prefix`` + one 0/1 column per theme).

    Errors name the file, the line and the column at fault.
    """
    path = Path(path)
    text = read_input_text(path, "reference coding", encoding="utf-8-sig")
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(f"{path}: not a valid CSV table: {' '.join(str(exc).split())}") from None
    missing = [c for c in [*KEY, "prefix", *themes] if c not in frame.columns]
    if missing:
        raise InputError(f"{path}: missing column(s) {missing}")
    for col in ["start", "end", *themes]:
        bad = ~frame[col].str.fullmatch(r"\d+")
        if bad.any():
            line = int(np.argmax(bad.to_numpy())) + 2
            raise InputError(
                f"{path}, line {line}: column {col!r} has {frame[col][bad].iloc[0]!r}, expected an integer"
            )
    for col in themes:
        bad = ~frame[col].isin(["0", "1"])
        if bad.any():
            line = int(np.argmax(bad.to_numpy())) + 2
            raise InputError(f"{path}, line {line}: column {col!r} must be 0 or 1")
    for col in ["start", "end", *themes]:
        frame[col] = frame[col].astype("int64")
    dup = frame.duplicated(KEY)
    if dup.any():
        line = int(np.argmax(dup.to_numpy())) + 2
        raise InputError(f"{path}, line {line}: the same (doc_id, start, end) appears twice")
    return frame


def align_reference(coded: pd.DataFrame, reference: pd.DataFrame, themes: Sequence[str]) -> pd.DataFrame:
    """Join coder and reference on ``doc_id, start, end``; one row per sentence.

    Every sentence must be in the reference and the reference ``prefix`` must equal the start of
    the sentence text, so a reference made for another segmentation is caught, not mis-joined.
    Theme columns come out as ``<theme>_coder`` and ``<theme>_reference``.
    """
    left = coded[[*KEY, "sentence_id", "text", *themes]]
    right = reference[[*KEY, "prefix", *themes]]
    merged = left.merge(right, on=KEY, how="left", suffixes=("_coder", "_reference"), indicator=True)
    unmatched = merged[merged["_merge"] != "both"]
    if len(unmatched):
        first = unmatched.iloc[0]
        raise ValueError(
            f"{len(unmatched)} sentence(s) have no reference row, e.g. {first['doc_id']} "
            f"[{first['start']}:{first['end']}] «{first['text'][:40]}»; was the text re-segmented?"
        )
    wrong = merged[[not t.startswith(p) for t, p in zip(merged["text"], merged["prefix"], strict=True)]]
    if len(wrong):
        first = wrong.iloc[0]
        raise ValueError(
            f"reference prefix «{first['prefix']}» does not match sentence {first['doc_id']} "
            f"[{first['start']}:{first['end']}] «{first['text'][:40]}»"
        )
    return merged.drop(columns=["_merge"])


def align_sample(
    coded: pd.DataFrame, coding: pd.DataFrame, themes: Sequence[str], *, what: str = "coding"
) -> pd.DataFrame:
    """Join a coding of *some* units (a sample, or all) to the coded table; one row per coded-by-hand unit.

    Every row of ``coding`` (keyed by ``doc_id, start, end``) must be a unit of ``coded``; its
    ``text`` or ``prefix``, when present, must match the unit's text. Theme columns come out as
    ``<theme>_coder`` (the automatic coding) and ``<theme>_reference`` (``coding``), as in
    :func:`align_reference`; rows keep the order of ``coding``.
    """
    for name, frame in (("coded", coded), (what, coding)):
        missing = [c for c in [*KEY, *themes] if c not in frame.columns]
        if missing:
            raise ValueError(f"{name} lacks column(s) {missing}")
        if frame.duplicated(KEY).any():
            first = frame[frame.duplicated(KEY)].iloc[0]
            raise ValueError(
                f"{name} has the unit {first['doc_id']} [{first['start']}:{first['end']}] twice (doc_id, start, end)"
            )
    check = "text" if "text" in coding.columns else "prefix" if "prefix" in coding.columns else None
    right = coding[[*KEY, *themes, *([check] if check else [])]].rename(columns={check: "_check"} if check else {})
    left = coded[[*KEY, *(c for c in ("sentence_id", "text") if c in coded.columns), *themes]]
    merged = right.merge(left, on=KEY, how="left", suffixes=("_reference", "_coder"), indicator=True)
    unmatched = merged[merged["_merge"] != "both"]
    if len(unmatched):
        first = unmatched.iloc[0]
        raise ValueError(
            f"{len(unmatched)} unit(s) of the {what} are not in the coded table, e.g. {first['doc_id']} "
            f"[{first['start']}:{first['end']}]; were both segmented the same way?"
        )
    if check and "text" in merged.columns:
        ok = [
            t == c if check == "text" else t.startswith(c)
            for t, c in zip(merged["text"].astype(str), merged["_check"].astype(str), strict=True)
        ]
        if not all(ok):
            first = merged[[not o for o in ok]].iloc[0]
            raise ValueError(
                f"the {what}'s {check} «{str(first['_check'])[:40]}» does not match unit {first['doc_id']} "
                f"[{first['start']}:{first['end']}] «{str(first['text'])[:40]}»"
            )
    return merged.drop(columns=["_merge", *(["_check"] if check else [])])


def nominal_alpha(data: np.ndarray, weights: np.ndarray | None = None) -> float:
    """Krippendorff's alpha (nominal) of ``data`` (coders × units, ``nan`` = not coded), each unit weighted.

    Computed from the coincidence matrix, each unit's pairs counted ``weights[u]`` times, so with
    sampling weights it estimates the alpha of the whole corpus. Units with fewer than two values
    are not pairable and drop out. With all weights 1 it is the ``krippendorff`` package's value.
    ``nan`` when fewer than two values are pairable or only one category occurs.
    """
    data = np.asarray(data, dtype=float)
    w = np.ones(data.shape[1]) if weights is None else np.asarray(weights, dtype=float)
    present = ~np.isnan(data)
    m = present.sum(axis=0)
    pairable = m >= 2
    values = np.unique(data[present])
    coincidence = np.zeros((len(values), len(values)))
    for u in np.flatnonzero(pairable):
        counts = np.array([(data[present[:, u], u] == v).sum() for v in values], dtype=float)
        coincidence += w[u] * (np.outer(counts, counts) - np.diag(counts)) / (m[u] - 1)
    n_c = coincidence.sum(axis=1)
    n = n_c.sum()
    expected = n * n - (n_c**2).sum()  # sum over c != k of n_c n_k
    if n <= 1 or expected == 0:
        return float("nan")
    observed = coincidence.sum() - np.trace(coincidence)
    return float(1 - (n - 1) * observed / expected)


def agreement(aligned: pd.DataFrame, themes: Sequence[str], weights: Sequence[float] | None = None) -> pd.DataFrame:
    """Per theme: counts (both, coder only, reference only, neither), precision, recall, F1,
    Cohen's kappa and Krippendorff's alpha (nominal), treating the reference as the truth.

    ``weights`` (one per row of ``aligned``): sampling weights; the metrics then estimate the
    corpus the sample was drawn from (see the module docstring). The counts stay sample counts.
    """
    # imported here: scikit-learn takes most of a second to import and only this function needs it
    from sklearn.metrics import cohen_kappa_score, f1_score, precision_score, recall_score

    w = None if weights is None else np.asarray(weights, dtype=float)
    if w is not None and len(w) != len(aligned):
        raise ValueError(f"{len(w)} weights for {len(aligned)} units")
    unweighted = w is None or bool((w == 1).all())
    rows = []
    for theme in themes:
        coder = aligned[f"{theme}_coder"].to_numpy(dtype=int)
        ref = aligned[f"{theme}_reference"].to_numpy(dtype=int)
        both = int(((coder == 1) & (ref == 1)).sum())
        coder_only = int(((coder == 1) & (ref == 0)).sum())
        ref_only = int(((coder == 0) & (ref == 1)).sum())
        neither = int(((coder == 0) & (ref == 0)).sum())
        if (coder == ref).all():
            kappa = alpha = 1.0
        elif unweighted:
            kappa = float(cohen_kappa_score(ref, coder))
            alpha = float(krippendorff.alpha(reliability_data=np.vstack([ref, coder]), level_of_measurement="nominal"))
        else:
            kappa = float(cohen_kappa_score(ref, coder, sample_weight=w))
            alpha = nominal_alpha(np.vstack([ref, coder]), w)
        sample_weight = None if unweighted else w
        rows.append(
            {
                "theme": theme,
                "n": len(coder),
                "reference_1": int(ref.sum()),
                "coder_1": int(coder.sum()),
                "both": both,
                "coder_only": coder_only,
                "reference_only": ref_only,
                "neither": neither,
                "precision": float(precision_score(ref, coder, zero_division=0, sample_weight=sample_weight)),
                "recall": float(recall_score(ref, coder, zero_division=0, sample_weight=sample_weight)),
                "f1": float(f1_score(ref, coder, zero_division=0, sample_weight=sample_weight)),
                "kappa": kappa,
                "alpha": alpha,
            }
        )
    return pd.DataFrame(rows)


def disagreements(aligned: pd.DataFrame, themes: Sequence[str]) -> pd.DataFrame:
    """Every (sentence, theme) where coder and reference differ, with the kind of disagreement."""
    rows = []
    for theme in themes:
        diff = aligned[aligned[f"{theme}_coder"] != aligned[f"{theme}_reference"]]
        for r in diff.itertuples(index=False):
            coder = getattr(r, f"{theme}_coder")
            rows.append(
                {
                    "theme": theme,
                    "kind": "coder only (false positive)" if coder == 1 else "reference only (false negative)",
                    "doc_id": r.doc_id,
                    "sentence_id": r.sentence_id,
                    "start": r.start,
                    "end": r.end,
                    "text": r.text,
                }
            )
    columns = ["theme", "kind", "doc_id", "sentence_id", "start", "end", "text"]
    return pd.DataFrame(rows, columns=columns)


def align_texts(frame: pd.DataFrame, codebook: Codebook, repairs: Sequence[GlueRepair] = ()) -> pd.DataFrame:
    """Code loose, hand-coded sentences (``text`` plus one 0/1 column per theme, e.g. a test set)
    and align them like :func:`align_reference`, ready for :func:`agreement` and :func:`disagreements`."""
    from arabic_themes.coding import code_texts

    themes = codebook.theme_ids
    missing = [c for c in ["text", *themes] if c not in frame.columns]
    if missing:
        raise ValueError(f"hand-coded sentences lack column(s) {missing}")
    for theme in themes:
        bad = ~frame[theme].astype(str).isin(["0", "1"])
        if bad.any():
            raise ValueError(f"row {int(np.argmax(bad.to_numpy())) + 1}: column {theme!r} must be 0 or 1")
    coded = code_texts(frame["text"].tolist(), codebook, repairs)
    aligned = coded[["doc_id", "sentence_id", "start", "end", "text"]].copy()
    if "id" in frame.columns:
        aligned["id"] = frame["id"].to_numpy()
    for theme in themes:
        aligned[f"{theme}_coder"] = coded[theme].to_numpy()
        aligned[f"{theme}_reference"] = frame[theme].astype(int).to_numpy()
    aligned["evidence"] = coded["evidence"].to_numpy()
    return aligned
