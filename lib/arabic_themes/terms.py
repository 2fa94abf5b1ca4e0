"""The term language of codebooks, cue lists and :func:`~arabic_themes.concordance.kwic`, and its matcher.

Written for researchers, with examples and common mistakes, in ``docs/term_language.md``; in brief:

A *term* is one or more words separated by spaces:

* every word accepts the proclitics و/ف, then ب/ك/ل, then the article ال (``دعم`` matches
  ``الدعم``, ``ودعم``, ``بالدعم``, ``للدعم``); start a word with ``=`` to forbid them; an article
  written at the start of a word (ال, no hamza) is optional, while أل/إل/آل begin the word itself
  (``إلزام`` does not match ``زام``);
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
(:mod:`arabic_themes.matcher`, used by :func:`~arabic_themes.coding.code_sentences` and ``kwic``:
one pass over the text, dictionary look-ups per distinct word) and, for reference and benchmarking, plain
regular expressions (:func:`compile_term`, used by ``code_sentences_naive`` and the cue lists).
Property tests check that both find the same hits on random terms and sentences.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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


#: How the article is written at the start of a word of a term (alef wasla is the article's alef in
#: vocalised text); a hamza on the alef (أل إل آل) marks a word that merely starts with those letters.
_WRITTEN_ARTICLE = ("ال", "ٱل")
_MARKS = re.compile("[\u064b-\u0652\u0670\u0640]")  # harakat and tatweel (not a combining hamza or madda)


def _has_article(written: str) -> bool:
    """Whether a word of a term, as written (before normalisation), starts with the article."""
    return _MARKS.sub("", written).startswith(_WRITTEN_ARTICLE)


def _parse_word(token: str) -> list[_Word]:
    clitics = not token.startswith("=")
    if not clitics:
        token = token[1:]
    token, all_stem = _split_star(token)
    if token.startswith("{") and token.endswith("}"):
        options = [_split_star(o) for o in token[1:-1].split("|")]
        if any("-" in o for o, _ in options):
            raise TermError("hyphenated alternatives in {…} are not supported; write separate terms")
        parts: list[list[tuple[str, bool, bool]]] = [
            [(normalize_word(o), stem or all_stem, _has_article(o)) for o, stem in options]
        ]
    else:
        if not token or re.search(r"[{}|()\[\]\\^$+?*=.]", token):
            raise TermError(f"bad word {token!r} (use {{a|b}} for alternatives, or a re: pattern)")
        pieces = normalize_word(token).split("-")
        article = _has_article(token)
        parts = [[(piece, all_stem and i == len(pieces) - 1, article and i == 0)] for i, piece in enumerate(pieces)]
    words = []
    for i, alternatives in enumerate(parts):
        first, last = i == 0, i == len(parts) - 1
        normalised = []
        for core, stem, article in alternatives:
            if first and clitics and article and core.startswith("ال") and len(core) > 3:
                # the article is one of the proclitics, so a written ال is optional; أل/إل/آل (with a
                # hamza) begin the word itself (إلزام, ألمانيا) and are kept
                core = core[2:]
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
