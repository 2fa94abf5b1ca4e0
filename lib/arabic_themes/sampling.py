"""A blind validation sample of coded units, stratified by the coder's label pattern.

The strata are the automatic coder's label patterns (``"101"``: the first and third theme), so
that rare combinations — and rare themes — are in the sample, not only the common "no theme"
units. Allocation (:func:`allocate`): every non-empty stratum gets ``minimum`` units (all of them
if it has fewer), the rest of the sample is shared in proportion to the strata's sizes (largest
remainders, ties to the larger stratum, then to the earlier pattern), never more than a stratum
holds. Units are drawn without replacement inside each stratum with ``numpy``'s generator seeded
by ``seed``, so one seed always gives the same sample. Each unit's inclusion probability is
``n_h / N_h`` and its weight ``N_h / n_h`` — the number of corpus units it stands for — which is
what turns sample metrics back into corpus metrics (:mod:`arabic_themes.validation`).

:func:`write_sample` writes what a human coder needs: ``sample.csv`` (the units, an empty column
per theme, the weight) and ``sample.qdpx`` (the articles and the codebook, the sampled sentences
marked, no codings) — never the machine's labels. The weight tells the stratum, so hand coders a
copy without it (or the ``.qdpx``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from arabic_themes.codebook import Codebook

__all__ = ["allocate", "draw_sample", "label_pattern", "sample_strata", "write_sample"]

UNIT_COLUMNS = ["doc_id", "sentence_id", "start", "end", "text"]


def label_pattern(coded: pd.DataFrame, themes: Sequence[str]) -> pd.Series:
    """The coder's labels of each unit as one string, one 0/1 digit per theme (``"101"``)."""
    missing = [t for t in themes if t not in coded.columns]
    if missing:
        raise ValueError(f"coded units lack theme column(s) {missing}")
    if not len(themes):
        raise ValueError("no themes given")
    digits = coded[list(themes)].astype(int).astype(str)
    return digits.apply(lambda row: "".join(row), axis=1) if len(coded) else pd.Series([], dtype=str)


def allocate(sizes: Sequence[int] | np.ndarray, n: int, minimum: int = 3) -> np.ndarray:
    """Sample size per stratum: ``min(minimum, N_h)`` each, the rest proportional to ``N_h``.

    ``sizes`` are the strata's sizes ``N_h`` (zeros allowed: they get nothing). Proportional
    shares are rounded by largest remainder and capped at ``N_h``; the result sums to ``n``.
    """
    sizes = np.asarray(sizes, dtype=int)
    total = int(sizes.sum())
    if n < 1:
        raise ValueError(f"the sample size must be at least 1, got {n}")
    if n > total:
        raise ValueError(f"a sample of {n} units was asked for, but there are only {total}")
    base = np.minimum(sizes, minimum)
    if base.sum() > n:
        needed = int(base.sum())
        raise ValueError(
            f"a sample of {n} cannot give {minimum} units to each of the {int((sizes > 0).sum())} label patterns "
            f"({needed} needed); draw at least {needed} or lower the minimum"
        )
    alloc = base.copy()
    order = np.lexsort((np.arange(len(sizes)), -sizes))  # larger strata first, then by position
    while alloc.sum() < n:
        room = sizes - alloc
        open_ = room > 0
        left = n - int(alloc.sum())
        share = np.where(open_, sizes, 0).astype(float)
        quota = left * share / share.sum()
        add = np.minimum(np.floor(quota).astype(int), room)
        if add.sum() == 0:  # hand out the remaining units one by one, largest remainder first
            remainder = np.where(open_, quota - np.floor(quota), -1.0)
            for i in sorted(order, key=lambda i: -remainder[i]):
                if alloc.sum() == n:
                    break
                if room[i] > 0:
                    alloc[i] += 1
                    room[i] -= 1
        else:
            alloc += add
    return alloc


def sample_strata(coded: pd.DataFrame, sample: pd.DataFrame, themes: Sequence[str]) -> pd.DataFrame:
    """Per label pattern: units in the corpus (``N``), in the sample (``n``) and the weight ``N / n``.

    ``sample`` is keyed by ``doc_id, start, end`` and must be units of ``coded``.
    """
    keys = ["doc_id", "start", "end"]
    pattern = label_pattern(coded, themes)
    frame = coded[keys].assign(stratum=pattern.to_numpy())
    inside = frame.merge(sample[keys].drop_duplicates(), on=keys, how="inner")
    sizes = frame["stratum"].value_counts()
    drawn = inside["stratum"].value_counts().reindex(sizes.index, fill_value=0)
    table = pd.DataFrame({"stratum": sizes.index, "N": sizes.to_numpy(), "n": drawn.to_numpy()})
    table = table.sort_values("stratum", ignore_index=True)
    with np.errstate(divide="ignore"):
        table["weight"] = np.where(table["n"] > 0, table["N"] / table["n"].where(table["n"] > 0, 1), np.nan)
    return table


def draw_sample(coded: pd.DataFrame, themes: Sequence[str], n: int, seed: int, *, minimum: int = 3) -> pd.DataFrame:
    """A stratified random sample of ``n`` units of ``coded`` (see the module docstring).

    Returns the sampled units in corpus order (``doc_id`` in order of first appearance, then
    ``start``) with ``doc_id, sentence_id, start, end, text``, their ``stratum`` (label pattern),
    the stratum's size ``stratum_units`` and sample size ``stratum_sampled``, and ``weight``.
    """
    missing = [c for c in UNIT_COLUMNS if c not in coded.columns]
    if missing:
        raise ValueError(f"coded units lack column(s) {missing}")
    if coded.duplicated(["doc_id", "start", "end"]).any():
        raise ValueError("coded units have a unit twice (doc_id, start, end)")
    doc_rank = {d: i for i, d in enumerate(dict.fromkeys(coded["doc_id"]))}
    units = coded[UNIT_COLUMNS].copy()
    units["stratum"] = label_pattern(coded, themes).to_numpy()
    units["_doc"] = units["doc_id"].map(doc_rank)
    units = units.sort_values(["_doc", "start"], kind="stable", ignore_index=True)
    strata = sorted(units["stratum"].unique())
    sizes = np.array([(units["stratum"] == s).sum() for s in strata])
    alloc = allocate(sizes, n, minimum)
    rng = np.random.default_rng(seed)
    picked = []
    for stratum, size, k in zip(strata, sizes, alloc, strict=True):
        members = units.index[units["stratum"] == stratum].to_numpy()
        chosen = members[np.sort(rng.choice(size, size=k, replace=False))] if k else members[:0]
        picked.append(
            units.loc[chosen].assign(stratum_units=int(size), stratum_sampled=int(k), weight=float(size) / float(k))
        )
    sample = pd.concat(picked).sort_values(["_doc", "start"], kind="stable", ignore_index=True)
    return sample.drop(columns="_doc")


def write_sample(
    sample: pd.DataFrame,
    themes: Sequence[str],
    out: str | Path,
    *,
    corpus: pd.DataFrame | None = None,
    codebook: Codebook | None = None,
    metadata: pd.DataFrame | None = None,
) -> list[Path]:
    """Write ``out/sample.csv`` (and, with ``corpus`` and ``codebook``, ``out/sample.qdpx``).

    ``sample.csv``: ``doc_id, sentence_id, start, end, text``, one empty column per theme for the
    coder to fill with 0 or 1, and ``weight``. ``sample.qdpx``: the articles holding sampled units,
    the codebook, each sampled unit marked by a selection *without* a code, and no coding. Neither
    file exists beforehand (nothing is overwritten); both are byte-identical for the same sample.
    """
    from arabic_themes.refi import export_sample_project

    out = Path(out)
    csv_path, qdpx_path = out / "sample.csv", out / "sample.qdpx"
    targets = [csv_path] + ([qdpx_path] if corpus is not None and codebook is not None else [])
    existing = [str(p) for p in targets if p.exists()]
    if existing:
        raise FileExistsError(
            f"{' and '.join(existing)} already there; choose a new output folder (nothing was written)"
        )
    table = sample[UNIT_COLUMNS].copy()
    for theme in themes:
        table[theme] = ""
    table["weight"] = sample["weight"].to_numpy(dtype=float)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    if len(targets) > 1:
        assert corpus is not None and codebook is not None
        written.append(export_sample_project(sample, corpus, codebook, qdpx_path, metadata=metadata))
    tmp = csv_path.with_name(csv_path.name + ".tmp")
    table.to_csv(tmp, index=False, lineterminator="\n", float_format="%.6f")
    tmp.replace(csv_path)
    return [csv_path, *written]
