"""Character-class tables over the Basic Multilingual Plane, for NumPy-vectorised text scans.

``str`` methods decide each class, so a table look-up agrees with Python's ``re`` (``\\w`` is
``str.isalnum()`` or ``_``) and with ``str.strip()``/``str.split()`` (``str.isspace()``).
"""

from __future__ import annotations

import functools
import re

import numpy as np

_SURROGATE = re.compile("[\ud800-\udfff]")


class LoneSurrogate(ValueError):
    """A text holds a lone surrogate (see :func:`check_text`); ``position`` is its index."""

    def __init__(self, position: int, char: str, where: str = "text"):
        self.position, self.char = position, char
        super().__init__(
            f"{where}: character {position} is a lone surrogate (U+{ord(char):04X}), not valid Unicode text; "
            "decode the file strictly (errors='strict') or replace the character"
        )

    def named(self, where: str, position: int | None = None) -> LoneSurrogate:
        """The same error naming ``where`` (and a position within it)."""
        return LoneSurrogate(self.position if position is None else position, self.char, where)


def code_points(text: str) -> np.ndarray:
    """The code points of ``text`` as ``uint32``; a lone surrogate is a :class:`LoneSurrogate`."""
    try:
        return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    except UnicodeEncodeError as exc:
        raise LoneSurrogate(exc.start, text[exc.start]) from None


def check_text(text: str, where: str) -> None:
    """A ``ValueError`` naming ``where`` if ``text`` holds a lone surrogate (not valid Unicode: such a
    string cannot be encoded, and usually comes from bytes decoded with ``errors="surrogateescape"``)."""
    m = _SURROGATE.search(text)
    if m:
        raise LoneSurrogate(m.start(), m.group(), where)

@functools.cache
def char_classes() -> tuple[np.ndarray, np.ndarray]:
    """Per BMP code point: is it a word character (``\\w``), is it whitespace (built once, ~30 ms)."""
    chars = [chr(c) for c in range(0x10000)]
    word = np.fromiter((c.isalnum() or c == "_" for c in chars), dtype=bool, count=0x10000)
    space = np.fromiter((c.isspace() for c in chars), dtype=bool, count=0x10000)
    return word, space


def classify_codes(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per code point: is it a word character (``\\w``), is it whitespace (as ``str`` methods say)."""
    word_table, space_table = char_classes()
    if codes.size and int(codes.max()) > 0xFFFF:  # rare astral characters: classify them one by one
        big = codes > 0xFFFF
        is_word = word_table[np.where(big, 0, codes)]
        is_space = space_table[np.where(big, 0, codes)]
        for i in np.flatnonzero(big).tolist():
            ch = chr(int(codes[i]))
            is_word[i] = ch.isalnum() or ch == "_"
            is_space[i] = ch.isspace()
        return is_word, is_space
    return word_table[codes], space_table[codes]


def runs(flags: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and end (exclusive) of each run of True in a boolean array."""
    if flags.size == 0:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty
    rising = np.flatnonzero(flags[1:] & ~flags[:-1]) + 1
    falling = np.flatnonzero(~flags[1:] & flags[:-1]) + 1
    starts = np.concatenate(([0], rising)) if flags[0] else rising
    ends = np.concatenate((falling, [flags.size])) if flags[-1] else falling
    return starts.astype(np.int64), ends.astype(np.int64)
