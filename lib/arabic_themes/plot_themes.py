"""Figures of the coding: theme shares, where themes fall in each article, co-occurrence, agreement.

All drawn in the house style of :mod:`arabic_themes.plot_style`; each returns a settled
:class:`~matplotlib.figure.Figure`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.lines
import matplotlib.patches
import matplotlib.ticker
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.typing import LineStyleType

from arabic_themes.codebook import theme_colors
from arabic_themes.plot_style import (
    _NEUTRAL,
    OKABE_ITO,
    Labelled,
    _annotate_cells,
    _check_themes,
    _doc_label,
    _doc_order,
    _heatmap,
    _new_figure,
    _settled,
    _theme_label,
    bilingual,
    house_style,
)

__all__ = [
    "plot_agreement",
    "plot_agreement_by_version",
    "plot_cooccurrence",
    "plot_theme_dispersion",
    "plot_theme_shares",
]


def plot_theme_shares(
    coded: pd.DataFrame,
    themes: Sequence[Labelled],
    doc_labels: Mapping[str, str] | None = None,
    prevalence: pd.DataFrame | None = None,
) -> Figure:
    """Heatmap article × theme: share of the article's units carrying the theme, with "k/n".

    Every row of ``coded`` counts (filter headings out beforehand if they should not). With
    ``prevalence`` (the table of :func:`arabic_themes.validation.validate` for one coder, or of
    :func:`arabic_themes.prevalence.estimate_prevalence`: ``doc_id, theme, estimate, lo, hi``) each
    cell adds the share corrected for the coder's measured error and its 95 % interval.
    """
    ids = _check_themes(coded, themes, "coded")
    docs = _doc_order(coded["doc_id"].tolist(), doc_labels)
    grouped = coded.groupby("doc_id", sort=False)
    totals = grouped.size().reindex(docs).fillna(0).to_numpy(dtype=int)
    hits = grouped[ids].sum().reindex(docs).fillna(0).to_numpy(dtype=int)
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = np.where(totals[:, None] > 0, hits / totals[:, None], np.nan)
    corrected = _corrected_cells(prevalence, docs, ids)
    with house_style():
        fig = _new_figure(1.9 * len(ids) + 3.2, (0.8 if corrected else 0.55) * len(docs) + 2.3)
        ax = fig.add_subplot()
        image = _heatmap(ax, shares, vmax=max(float(np.nanmax(shares, initial=0.0)), 1e-9))
        texts = [
            [
                (f"{shares[i, j]:.0%}\n{hits[i, j]}/{totals[i]}" + (f"\n{corrected[i][j]}" if corrected else ""))
                if totals[i]
                else "–"
                for j in range(len(ids))
            ]
            for i in range(len(docs))
        ]
        _annotate_cells(ax, shares, texts, float(np.nanmax(shares, initial=0.0)))
        ax.set_xticks(range(len(ids)), [_theme_label(t) for t in themes])
        ax.set_yticks(range(len(docs)), [_doc_label(d, doc_labels, 22 if doc_labels else 24, among=docs) for d in docs])
        ax.xaxis.tick_top()
        ax.set_title(bilingual("حصة الجمل التي تحمل كل موضوع", "Share of sentences carrying each theme"))
        if corrected:
            note = "≈ share corrected with a hand-coded sample [95 % interval]"
            ax.set_xlabel(bilingual("الحصة المصححة بعينة مرمزة يدويا ومجال الثقة 95%", note), fontsize=8)
        bar = fig.colorbar(image, ax=ax, shrink=0.8, format=matplotlib.ticker.PercentFormatter(1.0, decimals=0))
        bar.set_label(bilingual("حصة الجمل", "Share of sentences"))
        bar.outline.set_visible(False)
    return _settled(fig)


def _corrected_cells(prevalence: pd.DataFrame | None, docs: list[str], ids: list[str]) -> list[list[str]] | None:
    """Per article and theme: "≈ 46 % [41–52]" from a prevalence table (one coder), or None without one."""
    if prevalence is None:
        return None
    missing = [c for c in ["doc_id", "theme", "estimate", "lo", "hi"] if c not in prevalence.columns]
    if missing:
        raise ValueError(f"prevalence lacks column(s) {missing}")
    if "coder" in prevalence.columns and prevalence["coder"].nunique() > 1:
        raise ValueError("prevalence has several coders; pass the rows of one (prevalence[prevalence.coder == ...])")
    table = prevalence.set_index(["doc_id", "theme"])
    cells = []
    for doc in docs:
        row = []
        for theme in ids:
            if (doc, theme) not in table.index:
                raise ValueError(f"prevalence has no row for article {doc!r}, theme {theme!r}")
            est, lo, hi = (float(table.loc[(doc, theme), c]) for c in ("estimate", "lo", "hi"))
            row.append(f"≈{est * 100:.0f}% [{lo * 100:.0f}–{hi * 100:.0f}]")
        cells.append(row)
    return cells


def plot_theme_dispersion(
    coded: pd.DataFrame,
    themes: Sequence[Labelled],
    doc_labels: Mapping[str, str] | None = None,
) -> Figure:
    """Lexical-dispersion ("x-ray") plot: where in each article the themed sentences are.

    x is the position of the sentence in its article, (rank − ½)/n from 0 (start) to 1 (end),
    ranks by ``sentence_id``; one row per article, one lane of tick marks per theme.
    """
    ids = _check_themes(coded, themes, "coded")
    docs = _doc_order(coded["doc_id"].tolist(), doc_labels)
    k = len(ids)
    lane = 0.6 / max(k - 1, 1) if k > 1 else 0.0
    offsets = [(0.3 - lane * j) if k > 1 else 0.0 for j in range(k)]  # first theme on top
    colors = theme_colors(themes)
    with house_style():
        fig = _new_figure(7.5, 0.75 * len(docs) + 2.2)
        ax = fig.add_subplot()
        labels = []
        for row, doc in enumerate(docs):
            part = coded[coded["doc_id"] == doc]
            order_col = "sentence_id" if "sentence_id" in part.columns else None
            part = part.sort_values(order_col, kind="stable") if order_col else part
            n = len(part)
            position = (np.arange(1, n + 1) - 0.5) / max(n, 1)
            y = len(docs) - 1 - row  # first article on top
            ax.axhspan(y - 0.42, y + 0.42, color="#F2F2F2", zorder=0, linewidth=0)
            for j, theme_id in enumerate(ids):
                mask = part[theme_id].to_numpy(dtype=int) == 1
                ax.plot(
                    position[mask],
                    np.full(mask.sum(), y + offsets[j]),
                    linestyle="none",
                    marker="|",
                    markersize=9,
                    markeredgewidth=1.8,
                    color=colors[j],
                    zorder=2,
                )
            labels.append((y, f"{_doc_label(doc, doc_labels, 22 if doc_labels else 24, among=docs)}\n(n = {n})"))
        ax.set_yticks([y for y, _ in labels], [text for _, text in labels])
        ax.set_ylim(-0.6, len(docs) - 0.4)
        ax.set_xlim(0, 1)
        ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0, decimals=0))
        ax.tick_params(axis="y", length=0)
        ax.spines["left"].set_visible(False)
        ax.set_xlabel(
            bilingual(
                "موضع الجملة في المقال، من البداية إلى النهاية",
                "Position of the sentence in the article, from start to end",
            )
        )
        ax.set_title(bilingual("أين تظهر الموضوعات في كل مقال", "Where each theme appears in each article"))
        handles = [
            matplotlib.lines.Line2D(
                [], [], linestyle="none", marker="|", markersize=10, markeredgewidth=2, color=colors[j]
            )
            for j in range(k)
        ]
        fig.legend(handles, [_theme_label(t, width=40) for t in themes], loc="outside lower center", ncols=min(k, 4))
    return _settled(fig)


def plot_cooccurrence(coded: pd.DataFrame, themes: Sequence[Labelled]) -> Figure:
    """Theme × theme matrix of sentence counts: off-diagonal = both themes, diagonal = theme total."""
    ids = _check_themes(coded, themes, "coded")
    x = coded[ids].to_numpy(dtype=int)
    matrix = x.T @ x
    with house_style():
        fig = _new_figure(1.6 * len(ids) + 3.4, 1.0 * len(ids) + 2.2)
        ax = fig.add_subplot()
        image = _heatmap(ax, matrix.astype(float))
        texts = [[str(matrix[i, j]) for j in range(len(ids))] for i in range(len(ids))]
        _annotate_cells(ax, matrix.astype(float), texts, float(matrix.max()))
        labels = [_theme_label(t) for t in themes]
        ax.set_xticks(range(len(ids)), labels)
        ax.set_yticks(range(len(ids)), labels)
        ax.xaxis.tick_top()
        ax.set_title(
            bilingual(
                "الجمل التي تجمع موضوعين (القطر = مجموع الموضوع)",
                "Sentences carrying both themes (diagonal = theme total)",
            )
            + f"\nn = {len(coded)}"
        )
        bar = fig.colorbar(image, ax=ax, shrink=0.8)
        bar.set_label(bilingual("عدد الجمل", "Number of sentences"))
        bar.outline.set_visible(False)
    return _settled(fig)


_AGREEMENT = [
    ("both1", "كلاهما: موجود", "Both coded 1", OKABE_ITO["bluish_green"]),
    ("fp", "المرمِّز فقط (إيجابي كاذب)", "Coder only (false positive)", OKABE_ITO["orange"]),
    ("fn", "المرجع فقط (سلبي كاذب)", "Reference only (false negative)", OKABE_ITO["reddish_purple"]),
    ("both0", "كلاهما: غائب", "Both coded 0", "#D9D9D9"),
]


def plot_agreement(coded: pd.DataFrame, reference: pd.DataFrame, themes: Sequence[Labelled]) -> Figure:
    """Coder vs reference per theme: stacked bars of both-1, coder-only, reference-only, both-0.

    Both frames are keyed by ``doc_id, start, end``; every reference sentence must be in
    ``coded`` (the reference may be a sample). Counts are written on the bars; Cohen's κ and F1
    (theme present) at their right end — all from :func:`arabic_themes.reliability.agreement`.
    """
    from arabic_themes.reliability import agreement, align_sample

    ids = _check_themes(coded, themes, "coded")
    _check_themes(reference, themes, "reference")
    # one implementation of agreement: the figure draws the numbers of reliability.agreement
    scores = agreement(align_sample(coded, reference, ids, what="reference"), ids)
    counts = scores.rename(columns={"both": "both1", "coder_only": "fp", "reference_only": "fn", "neither": "both0"})
    n = int(counts["n"].iloc[0])
    with house_style():
        fig = _new_figure(8.0, 0.85 * len(ids) + 2.4)
        ax = fig.add_subplot()
        ys = np.arange(len(ids))[::-1]
        for y, (_, row) in zip(ys, counts.iterrows(), strict=True):
            left = 0
            for key, _, _, color in _AGREEMENT:
                width = int(row[key])
                if width:
                    ax.barh(y, width, left=left, color=color, height=0.5, edgecolor="white", linewidth=0.8)
                    # narrow segments get their count just above the bar, not inside it
                    inside = width >= 0.045 * n
                    ax.text(
                        left + width / 2,
                        y if inside else y + 0.27,
                        str(width),
                        ha="center",
                        va="center" if inside else "bottom",
                        fontsize=8 if inside else 7,
                        color="#111111",
                    )
                left += width
            ax.text(n * 1.02, y, f"κ = {row['kappa']:.2f}\nF1 = {row['f1']:.2f}", ha="left", va="center", fontsize=8)
        ax.set_yticks(ys, [_theme_label(t, width=30) for t in themes])
        ax.set_xlim(0, n * 1.16)
        ax.set_xticks(
            [t for t in matplotlib.ticker.MaxNLocator(nbins=8, integer=True).tick_values(0, n) if 0 <= t <= n]
        )
        ax.spines["bottom"].set_bounds(0, n)
        ax.set_ylim(-0.5, len(ids) - 0.35)
        ax.tick_params(axis="y", length=0)
        ax.spines["left"].set_visible(False)
        ax.set_xlabel(bilingual("عدد الجمل", "Number of sentences") + f" (n = {n})")
        ax.set_title(bilingual("الترميز الآلي مقارنة بالمرجع", "Automatic coding against the reference"))
        handles = [matplotlib.patches.Patch(color=color) for _, _, _, color in _AGREEMENT]
        labels = [bilingual(ar, en) for _, ar, en, _ in _AGREEMENT]
        fig.legend(handles, labels, loc="outside lower center", ncols=4)
    return _settled(fig)


_SET_MARKERS = ["o", "s", "D", "^", "v", "P", "X"]
_SET_LINES: list[LineStyleType] = ["-", "--", ":", "-.", (0, (5, 1)), (0, (1, 1)), (0, (3, 1, 1, 1))]


def plot_agreement_by_version(
    history: pd.DataFrame,
    themes: Sequence[Labelled],
    *,
    metric: str = "f1",
    bar: float | None = 0.85,
) -> Figure:
    """Agreement of each codebook version with each set of hand-coded sentences: fitted vs unseen.

    ``history`` has one row per codebook version, sentence set and theme (columns ``codebook``,
    ``sentences``, ``theme`` and ``metric``, e.g. the rows of :func:`arabic_themes.agreement`
    with the first two added), plus an optional boolean ``fitted``: the version was revised after
    looking at these sentences. One panel per theme; versions on the x-axis in the order they
    first appear; one line per sentence set. With ``fitted``, filled markers are fitted scores and
    open markers scores on sentences the version had never seen — the honest estimate; without
    it, all markers are filled and the legend says nothing about fitting. ``bar`` draws the
    target as a dashed line. With ``<metric>_lo`` and ``<metric>_hi`` columns each score gets its
    interval as a vertical line, and the sets are set a little apart so the intervals do not hide
    one another.
    """
    required = {"codebook", "sentences", "theme", metric}
    missing = sorted(required - set(history.columns))
    if missing:
        raise ValueError(f"history lacks column(s) {missing}")
    ids = [t.id for t in themes]
    if not ids:
        raise ValueError("no themes given")
    absent = [i for i in ids if i not in set(history["theme"])]
    if absent:
        raise ValueError(f"history has no rows for theme(s) {absent}")
    history = history.reset_index(drop=True)  # rows are matched to their "fitted" flag by position
    versions = list(dict.fromkeys(history["codebook"]))
    sets = list(dict.fromkeys(history["sentences"]))
    if len(sets) > len(_SET_MARKERS):
        raise ValueError(f"at most {len(_SET_MARKERS)} sentence sets can be told apart, got {len(sets)}")
    known = "fitted" in history.columns
    fitted = history["fitted"].astype(bool) if known else pd.Series(True, index=history.index)
    spread = {f"{metric}_lo", f"{metric}_hi"} <= set(history.columns)
    with house_style():
        fig = _new_figure(2.9 * len(ids) + 0.6, 5.6)
        axes = fig.subplots(1, len(ids), sharey=True, squeeze=False)[0]
        for ax, theme, color in zip(axes, themes, theme_colors(themes), strict=True):
            rows = history[history["theme"] == theme.id]
            for j, name in enumerate(sets):
                part = rows[rows["sentences"] == name]
                shift = (j - (len(sets) - 1) / 2) * 0.14 if spread else 0.0
                x = [versions.index(v) + shift for v in part["codebook"]]
                y = part[metric].to_numpy(dtype=float)
                if spread:
                    low, high = part[f"{metric}_lo"].to_numpy(dtype=float), part[f"{metric}_hi"].to_numpy(dtype=float)
                    ax.vlines(x, low, high, color=color, linewidth=0.9, alpha=0.7, zorder=2)
                ax.plot(x, y, color=color, linestyle=_SET_LINES[j], linewidth=1.1, zorder=2)
                for xi, yi, seen in zip(x, y, fitted[part.index], strict=True):
                    ax.plot(
                        xi,
                        yi,
                        marker=_SET_MARKERS[j],
                        markersize=5.5,
                        color=color,
                        zorder=3,
                        markerfacecolor=color if seen else "white",
                        markeredgecolor=color,
                        markeredgewidth=1.1,
                    )
            if bar is not None:
                ax.axhline(bar, color="#888888", linestyle=(0, (4, 3)), linewidth=0.8, zorder=1)
            ax.set_xticks(range(len(versions)), [str(v).replace(" ", "\n") for v in versions])  # "v7\n(current)"
            ax.set_xlim(-0.3, len(versions) - 0.7)
            ax.set_ylim(0, 1.04)
            ax.set_title(_theme_label(theme, width=30), fontsize=9)
            ax.grid(axis="y", color="#eeeeee", linewidth=0.6)
            ax.set_axisbelow(True)
        axes[0].set_ylabel(metric.upper() if len(metric) <= 3 else metric)
        axes[len(axes) // 2].set_xlabel(bilingual("نسخة دليل الترميز", "Codebook version"))
        handles = [
            matplotlib.lines.Line2D(
                [],
                [],
                color=_NEUTRAL,
                linestyle=_SET_LINES[j],
                marker=_SET_MARKERS[j],
                markersize=5,
                markeredgecolor=_NEUTRAL,
            )
            for j in range(len(sets))
        ]
        labels = [str(s) for s in sets]
        if known:
            handles += [
                matplotlib.lines.Line2D(
                    [], [], linestyle="", marker="o", color=_NEUTRAL, markeredgecolor=_NEUTRAL, markersize=5
                ),
                matplotlib.lines.Line2D(
                    [],
                    [],
                    linestyle="",
                    marker="o",
                    color=_NEUTRAL,
                    markerfacecolor="white",
                    markeredgecolor=_NEUTRAL,
                    markersize=5,
                ),
            ]
            labels += [
                bilingual("جمل عُدِّل الدليل بعد الاطلاع عليها", "fitted: revised after seeing them"),
                bilingual("جمل لم يرها الدليل", "unseen by this version"),
            ]
        if bar is not None:
            handles.append(matplotlib.lines.Line2D([], [], color="#888888", linestyle=(0, (4, 3)), linewidth=0.8))
            labels.append(bilingual("الحد المطلوب", "target") + f" ({bar:g})")
        fig.legend(handles, labels, loc="outside lower center", ncols=min(len(labels), 4))
        fig.suptitle(
            bilingual(
                "اتفاق كل نسخة من دليل الترميز مع الترميز المستقل", "Each codebook version against independent coding"
            )
        )
    return _settled(fig)
