"""Odd text (issue 17.9): Arabic presentation forms, many quotations on one line, lone surrogates."""

from __future__ import annotations

import hashlib
import time
import unicodedata
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arabic_themes import code_texts, load_codebook, load_corpus, normalize, normalize_word, segment, segment_text

from conftest import ROOT

ORDINARY = "اكتفت روسيا بتصريحات دبلوماسية دون تقديم دعم عسكري لإيران، ولا ضمانات."


def _presentation(text: str) -> str:
    """``text`` written in contextual presentation forms, as a PDF extraction gives it (lam-alef as a ligature)."""
    forms: dict[tuple[str, str], str] = {}
    for code in range(0xFE70, 0xFEFD):
        name = unicodedata.name(chr(code), "")
        base = unicodedata.normalize("NFKC", chr(code))
        for shape in ("ISOLATED", "FINAL", "INITIAL", "MEDIAL"):
            if name.endswith(shape + " FORM") and len(base) == 1:
                forms[(base, shape)] = chr(code)
    joins_left = {ch for (ch, shape) in forms if shape in ("INITIAL", "MEDIAL")}
    out = []
    for i, ch in enumerate(text):
        prev_joins = i > 0 and text[i - 1] in joins_left
        next_letter = i + 1 < len(text) and (text[i + 1], "FINAL") in forms
        shape = ("MEDIAL" if prev_joins else "INITIAL") if ch in joins_left and next_letter else None
        if shape is None:
            shape = "FINAL" if prev_joins else "ISOLATED"
        out.append(forms.get((ch, shape), ch))
    return "".join(out).replace("\ufedf\ufe8e", "\ufefb").replace("\ufee0\ufe8e", "\ufefc")


def test_presentation_forms_normalise_like_the_letters_they_show() -> None:
    shown = _presentation(ORDINARY)
    assert shown != ORDINARY and unicodedata.normalize("NFKC", shown) == ORDINARY
    assert "\ufefb" in shown  # the lam-alef ligature is one character for two letters
    result = normalize(shown)
    assert result.text == normalize(ORDINARY).text
    assert normalize_word(shown) == normalize_word(ORDINARY)
    # offsets keep pointing at the raw text: both letters of the ligature map to the ligature
    i = result.text.index("ولا")
    assert shown[result.offsets[i + 1]] == "\ufefb" and result.offsets[i + 1] == result.offsets[i + 2]
    a, b = result.raw_span(i, i + 3)
    assert unicodedata.normalize("NFKC", shown[a:b]) == "ولا"


@pytest.mark.parametrize(("form", "expected"), [("\ufdf2", "الله"), ("\ufe8d", "ا"), ("\ufe71", ""), ("\ufe87", "ا")])
def test_ligatures_and_isolated_marks(form: str, expected: str) -> None:
    assert normalize(form).text == expected
    assert normalize("ب" + form + "ت").offsets.tolist() == [0] + [1] * len(expected) + [2]


def test_coder_codes_presentation_forms_like_ordinary_text() -> None:
    book = load_codebook(ROOT / "data" / "codebook.yaml")
    shown, plain = code_texts([_presentation(ORDINARY)], book), code_texts([ORDINARY], book)
    assert shown[book.theme_ids].values.tolist() == plain[book.theme_ids].values.tolist()
    assert shown[book.theme_ids].values.sum() > 0


def test_a_file_in_presentation_forms_is_accepted_as_arabic(tmp_path: Path) -> None:
    text = _presentation(ORDINARY) + "\n"
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    (tmp_path / "metadata.csv").write_text(f"doc_id,file,sha256\na,a.txt,{digest}\n", encoding="utf-8")
    assert load_corpus(tmp_path)["text"].tolist() == [text]


_PRESENTATION_ALPHABET = [chr(c) for c in [*range(0xFB50, 0xFDFF, 7), *range(0xFE70, 0xFEFF)]]


@settings(max_examples=200, deadline=None)
@given(raw=st.text(alphabet=_PRESENTATION_ALPHABET + list("ابت ،.\u064e"), max_size=40))
def test_property_presentation_forms_keep_offsets_and_idempotence(raw: str) -> None:
    from arabic_themes.normalisation import _normalize_chars, _normalize_chars_slow

    result = normalize(raw)
    assert normalize(result.text).text == result.text
    assert _normalize_chars(raw)[0] == _normalize_chars_slow(raw)[0]
    assert _normalize_chars(raw)[1].tolist() == _normalize_chars_slow(raw)[1].tolist()
    # the characters each raw character became, in order, are what it normalises to alone
    pieces = ["" for _ in raw]
    for ch, j in zip(result.text, result.offsets.tolist(), strict=True):
        pieces[j] += ch
    assert pieces == [normalize_word(ch) for ch in raw]


def test_many_quotations_on_one_line_segment_in_linear_time() -> None:
    line = " ".join("قال «نعم. لا» ثم." for _ in range(16_000))
    began = time.perf_counter()
    units = segment(pd.DataFrame({"doc_id": ["d"], "text": [line]}))
    assert time.perf_counter() - began < 5  # was 37 s: every sentence end was tested against every quotation
    assert len(units) == 16_000 and len(segment_text(line)) == 16_000
    assert units["text"].iloc[0] == "قال «نعم. لا» ثم."


@pytest.mark.parametrize(
    "call",
    [
        lambda t: normalize(t),
        lambda t: segment(pd.DataFrame({"doc_id": ["d1"], "text": pd.Series([t], dtype=object)})),
        lambda t: segment_text(t, "d1"),
        lambda t: code_texts(["جملة", t], load_codebook(ROOT / "data" / "codebook.yaml")),
    ],
    ids=["normalize", "segment", "segment_text", "code_texts"],
)
def test_lone_surrogate_is_a_clear_error(call) -> None:
    text = "روسيا " + "\udcd8" + " ايران"
    with pytest.raises(ValueError, match=r"character 6 is a lone surrogate \(U\+DCD8\)") as info:
        call(text)
    assert "\n" not in str(info.value)
    assert "d1" in str(info.value) or "text" in str(info.value)


def test_lone_surrogate_in_a_corpus_names_the_article_and_position() -> None:
    from arabic_themes import code_sentences

    texts = {"a": "جملة أولى.", "b": "روسيا \udcd8 ايران."}
    frame = pd.DataFrame(
        {"doc_id": ["a", "b"], "sentence_id": [1, 1], "start": [0, 0], "end": [10, 13], "text": ["x", "y"]}
    )
    with pytest.raises(ValueError, match=r"doc_id 'b': character 6 is a lone surrogate"):
        code_sentences(frame, load_codebook(ROOT / "data" / "codebook.yaml"), texts)
    corpus = pd.DataFrame({"doc_id": ["a", "b"], "text": pd.Series(list(texts.values()), dtype=object)})
    with pytest.raises(ValueError, match=r"doc_id 'b': character 6 is a lone surrogate"):
        segment(corpus)
