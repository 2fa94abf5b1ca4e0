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

import functools
import itertools

import numpy as np
import pandas as pd

from arabic_themes._chars import char_classes, runs

__all__ = ["Tokens", "token_layout", "tokenize"]


class _Layout:
    """The ``\\w+`` tokens of a text given as code points, and what separates them (asked per token).

    ``bytes`` holds one byte per character (:func:`_char_bytes`): a word character's byte in a key, or
    what kind of character it is; the tokens are its runs of word characters."""

    def __init__(self, codes: np.ndarray):
        self.codes = codes
        self.bytes = _char_bytes(codes)
        self.is_word = (self.bytes - np.uint8(1)) < np.uint8(_OTHER_WORD)  # neither 0 (other) nor 255 (space)
        self.starts, self.ends = runs(self.is_word)
        self.next_start = np.append(self.starts[1:], codes.size)
        self._other = np.flatnonzero(self.bytes == 0)  # punctuation and symbols: few

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
_OTHER_WORD, _SPACE = 254, 255  # the byte of a word character that no key holds, and of whitespace


@functools.cache
def _byte_table() -> np.ndarray:
    """Per BMP code point, one byte: its byte in a key (word characters of :data:`_KEY_CHARS`), :data:`_OTHER_WORD`
    for other word characters, :data:`_SPACE` for whitespace, 0 for the rest (as ``str`` methods say)."""
    word, space = char_classes()
    other = np.where(space, _SPACE, 0)
    return np.where(word, np.where(_CHAR_BYTE > 0, _CHAR_BYTE, _OTHER_WORD), other).astype(np.uint8)


def _char_bytes(codes: np.ndarray) -> np.ndarray:
    """The :func:`_byte_table` byte of every code point (one look-up each; astral ones classified one by one)."""
    if not (codes.size and int(codes.max()) > 0xFFFF):
        return _byte_table()[codes]
    out = _byte_table()[np.minimum(codes, 0xFFFF)]
    for i in np.flatnonzero(codes > 0xFFFF).tolist():
        ch = chr(int(codes[i]))
        out[i] = _OTHER_WORD if ch.isalnum() or ch == "_" else _SPACE if ch.isspace() else 0
    return out


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
    chars: np.ndarray, starts: np.ndarray, lengths: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The two keys of every token, and which tokens have keys (short enough, only key characters); ``chars``
    are the text's :func:`_char_bytes`. Each key is one unaligned 8-byte load at the token's start, its bytes
    past the token's end masked off."""
    keyed = lengths <= _KEY_MAX
    odd = chars == _OTHER_WORD
    if odd.any():
        count = np.concatenate(([0], np.cumsum(odd, dtype=np.int64)))
        keyed &= count[starts + lengths] == count[starts]
    padded = np.zeros(chars.size + _KEY_MAX, dtype=np.uint8)
    padded[: chars.size] = chars
    at = np.ndarray((chars.size + 8,), dtype=">u8", buffer=padded, strides=(1,))  # the 8 bytes from each position
    masks = np.asarray(_PREFIX_MASK, dtype=np.uint64)  # keep the token's own bytes only
    k1 = at[starts].astype(np.uint64) & masks[np.minimum(lengths, 8)]
    k2 = np.zeros(starts.size, dtype=np.uint64)
    long_ = np.flatnonzero(lengths > 8)
    if long_.size:
        k2[long_] = at[starts[long_] + 8].astype(np.uint64) & masks[np.minimum(lengths[long_] - 8, 8)]
    return k1, k2, keyed


def _first_of_codes(codes: np.ndarray, n: int) -> np.ndarray:
    """Where each of the codes ``0..n-1`` first occurs in ``codes`` (numbered in order of first occurrence)."""
    return np.searchsorted(np.maximum.accumulate(codes), np.arange(n))


def _token_types(
    text: str, layout: _Layout, use_keys: bool = True
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """The type (distinct word) of each token of ``layout``, numbered from 0, without a string per token.

    Returns ``types`` (per token), the type's ``length``, its two keys (``k1``, ``k2``; types
    ``0..len(k1)-1`` have keys) and the strings of the other types (numbered after them). A token of up
    to 8 characters is its first key (the second is 0), so those are grouped by it exactly; longer ones
    are grouped by a 64-bit hash of both keys (factorised in C), then every such token is checked against
    its group's first token, so a hash collision can never merge two words.
    """
    starts, ends = layout.starts, layout.ends
    lengths = ends - starts
    k1, k2, keyed = _token_keys(layout.bytes, starts, lengths)
    if not use_keys:
        keyed[:] = False
    types = np.empty(starts.size, dtype=np.int64)
    short = np.flatnonzero(keyed & (lengths <= 8))
    codes_, uniques = pd.factorize(k1[short], sort=False)
    types[short] = codes_
    first = [short[_first_of_codes(codes_, len(uniques))]]
    long_ = np.flatnonzero(keyed & (lengths > 8))
    if long_.size:
        codes_, uniques = pd.factorize(_hash(k1[long_], k2[long_]), sort=False)
        at = long_[_first_of_codes(codes_, len(uniques))]
        if not (np.array_equal(k1[at[codes_]], k1[long_]) and np.array_equal(k2[at[codes_]], k2[long_])):
            pairs = np.stack([k1[long_], k2[long_]], axis=1)
            _, codes_ = np.unique(pairs, axis=0, return_inverse=True)  # a collision: grouped exactly
            codes_ = codes_.ravel()
            at = np.full(codes_.max(initial=-1) + 1, long_.size, dtype=np.int64)
            np.minimum.at(at, codes_, np.arange(long_.size))
            at = long_[at]
        types[long_] = codes_ + first[0].size
        first.append(at)
    first_ = np.concatenate(first)
    n_keyed = first_.size
    rest = np.flatnonzero(~keyed)
    strings: list[str] = []
    if rest.size:
        spans = zip(starts[rest].tolist(), ends[rest].tolist(), strict=True)
        rest_codes, rest_uniques = pd.factorize(pd.Series([text[a:b] for a, b in spans], dtype=object), sort=False)
        types[rest] = rest_codes + n_keyed
        strings = rest_uniques.tolist()
    return types, lengths[first_], k1[first_], k2[first_], strings


class Tokens:
    """The ``\\w+`` tokens of a normalised text split into units, found once and shared by the matcher and a
    codebook's learned model: the layout, the unit of each token (-1 outside every unit), and each token's type
    (distinct word) with what identifies it (keys or string, :func:`_token_types`)."""

    def __init__(
        self, text: str, codes: np.ndarray, unit_starts: np.ndarray, unit_ends: np.ndarray, use_keys: bool = True
    ):
        self.layout = _Layout(codes)
        starts, ends = self.layout.starts, self.layout.ends
        # the unit of each token: how many units start at or before it, less one (counted at the units' first tokens)
        first = np.searchsorted(starts, unit_starts, side="left")
        unit = np.cumsum(np.bincount(first, minlength=starts.size + 1)[: starts.size]) - 1
        self.inside = (unit >= 0) & (ends <= unit_ends[np.maximum(unit, 0)]) if unit_ends.size else unit >= 0
        self.unit = np.where(self.inside, unit, -1)
        self.use_keys = use_keys
        self.types, self.lengths, self.k1, self.k2, self.strings = _token_types(text, self.layout, use_keys)

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
