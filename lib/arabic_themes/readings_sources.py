"""Readings of notebook 05: quotations, claims, the timeline and the distinctive vocabulary."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from arabic_themes._wording import _MAX_LISTED, _ar, _be, _doc, _docs, _join, _n, _plural


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


def reading_keyness(
    top: pd.DataFrame, *, label: str = "as_written", english: Mapping[str, str] | None = None
) -> str:
    """The words that set articles apart: the strongest z, and each article's top words (a few articles).

    With ``english`` (normalised word → gloss, e.g. from the word glosses), each word's English follows it.
    """

    def word(row_word: object, row_label: object, count: object) -> str:
        gloss = (english or {}).get(str(row_word), "")
        return f"{_ar(row_label)} ({'*' + gloss + '*, ' if gloss else ''}×{int(str(count))})"

    if not len(top):
        return "**Reading.** No word is used at least twice in one article and distinctively: nothing stands out."
    best = top.sort_values(["z", "count"], ascending=False, kind="stable").iloc[0]
    gloss = (english or {}).get(str(best["word"]), "") if "word" in top else ""
    text = (
        f"**Reading.** The most distinctive word is {_ar(best[label])}{f' (*{gloss}*)' if gloss else ''} in "
        f"{_doc(str(best['doc_id']))} (z = {float(best['z']):.1f}, ×{int(best['count'])})."
    )
    docs = list(dict.fromkeys(top["doc_id"]))
    words = top["word"] if "word" in top else top[label]
    parts = []
    for doc_id in docs[:_MAX_LISTED]:
        rows = top[top["doc_id"] == doc_id].head(3)
        listed = zip(words[rows.index], rows[label], rows["count"], strict=True)
        parts.append(f"{_doc(doc_id)}: " + ", ".join(word(w, a, c) for w, a, c in listed))
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
