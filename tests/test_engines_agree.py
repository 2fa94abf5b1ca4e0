"""One meaning for every term: the token engine (code_sentences, kwic) and plain regular expressions
(code_sentences_naive, compile_term) agree on random terms and sentences (issue 17.7)."""

from __future__ import annotations

import functools
import re
import time
from unittest import mock

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arabic_themes import Codebook, Indicator, Theme, code_sentences, code_sentences_naive, kwic, parse_evidence
from arabic_themes.matcher import Matcher
from arabic_themes.rawregex import compile_raw
from arabic_themes.terms import TermError, compile_term

# words as the codebook writes them, and forms of them the text may hold
STEMS = ["دعم", "روسيا", "ايران", "عسكري", "لم", "لا", "موسكو", "طهران", "الدعم", "اس-400", "2025", "وعود"]
TEXT_WORDS = STEMS + [
    "ودعم",
    "بالدعم",
    "للدعم",
    "دعمها",
    "دعما",
    "دعمت",
    "عسكريه",
    "العسكري",
    "وروسيا",
    "لروسيا",
    "ايرانيه",
    "لن",
    "كبير",
    "شيء",
    "فيه",
    "الوعود",
    "س-400",
    "20251",
    "x",
]
SEPARATORS = [" ", " ", " ", " ", "، ", " - ", "-", ": "]


@st.composite
def word_terms(draw: st.DrawFn) -> str:
    def word() -> str:
        if draw(st.integers(0, 4)) == 0:
            options = draw(st.lists(st.sampled_from(STEMS[:9]), min_size=2, max_size=3, unique=True))
            w = "{" + "|".join(options) + "}"
        else:
            w = draw(st.sampled_from(STEMS))
        if draw(st.integers(0, 4)) == 0 and "-" not in w:
            w = w + "*"
        if draw(st.integers(0, 5)) == 0:
            w = "=" + w
        return w

    parts = [word()]
    for _ in range(draw(st.integers(0, 3))):
        if draw(st.booleans()):
            parts.append("..")
        parts.append(word())
    return " ".join(parts)


REGEX_PIECES = ["دعم", "روسي", "\\w+", "\\w*", "[اب]+", ".{0,6}", " ", "\\s+", "(?:لم|لا)", "\\d+", "[^ ]+", "ا?"]
REGEX_EXTRAS = ["", "", "", "(?<!\\w)", "(?!\\w)", "\\b", "^", "$", "\\Z"]


@st.composite
def regex_terms(draw: st.DrawFn) -> str:
    pieces = draw(st.lists(st.sampled_from(REGEX_PIECES), min_size=1, max_size=4))
    lead, tail = draw(st.sampled_from(REGEX_EXTRAS)), draw(st.sampled_from(REGEX_EXTRAS))
    lazy = draw(st.booleans())
    body = "".join(p + "?" if lazy and p.endswith(("+", "*", "}")) else p for p in pieces)
    return "re:" + lead + body + tail


sentences_text = st.lists(
    st.tuples(st.sampled_from(TEXT_WORDS), st.sampled_from(SEPARATORS)), min_size=1, max_size=14
).map(lambda pairs: "".join(w + s for w, s in pairs).strip(" -:،") or "x")


def _codebook(terms: list[str]) -> Codebook:
    themes = tuple(
        Theme(id=f"t{i}", label_ar="م", label_en="T", definition="d", indicators=(Indicator("i", ((t,),)),))
        for i, t in enumerate(terms)
    )
    return Codebook(themes=themes, patterns={t: re.compile(compile_term(t)) for t in terms})


def _frame(texts: list[str]) -> tuple[pd.DataFrame, dict[str, str]]:
    rows, position = [], 0
    for i, text in enumerate(texts, start=1):
        rows.append(("d", 1, i, position, position + len(text), "sentence", text))
        position += len(text) + 1
    columns = ["doc_id", "paragraph", "sentence_id", "start", "end", "kind", "text"]
    return pd.DataFrame(rows, columns=columns), {"d": "\n".join(texts)}


def _assert_agree(terms: list[str], texts: list[str]) -> None:
    book = _codebook(terms)
    frame, raw = _frame(texts)
    fast = code_sentences(frame, book, raw)
    naive = code_sentences_naive(frame, book, raw)
    assert fast[book.theme_ids].values.tolist() == naive[book.theme_ids].values.tolist(), terms
    # the first hit of each term in each sentence is the regular expression's match
    first = parse_evidence(fast).groupby(["sentence_id", "theme"]).first().reset_index()
    expected = parse_evidence(naive)
    assert first[["sentence_id", "theme", "start", "end"]].values.tolist() == (
        expected[["sentence_id", "theme", "start", "end"]].values.tolist()
    ), terms


@settings(max_examples=300, deadline=None)
@given(terms=st.lists(word_terms(), min_size=1, max_size=3), texts=st.lists(sentences_text, min_size=1, max_size=4))
def test_property_token_engine_agrees_with_regex_on_word_terms(terms: list[str], texts: list[str]) -> None:
    _assert_agree(terms, texts)


@settings(max_examples=300, deadline=None)
@given(term=regex_terms(), texts=st.lists(sentences_text, min_size=1, max_size=4))
def test_property_re_terms_agree_and_stay_inside_sentences(term: str, texts: list[str]) -> None:
    try:
        compile_term(term)
    except TermError:
        return  # refused at load (empty match, too many ways): nothing to compare
    _assert_agree([term], texts)


@settings(max_examples=500, deadline=None)
@given(term=regex_terms(), text=sentences_text)
def test_property_linear_engine_finds_what_python_re_finds(term: str, text: str) -> None:
    try:
        regex = compile_raw(term[3:])
    except ValueError:
        return
    assert list(regex.spans(text)) == [m.span() for m in re.finditer(term[3:], text)]


@settings(max_examples=200, deadline=None)
@given(terms=st.lists(word_terms(), min_size=1, max_size=4), texts=st.lists(sentences_text, min_size=1, max_size=4))
def test_property_longer_terms_give_the_same_hits_from_any_anchor(terms: list[str], texts: list[str]) -> None:
    """Each term of several words is found from its rarest word; starting from any other gives the same hits."""
    matcher = Matcher(terms)
    text = "\n".join(texts)
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    unit_ends = np.cumsum([len(t) + 1 for t in texts]) - 1
    unit_starts = unit_ends - [len(t) for t in texts]

    def hits() -> list[tuple[int, ...]]:
        return sorted(set(zip(*(a.tolist() for a in matcher.hits(text, codes, unit_starts, unit_ends)), strict=True)))

    expected = hits()
    default = matcher.phrases.hits
    for k in range(4):
        anchors = np.full(len(matcher.multi), k)
        with mock.patch.object(matcher.phrases, "hits", functools.partial(default, anchor=anchors)):
            assert hits() == expected, (terms, k)


# --- the cases of the issue ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("term", "text"),
    [
        (
            "{الكلمات|الوعود} .. {بدل|دون|لا} .. {الافعال|افعال}",
            "الوعود لا تكفي، لا شيء يعادل الافعال.",
        ),
        ("روسيا .. دعم .. ايران", "روسيا دعم كبير دعم لا ريب فيه ايران."),
        ("دعم .. دعم", "دعم دعم"),
    ],
)
def test_gap_may_skip_past_a_nearer_middle_word(term: str, text: str) -> None:
    book = _codebook([term])
    frame, raw = _frame([text])
    assert code_sentences(frame, book, raw)["t0"].tolist() == [1]
    assert code_sentences_naive(frame, book, raw)["t0"].tolist() == [1]


def test_re_terms_match_inside_one_sentence_in_the_coder_and_in_kwic() -> None:
    text = "قالت روسيا كلاما. وصمتت ايران."
    corpus = pd.DataFrame({"doc_id": ["d"], "text": [text]})
    from arabic_themes import segment

    sentences = segment(corpus)
    book = _codebook(["re:روسيا.*ايران"])
    for coder in (code_sentences, code_sentences_naive):
        assert coder(sentences, book, corpus)["t0"].tolist() == [0, 0], coder.__name__
    assert kwic(corpus, "re:روسيا.*ايران").empty
    assert kwic(corpus, "re:روسيا.*كلاما")["keyword"].tolist() == ["روسيا كلاما"]
    assert kwic(corpus, "كلاما .. ايران").empty  # word terms too: the gap does not cross the full stop


@pytest.mark.parametrize("term", ["re:(ا+)+ب", "re:(.*)+", "re:", "re:(a|a?)+$", "re:(\\w)\\1", "re:(?<!x)(ا|اا)+ب"])
def test_dangerous_re_terms_are_refused_when_compiled(term: str) -> None:
    with pytest.raises(TermError):
        compile_term(term)


def test_slow_patterns_run_in_linear_time_on_a_long_sentence() -> None:
    text = "ا" * 10_000
    corpus = pd.DataFrame({"doc_id": ["d"], "text": [text]})
    began = time.perf_counter()
    for term in ["re:\\w+\\w+ب", "re:(?:ا|اا)+ب", "re:ا*ا*ا*ب"]:
        assert kwic(corpus, term).empty
        assert code_sentences(*_frame([text])[:1], _codebook([term]), _frame([text])[1])["t0"].tolist() == [0]
    assert time.perf_counter() - began < 5


def test_many_gaps_are_capped_and_kwic_with_three_gaps_is_fast() -> None:
    with pytest.raises(TermError, match="at most 3 '..' gaps"):
        compile_term("a .. b .. c .. d .. e")
    words = " ".join(["دعم", "كبير"] * 3000)
    corpus = pd.DataFrame({"doc_id": ["d"], "text": [words]})
    began = time.perf_counter()
    assert kwic(corpus, "دعم .. دعم .. دعم .. ايران").empty
    assert time.perf_counter() - began < 5


def test_python_engine_patterns_have_a_budget_per_sentence() -> None:
    from arabic_themes.rawregex import RegexBudgetError

    corpus = pd.DataFrame({"doc_id": ["d"], "text": ["ا" * 40_000]})
    began = time.perf_counter()
    with pytest.raises(RegexBudgetError, match=r"re:\(\?<!x\)ا\.\*ب.*40,000 characters"):
        kwic(corpus, "re:(?<!x)ا.*ب")
    assert time.perf_counter() - began < 5
