"""English glosses of Arabic spans, for readers without Arabic (``data/glosses.csv``).

A gloss table has one row per glossed item: ``kind, doc_id, start, end, term, arabic, english``.
Spans of a text (``kind`` unit, quotation, term, claim) are keyed by ``doc_id`` and raw offsets
``start``, ``end``, and ``arabic`` holds ``raw[start:end]`` so that the key can be checked against the
corpus; words (``kind`` word, the keyness labels) are keyed by the normalised word in ``term`` and
leave ``doc_id``, ``start`` and ``end`` empty. Glosses are plain-English renderings for reading along,
not published translations.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from arabic_themes.errors import InputError, read_input_text

__all__ = ["COLUMNS", "SPAN_KINDS", "WORD_KINDS", "add_glosses", "gloss_for", "load_glosses", "unit_gloss"]

COLUMNS = ["kind", "doc_id", "start", "end", "term", "arabic", "english"]
SPAN_KINDS = ("unit", "quotation", "term", "claim")  # keyed by doc_id, start, end (also the join preference)
WORD_KINDS = ("word",)  # keyed by the normalised word in ``term``
_KEY = ["doc_id", "start", "end"]
_DIGITS = re.compile(r"[0-9]+")


def load_glosses(path: str | Path, corpus: pd.DataFrame | None = None) -> pd.DataFrame:
    """Read and check a gloss table; errors name the file and line at fault.

    Checks: the seven columns; a known ``kind``; for spans a ``doc_id`` and integer offsets with
    ``0 <= start < end``, for words a ``term`` and no offsets; ``arabic`` and ``english`` filled; no key
    (kind + doc_id, start, end + term) twice. With ``corpus`` (from :func:`load_corpus`), every span's
    ``doc_id`` must be in it and ``arabic`` must equal ``text[start:end]``. Offsets come back as
    nullable integers (``<NA>`` for words), text columns as strings.
    """
    path = Path(path)
    text = read_input_text(path, "gloss table", encoding="utf-8-sig")
    texts = dict(zip(corpus["doc_id"], corpus["text"], strict=True)) if corpus is not None else None
    rows: list[dict[str, object]] = []
    seen: dict[tuple[str, str, str, str, str], int] = {}
    reader = csv.DictReader(io.StringIO(text, newline=""))
    line = 1
    try:
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise InputError(f"{path}: missing column(s) {missing}; expected {','.join(COLUMNS)}")
        line = reader.line_num + 1  # line where the next record starts
        for row in reader:
            rows.append(_check_row(path, line, row, texts, seen))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise InputError(f"{path}, line {line}: not valid CSV: {exc}") from None
    frame = pd.DataFrame(rows, columns=COLUMNS)
    return frame.astype({"start": "Int64", "end": "Int64"})


def _check_row(
    path: Path,
    line: int,
    row: dict[str, str | None],
    texts: dict[str, str] | None,
    seen: dict[tuple[str, str, str, str, str], int],
) -> dict[str, object]:
    """One record of :func:`load_glosses`, checked; raises :class:`InputError` naming ``path, line``."""
    where = f"{path}, line {line}"
    if None in row or any(row[c] is None for c in COLUMNS):
        raise InputError(f"{where}: expected {len(COLUMNS)} fields ({','.join(COLUMNS)})")
    values = {c: str(row[c]) for c in COLUMNS}
    kind = values["kind"].strip()
    if kind not in SPAN_KINDS + WORD_KINDS:
        raise InputError(f"{where}: kind {kind!r} is not one of {', '.join(SPAN_KINDS + WORD_KINDS)}")
    for col in ("arabic", "english"):
        if not values[col].strip():
            raise InputError(f"{where}: column {col!r} is empty")
    start: int | None = None
    end: int | None = None
    if kind in SPAN_KINDS:
        if not values["doc_id"].strip():
            raise InputError(f"{where}: a {kind} gloss needs a doc_id")
        for col in ("start", "end"):
            if not _DIGITS.fullmatch(values[col]):
                raise InputError(f"{where}: column {col!r} has {values[col]!r}, expected a non-negative integer offset")
        start, end = int(values["start"]), int(values["end"])
        if start >= end:
            raise InputError(f"{where}: start {start} must be smaller than end {end}")
        if texts is not None:
            doc = values["doc_id"]
            if doc not in texts:
                raise InputError(f"{where}: doc_id {doc!r} is not in the corpus")
            if end > len(texts[doc]):
                raise InputError(f"{where}: end {end} is past the end of {doc!r} ({len(texts[doc])} characters)")
            if texts[doc][start:end] != values["arabic"]:
                raise InputError(
                    f"{where}: 'arabic' is not the text at {doc}[{start}:{end}] "
                    f"({values['arabic'][:30]!r} vs {texts[doc][start:end][:30]!r})"
                )
    else:
        if not values["term"].strip():
            raise InputError(f"{where}: a {kind} gloss needs the word in 'term'")
        if values["doc_id"] or values["start"] or values["end"]:
            raise InputError(f"{where}: a {kind} gloss is keyed by 'term' only; leave doc_id, start and end empty")
    key = (kind, values["doc_id"], values["start"], values["end"], values["term"])
    if key in seen:
        raise InputError(
            f"{where}: the same key ({', '.join(k for k in key if k)}) is already glossed on line {seen[key]}"
        )
    seen[key] = line
    return {**values, "kind": kind, "start": start, "end": end}


def gloss_for(
    frame: pd.DataFrame,
    glosses: pd.DataFrame,
    *,
    kinds: Sequence[str] = SPAN_KINDS,
    by: str = "span",
    word_column: str = "word",
) -> pd.Series:
    """The English gloss of each row of ``frame`` ("" where there is none), aligned to its index.

    ``by="span"`` matches ``doc_id, start, end`` against glosses of the given ``kinds``; when one span
    is glossed under several kinds the first kind in ``kinds`` wins, so no row is ever duplicated.
    ``by="word"`` matches ``frame[word_column]`` against the ``term`` of word glosses.
    """
    if by == "span":
        missing = [c for c in _KEY if c not in frame.columns]
        if missing:
            raise ValueError(f"gloss_for needs the columns {_KEY}; missing {missing}")
        table = glosses[glosses["kind"].isin(kinds)].copy()
        table["_rank"] = table["kind"].map({k: i for i, k in enumerate(kinds)})
        table = table.sort_values("_rank", kind="stable").drop_duplicates(_KEY)
        lookup: dict[object, str] = {
            (d, int(s), int(e)): g
            for d, s, e, g in zip(table["doc_id"], table["start"], table["end"], table["english"], strict=True)
        }
        keys = zip(frame["doc_id"].astype(str), frame["start"], frame["end"], strict=True)
        values = [lookup.get((d, int(s), int(e)), "") if pd.notna(s) and pd.notna(e) else "" for d, s, e in keys]
    elif by == "word":
        if word_column not in frame.columns:
            raise ValueError(f"gloss_for(by='word') needs the column {word_column!r}")
        table = glosses[glosses["kind"].isin(WORD_KINDS)].drop_duplicates("term")
        lookup = dict(zip(table["term"], table["english"], strict=True))
        values = [lookup.get(str(w), "") for w in frame[word_column]]
    else:
        raise ValueError(f"by must be 'span' or 'word', not {by!r}")
    return pd.Series(values, index=frame.index, dtype=object, name="english")


def add_glosses(
    frame: pd.DataFrame,
    glosses: pd.DataFrame,
    column: str = "english",
    *,
    kinds: Sequence[str] = SPAN_KINDS,
    by: str = "span",
    word_column: str = "word",
) -> pd.DataFrame:
    """``frame`` with an English column added (a left join on the key; same rows, same order).

    Rows without a gloss get "". See :func:`gloss_for` for ``kinds``, ``by`` and ``word_column``.
    """
    if column in frame.columns:
        raise ValueError(f"the table already has a column {column!r}; pass another name with column=")
    return frame.assign(**{column: gloss_for(frame, glosses, kinds=kinds, by=by, word_column=word_column)})


def unit_gloss(frame: pd.DataFrame, units: pd.DataFrame, glosses: pd.DataFrame, *, text: str = "") -> pd.Series:
    """The English gloss of the *unit* that holds each row of ``frame`` ("" where there is none).

    ``units`` is the sentence table (``doc_id, start, end, text``). A row is placed by its
    ``doc_id`` and ``start`` offset (a concordance line, a quoted span) — or, with ``text``, by the
    first unit of its article whose text contains that column's text (an anchor example quoted
    without offsets; spaces compared loosely). Use it where the span itself has no gloss of its own:
    the English is then the whole sentence's.
    """
    lookup = gloss_for(units, glosses, kinds=("unit",))
    by_doc: dict[str, pd.DataFrame] = {
        str(d): g.sort_values("start", kind="stable")
        for d, g in units.assign(_english=lookup.to_numpy()).groupby("doc_id", sort=False)
    }
    values: list[str] = []
    for i in range(len(frame)):
        doc = str(frame["doc_id"].iloc[i])
        group = by_doc.get(doc)
        found = ""
        if group is not None and text:
            wanted = " ".join(str(frame[text].iloc[i]).split())
            for unit_text, english in zip(group["text"], group["_english"], strict=True):
                if wanted and wanted in " ".join(str(unit_text).split()):
                    found = str(english)
                    break
        elif group is not None:
            start = int(frame["start"].iloc[i])
            at = int(group["start"].searchsorted(start, side="right")) - 1
            if at >= 0 and start < int(group["end"].iloc[at]):
                found = str(group["_english"].iloc[at])
        values.append(found)
    return pd.Series(values, index=frame.index, dtype=object, name="english")
