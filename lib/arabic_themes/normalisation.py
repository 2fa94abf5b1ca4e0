"""Normalisation of Arabic text *for matching only*, with every position mapped back to the raw text.

Display always uses the raw text; the normalised text exists so that patterns match spelling
variants. :func:`normalize` returns a :class:`NormalizedText` whose ``offsets`` array gives, for each
normalised character, the index of the raw character it came from, so a match in the normalised
text can be reported as a raw span (:meth:`NormalizedText.raw_span`).

What changes (character classes come from :mod:`pyarabic.araby`, so they agree with pyarabic):

* diacritics (harakat, tanwin, shadda, sukun, dagger alef, and the other marks
  ``pyarabic.araby.strip_diacritics`` removes, such as the combining hamza of decomposed text)
  and tatweel are removed;
* alef variants (أ إ آ ٱ) become ا; hamza on waw/ya (ؤ ئ) become و/ي;
* alef maqsura ى becomes ي and teh marbuta ة becomes ه;
* Persian kaf/yeh (ک ی) become Arabic ك/ي; Arabic-Indic digits become ASCII digits;
* Arabic presentation forms (U+FB50–FDFF, U+FE70–FEFF: contextual letter shapes and ligatures, as PDF
  extractions often give them) are folded by NFKC to the letters they show, then normalised like
  them (``ﻻ`` → ``لا``, ``ﷲ`` → ``الله``); every letter of a ligature maps to the ligature's raw index;
  an isolated form of a diacritic is removed like the diacritic;
* Latin letters are lower-cased (``S-400`` and ``s-400`` match alike); a letter whose lower case
  is longer (only ``İ``) is left as it is, so offsets stay one to one;
* glued words listed in a repair table (``موسكووطهران`` → ``موسكو وطهران``) get the missing space.

Deletions and 1:1 replacements are done with ``str.translate`` and NumPy so a whole archive is
normalised at C speed; only the few glued words are handled one by one. The coder does not need an
offset per character: it keeps them as the few places where they change (:class:`_Offsets`: the
characters deleted, the spaces put in) and maps only its hits back.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from pyarabic import araby

from arabic_themes._chars import LoneSurrogate, code_points
from arabic_themes.errors import InputError, read_csv_rows

__all__ = [
    "GlueRepair",
    "has_arabic_letters",
    "NormalizedText",
    "load_glue_repairs",
    "normalize",
    "normalize_word",
]

# --- character tables (from pyarabic, so the rules agree with a well-kept library) -------------
_DELETE = set(araby.TASHKEEL) | {araby.TATWEEL, araby.SMALL_ALEF, "\u0670"}
# Everything pyarabic.araby.strip_diacritics removes: also the extended combining marks U+0653-U+065F
# (maddah/hamza above and below, as in decomposed NFD text, where أ is ا + U+0654).
_DELETE |= set(araby.DIACRITICS)
# Quranic annotation marks and the rarely seen extended Arabic combining marks.
_DELETE |= {chr(c) for c in range(0x0610, 0x061B)} | {chr(c) for c in range(0x06D6, 0x06EE)}
_DELETE |= {"\u200c", "\u200d", "\u200e", "\u200f", "\u061c", "\ufeff"}  # joiners and bidi marks

# The 1:1 replacements, by rule; the names are the ones reports use (describe.normalisation_changes).
_REPLACE_RULES: dict[str, dict[str, str]] = {
    "alef variant → ا": dict.fromkeys(
        (araby.ALEF_HAMZA_ABOVE, araby.ALEF_HAMZA_BELOW, araby.ALEF_MADDA, araby.ALEF_WASLA), araby.ALEF
    ),
    "hamza seat → و/ي": {araby.WAW_HAMZA: araby.WAW, araby.YEH_HAMZA: araby.YEH},
    "alef maqsura → ي": {araby.ALEF_MAKSURA: araby.YEH},
    "teh marbuta → ه": {araby.TEH_MARBUTA: araby.HEH},
    "Persian letter → Arabic": {"\u06a9": araby.KAF, "\u06cc": araby.YEH},  # keheh, Farsi yeh
    "digit → ASCII": {d: str(i) for digits in ("٠١٢٣٤٥٦٧٨٩", "۰۱۲۳۴۵۶۷۸۹") for i, d in enumerate(digits)},
}
_REPLACE: dict[str, str] = {ch: new for rule in _REPLACE_RULES.values() for ch, new in rule.items()}

_BASE_TABLE = str.maketrans({**_REPLACE, **{c: None for c in _DELETE}})


def _presentation_forms() -> dict[str, str]:
    """Each Arabic presentation form with an NFKC decomposition -> what it normalises to ("" if only marks)."""
    folds = {}
    for code in [*range(0xFB50, 0xFE00), *range(0xFE70, 0xFF00)]:
        ch = chr(code)
        folded = unicodedata.normalize("NFKC", ch)
        if folded == ch or ch in _DELETE:
            continue
        folded = _lower(folded.translate(_BASE_TABLE))
        folds[ch] = "" if folded.isspace() else folded  # the isolated form of a mark is " " + mark
    return folds


def _lower(text: str) -> str:
    """Lower-case without changing the length: a letter whose lower case is longer (only İ) stays as it is."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(low if len(low := ch.lower()) == 1 else ch for ch in text)


_FOLDS = _presentation_forms()
_DELETE |= {ch for ch, folded in _FOLDS.items() if not folded}
_DELETE_RE = re.compile("[" + "".join(re.escape(c) for c in sorted(_DELETE)) + "]")
#: Characters that become several (ligatures): the one case where the text grows.
_EXPAND = {ch: folded for ch, folded in _FOLDS.items() if len(folded) > 1}
_EXPAND_RE = re.compile("[" + "".join(sorted(_EXPAND)) + "]")
_TABLE = str.maketrans({**_REPLACE, **{ch: f for ch, f in _FOLDS.items() if f}, **{c: None for c in _DELETE}})
_ARABIC_LETTER = r"\u0621-\u064A\u0671-\u06D3"


@dataclass(frozen=True)
class GlueRepair:
    """One glued-word repair: ``glued`` (as written in the texts) becomes ``repaired``."""

    glued: str
    repaired: str
    note: str = ""


@dataclass(frozen=True)
class NormalizedText:
    """Normalised text plus, for each of its characters, the raw index it came from.

    ``offsets[i]`` is the raw index of ``text[i]``. A space inserted by a glue repair maps to the
    raw index of the character that follows it, so spans never point outside the raw word.
    """

    text: str
    offsets: np.ndarray
    raw_length: int
    repairs: tuple[tuple[int, str], ...] = field(default=())  # (raw start, glued word) applied

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Raw ``(start, end)`` covering normalised ``text[start:end]`` (end exclusive)."""
        if not 0 <= start < end <= len(self.text):
            raise ValueError(f"span ({start}, {end}) is outside the normalised text of {len(self.text)} chars")
        return int(self.offsets[start]), int(self.offsets[end - 1]) + 1


def load_glue_repairs(path: str | Path) -> list[GlueRepair]:
    """Read the glued-word table (CSV with columns ``glued,repaired,note``).

    Each repair must only insert spaces: ``repaired`` without its spaces must equal ``glued``,
    so the repair can never change what a word says. Errors name the file and line.
    """
    path = Path(path)
    repairs: list[GlueRepair] = []
    seen: set[str] = set()
    for line, row in read_csv_rows(path, "glued-word table", ["glued", "repaired"]):
        glued, repaired = row["glued"].strip(), row["repaired"].strip()
        if not glued or not repaired:
            raise InputError(f"{path}, line {line}: both 'glued' and 'repaired' must be filled")
        if repaired.replace(" ", "") != glued:
            raise InputError(
                f"{path}, line {line}: repair {repaired!r} must be {glued!r} with spaces added, nothing else"
            )
        if glued in seen:
            raise InputError(f"{path}, line {line}: {glued!r} is listed twice")
        seen.add(glued)
        repairs.append(GlueRepair(glued, repaired, row.get("note", "").strip()))
    return repairs


def normalize_word(text: str) -> str:
    """Normalise a short string (a pattern, a name) without tracking offsets."""
    return _lower(text.translate(_TABLE))


def _glue_matches(text: str, words: tuple[str, ...]) -> list[tuple[int, str]]:
    """``(start, word)`` of what ``re.finditer("|".join(words), text)`` finds, ``words`` longest first:
    every occurrence by ``str.find`` (a fast scan per word), then leftmost first, the longest at one
    start, never overlapping."""
    found = []
    for rank, word in enumerate(words):
        i = text.find(word)
        while i >= 0:
            found.append((i, rank, word))
            i = text.find(word, i + 1)
    found.sort()
    out, end = [], 0
    for start, _, word in found:
        if start >= end:
            out.append((start, word))
            end = start + len(word)
    return out


_ARABIC_LETTER_RE = re.compile(f"[{_ARABIC_LETTER}]")
_LETTER_FORMS = "".join(sorted(ch for ch, folded in _FOLDS.items() if _ARABIC_LETTER_RE.search(folded)))
_ARABIC_LETTER_ANY_FORM = re.compile(f"[{_ARABIC_LETTER}{_LETTER_FORMS}]")


def has_arabic_letters(text: str) -> bool:
    """Whether ``text`` holds an Arabic letter, in ordinary or presentation form (as PDF extractions give it)."""
    return _ARABIC_LETTER_ANY_FORM.search(text) is not None


def _is_whole_word(text: str, start: int, end: int) -> bool:
    """Not preceded or followed by another Arabic letter (a glued word inside a longer word is left alone)."""
    before = start > 0 and _ARABIC_LETTER_RE.match(text, start - 1) is not None
    after = end < len(text) and _ARABIC_LETTER_RE.match(text, end) is not None
    return not (before or after)


@functools.lru_cache(maxsize=16)
def _glue(repairs: tuple[GlueRepair, ...]) -> tuple[tuple[str, ...], dict[str, str]]:
    """The glued words (normalised, longest first) and their repaired forms, of one repair table (a few
    tables are remembered)."""
    words = tuple(sorted({normalize_word(r.glued) for r in repairs}, key=lambda w: (-len(w), w)))
    return words, {normalize_word(r.glued): normalize_word(r.repaired) for r in repairs}


@functools.cache
def _bmp_tables() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per code point of the Basic Multilingual Plane: deleted?, what it becomes (one character),
    how many characters it becomes, where its characters start in a flat table, and one table of
    them all (what it becomes, or :data:`_DELETED` / :data:`_EXPANDED`) for a single look-up."""
    chars = [chr(c) for c in range(0x10000)]
    mapped = "".join(ch.translate(_TABLE)[:1] or "\0" for ch in chars)  # deleted chars stand as NUL
    lowered = [_lower(ch) for ch in mapped]
    target = np.fromiter((ord(ch) for ch in lowered), dtype=np.uint32, count=0x10000)
    deleted = np.zeros(0x10000, dtype=bool)
    deleted[[ord(c) for c in _DELETE]] = True
    width = (~deleted).astype(np.int64)
    flat_start = np.arange(0x10000, dtype=np.int64)  # single characters: their entry of ``target``
    flat = [target]
    position = 0x10000
    for ch, folded in sorted(_EXPAND.items()):
        width[ord(ch)] = len(folded)
        flat_start[ord(ch)] = position
        flat.append(np.fromiter(map(ord, folded), dtype=np.uint32, count=len(folded)))
        position += len(folded)
    fold = np.where(deleted, _DELETED, np.where(width > 1, _EXPANDED, target)).astype(np.uint32)
    return deleted, target, width, np.concatenate(flat), flat_start, fold


_DELETED, _EXPANDED = np.uint32(0xFFFFFFFF), np.uint32(0xFFFFFFFE)  # above every code point


def _normalize_chars_slow(raw: str) -> tuple[str, np.ndarray]:
    """Deletions and replacements with ``str.translate`` (any text)."""
    if _EXPAND_RE.search(raw):  # ligatures grow: one offset per output character
        lengths = [len(ch.translate(_TABLE)) for ch in raw]
        offsets = np.repeat(np.arange(len(raw), dtype=np.int64), lengths)
        return _lower(raw.translate(_TABLE)), offsets
    deleted = [m.start() for m in _DELETE_RE.finditer(raw)]
    offsets = np.arange(len(raw), dtype=np.int64)
    if deleted:
        offsets = np.delete(offsets, deleted)
    return _lower(raw.translate(_TABLE)), offsets


def _normalize_chars(raw: str) -> tuple[str, np.ndarray]:
    """Deletions and replacements as NumPy table look-ups over the code points.

    Same result as :func:`_normalize_chars_slow` (a test checks it) but several times faster on
    large archives. Texts outside the BMP, or with a capital sigma (whose lower case depends on its
    position in the word), take the ``str`` path.
    """
    text, offsets, _ = _normalize_codes(raw)
    return text, offsets


def _normalize_codes(raw: str) -> tuple[str, np.ndarray, np.ndarray]:
    """:func:`_normalize_chars` plus the code points of the normalised text (for the matcher: the text
    is converted to code points once). A lone surrogate is a :class:`~arabic_themes._chars.LoneSurrogate`."""
    text, codes, positions = _fold(raw)
    return text, positions.array(), codes


def _fold(raw: str) -> tuple[str, np.ndarray, _Offsets]:
    """:func:`_normalize_codes` with the offsets as an :class:`_Offsets` (no array per character unless the text
    grew)."""
    codes = code_points(raw)
    if codes.size == 0 or codes.max() > 0xFFFF or "\u03a3" in raw:
        text, offsets = _normalize_chars_slow(raw)
        return text, np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32), _Offsets(full=offsets)
    *_, fold = _bmp_tables()
    out = fold[codes]  # one look-up: the folded character, or a mark for deleted and expanded ones
    special = np.flatnonzero(out >= _EXPANDED)  # few
    if special.size == 0:
        positions = _Offsets(size=codes.size)
    elif not (out[special] == _EXPANDED).any():  # deletions only
        positions = _Offsets(size=codes.size, deleted=special)
        kept = np.ones(codes.size, dtype=bool)
        kept[special] = False
        out = out[kept]
    else:  # ligatures: each output character takes its place in the flat table
        _, _, width, flat, flat_start, _ = _bmp_tables()
        widths = width[codes]
        offsets = np.repeat(np.arange(codes.size, dtype=np.int64), widths)
        first_out = np.cumsum(widths) - widths
        within = np.arange(offsets.size, dtype=np.int64) - first_out[offsets]
        out = flat[flat_start[codes[offsets]] + within]
        positions = _Offsets(full=offsets)
    return str(memoryview(out), "utf-32-le"), out, positions


class _Offsets:
    """Where each character of a normalised text came from (:attr:`NormalizedText.offsets`), kept as the few
    places where that changes: the raw characters deleted, then the places where a glue repair put a space
    (before character ``inserted[i]`` of the text as it was then, mapped to that character's raw index). Only a
    text that grew (ligatures) keeps one offset per character (``full``)."""

    def __init__(self, size: int = 0, deleted: np.ndarray | None = None, full: np.ndarray | None = None):
        self.size, self.full = size, full
        empty = np.empty(0, dtype=np.int64)
        self.deleted = empty if deleted is None else deleted.astype(np.int64)
        self.before = self.deleted - np.arange(self.deleted.size)  # kept characters before each deleted one
        self.inserted = self.spaces = empty

    def insert(self, at: list[int]) -> None:
        """A space was put before each character ``at`` (ascending) of the text as it was."""
        if self.full is not None:
            self.full = _insert(self.full, at, self.full[at])
        else:
            self.inserted = np.asarray(at, dtype=np.int64)
        self.spaces = self.inserted + np.arange(self.inserted.size)  # where the spaces are now

    def raw(self, index: np.ndarray) -> np.ndarray:
        """The offsets of the characters ``index`` of the normalised text (``offsets[index]``)."""
        if self.full is not None:
            return self.full[index]
        index = np.asarray(index, dtype=np.int64)
        if self.inserted.size:  # a space maps to the character it was put before
            index = index - np.searchsorted(self.spaces, index, side="left")
        return index + np.searchsorted(self.before, index, side="right")

    def searchsorted(self, raw: np.ndarray, side: str = "left") -> np.ndarray:
        """``np.searchsorted(offsets, raw, side="left")``: the first character of the normalised text that comes
        from raw index ``raw`` or later."""
        if side != "left":
            raise ValueError("only side='left' is kept")
        if self.full is not None:
            return np.searchsorted(self.full, raw, side="left")
        raw = np.asarray(raw, dtype=np.int64)
        index = np.minimum(raw - np.searchsorted(self.deleted, raw, side="left"), self.size - self.deleted.size)
        return index + np.searchsorted(self.inserted, index, side="left") if self.inserted.size else index

    def array(self) -> np.ndarray:
        """One offset per character (an ``int64`` array)."""
        if self.full is not None:
            return self.full
        if self.deleted.size:
            kept = np.ones(self.size, dtype=bool)
            kept[self.deleted] = False
            offsets = np.flatnonzero(kept)
        else:
            offsets = np.arange(self.size, dtype=np.int64)
        return _insert(offsets, self.inserted.tolist(), offsets[self.inserted]) if self.inserted.size else offsets


def _insert(values: np.ndarray, at: list[int], new: np.ndarray) -> np.ndarray:
    """``np.insert(values, at, new)`` for ascending ``at`` (a few positions in a long array), in one copy."""
    pieces, last = [], 0
    for k, position in enumerate(at):
        pieces += [values[last:position], new[k : k + 1]]
        last = position
    return np.concatenate([*pieces, values[last:]])


def normalize(raw: str, repairs: list[GlueRepair] | None = None) -> NormalizedText:
    """Normalise ``raw`` for matching; see the module docstring for what changes.

    Idempotent: ``normalize(normalize(x).text).text == normalize(x).text``.
    """
    return _normalize(raw, repairs)[0]


def _normalize(raw: str, repairs: list[GlueRepair] | None = None) -> tuple[NormalizedText, np.ndarray]:
    """:func:`normalize`, and the code points of the normalised text."""
    text, codes, positions, applied = _normalize_lazily(raw, repairs)
    return NormalizedText(text=text, offsets=positions.array(), raw_length=len(raw), repairs=applied), codes


def _normalize_lazily(
    raw: str, repairs: list[GlueRepair] | None = None
) -> tuple[str, np.ndarray, _Offsets, tuple[tuple[int, str], ...]]:
    """:func:`_normalize` as its parts: the text, its code points, its :class:`_Offsets` (not an array per
    character) and the repairs applied."""
    try:
        text, codes, positions = _fold(raw)
    except LoneSurrogate as exc:
        raise exc.named("text to normalise") from None
    # glued words: insert spaces, mapping each inserted space to the next raw character
    applied: list[tuple[int, str]] = []  # (start in the folded text, glued form), then raw start
    words, mapping = _glue(tuple(repairs or ()))
    if words and text:
        pieces: list[str] = []
        insert_at: list[int] = []
        last = 0
        for start, glued in _glue_matches(text, words):
            if not _is_whole_word(text, start, start + len(glued)):
                continue
            repaired = mapping[glued]
            pieces.append(text[last:start])
            k = start
            for ch in repaired:  # walk the repaired form; spaces are the only additions
                if ch == " ":
                    insert_at.append(k)
                else:
                    k += 1
            pieces.append(repaired)
            last = start + len(glued)
            applied.append((start, glued))
        if applied:  # one look-up for all (the text's positions before the spaces are put in)
            raw_starts = positions.raw(np.asarray([start for start, _ in applied], dtype=np.int64)).tolist()
            applied = [(raw, glued) for raw, (_, glued) in zip(raw_starts, applied, strict=True)]
        if insert_at:
            pieces.append(text[last:])
            text = "".join(pieces)
            positions.insert(insert_at)
            codes = _insert(codes, insert_at, np.full(len(insert_at), ord(" "), dtype=codes.dtype))
    return text, codes, positions, tuple(applied)
