"""Vocabulary that sets each article apart: weighted log-odds with an informative Dirichlet prior.

For every word ``w`` and article ``i`` against the rest of the corpus (Monroe, Colaresi & Quinn
2008, "Fightin' Words", eq. 16–22; the same estimator as the R package tidylo), with the whole
corpus's counts as the prior (``alpha_w = y_w``, ``alpha_0 = n``)::

    omega_i = (y_wi + alpha_w) / (n_i + alpha_0 - y_wi - alpha_w)
    omega_j = (y_wj + alpha_w) / (n_j + alpha_0 - y_wj - alpha_w)      # j: all other articles
    delta   = log(omega_i) - log(omega_j)
    z       = delta / sqrt(1 / (y_wi + alpha_w) + 1 / (y_wj + alpha_w))

``z`` is large for words an article uses much more than the others, shrunk towards zero for rare
words, so a word seen twice does not top the list. Words are counted on the *normalised* text
(matching forms: hamza, teh marbuta, alef maqsura, diacritics folded; glued words split), with
Arabic function words removed using the stop-word list of the ``Arabic-Stopwords`` package
(Taha Zerrouki, all clitic forms), normalised the same way.
"""

from __future__ import annotations

import functools
import re
import sys
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from arabic_themes.errors import InputError, read_csv_rows
from arabic_themes.normalisation import GlueRepair, normalize, normalize_word

__all__ = ["arabic_stopwords", "load_spelling_variants", "top_terms", "weighted_log_odds", "word_counts"]

_WORD = re.compile(r"[^\W\d_]+")


def load_spelling_variants(path: str | Path) -> dict[str, str]:
    """Read ``variant,canonical,note`` rows (``data/spelling_variants.csv``): spellings of one word
    that should be counted together (ترمب → ترامب). Both are normalised; errors name the line."""
    path = Path(path)
    variants: dict[str, str] = {}
    for line, row in read_csv_rows(path, "spelling-variant table", ["variant", "canonical"]):
        variant, canonical = normalize_word(row["variant"].strip()), normalize_word(row["canonical"].strip())
        if not variant or not canonical:
            raise InputError(f"{path}, line {line}: both 'variant' and 'canonical' must be filled")
        if variant in variants:
            raise InputError(f"{path}, line {line}: variant {row['variant']!r} is listed twice")
        variants[variant] = canonical
    return variants


@functools.cache
def arabic_stopwords() -> frozenset[str]:
    """The Arabic-Stopwords package's list (all forms), normalised for matching."""
    from arabicstopwords.arabicstopwords import stopwords_list

    return frozenset(normalize_word(w) for w in stopwords_list())


def word_counts(
    units: pd.DataFrame,
    *,
    group: str = "doc_id",
    repairs: Sequence[GlueRepair] = (),
    stopwords: Iterable[str] | None = None,
    variants: Mapping[str, str] | None = None,
    min_chars: int = 2,
) -> pd.DataFrame:
    """Tidy counts of normalised words: one row per ``group`` value × word, column ``count``.

    ``units`` has a ``text`` column (sentences or whole articles). Stop words default to
    :func:`arabic_stopwords`; pass ``stopwords=()`` to keep every word. ``variants`` (from
    :func:`load_spelling_variants`) rewrites a spelling inside every word where it occurs
    (``لترمب`` → ``لترامب``) so that variants count as one word. ``as_written`` is the word's most
    frequent raw spelling in the group, for display. Rows are sorted by group (in order of
    appearance), then count (descending), then word.
    """
    if "text" not in units.columns or group not in units.columns:
        raise ValueError(f"word_counts needs the columns 'text' and {group!r}; found {list(units.columns)}")
    stop = arabic_stopwords() if stopwords is None else frozenset(normalize_word(w) for w in stopwords)
    rewrite = re.compile("|".join(re.escape(v) for v in sorted(variants, key=len, reverse=True))) if variants else None
    rows = []
    for key, texts in units.groupby(group, sort=False)["text"]:
        counter: Counter[str] = Counter()
        forms: dict[str, Counter[str]] = {}
        for text in texts:
            text = str(text)
            norm = normalize(text, list(repairs))
            for m in _WORD.finditer(norm.text):
                word = m.group(0)
                if rewrite is not None:
                    word = rewrite.sub(lambda v: variants[v.group(0)], word)  # type: ignore[index]
                if len(word) < min_chars or word in stop:
                    continue
                counter[word] += 1
                a, b = norm.raw_span(m.start(), m.end())
                forms.setdefault(word, Counter())[text[a:b]] += 1
        for word, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])):
            form = sorted(forms[word].items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
            rows.append((key, sys.intern(word), sys.intern(form), n))  # one copy of a word for all groups
    return pd.DataFrame(rows, columns=[group, "word", "as_written", "count"]).astype({"count": "int64"})


def weighted_log_odds(counts: pd.DataFrame, *, group: str = "doc_id") -> pd.DataFrame:
    """Add ``log_odds`` (delta) and ``z`` to tidy counts from :func:`word_counts` (module docstring).

    Needs at least two groups. Rows keep their order.
    """
    if counts[group].nunique() < 2:
        raise ValueError("weighted log-odds compares groups: need at least two distinct values of " + repr(group))
    y_wi = counts["count"].to_numpy(dtype=float)
    y_w = counts.groupby("word")["count"].transform("sum").to_numpy(dtype=float)
    n_i = counts.groupby(group, sort=False)["count"].transform("sum").to_numpy(dtype=float)
    n = float(counts["count"].sum())
    alpha_w, alpha_0 = y_w, n
    y_wj, n_j = y_w - y_wi, n - n_i
    omega_i = (y_wi + alpha_w) / (n_i + alpha_0 - y_wi - alpha_w)
    omega_j = (y_wj + alpha_w) / (n_j + alpha_0 - y_wj - alpha_w)
    delta = np.log(omega_i) - np.log(omega_j)
    z = delta / np.sqrt(1.0 / (y_wi + alpha_w) + 1.0 / (y_wj + alpha_w))
    return counts.assign(log_odds=delta.round(6), z=z.round(4))


def top_terms(table: pd.DataFrame, n: int = 10, *, group: str = "doc_id", min_count: int = 2) -> pd.DataFrame:
    """The ``n`` words with the highest ``z`` per group (seen at least ``min_count`` times there).

    Ties are broken by count, then word, so the result is stable.
    """
    kept = table[table["count"] >= min_count]
    order = list(dict.fromkeys(table[group]))
    ranked = kept.sort_values(["z", "count", "word"], ascending=[False, False, True], kind="stable")
    top = ranked.groupby(group, sort=False).head(n)
    top = top.assign(_g=top[group].map({g: i for i, g in enumerate(order)})).sort_values(
        ["_g", "z"], ascending=[True, False], kind="stable"
    )
    return top.drop(columns="_g").reset_index(drop=True)
