"""The token engine's word keys: exact grouping of tokens and the same word matches as plain strings."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arabic_themes import load_codebook
from arabic_themes.codebook import all_terms
from arabic_themes.matcher import Matcher
from arabic_themes.tokens import _Layout, _token_types

from conftest import ROOT

_LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهويء"
_words = st.text(alphabet=_LETTERS + "0123456789abz_é", min_size=1, max_size=22) | st.sampled_from(
    ["الدعم", "والاستراتيجيه", "دعم", "ودعمها", "عسكريه", "ايرانيون", "x" * 17, "漢字", "İstanbul", "𝐀b"]
)
_texts = st.lists(st.tuples(_words, st.sampled_from([" ", "، ", "-", "\n", ". "])), max_size=30).map(
    lambda pairs: "".join(w + s for w, s in pairs)
)


def _codes(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)


def _types_as_strings(text: str) -> tuple[list[str], list[int]]:
    layout = _Layout(_codes(text))
    starts, ends = layout.starts, layout.ends
    types, *_ = _token_types(text, layout)
    return [text[a:b] for a, b in zip(starts.tolist(), ends.tolist(), strict=True)], types.tolist()


@settings(max_examples=300, deadline=None)
@given(text=_texts)
def test_property_tokens_of_one_type_are_the_same_word(text: str) -> None:
    tokens, types = _types_as_strings(text)
    assert tokens == re.findall(r"\w+", text)
    pairs = set(zip(tokens, types, strict=True))
    assert len({t for t, _ in pairs}) == len(pairs) == len({k for _, k in pairs})  # a bijection


def test_a_hash_collision_never_merges_two_words(monkeypatch: pytest.MonkeyPatch) -> None:
    import arabic_themes.tokens as tokens

    monkeypatch.setattr(tokens, "_hash", lambda k1, k2: k1)  # every long word collides with its first 8 letters
    text = "الاستراتيجيه الاستراتيجيات الاستراتيجيه دعم"
    tokens, types = _types_as_strings(text)
    assert types[0] == types[2] != types[1] != types[3]


@pytest.fixture(scope="module")
def project_matcher() -> Matcher:
    book = load_codebook(ROOT / "data" / "codebook.yaml")
    return Matcher(all_terms(book.themes))


def test_project_forms_have_distinct_hashes(project_matcher: Matcher) -> None:
    assert project_matcher.use_keys
    assert len(project_matcher.form_table.hashes) > 10_000


_PROJECT_WORDS = ["الدعم", "وبالدعم", "عسكريا", "لروسيا", "موسكو", "الغموض", "والاستراتيجيه"]


@settings(max_examples=200, deadline=None)
@given(text=_texts | st.lists(st.sampled_from(_PROJECT_WORDS)).map(" ".join))
def test_property_keyed_lookup_equals_string_lookup(project_matcher: Matcher, text: str) -> None:
    layout = _Layout(_codes(text))
    starts, ends = layout.starts, layout.ends
    types, lengths, k1, k2, strings = _token_types(text, layout)
    flat, bounds = project_matcher._type_words(lengths, k1, k2, strings)
    first = {}
    for i, t in enumerate(types.tolist()):
        first.setdefault(t, text[starts[i] : ends[i]])
    for t, token in first.items():
        assert tuple(flat[bounds[t] : bounds[t + 1]].tolist()) == project_matcher.match_word(token), token
