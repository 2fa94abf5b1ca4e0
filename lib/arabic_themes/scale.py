"""Code archives larger than one machine's memory with Dask (optional extra: ``pip install arabic-themes[dask]``).

The coding function is unchanged: :func:`code_dask` maps :func:`~arabic_themes.coding.code_sentences`
over the partitions of a ``dask.dataframe`` of sentences (the table written by notebook 01, or by
:func:`~arabic_themes.segmentation.segment` on any corpus). Each partition is coded from its sentences'
own texts, so no partition needs the whole articles::

    import dask.dataframe as dd
    sentences = dd.read_csv("archive/sentences-*.csv")
    coded = code_dask(sentences, load_codebook("data/codebook.yaml")).compute()

Sentences of one article may fall into different partitions: coding looks inside one sentence
at a time — and, for an indicator with a ``context`` group, at the unit just before it, which Dask
hands over from the previous partition (``map_overlap``) — so the result is the same as coding the
whole table with pandas (a test checks it).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from arabic_themes.coding import Codebook, code_sentences
from arabic_themes.normalisation import GlueRepair

__all__ = ["code_dask", "coded_meta"]


def coded_meta(sentences_meta: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """The empty frame describing :func:`code_sentences` output (Dask's ``meta``)."""
    meta = sentences_meta.iloc[:0].copy()
    for theme_id in codebook.theme_ids:
        meta[theme_id] = pd.Series(dtype="int64")
    meta["evidence"] = pd.Series(dtype=meta["text"].dtype if "text" in meta else "object")
    return meta


def _code_partition(part: pd.DataFrame, codebook: Codebook, repairs: list[GlueRepair]) -> pd.DataFrame:
    if part.empty:
        return coded_meta(part, codebook)
    return code_sentences(part, codebook, None, repairs)


def code_dask(sentences: Any, codebook: Codebook, repairs: Iterable[GlueRepair] | None = None) -> Any:
    """Lazily code a ``dask.dataframe.DataFrame`` of sentences: ``map_partitions`` over the coder.

    When an indicator may look back at the previous unit (``context``), each partition is coded
    with the last row of the partition before it (``map_overlap``); the rows of a partition must
    then be in article order, as :func:`~arabic_themes.segmentation.segment` writes them.
    """
    meta = coded_meta(sentences._meta, codebook)
    if any(ind.context for theme in codebook.themes for ind in theme.indicators):
        return sentences.map_overlap(_code_partition, 1, 0, codebook, list(repairs or []), meta=meta)
    return sentences.map_partitions(_code_partition, codebook, list(repairs or []), meta=meta)
