"""Readings of notebook 04: the sentence under each figure, computed from the figure's data."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from arabic_themes._wording import _MAX_LISTED, Labelled, _doc, _join, _n, _per_doc, _plural, _theme, percent


def reading_theme_shares(coded: pd.DataFrame, themes: Sequence[Labelled]) -> str:
    """For the theme-shares figure: per theme, the range of its share over the articles."""
    ids = [t.id for t in themes]
    order, units, hits = _per_doc(coded, ids)
    if len(order) < 2:
        return "**Reading.** With one article there is nothing to compare; the figure gives its shares."
    parts = []
    for j, theme in enumerate(themes):
        shares = np.where(units > 0, hits[:, j] / np.maximum(units, 1), 0.0)
        hi, lo = int(np.argmax(shares)), int(np.argmin(shares))
        zero = int((hits[:, j] == 0).sum())
        part = f"{_theme(theme)} runs from {percent(hits[lo, j], units[lo])} of the units of {_doc(order[lo])}"
        part += f" to {percent(hits[hi, j], units[hi])} of those of {_doc(order[hi])}"
        if zero > 1:
            part += f" ({_n(zero)} articles have none)"
        parts.append(part)
    return "**Reading.** " + "; ".join(parts) + "."


def reading_dispersion(coded: pd.DataFrame, themes: Sequence[Labelled]) -> str:
    """For the dispersion figure: where in its article a unit of each theme comes, and where a theme first appears."""
    ids = [t.id for t in themes]
    positions: dict[str, list[float]] = {t: [] for t in ids}
    firsts: dict[str, list[float]] = {t: [] for t in ids}
    for _, part in coded.groupby("doc_id", sort=False):
        part = part.sort_values("sentence_id", kind="stable") if "sentence_id" in part else part
        n = len(part)
        where = (np.arange(1, n + 1) - 0.5) / max(n, 1)
        for t in ids:
            mask = part[t].to_numpy(dtype=int) == 1
            positions[t] += where[mask].tolist()
            if mask.any():
                firsts[t].append(float(where[mask][0]))
    present = [t for t in themes if positions[t.id]]
    if not present:
        return "**Reading.** No theme occurs in this corpus."
    medians = [f"{round(100 * float(np.median(positions[t.id])))} %" for t in present]
    first = [f"{round(100 * float(np.mean(firsts[t.id])))} %" for t in present]
    names = _join([_theme(t) for t in present])
    if len(present) == 1:
        text = (
            f"**Reading.** In the median, a unit of {names} comes at {medians[0]} of its article's length (0 % is the "
            f"start, 100 % the end); in the articles that have it, it first appears on average at {first[0]}."
        )
    else:
        text = (
            f"**Reading.** In the median, a unit of {names} comes at {_join(medians)} of its article's length "
            f"respectively (0 % is the start, 100 % the end); in the articles that have them, these themes first "
            f"appear on average at {_join(first)}."
        )
    absent = [t for t in themes if not positions[t.id]]
    if absent:
        text += f" {_join([_theme(t) for t in absent])} never occur{'s' if len(absent) == 1 else ''}."
    return text


def reading_cooccurrence(coded: pd.DataFrame, themes: Sequence[Labelled]) -> str:
    """For the co-occurrence matrix: which pairs of themes share units, and which never do."""
    ids = [t.id for t in themes]
    if len(ids) < 2:
        return "**Reading.** The codebook has one theme: there is nothing to co-occur."
    x = coded[ids].to_numpy(dtype=int)
    matrix = x.T @ x
    pairs = [(int(matrix[i, j]), i, j) for i in range(len(ids)) for j in range(i + 1, len(ids))]
    together = sorted([p for p in pairs if p[0]], key=lambda p: (-p[0], p[1], p[2]))
    never = [p for p in pairs if not p[0]]
    text = "**Reading.**"
    if together:
        listed = [f"{_theme(themes[i])} and {_theme(themes[j])} share {_plural(k, 'unit')}" for k, i, j in together]
        text += " " + _join(listed[:_MAX_LISTED]) + "."
        k, i, j = together[0]
        smaller = min(matrix[i, i], matrix[j, j])
        if smaller:
            text += (
                f" The largest overlap is {percent(k, smaller)} of the rarer theme's units "
                f"({_n(k)} of {_n(int(smaller))})."
            )
    if never:
        listed = [f"{_theme(themes[i])} and {_theme(themes[j])}" for _, i, j in never]
        text += f" Never in the same unit: {_join(listed[:_MAX_LISTED])}."
    multi = int((x.sum(axis=1) >= 2).sum())
    if multi:
        text += f" {_n(multi)} of the {_plural(len(coded), 'unit')} carry two themes or more."
    else:
        text += " No unit carries two themes."
    return text


def reading_agreement(aligned: pd.DataFrame, themes: Sequence[Labelled]) -> str:
    """For the agreement figure: decisions agreed, and how the differences split (misses, additions)."""
    ids = [t.id for t in themes]
    agree = miss = extra = 0
    worst = None
    for theme in themes:
        coder = aligned[f"{theme.id}_coder"].to_numpy(dtype=int)
        ref = aligned[f"{theme.id}_reference"].to_numpy(dtype=int)
        agree += int((coder == ref).sum())
        m, e = int(((coder == 0) & (ref == 1)).sum()), int(((coder == 1) & (ref == 0)).sum())
        miss, extra = miss + m, extra + e
        if m + e and (worst is None or m + e > worst[0]):
            worst = (m + e, theme)
    total = len(aligned) * len(ids)
    text = (
        f"**Reading.** The coder and the reference agree on {_n(agree)} of the {_n(total)} unit–theme decisions "
        f"({percent(agree, total)})."
    )
    if miss + extra:
        side = (
            "the coder is the more conservative of the two"
            if miss > extra
            else "the coder marks more than the reference"
            if extra > miss
            else "misses and additions are even"
        )
        text += (
            f" Of the {_plural(miss + extra, 'difference')}, {_n(miss)} are misses (reference only) and "
            f"{_plural(extra, 'addition')} (coder only): {side}."
        )
        if worst is not None:
            text += f" Most differences are on {_theme(worst[1])} ({_n(worst[0])})."
    return text


def reading_actor_mentions(counts: pd.DataFrame, actors: Sequence[Labelled]) -> str:
    """For the actor figure: the most mentioned actors overall, and who stands out in each article."""
    label = {a.id: a.label_en for a in actors}
    totals = counts.groupby("actor", sort=False)["count"].sum()
    totals = totals[totals > 0].sort_values(ascending=False, kind="stable")
    if totals.empty:
        return "**Reading.** No actor of the list is mentioned in this corpus."
    top = [f"{label.get(a, a)} ({_n(int(k))})" for a, k in totals.head(3).items()]
    text = f"**Reading.** The most mentioned actors are {_join(top)}."
    common = list(totals.head(2).index)
    stand_out: dict[str, list[tuple[int, str]]] = {}  # actor -> (count, article) where it is the most named
    for doc_id, part in counts.groupby("doc_id", sort=False):
        others = part[~part["actor"].isin(common) & (part["count"] > 0)]  # beyond the two most mentioned
        if len(others):
            best = others.sort_values("count", ascending=False, kind="stable").iloc[0]
            stand_out.setdefault(str(best["actor"]), []).append((int(best["count"]), str(doc_id)))
    if stand_out:
        ranked = sorted(stand_out.items(), key=lambda kv: (-max(k for k, _ in kv[1]), -len(kv[1])))
        listed = []
        for actor, where in ranked[:_MAX_LISTED]:
            k, doc_id = max(where, key=lambda w: w[0])
            if len(where) == 1:
                listed.append(f"{label.get(actor, actor)} in {_doc(doc_id)} ({_n(k)})")
            else:
                listed.append(
                    f"{label.get(actor, actor)} in {_n(len(where))} articles (up to {_n(k)}, in {_doc(doc_id)})"
                )
        names = _join([label.get(a, a) for a in common])
        text += f" Beyond {names}, the actor an article names most: {_join(listed)}."
    return text
