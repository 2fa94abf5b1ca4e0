"""The ``\\w+`` tokens of a normalised text, found once, each with its type (distinct word), without a Python
string per token; shared by the term matcher (:mod:`arabic_themes.matcher`) and a codebook's learned model.

1. *Layout.* The text's code points (from normalisation) give the tokens as runs of word characters,
   and what separates two tokens (whitespace only, a single hyphen) is asked per token.
2. *Keys.* A token of up to 16 characters over the alphabet of :data:`_KEY_CHARS` (the letters of
   normalised Arabic text, digits, small Latin letters) is packed exactly into two 64-bit keys, one byte
   per character; longer tokens and tokens with other characters keep their string.
3. *Types.* Keyed tokens are grouped by a 64-bit hash of their keys (factorised in C) and every token is
   checked against its group's first token, so a hash collision never merges two words; only the
   distinct words of a text (a few tens of thousands per batch) are then matched against a codebook's
   word forms, as sorted hash tables of the same keys (:class:`_KeyTable`).
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from arabic_themes._chars import classify_codes, runs

__all__ = ["Tokens", "token_layout", "tokenize"]


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
