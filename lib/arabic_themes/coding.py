"""Code sentences for the themes of a codebook, with evidence as raw offsets; tables of the result.

A sentence gets a theme when at least one of the theme's indicators fires in it, unless a
``drop_when`` rule drops it (:mod:`arabic_themes.codebook`); indicators are written in the term
language of :mod:`arabic_themes.terms`.

:func:`code_sentences` works a batch of articles (a few megabytes, :mod:`arabic_themes._batch`)
at a time: it joins the raw articles and normalises them in one pass over their code points,
maps each sentence to its span of the normalised text, and hands text, code points and spans to
the token engine (:mod:`arabic_themes.matcher`), which returns every hit of every term inside a
sentence with the sentence it lies in. Indicators and ``drop_when`` rules are then decided for all
sentences at once with boolean arrays (:func:`_decide`), and every hit of an indicator that fired
is reported as raw offsets in ``evidence`` (strings joined by Arrow; read them back with
:func:`parse_evidence`). :func:`code_sentences_naive` is the obvious implementation (one
``re.search`` per term per sentence, Python's ``re`` throughout), kept as the benchmark's baseline
and an independent check (property tests compare the two on random terms and sentences); both
decide indicators and ``drop_when`` rules with the same function.

The data model and loader (:func:`load_codebook`, :class:`Codebook`, …) and the term compiler
(:func:`compile_term`) live in :mod:`arabic_themes.codebook` and :mod:`arabic_themes.terms`; they
are re-exported here, where they used to be defined.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from arabic_themes._batch import BATCH_CHARS, batches
from arabic_themes._chars import LoneSurrogate, check_text
from arabic_themes.codebook import Codebook, CodebookError, DropRule, Indicator, Theme, all_terms, load_codebook
from arabic_themes.matcher import matcher_for, tokenize
from arabic_themes.normalisation import GlueRepair, _normalize, normalize
from arabic_themes.terms import TermError, compile_term

__all__ = [
    "BATCH_CHARS",
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
        norm, norm_codes = _normalize("\n".join(texts[d] for d in doc_ids), repairs)
    except LoneSurrogate as exc:  # name the article and the position in it
        doc = int(np.searchsorted(raw_base, exc.position, side="right")) - 1
        raise exc.named(f"doc_id {doc_ids[doc]!r}", exc.position - int(raw_base[doc])) from None
    # 2. each sentence as a span of the normalised text; the matcher finds hits inside sentences only
    sent_doc = pd.factorize(sentences["doc_id"], sort=False)[0].astype(np.int64)  # numbered as doc_ids
    sent_base = raw_base[sent_doc]
    joined_start = sent_base + sentences["start"].to_numpy(dtype=np.int64)
    joined_end = sent_base + sentences["end"].to_numpy(dtype=np.int64)
    order = np.argsort(joined_start, kind="stable")
    unit_start = np.searchsorted(norm.offsets, joined_start[order], side="left")
    unit_end = np.searchsorted(norm.offsets, joined_end[order], side="left")
    tokens = tokenize(norm.text, norm_codes, unit_start, unit_end) if codebook.learned is not None else None
    t_ids, a, b, unit = matcher.hits(norm.text, norm_codes, unit_start, unit_end, tokens)
    sent_of_hit = order[unit]
    raw_a = norm.offsets[a] - sent_base[sent_of_hit]
    raw_b = norm.offsets[b - 1] + 1 - sent_base[sent_of_hit]
    learned = None
    if tokens is not None and codebook.learned is not None:  # the learned model: a sum over each unit's words
        words = np.flatnonzero(tokens.inside)
        sent_of_word = order[tokens.unit[words]]

        def raw_spans(k: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            w = words[k]
            base = sent_base[sent_of_word[k]]
            return norm.offsets[tokens.layout.starts[w]] - base, norm.offsets[tokens.layout.ends[w] - 1] + 1 - base

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


#: Evidence of the learned model: the words of a unit that raised the probability most, at most this many.
LEARNED_EVIDENCE_WORDS = 3

#: The learned model's decisions (sentences × codebook themes) and a function giving, for a theme and a mask of
#: sentences, the evidence (sentence, raw start, raw end) of those sentences.
_Learned = tuple[np.ndarray, Callable[[int, np.ndarray], tuple[np.ndarray, np.ndarray, np.ndarray]]]


def _learned_decisions(
    codebook: Codebook,
    weights: np.ndarray,
    sent_of_word: np.ndarray,
    raw_spans: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]],
    n_sent: int,
) -> _Learned:
    """Where the codebook's learned model codes each theme, and its evidence: in each sentence asked for, the (up
    to :data:`LEARNED_EVIDENCE_WORDS`) words with the largest positive weight, first in the text on ties.

    ``weights`` holds, per word of the text inside a sentence, its summed feature weights (words × model themes);
    ``sent_of_word`` its sentence; ``raw_spans(k)`` the raw offsets of the words at positions ``k``.
    """
    model = codebook.learned
    assert model is not None
    fired = np.zeros((n_sent, len(codebook.themes)), dtype=bool)
    column = {}
    for k, theme in enumerate(model.themes):
        j = codebook.theme_ids.index(theme)
        column[j] = k
        logit = model.intercepts[k] + np.bincount(sent_of_word, weights=weights[:, k], minlength=n_sent)
        fired[:, j] = 1.0 / (1.0 + np.exp(-logit)) > model.thresholds[k]

    def evidence(j: int, rows_wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        w = weights[:, column[j]]
        sel = np.flatnonzero(rows_wanted[sent_of_word] & (w > 0))  # words in text order
        rows = sent_of_word[sel]
        order = np.lexsort((sel, -w[sel], rows))  # by sentence, then largest weight, then text order
        sel, rows = sel[order], rows[order]
        first = np.concatenate(([True], rows[1:] != rows[:-1])) if len(rows) else np.zeros(0, dtype=bool)
        rank = np.arange(len(rows)) - np.maximum.accumulate(np.where(first, np.arange(len(rows)), 0))
        keep = rank < LEARNED_EVIDENCE_WORDS
        starts, ends = raw_spans(sel[keep])
        return rows[keep], starts, ends

    return fired, evidence


def _previous_units(sentences: pd.DataFrame) -> np.ndarray:
    """For each row, the position of the unit just before it in the same article (the row of the
    same ``doc_id`` with the next smaller ``start``), or -1 for an article's first unit."""
    n = len(sentences)
    previous = np.full(n, -1, dtype=np.int64)
    if n < 2:
        return previous
    doc = pd.factorize(sentences["doc_id"], sort=False)[0]
    order = np.lexsort((sentences["start"].to_numpy(dtype=np.int64), doc))
    same = doc[order][1:] == doc[order][:-1]
    previous[order[1:][same]] = order[:-1][same]
    return previous


def _decide(
    codebook: Codebook,
    terms: list[str],
    t_ids: np.ndarray,
    sent_of_hit: np.ndarray,
    raw_a: np.ndarray,
    raw_b: np.ndarray,
    n_sent: int,
    previous: np.ndarray,
    learned: _Learned | None = None,
) -> tuple[np.ndarray, Any]:
    """Theme flags (``n_sent`` × themes, 0/1) and evidence strings from the term hits of all sentences.

    The one place where indicators (``any``/``all``/``not``/``context``) and ``drop_when`` rules
    are decided; both coders call it. A hit is term ``terms[t_ids[k]]`` in sentence
    ``sent_of_hit[k]`` at raw offsets ``raw_a[k]:raw_b[k]``; ``previous[i]`` is the sentence just
    before sentence ``i`` in its article (-1: none), where a ``context`` group may be met. ``learned``
    (from :func:`_learned_decisions`) adds the learned model's decisions as one more indicator of each
    theme, ``learned``, after the codebook's own, where it adds the theme.
    """
    term_index = {t: i for i, t in enumerate(terms)}
    # every set of terms the rules ask about (an indicator's group, its veto, a drop rule's terms) is a
    # row of one "some term of the set occurs in the sentence" matrix, filled by one scatter of the hits
    sets: dict[tuple[str, ...], int] = {}

    def set_of(group: tuple[str, ...]) -> int:
        return sets.setdefault(tuple(sorted(group)), len(sets))

    for theme in codebook.themes:
        for ind in theme.indicators:
            for group in (*ind.groups, *((t,) for t in ind.exclude), *((ind.context,) if ind.context else ())):
                set_of(group)
        for rule in theme.drop_when:
            for group in (rule.terms, rule.unless):
                if group:
                    set_of(group)
    term_set = np.asarray(sorted((term_index[t], k) for group, k in sets.items() for t in set(group)), dtype=np.int64)
    term_set = term_set.reshape(-1, 2)
    bounds = np.searchsorted(term_set[:, 0], np.arange(len(terms) + 1))
    counts = np.diff(bounds)[t_ids]
    within = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    present = np.zeros((len(sets), n_sent), dtype=bool)
    present[term_set[np.repeat(bounds[t_ids], counts) + within, 1], np.repeat(sent_of_hit, counts)] = True

    def occurs(group: tuple[str, ...]) -> np.ndarray:
        return present[sets[tuple(sorted(group))]]

    flags = np.zeros((n_sent, len(codebook.themes)), dtype=np.int8)
    labels: list[str] = []  # "theme/indicator", in codebook order (the rank used to sort evidence)
    rank_theme: list[int] = []  # theme index of each rank
    fired_by_rank: list[np.ndarray] = []
    term_rank: list[tuple[int, int]] = []  # (term, rank): the term's hits are evidence of the indicator
    extra: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []  # the learned model's evidence
    for j, theme in enumerate(codebook.themes):
        for ind in theme.indicators:
            rank = len(labels)
            labels.append(f"{theme.id}/{ind.id}")
            rank_theme.append(j)
            fired = np.logical_and.reduce([occurs(group) for group in ind.groups])
            for t in ind.exclude:
                fired &= ~occurs((t,))
            if ind.context:  # met in the sentence or in the unit just before it
                here = occurs(ind.context)
                fired &= here | (here[previous] & (previous >= 0))
            flags[fired, j] = 1
            fired_by_rank.append(fired)
            term_rank.extend(sorted({(term_index[t], rank) for group in (*ind.groups, ind.context) for t in group}))
        if learned is not None:
            added = learned[0][:, j] & (flags[:, j] == 0)  # the model's evidence only where it adds the theme
            if added.any():
                rank = len(labels)
                labels.append(f"{theme.id}/learned")
                rank_theme.append(j)
                flags[added, j] = 1
                fired_by_rank.append(added)
                rows, starts, ends = learned[1](j, added)
                extra.append((rows, np.full(rows.size, rank, dtype=np.int64), starts, ends))
    # drop_when rules: decided on the coding before any theme is dropped; evidence goes with it
    index = {t.id: j for j, t in enumerate(codebook.themes)}
    before = flags.copy()
    nothing = np.zeros(n_sent, dtype=bool)
    for j, theme in enumerate(codebook.themes):
        for rule in theme.drop_when:
            cause = before[:, index[rule.theme]] == 1 if rule.theme else occurs(rule.terms)
            unless = occurs(rule.unless) if rule.unless else nothing
            flags[(before[:, j] == 1) & cause & ~unless, j] = 0
    # evidence: each hit under each indicator of its term that fired in its sentence (and was not dropped)
    pairs = np.asarray(sorted(term_rank), dtype=np.int64).reshape(-1, 2)  # by term, then rank
    pair_bounds = np.searchsorted(pairs[:, 0], np.arange(len(terms) + 1))
    counts = np.diff(pair_bounds)[t_ids]
    hit = np.repeat(np.arange(t_ids.size), counts)
    ranks = pairs[np.repeat(pair_bounds[t_ids] - (np.cumsum(counts) - counts), counts) + np.arange(hit.size), 1]
    rows = sent_of_hit[hit]
    fired_matrix = np.stack(fired_by_rank, axis=1) if fired_by_rank else np.zeros((n_sent, 0), dtype=bool)
    theme_of_rank = np.asarray(rank_theme, dtype=np.int64)
    keep = fired_matrix[rows, ranks] & (flags[rows, theme_of_rank[ranks]] == 1)
    parts = [(rows[keep], ranks[keep], raw_a[hit[keep]], raw_b[hit[keep]])]
    for rows_, ranks_, starts_, ends_ in extra:  # the learned model's words, unless its theme was dropped
        kept = flags[rows_, theme_of_rank[ranks_]] == 1
        parts.append((rows_[kept], ranks_[kept], starts_[kept], ends_[kept]))
    row, rank_, start, end = (np.concatenate([p[k] for p in parts]).astype(np.int64) for k in range(4))
    return flags, _evidence_strings(n_sent, labels, row, rank_, start, end)


def _evidence_strings(
    n_sent: int, labels: list[str], row: np.ndarray, rank: np.ndarray, start: np.ndarray, end: np.ndarray
) -> Any:
    """One evidence string per sentence (an Arrow string array): entries ``label@start-end`` sorted by
    indicator (codebook order) and offset, duplicates (one term listed under two groups) dropped;
    sorted with NumPy and joined by Arrow, not entry by entry in Python."""
    import pyarrow as pa
    import pyarrow.compute as pc

    order = np.lexsort((end, start, rank, row))
    row, rank, start, end = row[order], rank[order], start[order], end[order]
    keep = np.ones(len(row), dtype=bool)
    keep[1:] = (np.diff(row) != 0) | (np.diff(rank) != 0) | (np.diff(start) != 0) | (np.diff(end) != 0)
    row, rank, start, end = row[keep], rank[keep], start[keep], end[keep]
    label = pa.array(labels, type=pa.large_string()).take(pa.array(rank))
    text = pa.large_string()
    at = pc.binary_join_element_wise(label, pc.cast(pa.array(start), text), pa.scalar("@", text))
    items = pc.binary_join_element_wise(at, pc.cast(pa.array(end), text), pa.scalar("-", text))
    offsets = pa.array(np.searchsorted(row, np.arange(n_sent + 1)).astype(np.int64))
    return pc.binary_join(pa.LargeListArray.from_arrays(offsets, items), pa.scalar("; ", text))


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


_EVIDENCE = re.compile(r"^(?P<theme>[a-z0-9_]+)/(?P<indicator>[a-z0-9_]+)@(?P<start>\d+)-(?P<end>\d+)$")


def parse_evidence(coded: pd.DataFrame) -> pd.DataFrame:
    """Tidy evidence: one row per matched term with doc_id, sentence_id, theme, indicator, start, end.

    The ``evidence`` strings are for the CSV; inside the package and its tests, evidence is read
    through this table.
    """
    rows = []
    for doc_id, sentence_id, ev in zip(coded["doc_id"], coded["sentence_id"], coded["evidence"], strict=True):
        for item in filter(None, (ev or "").split("; ")):
            m = _EVIDENCE.match(item)
            if not m:
                raise ValueError(f"malformed evidence entry {item!r} in {doc_id} sentence {sentence_id}")
            rows.append((doc_id, sentence_id, m["theme"], m["indicator"], int(m["start"]), int(m["end"])))
    return pd.DataFrame(rows, columns=["doc_id", "sentence_id", "theme", "indicator", "start", "end"])


def theme_table(coded: pd.DataFrame, theme_ids: Sequence[str]) -> pd.DataFrame:
    """Per article (in order of appearance) and in total: units, and count and share per theme."""
    order = list(dict.fromkeys(coded["doc_id"]))
    grouped = coded.groupby("doc_id", sort=False)
    table = pd.DataFrame({"doc_id": order, "units": grouped.size().reindex(order).to_numpy()})
    for theme in theme_ids:
        table[theme] = grouped[theme].sum().reindex(order).to_numpy()
    total = {"doc_id": "total", "units": int(table["units"].sum()), **{t: int(table[t].sum()) for t in theme_ids}}
    table = pd.concat([table, pd.DataFrame([total])], ignore_index=True)
    for theme in theme_ids:
        table[f"{theme}_share"] = (table[theme] / table["units"]).round(3)
    return table


def indicator_counts(coded: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Per indicator (codebook order, zeros included): in how many units it fired, and in how many
    of those it was the only indicator of its theme — i.e. how much each theme rests on it. A codebook's
    learned model is listed after a theme's indicators as ``learned`` (it is named only where it adds
    the theme, so its units are all "only")."""
    fired = parse_evidence(coded).drop_duplicates(["doc_id", "sentence_id", "theme", "indicator"])
    per_unit = fired.groupby(["doc_id", "sentence_id", "theme"])["indicator"].transform("size")
    fired = fired.assign(alone=per_unit == 1)
    rows = []
    for theme in codebook.themes:
        ids = [ind.id for ind in theme.indicators]
        if codebook.learned is not None and theme.id in codebook.learned.themes:
            ids.append("learned")
        for ind_id in ids:
            sel = fired[(fired["theme"] == theme.id) & (fired["indicator"] == ind_id)]
            rows.append(
                {"theme": theme.id, "indicator": ind_id, "units": len(sel), "only_indicator": int(sel["alone"].sum())}
            )
    return pd.DataFrame(rows, columns=["theme", "indicator", "units", "only_indicator"])


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
