"""Code sentences for the themes of a codebook, with evidence as raw offsets; tables of the result.

A sentence gets a theme when at least one of the theme's indicators fires in it, unless a
``drop_when`` rule drops it (:mod:`arabic_themes.codebook`); indicators are written in the term
language of :mod:`arabic_themes.terms`.

:func:`code_sentences` works a batch of articles (a few megabytes, :mod:`arabic_themes._batch`)
at a time: it joins the raw articles and normalises them in one pass over their code points,
maps each sentence to its span of the normalised text, and hands text, code points and spans to
the token engine (:mod:`arabic_themes.matcher`), which returns every hit of every term inside a
sentence with the sentence it lies in. Indicators and ``drop_when`` rules are then decided for all
sentences at once with boolean arrays (:func:`~arabic_themes.decisions._decide`), and every hit of
an indicator that fired is reported as raw offsets in ``evidence`` (strings joined by Arrow; read
them back with :func:`parse_evidence`). :func:`code_sentences_naive` is the obvious implementation
(one ``re.search`` per term per sentence, Python's ``re`` throughout), kept as the benchmark's
baseline and an independent check (property tests compare the two on random terms and sentences);
both decide indicators and ``drop_when`` rules with the same function.

The data model and loader (:func:`load_codebook`, :class:`Codebook`, …), the term compiler
(:func:`compile_term`), the decisions (:mod:`arabic_themes.decisions`) and the tables of a coding
(:func:`parse_evidence`, :func:`theme_table`, :func:`indicator_counts`, in
:mod:`arabic_themes.coding_tables`) live in their own modules; they are re-exported here, where they
used to be defined.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from arabic_themes._batch import BATCH_CHARS, batches
from arabic_themes._chars import LoneSurrogate, check_text
from arabic_themes.codebook import Codebook, CodebookError, DropRule, Indicator, Theme, all_terms, load_codebook
from arabic_themes.coding_tables import indicator_counts, parse_evidence, theme_table
from arabic_themes.decisions import LEARNED_EVIDENCE_WORDS, _decide, _learned_decisions, _previous_units
from arabic_themes.matcher import matcher_for, tokenize
from arabic_themes.normalisation import GlueRepair, _normalize_lazily, normalize
from arabic_themes.terms import TermError, compile_term

__all__ = [
    "BATCH_CHARS",
    "LEARNED_EVIDENCE_WORDS",
    "Codebook",
    "CodebookError",
    "DropRule",
    "Indicator",
    "TermError",
    "Theme",
    "code_sentences",
    "code_sentences_naive",
    "code_texts",
    "compile_term",
    "indicator_counts",
    "load_codebook",
    "parse_evidence",
    "theme_table",
]


def _result(sentences: pd.DataFrame, codebook: Codebook, flags: np.ndarray, evidence: Any) -> pd.DataFrame:
    out = sentences.copy()
    for j, theme_id in enumerate(codebook.theme_ids):
        out[theme_id] = flags[:, j].astype("int64")
    out["evidence"] = pd.array(evidence, dtype=pd.StringDtype(na_value=np.nan))
    return out


def _texts_from_sentences(sentences: pd.DataFrame) -> dict[str, str]:
    """Rebuild each article from its sentences alone: every sentence at its offsets, spaces between.

    Coding only looks inside sentences, and what lies between sentences is whitespace, so this
    gives the same coding as the raw articles; it lets a table of sentences (a Dask partition, a
    CSV) be coded without the articles.
    """
    texts: dict[str, str] = {}
    for doc_id, group in sentences.groupby("doc_id", sort=False):
        pieces, position = [], 0
        for start, end, text in zip(
            group["start"].tolist(), group["end"].tolist(), group["text"].tolist(), strict=True
        ):
            if start < position or end - start != len(text):
                raise ValueError(
                    f"{doc_id}: sentence at {start}-{end} overlaps the previous one or does not fit its text"
                )
            pieces.append(" " * (start - position))
            pieces.append(text)
            position = end
        texts[str(doc_id)] = "".join(pieces)
    return texts


def _texts_by_doc(sentences: pd.DataFrame, texts: dict[str, str] | pd.DataFrame | None) -> dict[str, str]:
    if texts is None:
        return _texts_from_sentences(sentences.sort_values(["doc_id", "start"], kind="stable"))
    if isinstance(texts, pd.DataFrame):
        texts = dict(zip(texts["doc_id"].tolist(), texts["text"].tolist(), strict=True))
    missing = sorted(set(sentences["doc_id"].unique().tolist()) - set(texts))
    if missing:
        raise ValueError(f"no raw text given for doc_id(s) {missing}")
    return texts


def code_sentences(
    sentences: pd.DataFrame,
    codebook: Codebook,
    texts: dict[str, str] | pd.DataFrame | None = None,
    repairs: Iterable[GlueRepair] | None = None,
    *,
    batch_chars: int = BATCH_CHARS,
    look_back: bool = True,
) -> pd.DataFrame:
    """Code each sentence for each theme of ``codebook``.

    ``sentences`` is the table from :func:`~arabic_themes.segment.segment`; ``texts`` maps each
    ``doc_id`` to its raw text (or is the corpus table with ``doc_id`` and ``text``); without it
    the sentences' own texts are used (same result, see :func:`_texts_from_sentences`); ``repairs``
    are the glued-word repairs used in normalisation. Returns the sentence table plus one 0/1
    column per theme and ``evidence``: ``"; "``-separated entries ``theme/indicator@start-end``
    giving the *raw* article offsets of every matched term of every indicator that fired (inside
    the sentence itself; a ``context`` term met only in the unit before is not listed). Articles
    are coded ``batch_chars`` characters at a time (the result does not depend on it).

    An indicator's ``context`` group may be met in the unit just before a sentence: the row of the
    same ``doc_id`` with the next smaller ``start`` in ``sentences``. ``look_back=False`` codes
    every row on its own (loose sentences, as :func:`code_texts` does).
    """
    texts = _texts_by_doc(sentences, texts)
    doc_ids = sentences["doc_id"].unique().tolist()  # in order of appearance
    groups = batches([len(texts[d]) for d in doc_ids], batch_chars)
    if len(groups) <= 1:
        return _code_batch(sentences, codebook, texts, list(repairs or []), look_back)
    # a large archive: a few megabytes at a time, so memory stays flat
    position = pd.Series(np.arange(len(sentences)), index=sentences.index)
    parts = []
    for group in groups:
        batch = [doc_ids[i] for i in group]
        mask = sentences["doc_id"].isin(batch).to_numpy()
        part = _code_batch(sentences[mask], codebook, {d: texts[d] for d in batch}, list(repairs or []), look_back)
        parts.append(part.assign(_position=position[mask].to_numpy()))
    joined = pd.concat(parts)
    if not np.all(np.diff(joined["_position"].to_numpy()) > 0):  # rows of one article were not together
        joined = joined.sort_values("_position", kind="stable")
    return joined.drop(columns="_position")


def _code_batch(
    sentences: pd.DataFrame,
    codebook: Codebook,
    texts: dict[str, str],
    repairs: list[GlueRepair],
    look_back: bool = True,
) -> pd.DataFrame:
    """:func:`code_sentences` on one batch of articles."""
    terms = all_terms(codebook.themes)
    matcher = matcher_for(tuple(terms))
    n_sent = len(sentences)
    # 1. join the raw articles and normalise them in one pass (per-character tables and one glue
    #    regex, so the result is the same as article by article, without per-article overhead)
    doc_ids = sentences["doc_id"].unique().tolist()  # in order of appearance
    raw_lengths = np.fromiter((len(texts[d]) + 1 for d in doc_ids), dtype=np.int64, count=len(doc_ids))
    raw_base = np.concatenate([[0], np.cumsum(raw_lengths)[:-1]]).astype(np.int64)
    try:
        text, norm_codes, offsets, _ = _normalize_lazily("\n".join(texts[d] for d in doc_ids), repairs)
    except LoneSurrogate as exc:  # name the article and the position in it
        doc = int(np.searchsorted(raw_base, exc.position, side="right")) - 1
        raise exc.named(f"doc_id {doc_ids[doc]!r}", exc.position - int(raw_base[doc])) from None
    # 2. each sentence as a span of the normalised text; the matcher finds hits inside sentences only
    sent_doc = pd.factorize(sentences["doc_id"], sort=False)[0].astype(np.int64)  # numbered as doc_ids
    sent_base = raw_base[sent_doc]
    joined_start = sent_base + sentences["start"].to_numpy(dtype=np.int64)
    joined_end = sent_base + sentences["end"].to_numpy(dtype=np.int64)
    order = np.argsort(joined_start, kind="stable")
    unit_start, unit_end = offsets.searchsorted(joined_start[order]), offsets.searchsorted(joined_end[order])
    tokens = tokenize(text, norm_codes, unit_start, unit_end) if codebook.learned is not None else None
    t_ids, a, b, unit = matcher.hits(text, norm_codes, unit_start, unit_end, tokens)
    sent_of_hit = order[unit]
    raw_a = offsets.raw(a) - sent_base[sent_of_hit]
    raw_b = offsets.raw(b - 1) + 1 - sent_base[sent_of_hit]
    learned = None
    if tokens is not None and codebook.learned is not None:  # the learned model: a sum over each unit's words
        words = np.flatnonzero(tokens.inside)
        sent_of_word = order[tokens.unit[words]]

        def raw_spans(k: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            w = words[k]
            base = sent_base[sent_of_word[k]]
            return offsets.raw(tokens.layout.starts[w]) - base, offsets.raw(tokens.layout.ends[w] - 1) + 1 - base

        weights = codebook.learned.type_weights(tokens.k1, tokens.k2, tokens.lengths, tokens.strings)
        weights = weights[tokens.types[words]]
        learned = _learned_decisions(codebook, weights, sent_of_word, raw_spans, n_sent)
    # 3. indicators, the learned model and drop_when rules, decided on all sentences at once; the unit
    #    before each sentence is the one before it in the joined text (``order``), if of the same article
    previous = np.full(n_sent, -1, dtype=np.int64)
    if look_back and n_sent > 1:
        same = sent_doc[order[1:]] == sent_doc[order[:-1]]
        previous[order[1:][same]] = order[:-1][same]
    flags, evidence = _decide(codebook, terms, t_ids, sent_of_hit, raw_a, raw_b, n_sent, previous, learned)
    return _result(sentences, codebook, flags, evidence)


def code_sentences_naive(
    sentences: pd.DataFrame,
    codebook: Codebook,
    texts: dict[str, str] | pd.DataFrame,
    repairs: Iterable[GlueRepair] | None = None,
    *,
    look_back: bool = True,
) -> pd.DataFrame:
    """The obvious implementation: one ``re.search`` per term per sentence.

    Kept as the baseline for the benchmark and as an independent check of :func:`code_sentences`
    (a test asserts both give the same themes). Evidence spans are the first match per term.
    """
    texts = _texts_by_doc(sentences, texts)
    repairs = list(repairs or [])
    terms = list(codebook.patterns)
    hits: list[tuple[int, int, int, int]] = []  # (term, sentence, raw start, raw end)
    words: list[tuple[str, int, int, int]] = []  # (normalised word, sentence, raw start, raw end)
    for row, (doc_id, start, end) in enumerate(
        zip(sentences["doc_id"], sentences["start"], sentences["end"], strict=True)
    ):
        norm = normalize(texts[doc_id][start:end], repairs)
        for t, pattern in enumerate(codebook.patterns.values()):
            m = pattern.search(norm.text)
            if m:
                ra, rb = norm.raw_span(m.start(), m.end())
                hits.append((t, row, start + ra, start + rb))
        if codebook.learned is not None:
            for m in re.finditer(r"\w+", norm.text):
                ra, rb = norm.raw_span(m.start(), m.end())
                words.append((m.group(0), row, start + ra, start + rb))
    t_ids, sent_of_hit, raw_a, raw_b = (np.asarray([h[k] for h in hits], dtype=np.int64) for k in range(4))
    learned = None
    if codebook.learned is not None:
        weights = codebook.learned.word_weights([w[0] for w in words])
        sent_of_word, word_a, word_b = (np.asarray([w[k] for w in words], dtype=np.int64) for k in (1, 2, 3))
        learned = _learned_decisions(
            codebook, weights, sent_of_word, lambda k: (word_a[k], word_b[k]), len(sentences)
        )
    previous = _previous_units(sentences) if look_back else np.full(len(sentences), -1, dtype=np.int64)
    flags, evidence = _decide(codebook, terms, t_ids, sent_of_hit, raw_a, raw_b, len(sentences), previous, learned)
    return _result(sentences, codebook, flags, evidence)


def code_texts(
    texts: Sequence[str],
    codebook: Codebook,
    repairs: Iterable[GlueRepair] | None = None,
    *,
    doc_id: str = "texts",
) -> pd.DataFrame:
    """Code loose sentences (a list of strings): one row per text, in order, as :func:`code_sentences` does.

    Useful for sentences that come without an article (a test set, a spreadsheet column). Each
    text is one unit, coded on its own (no ``context`` from the text before it); offsets are those
    of the texts joined by newlines.
    """
    rows, position = [], 0
    for i, text in enumerate(texts, start=1):
        text = str(text)
        check_text(text, f"text {i}")
        if "\n" in text or "\r" in text:
            raise ValueError(f"text {i} contains a line break; give one sentence per text")
        rows.append((doc_id, 1, i, position, position + len(text), "sentence", text))
        position += len(text) + 1
    frame = pd.DataFrame(rows, columns=["doc_id", "paragraph", "sentence_id", "start", "end", "kind", "text"])
    return code_sentences(frame, codebook, {doc_id: "\n".join(str(t) for t in texts)}, repairs, look_back=False)
