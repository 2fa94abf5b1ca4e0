"""English glosses (``data/glosses.csv``): every unit, quotation, claim and keyness label shown has one,
keyed by raw offsets that cut exactly its Arabic; the loader rejects bad tables naming file and line."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from arabic_themes import (
    add_glosses,
    find_quotations,
    gloss_for,
    load_actors,
    load_cues,
    load_glosses,
    load_spelling_variants,
    top_terms,
    weighted_log_odds,
    word_counts,
)
from arabic_themes.glosses import COLUMNS

ARABIC_LETTER = re.compile(r"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]")


@pytest.fixture(scope="module")
def gloss_path(repo_root: Path) -> Path:
    return repo_root / "data" / "glosses.csv"


@pytest.fixture(scope="module")
def glosses(gloss_path: Path, corpus: pd.DataFrame) -> pd.DataFrame:
    return load_glosses(gloss_path, corpus)


def span_counts(glosses: pd.DataFrame, kinds: set[str]) -> Counter[tuple[str, int, int]]:
    rows = glosses[glosses["kind"].isin(kinds)]
    return Counter(zip(rows["doc_id"], rows["start"].astype(int), rows["end"].astype(int), strict=True))


def test_every_corpus_unit_has_exactly_one_gloss(glosses: pd.DataFrame, sentences: pd.DataFrame) -> None:
    counts = span_counts(glosses, {"unit"})
    keys = list(zip(sentences["doc_id"], sentences["start"].astype(int), sentences["end"].astype(int), strict=True))
    assert len(keys) == 169
    assert [k for k in keys if counts[k] != 1] == []
    assert set(counts) == set(keys), "unit glosses for spans that are not units of the corpus"


def test_every_quotation_and_term_has_exactly_one_gloss_of_its_kind(
    glosses: pd.DataFrame, sentences: pd.DataFrame, repo_root: Path, glue_repairs
) -> None:
    data = repo_root / "data"
    quotes = find_quotations(
        sentences, load_actors(data / "actors.yaml"), load_cues(data / "attribution_cues.yaml"), glue_repairs
    )
    assert len(quotes) > 0
    for kind in ("quotation", "term"):
        counts = span_counts(glosses, {kind})
        shown = quotes[quotes["kind"] == kind]
        keys = list(zip(shown["doc_id"], shown["start"].astype(int), shown["end"].astype(int), strict=True))
        assert [k for k in keys if counts[k] != 1] == [], kind
        assert set(counts) == set(keys), f"{kind} glosses for spans find_quotations does not return"


def test_every_claim_has_exactly_one_gloss(glosses: pd.DataFrame, repo_root: Path) -> None:
    claims = pd.read_csv(repo_root / "data" / "claims.csv", keep_default_na=False)
    counts = span_counts(glosses, {"claim"})
    keys = list(zip(claims["doc_id"], claims["start"].astype(int), claims["end"].astype(int), strict=True))
    assert [k for k in keys if counts[k] != 1] == []
    assert set(counts) == set(keys)


def test_every_keyness_label_notebook_05_can_show_has_a_gloss(
    glosses: pd.DataFrame, sentences: pd.DataFrame, repo_root: Path, glue_repairs
) -> None:
    variants = load_spelling_variants(repo_root / "data" / "spelling_variants.csv")
    keyness = weighted_log_odds(word_counts(sentences, repairs=glue_repairs, variants=variants))
    top = top_terms(keyness, 10)  # notebook 05 plots the top 8 per article
    shown = top.loc[top["z"] > 0, "word"]
    assert len(shown) == 10 * sentences["doc_id"].nunique()
    words = glosses[glosses["kind"] == "word"]
    assert sorted(set(shown) - set(words["term"])) == []
    assert not words["term"].duplicated().any()
    # the label's Arabic is a spelling the article uses, and the term is the word counted
    forms = dict(zip(keyness["word"], keyness["as_written"], strict=True))
    assert all(forms.get(t) == a for t, a in zip(words["term"], words["arabic"], strict=True))


def test_each_span_gloss_cuts_its_arabic_from_the_raw_text(gloss_path: Path, raw_texts: dict[str, str]) -> None:
    with gloss_path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    spans = [r for r in rows if r["kind"] != "word"]
    assert len(spans) == 169 + 33 + 70
    for n, row in enumerate(spans):
        assert raw_texts[row["doc_id"]][int(row["start"]) : int(row["end"])] == row["arabic"], n


def test_glosses_are_filled_english_and_the_file_is_sorted(gloss_path: Path, glosses: pd.DataFrame) -> None:
    assert glosses["english"].str.strip().ne("").all()
    assert not glosses["english"].str.contains(ARABIC_LETTER).any(), "Arabic script in the english column"
    assert glosses["arabic"].str.contains(ARABIC_LETTER).all()
    order = glosses.assign(_s=glosses["start"].fillna(-1), _e=glosses["end"].fillna(-1))
    order = order.sort_values(["kind", "doc_id", "_s", "_e", "term"], kind="stable")
    assert order.index.tolist() == glosses.index.tolist()
    # written by the csv module with "\n" line endings: rewriting the parsed rows gives the same bytes
    text = gloss_path.read_text(encoding="utf-8")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerows(csv.reader(io.StringIO(text, newline="")))
    assert out.getvalue() == text and "\r" not in text


# --- the loader's errors ------------------------------------------------------------------------

GOOD = [
    ["unit", "d1", "0", "5", "", "مرحبا", "hello"],
    ["word", "", "", "", "سلام", "سلام", "peace"],
]


def write(tmp_path: Path, rows: list[list[str]], header: list[str] = COLUMNS) -> Path:
    path = tmp_path / "glosses.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_loader_reads_a_good_table(tmp_path: Path) -> None:
    frame = load_glosses(write(tmp_path, GOOD))
    assert frame.columns.tolist() == COLUMNS
    assert frame["start"].tolist()[0] == 0 and pd.isna(frame["start"].tolist()[1])
    assert frame["english"].tolist() == ["hello", "peace"]


def test_loader_names_the_file_for_a_missing_column(tmp_path: Path) -> None:
    path = write(tmp_path, [r[:-1] for r in GOOD], header=COLUMNS[:-1])
    with pytest.raises(ValueError, match=re.escape(f"{path}: missing column(s) ['english']")):
        load_glosses(path)


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (["unit", "d1", "x", "5", "", "مرحبا", "hi"], "column 'start' has 'x'"),
        (["unit", "d1", "-1", "5", "", "مرحبا", "hi"], "column 'start' has '-1'"),
        (["unit", "d1", "٠", "5", "", "مرحبا", "hi"], "column 'start' has '٠'"),
        (["claim", "d1", "7", "7", "", "مرحبا", "hi"], "start 7 must be smaller than end 7"),
        (["quotation", "", "0", "5", "", "مرحبا", "hi"], "a quotation gloss needs a doc_id"),
        (["word", "d1", "", "", "سلام", "سلام", "peace"], "keyed by 'term' only"),
        (["word", "", "", "", "", "سلام", "peace"], "needs the word in 'term'"),
        (["sentence", "d1", "0", "5", "", "مرحبا", "hi"], "kind 'sentence' is not one of"),
        (["unit", "d1", "0", "5", "", "مرحبا", "  "], "column 'english' is empty"),
        (["unit", "d1", "0", "5", "", "مرحبا"], "expected 7 fields"),
        (["unit", "d1", "0", "5", "", "مرحبا", "hi", "extra"], "expected 7 fields"),
        (GOOD[0][:6] + ["hello again"], "already glossed on line 2"),
    ],
)
def test_loader_names_file_and_line_of_a_bad_row(tmp_path: Path, bad: list[str], message: str) -> None:
    path = write(tmp_path, [*GOOD, bad])
    with pytest.raises(ValueError, match=re.escape(f"{path}, line 4: ") + ".*" + re.escape(message)):
        load_glosses(path)


def test_loader_counts_lines_after_a_multi_line_field(tmp_path: Path) -> None:
    path = write(
        tmp_path, [["unit", "d1", "0", "5", "", "مرحبا", "two\nlines"], ["unit", "d1", "9", "3", "", "مرحبا", "x"]]
    )
    with pytest.raises(ValueError, match=re.escape(f"{path}, line 4: start 9")):
        load_glosses(path)


def test_loader_checks_offsets_against_the_corpus(
    tmp_path: Path, corpus: pd.DataFrame, raw_texts: dict[str, str]
) -> None:
    doc = corpus["doc_id"].iloc[0]
    text = raw_texts[doc]
    good = ["unit", doc, "10", "20", "", text[10:20], "a gloss"]
    assert len(load_glosses(write(tmp_path, [good]), corpus)) == 1
    shifted = ["unit", doc, "11", "21", "", text[10:20], "a gloss"]
    path = write(tmp_path, [good, shifted])
    with pytest.raises(ValueError, match=re.escape(f"{path}, line 3: 'arabic' is not the text at {doc}[11:21]")):
        load_glosses(path, corpus)
    past = ["unit", doc, "10", str(len(text) + 5), "", text[10:], "a gloss"]
    with pytest.raises(ValueError, match=re.escape(f"{path}, line 2: end {len(text) + 5} is past the end")):
        load_glosses(write(tmp_path, [past]), corpus)
    with pytest.raises(ValueError, match=re.escape(f"{path}, line 2: doc_id 'nowhere' is not in the corpus")):
        load_glosses(write(tmp_path, [["unit", "nowhere", "0", "5", "", "مرحبا", "hi"]]), corpus)


def test_loader_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="nope.csv"):
        load_glosses(tmp_path / "nope.csv")


# --- joining glosses to tables ---------------------------------------------------------------------


def test_add_glosses_keeps_rows_order_and_count(glosses: pd.DataFrame, sentences: pd.DataFrame) -> None:
    shuffled = sentences.sample(frac=1, random_state=3)
    frame = pd.concat([shuffled, shuffled.head(4)])  # a repeated row stays one row per input row
    frame = pd.concat([frame, frame.head(1).assign(start=0, end=1)])  # a span nobody glossed
    out = add_glosses(frame, glosses)
    assert out.index.tolist() == frame.index.tolist()
    assert out.drop(columns="english").equals(frame)
    assert out["english"].iloc[-1] == ""
    assert (out["english"].iloc[:-1] != "").all()
    units = glosses[glosses["kind"] == "unit"].set_index(["doc_id", "start", "end"])["english"]
    expected = [
        units[(d, s, e)] for d, s, e in zip(shuffled["doc_id"], shuffled["start"], shuffled["end"], strict=True)
    ]
    assert out["english"].iloc[: len(shuffled)].tolist() == expected


def test_add_glosses_prefers_the_first_kind_when_a_span_is_glossed_twice() -> None:
    glosses = pd.DataFrame(
        [["claim", "d", 0, 5, "", "مرحبا", "as a claim"], ["unit", "d", 0, 5, "", "مرحبا", "as a unit"]],
        columns=COLUMNS,
    )
    frame = pd.DataFrame({"doc_id": ["d", "d"], "start": [0, 0], "end": [5, 5]})
    assert add_glosses(frame, glosses)["english"].tolist() == ["as a unit", "as a unit"]
    assert gloss_for(frame, glosses, kinds=("claim", "unit")).tolist() == ["as a claim", "as a claim"]
    assert add_glosses(frame, glosses, kinds=("quotation",))["english"].tolist() == ["", ""]


def test_add_glosses_by_word_and_its_errors(glosses: pd.DataFrame) -> None:
    table = pd.DataFrame({"word": ["بوتين", "لاشيء"], "count": [11, 1]})
    out = add_glosses(table, glosses, "gloss", by="word")
    assert out["gloss"].tolist() == ["Putin", ""] and out["count"].tolist() == [11, 1]
    with pytest.raises(ValueError, match="already has a column 'count'"):
        add_glosses(table, glosses, "count", by="word")
    with pytest.raises(ValueError, match=r"missing \['doc_id', 'start', 'end'\]"):
        add_glosses(table, glosses)
    with pytest.raises(ValueError, match="by must be"):
        gloss_for(table, glosses, by="sentence")


# --- the gloss of the unit that holds a span -------------------------------------------------------


def test_unit_gloss_finds_the_unit_holding_a_span_or_a_quoted_text(
    glosses: pd.DataFrame, sentences: pd.DataFrame
) -> None:
    from arabic_themes.glosses import unit_gloss

    unit = sentences.iloc[5]
    own = gloss_for(sentences.iloc[[5]], glosses, kinds=("unit",)).iloc[0]
    assert own
    inside = pd.DataFrame({"doc_id": [unit.doc_id], "start": [unit.start + 3]})
    assert unit_gloss(inside, sentences, glosses).tolist() == [own]
    # a span in a gap between units, or in another article, has none
    nowhere = pd.DataFrame({"doc_id": ["nowhere", unit.doc_id], "start": [0, unit.end + 10_000]})
    assert unit_gloss(nowhere, sentences, glosses).tolist() == ["", ""]
    # by text: a piece of the unit, its spaces changed
    piece = " ".join(unit.text.split()[1:4]).replace(" ", "  ")
    quoted = pd.DataFrame({"doc_id": [unit.doc_id], "quote": [piece]}, index=[7])
    result = unit_gloss(quoted, sentences, glosses, text="quote")
    assert result.index.tolist() == [7] and result.tolist() == [own]
