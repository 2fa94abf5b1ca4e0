"""The token engine: every hit of a set of terms in normalised text, inside given units, in one pass.

Used by :func:`~arabic_themes.coding.code_sentences` and :func:`~arabic_themes.concordance.kwic`;
it finds what the regular expressions of :func:`~arabic_themes.terms.compile_term` find (property
tests compare them), at array speed:

1. *Word forms, once per set of terms.* Every form a word of a term accepts — proclitic × core ×
   pronoun suffix — is listed in a dictionary (stems ``word*``: proclitic × stem, matched on the
   token's prefixes), so a token is matched by one or a few look-ups.
2. *Tokens without a Python string each.* The text's code points (from normalisation) give the
   ``\\w+`` tokens as runs; a token of up to ``64 // bits`` characters is packed exactly into one
   64-bit key (``bits`` per character, over the batch's own alphabet), longer ones keep their
   string. Keys are factorised in C; only the *distinct* tokens (a few tens of thousands per
   batch) become strings, matched with the dictionaries and remembered.
3. *One sort.* Every (word, position) pair of a matched token is sorted once; a one-word term's
   hits are a slice of it, a longer term's are built from slices with binary searches (``..`` gaps
   branch over the 0-3 words they may skip and keep, per start, the end a lazy regex would give).
4. ``re:`` terms run per unit (:mod:`arabic_themes.rawregex`), only on units that hold a character
   a match can start with.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from arabic_themes._chars import classify_codes, runs
from arabic_themes.rawregex import BUDGET_STEPS, RawRegex, compile_raw, first_chars
from arabic_themes.terms import _GAP_MAX_WORDS, _PROCLITIC_FORMS, PRONOUN_SUFFIXES, _parse_term, _Term, _Word

__all__ = ["Matcher", "Tokens", "matcher_for", "tokenize"]

Hits = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]  # term index, start, end, unit


class _Layout:
    """The ``\\w+`` tokens of a text given as code points, and what separates them (asked per token)."""

    def __init__(self, codes: np.ndarray):
        self.codes = codes
        self.is_word, is_space = classify_codes(codes)
        self.starts, self.ends = runs(self.is_word)
        self.next_start = np.append(self.starts[1:], codes.size)
        self._other = np.flatnonzero(~self.is_word & ~is_space)  # punctuation and symbols: few

    def separated_by_space(self, token: np.ndarray) -> np.ndarray:
        """Is what follows each of ``token`` (indexes) up to the next token whitespace only (and not empty)?"""
        a, b = self.ends[token], self.next_start[token]
        return (b > a) & (np.searchsorted(self._other, a) == np.searchsorted(self._other, b))

    def separated_by_hyphen(self, token: np.ndarray) -> np.ndarray:
        """Is each of ``token`` followed by exactly one hyphen before the next token?"""
        a = self.ends[token]
        return (self.next_start[token] == a + 1) & (self.codes[np.minimum(a, max(self.codes.size - 1, 0))] == ord("-"))


def token_layout(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Start and end of each ``\\w+`` token of the text whose code points are ``codes``, whether the
    separator after it is whitespace only, or a single hyphen, and which characters are word
    characters (array operations only)."""
    layout = _Layout(codes)
    every = np.arange(layout.starts.size)
    space, hyphen = layout.separated_by_space(every), layout.separated_by_hyphen(every)
    return layout.starts, layout.ends, space, hyphen, layout.is_word


# --- words as 64-bit keys ----------------------------------------------------------------------------
#: Characters a key can hold, one byte each (the letters of normalised Arabic text, Persian letters,
#: ASCII digits and small letters, Latin-1 small letters); a word with another character, or longer
#: than 16 characters, is matched as a string.
_KEY_CHARS = [*range(0x0621, 0x064B), *range(0x0660, 0x06D4), *range(0x30, 0x3A), *range(0x61, 0x7B), 0x5F]
_KEY_CHARS += list(range(0xDF, 0x100))
_CHAR_BYTE = np.zeros(0x10000, dtype=np.uint8)
_CHAR_BYTE[_KEY_CHARS] = np.arange(1, len(_KEY_CHARS) + 1, dtype=np.uint8)
_KEY_MAX = 16  # characters in two keys
_MIX = (np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB))  # splitmix64's multipliers
_PREFIX_MASK = [np.uint64(((1 << 64) - 1) ^ ((1 << (8 * (8 - k))) - 1)) for k in range(9)]  # first k bytes


def _string_keys(word: str) -> tuple[int, int] | None:
    """The two keys of a word (big-endian bytes, zero-padded), or None if it has no keys."""
    if len(word) > _KEY_MAX or any(ord(ch) > 0xFFFF or not _CHAR_BYTE[ord(ch)] for ch in word):
        return None
    data = bytes(int(_CHAR_BYTE[ord(ch)]) for ch in word).ljust(_KEY_MAX, b"\0")
    return int.from_bytes(data[:8], "big"), int.from_bytes(data[8:], "big")


def _hash(k1: np.ndarray, k2: np.ndarray) -> np.ndarray:
    """One 64-bit hash of two keys: the first key xor a bijective mix (splitmix64's) of the second,
    so a word of up to 8 characters hashes to its own key."""
    z = (k2 ^ (k2 >> np.uint64(30))) * _MIX[0]
    z = (z ^ (z >> np.uint64(27))) * _MIX[1]
    return k1 ^ z ^ (z >> np.uint64(31))


def _prefix(k1: np.ndarray, k2: np.ndarray, length: int) -> tuple[np.ndarray, np.ndarray]:
    """The keys of the first ``length`` characters."""
    if length <= 8:
        return k1 & _PREFIX_MASK[length], np.zeros_like(k2)
    return k1, k2 & _PREFIX_MASK[length - 8]


class _KeyTable:
    """Words (forms) as sorted 64-bit hashes of their keys, each with the word ids it stands for."""

    def __init__(self, forms: dict[str, tuple[int, ...]]):
        rows = [(k, f) for f in forms if (k := _string_keys(f)) is not None]
        k1 = np.asarray([k[0] for k, _ in rows], dtype=np.uint64)
        k2 = np.asarray([k[1] for k, _ in rows], dtype=np.uint64)
        order = np.argsort(_hash(k1, k2), kind="stable")
        self.k1, self.k2 = k1[order], k2[order]
        self.hashes = _hash(self.k1, self.k2)
        self.exact = bool(np.all(self.hashes[1:] != self.hashes[:-1]))  # no two forms share a hash
        self.index = pd.Index(self.hashes)
        ids = [forms[rows[i][1]] for i in order.tolist()]
        counts = np.fromiter(map(len, ids), dtype=np.int64, count=len(ids))
        self.bounds = np.concatenate(([0], np.cumsum(counts)))
        self.ids = np.fromiter(itertools.chain.from_iterable(ids), dtype=np.int64, count=int(counts.sum()))

    def find(self, k1: np.ndarray, k2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(query index, form index) of every query whose keys are a form of the table."""
        if self.hashes.size == 0 or k1.size == 0:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
        at = self.index.get_indexer(_hash(k1, k2))  # a hash table look-up; -1 where absent
        hit = np.flatnonzero(at >= 0)
        hit = hit[(self.k1[at[hit]] == k1[hit]) & (self.k2[at[hit]] == k2[hit])]
        return hit, at[hit]


def _token_keys(
    codes: np.ndarray, is_word: np.ndarray, starts: np.ndarray, lengths: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The two keys of every token, and which tokens have keys (short enough, only key characters)."""
    ids = _CHAR_BYTE[np.minimum(codes, 0xFFFF)]
    odd = is_word & ((ids == 0) | (codes > 0xFFFF))
    keyed = lengths <= _KEY_MAX
    if odd.any():
        count = np.concatenate(([0], np.cumsum(odd, dtype=np.int64)))
        keyed &= count[starts + lengths] == count[starts]
    padded = np.zeros(codes.size + _KEY_MAX, dtype=np.uint8)
    padded[: codes.size] = ids
    windows = np.lib.stride_tricks.sliding_window_view(padded, 8)  # 8 bytes from each position
    masks = np.asarray(_PREFIX_MASK, dtype=np.uint64)  # keep the token's own bytes only
    k1 = windows[starts].view(">u8").ravel().astype(np.uint64) & masks[np.minimum(lengths, 8)]
    k2 = np.zeros(starts.size, dtype=np.uint64)
    long_ = np.flatnonzero(lengths > 8)
    if long_.size:
        second = windows[starts[long_] + 8].view(">u8").ravel().astype(np.uint64)
        k2[long_] = second & masks[np.minimum(lengths[long_] - 8, 8)]
    return k1, k2, keyed


def _token_types(
    text: str, codes: np.ndarray, is_word: np.ndarray, starts: np.ndarray, ends: np.ndarray, use_keys: bool = True
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """The type (distinct word) of each token, numbered from 0, without a string per token.

    Returns ``types`` (per token), the type's ``length``, its two keys (``k1``, ``k2``; types
    ``0..len(k1)-1`` have keys) and the strings of the other types (numbered after them). Keyed tokens
    are grouped by a 64-bit hash of their keys (factorised in C), then every token is checked against
    its group's first token, so a hash collision can never merge two words.
    """
    lengths = ends - starts
    k1, k2, keyed = _token_keys(codes, is_word, starts, lengths)
    if not use_keys:
        keyed[:] = False
    types = np.empty(starts.size, dtype=np.int64)
    at = np.flatnonzero(keyed)
    codes_, uniques = pd.factorize(_hash(k1[at], k2[at]), sort=False)
    first = at[np.searchsorted(np.maximum.accumulate(codes_), np.arange(len(uniques)))]
    if not (np.array_equal(k1[first[codes_]], k1[at]) and np.array_equal(k2[first[codes_]], k2[at])):
        _, codes_ = np.unique(np.stack([k1[at], k2[at]], axis=1), axis=0, return_inverse=True)  # collision: exact
        codes_ = codes_.ravel()
        first = np.full(codes_.max(initial=-1) + 1, at.size, dtype=np.int64)
        np.minimum.at(first, codes_, np.arange(at.size))
        first = at[first]
    types[at] = codes_
    n_keyed = first.size
    rest = np.flatnonzero(~keyed)
    strings: list[str] = []
    if rest.size:
        spans = zip(starts[rest].tolist(), ends[rest].tolist(), strict=True)
        rest_codes, rest_uniques = pd.factorize(pd.Series([text[a:b] for a, b in spans], dtype=object), sort=False)
        types[rest] = rest_codes + n_keyed
        strings = rest_uniques.tolist()
    return types, lengths[first], k1[first], k2[first], strings


class Tokens:
    """The ``\\w+`` tokens of a normalised text split into units, found once and shared by the matcher and a
    codebook's learned model: the layout, the unit of each token (-1 outside every unit), and each token's type
    (distinct word) with what identifies it (keys or string, :func:`_token_types`)."""

    def __init__(
        self, text: str, codes: np.ndarray, unit_starts: np.ndarray, unit_ends: np.ndarray, use_keys: bool = True
    ):
        self.layout = _Layout(codes)
        starts, ends = self.layout.starts, self.layout.ends
        unit = np.searchsorted(unit_starts, starts, side="right") - 1
        self.inside = (unit >= 0) & (ends <= unit_ends[np.maximum(unit, 0)]) if unit_ends.size else unit >= 0
        self.unit = np.where(self.inside, unit, -1)
        self.use_keys = use_keys
        self.types, self.lengths, self.k1, self.k2, self.strings = _token_types(
            text, codes, self.layout.is_word, starts, ends, use_keys
        )

    def type_strings(self) -> list[str]:
        """Every type as a string, in type order (keyed types decoded from their keys)."""
        return _key_strings(self.lengths[: self.k1.size], self.k1, self.k2) + self.strings


def tokenize(text: str, codes: np.ndarray, unit_starts: np.ndarray, unit_ends: np.ndarray) -> Tokens:
    """The :class:`Tokens` of a normalised text (code points ``codes``) inside the given units."""
    return Tokens(text, codes, np.asarray(unit_starts, dtype=np.int64), np.asarray(unit_ends, dtype=np.int64))


_BYTE_CHAR = np.zeros(256, dtype=np.uint32)
_BYTE_CHAR[1 : len(_KEY_CHARS) + 1] = _KEY_CHARS


def _key_strings(lengths: np.ndarray, k1: np.ndarray, k2: np.ndarray) -> list[str]:
    """The words whose keys are ``k1``, ``k2`` (the inverse of :func:`_string_keys`), all at once."""
    if k1.size == 0:
        return []
    data = np.concatenate(
        [k1.astype(">u8").view(np.uint8).reshape(-1, 8), k2.astype(">u8").view(np.uint8).reshape(-1, 8)], axis=1
    )
    chars = np.ascontiguousarray(_BYTE_CHAR[data])  # 0 past a word's end: dropped by the string dtype
    words: list[str] = chars.view(f"<U{_KEY_MAX}").ravel().tolist()
    return words


class Matcher:
    """All hits of a set of terms (see the module docstring); built once per set of terms."""

    def __init__(self, terms: Sequence[str]):
        self.terms: list[_Term] = [_parse_term(t) for t in terms]
        self.word_ids: dict[_Word, int] = {}
        for term in self.terms:
            for word in term.words:
                self.word_ids.setdefault(word, len(self.word_ids))
        # a word is a set of atoms (core, suffix mode, clitics): {لا|لم} and لا share the atom لا, so a token
        # is matched to the few atoms it is a form of, not to every word that contains them
        self.atoms: dict[tuple[str, str, bool], int] = {}
        word_atoms: list[set[int]] = [set() for _ in self.word_ids]
        for word, wid in self.word_ids.items():
            for core, mode in word.options:
                word_atoms[wid].add(self.atoms.setdefault((core, mode, word.clitics), len(self.atoms)))
        self.word_atoms = [tuple(sorted(a)) for a in word_atoms]
        forms: dict[str, set[int]] = {}
        stem_forms: dict[str, set[int]] = {}
        for (core, mode, clitics), atom in self.atoms.items():
            prefixes = _PROCLITIC_FORMS if clitics else ("",)
            if mode == "any":
                for p in prefixes:
                    stem_forms.setdefault(p + core, set()).add(atom)
                continue
            suffixes = ("", *PRONOUN_SUFFIXES) if mode == "pronoun" else ("",)
            for p, s in itertools.product(prefixes, suffixes):
                forms.setdefault(p + core + s, set()).add(atom)
        self.forms = {f: tuple(sorted(w)) for f, w in forms.items()}
        self.stem_forms = {f: tuple(sorted(w)) for f, w in stem_forms.items()}
        self.stem_lengths = sorted({len(f) for f in self.stem_forms})
        self.form_table = _KeyTable(self.forms)
        self.stem_tables = {
            n: _KeyTable({f: w for f, w in self.stem_forms.items() if len(f) == n})
            for n in self.stem_lengths
            if n <= _KEY_MAX
        }
        # two forms sharing a hash would hide one of them: then every word is matched as a string
        self.use_keys = self.form_table.exact and all(t.exact for t in self.stem_tables.values())
        self.regexes: list[tuple[int, RawRegex, np.ndarray | None]] = []
        single_terms, single_words = [], []
        self.multi: list[int] = []
        for t_index, term in enumerate(self.terms):
            if term.regex is not None:
                regex = compile_raw(term.regex)
                self.regexes.append((t_index, regex, first_chars(regex)))
            elif len(term.words) == 1:
                single_terms.append(t_index)
                single_words.append(self.word_ids[term.words[0]])
            else:
                self.multi.append(t_index)
        pairs = [(t, a) for t, w in zip(single_terms, single_words, strict=True) for a in self.word_atoms[w]]
        self.single_terms = np.asarray([t for t, _ in pairs], dtype=np.int64)  # one row per (term, atom)
        self.single_atoms = np.asarray([a for _, a in pairs], dtype=np.int64)

    def match_word(self, token: str) -> tuple[int, ...]:
        """Ids of the atoms of the terms' words that the token ``token`` (a ``\\w+`` run) is a form of."""
        found = self.forms.get(token, ())
        for length in self.stem_lengths:
            if length > len(token):
                break
            more = self.stem_forms.get(token[:length])
            if more:
                found = (*found, *more)
        return tuple(sorted(set(found))) if len(found) > 1 else found

    def _type_words(
        self, lengths: np.ndarray, k1: np.ndarray, k2: np.ndarray, strings: list[str]
    ) -> tuple[np.ndarray, np.ndarray]:
        """CSR arrays: the word ids of type ``j`` are ``flat[bounds[j]:bounds[j + 1]]``. Keyed types are
        looked up in the key tables (forms, then the prefixes of each stem length), all at once;
        the rest as strings."""
        n_keyed = k1.size
        tables = [(self.form_table, np.arange(n_keyed), k1, k2)]
        for n, table in self.stem_tables.items():
            long_enough = np.flatnonzero(lengths >= n)
            tables.append((table, long_enough, *_prefix(k1[long_enough], k2[long_enough], n)))
        type_parts, word_parts = [], []
        for table, candidates, q1, q2 in tables:
            query, form = table.find(q1, q2)
            counts = table.bounds[form + 1] - table.bounds[form]
            type_parts.append(np.repeat(candidates[query], counts))
            offsets = np.repeat(table.bounds[form] - (np.cumsum(counts) - counts), counts)
            word_parts.append(table.ids[offsets + np.arange(int(counts.sum()))])
        for j, token in enumerate(strings, start=n_keyed):
            ids = self.match_word(token)
            type_parts.append(np.full(len(ids), j, dtype=np.int64))
            word_parts.append(np.asarray(ids, dtype=np.int64))
        pair_types = np.concatenate(type_parts) if type_parts else np.empty(0, dtype=np.int64)
        pair_words = np.concatenate(word_parts) if word_parts else np.empty(0, dtype=np.int64)
        pairs = np.unique(pair_types * max(len(self.atoms), 1) + pair_words)
        pair_types, pair_words = np.divmod(pairs, max(len(self.atoms), 1))
        bounds = np.searchsorted(pair_types, np.arange(n_keyed + len(strings) + 1))
        return pair_words, bounds

    def hits(
        self,
        text: str,
        codes: np.ndarray,
        unit_starts: np.ndarray,
        unit_ends: np.ndarray,
        tokens: Tokens | None = None,
    ) -> Hits:
        """All hits in normalised ``text`` (code points ``codes``) inside the units
        ``unit_starts[i]:unit_ends[i]`` (sorted, not overlapping), as arrays (term index, start, end,
        unit): every start of every term, none across units. ``tokens`` is the text's
        :func:`tokenize` when the caller has it already.

        A word term reports, for each start, the end its regular expression would match on the unit
        alone (at each ``..`` gap the fewest words that still complete the term); a ``re:`` term what
        ``finditer`` reports on the unit's text alone.
        """
        unit_starts = np.asarray(unit_starts, dtype=np.int64)
        unit_ends = np.asarray(unit_ends, dtype=np.int64)
        found: list[Hits] = [self._regex_hits(t, r, f, text, codes, unit_starts, unit_ends) for t, r, f in self.regexes]
        if self.single_terms.size == 0 and not self.multi:
            return _collect(found)
        if tokens is None or tokens.use_keys != self.use_keys:
            tokens = Tokens(text, codes, unit_starts, unit_ends, self.use_keys)
        layout = tokens.layout
        tok_start, tok_end = layout.starts, layout.ends
        n = tok_start.size
        if n == 0:
            return _collect(found)
        # the unit of each token (-1 outside every unit): a term never spans two units
        inside = tokens.inside
        tok_unit = np.append(tokens.unit, np.full(_GAP_MAX_WORDS + 2, -2))
        types, lengths, k1, k2, strings = tokens.types, tokens.lengths, tokens.k1, tokens.k2, tokens.strings
        flat, bounds = self._type_words(lengths, k1, k2, strings)
        per_type = np.diff(bounds)
        # every (atom, position) of a matched token inside a unit, sorted once by atom then position
        occurrences = np.flatnonzero((per_type[types] > 0) & inside)
        occ_types = types[occurrences]
        repeat = per_type[occ_types]
        positions = np.repeat(occurrences, repeat)
        within = np.arange(positions.size) - np.repeat(np.cumsum(repeat) - repeat, repeat)
        words = flat[np.repeat(bounds[occ_types], repeat) + within]
        # stable by atom keeps positions sorted within an atom (NumPy sorts 16-bit integers by radix)
        order = np.argsort(words.astype(np.uint16) if len(self.atoms) <= 0xFFFF else words, kind="stable")
        words, positions = words[order], positions[order]
        word_bounds = np.searchsorted(words, np.arange(len(self.atoms) + 1))
        def at(wid: int) -> list[np.ndarray]:
            """Positions of the tokens that are a form of word ``wid``: one sorted array per atom of the word."""
            return [positions[word_bounds[a] : word_bounds[a + 1]] for a in self.word_atoms[wid]]

        # one-word terms: slices of the sorted pairs, one per atom of the word (a token that is a form of two
        # atoms of one word gives the same hit twice; evidence lists it once)
        if self.single_terms.size:
            counts = word_bounds[self.single_atoms + 1] - word_bounds[self.single_atoms]
            total = int(counts.sum())
            if total:
                offset = np.repeat(word_bounds[self.single_atoms] - (np.cumsum(counts) - counts), counts)
                picked = positions[offset + np.arange(total)]
                term_ids = np.repeat(self.single_terms, counts)
                found.append((term_ids, tok_start[picked], tok_end[picked], tok_unit[picked]))
        for t_index in self.multi:
            term = self.terms[t_index]
            first = np.concatenate(at(self.word_ids[term.words[0]]))
            if first.size == 0:
                continue
            starts, ends = self._extend(term, first, at, tok_unit, layout)
            if starts.size:
                found.append((np.full(starts.size, t_index), tok_start[starts], tok_end[ends], tok_unit[starts]))
        return _collect(found)

    def _extend(
        self,
        term: _Term,
        first: np.ndarray,
        at: Callable[[int], list[np.ndarray]],
        tok_unit: np.ndarray,
        layout: _Layout,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Start and end token of every hit of a word term whose first word is at the tokens ``first``.

        Partial hits are (start, end, key) rows; at a gap each row branches into the 0 to 3 words it
        may skip, ``key`` ranks the branches as a lazy regular expression tries them (fewest words at
        the first gap, then at the second, ...), and rows that reach the same token from the same
        start keep the best key. Each start keeps its best end.
        """
        starts, ends = first, first
        key = np.zeros(first.shape, dtype=np.int64)
        branched = False
        for join, word in zip(term.joins, term.words[1:], strict=True):
            if starts.size == 0:
                break
            following = at(self.word_ids[word])
            if join == "gap":
                parts = []
                for g in range(_GAP_MAX_WORDS + 1):
                    cand = ends + 1 + g
                    ok = _isin_any(cand, following) & (tok_unit[cand] == tok_unit[starts])
                    parts.append((starts[ok], cand[ok], key[ok] * (_GAP_MAX_WORDS + 1) + g))
                starts, ends, key = (np.concatenate([p[k] for p in parts]) for k in range(3))
                order = np.lexsort((key, ends, starts))
                starts, ends, key = starts[order], ends[order], key[order]
                new = np.ones(starts.size, dtype=bool)
                new[1:] = (starts[1:] != starts[:-1]) | (ends[1:] != ends[:-1])
                starts, ends, key = starts[new], ends[new], key[new]
                branched = True
            else:
                cand = ends + 1
                ok = _isin_any(cand, following) & (tok_unit[cand] == tok_unit[starts])
                starts, ends, key, cand = starts[ok], ends[ok], key[ok], cand[ok]
                ok = layout.separated_by_space(ends) if join == "space" else layout.separated_by_hyphen(ends)
                starts, ends, key = starts[ok], cand[ok], key[ok]
        if branched and starts.size:  # one hit per start: the best key
            order = np.lexsort((key, starts))
            starts, ends = starts[order], ends[order]
            best = np.ones(starts.size, dtype=bool)
            best[1:] = starts[1:] != starts[:-1]
            starts, ends = starts[best], ends[best]
        return starts, ends

    @staticmethod
    def _regex_hits(
        t_index: int,
        regex: RawRegex,
        first: np.ndarray | None,
        text: str,
        codes: np.ndarray,
        unit_starts: np.ndarray,
        unit_ends: np.ndarray,
    ) -> Hits:
        """Hits of one ``re:`` term, searched in each unit's text alone (never across units); only units
        holding a character a match can start with are searched."""
        candidates = np.arange(unit_starts.size)
        if first is not None and unit_starts.size:
            at = np.flatnonzero(first[np.minimum(codes, first.size - 1)] & (codes < first.size))
            candidates = np.flatnonzero(np.searchsorted(at, unit_starts) < np.searchsorted(at, unit_ends))
        rows: list[tuple[int, int, int]] = []
        longest = int((unit_ends - unit_starts)[candidates].max(initial=0))
        # the time budget of a backtracking pattern, checked on the longest unit once (per unit if exceeded)
        spans = regex.spans if regex.steps(longest) > BUDGET_STEPS else regex.finditer_spans
        bounds = zip(candidates.tolist(), unit_starts[candidates].tolist(), unit_ends[candidates].tolist(), strict=True)
        for u, a, b in bounds:
            rows.extend((a + s, a + e, u) for s, e in spans(text[a:b]))
        arr = np.asarray(rows, dtype=np.int64).reshape(-1, 3)
        return np.full(len(arr), t_index, dtype=np.int64), arr[:, 0], arr[:, 1], arr[:, 2]


def _isin_sorted(values: np.ndarray, sorted_array: np.ndarray) -> np.ndarray:
    """``np.isin`` for a sorted ``sorted_array``, by binary search (``values`` may be unsorted)."""
    if sorted_array.size == 0:
        return np.zeros(values.shape, dtype=bool)
    i = np.minimum(np.searchsorted(sorted_array, values), sorted_array.size - 1)
    return sorted_array[i] == values


def _isin_any(values: np.ndarray, sorted_arrays: list[np.ndarray]) -> np.ndarray:
    """Is each of ``values`` in one of the sorted arrays?"""
    found = _isin_sorted(values, sorted_arrays[0])
    for array in sorted_arrays[1:]:
        found |= _isin_sorted(values, array)
    return found


def _collect(found: list[Hits]) -> Hits:
    found = [f for f in found if f[0].size]
    if not found:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, empty, empty
    ids, starts, ends, units = (np.concatenate([f[k] for f in found]).astype(np.int64) for k in range(4))
    return ids, starts, ends, units


@functools.lru_cache(maxsize=8)
def matcher_for(terms: tuple[str, ...]) -> Matcher:
    """One matcher per set of terms, reused across batches and calls (it remembers what each
    distinct word of the texts matched)."""
    return Matcher(terms)
