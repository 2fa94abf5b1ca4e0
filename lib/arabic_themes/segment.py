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
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

__all__ = ["SENTENCE_COLUMNS", "load_run_in_headings", "segment", "segment_text"]

SENTENCE_COLUMNS = ["doc_id", "paragraph", "sentence_id", "start", "end", "kind", "text"]

_TERMINATOR = re.compile(r"(?:[.!?؟؛…]+)[\"'”’»″)\]]*(?=\s|$)")
_LINE = re.compile(r"[^\r\n]+")
_HEADING_MAX_WORDS = 12
_PAIRS = {"«": "»", "“": "”"}
_SYMMETRIC = {'"', "″"}


def load_run_in_headings(path: str | Path) -> dict[str, list[str]]:
    """Read ``doc_id,heading`` rows: headings that the scraper glued onto the next sentence."""
    path = Path(path)
    result: dict[str, list[str]] = {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if not {"doc_id", "heading"} <= set(reader.fieldnames or []):
            raise ValueError(f"{path}: expected columns doc_id,heading; found {reader.fieldnames}")
        for row in reader:
            doc_id, heading = (row["doc_id"] or "").strip(), (row["heading"] or "").strip()
            if not doc_id or not heading:
                raise ValueError(f"{path}, line {reader.line_num}: doc_id and heading must both be filled")
            result.setdefault(doc_id, []).append(heading)
    return result


def _quote_spans(para: str) -> list[tuple[int, int]]:
    """(start, end) of balanced quotations in a paragraph, end exclusive (after the closing mark)."""
    spans: list[tuple[int, int]] = []
    # paired marks: « » and “ ”, nesting ignored (outermost wins)
    for opener, closer in _PAIRS.items():
        depth, begin = 0, 0
        for i, ch in enumerate(para):
            if ch == opener:
                if depth == 0:
                    begin = i
                depth += 1
            elif ch == closer and depth > 0:
                depth -= 1
                if depth == 0:
                    spans.append((begin, i + 1))
    # straight quotes toggle; ignored when they do not balance in the paragraph
    marks = [i for i, ch in enumerate(para) if ch in _SYMMETRIC]
    if len(marks) % 2 == 0:
        spans.extend((marks[k], marks[k + 1] + 1) for k in range(0, len(marks), 2))
    return spans


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(a < pos < b for a, b in spans)


def _split_paragraph(para: str, headings: Iterable[str]) -> list[tuple[int, int, str]]:
    """Units of one paragraph as (start, end, kind), offsets relative to the paragraph."""
    spans = _quote_spans(para)
    cuts: set[int] = set()
    for m in _TERMINATOR.finditer(para):
        if not _inside(m.end(), spans):
            cuts.add(m.end())
    heading_spans: list[tuple[int, int]] = []
    for heading in headings:
        for hm in re.finditer(re.escape(heading), para):
            heading_spans.append((hm.start(), hm.end()))
            cuts.update((hm.start(), hm.end()))
    bounds = sorted(cuts | {0, len(para)})
    units: list[tuple[int, int, str]] = []
    for a, b in zip(bounds, bounds[1:]):
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
        if len(text.split()) <= _HEADING_MAX_WORDS and not re.search(r"[.!:…،,][\"'”’»″)\]]*$", text):
            units[0] = (units[0][0], units[0][1], "heading")
    return units


def segment_text(text: str, doc_id: str = "doc", run_in_headings: Iterable[str] = ()) -> pd.DataFrame:
    """Segment one raw text; see the module docstring for the rules. One row per unit."""
    headings = list(run_in_headings)
    found = {h: False for h in headings}
    rows = []
    paragraph = 0
    sentence_id = 0
    for line in _LINE.finditer(text):
        para = line.group(0)
        if not para.strip():
            continue
        paragraph += 1
        present = [h for h in headings if h in para]
        for h in present:
            found[h] = True
        for start, end, kind in _split_paragraph(para, present):
            sentence_id += 1
            a, b = line.start() + start, line.start() + end
            rows.append((doc_id, paragraph, sentence_id, a, b, kind, text[a:b]))
    missing = [h for h, ok in found.items() if not ok]
    if missing:
        raise ValueError(f"run-in heading {missing[0]!r} listed for {doc_id!r} does not occur in its text")
    frame = pd.DataFrame(rows, columns=SENTENCE_COLUMNS)
    return frame.astype({"paragraph": "int64", "sentence_id": "int64", "start": "int64", "end": "int64"})


def segment(corpus: pd.DataFrame, run_in_headings: Mapping[str, Iterable[str]] | None = None) -> pd.DataFrame:
    """One row per sentence (or heading) of every article in ``corpus`` (from :func:`load_corpus`).

    Columns: ``doc_id, paragraph, sentence_id, start, end, kind, text``; ``sentence_id`` counts
    from 1 within each article and ``raw[start:end] == text``. ``run_in_headings`` maps a
    ``doc_id`` to headings glued into its text (see :func:`load_run_in_headings`).
    """
    run_in_headings = run_in_headings or {}
    unknown = sorted(set(run_in_headings) - set(corpus["doc_id"]))
    if unknown:
        raise ValueError(f"run-in headings are listed for doc_id(s) not in the corpus: {unknown}")
    frames = [
        segment_text(text, doc_id, run_in_headings.get(doc_id, ()))
        for doc_id, text in zip(corpus["doc_id"], corpus["text"])
    ]
    if not frames:
        return pd.DataFrame(columns=SENTENCE_COLUMNS)
    return pd.concat(frames, ignore_index=True)
