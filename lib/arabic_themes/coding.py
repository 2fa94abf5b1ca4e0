"""Transparent, dictionary-based theme coding of sentences, with evidence as raw offsets.

A codebook (``data/codebook.yaml``) defines themes; each theme has *indicators*, and a sentence
gets a theme when at least one of its indicators fires in that sentence. Indicators are written
for concepts in a small term language that is compiled to regular expressions over the
normalised text (:mod:`arabic_themes.normalisation`):

``any: [term, …]``
    fires when any term occurs in the sentence.
``all: [[term, …], [term, …]]``
    fires when every group has a term in the sentence (co-occurrence: one word is not enough).
``not: [term, …]``
    optional veto: the indicator does not fire in a sentence where one of these occurs.

A theme may list rules under ``drop_when``: each rule drops the theme from a sentence where
*another theme* is coded (``theme: other``) or where *one of some terms* occurs (``any: [term, …]``),
unless one of its ``unless`` terms occurs there too. Rules are decided on the coding before any
theme is dropped, and a dropped theme's evidence goes with it. The project codebook uses them for
two exclusion rules of its definitions: a sentence that tells only a past case (of another
partner) is a precedent, not Russia's present stance toward Iran; and another state's limited
support is not Russia's, unless Russia is named too.

A *term* is one or more words separated by spaces:

* every word accepts the proclitics و/ف, then ب/ك/ل, then the article ال (``دعم`` matches
  ``الدعم``, ``ودعم``, ``بالدعم``, ``للدعم``); start a word with ``=`` to forbid them;
* a word ends at a word boundary, optionally after an attached pronoun (ه ها هما هم هن ي نا كم ك)
  or the alef of the indefinite accusative (``دعماً`` → ``دعما``);
  end it with ``*`` to accept any continuation (a stem: ``عسكري*`` → ``عسكرية``, ``عسكريا``);
* ``{a|b|c}`` gives alternatives in one word position;
* ``..`` between two words allows up to three other words between them;
* ``re:<regex>`` is a raw regular expression over the normalised text (write it normalised:
  ا not أ, ه not ة, ي not ى).

Terms are normalised like the text, so they may be written with hamzas and teh marbuta.

:func:`code_sentences` normalises each article once, runs one combined regular expression per
article over it (not one search per pattern per sentence), assigns hits to sentences with a
binary search on the sentence offsets, and reports every hit as raw offsets in ``evidence``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from arabic_themes._chars import classify, runs as _runs
from arabic_themes.normalisation import GlueRepair, normalize, normalize_word

__all__ = [
    "Codebook",
    "CodebookError",
    "DropRule",
    "Indicator",
    "Theme",
    "code_sentences",
    "code_sentences_naive",
    "code_texts",
    "indicator_counts",
    "compile_term",
    "load_codebook",
    "parse_evidence",
    "theme_table",
]

PROCLITICS = r"(?:[وف])?(?:[بك]?ال|لل|[بلك])?"
PRONOUN_SUFFIX = r"(?:هما|هم|هن|ها|ه|نا|كم|ك|ي|ا)?"
_WORD_CHARS = r"\w"
_GAP = r"(?:\s+\S+){0,3}?\s+"
_THEME_KEYS = {"id", "label_ar", "label_en", "definition", "include", "exclude", "indicators", "anchors", "drop_when"}
_DROP_KEYS = {"theme", "any", "unless", "note"}
_INDICATOR_KEYS = {"id", "any", "all", "not", "note"}
_TOP_KEYS = {"version", "name", "unit", "description", "themes"}
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


class CodebookError(ValueError):
    """The codebook is malformed; the message names the theme, indicator and pattern at fault."""


@dataclass(frozen=True)
class Indicator:
    """One indicator of a theme; fires in a sentence when its rule holds there."""

    id: str
    groups: tuple[tuple[str, ...], ...]  # terms per group; one group for ``any``
    exclude: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class DropRule:
    """Drop a theme where another theme is coded (``theme``) or a term occurs (``terms``), unless one of ``unless`` occurs."""

    theme: str = ""
    terms: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()
    note: str = ""

    def describe(self) -> str:
        what = f"theme {self.theme}" if self.theme else " | ".join(self.terms)
        return what + (" unless: " + " | ".join(self.unless) if self.unless else "")


@dataclass(frozen=True)
class Theme:
    """A theme of the codebook with bilingual labels, rules, indicators and anchor examples."""

    id: str
    label_ar: str
    label_en: str
    definition: str
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    indicators: tuple[Indicator, ...] = ()
    anchors: tuple[dict[str, str], ...] = ()
    drop_when: tuple[DropRule, ...] = ()


@dataclass(frozen=True)
class Codebook:
    """Parsed codebook: the themes in file order plus compiled term patterns."""

    themes: tuple[Theme, ...]
    path: str = ""
    patterns: dict[str, re.Pattern[str]] = field(default_factory=dict, repr=False)

    @property
    def theme_ids(self) -> list[str]:
        return [t.id for t in self.themes]

    def theme(self, theme_id: str) -> Theme:
        for t in self.themes:
            if t.id == theme_id:
                return t
        raise KeyError(theme_id)

    def table(self) -> pd.DataFrame:
        """One row per theme: id, labels, definition, rules and number of indicators."""
        return pd.DataFrame(
            [
                {
                    "id": t.id,
                    "label_ar": t.label_ar,
                    "label_en": t.label_en,
                    "definition": t.definition,
                    "include": " • ".join(t.include),
                    "exclude": " • ".join(t.exclude),
                    "indicators": len(t.indicators),
                    "drop_when": " • ".join(r.describe() for r in t.drop_when),
                }
                for t in self.themes
            ]
        )

    def indicator_table(self) -> pd.DataFrame:
        """One row per indicator: theme, indicator id, rule kind, terms and veto terms."""
        rows = []
        for t in self.themes:
            for ind in t.indicators:
                rows.append(
                    {
                        "theme": t.id,
                        "indicator": ind.id,
                        "rule": "any" if len(ind.groups) == 1 else f"all of {len(ind.groups)} groups",
                        "terms": " + ".join("(" + " | ".join(g) + ")" for g in ind.groups),
                        "unless": " | ".join(ind.exclude),
                        "note": ind.note,
                    }
                )
        return pd.DataFrame(rows)


# --- term language -------------------------------------------------------------------------------
# Every term is parsed once into word specifications; two engines use them: a token engine
# (code_sentences: one pass over the text, dictionary look-ups per distinct word) and, for
# reference and benchmarking, plain regular expressions (compile_term, code_sentences_naive).
# A test checks that both give the same coding.

_PROCLITIC_FORMS = tuple(
    sorted({a + b for a in ("", "و", "ف") for b in ("", "ال", "بال", "كال", "لل", "ب", "ك", "ل")}, key=len)
)
_PRONOUN_SUFFIXES = ("هما", "هم", "هن", "ها", "ه", "نا", "كم", "ك", "ي", "ا")
_GAP_MAX_WORDS = 3


@dataclass(frozen=True)
class _Word:
    options: tuple[tuple[str, str], ...]  # (core, suffix mode); mode "pronoun", "any" (stem*) or "none"
    clitics: bool  # accept proclitics (و/ف + ب/ك/ل + ال)


@dataclass(frozen=True)
class _Term:
    source: str
    words: tuple[_Word, ...] = ()
    joins: tuple[str, ...] = ()  # between consecutive words: "space", "hyphen" or "gap"
    regex: str | None = None  # for re: terms


def _split_star(text: str) -> tuple[str, bool]:
    return (text[:-1], True) if text.endswith("*") else (text, False)


def _parse_word(token: str) -> list[_Word]:
    clitics = not token.startswith("=")
    if not clitics:
        token = token[1:]
    token, all_stem = _split_star(token)
    if token.startswith("{") and token.endswith("}"):
        options = [_split_star(o) for o in token[1:-1].split("|")]
        if any("-" in o for o, _ in options):
            raise ValueError("hyphenated alternatives in {…} are not supported; write separate terms")
        parts = [[(normalize_word(o), stem or all_stem) for o, stem in options]]
    else:
        if not token or re.search(r"[{}|()\[\]\\^$+?*=.]", token):
            raise ValueError(f"bad word {token!r} (use {{a|b}} for alternatives, or a re: pattern)")
        pieces = normalize_word(token).split("-")
        parts = [[(piece, all_stem and i == len(pieces) - 1)] for i, piece in enumerate(pieces)]
    words = []
    for i, options in enumerate(parts):
        first, last = i == 0, i == len(parts) - 1
        normalised = []
        for core, stem in options:
            if first and clitics and core.startswith("ال") and len(core) > 3:
                core = core[2:]  # the article is one of the proclitics, so a written ال is optional
            if not re.fullmatch(r"\w+", core):
                raise ValueError(f"word {token!r}: {core!r} must consist of letters or digits")
            normalised.append((core, ("any" if stem else "pronoun") if last else "none"))
        words.append(_Word(tuple(sorted(set(normalised))), clitics and first))
    return words


def _parse_term(term: str) -> _Term:
    term = term.strip()
    if not term:
        raise ValueError("empty term")
    if term.startswith("re:"):
        source = term[3:].strip()
        if normalize_word(source) != source.lower() or re.search(r"[أإآٱؤئىة\u064B-\u0652ـ]", source):
            raise ValueError(
                "re: patterns must be written in normalised form (ا not أ/إ/آ, ه not ة, ي not ى, no diacritics)"
            )
        re.compile(source)
        return _Term(term, regex=source)
    words: list[_Word] = []
    joins: list[str] = []
    pending_gap = False
    for token in term.split():
        if token == "..":
            if not words or pending_gap:
                raise ValueError("'..' must stand between two words")
            pending_gap = True
            continue
        parsed = _parse_word(token)
        if words:
            joins.append("gap" if pending_gap else "space")
        joins.extend("hyphen" for _ in parsed[1:])
        words.extend(parsed)
        pending_gap = False
    if pending_gap:
        raise ValueError("'..' must stand between two words")
    return _Term(term, tuple(words), tuple(joins))


def _word_regex(word: _Word) -> str:
    suffix = {"any": r"\w*", "pronoun": PRONOUN_SUFFIX, "none": ""}
    options = sorted(word.options, key=lambda o: (-len(o[0]), o))
    core = "(?:" + "|".join(re.escape(c) + suffix[mode] for c, mode in options) + ")"
    prefix = PROCLITICS if word.clitics else ""
    return rf"(?<!\w){prefix}{core}(?!\w)"


_JOIN_REGEX = {"space": r"\s+", "hyphen": "-", "gap": rf"(?:\W+\w+){{0,{_GAP_MAX_WORDS}}}?\W+"}


def compile_term(term: str) -> str:
    """Regular-expression source equivalent to one term (see the module docstring)."""
    parsed = _parse_term(term)
    if parsed.regex is not None:
        return parsed.regex
    out = [_word_regex(parsed.words[0])]
    for join, word in zip(parsed.joins, parsed.words[1:]):
        out.append(_JOIN_REGEX[join])
        out.append(_word_regex(word))
    return "".join(out)


def _token_layout(text: str, n_tokens: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Start and end of each ``\\w+`` token, and whether the separator after it is whitespace only
    or a single hyphen, computed with NumPy over the code points (no Python loop per token)."""
    codes, is_word, is_space = classify(text)
    starts, ends = _runs(is_word)
    if len(starts) != n_tokens:  # cannot happen if the tables agree with re's \w
        raise AssertionError("token layout disagrees with the regex tokeniser")
    next_start = np.append(starts[1:], len(text))
    gap = next_start - ends
    nonspace = np.concatenate(([0], np.cumsum(~is_space, dtype=np.int32)))
    sep_space = (gap > 0) & (nonspace[next_start] == nonspace[ends])
    hyphen_at = np.minimum(ends, max(len(codes) - 1, 0))
    sep_hyphen = (gap == 1) & (codes[hyphen_at] == ord("-")) if len(codes) else np.zeros(0, dtype=bool)
    return starts.astype(np.int64), ends.astype(np.int64), sep_space, sep_hyphen


_TYPE_CACHE_MAX = 2_000_000  # distinct words whose matches are remembered


class _Matcher:
    """Finds all hits of a codebook's terms in normalised text with one tokenisation pass.

    The text is split into word tokens (``\\w+``) in C (``re.findall``); each
    *distinct* token is matched against the word specifications by dictionary look-ups
    (proclitic and suffix variants), so the cost per token is one array operation, and
    multi-word terms are assembled with vectorised index arithmetic.
    """

    _WORD = re.compile(r"\w+")

    def __init__(self, terms: Sequence[str]):
        self.terms = [_parse_term(t) for t in terms]
        self.word_ids: dict[_Word, int] = {}
        for term in self.terms:
            for word in term.words:
                self.word_ids.setdefault(word, len(self.word_ids))
        # core -> [(word id, suffix mode, clitics allowed)]
        self.exact: dict[str, list[tuple[int, str, bool]]] = {}
        self.stems: dict[str, list[tuple[int, bool]]] = {}
        for word, wid in self.word_ids.items():
            for core, mode in word.options:
                if mode == "any":
                    self.stems.setdefault(core, []).append((wid, word.clitics))
                else:
                    self.exact.setdefault(core, []).append((wid, mode, word.clitics))
        self.max_stem = max((len(c) for c in self.stems), default=0)
        self.regex_terms = {t.source: re.compile(t.regex) for t in self.terms if t.regex is not None}
        self._type_cache: dict[str, tuple[int, ...]] = {}

    def _match_type(self, token: str) -> tuple[int, ...]:
        found: set[int] = set()
        for p in _PROCLITIC_FORMS:
            if p and not token.startswith(p):
                continue
            v = token[len(p) :]
            if not v:
                continue
            bare = p == ""
            for wid, mode, clitics in self.exact.get(v, ()):
                if bare or clitics:
                    found.add(wid)
            for s in _PRONOUN_SUFFIXES:
                if len(v) > len(s) and v.endswith(s):
                    for wid, mode, clitics in self.exact.get(v[: -len(s)], ()):
                        if mode == "pronoun" and (bare or clitics):
                            found.add(wid)
            for k in range(1, min(len(v), self.max_stem) + 1):
                for wid, clitics in self.stems.get(v[:k], ()):
                    if bare or clitics:
                        found.add(wid)
        return tuple(sorted(found))

    def hits(self, text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """All hits in normalised ``text`` as arrays (term index, start, end); every start of every term."""
        tokens = self._WORD.findall(text)
        n = len(tokens)
        found: list[tuple[int, np.ndarray, np.ndarray]] = []
        for t_index, term in enumerate(self.terms):
            if term.regex is not None:
                spans = [(m.start(), m.end()) for m in self.regex_terms[term.source].finditer(text)]
                if spans:
                    arr = np.asarray(spans, dtype=np.int64)
                    found.append((t_index, arr[:, 0], arr[:, 1]))
        if n == 0:
            return self._collect(found)
        tok_start, tok_end, sep_space, sep_hyphen = _token_layout(text, n)
        codes, uniques = pd.factorize(pd.Series(tokens, dtype=object), sort=False)
        # word id -> sorted token positions
        cache = self._type_cache
        if len(cache) > _TYPE_CACHE_MAX:  # bounded memory on a very large, varied archive
            cache.clear()
        word_types: dict[int, list[int]] = {}
        for type_id, token in enumerate(uniques):
            ids = cache.get(token)
            if ids is None:
                ids = cache[token] = self._match_type(token)
            for wid in ids:
                word_types.setdefault(wid, []).append(type_id)
        if not word_types:
            return self._collect(found)
        # sort only the positions of tokens whose type matched something (a small share of the text)
        matched_type = np.zeros(len(uniques), dtype=bool)
        matched_type[[t for types in word_types.values() for t in types]] = True
        candidates = np.flatnonzero(matched_type[codes])
        order = candidates[np.argsort(codes[candidates], kind="stable")]
        sorted_codes = codes[order]
        type_first = np.searchsorted(sorted_codes, np.arange(len(uniques)), side="left")
        type_last = np.searchsorted(sorted_codes, np.arange(len(uniques)), side="right")
        positions: dict[int, np.ndarray] = {}
        for wid, types in word_types.items():
            chunks = [order[type_first[t] : type_last[t]] for t in types]
            positions[wid] = np.sort(np.concatenate(chunks))
        masks: dict[int, np.ndarray] = {}

        def mask(wid: int) -> np.ndarray:
            if wid not in masks:
                m = np.zeros(n + _GAP_MAX_WORDS + 2, dtype=bool)
                m[positions.get(wid, np.empty(0, dtype=np.int64))] = True
                masks[wid] = m
            return masks[wid]

        for t_index, term in enumerate(self.terms):
            if term.regex is not None:
                continue
            first = positions.get(self.word_ids[term.words[0]])
            if first is None:
                continue
            starts = first
            ends = first
            for join, word in zip(term.joins, term.words[1:]):
                if starts.size == 0:
                    break
                m = mask(self.word_ids[word])
                if join == "gap":
                    new_ends = np.full(ends.shape, -1, dtype=np.int64)
                    for g in range(_GAP_MAX_WORDS + 1, 0, -1):  # smallest gap wins: fill from largest
                        cand = ends + g
                        ok = m[np.minimum(cand, n + 1)] & (cand < n)
                        new_ends[ok] = cand[ok]
                    keep = new_ends >= 0
                    starts, ends = starts[keep], new_ends[keep]
                else:
                    sep = sep_space if join == "space" else sep_hyphen
                    cand = ends + 1
                    ok = (cand < n) & m[np.minimum(cand, n + 1)]
                    ok &= sep[np.minimum(ends, len(sep) - 1)]
                    starts, ends = starts[ok], cand[ok]
            if starts.size:
                found.append((t_index, tok_start[starts], tok_end[ends]))
        return self._collect(found)

    @staticmethod
    def _collect(found: list[tuple[int, np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if not found:
            empty = np.empty(0, dtype=np.int64)
            return empty, empty, empty
        ids = np.concatenate([np.full(len(a), t, dtype=np.int64) for t, a, _ in found])
        return ids, np.concatenate([a for _, a, _ in found]), np.concatenate([b for _, _, b in found])


@functools.lru_cache(maxsize=8)
def _matcher(terms: tuple[str, ...]) -> _Matcher:
    """One matcher per set of terms, reused across batches and calls, so that each distinct word
    of the text is matched against the codebook once (its result is cached in the matcher)."""
    return _Matcher(terms)


# --- loading ---------------------------------------------------------------------------------------
def _as_terms(value: object, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        raise CodebookError(f"{where}: expected a non-empty list of terms (strings)")
    return tuple(v.strip() for v in value)


def _parse_indicator(raw: object, theme_id: str, where: str) -> Indicator:
    if not isinstance(raw, dict):
        raise CodebookError(f"{where}: each indicator must be a mapping with id and any/all")
    ind_id = raw.get("id")
    if not isinstance(ind_id, str) or not _ID.match(ind_id):
        raise CodebookError(f"{where}: indicator id {ind_id!r} must be lower_snake_case")
    where = f"theme {theme_id!r}, indicator {ind_id!r}"
    unknown = set(raw) - _INDICATOR_KEYS
    if unknown:
        raise CodebookError(f"{where}: unknown key(s) {sorted(unknown)}; allowed: {sorted(_INDICATOR_KEYS)}")
    if ("any" in raw) == ("all" in raw):
        raise CodebookError(f"{where}: give exactly one of 'any' or 'all'")
    if "any" in raw:
        groups: tuple[tuple[str, ...], ...] = (_as_terms(raw["any"], where + " (any)"),)
    else:
        all_ = raw["all"]
        if not isinstance(all_, list) or len(all_) < 2:
            raise CodebookError(f"{where}: 'all' needs a list of at least two groups of terms")
        loose = [i + 1 for i, g in enumerate(all_) if not isinstance(g, list)]
        if loose:  # usually a term meant for the list above it, caught by the indentation
            raise CodebookError(
                f"{where}: 'all' group {loose[0]} is {all_[loose[0] - 1]!r}, not a list of terms; "
                "write each group as [term, …] (check the indentation of the lines that follow)"
            )
        groups = tuple(_as_terms(g, f"{where} (all, group {i + 1})") for i, g in enumerate(all_))
    exclude = _as_terms(raw["not"], where + " (not)") if "not" in raw else ()
    for term in [t for g in groups for t in g] + list(exclude):
        try:
            re.compile(compile_term(term))
        except (ValueError, re.error) as exc:
            raise CodebookError(f"{where}: bad pattern {term!r}: {exc}") from None
    return Indicator(ind_id, groups, exclude, str(raw.get("note", "") or ""))


def load_codebook(path: str | Path) -> Codebook:
    """Read and validate a YAML codebook; errors name the theme, indicator and pattern at fault."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CodebookError(f"{path}: codebook not found") from None
    except yaml.YAMLError as exc:
        raise CodebookError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("themes"), list) or not data["themes"]:
        raise CodebookError(f"{path}: expected a mapping with a non-empty 'themes' list")
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise CodebookError(f"{path}: unknown top-level key(s) {sorted(unknown)}")
    themes: list[Theme] = []
    seen: set[str] = set()
    for i, raw in enumerate(data["themes"], start=1):
        if not isinstance(raw, dict):
            raise CodebookError(f"{path}: theme #{i} must be a mapping")
        theme_id = raw.get("id")
        if not isinstance(theme_id, str) or not _ID.match(theme_id):
            raise CodebookError(f"{path}: theme #{i} has id {theme_id!r}; ids must be lower_snake_case")
        where = f"{path}: theme {theme_id!r}"
        if theme_id in seen:
            raise CodebookError(f"{where}: duplicate theme id")
        seen.add(theme_id)
        unknown = set(raw) - _THEME_KEYS
        if unknown:
            raise CodebookError(f"{where}: unknown key(s) {sorted(unknown)}; allowed: {sorted(_THEME_KEYS)}")
        for key in ("label_ar", "label_en", "definition"):
            if not isinstance(raw.get(key), str) or not raw[key].strip():
                raise CodebookError(f"{where}: missing {key}")
        indicators_raw = raw.get("indicators")
        if not isinstance(indicators_raw, list) or not indicators_raw:
            raise CodebookError(f"{where}: needs a non-empty 'indicators' list")
        indicators = []
        ind_seen: set[str] = set()
        for ind_raw in indicators_raw:
            ind = _parse_indicator(ind_raw, theme_id, where)
            if ind.id in ind_seen:
                raise CodebookError(f"{where}: duplicate indicator id {ind.id!r}")
            ind_seen.add(ind.id)
            indicators.append(ind)
        anchors = raw.get("anchors") or []
        if not isinstance(anchors, list) or not all(isinstance(a, dict) and "quote" in a for a in anchors):
            raise CodebookError(f"{where}: anchors must be a list of mappings with a 'quote'")
        drop_when = _parse_drop_rules(raw.get("drop_when"), theme_id, where)
        themes.append(
            Theme(
                id=theme_id,
                label_ar=raw["label_ar"].strip(),
                label_en=raw["label_en"].strip(),
                definition=" ".join(raw["definition"].split()),
                include=tuple(" ".join(str(s).split()) for s in raw.get("include") or []),
                exclude=tuple(" ".join(str(s).split()) for s in raw.get("exclude") or []),
                indicators=tuple(indicators),
                anchors=tuple({k: str(v) for k, v in a.items()} for a in anchors),
                drop_when=drop_when,
            )
        )
    ids = {t.id for t in themes}
    for t in themes:
        for rule in t.drop_when:
            if rule.theme and rule.theme not in ids:
                raise CodebookError(f"{path}: theme {t.id!r}: drop_when names unknown theme {rule.theme!r}; themes: {sorted(ids)}")
    return Codebook(themes=tuple(themes), path=str(path), patterns=_compile_codebook(themes))


def _parse_drop_rules(raw: object, theme_id: str, where: str) -> tuple[DropRule, ...]:
    """``drop_when: [{theme | any, unless, note}, …]`` of one theme, validated (theme ids are checked later)."""
    if raw is None:
        return ()
    if not isinstance(raw, list) or not raw:
        raise CodebookError(f"{where}: drop_when must be a non-empty list of rules (mappings with 'theme' or 'any')")
    rules = []
    for i, rule in enumerate(raw, start=1):
        at = f"{where}, drop_when rule {i}"
        if not isinstance(rule, dict):
            raise CodebookError(f"{at}: each rule must be a mapping with 'theme' or 'any'")
        unknown = set(rule) - _DROP_KEYS
        if unknown:
            raise CodebookError(f"{at}: unknown key(s) {sorted(unknown)}; allowed: {sorted(_DROP_KEYS)}")
        if ("theme" in rule) == ("any" in rule):
            raise CodebookError(f"{at}: give exactly one of 'theme' (another theme's id) or 'any' (terms)")
        other = ""
        if "theme" in rule:
            other = rule["theme"].strip() if isinstance(rule["theme"], str) else ""
            if not other:
                raise CodebookError(f"{at}: 'theme' must be the id of another theme")
            if other == theme_id:
                raise CodebookError(f"{at}: a theme cannot be dropped for itself")
        terms = _as_terms(rule["any"], at + " (any)") if "any" in rule else ()
        unless = _as_terms(rule["unless"], at + " (unless)") if "unless" in rule else ()
        for term in terms + unless:
            try:
                re.compile(compile_term(term))
            except (ValueError, re.error) as exc:
                raise CodebookError(f"{at}: bad pattern {term!r}: {exc}") from None
        rules.append(DropRule(other, terms, unless, str(rule.get("note", "") or "")))
    return tuple(rules)


def _all_terms(themes: Sequence[Theme]) -> list[str]:
    return sorted(
        {term for t in themes for ind in t.indicators for g in ind.groups for term in g}
        | {term for t in themes for ind in t.indicators for term in ind.exclude}
        | {term for t in themes for rule in t.drop_when for term in rule.terms + rule.unless}
    )


def _compile_codebook(themes: Sequence[Theme]) -> dict[str, re.Pattern[str]]:
    """One regular expression per distinct term (used by the naive coder and for display)."""
    return {term: re.compile(compile_term(term)) for term in _all_terms(themes)}


# --- coding ------------------------------------------------------------------------------------------
def _apply_indicators(
    codebook: Codebook, found: dict[str, list[tuple[int, int]]]
) -> tuple[list[int], list[str]]:
    """Theme flags and evidence entries for one sentence, from its term hits (raw spans)."""
    flags = []
    evidence: list[str] = []
    for theme in codebook.themes:
        flag = 0
        for ind in theme.indicators:
            if any(t in found for t in ind.exclude):
                continue
            if all(any(t in found for t in group) for group in ind.groups):
                flag = 1
                spans = sorted({s for group in ind.groups for t in group for s in found.get(t, [])})
                evidence.extend(f"{theme.id}/{ind.id}@{a}-{b}" for a, b in spans)
        flags.append(flag)
    index = {t.id: j for j, t in enumerate(codebook.themes)}

    def applies(rule: DropRule) -> bool:
        cause = flags[index[rule.theme]] == 1 if rule.theme else any(t in found for t in rule.terms)
        return cause and not any(u in found for u in rule.unless)

    dropped = [t.id for j, t in enumerate(codebook.themes) if flags[j] and any(applies(r) for r in t.drop_when)]
    for theme_id in dropped:  # decided on the flags before any theme is dropped, so the order does not matter
        flags[index[theme_id]] = 0
        evidence = [e for e in evidence if not e.startswith(theme_id + "/")]
    return flags, evidence


def _result(sentences: pd.DataFrame, codebook: Codebook, flags: np.ndarray, evidence: list[str]) -> pd.DataFrame:
    out = sentences.copy()
    for j, theme_id in enumerate(codebook.theme_ids):
        out[theme_id] = flags[:, j].astype("int64")
    out["evidence"] = evidence
    return out


#: Articles are coded (and segmented) in batches of about this many characters.
BATCH_CHARS = 4_000_000


def _batches(doc_ids: list[str], texts: dict[str, str]) -> list[list[str]]:
    """Consecutive groups of articles of about :data:`BATCH_CHARS` characters each."""
    batches: list[list[str]] = [[]]
    size = 0
    for doc_id in doc_ids:
        length = len(texts[doc_id])
        if batches[-1] and size + length > BATCH_CHARS:
            batches.append([])
            size = 0
        batches[-1].append(doc_id)
        size += length
    return batches


def _texts_from_sentences(sentences: pd.DataFrame) -> dict[str, str]:
    """Rebuild each article from its sentences alone: every sentence at its offsets, spaces between.

    Coding only looks inside sentences, and what lies between sentences is whitespace, so this
    gives the same coding as the raw articles; it lets a table of sentences (a Dask partition, a
    CSV) be coded without the articles.
    """
    texts: dict[str, str] = {}
    for doc_id, group in sentences.groupby("doc_id", sort=False):
        pieces, position = [], 0
        for start, end, text in zip(group["start"].tolist(), group["end"].tolist(), group["text"].tolist()):
            if start < position or end - start != len(text):
                raise ValueError(f"{doc_id}: sentence at {start}-{end} overlaps the previous one or does not fit its text")
            pieces.append(" " * (start - position))
            pieces.append(text)
            position = end
        texts[str(doc_id)] = "".join(pieces)
    return texts


def _texts_by_doc(sentences: pd.DataFrame, texts: dict[str, str] | pd.DataFrame | None) -> dict[str, str]:
    if texts is None:
        return _texts_from_sentences(sentences.sort_values(["doc_id", "start"], kind="stable"))
    if isinstance(texts, pd.DataFrame):
        texts = dict(zip(texts["doc_id"], texts["text"]))
    missing = sorted(set(sentences["doc_id"].unique().tolist()) - set(texts))
    if missing:
        raise ValueError(f"no raw text given for doc_id(s) {missing}")
    return texts


def code_sentences(
    sentences: pd.DataFrame,
    codebook: Codebook,
    texts: dict[str, str] | pd.DataFrame | None = None,
    repairs: Iterable[GlueRepair] | None = None,
) -> pd.DataFrame:
    """Code each sentence for each theme of ``codebook``.

    ``sentences`` is the table from :func:`~arabic_themes.segmentation.segment`; ``texts`` maps each
    ``doc_id`` to its raw text (or is the corpus table with ``doc_id`` and ``text``); without it
    the sentences' own texts are used (same result, see :func:`_texts_from_sentences`); ``repairs``
    are the glued-word repairs used in normalisation. Returns the sentence table plus one 0/1
    column per theme and ``evidence``: ``"; "``-separated entries ``theme/indicator@start-end``
    giving the *raw* article offsets of every matched term of every indicator that fired.
    """
    texts = _texts_by_doc(sentences, texts)
    repairs = list(repairs or [])
    batches = _batches(sentences["doc_id"].unique().tolist(), texts)
    if len(batches) > 1:  # a large archive: code a few megabytes at a time, so memory stays flat
        position = pd.Series(np.arange(len(sentences)), index=sentences.index)
        parts = []
        for batch in batches:
            mask = sentences["doc_id"].isin(batch).to_numpy()
            part = code_sentences(sentences[mask], codebook, {d: texts[d] for d in batch}, repairs)
            parts.append(part.assign(_position=position[mask].to_numpy()))
        return pd.concat(parts).sort_values("_position", kind="stable").drop(columns="_position")
    terms = _all_terms(codebook.themes)
    term_index = {t: i for i, t in enumerate(terms)}
    matcher = _matcher(tuple(terms))
    n_sent = len(sentences)
    # 1. join the raw articles and normalise them in one pass (per-character tables and one glue
    #    regex, so the result is the same as article by article, without per-article overhead)
    doc_ids = sentences["doc_id"].unique().tolist()  # in order of appearance
    raw_lengths = np.fromiter((len(texts[d]) + 1 for d in doc_ids), dtype=np.int64, count=len(doc_ids))
    raw_base = np.concatenate([[0], np.cumsum(raw_lengths)[:-1]]).astype(np.int64)
    norm = normalize("\n".join(texts[d] for d in doc_ids), repairs)
    t_ids, a, b = matcher.hits(norm.text)
    # 2. each hit -> article, raw span, sentence (binary search on (article, start) keys)
    joined_a, joined_b = norm.offsets[a], norm.offsets[np.maximum(b - 1, 0)] + 1
    doc_of_hit = np.searchsorted(raw_base, joined_a, side="right") - 1
    raw_a, raw_b = joined_a - raw_base[doc_of_hit], joined_b - raw_base[doc_of_hit]
    doc_number = {d: i for i, d in enumerate(doc_ids)}
    sent_doc = sentences["doc_id"].map(doc_number).to_numpy(dtype=np.int64)
    scale = int(raw_lengths.max(initial=0)) + 2
    sent_key = sent_doc * scale + sentences["start"].to_numpy(dtype=np.int64)
    order = np.argsort(sent_key, kind="stable")
    sorted_key = sent_key[order]
    sorted_end = (sent_doc * scale + sentences["end"].to_numpy(dtype=np.int64))[order]
    pos = np.searchsorted(sorted_key, doc_of_hit * scale + raw_a, side="right") - 1
    ok = (pos >= 0) & (doc_of_hit * scale + raw_b <= sorted_end[np.maximum(pos, 0)])
    t_ids, raw_a, raw_b = t_ids[ok], raw_a[ok], raw_b[ok]
    sent_of_hit = order[pos[ok]]
    # 3. indicators as boolean algebra over "term occurs in sentence" vectors; hits are grouped by
    #    term once (one sort), so each vector costs only its own hits
    by_term = np.argsort(t_ids, kind="stable")
    term_bounds = np.searchsorted(t_ids[by_term], np.arange(len(terms) + 1))
    present: dict[int, np.ndarray] = {}

    def occurs(term: str) -> np.ndarray:
        i = term_index[term]
        if i not in present:
            vec = np.zeros(n_sent, dtype=bool)
            vec[sent_of_hit[by_term[term_bounds[i] : term_bounds[i + 1]]]] = True
            present[i] = vec
        return present[i]

    flags = np.zeros((n_sent, len(codebook.themes)), dtype=np.int8)
    labels: list[str] = []  # "theme/indicator", in codebook order (the rank used to sort evidence)
    rank_theme: list[int] = []  # theme index of each rank
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []  # (sentence, rank, start, end)
    for j, theme in enumerate(codebook.themes):
        for ind in theme.indicators:
            rank = len(labels)
            labels.append(f"{theme.id}/{ind.id}")
            rank_theme.append(j)
            fired = np.ones(n_sent, dtype=bool)
            for group in ind.groups:
                fired &= np.logical_or.reduce([occurs(t) for t in group])
            for t in ind.exclude:
                fired &= ~occurs(t)
            if not fired.any():
                continue
            flags[fired, j] = 1
            of_indicator = np.zeros(len(terms), dtype=bool)
            of_indicator[[term_index[t] for group in ind.groups for t in group]] = True
            sel = of_indicator[t_ids] & fired[sent_of_hit]
            parts.append((sent_of_hit[sel], np.full(int(sel.sum()), rank, dtype=np.int64), raw_a[sel], raw_b[sel]))
    # 4. drop_when rules: decided on the coding before any theme is dropped; evidence goes with it
    index = {t.id: j for j, t in enumerate(codebook.themes)}
    before = flags.copy()

    def any_of(terms: tuple[str, ...]) -> np.ndarray:
        return np.logical_or.reduce([occurs(t) for t in terms]) if terms else np.zeros(n_sent, dtype=bool)

    for j, theme in enumerate(codebook.themes):
        for rule in theme.drop_when:
            cause = before[:, index[rule.theme]] == 1 if rule.theme else any_of(rule.terms)
            flags[(before[:, j] == 1) & cause & ~any_of(rule.unless), j] = 0
    if (flags != before).any():
        theme_of_rank = np.asarray(rank_theme, dtype=np.int64)
        still: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
        for rows, ranks, starts, ends in parts:
            keep = flags[rows, theme_of_rank[ranks]] == 1
            still.append((rows[keep], ranks[keep], starts[keep], ends[keep]))
        parts = still
    return _result(sentences, codebook, flags, _evidence_strings(n_sent, labels, parts))


def _evidence_strings(
    n_sent: int, labels: list[str], parts: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]
) -> list[str]:
    """One evidence string per sentence: entries sorted by indicator (codebook order) and offset,
    duplicates (one term listed under two groups) dropped; built with NumPy sorting."""
    evidence = [""] * n_sent
    if not parts:
        return evidence
    row, rank, start, end = (np.concatenate([p[k] for p in parts]) for k in range(4))
    order = np.lexsort((end, start, rank, row))
    row, rank, start, end = row[order], rank[order], start[order], end[order]
    keep = np.ones(len(row), dtype=bool)
    keep[1:] = (np.diff(row) != 0) | (np.diff(rank) != 0) | (np.diff(start) != 0) | (np.diff(end) != 0)
    row, rank, start, end = row[keep], rank[keep], start[keep], end[keep]
    items = [f"{labels[r]}@{a}-{b}" for r, a, b in zip(rank.tolist(), start.tolist(), end.tolist())]
    bounds = np.flatnonzero(np.diff(row)) + 1
    firsts = np.concatenate(([0], bounds)).tolist()
    lasts = np.concatenate((bounds, [len(row)])).tolist()
    for r, a, b in zip(row[firsts].tolist(), firsts, lasts):
        evidence[r] = "; ".join(items[a:b])
    return evidence


def code_sentences_naive(
    sentences: pd.DataFrame,
    codebook: Codebook,
    texts: dict[str, str] | pd.DataFrame,
    repairs: Iterable[GlueRepair] | None = None,
) -> pd.DataFrame:
    """The obvious implementation: one ``re.search`` per term per sentence.

    Kept as the baseline for the benchmark and as an independent check of :func:`code_sentences`
    (a test asserts both give the same themes). Evidence spans are the first match per term.
    """
    texts = _texts_by_doc(sentences, texts)
    repairs = list(repairs or [])
    patterns = codebook.patterns
    flags = np.zeros((len(sentences), len(codebook.themes)), dtype=np.int8)
    evidence: list[list[str]] = [[] for _ in range(len(sentences))]
    for row, (doc_id, start, end) in enumerate(zip(sentences["doc_id"], sentences["start"], sentences["end"])):
        norm = normalize(texts[doc_id][start:end], repairs)
        found: dict[str, list[tuple[int, int]]] = {}
        for term, pattern in patterns.items():
            m = pattern.search(norm.text)
            if m:
                ra, rb = norm.raw_span(m.start(), m.end())
                found[term] = [(start + ra, start + rb)]
        if found:
            row_flags, evidence[row] = _apply_indicators(codebook, found)
            flags[row] = row_flags
    return _result(sentences, codebook, flags, ["; ".join(e) for e in evidence])


_EVIDENCE = re.compile(r"^(?P<theme>[a-z0-9_]+)/(?P<indicator>[a-z0-9_]+)@(?P<start>\d+)-(?P<end>\d+)$")


def parse_evidence(coded: pd.DataFrame) -> pd.DataFrame:
    """Tidy evidence: one row per matched term with doc_id, sentence_id, theme, indicator, start, end."""
    rows = []
    for doc_id, sentence_id, ev in zip(coded["doc_id"], coded["sentence_id"], coded["evidence"]):
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
    of those it was the only indicator of its theme — i.e. how much each theme rests on it."""
    fired = parse_evidence(coded).drop_duplicates(["doc_id", "sentence_id", "theme", "indicator"])
    per_unit = fired.groupby(["doc_id", "sentence_id", "theme"])["indicator"].transform("size")
    fired = fired.assign(alone=per_unit == 1)
    rows = []
    for theme in codebook.themes:
        for ind in theme.indicators:
            sel = fired[(fired["theme"] == theme.id) & (fired["indicator"] == ind.id)]
            rows.append({"theme": theme.id, "indicator": ind.id, "units": len(sel), "only_indicator": int(sel["alone"].sum())})
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
    text is one unit; offsets are those of the texts joined by newlines.
    """
    rows, position = [], 0
    for i, text in enumerate(texts, start=1):
        text = str(text)
        if "\n" in text or "\r" in text:
            raise ValueError(f"text {i} contains a line break; give one sentence per text")
        rows.append((doc_id, 1, i, position, position + len(text), "sentence", text))
        position += len(text) + 1
    frame = pd.DataFrame(rows, columns=["doc_id", "paragraph", "sentence_id", "start", "end", "kind", "text"])
    return code_sentences(frame, codebook, {doc_id: "\n".join(str(t) for t in texts)}, repairs)
