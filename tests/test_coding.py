"""Codebook validation, the term language (clitics, stems, gaps), evidence offsets, and the two coders."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arabic_themes import load_corpus, load_glue_repairs, load_run_in_headings, segment
from arabic_themes.coding import (
    CodebookError,
    code_sentences,
    code_sentences_naive,
    compile_term,
    load_codebook,
    parse_evidence,
)

from conftest import ROOT


def _matches(term: str, text: str) -> list[str]:
    from arabic_themes.normalisation import normalize

    return [m.group(0) for m in re.finditer(compile_term(term), normalize(text).text)]


def _code_one(term_rule: str, text: str, tmp_path: Path) -> pd.DataFrame:
    book = tmp_path / "cb.yaml"
    book.write_text(
        textwrap.dedent(
            f"""
            themes:
              - id: t
                label_ar: موضوع
                label_en: Theme
                definition: test
                indicators:
                  - id: i
                    {term_rule}
            """
        ),
        encoding="utf-8",
    )
    codebook = load_codebook(book)
    sentences = segment(pd.DataFrame({"doc_id": ["d"], "text": [text]}))
    return code_sentences(sentences, codebook, {"d": text})


# --- the term language -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "word",
    [
        "دعم",
        "الدعم",
        "ودعم",
        "فالدعم",
        "بالدعم",
        "للدعم",
        "لدعم",
        "كالدعم",
        "وبالدعم",
        "دعمها",
        "دعمه",
        "دعمهم",
        "دعما",
    ],
)
def test_word_accepts_proclitics_article_and_pronoun_suffix(word: str) -> None:
    assert _matches("دعم", f"قال إن {word} مستمر") == [word]


@pytest.mark.parametrize("word", ["دعمت", "يدعم", "مدعوم", "الدعمية"])
def test_word_without_star_does_not_match_other_words(word: str) -> None:
    assert _matches("دعم", f"قال إن {word} مستمر") == []


def test_star_makes_a_stem_and_equals_prefixes_allowed() -> None:
    assert _matches("عسكري*", "دعم عسكرية وعسكريا") == ["عسكريه", "وعسكريا"]
    assert _matches("=بالتجاهل", "قوبلت بالتجاهل وبالتجاهل") == ["بالتجاهل"]


def test_article_in_the_pattern_is_optional_and_covers_lil() -> None:
    # ل + ال contracts to لل; the written ال in a pattern is one of the proclitics
    assert _matches("الولايات المتحدة", "للولايات المتحدة وبالولايات المتحدة") == [
        "للولايات المتحده",
        "وبالولايات المتحده",
    ]


def test_article_is_told_from_a_word_that_starts_with_alef_lam_by_the_hamza() -> None:
    # a written ال (no hamza) is the article and optional; أل/إل/آل begin the word itself
    assert _matches("إلزام*", "زامبيا والإلزام وإلزامية") == ["والالزام", "والزاميه"]
    assert _matches("إليه", "فيه إليه واليه") == ["اليه", "واليه"]
    assert _matches("ألمانيا", "مانيا وألمانيا لألمانيا") == ["والمانيا", "لالمانيا"]
    assert _matches("{آلية|دعم}", "آلية ليه دعم") == ["اليه", "دعم"]
    # the article, in any of its written forms, is still optional
    for term in ("الدعم", "ٱلدعم", "اَلدعم", "{الدعم|عون}"):
        assert _matches(term, "دعم والدعم") == ["دعم", "والدعم"], term
    # a word whose ال belongs to it (التزام, "commitment") is written with the article, and without a stem
    # star, which would also take التزامن ("the simultaneity")
    text = "الالتزام والتزاماتها بالتزام تزامن بالتزامن"
    assert _matches("{الالتزام|الالتزامات}", text) == ["الالتزام", "والتزاماتها", "بالتزام"]
    # the mistake docs/term_language.md shows: written without the article, التزام is read as ال + تزام
    assert _matches("التزام", text) == ["بالتزام"]


def test_article_rule_is_the_same_in_both_coders(tmp_path: Path) -> None:
    text = "زار زامبيا. عاد إليه. هو في مانيا. قدمت الإلزام. زار ألمانيا. كتب رسالة فيه."
    rule = 'any: ["إلزام*", "إليه", "ألمانيا"]'
    fast = _code_one(rule, text, tmp_path)
    book = load_codebook(tmp_path / "cb.yaml")
    naive = code_sentences_naive(fast.drop(columns=["t", "evidence"]), book, {"d": text})
    assert fast["t"].tolist() == naive["t"].tolist() == [0, 1, 0, 1, 1, 0]


def test_alternatives_and_normalised_spelling() -> None:
    # the pattern is written with hamza and teh marbuta; the text without, and vice versa
    assert _matches("{مساعدة|إسناد} عسكرية", "مساعده عسكريه واسناد عسكرية") == ["مساعده عسكريه", "واسناد عسكريه"]


def test_gap_allows_up_to_three_words() -> None:
    assert _matches("لم .. دعم", "لم تقدم روسيا أي دعم") == ["لم تقدم روسيا اي دعم"]
    assert _matches("لم .. دعم", "لم تقدم روسيا حتى الآن أي دعم") == []


def test_hyphenated_model_names() -> None:
    assert _matches("اس-400", "منظومات إس-400 ومنظومة س-400") == ["اس-400"]
    assert _matches("su-35", "مقاتلات Su-35 الحديثة") == ["su-35"]


def test_adjacent_words_must_not_be_separated_by_punctuation() -> None:
    assert _matches("دعم عسكري", "الدعم، عسكريا") == []


@pytest.mark.parametrize("bad", ["", "..", "دعم ..", ".. دعم", "دع(م", "{}", "re:(", "re:أن"])
def test_bad_terms_are_rejected(bad: str) -> None:
    with pytest.raises((ValueError, re.error)):
        compile_term(bad)


# --- codebook validation -------------------------------------------------------------------------
GOOD = """
themes:
  - id: alpha
    label_ar: ألف
    label_en: Alpha
    definition: d
    indicators:
      - id: one
        any: ["دعم"]
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "codebook.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def _assert_codebook_error(tmp_path: Path, text: str, message: str) -> None:
    """Loading ``text`` as a codebook fails with a CodebookError matching ``message``."""
    path = _write(tmp_path, text)
    with pytest.raises(CodebookError, match=message):
        load_codebook(path)


@pytest.mark.parametrize(
    ("mutation", "message"),
    [
        (lambda t: t.replace('any: ["دعم"]', 'any: ["دع(م"]'), r"theme 'alpha', indicator 'one': bad pattern 'دع\(م'"),
        (
            lambda t: t.replace("    definition: d\n", "    definition: d\n    colour: red\n"),
            r"theme 'alpha'.*unknown key.*colour",
        ),
        (lambda t: t.replace("        any:", "        spam: 1\n        any:"), r"indicator 'one'.*unknown key.*spam"),
        (lambda t: t + t.split("themes:\n", 1)[1], r"theme 'alpha'.*duplicate theme id"),
        (lambda t: t.replace("    label_ar: ألف\n", ""), r"theme 'alpha'.*missing label_ar"),
        (lambda t: t.replace("    label_en: Alpha\n", ""), r"theme 'alpha'.*missing label_en"),
        (lambda t: t.replace('any: ["دعم"]', 'all: [["دعم"]]'), r"indicator 'one'.*at least two groups"),
        (
            lambda t: t.replace('any: ["دعم"]', 'all:\n          - ["دعم"]\n          - "عسكري"'),
            r"indicator 'one'.*'all' group 2 is 'عسكري', not a list",
        ),
        (lambda t: t.replace('any: ["دعم"]', "any: []"), r"indicator 'one'.*non-empty list"),
        (lambda t: t.replace("id: alpha", "id: Alpha"), r"lower_snake_case"),
        (lambda t: t.replace('any: ["دعم"]', 'any: ["re:أن"]'), r"indicator 'one'.*normalised form"),
        (
            lambda t: t.replace("      - id: one\n", '      - id: one\n        all: [["a"], ["b"]]\n'),
            r"exactly one of 'any' or 'all'",
        ),
    ],
)
def test_malformed_codebook_errors_name_theme_and_pattern(tmp_path: Path, mutation, message: str) -> None:
    _assert_codebook_error(tmp_path, mutation(textwrap.dedent(GOOD)), message)


def test_good_codebook_loads_and_missing_file_is_named(tmp_path: Path) -> None:
    book = load_codebook(_write(tmp_path, GOOD))
    assert book.theme_ids == ["alpha"]
    with pytest.raises(CodebookError, match="nope.yaml: codebook not found"):
        load_codebook(tmp_path / "nope.yaml")


def test_project_codebook_has_the_three_themes_with_bilingual_labels_and_anchors() -> None:
    book = load_codebook(ROOT / "data" / "codebook.yaml")
    assert book.theme_ids == ["strategic_ambiguity", "precedents", "ukraine_tradeoff"]
    assert book.theme("precedents").label_ar == "السوابق"
    corpus = load_corpus(ROOT / "data" / "raw")
    texts = dict(zip(corpus["doc_id"], corpus["text"], strict=True))
    for theme in book.themes:
        assert theme.include and theme.exclude and theme.anchors
        for anchor in theme.anchors:  # anchors are real quotations from the corpus
            assert anchor["quote"] in texts[anchor["doc_id"]], anchor


# --- rules: all / not --------------------------------------------------------------------------
def test_all_requires_every_group_in_the_same_sentence(tmp_path: Path) -> None:
    rule = 'all: [["دعم"], ["معنوي*"]]'
    assert _code_one(rule, "قدمت دعماً معنوياً فقط.", tmp_path)["t"].tolist() == [1]  # tanwin alif accepted
    assert _code_one(rule, "قدمت الدعم المعنوي فقط.", tmp_path)["t"].tolist() == [1]
    assert _code_one(rule, "قدمت الدعم. وكان معنويا.", tmp_path)["t"].tolist() == [0, 0]


def test_not_vetoes_the_indicator(tmp_path: Path) -> None:
    rule = 'any: ["دعم"]\n                    not: ["الصين"]'
    assert _code_one(rule, "قدمت روسيا الدعم. وقدمت الصين الدعم.", tmp_path)["t"].tolist() == [1, 0]


# --- context: a group that may be met in the unit before ---------------------------------------------
CONTEXT_RULE = 'any: ["{لم|لا} {تصل|يصل}"]\n                    context: ["سو-35", "سوخوي"]'


def test_context_group_may_be_met_in_the_unit_before(tmp_path: Path) -> None:
    text = "وعدت روسيا بمقاتلات سو-35. لكنها لم تصل. ثم زار الوزير موسكو. والطائرات لم تصل. سوخوي لم تصل."
    coded = _code_one(CONTEXT_RULE, text, tmp_path)
    # 2: the weapon is named in sentence 1; 4: sentence 3 names none; 5: named in the sentence itself
    assert coded["t"].tolist() == [0, 1, 0, 0, 1]
    # the evidence lists the words of the sentence itself (here the context word only where it is in it)
    evidence = parse_evidence(coded)
    for row in evidence.itertuples():
        unit = coded[coded["sentence_id"] == row.sentence_id].iloc[0]
        assert unit["start"] <= row.start < row.end <= unit["end"]
    assert len(evidence[evidence["sentence_id"] == 5]) == 2 and len(evidence[evidence["sentence_id"] == 2]) == 1
    # the unit before is looked for in the same article only, by offset, whatever the row order
    book = load_codebook(tmp_path / "cb.yaml")
    sentences = coded.drop(columns=["t", "evidence"])
    two = pd.concat([sentences.assign(doc_id="a"), sentences.assign(doc_id="b")]).iloc[::-1]
    again = code_sentences(two, book, {"a": text, "b": text})
    assert again.sort_values(["doc_id", "start"])["t"].tolist() == [0, 1, 0, 0, 1] * 2
    split = pd.concat([sentences.iloc[:1].assign(doc_id="a"), sentences.iloc[1:2].assign(doc_id="b")])
    assert code_sentences(split, book, {"a": text, "b": text})["t"].tolist() == [0, 0]


def test_context_is_decided_alike_by_both_coders_and_not_across_loose_texts(tmp_path: Path) -> None:
    from arabic_themes import code_texts

    text = "وعدت روسيا بمقاتلات سو-35. لكنها لم تصل. ثم زار الوزير موسكو. والطائرات لم تصل. سوخوي لم تصل."
    fast = _code_one(CONTEXT_RULE, text, tmp_path)
    book = load_codebook(tmp_path / "cb.yaml")
    sentences = fast.drop(columns=["t", "evidence"])
    assert code_sentences_naive(sentences, book, {"d": text})["t"].tolist() == fast["t"].tolist()
    assert code_sentences(sentences, book, {"d": text}, look_back=False)["t"].tolist() == [0, 0, 0, 0, 1]
    assert code_sentences_naive(sentences, book, {"d": text}, look_back=False)["t"].tolist() == [0, 0, 0, 0, 1]
    # loose sentences are coded each on its own
    assert code_texts(sentences["text"].tolist(), book)["t"].tolist() == [0, 0, 0, 0, 1]


def test_context_terms_are_checked_and_listed(tmp_path: Path) -> None:
    bad = textwrap.dedent(GOOD).replace('any: ["دعم"]', 'any: ["دعم"]\n        context: ["دع(م"]')
    _assert_codebook_error(tmp_path, bad, r"indicator 'one': bad pattern 'دع\(م'")
    good = textwrap.dedent(GOOD).replace('any: ["دعم"]', 'any: ["دعم"]\n        context: ["روسيا"]')
    book = load_codebook(_write(tmp_path, good))
    assert book.themes[0].indicators[0].context == ("روسيا",)
    assert "روسيا" in book.patterns
    assert book.indicator_table().loc[0, "context"] == "روسيا"


# --- drop_when: a theme dropped where another theme or some terms occur ----------------------------
DROPPING = """
themes:
  - id: stance
    label_ar: موقف
    label_en: Stance
    definition: d
    drop_when:
      - {theme: past, unless: ["اليوم", "2025"], note: a past case alone is not a stance}
      - {any: ["الصين"], unless: ["روسيا"], note: another state's stance is not Russia's}
    indicators:
      - id: idle
        any: ["متفرج*"]
  - id: past
    label_ar: سابقة
    label_en: Past
    definition: d
    indicators:
      - id: karabakh
        any: ["قره باغ"]
"""


def test_drop_when_another_theme_is_coded_unless_the_sentence_speaks_of_the_present(tmp_path: Path) -> None:
    book = load_codebook(_write(tmp_path, DROPPING))
    text = "وقفت موسكو متفرجة في قره باغ. وتقف اليوم متفرجة كما في قره باغ. وتقف متفرجة."
    sentences = segment(pd.DataFrame({"doc_id": ["d"], "text": [text]}))
    for coder in (code_sentences, code_sentences_naive):
        coded = coder(sentences, book, {"d": text})
        # the past case alone: only "past"; with a present marker: both; without the past case: "stance"
        assert coded["stance"].tolist() == [0, 1, 1], coder.__name__
        assert coded["past"].tolist() == [1, 1, 0], coder.__name__
        # the evidence of a dropped theme goes with it
        fired = parse_evidence(coded).groupby("sentence_id")[["theme", "indicator"]].apply(
            lambda g: sorted(set(g.itertuples(index=False, name=None)))
        )
        assert fired[1] == [("past", "karabakh")], coder.__name__
        assert fired[2] == [("past", "karabakh"), ("stance", "idle")], coder.__name__
    assert "theme past unless: اليوم | 2025" in book.table().loc[0, "drop_when"]


def test_drop_when_a_term_occurs_unless_another_term_does(tmp_path: Path) -> None:
    book = load_codebook(_write(tmp_path, DROPPING))
    text = "وقفت الصين متفرجة. ووقفت الصين وروسيا متفرجتين. ووقفت متفرجة."
    sentences = segment(pd.DataFrame({"doc_id": ["d"], "text": [text]}))
    for coder in (code_sentences, code_sentences_naive):
        assert coder(sentences, book, {"d": text})["stance"].tolist() == [0, 1, 1], coder.__name__


@pytest.mark.parametrize(
    ("mutation", "message"),
    [
        (
            lambda t: t.replace("{theme: past,", "{theme: future,"),
            r"theme 'stance': drop_when names unknown theme 'future'",
        ),
        (
            lambda t: t.replace("{theme: past,", "{theme: stance,"),
            r"theme 'stance', drop_when rule 1: a theme cannot be dropped for itself",
        ),
        (
            lambda t: t.replace("note: a past", "colour: red, note: a past"),
            r"theme 'stance', drop_when rule 1: unknown key.*colour",
        ),
        (
            lambda t: t.replace("{theme: past,", '{theme: past, any: ["x"],'),
            r"drop_when rule 1: give exactly one of 'theme'",
        ),
        (
            lambda t: t.replace('unless: ["اليوم", "2025"]', 'unless: ["اليو(م"]'),
            r"theme 'stance', drop_when rule 1: bad pattern 'اليو\(م'",
        ),
        (
            lambda t: t.replace('{any: ["الصين"]', "{any: []"),
            r"theme 'stance', drop_when rule 2 \(any\).*non-empty list",
        ),
        (
            lambda t: (
                t.split("    drop_when:")[0] + "    drop_when: past\n    indicators:" + t.split("    indicators:", 1)[1]
            ),
            r"theme 'stance'.*drop_when must be a non-empty list",
        ),
    ],
)
def test_malformed_drop_when_is_an_error_naming_the_theme_and_rule(tmp_path: Path, mutation, message: str) -> None:
    _assert_codebook_error(tmp_path, mutation(DROPPING), message)


# --- on the corpus ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def coded_corpus() -> tuple[pd.DataFrame, pd.DataFrame, object]:
    corpus = load_corpus(ROOT / "data" / "raw")
    sentences = segment(corpus, load_run_in_headings(ROOT / "data" / "run_in_headings.csv"))
    book = load_codebook(ROOT / "data" / "codebook.yaml")
    repairs = load_glue_repairs(ROOT / "data" / "glued_words.csv")
    return corpus, code_sentences(sentences, book, corpus, repairs), (sentences, book, repairs)


def test_evidence_offsets_point_at_the_matched_raw_text(coded_corpus) -> None:
    corpus, coded, (_, book, repairs) = coded_corpus
    from arabic_themes.normalisation import normalize

    texts = dict(zip(corpus["doc_id"], corpus["text"], strict=True))
    evidence = parse_evidence(coded)
    assert len(evidence) > 50
    bounds = coded.set_index(["doc_id", "sentence_id"])[["start", "end"]]
    for row in evidence.itertuples():
        raw = texts[row.doc_id][row.start : row.end]
        s_start, s_end = bounds.loc[(row.doc_id, row.sentence_id)]
        assert s_start <= row.start < row.end <= s_end  # inside its own sentence
        assert raw == raw.strip() and raw  # a whole word span, no stray spaces
        if row.indicator == "learned":  # the learned model's words (tests/test_learned.py)
            continue
        terms = [
            t
            for t in book.patterns
            for ind in book.theme(row.theme).indicators
            if ind.id == row.indicator and any(t in g for g in (*ind.groups, ind.context))
        ]
        norm = normalize(raw, repairs).text
        assert any(re.fullmatch(book.patterns[t], norm) for t in terms), (row, raw)


def test_evidence_is_given_exactly_for_coded_sentences(coded_corpus) -> None:
    _, coded, (_, book, _) = coded_corpus
    evidence = parse_evidence(coded)
    for theme in book.theme_ids:
        with_evidence = set(
            evidence.loc[evidence["theme"] == theme, ["doc_id", "sentence_id"]].itertuples(index=False, name=None)
        )
        flagged = set(coded.loc[coded[theme] == 1, ["doc_id", "sentence_id"]].itertuples(index=False, name=None))
        assert with_evidence == flagged


def test_glued_word_repair_lets_patterns_match_inside_glued_words(coded_corpus) -> None:
    corpus, coded, (_, book, repairs) = coded_corpus
    # «موسكووطهران» contains Tehran only after repair: the raw span of a match on وطهران lies inside the glued word
    from arabic_themes.normalisation import normalize

    raw = dict(zip(corpus["doc_id"], corpus["text"], strict=True))["limited_support"]
    norm = normalize(raw, repairs)
    hits = [norm.raw_span(m.start(), m.end()) for m in re.finditer(compile_term("طهران"), norm.text)]
    assert any(raw[a - 5 : b] == "موسكووطهران" for a, b in hits)


def test_fast_coder_agrees_with_naive_regex_coder(coded_corpus) -> None:
    corpus, coded, (sentences, book, repairs) = coded_corpus
    naive = code_sentences_naive(sentences, book, corpus, repairs)
    pd.testing.assert_frame_equal(coded[book.theme_ids], naive[book.theme_ids])
    # the same indicators fire in the same sentences (spans may differ: the naive coder keeps the first match only)
    fast_ind = set(
        parse_evidence(coded)[["doc_id", "sentence_id", "theme", "indicator"]].itertuples(index=False, name=None)
    )
    naive_ind = set(
        parse_evidence(naive)[["doc_id", "sentence_id", "theme", "indicator"]].itertuples(index=False, name=None)
    )
    assert fast_ind == naive_ind


def test_coder_output_is_deterministic_and_keeps_the_sentence_table(coded_corpus) -> None:
    corpus, coded, (sentences, book, repairs) = coded_corpus
    again = code_sentences(sentences, book, corpus, repairs)
    pd.testing.assert_frame_equal(coded, again)
    pd.testing.assert_frame_equal(coded[sentences.columns], sentences)


def test_missing_text_for_a_document_is_named(coded_corpus) -> None:
    _, _, (sentences, book, _) = coded_corpus
    with pytest.raises(ValueError, match="no raw text given for doc_id"):
        code_sentences(sentences, book, {})


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=80) | st.text(alphabet="ab -_\n\t.،اوبلكمن١٢3٣🙂", max_size=80))
def test_property_token_layout_agrees_with_regex_tokens(text: str) -> None:
    """The NumPy tokeniser finds exactly re's \\w+ tokens and classifies the separators like str methods."""
    import numpy as np

    from arabic_themes.matcher import token_layout

    matches = list(re.finditer(r"\w+", text))
    starts, ends, sep_space, sep_hyphen, _ = token_layout(np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32))
    assert starts.tolist() == [m.start() for m in matches]
    assert ends.tolist() == [m.end() for m in matches]
    following = [
        text[m.end() : (matches[i + 1].start() if i + 1 < len(matches) else len(text))] for i, m in enumerate(matches)
    ]
    assert sep_space.tolist() == [s.isspace() for s in following]
    assert sep_hyphen.tolist() == [s == "-" for s in following]


def test_code_texts_codes_loose_sentences_like_code_sentences() -> None:
    from arabic_themes import code_texts

    codebook = load_codebook(ROOT / "data" / "codebook.yaml")
    texts = [
        "اكتفت روسيا بتصريحات دبلوماسية دون تقديم دعم عسكري.",
        "ارتفعت أسعار القمح.",
        "تخلت روسيا عن أرمينيا في قره باغ.",
    ]
    coded = code_texts(texts, codebook)
    assert coded["text"].tolist() == texts
    assert coded[codebook.theme_ids].values.tolist() == [[1, 0, 0], [0, 0, 0], [0, 1, 0]]
    units = coded[["sentence_id", "start", "end"]]
    evidence = parse_evidence(coded).merge(units, on="sentence_id", suffixes=("", "_unit"))
    assert len(evidence) >= 2
    assert ((evidence["start_unit"] <= evidence["start"]) & (evidence["end"] <= evidence["end_unit"])).all()
    with pytest.raises(ValueError, match="text 1 contains a line break"):
        code_texts(["سطر\nسطر"], codebook)


@pytest.mark.parametrize("color", ["blue", "#12345", "#12345G", "12"])
def test_theme_color_must_be_hex(tmp_path: Path, color: str) -> None:
    path = tmp_path / "cb.yaml"
    path.write_text(
        "themes:\n  - id: t\n    label_ar: م\n    label_en: T\n    definition: d\n"
        f"    color: '{color}'\n    indicators:\n      - id: i\n        any: [دعم]\n",
        encoding="utf-8",
    )
    with pytest.raises(CodebookError, match=r"theme 't': color .* must be written #rrggbb"):
        load_codebook(path)
