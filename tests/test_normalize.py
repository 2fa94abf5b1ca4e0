"""Normalisation for matching: each rule, glue repairs, raw offsets, the repair table, pyarabic, properties."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyarabic import araby

from arabic_themes.normalisation import GlueRepair, NormalizedText, load_glue_repairs, normalize, normalize_word

SETTINGS = settings(max_examples=200, deadline=None)

GLUED = {
    "موسكووطهران": "موسكو وطهران",
    "الولاياتالمتحدة": "الولايات المتحدة",
    "روسياوإيران": "روسيا وإيران",
}


def _text(raw: str, repairs=None) -> str:
    return normalize(raw, repairs).text


# --- each rule ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("كَتَبَ", "كتب"),  # fatha
        ("يُذكر", "يذكر"),  # damma
        ("بِ", "ب"),  # kasra
        ("فعلْ", "فعل"),  # sukun
        ("تجنّب", "تجنب"),  # shadda
        ("وفقًا", "وفقا"),  # fathatan
        ("كتابٌ", "كتاب"),  # dammatan
        ("كتابٍ", "كتاب"),  # kasratan
        ("الرحمٰن", "الرحمن"),  # dagger (superscript) alef
        ("مُحَمَّدٌ", "محمد"),  # several at once
        ("قُدِّمَ", "قدم"),
    ],
)
def test_diacritics_are_removed(raw: str, expected: str) -> None:
    assert _text(raw) == expected


@pytest.mark.parametrize("mark", sorted(araby.DIACRITICS), ids=lambda c: f"U+{ord(c):04X}")
def test_every_pyarabic_diacritic_is_removed(mark: str) -> None:
    """The module promises its classes agree with pyarabic: every mark strip_diacritics removes, we remove."""
    assert araby.strip_diacritics("ب" + mark + "ت") == "بت"
    result = normalize("ب" + mark + "ت")
    assert result.text == "بت"
    assert result.offsets.tolist() == [0, 2]


@pytest.mark.parametrize("word", ["أحمد", "إيران", "آسيا", "مؤتمر", "رئيس", "أإآؤئ"])
def test_decomposed_hamza_normalises_like_precomposed(word: str) -> None:
    """Text in NFD (alef + combining hamza U+0654/U+0655, maddah U+0653) must match like the usual spelling."""
    decomposed = unicodedata.normalize("NFD", word)
    assert decomposed != word
    assert _text(decomposed) == _text(word)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("العـــــربيه", "العربيه"), ("روسـيـا", "روسيا"), ("ـ", "")],
)
def test_tatweel_is_removed(raw: str, expected: str) -> None:
    assert _text(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("أحمد", "احمد"),  # hamza above
        ("إيران", "ايران"),  # hamza below
        ("آسيا", "اسيا"),  # madda
        ("ٱلقمر", "القمر"),  # wasla
        ("أإآٱ", "اااا"),
    ],
)
def test_alef_variants_become_bare_alef(raw: str, expected: str) -> None:
    assert _text(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("مؤتمر", "موتمر"),  # ؤ → و
        ("رئيس", "رييس"),  # ئ → ي
        ("مستشفى", "مستشفي"),  # ى → ي
        ("الإستراتيجية", "الاستراتيجيه"),  # ة → ه (and إ → ا)
        ("کرملین", "كرملين"),  # Persian keheh and Farsi yeh
    ],
)
def test_letter_foldings(raw: str, expected: str) -> None:
    assert _text(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("٠١٢٣٤٥٦٧٨٩", "0123456789"), ("۰۱۲۳۴۵۶۷۸۹", "0123456789"), ("١٧ يناير ٢٠٢٥", "17 يناير 2025")],
)
def test_eastern_digits_become_ascii(raw: str, expected: str) -> None:
    assert _text(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("S-400", "s-400"), ("Su-35", "su-35"), ("منظومة S-400 الروسية", "منظومه s-400 الروسيه"), ("NATO", "nato")],
)
def test_latin_is_lowercased(raw: str, expected: str) -> None:
    assert _text(raw) == expected
    assert _text(raw) == _text(raw.lower())


def test_latin_is_lowercased_even_next_to_a_dotted_capital_i() -> None:
    """'İ'.lower() is two characters; that one letter must not stop the rest of the text being lower-cased."""
    result = normalize("İstanbul S-400")
    assert "s-400" in result.text
    assert len(result.text) == len(result.offsets) == len("İstanbul S-400")
    assert result.text == normalize_word("İstanbul S-400")
    assert normalize(result.text).text == result.text


def test_what_is_left_alone() -> None:
    raw = "بتثجحخدذرزسشصضطظعغفقكلمنهوي ، ؛ ؟ ! . : « » “ ” \" 0123456789 - / \n\r\n\t"
    result = normalize(raw)
    assert result.text == raw
    assert result.offsets.tolist() == list(range(len(raw)))


def test_offsets_skip_deleted_characters() -> None:
    raw = "قُدِّمَ أَمْسِ"
    result = normalize(raw)
    assert result.text == "قدم امس"
    assert [raw[i] for i in result.offsets] == ["ق", "د", "م", " ", "أ", "م", "س"]
    assert result.raw_length == len(raw)
    assert result.repairs == ()


def test_empty_text() -> None:
    result = normalize("")
    assert result.text == "" and len(result.offsets) == 0 and result.raw_length == 0


def test_normalize_word_agrees_with_normalize() -> None:
    for raw in ["الإستراتيجيّة", "مُؤتمرٌ", "S-400", "٢٠٢٥", "کرملین", "العـــربية", "روسيا، إيران"]:
        assert normalize_word(raw) == normalize(raw).text


# --- glue repairs ----------------------------------------------------------------------------------


def test_project_glue_table(glue_repairs: list[GlueRepair]) -> None:
    assert {r.glued: r.repaired for r in glue_repairs} == GLUED
    assert all(r.note for r in glue_repairs)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("موسكووطهران", "موسكو وطهران"),
        ("الولاياتالمتحدة", "الولايات المتحده"),
        ("روسياوإيران", "روسيا وايران"),
        ("بين موسكووطهران، الذي", "بين موسكو وطهران، الذي"),
        ("تقوده الولاياتالمتحدة.", "تقوده الولايات المتحده."),
        ("على روسياوإيران معاً", "علي روسيا وايران معا"),
        ("موسكووطهـرانَ", "موسكو وطهران"),  # tatweel and a diacritic inside do not stop it
    ],
)
def test_glue_repair(raw: str, expected: str, glue_repairs: list[GlueRepair]) -> None:
    result = normalize(raw, glue_repairs)
    assert result.text == expected
    assert len(result.repairs) == 1
    assert len(result.offsets) == len(result.text)


def test_no_glue_repair_without_a_table() -> None:
    assert _text("موسكووطهران") == "موسكووطهران"
    assert _text("موسكووطهران", []) == "موسكووطهران"
    assert normalize("موسكووطهران").repairs == ()


@pytest.mark.parametrize(
    "raw",
    ["الموسكووطهران", "موسكووطهرانية", "وموسكووطهران", "للولاياتالمتحدة", "الولاياتالمتحدةالأمريكية", "روسياوإيرانيا"],
)
def test_glue_repair_only_on_whole_words(raw: str, glue_repairs: list[GlueRepair]) -> None:
    result = normalize(raw, glue_repairs)
    assert " " not in result.text
    assert result.repairs == ()


def test_glue_repair_records_raw_start(glue_repairs: list[GlueRepair]) -> None:
    raw = "قالت موسكووطهران ثم الولاياتالمتحدة"
    result = normalize(raw, glue_repairs)
    assert [start for start, _ in result.repairs] == [raw.index("موسكووطهران"), raw.index("الولاياتالمتحدة")]
    assert result.text == "قالت موسكو وطهران ثم الولايات المتحده"


def _whole_word_count(text: str, word: str) -> int:
    return len(re.findall(rf"(?<![\u0621-\u064A]){re.escape(word)}(?![\u0621-\u064A])", text))


def test_glue_repairs_on_the_corpus(raw_texts: dict[str, str], glue_repairs: list[GlueRepair]) -> None:
    # counted in the raw text: 3 موسكووطهران in limited_support; 1 موسكووطهران, 2 الولاياتالمتحدة
    # and 1 روسياوإيران in putins_calculus
    expected = {doc: sum(_whole_word_count(raw, g) for g in GLUED) for doc, raw in raw_texts.items()}
    assert expected == {
        "limited_support": 3,
        "putins_calculus": 4,
        "middle_east_news": 0,
        "no_protection": 0,
        "mena_research": 0,
    }
    assert sum(raw.count(g) for raw in raw_texts.values() for g in GLUED) == 7
    for doc, raw in raw_texts.items():
        result = normalize(raw, glue_repairs)
        assert len(result.repairs) == expected[doc], doc
        assert len(result.text) == len(normalize(raw).text) + expected[doc]  # one space per repair
        for start, glued in result.repairs:  # (raw start, glued word as normalised)
            assert glued in {normalize_word(g) for g in GLUED}
            assert normalize(raw[start:]).text.startswith(glued)
        for glued in GLUED:
            assert normalize_word(glued) not in result.text


def test_raw_span_maps_back_on_the_corpus(raw_texts: dict[str, str], glue_repairs: list[GlueRepair]) -> None:
    raw = raw_texts["limited_support"]
    result = normalize(raw, glue_repairs)

    tehran = [m.start() for m in re.finditer("وطهران", result.text)]
    assert len(tehran) == 3
    for start in tehran:
        a, b = result.raw_span(start, start + len("وطهران"))
        assert raw[a:b] == "وطهران"

    pairs = [m.start() for m in re.finditer("موسكو وطهران", result.text)]
    assert len(pairs) == 3
    for start in pairs:
        a, b = result.raw_span(start, start + len("موسكو وطهران"))
        assert raw[a:b] == "موسكووطهران"  # exactly the glued raw word
        a, b = result.raw_span(start, start + len("موسكو"))
        assert raw[a:b] == "موسكو"

    # a match across deleted diacritics covers them: وفقًا
    start = result.text.index("وفقا")
    a, b = result.raw_span(start, start + 4)
    assert raw[a:b] == "وفقًا"


def test_raw_span_in_putins_calculus(raw_texts: dict[str, str], glue_repairs: list[GlueRepair]) -> None:
    raw = raw_texts["putins_calculus"]
    result = normalize(raw, glue_repairs)
    for normal, glued in [("الولايات المتحده", "الولاياتالمتحدة"), ("روسيا وايران", "روسياوإيران")]:
        starts = [m.start() for m in re.finditer(normal, result.text)]
        assert len(starts) == raw.count(glued)
        for start in starts:
            a, b = result.raw_span(start, start + len(normal))
            assert raw[a:b] == glued
    start = result.text.index("المتحده")
    a, b = result.raw_span(start, start + len("المتحده"))
    assert raw[a:b] == "المتحدة"


def test_raw_span_rejects_bad_spans() -> None:
    result = normalize("روسيا")
    for start, end in [(0, 0), (3, 2), (-1, 2), (0, 6)]:
        with pytest.raises(ValueError, match="outside"):
            result.raw_span(start, end)
    assert result.raw_span(0, 5) == (0, 5)


# --- the repair table ------------------------------------------------------------------------------


def _table(tmp_path: Path, content: str) -> Path:
    path = tmp_path / "glued.csv"
    path.write_text(content, encoding="utf-8")
    return path


def test_load_glue_repairs_reads_notes(tmp_path: Path) -> None:
    path = _table(tmp_path, 'glued,repaired,note\nموسكووطهران,موسكو وطهران,"Moscow, Tehran"\n')
    assert load_glue_repairs(path) == [GlueRepair("موسكووطهران", "موسكو وطهران", "Moscow, Tehran")]


def test_load_glue_repairs_missing_column(tmp_path: Path) -> None:
    path = _table(tmp_path, "glued,note\nموسكووطهران,x\n")
    with pytest.raises(ValueError) as info:
        load_glue_repairs(path)
    assert str(path) in str(info.value) and "repaired" in str(info.value)


def test_load_glue_repairs_rejects_changed_letters(tmp_path: Path) -> None:
    path = _table(tmp_path, "glued,repaired,note\nموسكووطهران,موسكو وطهران,\nروسياوإيران,روسيا وايران,\n")
    with pytest.raises(ValueError) as info:
        load_glue_repairs(path)
    message = str(info.value)
    assert f"{path}, line 3" in message and "روسيا وايران" in message


def test_load_glue_repairs_rejects_duplicates(tmp_path: Path) -> None:
    path = _table(
        tmp_path,
        "glued,repaired,note\nموسكووطهران,موسكو وطهران,\nروسياوإيران,روسيا وإيران,\nموسكووطهران,موسكو وطهران,\n",
    )
    with pytest.raises(ValueError) as info:
        load_glue_repairs(path)
    assert f"{path}, line 4" in str(info.value) and "twice" in str(info.value)


def test_load_glue_repairs_rejects_empty_fields(tmp_path: Path) -> None:
    path = _table(tmp_path, "glued,repaired,note\nموسكووطهران,,\n")
    with pytest.raises(ValueError, match="line 2"):
        load_glue_repairs(path)


def test_load_glue_repairs_line_numbers_are_physical_lines(tmp_path: Path) -> None:
    """A multi-line quoted note and a blank line before the bad row must not shift the line reported."""
    path = _table(
        tmp_path,
        'glued,repaired,note\nموسكووطهران,موسكو وطهران,"first line\nsecond line"\n\nروسياوإيران,روسيا اوإيران,\n',
    )
    with pytest.raises(ValueError) as info:
        load_glue_repairs(path)
    assert f"{path}, line 5" in str(info.value)


def test_load_glue_repairs_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="nothere.csv"):
        load_glue_repairs(tmp_path / "nothere.csv")


# --- agreement with pyarabic on the corpus -----------------------------------------------------------


def test_agrees_with_pyarabic_on_the_corpus(raw_texts: dict[str, str], glue_repairs: list[GlueRepair]) -> None:
    for doc, raw in raw_texts.items():
        stripped = araby.strip_diacritics(araby.strip_tatweel(raw))
        ours = normalize(raw, glue_repairs).text
        assert normalize(stripped, glue_repairs).text == ours, doc
        assert not set(ours) & (set(araby.DIACRITICS) | {araby.TATWEEL}), doc
    # the corpus does carry diacritics, so the comparison is not vacuous
    assert sum(len(raw) - len(araby.strip_diacritics(raw)) for raw in raw_texts.values()) > 50


# --- properties ----------------------------------------------------------------------------------------

_ALPHABET = (
    [chr(c) for c in range(0x0621, 0x064B)]  # Arabic letters, tatweel included
    + ["\u0671", "\u06a9", "\u06cc"]  # wasla, keheh, Farsi yeh
    + sorted(araby.DIACRITICS)
    + [araby.TATWEEL, " ", " ", " ", "\n", "\u00a0"]
    + list("0123456789٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹")
    + list("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
    + ["\u0130", "\u00c9", "\u00df", "-", ".", "،"]  # İ É ß and some punctuation
)
_chunk = st.text(alphabet=_ALPHABET, max_size=12)
raw_texts_strategy = st.lists(st.one_of(_chunk, _chunk, st.sampled_from(sorted(GLUED))), max_size=8).flatmap(
    lambda parts: st.lists(
        st.sampled_from(["", " ", "،", "\n", "ال", "و"]), min_size=len(parts), max_size=len(parts)
    ).map(lambda seps: "".join(s + p for s, p in zip(seps, parts, strict=True)))
)


def _repairs() -> list[GlueRepair]:
    return [GlueRepair(g, r) for g, r in GLUED.items()]


@SETTINGS
@given(raw=raw_texts_strategy, with_repairs=st.booleans())
def test_property_idempotent(raw: str, with_repairs: bool) -> None:
    repairs = _repairs() if with_repairs else None
    once = normalize(raw, repairs).text
    assert normalize(once, repairs).text == once
    assert normalize_word(once) == once


@SETTINGS
@given(raw=raw_texts_strategy, with_repairs=st.booleans())
def test_property_offsets(raw: str, with_repairs: bool) -> None:
    result = normalize(raw, _repairs() if with_repairs else None)
    offsets = result.offsets
    assert isinstance(result, NormalizedText)
    assert result.raw_length == len(raw)
    assert len(offsets) == len(result.text)
    assert offsets.dtype.kind == "i"
    if len(offsets):
        assert offsets.min() >= 0 and offsets.max() < len(raw)
        assert np.all(np.diff(offsets) >= 0)
    for i, ch in enumerate(result.text):
        source = raw[offsets[i]]
        if ch == " " and source != " ":
            # a space inserted by a glue repair maps to the raw character that follows it
            assert with_repairs and i + 1 < len(result.text) and offsets[i + 1] == offsets[i]
        else:
            assert normalize_word(source) == ch, (i, source, ch)
    # nothing is dropped except characters the rules delete
    kept = set(offsets.tolist())
    for j, ch in enumerate(raw):
        if j not in kept:
            assert normalize_word(ch) == "", (j, ch)
    if not with_repairs:
        assert np.all(np.diff(offsets) > 0)
        assert result.text == "".join(normalize_word(raw[j]) for j in offsets)


@SETTINGS
@given(raw=raw_texts_strategy)
def test_property_repairs_only_insert_spaces(raw: str) -> None:
    plain = normalize(raw).text
    repaired = normalize(raw, _repairs())
    assert repaired.text.replace(" ", "") == plain.replace(" ", "")
    assert len(repaired.text) - len(plain) == len(repaired.repairs)
    for start, glued in repaired.repairs:
        assert glued in {normalize_word(g) for g in GLUED}
        assert normalize(raw[start:]).text.startswith(glued)  # the recorded raw start is where the word begins


@SETTINGS
@given(raw=raw_texts_strategy)
def test_property_agrees_with_pyarabic(raw: str) -> None:
    stripped = araby.strip_diacritics(araby.strip_tatweel(raw))
    assert normalize(stripped).text == normalize(raw).text
    assert normalize(stripped, _repairs()).text == normalize(raw, _repairs()).text


@SETTINGS
@given(raw=raw_texts_strategy | st.text(max_size=60))
def test_property_table_lookup_equals_str_translate(raw: str) -> None:
    """The NumPy code-point path and the plain str.translate path normalise alike."""
    from arabic_themes.normalisation import _normalize_chars, _normalize_chars_slow

    fast_text, fast_offsets = _normalize_chars(raw)
    slow_text, slow_offsets = _normalize_chars_slow(raw)
    assert fast_text == slow_text
    assert fast_offsets.tolist() == slow_offsets.tolist()


def test_table_lookup_covers_the_whole_bmp() -> None:
    from arabic_themes.normalisation import _normalize_chars, _normalize_chars_slow

    every = "".join(chr(c) for c in range(1, 0x10000) if not 0xD800 <= c < 0xE000 and c != 0x03A3)
    assert _normalize_chars(every)[0] == _normalize_chars_slow(every)[0]


@SETTINGS
@given(text=st.text(alphabet="اوبروسيايرانموسكطه ", max_size=60))
def test_property_glued_words_found_like_the_alternation_regex(text: str) -> None:
    from arabic_themes.normalisation import _glue_matches

    words = ("روسياوايران", "موسكووطهران", "روسيا", "ايران", "ااا", "اا")  # longest first, overlapping ones too
    regex = re.compile("|".join(words))
    assert _glue_matches(text, words) == [(m.start(), m.group()) for m in regex.finditer(text)]


@given(
    values=st.lists(st.integers(0, 99), max_size=20),
    at=st.lists(st.integers(0, 20), max_size=6),
)
def test_property_glue_spaces_are_inserted_as_np_insert_would(values: list[int], at: list[int]) -> None:
    from arabic_themes.normalisation import _insert

    positions = sorted(min(a, len(values)) for a in at)  # ascending, repeats allowed (two spaces at one place)
    new = np.arange(100, 100 + len(positions))
    assert _insert(np.asarray(values), positions, new).tolist() == np.insert(values, positions, new).tolist()


_PIECES = ["موسكووطهران", "الولاياتالمتحدة", "مُوسكو", "ﻻ", "دعمٌ", " ", "، ", "\u0640", "\n", "a", "ﷲ"]


@settings(max_examples=300, deadline=None)
@given(pieces=st.lists(st.sampled_from(_PIECES), max_size=12), at=st.lists(st.integers(-2, 60), max_size=8))
def test_property_offsets_kept_as_their_changes_are_the_offsets_array(
    pieces: list[str], at: list[int], glue_repairs: list[GlueRepair]
) -> None:
    """The coder's offsets (deleted characters and glue spaces only) answer as the array of normalize does."""
    from arabic_themes.normalisation import _normalize_lazily

    raw = "".join(pieces)
    norm = normalize(raw, glue_repairs)
    text, codes, positions, applied = _normalize_lazily(raw, glue_repairs)
    assert (text, applied) == (norm.text, norm.repairs)
    assert codes.tolist() == [ord(c) for c in text]
    assert positions.array().tolist() == norm.offsets.tolist()
    index = np.asarray([a for a in at if 0 <= a < len(text)], dtype=np.int64)
    assert positions.raw(index).tolist() == norm.offsets[index].tolist()
    raw_at = np.asarray([a for a in at if a >= 0], dtype=np.int64)
    assert positions.searchsorted(raw_at).tolist() == np.searchsorted(norm.offsets, raw_at, side="left").tolist()
