"""Descriptive tables about a corpus: sizes per article and what normalisation changed."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

import pandas as pd
from pyarabic import araby

from arabic_themes.normalisation import GlueRepair, normalize

__all__ = ["corpus_sizes", "normalisation_changes", "normalisation_examples"]

_WORD = re.compile(r"\w+(?:-\w+)*")


def corpus_sizes(corpus: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    """Per article: characters, words, paragraphs, sentences and headings (in corpus order)."""
    units = sentences.groupby("doc_id").agg(
        paragraphs=("paragraph", "max"),
        sentences=("kind", lambda k: int((k == "sentence").sum())),
        headings=("kind", lambda k: int((k == "heading").sum())),
    )
    sizes = pd.DataFrame(
        {
            "doc_id": corpus["doc_id"],
            "characters": corpus["text"].str.len(),
            "words": [len(_WORD.findall(t)) for t in corpus["text"]],
        }
    )
    out = sizes.merge(units, left_on="doc_id", right_index=True, how="left").fillna(0)
    for col in ("paragraphs", "sentences", "headings"):
        out[col] = out[col].astype("int64")
    total = {"doc_id": "total", **{c: int(out[c].sum()) for c in out.columns if c != "doc_id"}}
    return pd.concat([out, pd.DataFrame([total])], ignore_index=True)


def _rule(ch: str) -> str:
    if ch in araby.TASHKEEL or ch in (araby.SMALL_ALEF, "\u0670") or unicodedata.category(ch) == "Mn":
        return "diacritic removed"
    if ch == araby.TATWEEL:
        return "tatweel removed"
    if ch in "أإآٱ":
        return "alef variant → ا"
    if ch in "ؤئ":
        return "hamza seat → و/ي"
    if ch == "ى":
        return "alef maqsura → ي"
    if ch == "ة":
        return "teh marbuta → ه"
    if ch.isdigit():
        return "digit → ASCII"
    if ch.isalpha() and ch.isascii():
        return "Latin lower-cased"
    return "other (format/bidi mark, Persian letter)"


def normalisation_changes(corpus: pd.DataFrame, repairs: Iterable[GlueRepair] | None = None) -> pd.DataFrame:
    """How many characters each normalisation rule changed per article, plus glued words repaired."""
    repairs = list(repairs or [])
    rows = []
    for doc_id, raw in zip(corpus["doc_id"], corpus["text"], strict=True):
        counts: Counter[str] = Counter()
        for ch in raw:
            if ch.isspace():
                continue
            norm = normalize(ch).text
            if norm != ch:
                counts[_rule(ch)] += 1
        counts["glued words repaired"] = len(normalize(raw, repairs).repairs)
        rows.append({"doc_id": doc_id, **counts})
    frame = pd.DataFrame(rows).fillna(0)
    cols = ["doc_id"] + sorted(c for c in frame.columns if c != "doc_id")
    frame = frame[cols]
    for col in cols[1:]:
        frame[col] = frame[col].astype("int64")
    return frame


def normalisation_examples(
    corpus: pd.DataFrame, repairs: Iterable[GlueRepair] | None = None, limit: int = 12
) -> pd.DataFrame:
    """Distinct raw words that normalisation changes, with their normalised form and a count."""
    repairs = list(repairs or [])
    counts: Counter[tuple[str, str]] = Counter()
    for raw in corpus["text"]:
        for m in _WORD.finditer(raw):
            word = m.group(0)
            sub = normalize(word, repairs).text
            if sub != word:
                counts[(word, sub)] += 1
    rows = [
        {"raw": raw, "normalised": norm, "count": n}
        for (raw, norm), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    return pd.DataFrame(rows[:limit], columns=["raw", "normalised", "count"])
