"""The hand-checked claims and timeline tables: every row traceable to raw offsets inside its sentence."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from conftest import ROOT

CLAIM_COLUMNS = ["claim_id", "topic", "doc_id", "sentence_id", "start", "end", "quote", "says", "agree", "note"]
TIMELINE_COLUMNS = [
    "event_id",
    "date",
    "precision",
    "label_en",
    "label_ar",
    "doc_id",
    "sentence_id",
    "start",
    "end",
    "quote",
]
DATE = {"day": r"\d{4}-\d{2}-\d{2}", "month": r"\d{4}-\d{2}", "year": r"\d{4}", "era": r"\d{4}"}


def read(name: str, columns: list[str]) -> list[dict[str, str]]:
    with (ROOT / "data" / name).open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == columns
        return list(reader)


@pytest.fixture(scope="module")
def units(sentences) -> dict[tuple[str, int], tuple[int, int]]:
    return {
        (d, int(i)): (int(a), int(b))
        for d, i, a, b in zip(
            sentences["doc_id"], sentences["sentence_id"], sentences["start"], sentences["end"], strict=True
        )
    }


@pytest.fixture(scope="module")
def raw(raw_texts) -> dict[str, str]:
    return raw_texts


@pytest.mark.parametrize(("name", "columns"), [("claims.csv", CLAIM_COLUMNS), ("timeline.csv", TIMELINE_COLUMNS)])
def test_every_row_cuts_its_quote_from_the_raw_text_inside_its_sentence(name, columns, units, raw) -> None:
    rows = read(name, columns)
    assert rows
    for n, row in enumerate(rows, start=2):
        start, end = int(row["start"]), int(row["end"])
        assert raw[row["doc_id"]][start:end] == row["quote"], f"{name}, line {n}"
        a, b = units[(row["doc_id"], int(row["sentence_id"]))]
        assert a <= start < end <= b, f"{name}, line {n}: span outside sentence {row['sentence_id']}"
        assert all(row[c].strip() for c in columns if c != "note"), f"{name}, line {n}: empty field"


def test_claims_agreement_is_consistent() -> None:
    rows = read("claims.csv", CLAIM_COLUMNS)
    by_claim: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_claim.setdefault(row["claim_id"], []).append(row)
    for claim_id, group in by_claim.items():
        values = {r["agree"] for r in group}
        assert len(values) == 1 and values <= {"yes", "no", "single"}, claim_id
        docs = {r["doc_id"] for r in group}
        if "single" in values:
            assert len(docs) == 1, claim_id
        else:
            assert len(docs) >= 2, claim_id
        if "no" in values:
            assert group[0]["note"].strip(), f"{claim_id}: a disagreement needs a note saying what it is"


def test_the_known_disagreements_are_recorded() -> None:
    rows = read("claims.csv", CLAIM_COLUMNS)
    treaty = {r["doc_id"]: r for r in rows if r["claim_id"] == "treaty_signing_date"}
    assert treaty["middle_east_news"]["agree"] == "no"
    assert "17" in treaty["middle_east_news"]["quote"] and "27" in treaty["no_protection"]["quote"]
    disagreements = {r["claim_id"] for r in rows if r["agree"] == "no"}
    assert {"treaty_signing_date", "trump_title", "treaty_defence_provisions"} <= disagreements
    assert len(disagreements) >= 4


def test_timeline_dates_match_their_precision() -> None:
    rows = read("timeline.csv", TIMELINE_COLUMNS)
    labels: dict[str, str] = {}
    for row in rows:
        assert row["precision"] in DATE, row
        assert re.fullmatch(DATE[row["precision"]], row["date"]), row
        assert labels.setdefault(row["event_id"], row["label_en"]) == row["label_en"]
    assert [r["date"] for r in rows] == sorted(r["date"] for r in rows)
    treaty = {r["date"] for r in rows if r["event_id"] == "treaty"}
    assert {"2025-01-17", "2025-01-27"} <= treaty


SET_COLUMNS = ["id", "text", "strategic_ambiguity", "precedents", "ukraine_tradeoff", "note"]
ARABIC = re.compile("[\u0600-\u06ff]")


@pytest.mark.parametrize(
    "path", sorted((ROOT / "data" / "annotations").glob("heldout_sentences*.csv")), ids=lambda p: p.name
)
def test_every_hand_coded_set_is_well_formed(path: Path) -> None:
    rows = read(str(path.relative_to(ROOT / "data")), SET_COLUMNS)
    assert len(rows) >= 50
    ids = [r["id"] for r in rows]
    assert len(set(ids)) == len(ids), "duplicate ids"
    assert len({r["text"] for r in rows}) == len(rows), "a sentence appears twice"
    for row in rows:
        assert ARABIC.search(row["text"]), row["id"]
        assert {row[t] for t in SET_COLUMNS[2:5]} <= {"0", "1"}, row["id"]
    # each set exercises every theme and has sentences with no theme (the hard negatives)
    for theme in SET_COLUMNS[2:5]:
        assert sum(r[theme] == "1" for r in rows) >= 10, theme
    assert sum(all(r[t] == "0" for t in SET_COLUMNS[2:5]) for r in rows) >= 5


def test_hand_coded_sets_do_not_share_sentences() -> None:
    seen: dict[str, str] = {}
    for path in sorted((ROOT / "data" / "annotations").glob("heldout_sentences*.csv")):
        for row in read(str(path.relative_to(ROOT / "data")), SET_COLUMNS):
            assert row["text"] not in seen, f"{path.name} {row['id']} repeats a sentence of {seen.get(row['text'])}"
            seen[row["text"]] = path.name
