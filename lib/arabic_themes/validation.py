"""Check the automatic coding against human coders on a sample: agreement and corrected shares.

:func:`read_human_coding` reads a coder's work — a filled ``sample.csv`` (or any CSV keyed like
``data/annotations/reference_coding.csv``) or a REFI-QDA ``.qdpx`` exported by QualCoder, NVivo,
MAXQDA or ATLAS.ti (:func:`arabic_themes.refi.read_qdpx`) — as one row per coder and unit.
:func:`validate` turns the codings into two tables:

* **agreement**, per theme and human coder, with the human as the truth: precision, recall, F1,
  Cohen's kappa and Krippendorff's alpha (:func:`arabic_themes.reliability.agreement`, the one
  implementation), each with a 95 % bootstrap interval (``*_lo``, ``*_hi``), and ``n``; with two or
  more coders also alpha among the humans. Because the sample is stratified by the coder's label
  pattern, the metrics use the sampling weights ``N_h / n_h``: they describe the whole corpus, not
  the over-represented rare patterns. The bootstrap resamples units with replacement *within*
  each stratum (as they were drawn), ``boot`` times with a fixed seed, so the interval is
  deterministic; the metrics of each resample come from its weighted 2 × 2 table
  (:func:`table_metrics`, checked against scikit-learn and ``krippendorff`` in the tests).
  When the humans coded every unit all weights are 1 and the numbers are exactly those of
  :func:`~arabic_themes.reliability.agreement`.
* **prevalence**, per article and for all, per theme and coder: the coder's share and the share
  corrected for its measured error, with a 95 % interval (:func:`arabic_themes.prevalence.estimate_prevalence`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from arabic_themes.errors import InputError, read_csv_rows
from arabic_themes.reliability import KEY, agreement, align_sample

if TYPE_CHECKING:
    from arabic_themes.codebook import Codebook

__all__ = ["read_human_coding", "read_sample_units", "table_metrics", "validate"]

METRICS = ["precision", "recall", "f1", "kappa", "alpha"]


def read_human_coding(
    path: str | Path,
    coded: pd.DataFrame,
    themes: Sequence[str],
    *,
    codebook: Codebook | None = None,
    corpus: pd.DataFrame | None = None,
    units: pd.DataFrame | None = None,
    coder: str | None = None,
    min_overlap: float = 0.5,
) -> pd.DataFrame:
    """One coder's (or, for a ``.qdpx``, each user's) coding of units of ``coded``.

    Returns ``coder, doc_id, start, end`` and one 0/1 column per theme, one row per coder and unit.

    * ``.csv``: a filled ``sample.csv`` (``doc_id, start, end``, ``text`` or ``prefix``, one 0/1
      column per theme; ``sentence_id``, ``weight``, ``note`` allowed). A blank or other cell, a
      row that is not a unit of ``coded`` or whose text differs, is an error naming the line.
      The coder is ``coder`` or the file's name.
    * ``.qdpx``: needs ``codebook`` (codes are matched to themes by name) and ``corpus`` (sources
      are matched to articles by content hash); each REFI user is a coder; a coding marks every
      unit it covers by at least ``min_overlap`` of the unit or of the coding; ``units`` (e.g. the
      sample) restricts the result, by default all units of the matched articles.
    """
    path = Path(path)
    if path.suffix.lower() == ".qdpx":
        if codebook is None or corpus is None:
            raise ValueError(f"{path}: reading a .qdpx needs the codebook and the corpus")
        from arabic_themes.refi import read_qdpx

        spans = read_qdpx(path, codebook, corpus)
        return _codings_to_units(spans, coded, themes, units, min_overlap, path)
    return _read_coding_csv(path, coded, themes, coder or path.stem)


def read_sample_units(path: str | Path, coded: pd.DataFrame) -> pd.DataFrame:
    """The units (``doc_id, start, end``) of a ``sample.csv``, filled or not; each must be a unit of ``coded``."""
    path = Path(path)
    known = set(zip(coded["doc_id"].astype(str), coded["start"], coded["end"], strict=True))
    units = []
    for line, row in read_csv_rows(path, "sample", KEY):
        if not (row["start"].isdigit() and row["end"].isdigit()):
            raise InputError(f"{path}, line {line}: start and end must be integers")
        key = (row["doc_id"], int(row["start"]), int(row["end"]))
        if key not in known:
            raise InputError(f"{path}, line {line}: {key[0]} [{key[1]}:{key[2]}] is not a unit of the coded table")
        units.append(key)
    return pd.DataFrame(units, columns=KEY)


def _read_coding_csv(path: Path, coded: pd.DataFrame, themes: Sequence[str], coder: str) -> pd.DataFrame:
    rows = read_csv_rows(path, "human coding", [*KEY, *themes])
    if not rows:
        raise InputError(f"{path}: no coded rows")
    header = rows[0][1].keys()
    check = "text" if "text" in header else "prefix" if "prefix" in header else None
    index = {
        (str(d), int(s), int(e)): t
        for d, s, e, t in zip(coded["doc_id"], coded["start"], coded["end"], coded["text"], strict=True)
    }
    records = []
    seen: set[tuple[str, int, int]] = set()
    for line, row in rows:
        for col in ("start", "end"):
            if not row[col].strip().isdigit():
                raise InputError(f"{path}, line {line}: column {col!r} has {row[col]!r}, expected an integer")
        key = (row["doc_id"], int(row["start"]), int(row["end"]))
        if key not in index:
            raise InputError(
                f"{path}, line {line}: {key[0]} [{key[1]}:{key[2]}] is not a unit of the coded table; "
                "was the sample drawn from another coding or segmentation?"
            )
        if check and not (index[key] == row[check] if check == "text" else index[key].startswith(row[check])):
            raise InputError(f"{path}, line {line}: the {check} does not match unit {key[0]} [{key[1]}:{key[2]}]")
        if key in seen:
            raise InputError(f"{path}, line {line}: {key[0]} [{key[1]}:{key[2]}] is coded twice")
        seen.add(key)
        values = {}
        for theme in themes:
            cell = row[theme].strip()
            if cell == "":
                raise InputError(f"{path}, line {line}: column {theme!r} is blank; code every unit 0 or 1")
            if cell not in ("0", "1"):
                raise InputError(f"{path}, line {line}: column {theme!r} has {row[theme]!r}, expected 0 or 1")
            values[theme] = int(cell)
        records.append({"coder": coder, "doc_id": key[0], "start": key[1], "end": key[2], **values})
    return pd.DataFrame(records, columns=["coder", *KEY, *themes])


def _codings_to_units(
    spans: pd.DataFrame,
    coded: pd.DataFrame,
    themes: Sequence[str],
    units: pd.DataFrame | None,
    min_overlap: float,
    path: Path,
) -> pd.DataFrame:
    """Map coded spans (``coder, doc_id, start, end, theme``, raw offsets) to units by overlap."""
    docs = spans.attrs.get("documents", sorted(set(spans["doc_id"])))
    pool = coded[coded["doc_id"].isin(docs)][KEY]
    if units is not None:
        pool = pool.merge(units[KEY], on=KEY, how="inner")
    coders = spans.attrs.get("coders", sorted(set(spans["coder"])))
    records = []
    for who in coders:
        mine = spans[spans["coder"] == who]
        for doc_id, start, end in pool.itertuples(index=False):
            flags = dict.fromkeys(themes, 0)
            hits = mine[(mine["doc_id"] == doc_id) & (mine["start"] < end) & (mine["end"] > start)]
            for r in hits.itertuples(index=False):
                overlap = min(end, r.end) - max(start, r.start)
                if overlap >= min_overlap * (end - start) or overlap >= min_overlap * (r.end - r.start):
                    flags[r.theme] = 1
            records.append({"coder": who, "doc_id": doc_id, "start": int(start), "end": int(end), **flags})
    if not records:
        raise InputError(f"{path}: no unit of the coded table is in this project's sources")
    return pd.DataFrame(records, columns=["coder", *KEY, *themes])


def table_metrics(tp: np.ndarray, fp: np.ndarray, fn: np.ndarray, tn: np.ndarray) -> dict[str, np.ndarray]:
    """Precision, recall, F1, kappa and alpha (nominal) from weighted 2 × 2 tables, vectorised.

    The reference is the truth; 0 where precision, recall or F1 divide by zero (scikit-learn's
    ``zero_division=0``); kappa and alpha are 1 when the two agree on every unit.
    """
    tp, fp, fn, tn = (np.asarray(a, dtype=float) for a in (tp, fp, fn, tn))
    total = tp + fp + fn + tn
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.where(tp + fp > 0, tp / (tp + fp), 0.0)
        recall = np.where(tp + fn > 0, tp / (tp + fn), 0.0)
        f1 = np.where(2 * tp + fp + fn > 0, 2 * tp / (2 * tp + fp + fn), 0.0)
        observed = (tp + tn) / total
        expected = ((tp + fp) * (tp + fn) + (fn + tn) * (fp + tn)) / total**2
        kappa = (observed - expected) / (1 - expected)
        # alpha from the coincidence matrix of two coders: n = 2 * total pairable values
        n = 2 * total
        ones = 2 * tp + fp + fn
        alpha = 1 - (n - 1) * (fp + fn) / (ones * (n - ones))
    agree = (fp + fn) == 0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "kappa": np.where(agree, 1.0, kappa),
        "alpha": np.where(agree, 1.0, alpha),
    }


def _bootstrap_counts(strata: np.ndarray, boot: int, seed: int) -> np.ndarray:
    """``(boot, n)`` counts: how often each unit is drawn when each stratum is resampled with replacement."""
    rng = np.random.default_rng(seed)
    counts = np.zeros((boot, len(strata)))
    for stratum in sorted(set(strata)):
        members = np.flatnonzero(strata == stratum)
        counts[:, members] = rng.multinomial(len(members), np.full(len(members), 1 / len(members)), size=boot)
    return counts


def _human_alpha(wide: np.ndarray, weights: np.ndarray, counts: np.ndarray) -> tuple[float, np.ndarray]:
    """Alpha among coders (rows of ``wide``, nan = not coded), and its bootstrap replicates."""
    import krippendorff

    from arabic_themes.reliability import nominal_alpha

    present = ~np.isnan(wide)
    m = present.sum(axis=0)
    k = np.nansum(wide, axis=0)
    pairable = m >= 2
    if pairable.sum() == 0 or np.unique(wide[present]).size < 2:
        value = 1.0 if np.unique(wide[present]).size == 1 else float("nan")
        return value, np.full(len(counts), value)
    if (weights == 1).all():
        value = float(krippendorff.alpha(reliability_data=wide, level_of_measurement="nominal"))
    else:
        value = nominal_alpha(wide, weights)
    w = counts * weights  # (boot, units)
    disagree = np.where(pairable, k * (m - k) / np.where(m > 1, m - 1, 1), 0.0)
    n1 = w @ np.where(pairable, k, 0.0)
    n = w @ np.where(pairable, m, 0.0)
    observed = w @ disagree
    with np.errstate(divide="ignore", invalid="ignore"):
        reps = np.where(observed == 0, 1.0, 1 - (n - 1) * observed / (n1 * (n - n1)))
    return value, reps


def validate(
    coded: pd.DataFrame,
    human_codings: pd.DataFrame | Sequence[pd.DataFrame],
    themes: Sequence[str],
    *,
    boot: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Agreement (with bootstrap intervals) and corrected prevalence, from human codings of a sample.

    ``coded``: every unit with the automatic coder's 0/1 per theme (``doc_id, start, end, text``).
    ``human_codings``: frames of :func:`read_human_coding` (``coder, doc_id, start, end`` + themes).
    The sample is the set of units any human coded; its weights are ``N_h / n_h`` per label
    pattern (what :func:`arabic_themes.sampling.draw_sample` records). Returns
    ``(agreement, prevalence)``.
    """
    from arabic_themes.prevalence import estimate_prevalence
    from arabic_themes.sampling import label_pattern, sample_strata

    humans = human_codings if isinstance(human_codings, pd.DataFrame) else pd.concat(list(human_codings))
    humans = humans.reset_index(drop=True)
    if humans.empty:
        raise ValueError("no human coding given")
    coders = list(dict.fromkeys(humans["coder"]))
    sample = humans[KEY].drop_duplicates().reset_index(drop=True)
    strata_table = sample_strata(coded, sample, themes).set_index("stratum")
    empty = strata_table[(strata_table["N"] > 0) & (strata_table["n"] == 0)]
    if len(empty):
        raise ValueError(
            f"no human-coded unit has the label pattern(s) {list(empty.index)}, which the coder gives "
            f"{int(empty['N'].sum())} unit(s): draw the sample with arabic-themes sample"
        )
    units = coded[[*KEY, *themes]].assign(stratum=label_pattern(coded, themes).to_numpy())
    sample = sample.merge(units[[*KEY, "stratum"]], on=KEY, how="left")
    sample["weight"] = strata_table.loc[sample["stratum"], "weight"].to_numpy()
    tail = (1 - level) / 2
    position = coded[KEY].assign(_position=np.arange(len(coded)))  # the coded table's order, for every coder
    rows = []
    for who in coders:
        mine = humans[humans["coder"] == who].drop(columns="coder")
        aligned = align_sample(coded, mine, themes, what=f"coding of {who}")
        aligned = aligned.merge(sample[[*KEY, "stratum", "weight"]], on=KEY, how="left")
        aligned = aligned.merge(position, on=KEY, how="left").sort_values("_position", ignore_index=True)
        weights = aligned["weight"].to_numpy(dtype=float)
        point = agreement(aligned, themes, weights=weights).set_index("theme")
        counts = _bootstrap_counts(aligned["stratum"].to_numpy(), boot, seed)
        w = counts * weights
        for theme in themes:
            c = aligned[f"{theme}_coder"].to_numpy(dtype=int)
            r = aligned[f"{theme}_reference"].to_numpy(dtype=int)
            reps = table_metrics(w @ (c & r), w @ (c & (1 - r)), w @ ((1 - c) & r), w @ ((1 - c) & (1 - r)))
            row: dict[str, object] = {"theme": theme, "coder": who, "comparison": "coder vs human", "n": len(c)}
            for metric in METRICS:
                row[metric] = float(point.loc[theme, metric])
                lo, hi = np.nanquantile(reps[metric], [tail, 1 - tail])
                row[f"{metric}_lo"], row[f"{metric}_hi"] = float(lo), float(hi)
            rows.append(row)
    if len(coders) >= 2:
        counts = _bootstrap_counts(sample["stratum"].to_numpy(), boot, seed)
        for theme in themes:
            wide = np.full((len(coders), len(sample)), np.nan)
            position = {k: i for i, k in enumerate(zip(sample["doc_id"], sample["start"], sample["end"], strict=True))}
            for i, who in enumerate(coders):
                mine = humans[humans["coder"] == who]
                cols = [position[k] for k in zip(mine["doc_id"], mine["start"], mine["end"], strict=True)]
                wide[i, cols] = mine[theme].to_numpy(dtype=float)
            value, alpha_reps = _human_alpha(wide, sample["weight"].to_numpy(dtype=float), counts)
            lo, hi = np.nanquantile(alpha_reps, [tail, 1 - tail])
            row = {
                "theme": theme,
                "coder": " + ".join(coders),
                "comparison": "among humans",
                "n": int(((~np.isnan(wide)).sum(axis=0) >= 2).sum()),
            }
            row.update({f"{m}{s}": np.nan for m in METRICS for s in ("", "_lo", "_hi")})
            row["alpha"], row["alpha_lo"], row["alpha_hi"] = value, float(lo), float(hi)
            rows.append(row)
    columns = ["theme", "coder", "comparison", "n", *[f"{m}{s}" for m in METRICS for s in ("", "_lo", "_hi")]]
    agreement_table = pd.DataFrame(rows)[columns]
    prevalences = []
    for who in coders:
        table = estimate_prevalence(coded, humans[humans["coder"] == who], themes)
        prevalences.append(table.assign(coder=who))
    prevalence_table = pd.concat(prevalences, ignore_index=True)
    prevalence_table = prevalence_table[["coder", *[c for c in prevalence_table.columns if c != "coder"]]]
    return agreement_table, prevalence_table
