"""Tables of a coding: its evidence as a tidy table, theme counts per article, and how often each indicator fired."""

from __future__ import annotations

import re
from collections.abc import Sequence

import pandas as pd

from arabic_themes.codebook import Codebook

__all__ = ["indicator_counts", "parse_evidence", "theme_table"]

_EVIDENCE = re.compile(r"^(?P<theme>[a-z0-9_]+)/(?P<indicator>[a-z0-9_]+)@(?P<start>\d+)-(?P<end>\d+)$")


def parse_evidence(coded: pd.DataFrame) -> pd.DataFrame:
    """Tidy evidence: one row per matched term with doc_id, sentence_id, theme, indicator, start, end.

    The ``evidence`` strings are for the CSV; inside the package and its tests, evidence is read
    through this table.
    """
    rows = []
    for doc_id, sentence_id, ev in zip(coded["doc_id"], coded["sentence_id"], coded["evidence"], strict=True):
        for item in filter(None, (ev or "").split("; ")):
            m = _EVIDENCE.match(item)
            if not m:
                raise ValueError(f"malformed evidence entry {item!r} in {doc_id} sentence {sentence_id}")
            rows.append((doc_id, sentence_id, m["theme"], m["indicator"], int(m["start"]), int(m["end"])))
    return pd.DataFrame(rows, columns=["doc_id", "sentence_id", "theme", "indicator", "start", "end"])


def theme_table(coded: pd.DataFrame, theme_ids: Sequence[str]) -> pd.DataFrame:
    """Per article (in order of appearance) and in total: units, and count and share per theme."""
    order = list(dict.fromkeys(coded["doc_id"]))
    grouped = coded.groupby("doc_id", sort=False)
    table = pd.DataFrame({"doc_id": order, "units": grouped.size().reindex(order).to_numpy()})
    for theme in theme_ids:
        table[theme] = grouped[theme].sum().reindex(order).to_numpy()
    total = {"doc_id": "total", "units": int(table["units"].sum()), **{t: int(table[t].sum()) for t in theme_ids}}
    table = pd.concat([table, pd.DataFrame([total])], ignore_index=True)
    for theme in theme_ids:
        table[f"{theme}_share"] = (table[theme] / table["units"]).round(3)
    return table


def indicator_counts(coded: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Per indicator (codebook order, zeros included): in how many units it fired, and in how many
    of those it was the only indicator of its theme — i.e. how much each theme rests on it. A codebook's
    learned model is listed after a theme's indicators as ``learned`` (it is named only where it adds
    the theme, so its units are all "only")."""
    fired = parse_evidence(coded).drop_duplicates(["doc_id", "sentence_id", "theme", "indicator"])
    per_unit = fired.groupby(["doc_id", "sentence_id", "theme"])["indicator"].transform("size")
    fired = fired.assign(alone=per_unit == 1)
    rows = []
    for theme in codebook.themes:
        ids = [ind.id for ind in theme.indicators]
        if codebook.learned is not None and theme.id in codebook.learned.themes:
            ids.append("learned")
        for ind_id in ids:
            sel = fired[(fired["theme"] == theme.id) & (fired["indicator"] == ind_id)]
            rows.append(
                {"theme": theme.id, "indicator": ind_id, "units": len(sel), "only_indicator": int(sel["alone"].sum())}
            )
    return pd.DataFrame(rows, columns=["theme", "indicator", "units", "only_indicator"])
