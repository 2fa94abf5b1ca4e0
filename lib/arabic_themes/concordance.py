"""Keyword in context (KWIC) over the corpus, matching on normalised text, showing raw text.

A term means here what it means in the coder: it is matched with the coder's engine, inside one
sentence at a time (never across sentences), and hits are reported like ``re.finditer`` reports
them, leftmost first and not overlapping.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from arabic_themes.matcher import matcher_for
from arabic_themes.normalisation import GlueRepair, _normalize
from arabic_themes.segmentation import segment

__all__ = ["kwic"]

RLI, PDI = "\u2067", "\u2069"  # right-to-left isolate, pop directional isolate


def kwic(
    corpus: pd.DataFrame,
    term: str,
    *,
    window: int = 5,
    repairs: Iterable[GlueRepair] | None = None,
    isolate: bool = False,
    sentences: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Concordance of ``term`` (the codebook's term language, e.g. ``"دعم* عسكري*"``).

    One row per hit: ``doc_id, start, end`` (raw offsets), ``pre``, ``keyword``, ``post`` with
    ``window`` words of raw context. Strings are in logical (reading) order; with ``isolate`` each
    is wrapped in Unicode right-to-left isolates so that mixed Arabic/Latin/digits keep their order
    when shown inside left-to-right tables. Hits stay inside one unit of ``sentences`` (the table of
    :func:`~arabic_themes.segmentation.segment`; by default the corpus is segmented without run-in headings).
    """
    matcher = matcher_for((term,))  # a bad term is a TermError here
    if sentences is None:
        sentences = segment(corpus)
    units = {doc: group for doc, group in sentences.sort_values(["doc_id", "start"]).groupby("doc_id", sort=False)}
    repairs = list(repairs or [])
    rows = []
    for doc_id, raw in zip(corpus["doc_id"], corpus["text"], strict=True):
        if doc_id not in units:
            continue
        norm, codes = _normalize(raw, repairs)
        group = units[doc_id]
        starts = np.searchsorted(norm.offsets, group["start"].to_numpy(dtype=np.int64), side="left")
        ends = np.searchsorted(norm.offsets, group["end"].to_numpy(dtype=np.int64), side="left")
        _, hit_a, hit_b, _ = matcher.hits(norm.text, codes, starts, ends)
        order = np.lexsort((hit_b, hit_a))
        last_end = -1
        for na, nb in zip(hit_a[order].tolist(), hit_b[order].tolist(), strict=True):
            if na < last_end:  # overlaps the hit before: finditer would not report it
                continue
            last_end = nb
            a, b = norm.raw_span(na, nb)
            pre_words = raw[max(0, a - 40 * window) : a].split()[-window:] if window else []
            post_words = raw[b : b + 40 * window].split()[:window] if window else []
            rows.append((doc_id, a, b, " ".join(pre_words), raw[a:b], " ".join(post_words)))
    frame = pd.DataFrame(rows, columns=["doc_id", "start", "end", "pre", "keyword", "post"])
    if isolate:
        for col in ("pre", "keyword", "post"):
            frame[col] = [f"{RLI}{s}{PDI}" if s else s for s in frame[col]]
    return frame
