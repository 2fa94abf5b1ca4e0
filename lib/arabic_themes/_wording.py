"""The wording the readings share: numbers, plurals, lists of articles, Arabic isolated inside English,
and the helpers that keep a table or figure readable on a corpus of any size."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

import numpy as np
import pandas as pd

__all__ = ["MAX_FIGURE_DOCS", "Labelled", "largest_docs", "percent", "short_list", "shown_note"]


class Labelled(Protocol):
    """What a reading needs of a theme or an actor: its id and English label (``Theme``, ``Actor`` fit)."""

    @property
    def id(self) -> str: ...

    @property
    def label_en(self) -> str: ...


#: How many articles a per-article figure shows at most; how many names a sentence lists at most.
MAX_FIGURE_DOCS = 15
_MAX_LISTED = 5


# --- wording ---------------------------------------------------------------------------------------


def percent(k: float, n: float) -> str:
    """``k`` of ``n`` as a rounded percentage written the project's way ("45 %"); "–" when ``n`` is 0."""
    return f"{round(100 * k / n)} %" if n else "–"


def _n(k: int) -> str:
    return f"{k:,}"


def _plural(k: int, one: str, many: str | None = None) -> str:
    return f"{_n(k)} {one if k == 1 else (many or one + 's')}"


def _be(k: int) -> str:
    return "is" if k == 1 else "are"


def _doc(doc_id: str) -> str:
    return f"`{doc_id}`"


def _ar(word: object) -> str:
    """Arabic inside an English sentence, isolated (FSI … PDI) so that the punctuation around it keeps
    its place: without it, "word ×2, word ×3" would be reordered right to left."""
    return f"\u2068{word}\u2069"


def _theme(theme: Labelled) -> str:
    return f"*{theme.label_en}*"


def _join(items: Sequence[str], word: str = "and") -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {word} " + items[-1]


def _docs(doc_ids: Sequence[str], limit: int = _MAX_LISTED) -> str:
    """Some articles by name: all of them up to ``limit``, else the first ones and how many more."""
    doc_ids = list(doc_ids)
    if len(doc_ids) <= limit:
        return _join([_doc(d) for d in doc_ids])
    return ", ".join(_doc(d) for d in doc_ids[:limit]) + f" and {_n(len(doc_ids) - limit)} more"


def _per_doc(coded: pd.DataFrame, ids: Sequence[str]) -> tuple[list[str], np.ndarray, np.ndarray]:
    order = list(dict.fromkeys(coded["doc_id"]))
    grouped = coded.groupby("doc_id", sort=False)
    units = grouped.size().reindex(order).to_numpy(dtype=int)
    hits = grouped[list(ids)].sum().reindex(order).to_numpy(dtype=int)
    return order, units, hits


# --- keeping tables and figures readable at any size -----------------------------------------------


def largest_docs(frame: pd.DataFrame, n: int = MAX_FIGURE_DOCS) -> list[str]:
    """The ``n`` articles of ``frame`` with the most rows (units), in their order of appearance."""
    sizes = frame.groupby("doc_id", sort=False).size()
    if len(sizes) <= n:
        return list(sizes.index)
    keep = set(sizes.sort_values(ascending=False, kind="stable").head(n).index)
    return [d for d in sizes.index if d in keep]


def short_list(items: Iterable[object], limit: int = _MAX_LISTED) -> str:
    """Items joined by commas, the first ``limit`` of them and how many more: a table cell that stays short."""
    texts = [str(i) for i in items]
    more = f" … (+{_n(len(texts) - limit)})" if len(texts) > limit else ""
    return ", ".join(texts[:limit]) + more


def shown_note(shown: int, total: int, what: str = "articles", where: str = "") -> str:
    """ "Showing 30 of 5,000 articles …" when a table or figure leaves some out; "" when it shows all."""
    if shown >= total:
        return ""
    text = f"*Showing {_n(shown)} of {_n(total)} {what}"
    return text + (f"; all of them are in `{where}`.*" if where else ".*")
