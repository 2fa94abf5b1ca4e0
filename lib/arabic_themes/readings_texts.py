"""Readings of notebooks 01 (the corpus) and 02 (the coding): Markdown built from the run's own tables."""

from __future__ import annotations

import shlex
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from arabic_themes._wording import Labelled, _doc, _docs, _join, _n, _per_doc, _plural, _theme, percent
from arabic_themes.codebook import Codebook
from arabic_themes.readings_validation import BAR_REAL_F1


def reading_headings(sentences: pd.DataFrame, run_in_headings: Mapping[str, Iterable[str]] | None = None) -> str:
    """How many units are headings, and how many of them come from the run-in heading table."""
    headings = sentences[sentences["kind"] == "heading"]
    listed = {(d, h.strip()) for d, items in (run_in_headings or {}).items() for h in items}
    run_in = sum((d, t.strip()) in listed for d, t in zip(headings["doc_id"], headings["text"], strict=True))
    if not len(headings):
        return "No unit of this corpus is a heading: every line ends in a sentence."
    docs = headings["doc_id"].nunique()
    text = f"{_plural(len(headings), 'heading')} in {_plural(docs, 'article')}"
    if run_in:
        rest = "the rest short lines without final punctuation"
        return f"{text}: {_n(run_in)} split off from the run-in heading table, {rest}."
    return f"{text}, all of them short lines without final punctuation (no run-in heading table applies)."


def summary_corpus(
    corpus: pd.DataFrame,
    sentences: pd.DataFrame,
    glued: pd.DataFrame,
    run_in_headings: Mapping[str, Iterable[str]] | None = None,
) -> str:
    """The summary of notebook 01 as Markdown bullets: articles, units, headings, glued words repaired
    (``glued``: the table of :func:`~arabic_themes.describe.glue_repairs_found`)."""
    kinds = sentences["kind"].value_counts()
    found = int(glued["found"].sum()) if len(glued) else 0
    repaired = (
        f"{_plural(found, 'glued word')} ({_plural(len(glued), 'word')} of the list) repaired from a data file"
        if found
        else "no glued word of the list occurs"
    )
    lines = [
        f"* {_plural(len(corpus), 'article')} ({_n(int(corpus['chars'].sum()))} characters), each verified against "
        "the SHA-256 recorded in its `metadata.csv`, loaded without touching the raw files.",
        f"* {_plural(len(sentences), 'unit')} ({_plural(int(kinds.get('sentence', 0)), 'sentence')}, "
        f"{_plural(int(kinds.get('heading', 0)), 'heading')}), every one traceable to its raw characters "
        "(`raw[start:end] == text`, checked above for every row).",
        "* "
        + reading_headings(sentences, run_in_headings)
        + " Quotations are never cut; numbers and model names stay whole.",
        f"* Normalisation is for matching only: its effect is counted above, {repaired}, and every normalised "
        "position maps back to the raw text.",
    ]
    return "\n".join(lines)


# --- notebook 02 -----------------------------------------------------------------------------------


def reading_theme_counts(coded: pd.DataFrame, themes: Sequence[Labelled]) -> str:
    """How often each theme is coded, where it weighs most and least, and how many units carry none."""
    ids = [t.id for t in themes]
    n = len(coded)
    if not n:
        return "**Reading.** The corpus has no units to code."
    totals = coded[ids].sum().to_numpy(dtype=int)
    none = int((coded[ids].sum(axis=1) == 0).sum())
    ranked = sorted(range(len(ids)), key=lambda j: (-totals[j], j))
    counts = [f"{_theme(themes[j])} in {_n(int(totals[j]))} ({percent(totals[j], n)})" for j in ranked]
    text = (
        f"**Reading.** Of the {_plural(n, 'unit')}, the coder marks {_join(counts)}; "
        f"{_n(none)} ({percent(none, n)}) carry no theme."
    )
    order, units, hits = _per_doc(coded, ids)
    if len(order) < 2:
        return text
    parts, absent = [], []
    for j in ranked:
        shares = np.where(units > 0, hits[:, j] / np.maximum(units, 1), 0.0)
        if totals[j]:
            i = int(np.argmax(shares))  # the first article with the largest share
            parts.append(
                f"{_theme(themes[j])} in {_doc(order[i])} ({_n(int(hits[i, j]))} of {_n(int(units[i]))} units)"
            )
        missing = [order[i] for i in range(len(order)) if hits[i, j] == 0]
        if missing and len(missing) < len(order):
            absent.append(f"{_theme(themes[j])} never occurs in {_docs(missing)}")
    if parts:
        first, *rest = parts
        text += f" Relative to an article's length, {first.replace(' in ', ' weighs most in ', 1)}"
        text += (", " + _join(rest) if rest else "") + "."
    if absent:
        text += " " + "; ".join(absent) + "."
    return text


def summary_coding(codebook: Codebook, coded: pd.DataFrame, check: pd.DataFrame | None = None) -> str:
    """The summary of notebook 02 as Markdown bullets: the codebook's size, traceability, the counts and, when
    ``check`` is given (see :func:`reading_trust`), which counts carry to new text."""
    themes = codebook.themes
    indicators = sum(len(t.indicators) for t in themes)
    rules = sum(len(t.drop_when) for t in themes)
    ids = [t.id for t in themes]
    n = len(coded)
    totals = coded[ids].sum().to_numpy(dtype=int) if n else np.zeros(len(ids), dtype=int)
    ranked = sorted(range(len(ids)), key=lambda j: (-totals[j], j))
    shares = _join([f"{_theme(themes[j])} {percent(totals[j], n)}" for j in ranked])
    rule_text = f" and {_plural(rules, 'rule')} that drop a theme where the definitions exclude it" if rules else ""
    return "\n".join(
        [
            f"* The codebook is a readable YAML file: {_plural(len(themes), 'theme')} with Arabic and English labels, "
            f"definitions, inclusion and exclusion rules{',' if rules else ' and'} {_plural(indicators, 'indicator')}"
            f"{rule_text}.",
            "* Every coding decision is traceable: the `evidence` column names the indicator and the raw offsets of "
            "the words that fired, and the examples above show them in bold.",
            f"* Of the {_plural(n, 'unit')} of {_plural(coded['doc_id'].nunique(), 'article')}, each theme's share: "
            f"{shares}.",
            "* Written: `coded_sentences.csv`, `theme_counts.csv` and `indicator_counts.csv`, and the same coding as a "
            "REFI-QDA project and "
            "codebook for QDA software.",
            _trust_bullet(check, themes),
        ]
    )


def _trust_bullet(check: pd.DataFrame | None, themes: Sequence[Labelled]) -> str:
    if check is None or not len(check):
        return "* How far the counts are off on new text has not been measured for this codebook; section 6 shows how."
    ok, short = _trust_verdict(check, themes)
    pieces = _plural(int(check["pieces"].iloc[0]), "real published piece")
    reached = f"for {_join(ok)}" if ok else "for no theme"
    rest = (
        f", not for {_join(short)}: read {_its(short)} as approximate (section 6)" if ok and short else " (section 6)"
    )
    return f"* On {pieces} its revisions never read, the codebook reaches F1 {BAR_REAL_F1:.2f} {reached}{rest}."


def _from_root(path: str) -> str:
    """A notebook's path (relative to ``notebooks/``) as seen from the folder that holds ``notebooks/``."""
    return path[3:] if path.startswith("../") else path


def _its(themes: Sequence[str]) -> str:
    return "its count" if len(themes) == 1 else "their counts"


def _trust_verdict(check: pd.DataFrame, themes: Sequence[Labelled]) -> tuple[list[str], list[str]]:
    """The themes whose F1 on the codebook's real test set reaches the bar for real text, and the others."""
    labels = {t.id: t for t in themes}
    ok = [_theme(labels[t]) for t in check.loc[check["f1"] >= BAR_REAL_F1, "theme"]]
    short = [_theme(labels[t]) for t in check.loc[check["f1"] < BAR_REAL_F1, "theme"]]
    return ok, short


def reading_trust(
    check: pd.DataFrame | None,
    themes: Sequence[Labelled],
    *,
    coded: str,
    corpus: str,
    codebook: str,
    has_reference: bool = False,
) -> str:
    """How far the counts of this run can be trusted, and how to measure it on this corpus.

    ``check`` is the codebook scored on independently coded real pieces its revisions never read (the ``"real test
    set"`` rows of :func:`arabic_themes.score_real_sets`), or ``None`` when no such measurement belongs to it.
    ``coded``, ``corpus`` and ``codebook`` are the run's paths, written into the commands that check a sample.
    """
    text = "**How far to trust these counts.** The counts above are the coder's"
    if check is None or not len(check):
        text += "; no measurement of this codebook on independently coded text it was never revised on is known here."
    else:
        labels = {t.id: t for t in themes}
        pieces, units = int(check["pieces"].iloc[0]), int(check["n"].iloc[0])
        text += (
            f". This codebook was measured on {_plural(pieces, 'real published Arabic piece')} ({_n(units)} units) "
            "that its revisions never read, each unit coded from the theme definitions by coders who had not seen the "
            "coder's output (F1 with a 95 % "
            "interval that resamples pieces):\n\n"
        )
        text += "\n".join(
            f"* {_theme(labels[r.theme])}: F1 {r.f1:.2f} ({r.f1_lo:.2f}–{r.f1_hi:.2f}); recall {r.recall:.2f} (the "
            f"share of a reader's units it finds), precision {r.precision:.2f} (the share of its own that are right)."
            for r in check.itertuples(index=False)
        )
        ok, short = _trust_verdict(check, themes)
        bar = f"{BAR_REAL_F1:.2f}"
        text += "\n\n"
        if ok:
            text += f"F1 {bar} or more there: {_join(ok)}; read {_its(ok)} as measured. "
        if short:
            text += (
                f"Below {bar}: {_join(short)}; read {_its(short)} as approximate, since on new text the coder both "
                "misses units and marks some wrongly, so a count can be off either way."
            )
    if has_reference:
        return text.rstrip() + "\n\nThis corpus also has a hand coding: notebook 03 measures the coder against it."
    paths = {k: shlex.quote(_from_root(v)) for k, v in (("coded", coded), ("corpus", corpus), ("codebook", codebook))}
    given = f"--coded {paths['coded']} \\\n    --corpus {paths['corpus']} --codebook {paths['codebook']}"
    return (
        text.rstrip()
        + "\n\nTo measure it on this corpus, have a random sample of units coded by hand, blind, and correct the "
        "counts for the coder's errors; from the folder that holds `notebooks/`:\n\n```bash\n"
        f"arabic-themes sample {given} \\\n    --n 100 --seed 1 --out check/\n"
        "# a reader codes check/sample.csv blind (or check/sample.qdpx in QDA software) and saves check/coder_a.csv\n"
        f"arabic-themes validate {given} \\\n    --sample check/sample.csv --human check/coder_a.csv \\\n"
        "    --out check/results/\n"
        "```\n\n`check/results/prevalence.csv` then gives each theme's share corrected for the coder's errors, with "
        "an interval (README, *Check the coding on your corpus*)."
    )


def evidence_words(coded: pd.DataFrame, theme: str, n: int = 1) -> list[str]:
    """The ``n`` words (raw spans of the evidence) that fired most often for ``theme``, most frequent first."""
    from arabic_themes.coding import parse_evidence

    rows = coded[coded[theme] == 1]
    if not len(rows):
        return []
    evidence = parse_evidence(rows)
    evidence = evidence[evidence["theme"] == theme]
    starts = dict(zip(zip(rows["doc_id"], rows["sentence_id"], strict=True), rows["start"], strict=True))
    texts = dict(zip(zip(rows["doc_id"], rows["sentence_id"], strict=True), rows["text"], strict=True))
    counts: Counter[str] = Counter()
    for d, s, a, b in zip(evidence["doc_id"], evidence["sentence_id"], evidence["start"], evidence["end"], strict=True):
        offset = int(starts[(d, s)])
        counts[str(texts[(d, s)])[a - offset : b - offset]] += 1
    return [w for w, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:n]]
