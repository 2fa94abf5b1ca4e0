"""The project codebook file as researchers edit it: readable lines and no indicator written twice."""

from __future__ import annotations

from arabic_themes.codebook import Indicator, load_codebook
from arabic_themes.terms import compile_term

from conftest import DATA

CODEBOOK = DATA / "codebook.yaml"


def _meaning(indicator: Indicator) -> tuple[tuple[frozenset[str], ...], frozenset[str]]:
    """What an indicator matches, independent of spelling and term order: its groups and vetoes as
    sets of compiled patterns (``إيران`` and ``ايران`` compile alike)."""
    groups = tuple(sorted((frozenset(compile_term(t) for t in g) for g in indicator.groups), key=sorted))
    return groups, frozenset(compile_term(t) for t in indicator.exclude)


def test_project_codebook_lines_are_at_most_120_characters() -> None:
    lines = CODEBOOK.read_text(encoding="utf-8").splitlines()
    long = [n for n, line in enumerate(lines, start=1) if len(line) > 120]
    assert not long, f"{CODEBOOK.name}: lines over 120 characters: {long} (see docs/term_language.md, section 8)"


def test_no_two_indicators_of_a_theme_match_the_same() -> None:
    for theme in load_codebook(CODEBOOK).themes:
        seen: dict[object, str] = {}
        for indicator in theme.indicators:
            meaning = _meaning(indicator)
            assert meaning not in seen, f"{theme.id}: indicators {seen[meaning]!r} and {indicator.id!r} are identical"
            seen[meaning] = indicator.id


def test_indicator_meaning_sees_through_spelling_and_order() -> None:
    """The comparison above is not vacuous: differently written copies of one indicator compare equal."""
    a = Indicator("a", (("إيران", "طهران"), ("روسيا",)))
    b = Indicator("b", (("روسيا",), ("طهران", "ايران")))
    c = Indicator("c", (("إيران", "طهران"), ("روسيا",)), exclude=("نفى",))
    assert _meaning(a) == _meaning(b)
    assert _meaning(a) != _meaning(c)
