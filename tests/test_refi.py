"""REFI-QDA export: the XML has the standard's required elements and attributes, the selections cut
exactly the sentences out of the exported sources, GUIDs are stable, files are byte-identical."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from arabic_themes.refi import CODEBOOK_NS, PROJECT_NS, export_codebook, export_project, stable_guid

GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
P = f"{{{PROJECT_NS}}}"


def test_codebook_qdc(tmp_path: Path, codebook) -> None:
    path = export_codebook(codebook, tmp_path / "codebook.qdc")
    root = ET.parse(path).getroot()
    assert root.tag == f"{{{CODEBOOK_NS}}}CodeBook"
    codes = root.findall(f"{{{CODEBOOK_NS}}}Codes/{{{CODEBOOK_NS}}}Code")
    assert len(codes) == len(codebook.themes)
    for code, theme in zip(codes, codebook.themes, strict=True):
        assert GUID.match(code.get("guid"))
        assert code.get("isCodable") == "true"
        assert theme.label_ar in code.get("name") and theme.label_en in code.get("name")
        assert re.fullmatch(r"#[0-9A-F]{6}", code.get("color"))
        assert theme.definition.strip()[:40] in code.find(f"{{{CODEBOOK_NS}}}Description").text


def test_project_structure_and_offsets(tmp_path: Path, coded, corpus, codebook) -> None:
    path = export_project(coded, corpus, codebook, tmp_path / "project.qdpx")
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        assert "project.qde" in names
        root = ET.fromstring(archive.read("project.qde"))
        assert root.tag == f"{P}Project" and root.get("name")
        users = {u.get("guid") for u in root.iter(f"{P}User")}
        code_guids = {c.get("guid") for c in root.iter(f"{P}Code")}
        assert len(code_guids) == 3
        all_guids = [e.get("guid") for e in root.iter() if e.get("guid")]
        assert len(all_guids) == len(set(all_guids)) and all(GUID.match(g) for g in all_guids)
        sources = root.findall(f"{P}Sources/{P}TextSource")
        assert [s.get("name") for s in sources] == corpus["doc_id"].tolist()
        n_codings = 0
        for source in sources:
            assert source.get("creatingUser") in users
            internal = source.get("plainTextPath")
            assert internal.startswith("internal://")
            text = archive.read("sources/" + internal.removeprefix("internal://")).decode("utf-8")
            expected = coded[coded["doc_id"] == source.get("name")]
            assert text == corpus.set_index("doc_id").loc[source.get("name"), "text"]
            by_offsets = {
                (int(a), int(b)): t
                for a, b, t in zip(expected["start"], expected["end"], expected["text"], strict=True)
            }
            for selection in source.findall(f"{P}PlainTextSelection"):
                a, b = int(selection.get("startPosition")), int(selection.get("endPosition"))
                assert text[a:b] == by_offsets[(a, b)]  # the selection cuts exactly the sentence
                refs = [c.find(f"{P}CodeRef").get("targetGUID") for c in selection.findall(f"{P}Coding")]
                assert refs and set(refs) <= code_guids
                n_codings += len(refs)
    assert n_codings == int(coded[codebook.theme_ids].to_numpy().sum())  # one coding per sentence and theme


def test_exports_are_byte_identical_and_guids_stable(tmp_path: Path, coded, corpus, codebook) -> None:
    a = export_project(coded, corpus, codebook, tmp_path / "a.qdpx")
    b = export_project(coded, corpus, codebook, tmp_path / "b.qdpx")
    assert a.read_bytes() == b.read_bytes()
    assert (
        stable_guid("code", "precedents")
        == stable_guid("code", "precedents")
        != stable_guid("code", "ukraine_tradeoff")
    )


def test_changed_coding_changes_only_its_selection(tmp_path: Path, coded, corpus, codebook) -> None:
    changed = coded.copy()
    row = changed.index[(changed["precedents"] == 0)][0]
    changed.loc[row, "precedents"] = 1
    a = export_project(coded, corpus, codebook, tmp_path / "a.qdpx")
    b = export_project(changed, corpus, codebook, tmp_path / "b.qdpx")
    read = lambda p: zipfile.ZipFile(p).read("project.qde").decode("utf-8").splitlines()  # noqa: E731
    old, new = read(a), read(b)
    assert set(old) <= set(new)  # nothing existing changed: the new coding only adds lines
    assert 1 <= len(new) - len(old) <= 4


def test_refuses_to_overwrite(tmp_path: Path, coded, corpus, codebook) -> None:
    target = tmp_path / "p.qdpx"
    target.write_text("mine", encoding="utf-8")
    with pytest.raises(FileExistsError, match="p.qdpx exists"):
        export_project(coded, corpus, codebook, target)
    assert target.read_text(encoding="utf-8") == "mine"
    export_project(coded, corpus, codebook, target, overwrite=True)
    assert zipfile.is_zipfile(target)


def test_wrong_offsets_are_named(tmp_path: Path, coded, corpus, codebook) -> None:
    broken = coded.copy()
    broken.loc[0, "start"] = broken.loc[0, "start"] + 1
    with pytest.raises(ValueError, match=r"limited_support sentence 1: offsets"):
        export_project(broken, corpus, codebook, tmp_path / "x.qdpx")
