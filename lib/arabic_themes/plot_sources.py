"""Figures of the sources: who each article mentions, the timeline of events, distinctive words.

All drawn in the house style of :mod:`arabic_themes.plot_style`; each returns a settled
:class:`~matplotlib.figure.Figure`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from arabic_themes.plot_style import (
    _NEUTRAL,
    Labelled,
    _annotate_cells,
    _doc_label,
    _doc_order,
    _heatmap,
    _new_figure,
    _settled,
    arabic_label,
    bilingual,
    house_style,
)

__all__ = ["plot_actor_mentions", "plot_keyness", "plot_timeline"]


def plot_actor_mentions(
    mentions: pd.DataFrame,
    actors: Sequence[Labelled],
    doc_labels: Mapping[str, str] | None = None,
    *,
    drop_empty: bool = False,
) -> Figure:
    """Heatmap actor × article of mention counts, annotated; actors labelled bilingually.

    ``mentions`` is the output of :func:`arabic_themes.actors.find_mentions` (one row per
    mention) or of :func:`~arabic_themes.actors.count_mentions` (column ``count``). Actors keep
    the given order; ``drop_empty`` leaves out actors never mentioned. Columns are the articles
    of ``doc_labels`` (in its order, even with no mention) followed by any others in ``mentions``.
    """
    if "count" in mentions.columns:
        counts = mentions.groupby(["actor", "doc_id"], sort=False)["count"].sum()
    else:
        counts = mentions.groupby(["actor", "doc_id"], sort=False).size()
    docs = _doc_order(mentions["doc_id"].tolist(), doc_labels)
    if doc_labels:
        docs = list(dict.fromkeys(list(doc_labels) + docs))
    table = counts.unstack("doc_id", fill_value=0).reindex(index=[a.id for a in actors], columns=docs).fillna(0)
    rows = list(actors)
    if drop_empty:
        keep = table.sum(axis=1).to_numpy() > 0
        table, rows = table[keep], [a for a, k in zip(rows, keep, strict=True) if k]
    values = table.to_numpy(dtype=float)
    with house_style():
        fig = _new_figure(1.25 * len(docs) + 3.6, 0.42 * len(rows) + 2.4)
        ax = fig.add_subplot()
        image = _heatmap(ax, values)
        texts = [[str(int(v)) if v else "·" for v in row] for row in values]
        _annotate_cells(ax, values, texts, float(np.nanmax(values, initial=0.0)))
        ax.set_yticks(range(len(rows)), [f"{arabic_label(a.label_ar)}\n{a.label_en}" for a in rows], fontsize=7.5)
        ax.set_xticks(
            range(len(docs)), [_doc_label(d, doc_labels, width=14 if doc_labels else 16, among=docs) for d in docs]
        )
        ax.xaxis.tick_top()
        ax.set_title(bilingual("عدد مرات ذكر كل فاعل في كل مقال", "Mentions of each actor per article"))
        bar = fig.colorbar(image, ax=ax, shrink=0.5, aspect=30)
        bar.set_label(bilingual("عدد الإشارات", "Number of mentions"))
        bar.outline.set_visible(False)
    return _settled(fig)


def _date_text(date: str, precision: str = "") -> str:
    """ISO-like date of the timeline (YYYY, YYYY-MM or YYYY-MM-DD) written for a label.

    ``precision="era"`` marks a date the text gives only as a period ("over the centuries", "in the
    twentieth century"): the year only orders the row, and the label shows the century.
    """
    if precision == "era":
        return f"{int(date[:4]) // 100 + 1}th c."
    parts = date.split("-")
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    if len(parts) == 3:
        return f"{int(parts[2])} {months[int(parts[1]) - 1]} {parts[0]}"
    if len(parts) == 2:
        return f"{months[int(parts[1]) - 1]} {parts[0]}"
    return parts[0]


def plot_timeline(
    events: pd.DataFrame,
    doc_ids: Sequence[str],
    doc_labels: Mapping[str, str] | None = None,
) -> Figure:
    """Chronology of the events the articles refer to, and which article mentions each.

    ``events`` has one row per event and article (``event_id, date, label_en, label_ar, doc_id``;
    ``date`` is ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; an optional ``precision`` of ``era`` shows
    the century instead of the year). Rows of the figure are the events in
    date order (oldest at the top; one row per distinct date of an event, so two articles that
    date an event differently show as two rows); columns are the articles; a dot marks a mention.
    Time is not to scale (the events span two centuries): each row is labelled with its date.
    """
    required = {"event_id", "date", "label_en", "label_ar", "doc_id"}
    missing = sorted(required - set(events.columns))
    if missing:
        raise ValueError(f"events lack column(s) {missing}")
    keys = events[["date", "event_id"]].drop_duplicates().sort_values(["date", "event_id"], kind="stable")
    rows = list(zip(keys["date"], keys["event_id"], strict=True))
    labels = events.drop_duplicates(["date", "event_id"]).set_index(["date", "event_id"])
    docs = list(doc_ids)
    present = {(d, e, doc) for d, e, doc in zip(events["date"], events["event_id"], events["doc_id"], strict=True)}
    with house_style():
        fig = _new_figure(0.95 * len(docs) + 4.8, 0.5 * len(rows) + 2.2)
        ax = fig.add_subplot()
        for i, (date, event) in enumerate(rows):
            ax.axhline(i, color="#dddddd", linewidth=0.8, zorder=0)
            for j, doc in enumerate(docs):
                if (date, event, doc) in present:
                    ax.scatter(j, i, s=70, color=_NEUTRAL, zorder=2)
        ax.set_ylim(len(rows) - 0.5, -0.5)
        ax.set_xlim(-0.6, len(docs) - 0.4)
        ticks = []
        for date, event in rows:
            label = labels.loc[(date, event)]
            precision = str(label["precision"]) if "precision" in label.index else ""
            ticks.append(f"{_date_text(date, precision)} · {label['label_en']}\n{arabic_label(label['label_ar'])}")
        ax.set_yticks(range(len(rows)), ticks, fontsize=7.5)
        ax.set_xticks(
            range(len(docs)), [_doc_label(d, doc_labels, width=14 if doc_labels else 16, among=docs) for d in docs]
        )
        ax.xaxis.tick_top()
        ax.tick_params(length=0)
        for spine in ax.spines.values():
            spine.set_visible(False)
        ax.set_title(
            bilingual(
                "الأحداث التي تذكرها المقالات، بالترتيب الزمني",
                "Events the articles refer to, in date order (not to scale)",
            )
        )
    return _settled(fig)


def plot_keyness(
    top: pd.DataFrame,
    doc_labels: Mapping[str, str] | None = None,
    *,
    label: str = "as_written",
) -> Figure:
    """Distinctive words per article: one panel per article, bars of the weighted log-odds z.

    ``top`` is :func:`arabic_themes.keyness.top_terms` output (``doc_id``, ``z``, ``count`` and
    the word column ``label``). Bars are sorted with the most distinctive word at the top; the
    count in the article is written after each bar.
    """
    missing = sorted({"doc_id", "z", "count", label} - set(top.columns))
    if missing:
        raise ValueError(f"top terms lack column(s) {missing}")
    docs = _doc_order(top["doc_id"].tolist(), doc_labels)
    n = int(top.groupby("doc_id").size().max()) if len(top) else 1
    xmax = float(top["z"].max()) * 1.25 if len(top) else 1.0
    with house_style():
        cols = min(len(docs), 3) or 1
        grid_rows = -(-len(docs) // cols) or 1
        fig = _new_figure(3.3 * cols, 0.34 * n * grid_rows + 1.3 * grid_rows + 0.6)
        axes = fig.subplots(grid_rows, cols, squeeze=False)
        for k, ax in enumerate(axes.flat):
            if k >= len(docs):
                ax.set_visible(False)
                continue
            doc = docs[k]
            part = top[top["doc_id"] == doc].sort_values("z", ascending=True, kind="stable")
            y = np.arange(len(part))
            ax.barh(y, part["z"], color=_NEUTRAL, height=0.7)
            ax.set_yticks(y, [arabic_label(str(w)) for w in part[label]], fontsize=8.5)
            for yi, z, c in zip(y, part["z"], part["count"], strict=True):
                ax.text(z + xmax * 0.02, yi, f"×{int(c)}", va="center", fontsize=7, color="#444444")
            ax.set_xlim(0, xmax)
            ax.set_ylim(-0.6, n - 0.4)
            ax.set_title(_doc_label(doc, doc_labels, width=22 if doc_labels else 30, among=docs), fontsize=9)
            ax.spines[["top", "right"]].set_visible(False)
            ax.tick_params(axis="y", length=0)
            ax.set_xlabel("z", fontsize=8)
        fig.suptitle(
            bilingual(
                "الكلمات التي تميّز كل مقال عن بقية المدوّنة", "Words that set each article apart (weighted log-odds, z)"
            )
        )
    return _settled(fig)
