"""Keyword in context (KWIC) over the corpus, matching on normalised text, showing raw text."""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

from arabic_themes.normalisation import GlueRepair, normalize
from arabic_themes.terms import compile_term

__all__ = ["kwic"]

RLI, PDI = "\u2067", "\u2069"  # right-to-left isolate, pop directional isolate


def kwic(
    corpus: pd.DataFrame,
    term: str,
    *,
    window: int = 5,
    repairs: Iterable[GlueRepair] | None = None,
    isolate: bool = False,
) -> pd.DataFrame:
    """Concordance of ``term`` (the codebook's term language, e.g. ``"دعم* عسكري*"``).

    One row per hit: ``doc_id, start, end`` (raw offsets), ``pre``, ``keyword``, ``post`` with
    ``window`` words of raw context. Strings are in logical (reading) order; with ``isolate`` each
    is wrapped in Unicode right-to-left isolates so that mixed Arabic/Latin/digits keep their order
    when shown inside left-to-right tables.
    """
    pattern = re.compile(compile_term(term))
    repairs = list(repairs or [])
    rows = []
    for doc_id, raw in zip(corpus["doc_id"], corpus["text"], strict=True):
        norm = normalize(raw, repairs)
        for m in pattern.finditer(norm.text):
            a, b = norm.raw_span(m.start(), m.end())
            pre_words = raw[max(0, a - 40 * window) : a].split()[-window:] if window else []
            post_words = raw[b : b + 40 * window].split()[:window] if window else []
            rows.append((doc_id, a, b, " ".join(pre_words), raw[a:b], " ".join(post_words)))
    frame = pd.DataFrame(rows, columns=["doc_id", "start", "end", "pre", "keyword", "post"])
    if isolate:
        for col in ("pre", "keyword", "post"):
            frame[col] = [f"{RLI}{s}{PDI}" if s else s for s in frame[col]]
    return frame
