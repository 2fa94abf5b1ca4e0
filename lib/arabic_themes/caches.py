"""What the package remembers between calls, all of it bounded, and one function to forget it.

* character tables (:mod:`arabic_themes._chars`, :mod:`arabic_themes.normalisation`,
  :mod:`arabic_themes.tokens`): built once, fixed size;
* glue-repair regexes: the last 16 repair tables;
* term matchers (:mod:`arabic_themes.matcher`): the last 8 sets of terms, each with the tables of
  its word forms (a few tens of megabytes for the project's codebook);
* compiled ``re:`` patterns (:mod:`arabic_themes.rawregex`): the last 1,024, and the Unicode
  classes they use;
* the stop-word list (:mod:`arabic_themes.keyness`) and the font and renderer checks of the figures.

Nothing remembered changes a result; :func:`clear_caches` frees the memory (or starts a timing
from cold).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["clear_caches"]


def _cached() -> list[Callable[..., Any]]:
    from arabic_themes import _chars, keyness, matcher, normalisation, plot_style, rawregex, tokens

    return [
        _chars.char_classes,
        normalisation._bmp_tables,
        normalisation._glue,
        tokens._byte_table,
        matcher.matcher_for,
        rawregex.compile_raw,
        rawregex._category_ranges,
        keyness.arabic_stopwords,
        plot_style.renderer_shapes_text,
        plot_style.register_arabic_font,
    ]


def clear_caches() -> None:
    """Forget everything the package remembers between calls (see the module docstring)."""
    for function in _cached():
        function.cache_clear()  # type: ignore[attr-defined]
