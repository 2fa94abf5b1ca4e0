"""The term language of codebooks, cue lists and :func:`~arabic_themes.concordance.kwic`, and its matcher.

Written for researchers, with examples and common mistakes, in ``docs/term_language.md``; in brief:

A *term* is one or more words separated by spaces:

* every word accepts the proclitics و/ف, then ب/ك/ل, then the article ال (``دعم`` matches
  ``الدعم``, ``ودعم``, ``بالدعم``, ``للدعم``); start a word with ``=`` to forbid them;
* a word ends at a word boundary, optionally after an attached pronoun (ه ها هما هم هن ي نا كم ك)
  or the alef of the indefinite accusative (``دعماً`` → ``دعما``);
  end it with ``*`` to accept any continuation (a stem: ``عسكري*`` → ``عسكرية``, ``عسكريا``);
* ``{a|b|c}`` gives alternatives in one word position;
* ``..`` between two words allows 0 to 3 other words, any words, between them: the term matches
  where *some* choice of skipped words completes it (``روسيا .. دعم .. ايران`` matches
  «روسيا دعم كبير دعم لا ريب فيه ايران», through the second دعم); at most three ``..`` per term;
* ``re:<regex>`` is a raw regular expression in Python's syntax over the normalised text (write it
  normalised: ا not أ, ه not ة, ي not ى); see :mod:`arabic_themes.rawregex` for what is refused at
  load (empty matches, nested repeats, backreferences) and how it is run in bounded time.

A term always matches inside one sentence (or heading), never across two, in the coder and in
:func:`~arabic_themes.concordance.kwic` alike.

Terms are normalised like the text (:mod:`arabic_themes.normalisation`), so they may be written
with hamzas and teh marbuta. The clitic rules are defined once here; the actor list
(:mod:`arabic_themes.actors`) builds its name patterns from the same definitions.

Every term is parsed once into word specifications; two engines use them: a token engine
(:class:`_Matcher`, used by :func:`~arabic_themes.coding.code_sentences` and ``kwic``: one pass
over the text, dictionary look-ups per distinct word) and, for reference and benchmarking, plain
regular expressions (:func:`compile_term`, used by ``code_sentences_naive`` and the cue lists).
Property tests check that both find the same hits on random terms and sentences.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from arabic_themes._chars import classify
from arabic_themes._chars import runs as _runs
from arabic_themes.normalisation import normalize_word
from arabic_themes.rawregex import compile_raw

__all__ = [
    "ARTICLE_FORMS",
    "GAP_MAX_WORDS",
    "MAX_GAPS",
    "ARTICLE_RE",
    "CONJUNCTIONS",
    "CONJUNCTION_RE",
    "PREPOSITIONS",
    "PREPOSITION_RE",
    "PROCLITICS",
    "PRONOUN_SUFFIX",
    "PRONOUN_SUFFIXES",
    "TermError",
    "compile_term",
]


class TermError(ValueError):
    """A term of the term language cannot be parsed or compiled; the message says why."""


# --- clitics: the one definition ----------------------------------------------------------------------
#: Conjunctions that may open a word (first), prepositions that may follow them, and the forms of
#: the article after them (ل + ال is written لل).
CONJUNCTIONS = ("و", "ف")
PREPOSITIONS = ("ب", "ك", "ل")
ARTICLE_FORMS = ("ال", "بال", "كال", "لل")
#: Attached pronouns and the alef of the indefinite accusative (each before any shorter one it ends with).
PRONOUN_SUFFIXES = ("هما", "هم", "هن", "ها", "ه", "نا", "كم", "ك", "ي", "ا")

#: The same as regular expressions (a conjunction, a preposition, an article form).
CONJUNCTION_RE = "[" + "".join(CONJUNCTIONS) + "]"
PREPOSITION_RE = "[" + "".join(PREPOSITIONS) + "]"
ARTICLE_RE = "(?:" + "|".join(sorted(ARTICLE_FORMS, key=len, reverse=True)) + ")"
#: Regular expression of the proclitics a word accepts: a conjunction, then an article form or a preposition.
PROCLITICS = f"{CONJUNCTION_RE}?(?:{ARTICLE_RE}|{PREPOSITION_RE})?"
#: Regular expression of an optional attached pronoun (or accusative alef).
PRONOUN_SUFFIX = "(?:" + "|".join(PRONOUN_SUFFIXES) + ")?"

#: Every proclitic form as a string (shortest first), for the token engine's dictionary look-ups.
_PROCLITIC_FORMS = tuple(
    sorted({a + b for a in ("", *CONJUNCTIONS) for b in ("", *ARTICLE_FORMS, *PREPOSITIONS)}, key=len)
)
#: Other words a ``..`` gap allows between two words of a term (any words, 0 to this many).
GAP_MAX_WORDS = 3
#: Most ``..`` gaps in one term (each multiplies the ways a regular expression can match).
MAX_GAPS = 3
_GAP_MAX_WORDS = GAP_MAX_WORDS

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
            raise TermError("hyphenated alternatives in {…} are not supported; write separate terms")
        parts = [[(normalize_word(o), stem or all_stem) for o, stem in options]]
    else:
        if not token or re.search(r"[{}|()\[\]\\^$+?*=.]", token):
            raise TermError(f"bad word {token!r} (use {{a|b}} for alternatives, or a re: pattern)")
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
                raise TermError(f"word {token!r}: {core!r} must consist of letters or digits")
            normalised.append((core, ("any" if stem else "pronoun") if last else "none"))
        words.append(_Word(tuple(sorted(set(normalised))), clitics and first))
    return words


def _parse_term(term: str) -> _Term:
    term = term.strip()
    if not term:
        raise TermError("empty term")
    if term.startswith("re:"):
        source = term[3:].strip()
        if normalize_word(source) != source.lower() or re.search(r"[أإآٱؤئىة\u064B-\u0652ـ]", source):
            raise TermError(
                "re: patterns must be written in normalised form (ا not أ/إ/آ, ه not ة, ي not ى, no diacritics)"
            )
        try:
            compile_raw(source)
        except ValueError as exc:
            raise TermError(str(exc)) from None
        return _Term(term, regex=source)
    words: list[_Word] = []
    joins: list[str] = []
    pending_gap = False
    for token in term.split():
        if token == "..":
            if not words or pending_gap:
                raise TermError("'..' must stand between two words")
            pending_gap = True
            continue
        parsed = _parse_word(token)
        if words:
            joins.append("gap" if pending_gap else "space")
        joins.extend("hyphen" for _ in parsed[1:])
        words.extend(parsed)
        pending_gap = False
    if pending_gap:
        raise TermError("'..' must stand between two words")
    if joins.count("gap") > MAX_GAPS:
        raise TermError(f"at most {MAX_GAPS} '..' gaps in one term (this one has {joins.count('gap')})")
    return _Term(term, tuple(words), tuple(joins))


def _word_regex(word: _Word) -> str:
    suffix = {"any": r"\w*", "pronoun": PRONOUN_SUFFIX, "none": ""}
    options = sorted(word.options, key=lambda o: (-len(o[0]), o))
    core = "(?:" + "|".join(re.escape(c) + suffix[mode] for c, mode in options) + ")"
    prefix = PROCLITICS if word.clitics else ""
    return rf"(?<!\w){prefix}{core}(?!\w)"


_JOIN_REGEX = {"space": r"\s+", "hyphen": "-", "gap": rf"(?:\W+\w+){{0,{_GAP_MAX_WORDS}}}?\W+"}


def compile_term(term: str) -> str:
    """Regular-expression source equivalent to one term (see the module docstring).

    A term that cannot be parsed, or a ``re:`` pattern that does not compile, is a :class:`TermError`.
    """
    parsed = _parse_term(term)
    if parsed.regex is not None:
        return parsed.regex
    out = [_word_regex(parsed.words[0])]
    for join, word in zip(parsed.joins, parsed.words[1:], strict=True):
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
            for wid, _mode, clitics in self.exact.get(v, ()):
                if bare or clitics:
                    found.add(wid)
            for s in PRONOUN_SUFFIXES:
                if len(v) > len(s) and v.endswith(s):
                    for wid, mode, clitics in self.exact.get(v[: -len(s)], ()):
                        if mode == "pronoun" and (bare or clitics):
                            found.add(wid)
            for k in range(1, min(len(v), self.max_stem) + 1):
                for wid, clitics in self.stems.get(v[:k], ()):
                    if bare or clitics:
                        found.add(wid)
        return tuple(sorted(found))

    def hits(
        self, text: str, unit_starts: np.ndarray, unit_ends: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """All hits in normalised ``text`` inside the units ``unit_starts[i]:unit_ends[i]`` (sorted, not
        overlapping), as arrays (term index, start, end, unit): every start of every term, none across units.

        A word term reports, for each start, the end a regular expression (:func:`compile_term`) would
        match on the unit alone: at each ``..`` gap the fewest words that still let the term complete.
        A ``re:`` term reports what ``finditer`` reports on the unit's text alone.
        """
        unit_starts = np.asarray(unit_starts, dtype=np.int64)
        unit_ends = np.asarray(unit_ends, dtype=np.int64)
        found: list[tuple[int, np.ndarray, np.ndarray, np.ndarray]] = []
        for t_index, term in enumerate(self.terms):
            if term.regex is not None:
                found.extend(self._regex_hits(t_index, term.regex, text, unit_starts, unit_ends))
        tokens = self._WORD.findall(text)
        n = len(tokens)
        if n == 0:
            return self._collect(found)
        tok_start, tok_end, sep_space, sep_hyphen = _token_layout(text, n)
        # the unit of each token (-1 outside every unit): a term never spans two units
        unit = np.searchsorted(unit_starts, tok_start, side="right") - 1
        inside = (unit >= 0) & (tok_end <= unit_ends[np.maximum(unit, 0)]) if unit_starts.size else unit >= 0
        tok_unit = np.where(inside, unit, -1)
        tok_unit = np.append(tok_unit, np.full(_GAP_MAX_WORDS + 2, -2))  # past the end: no unit
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
        candidates = np.flatnonzero(matched_type[codes] & (tok_unit[:n] >= 0))
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
            starts, ends = self._extend(term, first, mask, tok_unit, sep_space, sep_hyphen, n)
            if starts.size:
                found.append((t_index, tok_start[starts], tok_end[ends], tok_unit[starts]))
        return self._collect(found)

    def _extend(
        self,
        term: _Term,
        first: np.ndarray,
        mask: Callable[[int], np.ndarray],
        tok_unit: np.ndarray,
        sep_space: np.ndarray,
        sep_hyphen: np.ndarray,
        n: int,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Start and end token of every hit of a word term whose first word is at the tokens ``first``.

        Partial hits are (start, end, key) rows; at a gap each row branches into the 0 to
        :data:`GAP_MAX_WORDS` words it may skip, ``key`` ranks the branches as a lazy regular
        expression tries them (fewest words at the first gap, then at the second, ...), and rows that
        reach the same token from the same start keep the best key. Each start keeps its best end.
        """
        starts, ends = first, first
        key = np.zeros(first.shape, dtype=np.int64)
        branched = False
        for join, word in zip(term.joins, term.words[1:], strict=True):
            if starts.size == 0:
                break
            m = mask(self.word_ids[word])
            if join == "gap":
                parts = []
                for g in range(_GAP_MAX_WORDS + 1):
                    cand = ends + 1 + g
                    ok = m[np.minimum(cand, n + 1)] & (tok_unit[np.minimum(cand, n)] == tok_unit[starts])
                    parts.append((starts[ok], cand[ok], key[ok] * (_GAP_MAX_WORDS + 1) + g))
                starts, ends, key = (np.concatenate([p[k] for p in parts]) for k in range(3))
                order = np.lexsort((key, ends, starts))
                starts, ends, key = starts[order], ends[order], key[order]
                new = np.ones(starts.size, dtype=bool)
                new[1:] = (starts[1:] != starts[:-1]) | (ends[1:] != ends[:-1])
                starts, ends, key = starts[new], ends[new], key[new]
                branched = True
            else:
                sep = sep_space if join == "space" else sep_hyphen
                cand = ends + 1
                ok = (cand < n) & m[np.minimum(cand, n + 1)] & sep[np.minimum(ends, len(sep) - 1)]
                ok &= tok_unit[np.minimum(cand, n)] == tok_unit[starts]
                starts, ends, key = starts[ok], cand[ok], key[ok]
        if branched and starts.size:  # one hit per start: the best key
            order = np.lexsort((key, starts))
            starts, ends = starts[order], ends[order]
            best = np.ones(starts.size, dtype=bool)
            best[1:] = starts[1:] != starts[:-1]
            starts, ends = starts[best], ends[best]
        return starts, ends

    @staticmethod
    def _regex_hits(
        t_index: int, source: str, text: str, unit_starts: np.ndarray, unit_ends: np.ndarray
    ) -> list[tuple[int, np.ndarray, np.ndarray, np.ndarray]]:
        """Hits of one ``re:`` term, searched in each unit's text alone (never across units)."""
        regex = compile_raw(source)
        rows: list[tuple[int, int, int]] = []
        for u, (a, b) in enumerate(zip(unit_starts.tolist(), unit_ends.tolist(), strict=True)):
            rows.extend((a + s, a + e, u) for s, e in regex.spans(text[a:b]))
        if not rows:
            return []
        arr = np.asarray(rows, dtype=np.int64)
        return [(t_index, arr[:, 0], arr[:, 1], arr[:, 2])]

    @staticmethod
    def _collect(
        found: list[tuple[int, np.ndarray, np.ndarray, np.ndarray]],
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        if not found:
            empty = np.empty(0, dtype=np.int64)
            return empty, empty, empty, empty
        ids = np.concatenate([np.full(len(a), t, dtype=np.int64) for t, a, _, _ in found])
        starts, ends, units = (np.concatenate([f[k] for f in found]).astype(np.int64) for k in (1, 2, 3))
        return ids, starts, ends, units


@functools.lru_cache(maxsize=8)
def _matcher(terms: tuple[str, ...]) -> _Matcher:
    """One matcher per set of terms, reused across batches and calls, so that each distinct word
    of the text is matched against the codebook once (its result is cached in the matcher)."""
    return _Matcher(terms)
