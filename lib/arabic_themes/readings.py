"""Readings: the sentences a notebook writes under a table or a figure, built from the run's own tables.

A result notebook must speak only of the corpus it ran on, so every number, article and word that a
"Reading" or a summary states is computed here from the tables of the run (one function per
reading, Markdown out) and shown with :class:`IPython.display.Markdown`. The hand-written
interpretation of the project's own five articles stays in notebook cells tagged ``project-corpus``,
which ``arabic-themes analyse`` leaves out.

The helpers at the end keep tables and figures readable on a corpus of any size: the articles a
per-article figure shows (:func:`largest_docs`) and the note that says what was left out
(:func:`shown_note`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

import numpy as np
import pandas as pd

from arabic_themes.codebook import Codebook


class Labelled(Protocol):
    """What a reading needs of a theme or an actor: its id and English label (``Theme``, ``Actor`` fit)."""

    @property
    def id(self) -> str: ...

    @property
    def label_en(self) -> str: ...


__all__ = [
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
    "short_list",
    "shown_note",
    "summary_coding",
    "summary_corpus",
    "summary_sources",
]

#: How many articles a per-article figure shows at most; how many names a sentence lists at most.
MAX_FIGURE_DOCS = 15
_MAX_LISTED = 5


# --- wording ---------------------------------------------------------------------------------------


def percent(k: float, n: float) -> str:
    """``k`` of ``n`` as a rounded percentage written the project's way ("45 %"); "–" when ``n`` is 0."""
    return f"{round(100 * k / n)} %" if n else "–"


def _n(k: int) -> str:
    return f"{k:,}"


def _plural(k: int, one: str, many: str | None = None) -> str:
    return f"{_n(k)} {one if k == 1 else (many or one + 's')}"


def _be(k: int) -> str:
    return "is" if k == 1 else "are"


def _doc(doc_id: str) -> str:
    return f"`{doc_id}`"


def _ar(word: object) -> str:
    """Arabic inside an English sentence, isolated (FSI … PDI) so that the punctuation around it keeps
    its place: without it, "word ×2, word ×3" would be reordered right to left."""
    return f"\u2068{word}\u2069"


def _theme(theme: Labelled) -> str:
    return f"*{theme.label_en}*"


def _join(items: Sequence[str], word: str = "and") -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {word} " + items[-1]


def _docs(doc_ids: Sequence[str], limit: int = _MAX_LISTED) -> str:
    """Some articles by name: all of them up to ``limit``, else the first ones and how many more."""
    doc_ids = list(doc_ids)
    if len(doc_ids) <= limit:
        return _join([_doc(d) for d in doc_ids])
    return ", ".join(_doc(d) for d in doc_ids[:limit]) + f" and {_n(len(doc_ids) - limit)} more"


def _per_doc(coded: pd.DataFrame, ids: Sequence[str]) -> tuple[list[str], np.ndarray, np.ndarray]:
    order = list(dict.fromkeys(coded["doc_id"]))
    grouped = coded.groupby("doc_id", sort=False)
    units = grouped.size().reindex(order).to_numpy(dtype=int)
    hits = grouped[list(ids)].sum().reindex(order).to_numpy(dtype=int)
    return order, units, hits


# --- notebook 01 -----------------------------------------------------------------------------------


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


def summary_coding(codebook: Codebook, coded: pd.DataFrame) -> str:
    """The summary of notebook 02 as Markdown bullets: the codebook's size, traceability, the counts."""
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
            "* Written: `coded_sentences.csv` and `theme_counts.csv`, and the same coding as a REFI-QDA project and "
            "codebook for QDA software.",
        ]
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


# --- notebook 04 -----------------------------------------------------------------------------------


def reading_theme_shares(coded: pd.DataFrame, themes: Sequence[Labelled]) -> str:
    """For the theme-shares figure: per theme, the range of its share over the articles."""
    ids = [t.id for t in themes]
    order, units, hits = _per_doc(coded, ids)
    if len(order) < 2:
        return "**Reading.** With one article there is nothing to compare; the figure gives its shares."
    parts = []
    for j, theme in enumerate(themes):
        shares = np.where(units > 0, hits[:, j] / np.maximum(units, 1), 0.0)
        hi, lo = int(np.argmax(shares)), int(np.argmin(shares))
        zero = int((hits[:, j] == 0).sum())
        part = f"{_theme(theme)} runs from {percent(hits[lo, j], units[lo])} of the units of {_doc(order[lo])}"
        part += f" to {percent(hits[hi, j], units[hi])} of those of {_doc(order[hi])}"
        if zero > 1:
            part += f" ({_n(zero)} articles have none)"
        parts.append(part)
    return "**Reading.** " + "; ".join(parts) + "."


def reading_dispersion(coded: pd.DataFrame, themes: Sequence[Labelled]) -> str:
    """For the dispersion figure: where in its article a unit of each theme comes, and where a theme first appears."""
    ids = [t.id for t in themes]
    positions: dict[str, list[float]] = {t: [] for t in ids}
    firsts: dict[str, list[float]] = {t: [] for t in ids}
    for _, part in coded.groupby("doc_id", sort=False):
        part = part.sort_values("sentence_id", kind="stable") if "sentence_id" in part else part
        n = len(part)
        where = (np.arange(1, n + 1) - 0.5) / max(n, 1)
        for t in ids:
            mask = part[t].to_numpy(dtype=int) == 1
            positions[t] += where[mask].tolist()
            if mask.any():
                firsts[t].append(float(where[mask][0]))
    present = [t for t in themes if positions[t.id]]
    if not present:
        return "**Reading.** No theme occurs in this corpus."
    medians = [f"{round(100 * float(np.median(positions[t.id])))} %" for t in present]
    first = [f"{round(100 * float(np.mean(firsts[t.id])))} %" for t in present]
    names = _join([_theme(t) for t in present])
    if len(present) == 1:
        text = (
            f"**Reading.** In the median, a unit of {names} comes at {medians[0]} of its article's length (0 % is the "
            f"start, 100 % the end); in the articles that have it, it first appears on average at {first[0]}."
        )
    else:
        text = (
            f"**Reading.** In the median, a unit of {names} comes at {_join(medians)} of its article's length "
            f"respectively (0 % is the start, 100 % the end); in the articles that have them, these themes first "
            f"appear on average at {_join(first)}."
        )
    absent = [t for t in themes if not positions[t.id]]
    if absent:
        text += f" {_join([_theme(t) for t in absent])} never occur{'s' if len(absent) == 1 else ''}."
    return text


def reading_cooccurrence(coded: pd.DataFrame, themes: Sequence[Labelled]) -> str:
    """For the co-occurrence matrix: which pairs of themes share units, and which never do."""
    ids = [t.id for t in themes]
    if len(ids) < 2:
        return "**Reading.** The codebook has one theme: there is nothing to co-occur."
    x = coded[ids].to_numpy(dtype=int)
    matrix = x.T @ x
    pairs = [(int(matrix[i, j]), i, j) for i in range(len(ids)) for j in range(i + 1, len(ids))]
    together = sorted([p for p in pairs if p[0]], key=lambda p: (-p[0], p[1], p[2]))
    never = [p for p in pairs if not p[0]]
    text = "**Reading.**"
    if together:
        listed = [f"{_theme(themes[i])} and {_theme(themes[j])} share {_plural(k, 'unit')}" for k, i, j in together]
        text += " " + _join(listed[:_MAX_LISTED]) + "."
        k, i, j = together[0]
        smaller = min(matrix[i, i], matrix[j, j])
        if smaller:
            text += (
                f" The largest overlap is {percent(k, smaller)} of the rarer theme's units "
                f"({_n(k)} of {_n(int(smaller))})."
            )
    if never:
        listed = [f"{_theme(themes[i])} and {_theme(themes[j])}" for _, i, j in never]
        text += f" Never in the same unit: {_join(listed[:_MAX_LISTED])}."
    multi = int((x.sum(axis=1) >= 2).sum())
    if multi:
        text += f" {_n(multi)} of the {_plural(len(coded), 'unit')} carry two themes or more."
    else:
        text += " No unit carries two themes."
    return text


def reading_agreement(aligned: pd.DataFrame, themes: Sequence[Labelled]) -> str:
    """For the agreement figure: decisions agreed, and how the differences split (misses, additions)."""
    ids = [t.id for t in themes]
    agree = miss = extra = 0
    worst = None
    for theme in themes:
        coder = aligned[f"{theme.id}_coder"].to_numpy(dtype=int)
        ref = aligned[f"{theme.id}_reference"].to_numpy(dtype=int)
        agree += int((coder == ref).sum())
        m, e = int(((coder == 0) & (ref == 1)).sum()), int(((coder == 1) & (ref == 0)).sum())
        miss, extra = miss + m, extra + e
        if m + e and (worst is None or m + e > worst[0]):
            worst = (m + e, theme)
    total = len(aligned) * len(ids)
    text = (
        f"**Reading.** The coder and the reference agree on {_n(agree)} of the {_n(total)} unit–theme decisions "
        f"({percent(agree, total)})."
    )
    if miss + extra:
        side = (
            "the coder is the more conservative of the two"
            if miss > extra
            else "the coder marks more than the reference"
            if extra > miss
            else "misses and additions are even"
        )
        text += (
            f" Of the {_plural(miss + extra, 'difference')}, {_n(miss)} are misses (reference only) and "
            f"{_plural(extra, 'addition')} (coder only): {side}."
        )
        if worst is not None:
            text += f" Most differences are on {_theme(worst[1])} ({_n(worst[0])})."
    return text


def reading_actor_mentions(counts: pd.DataFrame, actors: Sequence[Labelled]) -> str:
    """For the actor figure: the most mentioned actors overall, and who stands out in each article."""
    label = {a.id: a.label_en for a in actors}
    totals = counts.groupby("actor", sort=False)["count"].sum()
    totals = totals[totals > 0].sort_values(ascending=False, kind="stable")
    if totals.empty:
        return "**Reading.** No actor of the list is mentioned in this corpus."
    top = [f"{label.get(a, a)} ({_n(int(k))})" for a, k in totals.head(3).items()]
    text = f"**Reading.** The most mentioned actors are {_join(top)}."
    common = list(totals.head(2).index)
    stand_out: dict[str, list[tuple[int, str]]] = {}  # actor -> (count, article) where it is the most named
    for doc_id, part in counts.groupby("doc_id", sort=False):
        others = part[~part["actor"].isin(common) & (part["count"] > 0)]  # beyond the two most mentioned
        if len(others):
            best = others.sort_values("count", ascending=False, kind="stable").iloc[0]
            stand_out.setdefault(str(best["actor"]), []).append((int(best["count"]), str(doc_id)))
    if stand_out:
        ranked = sorted(stand_out.items(), key=lambda kv: (-max(k for k, _ in kv[1]), -len(kv[1])))
        listed = []
        for actor, where in ranked[:_MAX_LISTED]:
            k, doc_id = max(where, key=lambda w: w[0])
            if len(where) == 1:
                listed.append(f"{label.get(actor, actor)} in {_doc(doc_id)} ({_n(k)})")
            else:
                listed.append(
                    f"{label.get(actor, actor)} in {_n(len(where))} articles (up to {_n(k)}, in {_doc(doc_id)})"
                )
        names = _join([label.get(a, a) for a in common])
        text += f" Beyond {names}, the actor an article names most: {_join(listed)}."
    return text


# --- notebook 05 -----------------------------------------------------------------------------------


def reading_quotations(quotes: pd.DataFrame, pairs: pd.DataFrame, doc_ids: Sequence[str]) -> str:
    """How many quotations, where, whom they are attributed to, and which remarks two articles share."""
    speech = quotes[quotes["kind"] == "quotation"]
    if not len(speech):
        return "**Reading.** The corpus has no quotation of four words or more."
    per_doc = speech.groupby("doc_id", sort=False).size().sort_values(ascending=False, kind="stable")
    named = speech[speech["speaker"].astype(str) != ""]
    unnamed = speech[(speech["speaker"].astype(str) == "") & (speech["attribution"] == "unnamed")]
    nobody = len(speech) - len(named) - len(unnamed)
    who = [f"{_n(len(named))} attributed to a named speaker"]
    if len(unnamed):
        who.append(f"{_n(len(unnamed))} to unnamed words after a speech verb")
    if nobody:
        who.append(f"{_n(nobody)} to no one")
    text = (
        f"**Reading.** The corpus has {_plural(len(speech), 'quotation')} in "
        + (
            f"all {_n(len(doc_ids))} of its articles"
            if len(per_doc) == len(doc_ids) and len(doc_ids) > 1
            else f"{_n(len(per_doc))} of its {_plural(len(doc_ids), 'article')}"
        )
        + f": {_join(who)}."
    )
    most = [f"{_doc(d)} ({_n(int(k))})" for d, k in per_doc.head(3).items()]
    text += f" Most quoted: {_join(most)}."
    silent = [d for d in doc_ids if d not in per_doc.index]
    if silent:
        text += f" {_docs(silent)} quote{'s' if len(silent) == 1 else ''} no one directly."
    speakers = named.groupby("speaker_label", sort=False).size().sort_values(ascending=False, kind="stable")
    if len(speakers):
        text += " Speakers quoted most: " + _join([f"{s} ({_n(int(k))})" for s, k in speakers.head(3).items()]) + "."
    if len(pairs):
        same = int(pairs["verdict"].str.startswith("same wording").sum())
        text += (
            f" {_plural(len(pairs), 'pair')} of quotations in two articles render{'s' if len(pairs) == 1 else ''} "
            "the same remark "
            f"({_n(same)} in the same words, {_n(len(pairs) - same)} in different words)."
        )
    else:
        text += " No remark is quoted in two articles."
    return text


def reading_claims(claims: pd.DataFrame) -> str:
    """How many claims the claims table holds, and how many the articles agree on or contradict."""
    per_claim = claims.groupby("claim_id", sort=False)["agree"].first()
    n = len(per_claim)
    k = per_claim.value_counts()
    yes, single, no = (int(k.get(key, 0)) for key in ("yes", "single", "no"))
    return (
        f"**Reading.** Of {_plural(n, 'claim')}, {_n(yes)} {_be(yes)} made alike by every article that makes "
        f"{'it' if yes == 1 else 'them'}, {_n(single)} by one article only, and {_n(no)} {_be(no)} contradicted "
        "between articles."
    )


def reading_timeline(events: pd.DataFrame) -> str:
    """How many events the timeline holds, their span, and the ones articles date differently."""
    ids = events["event_id"].nunique()
    years = events["date"].str[:4].astype(int)
    shared = int((events.groupby("event_id")["doc_id"].nunique() > 1).sum())
    disputed = int((events.groupby("event_id")["date"].nunique() > 1).sum())
    return (
        f"**Reading.** {_plural(ids, 'event')} from {int(years.min())} to {int(years.max())}; "
        f"{_n(shared)} mentioned by more than one article, {_n(disputed)} dated differently by different articles."
    )


def reading_keyness(top: pd.DataFrame, *, label: str = "as_written") -> str:
    """The words that set articles apart: the strongest z, and each article's top words (a few articles)."""
    if not len(top):
        return "**Reading.** No word is used at least twice in one article and distinctively: nothing stands out."
    best = top.sort_values(["z", "count"], ascending=False, kind="stable").iloc[0]
    text = (
        f"**Reading.** The most distinctive word is {_ar(best[label])} in {_doc(str(best['doc_id']))} "
        f"(z = {float(best['z']):.1f}, ×{int(best['count'])})."
    )
    docs = list(dict.fromkeys(top["doc_id"]))
    parts = []
    for doc_id in docs[:_MAX_LISTED]:
        words = top[top["doc_id"] == doc_id].head(3)
        parts.append(
            f"{_doc(doc_id)}: "
            + ", ".join(f"{_ar(w)} (×{int(c)})" for w, c in zip(words[label], words["count"], strict=True))
        )
    text += (
        " Top words: "
        + "; ".join(parts)
        + (f"; and {_n(len(docs) - _MAX_LISTED)} more articles." if len(docs) > _MAX_LISTED else ".")
    )
    if float(top["z"].max()) < 3:
        text += " With z below 3 these are hints, not findings: many words are tested at once."
    return text


def summary_sources(
    quotes: pd.DataFrame, pairs: pd.DataFrame, claims: pd.DataFrame | None, events: pd.DataFrame | None
) -> str:
    """The summary of notebook 05 as Markdown bullets: quotations, shared remarks, claims, timeline."""
    speech = int((quotes["kind"] == "quotation").sum())
    lines = [
        "* Quotations are extracted with their speakers by package code (`find_quotations`, tested on made-up "
        f"sentences and on the project's corpus): {_plural(speech, 'quotation')} here, "
        + (
            f"{_plural(len(pairs), 'pair')} of them rendering one remark in two articles, found automatically."
            if len(pairs)
            else "none of them shared between two articles."
        )
    ]
    if claims is not None and len(claims):
        per_claim = claims.groupby("claim_id", sort=False)["agree"].first()
        lines.append(
            f"* The claims table records {_plural(len(per_claim), 'claim')} with raw offsets: "
            f"{_n(int((per_claim == 'no').sum()))} contradicted between articles."
        )
    else:
        lines.append("* This corpus brings no claims table (`claims.csv`), so no claim is compared.")
    if events is not None and len(events):
        lines.append(f"* The timeline places {_plural(events['event_id'].nunique(), 'event')} the articles refer to.")
    else:
        lines.append("* This corpus brings no timeline (`timeline.csv`).")
    lines.append(
        "* The distinctive vocabulary of each article is in `keyness.csv`; its figure is under the same "
        "regression tests as the others."
    )
    return "\n".join(lines)


# --- keeping tables and figures readable at any size -----------------------------------------------


def largest_docs(frame: pd.DataFrame, n: int = MAX_FIGURE_DOCS) -> list[str]:
    """The ``n`` articles of ``frame`` with the most rows (units), in their order of appearance."""
    sizes = frame.groupby("doc_id", sort=False).size()
    if len(sizes) <= n:
        return list(sizes.index)
    keep = set(sizes.sort_values(ascending=False, kind="stable").head(n).index)
    return [d for d in sizes.index if d in keep]


def short_list(items: Iterable[object], limit: int = _MAX_LISTED) -> str:
    """Items joined by commas, the first ``limit`` of them and how many more: a table cell that stays short."""
    texts = [str(i) for i in items]
    more = f" … (+{_n(len(texts) - limit)})" if len(texts) > limit else ""
    return ", ".join(texts[:limit]) + more


def shown_note(shown: int, total: int, what: str = "articles", where: str = "") -> str:
    """ "Showing 30 of 5,000 articles …" when a table or figure leaves some out; "" when it shows all."""
    if shown >= total:
        return ""
    text = f"*Showing {_n(shown)} of {_n(total)} {what}"
    return text + (f"; all of them are in `{where}`.*" if where else ".*")
