"""Readings: the sentences a notebook writes under a table or a figure, built from the run's own tables.

A result notebook must speak only of the corpus it ran on, so every number, article and word that a
"Reading" or a summary states is computed from the tables of the run (one function per reading,
Markdown out) and shown with :class:`IPython.display.Markdown`. The hand-written interpretation of
the project's own five articles stays in notebook cells tagged ``project-corpus``, which
``arabic-themes analyse`` leaves out.

The functions live in one module per notebook and are all importable from here:
:mod:`~arabic_themes.readings_texts` (01 and 02), :mod:`~arabic_themes.readings_validation` (03),
:mod:`~arabic_themes.readings_figures` (04) and :mod:`~arabic_themes.readings_sources` (05). The
helpers that keep tables and figures readable on a corpus of any size — the articles a per-article
figure shows (:func:`largest_docs`) and the note that says what was left out (:func:`shown_note`) —
are in :mod:`arabic_themes._wording`.
"""

from __future__ import annotations

from arabic_themes._wording import MAX_FIGURE_DOCS, largest_docs, percent, short_list, shown_note
from arabic_themes.readings_figures import (
    reading_actor_mentions,
    reading_agreement,
    reading_cooccurrence,
    reading_dispersion,
    reading_theme_shares,
)
from arabic_themes.readings_sources import (
    reading_claims,
    reading_keyness,
    reading_quotations,
    reading_timeline,
    summary_sources,
)
from arabic_themes.readings_texts import (
    evidence_words,
    reading_headings,
    reading_theme_counts,
    reading_trust,
    summary_coding,
    summary_corpus,
)
from arabic_themes.readings_validation import (
    decisive_first,
    interval_table,
    meets_bar,
    reading_corrected_shares,
    reading_disagreements,
    reading_real_text,
    reading_scores,
    reading_validation_sample,
    reading_versions,
    summary_validation,
    versions_table,
)

__all__ = [
    "MAX_FIGURE_DOCS",
    "decisive_first",
    "interval_table",
    "meets_bar",
    "reading_corrected_shares",
    "reading_disagreements",
    "reading_real_text",
    "reading_scores",
    "reading_validation_sample",
    "reading_versions",
    "summary_validation",
    "versions_table",
    "evidence_words",
    "largest_docs",
    "percent",
    "reading_actor_mentions",
    "reading_agreement",
    "reading_claims",
    "reading_cooccurrence",
    "reading_dispersion",
    "reading_headings",
    "reading_keyness",
    "reading_quotations",
    "reading_theme_counts",
    "reading_theme_shares",
    "reading_timeline",
    "reading_trust",
    "short_list",
    "shown_note",
    "summary_coding",
    "summary_corpus",
    "summary_sources",
]
