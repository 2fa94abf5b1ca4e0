"""The committed notebooks read well on GitHub, for readers with and without Arabic: every table that shows
Arabic sentences has an English column with no empty cell, Arabic inside English prose is isolated, a
concordance reads right to left, tables stay short and their plain-text copies unpadded, and each
notebook opens with an overview of its sections and links, and ends with references and a versions line
whose output nbval ignores."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from arabic_themes.display import isolate_arabic

from conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
ARABIC_WORD = re.compile(r"[\u0620-\u064a\u066e-\u06d3]+")
LIST_SEPARATORS = re.compile(r" / | \| | \+ |; |, ")
LINK = re.compile(r"\]\(([^)\s]+)\)")


class _Tables(HTMLParser):
    """The tables of an HTML output: the ``<table>`` attributes and the text of every cell, row by row."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[dict[str, Any]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append({"attrs": dict(attrs), "rows": []})
        elif tag == "tr" and self.tables:
            self.tables[-1]["rows"].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self.tables and self.tables[-1]["rows"]:
            self.tables[-1]["rows"][-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def _cells(path: Path) -> list[dict[str, Any]]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _tables(path: Path) -> list[tuple[int, dict[str, Any]]]:
    found = []
    for index, cell in enumerate(_cells(path)):
        for output in cell.get("outputs", []):
            markup = "".join(output.get("data", {}).get("text/html", ""))
            if markup:
                parser = _Tables()
                parser.feed(markup)
                found += [(index, t) for t in parser.tables if t["rows"]]
    return found


def _is_sentence(text: str) -> bool:
    """Arabic running text (four words or more in one piece), not a list of names, terms or words, nor the
    codebook's term language."""
    if re.search(r"[*{|]", text):
        return False
    return any(len(ARABIC_WORD.findall(piece)) >= 4 for piece in LIST_SEPARATORS.split(text))


def _prose(path: Path) -> list[tuple[int, str]]:
    """Markdown as it is shown: the sources of Markdown cells and the Markdown outputs of code cells."""
    texts = []
    for index, cell in enumerate(_cells(path)):
        if cell["cell_type"] == "markdown":
            texts.append((index, "".join(cell["source"])))
        for output in cell.get("outputs", []):
            markdown = "".join(output.get("data", {}).get("text/markdown", ""))
            if markdown:
                texts.append((index, markdown))
    return texts


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_table_of_arabic_sentences_has_english_beside_every_row(path: Path) -> None:
    checked = 0
    for index, table in _tables(path):
        header, *rows = table["rows"]
        arabic = [j for j in range(len(header)) if any(j < len(r) and _is_sentence(r[j]) for r in rows)]
        if not arabic:
            continue
        english = [j for j, name in enumerate(header) if "english" in name.lower()]
        assert english, (path.name, index, header)
        for row in rows:
            assert all(row[j].strip() for j in english), (path.name, index, row)
            assert not ARABIC_WORD.search(" ".join(row[j] for j in english)), (path.name, index, row)
        checked += 1
    assert checked >= (0 if path.name.startswith("04_") else 2), f"{path.name}: fewer tables of sentences than expected"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_arabic_inside_english_prose_is_isolated(path: Path) -> None:
    for index, text in _prose(path):
        assert isolate_arabic(text) == text, (path.name, index, text[:120])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_concordances_read_right_to_left_and_tables_stay_short(path: Path) -> None:
    for index, table in _tables(path):
        header = table["rows"][0]
        if "keyword" in header:
            assert table["attrs"].get("dir") == "rtl", (path.name, index)
            assert header.index("pre") < header.index("keyword") < header.index("post")  # laid out right to left
        assert len(table["rows"]) - 1 <= 30, (path.name, index, header)
    for cell in _cells(path):
        for output in cell.get("outputs", []):
            plain = "".join(output.get("data", {}).get("text/plain", ""))
            assert max((len(line) for line in plain.splitlines()), default=0) <= 300, (path.name, plain[:80])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_each_notebook_has_an_overview_links_references_and_a_versions_line(path: Path) -> None:
    cells = _cells(path)
    opening = "".join(cells[0]["source"])
    assert "(../README.md)" in opening
    neighbours = [p.name for p in NOTEBOOKS if abs(NOTEBOOKS.index(p) - NOTEBOOKS.index(path)) == 1]
    assert all(f"({name})" in opening for name in neighbours), neighbours
    # the overview lists the numbered sections, in order, and no tagged cell holds one of them
    listed = re.findall(r"^(\d+)\. ", opening.split("**Sections.**", 1)[1], flags=re.M)
    headings = [
        (re.match(r"## (\d+)\. ", line).group(1), cell)  # type: ignore[union-attr]
        for cell in cells
        if cell["cell_type"] == "markdown"
        for line in "".join(cell["source"]).splitlines()
        if re.match(r"## \d+\. ", line)
    ]
    assert listed == [n for n, _ in headings] == [str(i) for i in range(1, len(listed) + 1)]
    assert not [c for _, c in headings if "project-corpus" in c["metadata"].get("tags", [])]
    assert any("## References" in "".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    last = "".join(cells[-1]["source"])
    assert cells[-1]["cell_type"] == "code" and last.startswith("# NBVAL_IGNORE_OUTPUT") and "versions_line" in last
    assert "Python 3." in "".join(cells[-1]["outputs"][0]["text"])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_relative_link_leads_to_a_file_of_the_project(path: Path) -> None:
    links = [link for _, text in _prose(path) for link in LINK.findall(text)]
    for cell in _cells(path):
        for output in cell.get("outputs", []):
            links += re.findall(r'href="([^"]+)"', "".join(output.get("data", {}).get("text/html", "")))
    local = [link.split("#", 1)[0] for link in links if not re.match(r"https?://", link)]
    assert local, path.name
    missing = [link for link in local if link and not (path.parent / link).exists()]
    assert missing == [], (path.name, missing)
    # a data file the prose names as a path is a link to it
    for _, text in _prose(path):
        unlinked = re.findall(r"(?<!\[)`(data/[^`]+)`(?!\]\()", text)
        assert unlinked == [], (path.name, unlinked)
