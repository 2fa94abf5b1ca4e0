"""``re:`` terms: raw regular expressions, checked when a codebook loads and run in bounded time.

A ``re:`` term is written in the syntax of Python's :mod:`re` and means what Python's ``re`` means
by it; it is matched inside one sentence at a time. Python's ``re`` backtracks, and some patterns
take exponential or high polynomial time (``(ا+)+ب`` ran for minutes on a 10 KB sentence), with no
way to stop it. So:

* at load, a pattern that can match the empty string, uses a backreference, repeats a repeated
  group (``(ا+)+``), is longer than :data:`MAX_PATTERN_CHARS` or counts past :data:`MAX_COUNT` is
  a :class:`~arabic_themes.terms.TermError`;
* a pattern built only of what RE2 can run with the same meaning (literals, classes, ``.``,
  groups, alternation, greedy and lazy repeats, ``^``, ``\\A``, ``\\Z``) is translated and run on
  RE2 (google-re2), whose time is linear in the text; classes such as ``\\w``, ``\\d`` and ``\\s``
  are spelled out as the Unicode ranges Python gives them, so both engines agree (a property test
  compares them);
* a pattern that needs Python's own engine (lookarounds, ``\\b``, ``$``, flags) may hold at most one
  unbounded repeat and a bounded number of alternatives; before each sentence its worst case is
  estimated, and a sentence over :data:`BUDGET_STEPS` is an error naming pattern and length,
  never a hang.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from re import _constants as sre  # type: ignore[attr-defined]  # the parser of re itself (Python >= 3.11)
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

import numpy as np
import re2

__all__ = [
    "BUDGET_STEPS",
    "MAX_COUNT",
    "MAX_PATTERN_CHARS",
    "RawRegex",
    "RegexBudgetError",
    "compile_raw",
    "first_chars",
]

#: Longest ``re:`` pattern accepted, in characters.
MAX_PATTERN_CHARS = 1000
#: Largest repeat count (``{m,n}``) accepted; larger counts are unbounded for the budget.
MAX_COUNT = 1000
#: Worst-case steps allowed for one sentence on Python's engine (well under a second here).
BUDGET_STEPS = 500_000_000
#: Most ways a Python-engine pattern may match from one position (alternatives × optional parts).
_MAX_WAYS = 10_000

_UNBOUNDED = sre.MAXREPEAT
_REPEATS = {sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT}


class RegexBudgetError(ValueError):
    """A ``re:`` term that needs Python's backtracking engine would take too long on a sentence."""


# --- checks on the parse tree --------------------------------------------------------------------------
def _children(op: Any, av: Any) -> list[Any]:
    """Sub-patterns of one node of the parse tree."""
    if op is sre.BRANCH:
        return list(av[1])
    if op is sre.SUBPATTERN:
        return [av[3]]
    if op in _REPEATS:
        return [av[2]]
    if op in (sre.ASSERT, sre.ASSERT_NOT):
        return [av[1]]
    if op is sre.ATOMIC_GROUP:
        return [av]
    if op is sre.GROUPREF_EXISTS:
        return [p for p in av[1:] if p is not None]
    return []


def _has_repeat(items: Any) -> bool:
    for op, av in items:
        if op in _REPEATS and av[1] > 1:
            return True
        if any(_has_repeat(child) for child in _children(op, av)):
            return True
    return False


def _check_tree(items: Any) -> None:
    for op, av in items:
        if op in (sre.GROUPREF, sre.GROUPREF_EXISTS):
            raise ValueError("backreferences are not supported")
        if op in _REPEATS:
            low, high, body = av
            if max(low, 0 if high == _UNBOUNDED else high) > MAX_COUNT:
                raise ValueError(f"repeat counts above {MAX_COUNT} are not supported")
            if high > 1 and _has_repeat(body):
                raise ValueError(
                    "a repeated group holds another repeat (nested quantifiers such as (ا+)+ take exponential "
                    "time); repeat the characters once, e.g. ا+ or [اب]+"
                )
        for child in _children(op, av):
            _check_tree(child)


def _ways(items: Any) -> tuple[int, int]:
    """(ways to match from one position with unbounded repeats counted once, number of unbounded repeats)."""
    ways, unbounded = 1, 0
    for op, av in items:
        if op is sre.BRANCH:
            parts = [_ways(alt) for alt in av[1]]
            w, u = sum(p[0] for p in parts), sum(p[1] for p in parts)
        elif op in _REPEATS:
            low, high, body = av
            w, u = _ways(body)
            if high == _UNBOUNDED:
                u += 1
                # stop here or go on, at each length (the length is counted by the budget); a body that can
                # match in several ways repeats them at every step: exponential
                w = 2 if w == 1 else sys.maxsize
            else:
                w = min((high - low + 1) * w ** min(high, 64), sys.maxsize)
        else:
            children = _children(op, av)
            w, u = 1, 0
            for child in children:
                cw, cu = _ways(child)
                w, u = w * cw, u + cu
        ways, unbounded = min(ways * w, sys.maxsize), unbounded + u
    return ways, unbounded


# --- translation to RE2 --------------------------------------------------------------------------------
_MAX_CODE = 0x10FFFF
_SURROGATES = (0xD800, 0xDFFF)


@functools.cache
def _category_ranges(category: Any) -> tuple[tuple[int, int], ...]:
    """Code point ranges of a class of Python's ``re`` (Unicode mode), surrogates left out."""
    tests: dict[Any, Callable[[str], bool]] = {
        sre.CATEGORY_DIGIT: str.isdecimal,
        sre.CATEGORY_SPACE: str.isspace,
        sre.CATEGORY_WORD: lambda ch: ch.isalnum() or ch == "_",
    }
    negated = {sre.CATEGORY_NOT_DIGIT: sre.CATEGORY_DIGIT, sre.CATEGORY_NOT_SPACE: sre.CATEGORY_SPACE}
    negated[sre.CATEGORY_NOT_WORD] = sre.CATEGORY_WORD
    if category in negated:
        return _complement(_category_ranges(negated[category]))
    test = tests[category]
    ranges: list[tuple[int, int]] = []
    start = None
    for code in range(_MAX_CODE + 2):
        inside = code <= _MAX_CODE and not _SURROGATES[0] <= code <= _SURROGATES[1] and test(chr(code))
        if inside and start is None:
            start = code
        elif not inside and start is not None:
            ranges.append((start, code - 1))
            start = None
    return tuple(ranges)


def _normalise_ranges(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for low, high in sorted(ranges):
        if merged and low <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    out = []  # without surrogates (RE2 reads UTF-8, where they cannot occur)
    for low, high in merged:
        if high < _SURROGATES[0] or low > _SURROGATES[1]:
            out.append((low, high))
            continue
        if low < _SURROGATES[0]:
            out.append((low, _SURROGATES[0] - 1))
        if high > _SURROGATES[1]:
            out.append((_SURROGATES[1] + 1, high))
    return out


def _complement(ranges: tuple[tuple[int, int], ...] | list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    out, position = [], 0
    for low, high in _normalise_ranges(list(ranges)):
        if low > position:
            out.append((position, low - 1))
        position = high + 1
    if position <= _MAX_CODE:
        out.append((position, _MAX_CODE))
    return tuple(_normalise_ranges(out))


def _class(ranges: Any) -> str:
    ranges = _normalise_ranges(list(ranges))
    if not ranges:
        return r"[^\x{0}-\x{10ffff}]"  # matches nothing, like an empty class
    return "[" + "".join(rf"\x{{{a:x}}}" if a == b else rf"\x{{{a:x}}}-\x{{{b:x}}}" for a, b in ranges) + "]"


class _Untranslatable(Exception):
    """The pattern needs Python's engine."""


def _set_ranges(items: Any) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    negate = False
    for op, av in items:
        if op is sre.NEGATE:
            negate = True
        elif op is sre.LITERAL:
            ranges.append((av, av))
        elif op is sre.RANGE:
            ranges.append(av)
        elif op is sre.CATEGORY:
            ranges.extend(_category_ranges(av))
        else:
            raise _Untranslatable
    return list(_complement(ranges)) if negate else _normalise_ranges(ranges)


def _to_re2(items: Any) -> str:
    out = []
    for op, av in items:
        if op is sre.LITERAL:
            out.append(rf"\x{{{av:x}}}")
        elif op is sre.NOT_LITERAL:
            out.append(_class(_complement([(av, av)])))
        elif op is sre.ANY:
            out.append(_class(_complement([(10, 10)])))
        elif op is sre.IN:
            out.append(_class(_set_ranges(av)))
        elif op is sre.BRANCH:
            out.append("(?:" + "|".join(_to_re2(alt) for alt in av[1]) + ")")
        elif op is sre.SUBPATTERN:
            _, add_flags, del_flags, body = av
            if add_flags or del_flags:
                raise _Untranslatable
            out.append("(?:" + _to_re2(body) + ")")
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
            low, high, body = av
            count = f"{{{low},}}" if high == _UNBOUNDED else f"{{{low},{high}}}"
            out.append("(?:" + _to_re2(body) + ")" + count + ("?" if op is sre.MIN_REPEAT else ""))
        elif op is sre.AT and av in (sre.AT_BEGINNING, sre.AT_BEGINNING_STRING):
            out.append(r"\A")
        elif op is sre.AT and av is sre.AT_END_STRING:
            out.append(r"\z")
        else:  # lookarounds, \b, $, atomic groups, possessive repeats
            raise _Untranslatable
    return "".join(out)


def _re2_options() -> Any:
    options = re2.Options()
    options.log_errors = False
    options.max_mem = 64 << 20
    return options


# --- first characters: which units can hold a match ----------------------------------------------------
_ZERO_WIDTH = {sre.AT, sre.ASSERT, sre.ASSERT_NOT}


def _first(items: Any) -> tuple[list[tuple[int, int]] | None, bool]:
    """Characters a match of ``items`` can start with (``None``: any), and whether it can be empty."""
    found: list[tuple[int, int]] = []
    for op, av in items:
        if op in _ZERO_WIDTH:
            continue
        chars, empty = _first_item(op, av)
        if chars is None:
            return None, False
        found.extend(chars)
        if not empty:
            return found, False
    return found, True


def _first_item(op: Any, av: Any) -> tuple[list[tuple[int, int]] | None, bool]:
    if op is sre.LITERAL:
        return [(av, av)], False
    if op is sre.IN:
        try:
            return _set_ranges(av), False
        except _Untranslatable:
            return None, False
    if op is sre.BRANCH:
        found: list[tuple[int, int]] = []
        empty = False
        for alt in av[1]:
            chars, alt_empty = _first(alt)
            if chars is None:
                return None, False
            found.extend(chars)
            empty = empty or alt_empty
        return found, empty
    if op is sre.SUBPATTERN:
        return (None, False) if av[1] or av[2] else _first(av[3])
    if op in _REPEATS:
        chars, empty = _first(av[2])
        return chars, empty or av[0] == 0
    if op is sre.ATOMIC_GROUP:
        return _first(av)
    return None, False  # any character (., [^x]) or something not followed here


def first_chars(regex: RawRegex) -> np.ndarray | None:
    """Table over code points: can a match of ``regex`` start with this character? ``None`` when any
    can (or when it is not worth knowing), so a caller searches only units holding one of them."""
    if regex.python.flags & ~(re.UNICODE | re.VERBOSE):
        return None
    chars, _ = _first(list(sre_parse.parse(regex.source)))
    if chars is None or not chars:
        return None
    ranges = _normalise_ranges(chars)
    if sum(b - a + 1 for a, b in ranges) > 5_000:  # a class such as \w: nearly every unit has one
        return None
    table = np.zeros(ranges[-1][1] + 1, dtype=bool)
    for a, b in ranges:
        table[a : b + 1] = True
    return table


# --- the compiled term ---------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class RawRegex:
    """A checked ``re:`` pattern: ``python`` always (the reference), ``linear`` when RE2 can run it."""

    source: str
    python: re.Pattern[str]
    linear: Any  # compiled RE2 pattern, or None
    ways: int  # for the budget of the Python engine
    unbounded: int

    def steps(self, length: int) -> int:
        """Worst-case steps on a sentence of ``length`` characters (0 on RE2: linear, no budget)."""
        if self.linear is not None:
            return 0
        return self.ways * (length + 1) ** (1 + self.unbounded)

    def finditer_spans(self, text: str) -> Iterator[tuple[int, int]]:
        """:meth:`spans` without the budget check (for a caller that checked the longest text)."""
        engine = self.linear if self.linear is not None else self.python
        return (m.span() for m in engine.finditer(text))

    def spans(self, text: str) -> Iterator[tuple[int, int]]:
        """Non-overlapping matches in ``text`` (one sentence), leftmost first, as ``(start, end)``."""
        if self.linear is not None:
            for m in self.linear.finditer(text):
                yield m.span()
            return
        if self.steps(len(text)) > BUDGET_STEPS:
            raise RegexBudgetError(
                f"term 're:{self.source}' needs Python's backtracking engine (it uses a lookaround, \\b, $ or a "
                f"flag) and a sentence of {len(text):,} characters exceeds its time budget; rewrite the pattern "
                "without them, or split the text into shorter sentences"
            )
        for m in self.python.finditer(text):
            yield m.span()


@functools.lru_cache(maxsize=1024)
def compile_raw(source: str) -> RawRegex:
    """Check and compile one ``re:`` pattern (without its ``re:`` prefix); a ``ValueError`` says what is wrong."""
    if len(source) > MAX_PATTERN_CHARS:
        raise ValueError(f"longer than {MAX_PATTERN_CHARS} characters")
    try:
        python = re.compile(source)
        tree = sre_parse.parse(source)
    except re.error as exc:
        raise ValueError(str(exc)) from None
    except (RecursionError, OverflowError):
        raise ValueError("too deeply nested or too large") from None
    if tree.getwidth()[0] == 0:
        raise ValueError(
            "it can match the empty string, so it would fire everywhere; make at least one character required"
        )
    _check_tree(list(tree))
    linear = None
    if tree.state.flags & ~(re.UNICODE | re.VERBOSE) == 0:
        try:
            linear = re2.compile(_to_re2(list(tree)), _re2_options())
        except (_Untranslatable, re2.error):
            linear = None
    ways, unbounded = _ways(list(tree))
    if linear is None and (unbounded > 1 or ways > _MAX_WAYS):
        raise ValueError(
            "it needs Python's backtracking engine (a lookaround, \\b, $ or a flag) and can match in too many "
            f"ways ({'several unbounded repeats' if unbounded > 1 else f'more than {_MAX_WAYS:,}'}); use at most "
            "one *, + or {m,} there, or write it without lookarounds"
        )
    return RawRegex(source, python, linear, ways, unbounded)
