"""Hand the coding to QDA software: REFI-QDA codebook (``.qdc``) and project (``.qdpx``) export.

REFI-QDA (QDA-XML 1.0, www.qdasoftware.org) is the exchange standard read by QualCoder, NVivo,
MAXQDA, ATLAS.ti and others. The export contains:

* the codebook: one code per theme (name "English / Arabic", the theme's colour, its definition,
  rules and indicators in the description);
* one ``TextSource`` per article, stored as UTF-8 text inside the ``.qdpx`` (``internal://``),
  exactly the text the offsets refer to;
* one ``PlainTextSelection`` per coded sentence (``startPosition``/``endPosition`` are code-point
  offsets, so ``text[start:end]`` is the sentence) with one ``Coding`` per theme it carries and
  the matched evidence in its description.

Every GUID is a UUID5 derived from what it identifies (theme id; article id and text hash;
article and offsets), and the zip has fixed timestamps, so exporting the same coding twice gives
byte-identical files and a changed coding diffs cleanly.
"""

from __future__ import annotations

import hashlib
import uuid
import zipfile
from collections.abc import Mapping
from pathlib import Path
from xml.etree import ElementTree as ET

import pandas as pd

from arabic_themes.codebook import Codebook, Theme, theme_colors

__all__ = ["CODEBOOK_NS", "PROJECT_NS", "export_codebook", "export_project", "stable_guid"]

CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
PROJECT_NS = "urn:QDA-XML:project:1.0"
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:arabic-themes:refi-qda")
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def stable_guid(*parts: object) -> str:
    """A GUID derived from ``parts`` (UUID5): the same inputs always give the same GUID."""
    return str(uuid.uuid5(_NAMESPACE, "/".join(str(p) for p in parts)))


def _origin() -> str:
    from arabic_themes import __version__

    return f"arabic-themes {__version__}"


def _description(theme: Theme) -> str:
    lines = [theme.definition.strip(), ""]
    if theme.include:
        lines += ["Include:", *[f"- {r}" for r in theme.include], ""]
    if theme.exclude:
        lines += ["Exclude:", *[f"- {r}" for r in theme.exclude], ""]
    if theme.indicators:
        lines += ["Indicators (automatic coder):", *[f"- {i.id}: {i.note}" for i in theme.indicators]]
    return "\n".join(lines).strip()


def _codes(parent: ET.Element, ns: str, codebook: Codebook) -> dict[str, str]:
    codes = ET.SubElement(parent, f"{{{ns}}}Codes")
    guids = {}
    for theme, color in zip(codebook.themes, theme_colors(codebook.themes), strict=True):
        guid = stable_guid("code", theme.id)
        code = ET.SubElement(
            codes,
            f"{{{ns}}}Code",
            {"guid": guid, "name": f"{theme.label_en} / {theme.label_ar}", "isCodable": "true", "color": color},
        )
        ET.SubElement(code, f"{{{ns}}}Description").text = _description(theme)
        guids[theme.id] = guid
    return guids


def _xml_bytes(root: ET.Element, ns: str) -> bytes:
    ET.register_namespace("", ns)
    ET.indent(root, space="  ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _refuse_overwrite(path: Path, overwrite: bool) -> None:
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path} exists; pass overwrite=True (or --force) to replace it")


def export_codebook(codebook: Codebook, path: str | Path, *, overwrite: bool = False) -> Path:
    """Write the codebook as a REFI-QDA ``.qdc`` file (``CodeBook`` root, one code per theme)."""
    path = Path(path)
    _refuse_overwrite(path, overwrite)
    root = ET.Element(f"{{{CODEBOOK_NS}}}CodeBook", {"origin": _origin()})
    _codes(root, CODEBOOK_NS, codebook)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_xml_bytes(root, CODEBOOK_NS))
    return path


def export_project(
    coded: pd.DataFrame,
    texts: Mapping[str, str] | pd.DataFrame,
    codebook: Codebook,
    path: str | Path,
    *,
    name: str = "Arabic news: Russia and Iran, June 2025",
    overwrite: bool = False,
) -> Path:
    """Write a REFI-QDA ``.qdpx`` project: the articles, the codebook and one coding per sentence and theme.

    ``coded`` is the table of :func:`~arabic_themes.coding.code_sentences` (or the CSV written from
    it): ``doc_id, start, end, text`` and one 0/1 column per theme; ``texts`` maps each ``doc_id`` to
    its raw text (or is the corpus table). A sentence whose offsets do not cut its own text from the
    article is an error naming it.
    """
    path = Path(path)
    _refuse_overwrite(path, overwrite)
    if isinstance(texts, pd.DataFrame):
        texts = dict(zip(texts["doc_id"], texts["text"], strict=True))
    missing = [
        c for c in ["doc_id", "sentence_id", "start", "end", "text", *codebook.theme_ids] if c not in coded.columns
    ]
    if missing:
        raise ValueError(f"coded sentences lack column(s) {missing}")
    user = stable_guid("user", "arabic-themes automatic coder")
    root = ET.Element(f"{{{PROJECT_NS}}}Project", {"name": name, "origin": _origin(), "creatingUserGUID": user})
    users = ET.SubElement(root, f"{{{PROJECT_NS}}}Users")
    ET.SubElement(users, f"{{{PROJECT_NS}}}User", {"guid": user, "name": "arabic-themes automatic coder"})
    book = ET.SubElement(root, f"{{{PROJECT_NS}}}CodeBook")
    code_guid = _codes(book, PROJECT_NS, codebook)
    sources = ET.SubElement(root, f"{{{PROJECT_NS}}}Sources")
    files: dict[str, bytes] = {}
    for doc_id, rows in coded.groupby("doc_id", sort=False):
        if doc_id not in texts:
            raise ValueError(f"no raw text given for doc_id {doc_id!r}")
        text = texts[doc_id]
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        source_guid = stable_guid("source", doc_id, digest)
        files[f"sources/{source_guid}.txt"] = text.encode("utf-8")
        source = ET.SubElement(
            sources,
            f"{{{PROJECT_NS}}}TextSource",
            {
                "guid": source_guid,
                "name": str(doc_id),
                "plainTextPath": f"internal://{source_guid}.txt",
                "creatingUser": user,
            },
        )
        for r in rows.itertuples(index=False):
            start, end = int(r.start), int(r.end)
            if text[start:end] != r.text:
                raise ValueError(
                    f"{doc_id} sentence {r.sentence_id}: offsets {start}-{end} do not cut its text from the article"
                )
            themes = [t for t in codebook.theme_ids if int(getattr(r, t)) == 1]
            if not themes:
                continue
            selection = ET.SubElement(
                source,
                f"{{{PROJECT_NS}}}PlainTextSelection",
                {
                    "guid": stable_guid("selection", doc_id, digest, start, end),
                    "name": f"{doc_id} #{r.sentence_id}",
                    "startPosition": str(start),
                    "endPosition": str(end),
                    "creatingUser": user,
                },
            )
            evidence = str(getattr(r, "evidence", "") or "")
            if evidence:
                ET.SubElement(selection, f"{{{PROJECT_NS}}}Description").text = f"evidence: {evidence}"
            for theme in themes:
                coding = ET.SubElement(
                    selection,
                    f"{{{PROJECT_NS}}}Coding",
                    {"guid": stable_guid("coding", doc_id, digest, start, end, theme), "creatingUser": user},
                )
                ET.SubElement(coding, f"{{{PROJECT_NS}}}CodeRef", {"targetGUID": code_guid[theme]})
    files["project.qde"] = _xml_bytes(root, PROJECT_NS)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with zipfile.ZipFile(tmp, "w") as archive:
        for member in sorted(files):
            info = zipfile.ZipInfo(member, date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[member])
    tmp.replace(path)
    return path
