"""Direct quotations, who they are attributed to, and which articles share them.

Arabic news marks quotations with «…», “…” or straight quotes "…" (scraped pages sometimes
close a straight quote with the double prime ″). The same marks also wrap names and terms
(«شاهد», "إس-400", "الغموض الإستراتيجي"), so a quoted span counts as a *quotation* only from
``min_words`` words on; shorter ones are kept with ``kind="term"``.

Attribution is read from the sentence around the quotation, using two cue lists from
``data/attribution_cues.yaml`` (speech verbs such as قال، يقول، أكد، قائلاً and source markers
such as بحسب، وفقاً لـ، نقلت عن) and the actor list (``data/actors.yaml``), whose aliases merge
spelling variants (كوجانوف / كوزانوف, عراقجي / عرقجي, ترامب / ترمب). The rules, in order:

1. a person (or organisation) named between the last speech cue before the quotation and the
   quotation (``يقول نيكولاي كوزانوف …: "…"``);
2. else the last person named before that cue (``اقترح بوتين … قائلاً: "…"``);
3. else a speech cue right after the quotation and the person it names (``"…"، قال بوتين``);
4. else the last person named in the previous sentence of the same paragraph;
5. else the words that follow the cue, unnamed (``أشار مسؤول أمريكي``).

``via`` records the source the sentence cites (``بحسب الصحيفة``, ``بحسب وول ستريت جورنال``).
Every quotation keeps raw offsets into its article.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

import pandas as pd

from arabic_themes.actors import Actor, find_mentions
from arabic_themes.errors import InputError, read_yaml
from arabic_themes.normalisation import GlueRepair, normalize, normalize_word
from arabic_themes.terms import PROCLITICS, TermError, compile_term

__all__ = [
    "QUOTATION_COLUMNS",
    "Cues",
    "compare_quotations",
    "find_quotations",
    "load_cues",
    "quotation_presence",
    "quote_spans",
]

QUOTATION_COLUMNS = [
    "doc_id",
    "sentence_id",
    "start",
    "end",
    "quote",
    "words",
    "kind",
    "speaker",
    "speaker_label",
    "speaker_as_written",
    "cue",
    "via",
    "attribution",
]

_Span = tuple[int, int, str]  # (start, end, what) of a cue or a mention, offsets in the sentence
_PAIRED = {"«": "»", "“": "”"}
_SPEAKER_KINDS = ("person", "organisation", "media")


@dataclass(frozen=True)
class Cues:
    """Attribution cues: speech verbs and source markers (term-language patterns)."""

    speech: tuple[str, ...]
    source: tuple[str, ...]

    def regex(self, which: str) -> re.Pattern[str]:
        terms = self.speech if which == "speech" else self.source
        return re.compile("|".join(f"(?:{compile_term(t)})" for t in terms))


def load_cues(path: str | Path) -> Cues:
    """Read the cue lists (YAML with ``speech`` and ``source``); errors name the file and the term."""
    path = Path(path)
    data = read_yaml(path, "attribution cues")
    if not isinstance(data, dict) or set(data) != {"speech", "source"}:
        found = sorted(data) if isinstance(data, dict) else type(data).__name__
        raise InputError(f"{path}: expected exactly the keys 'speech' and 'source', found {found}")
    lists: dict[str, tuple[str, ...]] = {}
    for key in ("speech", "source"):
        terms = data[key]
        if not isinstance(terms, list) or not terms or not all(isinstance(t, str) and t.strip() for t in terms):
            raise InputError(f"{path}: '{key}' must be a non-empty list of terms")
        for term in terms:
            try:
                compile_term(term)
            except TermError as exc:
                raise InputError(f"{path}: bad {key} cue {term!r}: {exc}") from None
        lists[key] = tuple(t.strip() for t in terms)
    return Cues(lists["speech"], lists["source"])


def quote_spans(text: str) -> list[tuple[int, int]]:
    """(open, close) index pairs of the quotation marks in ``text``, in order.

    «…» and “…” pair by nesting (outermost kept); a straight ``"`` opens and the next ``"`` or
    ``″`` closes. A mark left open is ignored.
    """
    spans: list[tuple[int, int]] = []
    stack: list[tuple[str, int]] = []
    straight_open: int | None = None
    for i, ch in enumerate(text):
        if ch in _PAIRED:
            stack.append((ch, i))
        elif stack and ch == _PAIRED[stack[-1][0]]:
            _, opened = stack.pop()
            if not stack and straight_open is None:
                spans.append((opened, i))
        elif ch == '"' and straight_open is None and not stack:
            straight_open = i
        elif ch in '"″' and straight_open is not None:
            spans.append((straight_open, i))
            straight_open = None
    return sorted(spans)


def _matches(pattern: re.Pattern[str], text: str, repairs: Sequence[GlueRepair]) -> list[tuple[int, int, str]]:
    """Matches of a normalised-text pattern as raw (start, end, raw text) within ``text``."""
    norm = normalize(text, list(repairs))
    found = []
    for m in pattern.finditer(norm.text):
        a, b = norm.raw_span(m.start(), m.end())
        while b < len(text) and (unicodedata.category(text[b]) == "Mn" or text[b] == "\u0640"):
            b += 1  # keep the word's trailing diacritics (قائلاً, not قائلا)
        found.append((a, b, text[a:b]))
    return found


def find_quotations(
    sentences: pd.DataFrame,
    actors: Sequence[Actor],
    cues: Cues,
    repairs: Sequence[GlueRepair] = (),
    *,
    min_words: int = 4,
) -> pd.DataFrame:
    """One row per quoted span in ``sentences`` (the table of :func:`segment`), with attribution.

    Columns: see :data:`QUOTATION_COLUMNS`. ``start``/``end`` are raw article offsets of the text
    inside the marks; ``kind`` is ``quotation`` (at least ``min_words`` words) or ``term``;
    ``speaker`` is an actor id ("" when unnamed), ``speaker_label`` its English label or the
    unnamed words, ``attribution`` which rule found it (module docstring).
    """
    speakers = [a for a in actors if a.kind in _SPEAKER_KINDS]
    by_id = {a.id: a for a in speakers}
    mentions = find_mentions(sentences, speakers, list(repairs), adjectives=False)
    mention_groups = {key: group for key, group in mentions.groupby(["doc_id", "sentence_id"], sort=False)}
    speech, source = cues.regex("speech"), cues.regex("source")
    rows = []
    previous: dict[tuple[str, int], tuple[str, int]] = {}  # (doc, sentence) -> previous in paragraph
    last_key: tuple[str, int, int] | None = None
    for r in sentences.itertuples(index=False):
        if last_key is not None and last_key[0] == r.doc_id and last_key[2] == r.paragraph:
            previous[(r.doc_id, r.sentence_id)] = (r.doc_id, last_key[1])
        last_key = (r.doc_id, r.sentence_id, r.paragraph)
        spans = quote_spans(r.text)
        if not spans:
            continue
        people = mention_groups.get((r.doc_id, r.sentence_id))
        people_local = (
            [
                (int(a) - r.start, int(b) - r.start, actor)
                for a, b, actor in zip(people["start"], people["end"], people["actor"], strict=True)
            ]
            if people is not None
            else []
        )
        speech_cues = _matches(speech, r.text, repairs)
        source_cues = _matches(source, r.text, repairs)
        for opened, closed in spans:
            inner = r.text[opened + 1 : closed]
            words = len(inner.split())
            row = {
                "doc_id": r.doc_id,
                "sentence_id": r.sentence_id,
                "start": r.start + opened + 1,
                "end": r.start + closed,
                "quote": inner,
                "words": words,
                "kind": "quotation" if words >= min_words else "term",
                "speaker": "",
                "speaker_label": "",
                "speaker_as_written": "",
                "cue": "",
                "via": "",
                "attribution": "none",
            }
            if row["kind"] == "quotation":
                _attribute(
                    row,
                    r.text,
                    opened,
                    closed,
                    people_local,
                    speech_cues,
                    by_id,
                    r,
                    sentences,
                    previous,
                    mention_groups,
                )
                row["via"] = _via(r.text, opened, source_cues, people_local, by_id)
            rows.append(row)
    frame = pd.DataFrame(rows, columns=QUOTATION_COLUMNS)
    return frame.astype({"sentence_id": "int64", "start": "int64", "end": "int64", "words": "int64"})


def _attribute(
    row: dict[str, object],
    text: str,
    opened: int,
    closed: int,
    people: list[_Span],
    speech_cues: list[_Span],
    by_id: Mapping[str, Actor],
    r: Any,  # the sentence, a row of sentences.itertuples()
    sentences: pd.DataFrame,
    previous: Mapping[tuple[str, int], tuple[str, int]],
    mention_groups: Mapping[Any, pd.DataFrame],
) -> None:
    """Fill speaker, label, written form, cue and attribution of one quotation (rules 1–5)."""
    persons = [(a, b, actor) for a, b, actor in people if by_id[actor].kind == "person"] or list(people)

    def take(a: int, b: int, actor: str, cue: tuple[int, int, str] | None, how: str) -> None:
        row.update(speaker=actor, speaker_label=by_id[actor].label_en, speaker_as_written=text[a:b], attribution=how)
        row["cue"] = cue[2] if cue else ""

    before = [c for c in speech_cues if c[1] <= opened]
    if before:
        cue = before[-1]
        between = [p for p in persons if cue[1] <= p[0] and p[1] <= opened]
        if between:
            take(*between[0], cue, "same sentence")
            return
        earlier = [p for p in persons if p[1] <= cue[0]]
        if earlier:
            take(*earlier[-1], cue, "same sentence")
            return
    after = [c for c in speech_cues if c[0] > closed]
    if after:
        cue = after[0]
        following = [p for p in persons if p[0] >= cue[1]]
        if following:
            take(*following[0], cue, "same sentence")
            return
    prev_key = previous.get((r.doc_id, r.sentence_id))
    if prev_key is not None and prev_key in mention_groups:
        group = mention_groups[prev_key]
        kinds = [by_id[a].kind for a in group["actor"]]
        candidates = [i for i, k in enumerate(kinds) if k == "person"] or list(range(len(kinds)))
        if candidates:
            i = candidates[-1]
            actor = group["actor"].iloc[i]
            row.update(speaker=actor, speaker_label=by_id[actor].label_en, speaker_as_written=group["alias"].iloc[i])
            row["cue"] = before[-1][2] if before else ""
            row["attribution"] = "previous sentence"
            return
    if before:
        cue = before[-1]
        following_words = text[cue[1] : opened].split()[:2]
        if following_words:
            label = " ".join(w.strip("،,:") for w in following_words)
            row.update(speaker_label=label, speaker_as_written=label, cue=cue[2], attribution="unnamed")


def _via(text: str, opened: int, source_cues: list[_Span], people: list[_Span], by_id: Mapping[str, Actor]) -> str:
    """The source a sentence cites before a quotation: a media actor id, or the words after the cue."""
    for _, b, _ in reversed([c for c in source_cues if c[1] <= opened]):
        media = [p for p in people if by_id[p[2]].kind == "media" and p[0] >= b and p[0] - b <= 25]
        if media:
            return media[0][2]
        words = [w.strip('،,:"«»“”') for w in text[b:opened].split()[:2]]
        words = [w for w in words if w]
        if words:
            return words[0] if len(words) == 1 or not words[0].endswith("ل") else " ".join(words)
    return ""


_COLUMNS = ["doc_a", "sentence_a", "speaker_a", "quote_a", "doc_b", "sentence_b", "speaker_b", "quote_b"]
_PROCLITIC = re.compile(f"^(?:{PROCLITICS})")


def _stems(words: Sequence[str], stop: frozenset[str]) -> set[str]:
    """Blocking keys of a quotation: its content words without proclitics (و ف ب ك ل ال)."""
    keys = set()
    for word in words:
        if word in stop or len(word) < 3:
            continue
        bare = _PROCLITIC.sub("", word)
        keys.add(bare if len(bare) >= 3 else word)
    return keys


def compare_quotations(
    quotes: pd.DataFrame,
    *,
    threshold: float = 0.6,
    same_speaker_threshold: float = 0.4,
    max_df: int = 50,
) -> pd.DataFrame:
    """Pairs of quotations from different articles that render the same words.

    Similarity is the larger of two difflib ratios on the normalised text (word sequence and
    character sequence). A pair is kept when it reaches ``threshold``, or ``same_speaker_threshold``
    when both articles name the same speaker — the case of one English remark translated twice into
    different Arabic words. (On this corpus unrelated quotations score at most 0.34.) ``verdict``
    says whether the wording is the same (≥ 0.9) and whether both articles name the same speaker.

    The comparison grows with the corpus, not with its square. Quotations with the same normalised
    words are compared once: each is paired with the first one of another article (not with every
    other copy), which links them all. Distinct quotations are compared only when they share a
    content word (proclitics removed, function words left out) that at most ``max_df`` distinct
    quotations use; two renderings of one remark share such words, unrelated quotations rarely do.
    """
    from arabic_themes.keyness import arabic_stopwords

    q = quotes[quotes["kind"] == "quotation"].reset_index(drop=True)
    docs = q["doc_id"].astype(str).tolist()
    speakers = q["speaker"].fillna("").astype(str).tolist()
    groups: dict[str, list[int]] = {}  # normalised words -> quotations with them, in order
    words_of: dict[str, list[str]] = {}
    for i, quote in enumerate(q["quote"].astype(str)):
        words = re.findall(r"\w+", normalize_word(quote))
        key = " ".join(words)
        groups.setdefault(key, []).append(i)
        words_of.setdefault(key, words)
    keys = list(groups)
    found: dict[tuple[int, int], float] = {}

    def keep(members_a: list[int], members_b: list[int], score: float) -> None:
        """Keep the first pair of members (of different articles) that reaches its threshold, if any."""
        for a in members_a:
            for b in members_b:
                if docs[a] == docs[b]:
                    continue
                same = bool(speakers[a]) and speakers[a] == speakers[b]
                if score >= (same_speaker_threshold if same else threshold):
                    found[(min(a, b), max(a, b))] = score
                    return

    for members in groups.values():  # copies of one quotation: each linked to the first of another article
        for m in members:
            partner = next((o for o in members if docs[o] != docs[m]), None)
            if partner is not None:
                keep([min(m, partner)], [max(m, partner)], 1.0)

    stop = arabic_stopwords()
    postings: dict[str, list[int]] = {}
    for k, key in enumerate(keys):
        for stem in _stems(words_of[key], stop):
            postings.setdefault(stem, []).append(k)
    candidates: set[tuple[int, int]] = set()
    for ks in postings.values():
        if 1 < len(ks) <= max_df:
            candidates.update((a, b) for n, a in enumerate(ks) for b in ks[n + 1 :])
    lowest = min(threshold, same_speaker_threshold)
    for ka, kb in sorted(candidates):
        wa, wb = words_of[keys[ka]], words_of[keys[kb]]
        by_word = SequenceMatcher(None, wa, wb, autojunk=False)
        by_char = SequenceMatcher(None, " ".join(wa), " ".join(wb), autojunk=False)
        if max(by_word.real_quick_ratio(), by_char.real_quick_ratio()) < lowest:
            continue  # upper bounds first: most candidates stop here
        if max(by_word.quick_ratio(), by_char.quick_ratio()) < lowest:
            continue
        score = round(max(by_word.ratio(), by_char.ratio()), 3)
        if score >= lowest:
            keep(groups[keys[ka]], groups[keys[kb]], score)

    rows = []
    for (i, j), score in sorted(found.items()):
        a, b = q.iloc[i], q.iloc[j]
        same_speaker = bool(speakers[i]) and speakers[i] == speakers[j]
        wording = "same wording" if score >= 0.9 else "different wording"
        speaker = "same speaker" if same_speaker else "speaker differs or unnamed"
        rows.append(
            {
                "doc_a": a["doc_id"],
                "sentence_a": int(a["sentence_id"]),
                "speaker_a": a["speaker_label"],
                "quote_a": a["quote"],
                "doc_b": b["doc_id"],
                "sentence_b": int(b["sentence_id"]),
                "speaker_b": b["speaker_label"],
                "quote_b": b["quote"],
                "similarity": score,
                "verdict": f"{wording}, {speaker}",
            }
        )
    return pd.DataFrame(rows, columns=[*_COLUMNS, "similarity", "verdict"])


def quotation_presence(quotes: pd.DataFrame, pairs: pd.DataFrame, doc_ids: Sequence[str]) -> pd.DataFrame:
    """One row per distinct quotation (pairs from :func:`compare_quotations` merged), with the
    speaker and a 0/1 column per article saying where it appears; in order of first appearance."""
    q = quotes[quotes["kind"] == "quotation"].reset_index(drop=True)
    key = {(d, s, t): i for i, (d, s, t) in enumerate(zip(q["doc_id"], q["sentence_id"], q["quote"], strict=True))}
    parent = list(range(len(q)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for p in pairs.itertuples(index=False):
        i, j = key[(p.doc_a, p.sentence_a, p.quote_a)], key[(p.doc_b, p.sentence_b, p.quote_b)]
        parent[find(i)] = find(j)
    clusters: dict[int, list[int]] = {}
    for i in range(len(q)):
        clusters.setdefault(find(i), []).append(i)
    rows = []
    for members in sorted(clusters.values(), key=min):
        first = q.iloc[min(members)]
        speakers = list(dict.fromkeys(q.iloc[m]["speaker_label"] for m in members if q.iloc[m]["speaker_label"]))
        row = {"speaker": " / ".join(speakers), "quote": first["quote"]}
        present = {q.iloc[m]["doc_id"] for m in members}
        row.update({d: int(d in present) for d in doc_ids})
        row["articles"] = len(present)
        rows.append(row)
    return pd.DataFrame(rows, columns=["speaker", "quote", *doc_ids, "articles"])
