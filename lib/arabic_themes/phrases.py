"""Hits of the terms of several words, every such term of a codebook at once, each found from its rarest word.

A term ``w0 J1 w1 J2 w2 ...`` (joins: a space, a hyphen, or a ``..`` gap of 0-3 other words) matches at a
start token where ``w0`` is, with the end its regular expression would reach (:mod:`arabic_themes.terms`).
Extending every occurrence of ``w0`` word by word costs as many rows as ``w0`` has occurrences, and first
words are often common (في, على, من ...). So in each batch every term is *anchored* at the word of it that
occurs least often there; rows start at that word's occurrences and grow to the left, then to the right,
one word per step, all terms in the same array operations:

* a row is (term, start token, end token, key); it lives on where the token beyond the join is a form of
  the next word (a binary search of ``type × words + word`` among the (type, word) pairs of the batch),
  in the same unit, and for a space or a hyphen with only that between the two tokens;
* at a gap the row branches into the 0-3 words it may skip; ``key`` adds ``skipped × 4^(gaps after it)``,
  so keys rank complete matches as a lazy regular expression tries them (fewest words at the first gap,
  then at the second, ...); rows reaching the same (start, end) keep the smallest key (what is added
  later does not depend on how they got there), and each start keeps the end of its smallest key.

The result is the same as extending from the first word (property tests compare the coder with plain
regular expressions), whatever word is the anchor.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from arabic_themes._arrays import isin_sorted, order_rows, ranges
from arabic_themes.terms import _GAP_MAX_WORDS, _Term, _Word
from arabic_themes.tokens import _Layout

__all__ = ["Phrases"]

_SPACE, _HYPHEN, _GAP = 0, 1, 2
_JOINS = {"space": _SPACE, "hyphen": _HYPHEN, "gap": _GAP}


class Phrases:
    """The terms of several words of a set of terms, as arrays (one row per term, one column per word)."""

    def __init__(self, terms: Sequence[_Term], word_ids: dict[_Word, int], word_atoms: Sequence[tuple[int, ...]]):
        self.n_atoms = max((a for atoms in word_atoms for a in atoms), default=-1) + 1
        words: dict[int, int] = {}  # word id -> its number among the words of these terms
        self.n_terms = len(terms)
        width = max((len(t.words) for t in terms), default=1)
        self.length = np.asarray([len(t.words) for t in terms], dtype=np.int64)
        self.words = np.full((len(terms), width), -1, dtype=np.int64)
        self.joins = np.full((len(terms), width), -1, dtype=np.int64)  # joins[m, i]: between words i - 1 and i
        self.weights = np.zeros((len(terms), width), dtype=np.int64)  # a skipped word's weight in the key
        for m, term in enumerate(terms):
            for i, word in enumerate(term.words):
                self.words[m, i] = words.setdefault(word_ids[word], len(words))
            gaps_after = term.joins.count("gap")
            for i, join in enumerate(term.joins, start=1):
                self.joins[m, i] = _JOINS[join]
                if join == "gap":
                    gaps_after -= 1
                    self.weights[m, i] = (_GAP_MAX_WORDS + 1) ** gaps_after
        self.n_words = max(len(words), 1)
        # the atoms of each word, and the words of each atom (a word is a set of atoms: matcher.Matcher)
        pairs = sorted((w, a) for wid, w in words.items() for a in word_atoms[wid])
        self.pair_word = np.asarray([w for w, _ in pairs], dtype=np.int64)
        self.pair_atom = np.asarray([a for _, a in pairs], dtype=np.int64)
        self.word_bounds = np.searchsorted(self.pair_word, np.arange(self.n_words + 1))
        by_atom = np.argsort(self.pair_atom, kind="stable")
        self.atom_words = self.pair_word[by_atom]
        self.atom_bounds = np.searchsorted(self.pair_atom[by_atom], np.arange(self.n_atoms + 1))
        # the most tokens a term spans beyond its first, and the number of keys (gap choices) it can have
        spans = [sum(1 + _GAP_MAX_WORDS * (j == "gap") for j in t.joins) for t in terms]
        self.max_span = max(spans, default=0)
        self.n_keys = (_GAP_MAX_WORDS + 1) ** max((t.joins.count("gap") for t in terms), default=0)

    def hits(
        self,
        tok: np.ndarray,
        atom: np.ndarray,
        types: np.ndarray,
        type_atoms: tuple[np.ndarray, np.ndarray],
        tok_unit: np.ndarray,
        layout: _Layout,
        anchor: np.ndarray | None = None,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(term, start token, end token) of every hit: one per start, the end a lazy regular expression gives.

        ``tok``, ``atom``: every (token, atom) of the tokens inside a unit that are a form of some atom;
        ``types``: the type of each token; ``type_atoms``: CSR arrays (``flat``, ``bounds``) of the atoms of
        each type; ``tok_unit``: the unit of each token (-1 outside every unit); ``anchor``: the word each term
        is found from (by default the one with the fewest occurrences; the hits do not depend on it).
        """
        empty = np.empty(0, dtype=np.int64)
        if self.n_terms == 0 or tok.size == 0:
            return empty, empty, empty
        n = types.size
        flat, bounds = type_atoms
        per_type = np.diff(bounds)
        # the anchor of each term: its word with the fewest occurrences in this batch
        atom_count = np.bincount(atom, minlength=self.n_atoms)
        word_count = np.bincount(self.pair_word, weights=atom_count[self.pair_atom], minlength=self.n_words)
        count = np.where(self.words >= 0, word_count[self.words], np.inf)
        anchor = np.argmin(count, axis=1) if anchor is None else np.minimum(anchor, self.length - 1)
        # one row per occurrence of a term's anchor word: the (atom, term) pairs of the anchors, by atom
        anchor_word = self.words[np.arange(self.n_terms), anchor]
        size = self.word_bounds[anchor_word + 1] - self.word_bounds[anchor_word]
        entry_atom = self.pair_atom[ranges(self.word_bounds[anchor_word], size)]
        entry_term = np.repeat(np.arange(self.n_terms), size)
        by_atom = np.argsort(entry_atom, kind="stable")
        entry_bounds = np.searchsorted(entry_atom[by_atom], np.arange(self.n_atoms + 1))
        size = entry_bounds[atom + 1] - entry_bounds[atom]
        m = entry_term[by_atom][ranges(entry_bounds[atom], size)]
        starts = ends = np.repeat(tok, size)
        key = np.zeros(m.size, dtype=np.int64)
        # step s of term m reaches word anchor - s while s <= anchor (leftwards), then word s (rightwards)
        step = np.arange(self.words.shape[1])[None, :]
        left = step <= anchor[:, None]
        word_at = np.minimum(np.where(left, anchor[:, None] - step, step), self.words.shape[1] - 1)
        join_at = np.minimum(np.where(left, word_at + 1, word_at), self.words.shape[1] - 1)
        step_word = np.take_along_axis(self.words, word_at, axis=1)
        step_join = np.take_along_axis(self.joins, join_at, axis=1)
        step_weight = np.take_along_axis(self.weights, join_at, axis=1)
        # which tokens are a form of which word: sorted (type, word) keys; -1 for types of no word
        pair_type = np.repeat(np.arange(per_type.size), per_type)
        size = self.atom_bounds[flat + 1] - self.atom_bounds[flat]
        known = np.sort(
            np.repeat(pair_type, size) * self.n_words + self.atom_words[ranges(self.atom_bounds[flat], size)]
        )
        has_word = np.zeros(per_type.size, dtype=bool)
        has_word[pair_type[size > 0]] = True
        pad = self.max_span + 1  # tokens beyond both ends: no word, no unit
        padded_types = np.concatenate((np.full(pad, -1), np.where(has_word[types], types, -1), np.full(pad, -1)))
        padded_unit = np.concatenate((np.full(pad, -2), tok_unit, np.full(pad, -2)))
        done: list[tuple[np.ndarray, ...]] = []
        for s in range(1, self.words.shape[1]):
            complete = self.length[m] <= s
            if complete.any():
                done.append((m[complete], starts[complete], ends[complete], key[complete]))
                m, starts, ends, key = m[~complete], starts[~complete], ends[~complete], key[~complete]
            if m.size == 0:
                break
            word, join, weight, leftwards = step_word[m, s], step_join[m, s], step_weight[m, s], left[m, s]
            origin = np.where(leftwards, starts, ends)  # the token the row grows from
            direction = np.where(leftwards, -1, 1)
            parts = []
            rows = np.arange(m.size)
            for skipped in range(_GAP_MAX_WORDS + 1):
                if skipped:
                    rows = rows[join[rows] == _GAP]
                cand = origin[rows] + direction[rows] * (1 + skipped) + pad
                ok = rows[padded_types[cand] >= 0]
                cand = origin[ok] + direction[ok] * (1 + skipped)
                hit = isin_sorted(padded_types[cand + pad] * self.n_words + word[ok], known)
                hit &= padded_unit[cand + pad] == padded_unit[origin[ok] + pad]
                ok, cand = ok[hit], cand[hit]
                if skipped == 0:  # a space or a hyphen: only that between the two tokens
                    before = np.minimum(cand, origin[ok])
                    joined = np.ones(ok.size, dtype=bool)
                    for code, test in ((_SPACE, layout.separated_by_space), (_HYPHEN, layout.separated_by_hyphen)):
                        at = np.flatnonzero(join[ok] == code)
                        joined[at] = test(before[at])
                    ok, cand = ok[joined], cand[joined]
                parts.append((ok, cand, key[ok] + skipped * weight[ok]))
            row = np.concatenate([p[0] for p in parts])
            cand, key = np.concatenate([p[1] for p in parts]), np.concatenate([p[2] for p in parts])
            m, starts, ends = (
                m[row],
                np.where(leftwards[row], cand, starts[row]),
                np.where(leftwards[row], ends[row], cand),
            )
            if (join == _GAP).any():  # rows that reach the same (start, end): the smallest key
                keep = _smallest_key((m, starts, ends - starts), key, (self.n_terms, n, self.max_span + 1), self.n_keys)
                m, starts, ends, key = m[keep], starts[keep], ends[keep], key[keep]
        done.append((m, starts, ends, key))
        m, starts, ends, key = (np.concatenate([d[k] for d in done]) for k in range(4))
        keep = _smallest_key((m, starts), key, (self.n_terms, n), self.n_keys)
        return m[keep], starts[keep], ends[keep]


def _smallest_key(group: tuple[np.ndarray, ...], key: np.ndarray, sizes: tuple[int, ...], n_keys: int) -> np.ndarray:
    """Indexes of the rows with the smallest ``key`` among the rows alike in every column of ``group`` (whose
    values lie below ``sizes``), one per distinct group, in the groups' order."""
    order = order_rows(*group, key, sizes=(*sizes, n_keys))
    new = np.zeros(order.size, dtype=bool)
    new[:1] = True
    for column in group:
        column = column[order]
        new[1:] |= column[1:] != column[:-1]
    return order[new]
