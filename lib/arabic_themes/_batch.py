"""Batches of articles, the one place where their size is set: large corpora are segmented and coded
a few megabytes at a time, so memory stays flat whatever the size of the corpus."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["BATCH_CHARS", "batches"]

#: Articles are segmented and coded in batches of about this many characters (the ``batch_chars``
#: default of :func:`~arabic_themes.segmentation.segment` and :func:`~arabic_themes.coding.code_sentences`).
BATCH_CHARS = 4_000_000


def batches(lengths: Sequence[int], limit: int = BATCH_CHARS) -> list[range]:
    """Consecutive ranges of indexes into ``lengths`` adding up to at most ``limit`` characters each
    (an article longer than ``limit`` is a batch of its own); ``[]`` for no articles."""
    if limit < 1:
        raise ValueError(f"batch_chars must be a positive number of characters, not {limit}")
    out: list[range] = []
    first, size = 0, 0
    for i, length in enumerate(lengths):
        if i > first and size + length > limit:
            out.append(range(first, i))
            first, size = i, 0
        size += length
    if len(lengths):
        out.append(range(first, len(lengths)))
    return out
