"""Segmentation into paragraphs, sentences and headings: each rule of the module docstring, the corpus, properties."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arabic_themes.segmentation import SENTENCE_COLUMNS, load_run_in_headings, segment, segment_text

SETTINGS = settings(max_examples=200, deadline=None)
_END = re.compile(r"[.!?؟؛…]+[\"'”’»″)\]]*$")


def units(text: str, headings=()) -> list[str]:
    return segment_text(text, "d", headings)["text"].tolist()


def kinds(text: str, headings=()) -> list[tuple[str, str]]:
    frame = segment_text(text, "d", headings)
    return list(zip(frame["kind"], frame["text"], strict=True))


def check_invariants(text: str, frame: pd.DataFrame) -> None:
    """What the module docstring promises of every segmentation."""
    assert list(frame.columns) == SENTENCE_COLUMNS
    assert frame["sentence_id"].tolist() == list(range(1, len(frame) + 1))
    previous_end = 0
    for row in frame.itertuples():
        assert text[row.start : row.end] == row.text
        assert row.text and row.text == row.text.strip()
        assert previous_end <= row.start < row.end  # sorted and non-overlapping
        assert text[previous_end : row.start].strip() == ""  # only whitespace between units
        assert "\n" not in row.text and "\r" not in row.text  # a unit never crosses a line break
        assert row.kind in {"sentence", "heading"}
        previous_end = row.end
    assert text[previous_end:].strip() == ""
    # every non-space character of the text is in some unit
    assert sum(len(t.replace(" ", "")) for t in frame["text"]) >= len(re.sub(r"\s", "", text))
    paragraphs = frame["paragraph"].tolist()
    assert paragraphs == sorted(paragraphs)
    assert sorted(set(paragraphs)) == list(range(1, len(set(paragraphs)) + 1))


# --- sentence ends -----------------------------------------------------------------------------------


@pytest.mark.parametrize("mark", [".", "!", "?", "؟", "؛", "…", "...", "!؟", "؟!", "?!"])
def test_sentence_ends(mark: str) -> None:
    text = f"وصل الوفد إلى موسكو{mark} ثم بدأت المحادثات مع الجانب الروسي."
    assert units(text) == [f"وصل الوفد إلى موسكو{mark}", "ثم بدأت المحادثات مع الجانب الروسي."]


def test_end_of_paragraph_without_mark() -> None:
    text = "بدأت المحادثات. ثم توقفت فجأة دون نتيجة"
    assert units(text) == ["بدأت المحادثات.", "ثم توقفت فجأة دون نتيجة"]


def test_arabic_comma_is_not_an_end() -> None:
    text = "قال الوزير، في مؤتمر صحفي، إن موسكو تدعم طهران. وأضاف، أن ذلك لن يتغير."
    assert units(text) == ["قال الوزير، في مؤتمر صحفي، إن موسكو تدعم طهران.", "وأضاف، أن ذلك لن يتغير."]


def test_mark_inside_a_word_is_not_an_end() -> None:
    text = "موقع روسيا.نت نشر الخبر. ثم حذفه."
    assert units(text) == ["موقع روسيا.نت نشر الخبر.", "ثم حذفه."]


@pytest.mark.parametrize(
    "sentence",
    [
        "بلغت نسبة التضخم 3.5 في المئة خلال العام الماضي.",
        "طلبت إيران منظومة إس-400 للدفاع الجوي.",
        "وتريد طهران مقاتلات سو-35 الروسية.",
        "وقع الرئيسان الاتفاقية في 17 يناير 2025 في موسكو.",
        "وصلت 2.5 مليون قذيفة بين 1.1.2023 و17 يناير 2025 عبر بحر قزوين.",
    ],
)
def test_numbers_and_model_names_are_not_split(sentence: str) -> None:
    text = sentence + " وهذه جملة ثانية."
    assert units(text) == [sentence, "وهذه جملة ثانية."]


def test_closing_brackets_stay_with_their_sentence() -> None:
    text = "وقعت الاتفاقية (في موسكو.) ثم عاد الوفد."
    assert units(text) == ["وقعت الاتفاقية (في موسكو.)", "ثم عاد الوفد."]


# --- quotations --------------------------------------------------------------------------------------

#: The pairs of quotation marks the segmenter keeps together, one test case each.
QUOTE_MARKS = pytest.mark.parametrize(
    ("opener", "closer"),
    [("«", "»"), ("“", "”"), ('"', '"'), ('"', "″")],
    ids=["guillemets", "curly", "straight", "straight-double-prime"],
)


@QUOTE_MARKS
def test_quotation_is_not_split(opener: str, closer: str) -> None:
    quoted = f"قال بوتين: {opener}لن نتدخل. هذا قرار نهائي!{closer} ثم غادر القاعة."
    assert units(quoted) == [f"قال بوتين: {opener}لن نتدخل. هذا قرار نهائي!{closer}", "ثم غادر القاعة."]


@QUOTE_MARKS
def test_sentence_ending_inside_the_quote_ends_after_the_closing_mark(opener: str, closer: str) -> None:
    text = f"وقال: {opener}روسيا ليست حليفا. فهي تدير ظهرها.{closer} ثم صمت."
    assert units(text) == [f"وقال: {opener}روسيا ليست حليفا. فهي تدير ظهرها.{closer}", "ثم صمت."]


def test_several_quotations_in_one_paragraph() -> None:
    text = 'اشترت إيران مقاتلات "سوخوي سو-35″. ومروحيات "مي-28″. وطائرات "ياك-130". وانتهى الأمر.'
    assert units(text) == [
        'اشترت إيران مقاتلات "سوخوي سو-35″.',
        'ومروحيات "مي-28″.',
        'وطائرات "ياك-130".',
        "وانتهى الأمر.",
    ]


def test_unbalanced_straight_quotes_are_ignored() -> None:
    text = 'قال الوزير "نعم. لا. ربما.'
    assert units(text) == ['قال الوزير "نعم.', "لا.", "ربما."]


def test_unclosed_guillemet_does_not_swallow_the_paragraph() -> None:
    text = "قال الوزير «نعم. ثم غادر."
    assert units(text) == ["قال الوزير «نعم.", "ثم غادر."]


def test_quotes_do_not_carry_over_to_the_next_paragraph() -> None:
    text = 'قال "نعم. ثم ذهب.\nوقال" لا. انتهى.'
    assert units(text) == ['قال "نعم.', "ثم ذهب.", 'وقال" لا.', "انتهى."]


def test_quotation_inside_guillemets_with_straight_quotes() -> None:
    text = '«قال: "نعم." ثم ذهب. ولم يعد» وانتهى اللقاء. ثم خرجنا.'
    assert units(text) == ['«قال: "نعم." ثم ذهب. ولم يعد» وانتهى اللقاء.', "ثم خرجنا."]


# --- paragraphs and line breaks ------------------------------------------------------------------------


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr"])
def test_line_breaks_make_paragraphs(newline: str) -> None:
    text = newline.join(["بدأت الحرب. ثم توسعت.", "", "  ", "وانتهت بعد عام.", "", ""]) + newline
    frame = segment_text(text, "d")
    assert frame["text"].tolist() == ["بدأت الحرب.", "ثم توسعت.", "وانتهت بعد عام."]
    assert frame["paragraph"].tolist() == [1, 1, 2]
    check_invariants(text, frame)
    assert text[frame["end"].iloc[0] : frame["start"].iloc[1]] == " "
    assert text[frame["end"].iloc[1] : frame["start"].iloc[2]] == newline * 2 + "  " + newline


def test_mixed_line_breaks() -> None:
    text = "أولا.\r\nثانيا.\rثالثا.\nرابعا."
    frame = segment_text(text, "d")
    assert frame["text"].tolist() == ["أولا.", "ثانيا.", "ثالثا.", "رابعا."]
    assert frame["paragraph"].tolist() == [1, 2, 3, 4]
    check_invariants(text, frame)


def test_empty_and_blank_texts() -> None:
    for text in ["", "\n", " \r\n \t\r\n"]:
        frame = segment_text(text, "d")
        assert frame.empty and list(frame.columns) == SENTENCE_COLUMNS


# --- headings on their own line ------------------------------------------------------------------------


def test_short_own_line_is_a_heading() -> None:
    text = "تاريخ معقد بين دولتين\nعلاقة روسيا وإيران معقدة. فقد خاضتا حروبا."
    assert kinds(text) == [
        ("heading", "تاريخ معقد بين دولتين"),
        ("sentence", "علاقة روسيا وإيران معقدة."),
        ("sentence", "فقد خاضتا حروبا."),
    ]


def test_question_on_its_own_line_is_a_heading() -> None:
    assert kinds("ما الفائدة التي تجنيها روسيا من التحالف؟\nتحصل روسيا على مسيرات.") == [
        ("heading", "ما الفائدة التي تجنيها روسيا من التحالف؟"),
        ("sentence", "تحصل روسيا على مسيرات."),
    ]


@pytest.mark.parametrize(
    "line",
    [
        "وتنص هذه المعاهدة في الأمن والدفاع فقط على التالي:",
        "جميع حقوق النشر محفوظة.",
        "لن يعطي اللقاء أي دعم فعلي لإيران!",
        "وقال بوتين: «لن نتدخل.»",
        'وقال بوتين: "لن نتدخل."',
        "وقال بوتين: “لن نتدخل!”",
        "تعد إيران أحدث شريك لموسكو يقابل بالتجاهل في وقت الحاجة فأرمينيا التي تربطها معاهدة دفاع لم تتلق مساعدة",
    ],
    ids=["colon", "full-stop", "exclamation", "stop-in-guillemets", "stop-in-straight-quotes", "bang-in-curly", "long"],
)
def test_own_line_that_is_not_a_heading(line: str) -> None:
    assert kinds(line + "\nجملة تالية.") == [("sentence", line), ("sentence", "جملة تالية.")]


def test_paragraph_of_several_sentences_has_no_heading() -> None:
    assert set(segment_text("قصير. قصير آخر", "d")["kind"]) == {"sentence"}


# --- run-in headings -----------------------------------------------------------------------------------


def test_run_in_heading_is_split_off() -> None:
    text = "انتهى الاجتماع في موسكو. حسابات بوتين يقول الخبير إن روسيا لن تتدخل. وهذا متوقع."
    assert kinds(text, ["حسابات بوتين"]) == [
        ("sentence", "انتهى الاجتماع في موسكو."),
        ("heading", "حسابات بوتين"),
        ("sentence", "يقول الخبير إن روسيا لن تتدخل."),
        ("sentence", "وهذا متوقع."),
    ]
    # without the table it is just part of the sentence
    assert units(text) == ["انتهى الاجتماع في موسكو.", "حسابات بوتين يقول الخبير إن روسيا لن تتدخل.", "وهذا متوقع."]


def test_run_in_heading_ending_with_a_question_mark() -> None:
    text = "قوبلت الطلبات بالتجاهل. نهاية الأوهام الإيرانية؟ أما الطلبات الإيرانية فقد رفضت."
    assert kinds(text, ["نهاية الأوهام الإيرانية؟"]) == [
        ("sentence", "قوبلت الطلبات بالتجاهل."),
        ("heading", "نهاية الأوهام الإيرانية؟"),
        ("sentence", "أما الطلبات الإيرانية فقد رفضت."),
    ]


def test_missing_run_in_heading_raises() -> None:
    with pytest.raises(ValueError) as info:
        segment_text("نص بلا عنوان. وجملة أخرى.", "my_doc", ["عنوان غير موجود"])
    assert "عنوان غير موجود" in str(info.value) and "my_doc" in str(info.value)


def test_run_in_heading_split_by_a_line_break_is_missing() -> None:
    with pytest.raises(ValueError, match="حسابات بوتين"):
        segment_text("نص. حسابات\nبوتين يقول.", "d", ["حسابات بوتين"])


def test_segment_rejects_headings_for_unknown_documents() -> None:
    corpus = pd.DataFrame({"doc_id": ["a"], "text": ["نص قصير. وآخر."]})
    with pytest.raises(ValueError, match="ghost"):
        segment(corpus, {"ghost": ["نص"]})


def test_segment_of_empty_corpus() -> None:
    frame = segment(pd.DataFrame({"doc_id": [], "text": []}))
    assert frame.empty and list(frame.columns) == SENTENCE_COLUMNS


def test_segment_counts_sentences_per_document() -> None:
    corpus = pd.DataFrame({"doc_id": ["a", "b"], "text": ["أولى. ثانية.", "عنوان\nثالثة. رابعة. خامسة."]})
    frame = segment(corpus)
    assert frame["doc_id"].tolist() == ["a", "a", "b", "b", "b", "b"]
    assert frame["sentence_id"].tolist() == [1, 2, 1, 2, 3, 4]
    assert frame["kind"].tolist() == ["sentence", "sentence", "heading", "sentence", "sentence", "sentence"]


# --- the run-in heading table --------------------------------------------------------------------------


def test_load_run_in_headings(run_in_headings: dict[str, list[str]]) -> None:
    assert run_in_headings == {
        "limited_support": [
            "دعم محدود بتصريحات دبلوماسية",
            "استراتيجية غموض محسوبة",
            "نهاية الأوهام الإيرانية؟",
            "تحالف إستراتيجي هشّ",
        ],
        "putins_calculus": ["حسابات بوتين", "بوتين لا يراهن على الحلفاء الخاسرين"],
    }


def test_load_run_in_headings_errors(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_text("doc,heading\na,b\n", encoding="utf-8")
    with pytest.raises(ValueError, match="doc_id,heading"):
        load_run_in_headings(path)
    path.write_text("doc_id,heading\na,عنوان\n\nb,\n", encoding="utf-8")
    with pytest.raises(ValueError) as info:
        load_run_in_headings(path)
    assert f"{path}, line 4" in str(info.value)


# --- the real corpus -----------------------------------------------------------------------------------


def test_corpus_invariants(sentences: pd.DataFrame, raw_texts: dict[str, str]) -> None:
    assert set(sentences["doc_id"]) == set(raw_texts)
    for doc_id, frame in sentences.groupby("doc_id", sort=False):
        check_invariants(raw_texts[doc_id], frame.reset_index(drop=True))


def test_corpus_run_in_headings_are_heading_units(
    sentences: pd.DataFrame, run_in_headings: dict[str, list[str]]
) -> None:
    for doc_id, headings in run_in_headings.items():
        doc = sentences[sentences["doc_id"] == doc_id]
        heading_texts = doc.loc[doc["kind"] == "heading", "text"].tolist()
        for heading in headings:
            assert heading_texts.count(heading) == 1, heading
            # and no sentence still contains it
            assert not doc.loc[doc["kind"] == "sentence", "text"].str.contains(heading, regex=False).any()
    assert sum(len(h) for h in run_in_headings.values()) == 6


def test_corpus_units_after_run_in_headings(sentences: pd.DataFrame) -> None:
    doc = sentences[sentences["doc_id"] == "putins_calculus"].reset_index(drop=True)
    i = doc.index[doc["text"] == "حسابات بوتين"][0]
    assert doc.loc[i - 1, "text"].endswith("مساعدة أعداء الأخرى.")
    assert doc.loc[i + 1, "text"].startswith("يقول نيكولاي كوزانوف")
    limited = sentences[sentences["doc_id"] == "limited_support"].reset_index(drop=True)
    i = limited.index[limited["text"] == "دعم محدود بتصريحات دبلوماسية"][0]
    assert limited.loc[i - 1, "text"].endswith("يوم الثلاثاء 24 جوان 2025.")
    assert limited.loc[i + 1, "text"].startswith("رغم توقيع موسكووطهران")


def test_corpus_quotation_stays_in_one_unit(sentences: pd.DataFrame) -> None:
    doc = sentences[sentences["doc_id"] == "limited_support"].reset_index(drop=True)
    hits = doc[doc["text"].str.contains('"روسيا ليست حليفًا يُعتمد عليه. فهي', regex=False)]
    assert len(hits) == 1
    unit = hits.iloc[0]
    assert unit["kind"] == "sentence"
    assert unit["text"].startswith("ويعلّق فابريس بوثييه")
    assert unit["text"].endswith('عندما يحتاجون إليها فعلًا."')
    nxt = doc.loc[hits.index[0] + 1]
    assert (nxt["kind"], nxt["text"]) == ("heading", "تحالف إستراتيجي هشّ")


def test_corpus_model_names_and_dates_stay_whole(sentences: pd.DataFrame) -> None:
    texts = sentences["text"].tolist()
    for needle in ['"إس-400″', '"سوخوي سو-35″', '"ياك-130"', "17 يناير/كانون الثاني 2025", "S-400", "Su-35"]:
        assert any(needle in t for t in texts), needle
    assert not any(t.startswith(("400", "35", "130")) for t in texts)


def test_corpus_own_line_headings(sentences: pd.DataFrame) -> None:
    def kind_of(doc_id: str, text: str) -> str:
        rows = sentences[(sentences["doc_id"] == doc_id) & (sentences["text"] == text)]
        assert len(rows) == 1, text
        return rows["kind"].iloc[0]

    assert kind_of("middle_east_news", "هل ستتدخل روسيا عسكريا إذا تعرضت إيران لهجوم جديد؟") == "heading"
    assert kind_of("middle_east_news", "عجز روسيا عن إنقاذ الأسد") == "heading"
    assert kind_of("mena_research", "تاريخ معقد بين دولتين") == "heading"
    assert kind_of("no_protection", "تحالف بلا حماية") == "heading"
    assert kind_of("no_protection", "وتنص هذه المعاهدة في الأمن والدفاع فقط على التالي:") == "sentence"
    assert kind_of("mena_research", "جميع حقوق النشر محفوظة لصالح مركز أبحاث مينا.") == "sentence"
    first = sentences[sentences["doc_id"] == "no_protection"].iloc[0]
    assert first["paragraph"] == 1 and first["start"] == 1  # the file starts with a blank line


# --- properties ----------------------------------------------------------------------------------------

_WORDS = ["روسيا", "إيران", "موسكو", "طهران", "قال", "الرئيس", "بوتين", "لن", "نتدخل", "3.5", "إس-400", "S-400", "2025"]
_PUNCT = [".", "!", "?", "؟", "؛", "…", "...", "،", ":", "!؟"]
_QUOTES = ["«", "»", "“", "”", '"', "″", "(", ")"]
_SPACES = [" ", " ", " ", "  ", "\t", "\n", "\r\n", "\r", "\n\n", " \n "]

_token = st.one_of(
    st.sampled_from(_WORDS),
    st.sampled_from(_WORDS),
    st.sampled_from(_PUNCT),
    st.sampled_from(_QUOTES),
    st.sampled_from(_SPACES),
    st.sampled_from(_SPACES),
)
texts = st.lists(_token, max_size=40).map("".join)


@SETTINGS
@given(text=texts)
def test_property_invariants(text: str) -> None:
    frame = segment_text(text, "d")
    check_invariants(text, frame)
    # inside a paragraph, a unit ends only at a sentence end (no run-in headings here)
    for _, para in frame.groupby("paragraph"):
        for unit in para["text"].tolist()[:-1]:
            assert _END.search(unit), unit


@SETTINGS
@given(data=st.data(), text=texts)
def test_property_invariants_with_run_in_headings(data: st.DataObject, text: str) -> None:
    words = [w for w in _WORDS if w in text]
    headings = data.draw(st.lists(st.sampled_from(words), max_size=2, unique=True)) if words else []
    frame = segment_text(text, "d", headings)
    check_invariants(text, frame)
    if len(headings) == 1:  # (two listed words may overlap in the text, e.g. قال and لن in قالنتدخل)
        assert headings[0] in frame.loc[frame["kind"] == "heading", "text"].tolist()


@SETTINGS
@given(docs=st.lists(texts, min_size=1, max_size=4))
def test_property_whole_corpus_pass_equals_article_by_article(docs: list[str]) -> None:
    """segment() scans many articles at once; it must give what segment_text gives per article."""
    corpus = pd.DataFrame({"doc_id": [f"d{i}" for i in range(len(docs))], "text": docs})
    expected = [segment_text(text, doc_id) for doc_id, text in zip(corpus["doc_id"], corpus["text"], strict=True)]
    expected_frame = pd.concat(expected, ignore_index=True)
    got = segment(corpus)
    assert got.to_dict("records") == expected_frame.to_dict("records")


def test_whole_corpus_pass_on_the_corpus_matches_article_by_article() -> None:
    from arabic_themes.corpus import load_corpus

    corpus = load_corpus(Path(__file__).resolve().parents[1] / "data" / "raw")
    got = segment(corpus)
    parts = [segment_text(t, d) for d, t in zip(corpus["doc_id"], corpus["text"], strict=True)]
    expected = pd.concat(parts, ignore_index=True)
    assert got.to_dict("records") == expected.to_dict("records")


_SCAN_ALPHABET = "ab س.!?؟؛…\"'”’»″)]«“\n\r\t\u00a0\u2028"


@given(st.text(alphabet=_SCAN_ALPHABET, max_size=40))
def test_array_scans_find_what_the_regexes_find(text: str) -> None:
    from arabic_themes._chars import runs
    from arabic_themes.segmentation import _LINE, _TERMINATOR, _classes, _terminator_ends

    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    assert _terminator_ends(*_classes(codes)).tolist() == [m.end() for m in _TERMINATOR.finditer(text)]
    starts, ends = runs((codes != 10) & (codes != 13))
    assert list(zip(starts.tolist(), ends.tolist(), strict=True)) == [m.span() for m in _LINE.finditer(text)]


@given(st.text(alphabet="ab «»“”\"″.\n", max_size=60))
def test_quotations_of_all_lines_at_once_are_those_of_each_paragraph(text: str) -> None:
    """The vectorised pairing of quotation marks finds, on every line, the spans _quote_spans finds."""
    from arabic_themes._chars import runs
    from arabic_themes.segmentation import _classes, _quote_spans, _quoted_spans

    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    line_start, line_end = runs((codes != 10) & (codes != 13))
    starts, ends = _quoted_spans(codes, _classes(codes)[0], line_start)
    lines = zip(line_start.tolist(), line_end.tolist(), strict=True)
    expected = sorted((a + s, a + e) for a, b in lines for s, e in _quote_spans(text[a:b]))
    assert sorted(zip(starts.tolist(), ends.tolist(), strict=True)) == expected


@given(st.text(alphabet="ab .!:…،,\"'”’»″)]", max_size=12))
def test_final_punctuation_read_from_the_end_equals_the_regex(text: str) -> None:
    from arabic_themes.segmentation import _FINAL, _final

    assert _final(text) == bool(_FINAL.search(text))


_WHITE = st.sampled_from([" ", "\t", "\u00a0"])
_spaced = st.lists(st.tuples(st.sampled_from(["a", "bb", ""]), _WHITE, st.integers(0, 20)))


@given(text=_spaced.map(lambda parts: "".join(w + s * k for w, s, k in parts)), cuts=st.lists(st.integers(0, 99)))
def test_pieces_are_stripped_as_str_strip_does(text: str, cuts: list[int]) -> None:
    """Stripping every piece at once (a few characters a step, long runs of spaces looked up) is str.strip."""
    from arabic_themes.segmentation import _classes, _strip

    bounds = sorted({0, len(text), *(min(c, len(text)) for c in cuts)})
    a, b = np.asarray(bounds[:-1], dtype=np.int64), np.asarray(bounds[1:], dtype=np.int64)
    start, end = _strip(_classes(np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32))[1], a, b)
    for i, (x, y) in enumerate(zip(a.tolist(), b.tolist(), strict=True)):
        piece = text[x:y]
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            assert (start[i], end[i]) == (x + lead, x + lead + len(piece.strip())), (piece, start[i], end[i])
        else:
            assert start[i] >= end[i], piece
