"""Split articles into paragraphs and sentences, keeping raw character offsets.

Rules (each has a test in ``tests/test_segment.py``):

* **Paragraphs** are lines; ``\\n``, ``\\r\\n`` and ``\\r`` all count, blank lines are skipped.
* **Sentence ends** are ``. ! ? ؟ ؛ …`` (and runs such as ``...`` or ``!؟``) followed by optional
  closing quotes/brackets and then whitespace or the end of the paragraph. A full stop between
  digits (``3.5``) or inside a word is not an end, so ``إس-400``, ``سو-35`` and ``17 يناير 2025``
  stay whole. The comma ``،`` never ends a sentence.
* **Quotations** are not split: an end inside a balanced quotation (``«…»``, ``“…”``, ``"…"``,
  ``"…″``) is ignored, so a quoted remark of two sentences stays with its attribution. If a
  paragraph's straight quotes do not balance they are ignored rather than guessed at.
* **Headings on their own line** (short, no sentence-final ``.``/``!``/``:``, also not before closing
  quotes as in ``«… نتدخل.»``) get ``kind="heading"``.
* **Headings run into the text** (scraped pages lost the line break: ``… 2025. دعم محدود
  بتصريحات دبلوماسية رغم توقيع …``) cannot be told from the sentence by punctuation. They are
  listed per document in a table (``data/run_in_headings.csv``) and split off as their own
  ``heading`` unit; a listed heading not found in its text is an error.

Every unit satisfies ``raw[start:end] == text``; units never overlap and what lies between them
is whitespace only.

:func:`segment_text` applies the rules paragraph by paragraph with regular expressions (the
reference); :func:`segment` does the same for a batch of articles at once with array operations
over their code points (one class look-up per character, quotation marks of every line paired at
once) and builds the table column by column. Property tests check that both give the same units.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from arabic_themes._batch import BATCH_CHARS, batches
from arabic_themes._chars import LoneSurrogate, char_classes, check_text, code_points, runs
from arabic_themes.errors import InputError, read_csv_rows

__all__ = ["SENTENCE_COLUMNS", "load_run_in_headings", "segment", "segment_text"]

SENTENCE_COLUMNS = ["doc_id", "paragraph", "sentence_id", "start", "end", "kind", "text"]

_TERMINATOR = re.compile(r"(?:[.!?؟؛…]+)[\"'”’»″)\]]*(?=\s|$)")
_LINE = re.compile(r"[^\r\n]+")
_HEADING_MAX_WORDS = 12
_PAIRS = {"«": "»", "“": "”"}
_SYMMETRIC = {'"', "″"}


def _table(chars: str) -> np.ndarray:
    """Membership table over the BMP (all of these characters are in it)."""
    table = np.zeros(0x10000, dtype=bool)
    table[[ord(c) for c in chars]] = True
    return table


def _member(codes: np.ndarray, table: np.ndarray) -> np.ndarray:
    return table[np.minimum(codes, 0xFFFF)]  # astral code points are in none of the sets


# the same character sets as the regexes above, as tables for NumPy scans
_TERMINATOR_CHARS = _table(".!?؟؛…")
_CLOSER_CHARS = _table("\"'”’»″)]")
_QUOTE_CHARS_TABLE = _table("«»“”\"″")


def _terminator_ends(classes: np.ndarray, is_space: np.ndarray) -> np.ndarray:
    """End offsets of the matches of ``_TERMINATOR`` (a run of end marks, closing quotes or
    brackets, then whitespace or the end of the text), found with array operations on the
    characters' classes (:data:`_CLASS`)."""
    run_starts, run_ends = runs((classes & _TERM) != 0)
    del run_starts
    is_closer = (classes & _CLOSE) != 0
    pos = run_ends.copy()
    active = pos < classes.size
    while active.any():  # skip closing quotes and brackets (a few characters at most)
        idx = np.flatnonzero(active)
        step = is_closer[pos[idx]]
        pos[idx[step]] += 1
        active[idx[~step]] = False
        active[idx[step]] = pos[idx[step]] < classes.size
    ok = pos == classes.size
    ok[~ok] = is_space[pos[~ok]]
    return pos[ok]


def load_run_in_headings(path: str | Path) -> dict[str, list[str]]:
    """Read ``doc_id,heading`` rows: headings that the scraper glued onto the next sentence."""
    path = Path(path)
    result: dict[str, list[str]] = {}
    for line, row in read_csv_rows(path, "run-in heading table", ["doc_id", "heading"]):
        doc_id, heading = row["doc_id"].strip(), row["heading"].strip()
        if not doc_id or not heading:
            raise InputError(f"{path}, line {line}: doc_id and heading must both be filled")
        result.setdefault(doc_id, []).append(heading)
    return result


_QUOTE_CHARS = re.compile("[«»“”\"″]")
_FINAL = re.compile(r"[.!:…،,][\"'”’»″)\]]*$")
_FINAL_MARKS, _CLOSERS = ".!:…،,", "\"'”’»″)]"


def _final(text: str) -> bool:
    """``_FINAL.search(text)``, read from the end: final punctuation, then only closing quotes or brackets."""
    stripped = text.rstrip(_CLOSERS)
    return bool(stripped) and stripped[-1] in _FINAL_MARKS


def _quote_spans(para: str) -> list[tuple[int, int]]:
    """(start, end) of balanced quotations in a paragraph, end exclusive (after the closing mark).

    Only the quote characters are visited (found by one regex), so long paragraphs cost little.
    """
    spans: list[tuple[int, int]] = []
    marks = [(m.start(), m.group()) for m in _QUOTE_CHARS.finditer(para)]
    if not marks:
        return spans
    # paired marks: « » and “ ”, nesting ignored (outermost wins)
    for opener, closer in _PAIRS.items():
        depth, begin = 0, 0
        for i, ch in marks:
            if ch == opener:
                if depth == 0:
                    begin = i
                depth += 1
            elif ch == closer and depth > 0:
                depth -= 1
                if depth == 0:
                    spans.append((begin, i + 1))
    # straight quotes toggle; ignored when they do not balance in the paragraph
    straight = [i for i, ch in marks if ch in _SYMMETRIC]
    if len(straight) % 2 == 0:
        spans.extend((straight[k], straight[k + 1] + 1) for k in range(0, len(straight), 2))
    return spans


def _outside(positions: list[int], spans: list[tuple[int, int]]) -> list[bool]:
    """For each position: is it strictly inside none of the spans ``(a, b)``? One sort and a binary search
    per position, so a line with thousands of quotations costs ``O((n + m) log m)``, not ``n × m``."""
    if not spans:
        return [True] * len(positions)
    spans = sorted(spans)
    starts = np.asarray([a for a, _ in spans], dtype=np.int64)
    reach = np.maximum.accumulate(np.asarray([b for _, b in spans], dtype=np.int64))  # furthest end so far
    pos = np.asarray(positions, dtype=np.int64)
    last = np.searchsorted(starts, pos, side="left") - 1  # the last span starting strictly before pos
    covered = (last >= 0) & (reach[np.maximum(last, 0)] > pos)
    return (~covered).tolist()


def _units(para: str, ends: Iterable[int], headings: Iterable[str]) -> list[tuple[int, int, str]]:
    """Units of one paragraph as (start, end, kind), offsets relative to the paragraph.

    ``ends`` are the candidate sentence ends (just after a terminator) inside the paragraph.
    """
    spans = _quote_spans(para) if _QUOTE_CHARS.search(para) else []
    ends = list(ends)
    cuts = {e for e, out in zip(ends, _outside(ends, spans), strict=True) if out} if spans else set(ends)
    heading_spans: list[tuple[int, int]] = []
    for heading in headings:
        for hm in re.finditer(re.escape(heading), para):
            heading_spans.append((hm.start(), hm.end()))
            cuts.update((hm.start(), hm.end()))
    cuts.discard(0)
    cuts.discard(len(para))
    bounds = [0, *sorted(cuts), len(para)]
    units: list[tuple[int, int, str]] = []
    for a, b in itertools.pairwise(bounds):
        chunk = para[a:b]
        stripped = chunk.strip()
        if not stripped:
            continue
        start = a + (len(chunk) - len(chunk.lstrip()))
        end = start + len(stripped)
        kind = "heading" if (start, end) in heading_spans else "sentence"
        units.append((start, end, kind))
    if len(units) == 1 and units[0][2] == "sentence":
        text = para[units[0][0] : units[0][1]]
        # sentence-final punctuation may be followed by closing quotes/brackets: «… نتدخل.»
        if len(text.split()) <= _HEADING_MAX_WORDS and not _FINAL.search(text):
            units[0] = (units[0][0], units[0][1], "heading")
    return units


_Row = tuple[str, int, int, int, int, str, str]  # one row of SENTENCE_COLUMNS


def _segment_rows(text: str, doc_id: str, run_in_headings: Iterable[str]) -> list[_Row]:
    """The rows of :func:`segment_text` as plain tuples (one data frame is built for a whole corpus).

    Sentence ends are found with one regex pass over the whole text (a terminator must be followed
    by whitespace or the end, so a match never spans two lines) and handed to each paragraph.
    """
    check_text(text, f"doc_id {doc_id!r}")
    headings = list(run_in_headings)
    found = {h: False for h in headings}
    rows = []
    paragraph = 0
    sentence_id = 0
    ends = [m.end() for m in _TERMINATOR.finditer(text)]
    k = 0
    for line in _LINE.finditer(text):
        offset, stop = line.span()
        first = k
        while k < len(ends) and ends[k] <= stop:
            k += 1
        para = line.group(0)
        if para.isspace():
            continue
        paragraph += 1
        present = [h for h in headings if h in para] if headings else []
        for h in present:
            found[h] = True
        for start, end, kind in _units(para, [e - offset for e in ends[first:k]], present):
            sentence_id += 1
            rows.append((doc_id, paragraph, sentence_id, offset + start, offset + end, kind, para[start:end]))
    missing = [h for h, ok in found.items() if not ok]
    if missing:
        raise ValueError(f"run-in heading {missing[0]!r} listed for {doc_id!r} does not occur in its text")
    return rows


# one class table for the scans of _segment_plain: a single look-up per code point
_TERM, _CLOSE, _NEWLINE, _SPACE, _QUOTE = 1, 2, 4, 8, 16
_CLASS = np.zeros(0x10000, dtype=np.uint8)
_CLASS[_TERMINATOR_CHARS] |= _TERM
_CLASS[_CLOSER_CHARS] |= _CLOSE
_CLASS[[10, 13]] |= _NEWLINE
_CLASS[char_classes()[1]] |= _SPACE
_CLASS[_QUOTE_CHARS_TABLE] |= _QUOTE
_QUOTE_KIND = np.zeros(0x10000, dtype=np.int8)  # +1/-1 opener/closer of «», +2/-2 of “”, 3 straight
_QUOTE_KIND[[ord("«"), ord("»"), ord("“"), ord("”"), ord('"'), ord("″")]] = [1, -1, 2, -2, 3, 3]


def _classes(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per code point: its :data:`_CLASS` bits, and whether it is whitespace (astral ones are neither)."""
    if codes.size and int(codes.max()) > 0xFFFF:
        classes = _CLASS[np.minimum(codes, 0xFFFF)] * (codes <= 0xFFFF)
    else:
        classes = _CLASS[codes]
    return classes, (classes & _SPACE) != 0


def _quoted_spans(codes: np.ndarray, classes: np.ndarray, line_start: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(start, end) of every balanced quotation, by the rules of :func:`_quote_spans`, for all lines at
    once: paired marks by a running depth that a closer never takes below zero (reset at each line;
    a span runs from the opener that leaves depth 0 to the closer that returns to it), straight
    quotes paired in order on lines where they balance."""
    marks = np.flatnonzero(classes & _QUOTE)  # the few quotation marks (all in the BMP)
    kinds = _QUOTE_KIND[codes[marks]]
    starts, ends = [], []
    for pair in (1, 2):
        at = marks[np.abs(kinds) == pair]
        if at.size == 0:
            continue
        step = np.sign(_QUOTE_KIND[codes[at]]).astype(np.int64)
        line = np.searchsorted(line_start, at, side="right") - 1
        new_line = np.concatenate(([True], line[1:] != line[:-1]))
        total = np.cumsum(step)
        base = np.repeat((total - step)[new_line], np.diff(np.append(np.flatnonzero(new_line), at.size)))
        running = total - base  # sum since the line began
        big = 2 * (at.size + 1)  # later lines sit lower, so a running minimum never crosses a line
        lowest = np.minimum.accumulate(running - line * big) + line * big
        depth = running - np.minimum(lowest, 0)  # the depth after each mark, never below zero
        before = np.where(new_line, 0, np.roll(depth, 1))
        opens = (step == 1) & (before == 0)
        closes = (step == -1) & (before == 1)
        events = np.flatnonzero(opens | closes)  # alternate on each line: open, close, open, ...
        ends_at = events[closes[events]]
        position = np.searchsorted(events, ends_at)
        starts.append(at[events[position - 1]])
        ends.append(at[ends_at] + 1)
    straight = marks[kinds == 3]
    if straight.size:
        line = np.searchsorted(line_start, straight, side="right") - 1
        first = np.searchsorted(line, line, side="left")
        rank = np.arange(straight.size) - first
        count = np.searchsorted(line, line, side="right") - first
        opening = (rank % 2 == 0) & (count % 2 == 0)
        starts.append(straight[opening])
        ends.append(straight[np.flatnonzero(opening) + 1] + 1)
    if not starts:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    return np.concatenate(starts), np.concatenate(ends)


_STRIP_STEPS = 8  # whitespace stripped a character at a time, for all pieces at once; longer runs are looked up


def _strip(is_space: np.ndarray, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per piece ``a[i]:b[i]`` of the text: where it starts and ends once stripped of whitespace (``start >= end``
    if it is all whitespace). Pieces start and end with a few spaces at most: they are skipped a step at a time,
    and only runs longer than :data:`_STRIP_STEPS` are found by binary search among the non-space characters."""
    start, end = a.copy(), b.copy()
    lead, trail = np.flatnonzero(start < b), np.flatnonzero(end > a)
    for _ in range(_STRIP_STEPS):
        lead, trail = lead[is_space[start[lead]]], trail[is_space[end[trail] - 1]]
        start[lead] += 1
        end[trail] -= 1
        lead, trail = lead[start[lead] < b[lead]], trail[end[trail] > a[trail]]
    if lead.size or trail.size:  # long runs of whitespace (rare)
        solid = np.flatnonzero(~is_space)
        after = np.searchsorted(solid, start[lead], side="left")
        start[lead] = np.minimum(np.append(solid, b.max(initial=0))[after], b[lead])
        before = np.searchsorted(solid, end[trail], side="left")  # the last non-space before the end, +1
        end[trail] = np.maximum(np.concatenate(([-1], solid))[before] + 1, a[trail])
    return start, end


def _segment_plain(doc_ids: list[str], texts: list[str]) -> pd.DataFrame:
    """:func:`_segment_rows` for many articles without run-in headings, in one pass, built column-wise.

    The articles are joined with ``"\\n"`` and scanned once, with NumPy look-ups over the code
    points, for lines, sentence ends and quote marks (the same rules as the regexes ``_LINE``,
    ``_TERMINATOR`` and ``_QUOTE_CHARS``, and as :func:`_quote_spans`). A test checks that the
    result equals the paragraph-by-paragraph rules.
    """
    if not texts:
        return _frame([])
    joined = "\n".join(texts)
    doc_starts = np.concatenate(([0], np.cumsum([len(t) + 1 for t in texts])[:-1])).astype(np.int64)
    try:
        codes = code_points(joined)
    except LoneSurrogate as exc:  # name the article and the position in it
        at = int(np.searchsorted(doc_starts, exc.position, side="right")) - 1
        raise exc.named(f"doc_id {doc_ids[at]!r}", exc.position - int(doc_starts[at])) from None
    classes, is_space = _classes(codes)
    line_start, line_end = runs((classes & _NEWLINE) == 0)
    ends = _terminator_ends(classes, is_space)
    quote_start, quote_end = _quoted_spans(codes, classes, line_start)
    if quote_start.size and ends.size:  # an end strictly inside a quotation is not an end
        order = np.argsort(quote_start, kind="stable")
        quote_start, reach = quote_start[order], np.maximum.accumulate(quote_end[order])
        last = np.searchsorted(quote_start, ends, side="left") - 1
        ends = ends[~((last >= 0) & (reach[np.maximum(last, 0)] > ends))]
    cuts = np.unique(np.concatenate((line_start, line_end, ends)))
    a_cut, b_cut = cuts[:-1], cuts[1:]
    cut_line = np.searchsorted(line_start, a_cut, side="right") - 1
    inside = (cut_line >= 0) & (b_cut <= line_end[np.maximum(cut_line, 0)])
    a_cut, b_cut, cut_line = a_cut[inside], b_cut[inside], cut_line[inside]
    # strip each piece: its first and last non-space character (str.isspace)
    start, end = _strip(is_space, a_cut, b_cut)
    keep = start < end  # the piece holds a non-space character
    start, end, line = start[keep], end[keep], cut_line[keep]
    if line.size == 0:
        return _frame([])
    doc = np.searchsorted(doc_starts, line_start[line], side="right") - 1
    # numbering restarts in each article: sentences count units, paragraphs count lines with units
    doc_first = np.flatnonzero(np.concatenate(([True], doc[1:] != doc[:-1])))
    doc_begin = np.repeat(doc_first, np.diff(np.append(doc_first, line.size)))
    sentence_id = np.arange(line.size) - doc_begin + 1
    new_line = np.concatenate(([True], line[1:] != line[:-1]))
    lines_so_far = np.cumsum(new_line)
    paragraph = lines_so_far - lines_so_far[doc_begin] + 1
    texts_out = [joined[a:b] for a, b in zip(start.tolist(), end.tolist(), strict=True)]
    # a line holding a single unit is a heading when it is short and has no final punctuation
    line_size = np.diff(np.append(np.flatnonzero(new_line), line.size))
    heading = np.zeros(line.size, dtype=bool)
    for i in np.flatnonzero(np.repeat(line_size == 1, line_size)).tolist():
        text = texts_out[i]
        heading[i] = len(text.split(None, _HEADING_MAX_WORDS)) <= _HEADING_MAX_WORDS and not _final(text)
    base = doc_starts[doc]
    return _columns(doc_ids, doc, paragraph, sentence_id, start - base, end - base, heading, texts_out)


_STR = pd.StringDtype(na_value=np.nan)  # the text dtype pandas gives these columns


def _columns(
    doc_ids: list[str],
    doc: np.ndarray,
    paragraph: np.ndarray,
    sentence_id: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
    heading: np.ndarray,
    texts: list[str],
) -> pd.DataFrame:
    """The sentence table from its columns (string columns built by Arrow from an index, not row by row)."""
    import pyarrow as pa

    names = pa.array(doc_ids, type=pa.large_string()).take(pa.array(doc))
    kinds = pa.array(["sentence", "heading"], type=pa.large_string()).take(pa.array(heading.astype(np.int8)))
    return pd.DataFrame(
        {
            "doc_id": pd.array(names, dtype=_STR),
            "paragraph": paragraph.astype(np.int64),
            "sentence_id": sentence_id.astype(np.int64),
            "start": start.astype(np.int64),
            "end": end.astype(np.int64),
            "kind": pd.array(kinds, dtype=_STR),
            "text": pd.array(pa.array(texts, type=pa.large_string()), dtype=_STR),
        }
    )


def _frame(rows: list[_Row]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=SENTENCE_COLUMNS)
    types = {"paragraph": "int64", "sentence_id": "int64", "start": "int64", "end": "int64"}
    return frame.astype({**types, "doc_id": _STR, "kind": _STR, "text": _STR})


def segment_text(text: str, doc_id: str = "doc", run_in_headings: Iterable[str] = ()) -> pd.DataFrame:
    """Segment one raw text; see the module docstring for the rules. One row per unit."""
    return _frame(_segment_rows(text, doc_id, run_in_headings))


def segment(
    corpus: pd.DataFrame,
    run_in_headings: Mapping[str, Iterable[str]] | None = None,
    *,
    batch_chars: int = BATCH_CHARS,
) -> pd.DataFrame:
    """One row per sentence (or heading) of every article in ``corpus`` (from :func:`load_corpus`).

    Columns: ``doc_id, paragraph, sentence_id, start, end, kind, text``; ``sentence_id`` counts
    from 1 within each article and ``raw[start:end] == text``. ``run_in_headings`` maps a
    ``doc_id`` to headings glued into its text (see :func:`load_run_in_headings`). Articles are
    segmented ``batch_chars`` characters at a time (the result does not depend on it).
    """
    run_in_headings = run_in_headings or {}
    unknown = sorted(set(run_in_headings) - set(corpus["doc_id"]))
    if unknown:
        raise ValueError(f"run-in headings are listed for doc_id(s) not in the corpus: {unknown}")
    doc_ids, texts = corpus["doc_id"].tolist(), corpus["text"].tolist()
    frames: list[pd.DataFrame] = []
    for batch in batches([len(t) for t in texts], batch_chars):
        plain: list[int] = []  # runs of articles without run-in headings go through the one-pass path
        for i in [*batch, None]:
            if i is None or run_in_headings.get(doc_ids[i]):
                if plain:
                    frames.append(_segment_plain([doc_ids[k] for k in plain], [texts[k] for k in plain]))
                plain.clear()
                if i is not None:
                    frames.append(_frame(_segment_rows(texts[i], doc_ids[i], run_in_headings[doc_ids[i]])))
            else:
                plain.append(i)
    frames = [f for f in frames if len(f)]
    if not frames:
        return _frame([])
    return frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
