"""Every codebook version scored on every hand-coded set, and which of those scores are fitted.

A codebook is revised after reading the coder's misses on some sets of hand-coded sentences; its
scores on those sets (and on every set an earlier version was revised after) are *fitted*, and
only the others estimate how it does on new text. The history — which sets each version was
revised after, and which set was written to test it — is data, kept in
``data/annotations/codebook_history.csv`` (``version, revised_after, tested_on``; several sets
separated by ``;``) and read by :func:`load_codebook_history`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from arabic_themes.errors import InputError, read_csv_rows

if TYPE_CHECKING:
    from arabic_themes.codebook import Codebook
    from arabic_themes.normalisation import GlueRepair

__all__ = ["first_look", "load_codebook_history", "mark_fitted", "score_versions"]


def load_codebook_history(path: str | Path) -> pd.DataFrame:
    """The history table: ``version``, ``revised_after`` (a list of set names), ``tested_on`` (one set or "")."""
    rows = read_csv_rows(path, "codebook history", ["version", "revised_after", "tested_on"])
    records = []
    for line, row in rows:
        version = row["version"].strip()
        if not version:
            raise InputError(f"{path}, line {line}: the version is blank")
        after = [s.strip() for s in row["revised_after"].split(";") if s.strip()]
        records.append({"version": version, "revised_after": after, "tested_on": row["tested_on"].strip()})
    table = pd.DataFrame(records, columns=["version", "revised_after", "tested_on"])
    if table["version"].duplicated().any():
        raise InputError(f"{path}: version {table['version'][table['version'].duplicated()].iloc[0]!r} appears twice")
    return table


def score_versions(
    versions: Mapping[str, Codebook],
    sets: Mapping[str, str | Path],
    units: pd.DataFrame,
    corpus: pd.DataFrame,
    reference: pd.DataFrame,
    repairs: Sequence[GlueRepair] = (),
) -> pd.DataFrame:
    """Agreement of every codebook version on the corpus (against ``reference``) and on every set.

    ``versions``: name → codebook, in order; ``sets``: name → CSV of hand-coded sentences (``text``
    and one 0/1 column per theme). One row per version, set and theme: ``codebook, sentences`` and
    the columns of :func:`arabic_themes.reliability.agreement`.
    """
    from arabic_themes.coding import code_sentences
    from arabic_themes.reliability import agreement, align_reference, align_texts

    loaded = {name: pd.read_csv(path, keep_default_na=False) for name, path in sets.items()}
    rows = []
    for version, book in versions.items():
        themes = book.theme_ids
        on_corpus = agreement(align_reference(code_sentences(units, book, corpus, repairs), reference, themes), themes)
        rows += [{"codebook": version, "sentences": "corpus", **r} for r in on_corpus.to_dict("records")]
        for name, frame in loaded.items():
            scored = agreement(align_texts(frame, book, repairs), themes)
            rows += [{"codebook": version, "sentences": name, **r} for r in scored.to_dict("records")]
    return pd.DataFrame(rows)


def mark_fitted(scores: pd.DataFrame, history: pd.DataFrame) -> pd.DataFrame:
    """``scores`` with a boolean ``fitted``: the version, or an earlier one, was revised after these sentences."""
    order = history["version"].tolist()
    unknown = sorted(set(scores["codebook"]) - set(order))
    if unknown:
        raise ValueError(f"the codebook history has no version(s) {unknown}")
    seen_by = {}
    seen: set[str] = set()
    for version, after in zip(history["version"], history["revised_after"], strict=True):
        seen |= set(after)
        seen_by[version] = set(seen)
    fitted = [s in seen_by[c] for s, c in zip(scores["sentences"], scores["codebook"], strict=True)]
    return scores.assign(fitted=fitted)


def first_look(scores: pd.DataFrame, history: pd.DataFrame) -> pd.DataFrame:
    """Each version's scores on the set written to test it: its first, unseen look (in history order)."""
    parts = [
        scores[(scores["codebook"] == v) & (scores["sentences"] == s)]
        for v, s in zip(history["version"], history["tested_on"], strict=True)
        if s
    ]
    return pd.concat(parts, ignore_index=True) if parts else scores.iloc[:0]
