"""REFI-QDA round trips: every export valid against the official schemas (tests/schemas), the metadata as Cases,
a second user, newlines normalised so that QualCoder lands selections on the right text, XML-forbidden characters
refused, and human codings read back from projects written the way QualCoder writes them."""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pandas as pd
import pytest
from lxml import etree

from arabic_themes import load_reference
from arabic_themes.refi import PROJECT_NS, export_codebook, export_project, export_sample_project, stable_guid
from arabic_themes.refi_import import read_qdpx
from arabic_themes.sampling import draw_sample
from arabic_themes.validation import read_human_coding

from conftest import DATA, ROOT

P = f"{{{PROJECT_NS}}}"
SCHEMAS = ROOT / "tests" / "schemas"


@pytest.fixture(scope="module")
def reference(codebook):
    return load_reference(DATA / "annotations" / "reference_coding.csv", codebook.theme_ids)


def _schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / name)))


def assert_valid_project(path: Path) -> bytes:
    with zipfile.ZipFile(path) as archive:
        data = archive.read("project.qde")
    schema = _schema("Project-mrt2019.xsd")
    document = etree.fromstring(data)
    assert schema.validate(document), schema.error_log.last_error
    return data


def assert_valid_codebook(path: Path) -> None:
    schema = _schema("Codebook-mrt2019.xsd")
    assert schema.validate(etree.parse(str(path))), schema.error_log.last_error


def qualcoder_text(raw: bytes) -> str:
    """A plain-text source as QualCoder's REFI import reads it: a line end counts two characters only when
    the first line ends in CRLF; the file is read with universal newlines (CRLF and CR become LF)."""
    first = raw.split(b"\n", 1)[0]
    two_char_endings = first.endswith(b"\r") and b"\n" in raw
    text = raw.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\n", "\n ") if two_char_endings else text


def selections_as_qualcoder_reads_them(path: Path) -> list[tuple[str, str, str]]:
    """(source name, selection name, the text QualCoder would show for it), for every coded selection."""
    found = []
    with zipfile.ZipFile(path) as archive:
        root = ET.fromstring(archive.read("project.qde"))
        for source in root.iter(f"{P}TextSource"):
            member = "sources/" + source.get("plainTextPath").removeprefix("internal://")
            text = qualcoder_text(archive.read(member))
            for sel in source.findall(f"{P}PlainTextSelection"):
                a, b = int(sel.get("startPosition")), int(sel.get("endPosition"))
                found.append((source.get("name"), sel.get("name"), text[a:b]))
    return found


# --- exports are valid and carry what QDA users need -------------------------------------------------------------


def test_every_export_validates_against_the_refi_schemas(tmp_path: Path, coded, corpus, codebook, reference) -> None:
    assert_valid_codebook(export_codebook(codebook, tmp_path / "codebook.qdc"))
    assert_valid_project(export_project(coded, corpus, codebook, tmp_path / "plain.qdpx"))
    assert_valid_project(export_project(coded, corpus, codebook, tmp_path / "two.qdpx", reference=reference))
    sample = draw_sample(coded, codebook.theme_ids, 40, seed=3)
    assert_valid_project(export_sample_project(sample, corpus, codebook, tmp_path / "sample.qdpx"))
    # the schema is not a rubber stamp: a selection without its positions is refused
    data = assert_valid_project(tmp_path / "plain.qdpx").replace(b'startPosition="0" ', b"", 1)
    assert not _schema("Project-mrt2019.xsd").validate(etree.fromstring(data))


def test_metadata_become_cases_with_variables_and_the_project_is_described(tmp_path: Path, coded, corpus, codebook):
    data = assert_valid_project(export_project(coded, corpus, codebook, tmp_path / "p.qdpx"))
    root = ET.fromstring(data)
    variables = {v.get("guid"): (v.get("name"), v.get("typeOfVariable")) for v in root.iter(f"{P}Variable")}
    assert sorted(variables.values()) == [("date stated", "Date"), ("outlet", "Text"), ("sources cited", "Text")]
    sources = {s.get("guid"): s.get("name") for s in root.iter(f"{P}TextSource")}
    cases = {c.get("name"): c for c in root.iter(f"{P}Case")}
    meta = corpus.set_index("doc_id")
    for doc_id, row in meta.iterrows():
        stated = {k: row[k] for k in ("outlet", "date_stated", "sources_cited") if row[k]}
        if not stated:
            assert doc_id not in cases
            continue
        case = cases[doc_id]
        assert sources[case.find(f"{P}SourceRef").get("targetGUID")] == doc_id
        values = {}
        for value in case.findall(f"{P}VariableValue"):
            name, _ = variables[value.find(f"{P}VariableRef").get("targetGUID")]
            values[name] = value[1].text
        assert values == {
            {"outlet": "outlet", "date_stated": "date stated", "sources_cited": "sources cited"}[k]: v
            for k, v in stated.items()
        }
    assert cases["limited_support"].find(f"{P}VariableValue/{P}DateValue").text == "2025-06-24"
    description = root.find(f"{P}Description").text
    assert "Strategic ambiguity" in description and "arabic-themes automatic coder" in description


def test_a_reference_coding_is_a_second_user_with_its_own_selections(
    tmp_path: Path, coded, corpus, codebook, reference
) -> None:
    path = export_project(coded, corpus, codebook, tmp_path / "p.qdpx", reference=reference, reference_user="ref A")
    root = ET.fromstring(assert_valid_project(path))
    users = {u.get("name"): u.get("guid") for u in root.iter(f"{P}User")}
    assert set(users) == {"arabic-themes automatic coder", "ref A"}
    by_user = {name: 0 for name in users}
    for selection in root.iter(f"{P}PlainTextSelection"):
        who = next(n for n, g in users.items() if g == selection.get("creatingUser"))
        by_user[who] += len(selection.findall(f"{P}Coding"))
        assert {c.get("creatingUser") for c in selection.findall(f"{P}Coding")} == {selection.get("creatingUser")}
    themes = codebook.theme_ids
    assert by_user["ref A"] == int(reference[themes].to_numpy().sum())
    assert by_user["arabic-themes automatic coder"] == int(coded[themes].to_numpy().sum())
    # and read back, the second user is a coder whose coding is the reference
    back = read_human_coding(path, coded, themes, codebook=codebook, corpus=corpus)
    assert set(back["coder"]) == {"ref A"}
    merged = back.merge(reference, on=["doc_id", "start", "end"], suffixes=("", "_ref"))
    assert len(merged) == len(coded)
    for theme in themes:
        assert (merged[theme] == merged[f"{theme}_ref"]).all()


def test_mixed_newlines_land_every_selection_on_its_sentence_in_qualcoder(tmp_path: Path, codebook) -> None:
    raw = "روسيا تدعم إيران.\r\nلكنها لا ترسل سلاحا.\nوتكتفي بالكلام.\r\n\r\nفي أرمينيا تخلت روسيا.\rلا حماية."
    units = [s for s in (raw.replace("\r", "\n").split("\n")) if s]
    rows, position = [], 0
    for k, text in enumerate(units, start=1):
        start = raw.index(text, position)
        rows.append(
            {
                "doc_id": "mixed",
                "sentence_id": k,
                "start": start,
                "end": start + len(text),
                "text": text,
                "strategic_ambiguity": 1,
                "precedents": int(k == 4),
                "ukraine_tradeoff": 0,
                "evidence": "",
            }
        )
        position = start + len(text)
    coded = pd.DataFrame(rows)
    path = export_project(coded, {"mixed": raw}, codebook, tmp_path / "mixed.qdpx")
    assert_valid_project(path)
    seen = selections_as_qualcoder_reads_them(path)
    assert [t for _, _, t in seen] == units  # every selection on its own sentence
    # the raw source is not what was exported: its line ends were normalised, nothing else
    with zipfile.ZipFile(path) as archive:
        exported = next(archive.read(n) for n in archive.namelist() if n.startswith("sources/")).decode("utf-8")
    assert "\r" not in exported and exported == raw.replace("\r\n", "\n").replace("\r", "\n")


def test_without_normalising_qualcoder_would_misplace_mixed_newline_selections() -> None:
    """The failure the normalisation prevents (issue 17, item 8): raw offsets on a raw mixed-newline source."""
    raw = "سطر أول.\r\nسطر ثان.\nسطر ثالث.\r\nسطر رابع."
    sentences = ["سطر أول.", "سطر ثان.", "سطر ثالث.", "سطر رابع."]
    starts = [raw.index(s) for s in sentences]
    read = qualcoder_text(raw.encode("utf-8"))
    assert [read[a : a + len(s)] for a, s in zip(starts, sentences, strict=True)] != sentences


def test_xml_forbidden_characters_are_refused_with_a_clear_message(tmp_path: Path, coded, corpus, codebook) -> None:
    import dataclasses

    bad_theme = dataclasses.replace(codebook.themes[0], label_en="Strategic\x07 ambiguity")
    bad_book = dataclasses.replace(codebook, themes=(bad_theme, *codebook.themes[1:]))
    with pytest.raises(ValueError, match=r"codebook theme 'strategic_ambiguity'.*U\+0007.*XML 1.0 forbids"):
        export_codebook(bad_book, tmp_path / "c.qdc")
    assert not (tmp_path / "c.qdc").exists()
    meta = corpus.copy()
    meta.loc[0, "outlet"] = "out\x01let"
    with pytest.raises(ValueError, match=r"article 'limited_support': metadata 'outlet' contains U\+0001"):
        export_project(coded, meta, codebook, tmp_path / "p.qdpx")
    assert not (tmp_path / "p.qdpx").exists()


# --- reading human codings back --------------------------------------------------------------------------------


def write_qualcoder_project(
    path: Path,
    codebook,
    sources: dict[str, str],
    codings: list[tuple[str, str, int, int, str]],
    *,
    crlf: bool = False,
    code_names: dict[str, str] | None = None,
) -> Path:
    """A .qdpx the way QualCoder exports one: a BOM before each plain-text source (and, with its MAXQDA option,
    CRLF line ends while positions still count one character per line end), codes inside a category, one
    PlainTextSelection per coding named by its text, owned by the coder. ``codings``: (user, source, start, end,
    theme) in positions of the source's text."""
    names = code_names or {t.id: t.label_en for t in codebook.themes}
    users = sorted({c[0] for c in codings})
    user_guid = {u: stable_guid("qc-user", u).upper() for u in users}
    code_guid = {t: stable_guid("qc-code", t) for t in names}
    source_guid = {s: stable_guid("qc-source", s) for s in sources}
    xml = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<Project xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f'name="validation.qda" origin="QualCoder 3.6" creatingUserGUID="{stable_guid("qc-project")}" '
        'creationDateTime="2026-12-01T10:00:00Z" xmlns="urn:QDA-XML:project:1.0">',
        "<Users>",
    ]
    xml += [f'<User guid="{g}" name="{u}" />' for u, g in user_guid.items()]
    xml += [
        "</Users>",
        "<CodeBook>",
        "<Codes>",
        f'<Code guid="{stable_guid("qc-category")}" name="Themes" isCodable="false" color="#777777">',
        "<Description>category</Description>",
    ]
    xml += [f'<Code guid="{code_guid[t]}" name="{n}" isCodable="true" color="#EB7333" />' for t, n in names.items()]
    xml += ["</Code>", "</Codes>", "</CodeBook>", "<Sources>"]
    files = {}
    for name, text in sources.items():
        plain = stable_guid("qc-plain", name)
        files[f"sources/{plain}.txt"] = ("\ufeff" + (text.replace("\n", "\r\n") if crlf else text)).encode("utf-8")
        xml.append(
            f'<TextSource plainTextPath="internal://{plain}.txt" creatingUser="{user_guid[users[0]]}" '
            f'creationDateTime="2026-12-01T10:00:00Z" guid="{source_guid[name]}" name="{name}.txt">'
        )
        for k, (user, source, a, b, theme) in enumerate(codings):
            if source != name:
                continue
            xml.append(
                f'<PlainTextSelection guid="{stable_guid("qc-sel", k)}" startPosition="{a}" endPosition="{b}" '
                f'name="{text[a:b][:20]}" creatingUser="{user_guid[user]}" '
                'creationDateTime="2026-12-02T09:00:00Z">'
            )
            xml.append(f'<Coding guid="{stable_guid("qc-coding", k)}" creatingUser="{user_guid[user]}" >')
            xml.append(f'<CodeRef targetGUID="{code_guid[theme]}" />')
            xml += ["</Coding>", "</PlainTextSelection>"]
        xml.append("</TextSource>")
    xml += ["</Sources>", "<Description>exported from QualCoder</Description>", "</Project>"]
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", "\n".join(xml))
        for member, data in files.items():
            archive.writestr(member, data)
    return path


def _sample_codings(sample, reference, themes, text_of, *, user="Coder A", trim=True):
    """Code each sampled unit as the reference does, selecting the sentence a little short at both ends."""
    ref = reference.set_index(["doc_id", "start", "end"])
    codings = []
    for r in sample.itertuples(index=False):
        for theme in themes:
            if ref.loc[(r.doc_id, r.start, r.end), theme] == 1:
                a, b = (r.start + 2, r.end - 3) if trim else (r.start, r.end)
                codings.append((user, r.doc_id, a, b, theme))
    return codings


@pytest.mark.parametrize("crlf", [False, True])
def test_a_qualcoder_project_is_read_back_as_the_coder_coded(
    tmp_path: Path, coded, corpus, codebook, reference, crlf: bool
) -> None:
    themes = codebook.theme_ids
    sample = draw_sample(coded, themes, 40, seed=11)
    texts = dict(zip(corpus["doc_id"], corpus["text"], strict=True))
    codings = _sample_codings(sample, reference, themes, texts)
    codings.append(("Coder B", "mena_research", sample.iloc[-1].start, sample.iloc[-1].end, "precedents"))
    path = write_qualcoder_project(
        tmp_path / "qc.qdpx", codebook, {d: texts[d] for d in set(sample["doc_id"])}, codings, crlf=crlf
    )
    units = sample[["doc_id", "start", "end"]]
    back = read_human_coding(path, coded, themes, codebook=codebook, corpus=corpus, units=units)
    assert sorted(set(back["coder"])) == ["Coder A", "Coder B"]
    a = back[back["coder"] == "Coder A"].merge(reference, on=["doc_id", "start", "end"], suffixes=("", "_ref"))
    assert len(a) == len(sample)
    for theme in themes:
        assert (a[theme] == a[f"{theme}_ref"]).all(), theme
    b = back[back["coder"] == "Coder B"]
    assert int(b[themes].to_numpy().sum()) == 1  # one coding, on one unit only (no spill to its neighbours)


def test_a_short_phrase_codes_its_sentence_and_a_spill_does_not_code_the_next(tmp_path, coded, corpus, codebook):
    themes = codebook.theme_ids
    doc = coded[coded["doc_id"] == "no_protection"].reset_index(drop=True)
    first, second = doc.iloc[1], doc.iloc[2]
    texts = dict(zip(corpus["doc_id"], corpus["text"], strict=True))
    codings = [
        ("Coder A", "no_protection", int(first.start) + 5, int(first.start) + 15, "precedents"),  # a phrase
        ("Coder A", "no_protection", int(first.start), int(second.start) + 3, "ukraine_tradeoff"),
    ]  # spills
    path = write_qualcoder_project(tmp_path / "qc.qdpx", codebook, {"no_protection": texts["no_protection"]}, codings)
    back = read_human_coding(path, coded, themes, codebook=codebook, corpus=corpus).set_index("start")
    assert back.loc[int(first.start), "precedents"] == 1
    assert back.loc[int(first.start), "ukraine_tradeoff"] == 1
    assert back.loc[int(second.start), "ukraine_tradeoff"] == 0
    assert int(back[themes].to_numpy().sum()) == 2


def test_qdpx_problems_are_one_line_errors(tmp_path: Path, coded, corpus, codebook) -> None:
    texts = dict(zip(corpus["doc_id"], corpus["text"], strict=True))
    doc = {"no_protection": texts["no_protection"]}
    edited = write_qualcoder_project(
        tmp_path / "edited.qdpx",
        codebook,
        {"no_protection": texts["no_protection"] + "!"},
        [("A", "no_protection", 0, 10, "precedents")],
    )
    with pytest.raises(ValueError, match=r"edited.qdpx: source 'no_protection.txt' is not an article of the corpus"):
        read_qdpx(edited, codebook, corpus)
    unknown = write_qualcoder_project(
        tmp_path / "code.qdpx", codebook, doc, [("A", "no_protection", 0, 10, "x")], code_names={"x": "Irony"}
    )
    with pytest.raises(ValueError, match=r"code 'Irony' is not a theme of the codebook"):
        read_qdpx(unknown, codebook, corpus)
    outside = write_qualcoder_project(
        tmp_path / "far.qdpx", codebook, doc, [("A", "no_protection", 2400, 2600, "precedents")]
    )
    with pytest.raises(
        ValueError,
        match=r"far.qdpx: selection .* of source 'no_protection.txt' has positions "
        r"2400-2600, outside its text \(2500 characters\)",
    ):
        read_qdpx(outside, codebook, corpus)
    (tmp_path / "not.qdpx").write_text("hello", encoding="utf-8")
    with pytest.raises(ValueError, match=r"not.qdpx: not a REFI-QDA project"):
        read_qdpx(tmp_path / "not.qdpx", codebook, corpus)
    for path in (edited, unknown, outside):
        assert "\n" not in str(pytest.raises(ValueError, read_qdpx, path, codebook, corpus).value)
