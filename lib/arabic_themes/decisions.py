"""Deciding themes from term hits: indicators, the learned model and ``drop_when`` rules, and the evidence.

Both coders (:func:`~arabic_themes.coding.code_sentences` and its naive twin) find the hits of every term in every
sentence their own way and then call :func:`_decide`, the one place where an indicator's groups, veto and ``context``
(met in the sentence or in the unit just before it), a codebook's learned model and the ``drop_when`` rules are
decided, for all sentences at once with boolean arrays; the evidence of what fired is turned into one string per
sentence by Arrow (:func:`_evidence_strings`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from arabic_themes.codebook import Codebook

#: Evidence of the learned model: the words of a unit that raised the probability most, at most this many.
LEARNED_EVIDENCE_WORDS = 3

#: The learned model's decisions (sentences × codebook themes) and a function giving, for a theme and a mask of
#: sentences, the evidence (sentence, raw start, raw end) of those sentences.
_Learned = tuple[np.ndarray, Callable[[int, np.ndarray], tuple[np.ndarray, np.ndarray, np.ndarray]]]


def _learned_decisions(
    codebook: Codebook,
    weights: np.ndarray,
    sent_of_word: np.ndarray,
    raw_spans: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]],
    n_sent: int,
) -> _Learned:
    """Where the codebook's learned model codes each theme, and its evidence: in each sentence asked for, the (up
    to :data:`LEARNED_EVIDENCE_WORDS`) words with the largest positive weight, first in the text on ties.

    ``weights`` holds, per word of the text inside a sentence, its summed feature weights (words × model themes);
    ``sent_of_word`` its sentence; ``raw_spans(k)`` the raw offsets of the words at positions ``k``.
    """
    model = codebook.learned
    assert model is not None
    fired = np.zeros((n_sent, len(codebook.themes)), dtype=bool)
    column = {}
    for k, theme in enumerate(model.themes):
        j = codebook.theme_ids.index(theme)
        column[j] = k
        logit = model.intercepts[k] + np.bincount(sent_of_word, weights=weights[:, k], minlength=n_sent)
        fired[:, j] = 1.0 / (1.0 + np.exp(-logit)) > model.thresholds[k]

    def evidence(j: int, rows_wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        w = weights[:, column[j]]
        sel = np.flatnonzero(rows_wanted[sent_of_word] & (w > 0))  # words in text order
        rows = sent_of_word[sel]
        order = np.lexsort((sel, -w[sel], rows))  # by sentence, then largest weight, then text order
        sel, rows = sel[order], rows[order]
        first = np.concatenate(([True], rows[1:] != rows[:-1])) if len(rows) else np.zeros(0, dtype=bool)
        rank = np.arange(len(rows)) - np.maximum.accumulate(np.where(first, np.arange(len(rows)), 0))
        keep = rank < LEARNED_EVIDENCE_WORDS
        starts, ends = raw_spans(sel[keep])
        return rows[keep], starts, ends

    return fired, evidence


def _previous_units(sentences: pd.DataFrame) -> np.ndarray:
    """For each row, the position of the unit just before it in the same article (the row of the
    same ``doc_id`` with the next smaller ``start``), or -1 for an article's first unit."""
    n = len(sentences)
    previous = np.full(n, -1, dtype=np.int64)
    if n < 2:
        return previous
    doc = pd.factorize(sentences["doc_id"], sort=False)[0]
    order = np.lexsort((sentences["start"].to_numpy(dtype=np.int64), doc))
    same = doc[order][1:] == doc[order][:-1]
    previous[order[1:][same]] = order[:-1][same]
    return previous


def _decide(
    codebook: Codebook,
    terms: list[str],
    t_ids: np.ndarray,
    sent_of_hit: np.ndarray,
    raw_a: np.ndarray,
    raw_b: np.ndarray,
    n_sent: int,
    previous: np.ndarray,
    learned: _Learned | None = None,
) -> tuple[np.ndarray, Any]:
    """Theme flags (``n_sent`` × themes, 0/1) and evidence strings from the term hits of all sentences.

    The one place where indicators (``any``/``all``/``not``/``context``) and ``drop_when`` rules
    are decided; both coders call it. A hit is term ``terms[t_ids[k]]`` in sentence
    ``sent_of_hit[k]`` at raw offsets ``raw_a[k]:raw_b[k]``; ``previous[i]`` is the sentence just
    before sentence ``i`` in its article (-1: none), where a ``context`` group may be met. ``learned``
    (from :func:`_learned_decisions`) adds the learned model's decisions as one more indicator of each
    theme, ``learned``, after the codebook's own, where it adds the theme.
    """
    term_index = {t: i for i, t in enumerate(terms)}
    # every set of terms the rules ask about (an indicator's group, its veto, a drop rule's terms) is a
    # row of one "some term of the set occurs in the sentence" matrix, filled by one scatter of the hits
    sets: dict[tuple[str, ...], int] = {}

    def set_of(group: tuple[str, ...]) -> int:
        return sets.setdefault(tuple(sorted(group)), len(sets))

    for theme in codebook.themes:
        for ind in theme.indicators:
            for group in (*ind.groups, *((t,) for t in ind.exclude), *((ind.context,) if ind.context else ())):
                set_of(group)
        for rule in theme.drop_when:
            for group in (rule.terms, rule.unless):
                if group:
                    set_of(group)
    term_set = np.asarray(sorted((term_index[t], k) for group, k in sets.items() for t in set(group)), dtype=np.int64)
    term_set = term_set.reshape(-1, 2)
    bounds = np.searchsorted(term_set[:, 0], np.arange(len(terms) + 1))
    counts = np.diff(bounds)[t_ids]
    within = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    present = np.zeros((len(sets), n_sent), dtype=bool)
    present[term_set[np.repeat(bounds[t_ids], counts) + within, 1], np.repeat(sent_of_hit, counts)] = True

    def occurs(group: tuple[str, ...]) -> np.ndarray:
        return present[sets[tuple(sorted(group))]]

    flags = np.zeros((n_sent, len(codebook.themes)), dtype=np.int8)
    labels: list[str] = []  # "theme/indicator", in codebook order (the rank used to sort evidence)
    rank_theme: list[int] = []  # theme index of each rank
    fired_by_rank: list[np.ndarray] = []
    term_rank: list[tuple[int, int]] = []  # (term, rank): the term's hits are evidence of the indicator
    extra: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []  # the learned model's evidence
    for j, theme in enumerate(codebook.themes):
        for ind in theme.indicators:
            rank = len(labels)
            labels.append(f"{theme.id}/{ind.id}")
            rank_theme.append(j)
            fired = np.logical_and.reduce([occurs(group) for group in ind.groups])
            for t in ind.exclude:
                fired &= ~occurs((t,))
            if ind.context:  # met in the sentence or in the unit just before it
                here = occurs(ind.context)
                fired &= here | (here[previous] & (previous >= 0))
            flags[fired, j] = 1
            fired_by_rank.append(fired)
            term_rank.extend(sorted({(term_index[t], rank) for group in (*ind.groups, ind.context) for t in group}))
        if learned is not None:
            added = learned[0][:, j] & (flags[:, j] == 0)  # the model's evidence only where it adds the theme
            if added.any():
                rank = len(labels)
                labels.append(f"{theme.id}/learned")
                rank_theme.append(j)
                flags[added, j] = 1
                fired_by_rank.append(added)
                rows, starts, ends = learned[1](j, added)
                extra.append((rows, np.full(rows.size, rank, dtype=np.int64), starts, ends))
    # drop_when rules: decided on the coding before any theme is dropped; evidence goes with it
    index = {t.id: j for j, t in enumerate(codebook.themes)}
    before = flags.copy()
    nothing = np.zeros(n_sent, dtype=bool)
    for j, theme in enumerate(codebook.themes):
        for rule in theme.drop_when:
            cause = before[:, index[rule.theme]] == 1 if rule.theme else occurs(rule.terms)
            unless = occurs(rule.unless) if rule.unless else nothing
            flags[(before[:, j] == 1) & cause & ~unless, j] = 0
    # evidence: each hit under each indicator of its term that fired in its sentence (and was not dropped)
    pairs = np.asarray(sorted(term_rank), dtype=np.int64).reshape(-1, 2)  # by term, then rank
    pair_bounds = np.searchsorted(pairs[:, 0], np.arange(len(terms) + 1))
    counts = np.diff(pair_bounds)[t_ids]
    hit = np.repeat(np.arange(t_ids.size), counts)
    ranks = pairs[np.repeat(pair_bounds[t_ids] - (np.cumsum(counts) - counts), counts) + np.arange(hit.size), 1]
    rows = sent_of_hit[hit]
    fired_matrix = np.stack(fired_by_rank, axis=1) if fired_by_rank else np.zeros((n_sent, 0), dtype=bool)
    theme_of_rank = np.asarray(rank_theme, dtype=np.int64)
    keep = fired_matrix[rows, ranks] & (flags[rows, theme_of_rank[ranks]] == 1)
    parts = [(rows[keep], ranks[keep], raw_a[hit[keep]], raw_b[hit[keep]])]
    for rows_, ranks_, starts_, ends_ in extra:  # the learned model's words, unless its theme was dropped
        kept = flags[rows_, theme_of_rank[ranks_]] == 1
        parts.append((rows_[kept], ranks_[kept], starts_[kept], ends_[kept]))
    row, rank_, start, end = (np.concatenate([p[k] for p in parts]).astype(np.int64) for k in range(4))
    return flags, _evidence_strings(n_sent, labels, row, rank_, start, end)


def _evidence_strings(
    n_sent: int, labels: list[str], row: np.ndarray, rank: np.ndarray, start: np.ndarray, end: np.ndarray
) -> Any:
    """One evidence string per sentence (an Arrow string array): entries ``label@start-end`` sorted by
    indicator (codebook order) and offset, duplicates (one term listed under two groups) dropped;
    sorted with NumPy and joined by Arrow, not entry by entry in Python."""
    import pyarrow as pa
    import pyarrow.compute as pc

    order = np.lexsort((end, start, rank, row))
    row, rank, start, end = row[order], rank[order], start[order], end[order]
    keep = np.ones(len(row), dtype=bool)
    keep[1:] = (np.diff(row) != 0) | (np.diff(rank) != 0) | (np.diff(start) != 0) | (np.diff(end) != 0)
    row, rank, start, end = row[keep], rank[keep], start[keep], end[keep]
    label = pa.array(labels, type=pa.large_string()).take(pa.array(rank))
    text = pa.large_string()
    at = pc.binary_join_element_wise(label, pc.cast(pa.array(start), text), pa.scalar("@", text))
    items = pc.binary_join_element_wise(at, pc.cast(pa.array(end), text), pa.scalar("-", text))
    offsets = pa.array(np.searchsorted(row, np.arange(n_sent + 1)).astype(np.int64))
    return pc.binary_join(pa.LargeListArray.from_arrays(offsets, items), pa.scalar("; ", text))
