"""Read human codings back from a REFI-QDA project (``.qdpx``) exported by QDA software.

QualCoder, NVivo, MAXQDA and ATLAS.ti export a zip holding ``project.qde`` (or another ``.qde``)
and the sources in ``sources/`` (``Sources/`` in some). What is read:

* ``Users``: each user who made a coding is a coder (by name; the package's own automatic-coder
  user is not a human and is skipped);
* the codebook: codes, nested in categories or not, matched to the themes by name — the export's
  "English / Arabic" name, the English or the Arabic label, or the theme id (case and spaces
  ignored); a coding with any other code is an error naming it;
* text sources, stored inside the project (``internal://`` path or ``PlainTextContent``), matched
  to the corpus's articles by content hash after dropping a BOM and normalising newlines to
  ``\\n`` (QualCoder writes sources with a BOM, and with ``\\r\\n`` for MAXQDA); a source that is
  not an article of the corpus is an error naming it;
* ``PlainTextSelection`` positions: code-point offsets into that normalised text — as QualCoder
  reads ATLAS.ti's and its own exports — mapped back to raw offsets; a position outside its
  source is an error. Selections without a coding (annotations, the sample's marks) are ignored.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import numpy as np
import pandas as pd

from arabic_themes.codebook import Codebook
from arabic_themes.errors import InputError
from arabic_themes.refi import _AUTOMATIC, _SAMPLER, _text_digest, code_name, normalise_newlines

__all__ = ["read_qdpx"]


def _key(name: str) -> str:
    return re.sub(r"\s+", " ", name).strip().casefold()


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def read_qdpx(path: str | Path, codebook: Codebook, corpus: pd.DataFrame) -> pd.DataFrame:
    """Codings of a ``.qdpx``: ``coder, doc_id, start, end, theme`` (raw offsets), one row per coding.

    ``attrs["documents"]`` lists the articles found in the project, ``attrs["coders"]`` its coders.
    Every problem is an :class:`~arabic_themes.errors.InputError` naming the file and what is wrong.
    """
    path = Path(path)
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise InputError(f"{path}: file not found") from None
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(f"{path}: not a REFI-QDA project (a .qdpx is a zip file): {exc}") from None
    with archive:
        names = archive.namelist()
        qde = [n for n in names if n.lower().endswith(".qde")]
        if not qde:
            raise InputError(f"{path}: no project.qde inside; is it a REFI-QDA project export?")
        try:
            root = ET.fromstring(archive.read("project.qde" if "project.qde" in qde else qde[0]))
        except ET.ParseError as exc:
            raise InputError(f"{path}: project.qde is not well-formed XML: {exc}") from None
        if _local(root.tag) != "Project" or not root.tag.startswith("{urn:QDA-XML:project:"):
            raise InputError(f"{path}: project.qde is not a REFI-QDA project (root element {root.tag})")
        ns = root.tag[: root.tag.index("}") + 1]
        users = {u.get("guid", "").upper(): str(u.get("name") or u.get("guid", "")) for u in root.iter(f"{ns}User")}
        themes_by_name: dict[str, str] = {}
        for theme in codebook.themes:
            for name in (code_name(theme), theme.label_en, theme.label_ar, theme.id):
                themes_by_name[_key(name)] = theme.id
        codes = {c.get("guid", "").upper(): c.get("name", "") for c in root.iter(f"{ns}Code")}
        raw_texts = dict(zip(corpus["doc_id"], corpus["text"], strict=True))
        by_digest = {_text_digest(text): str(doc_id) for doc_id, text in raw_texts.items()}
        files = {n.lower(): n for n in names}
        rows: list[tuple[str, str, int, int, str]] = []
        documents: list[str] = []
        for source in root.iter(f"{ns}TextSource"):
            label = str(source.get("name") or source.get("guid", ""))
            text = _source_text(path, archive, files, source, ns, label)
            doc_id = by_digest.get(_text_digest(text))
            if doc_id is None:
                raise InputError(
                    f"{path}: source {label!r} is not an article of the corpus (its text matches none of "
                    f"{len(raw_texts)} articles; was it edited, or is it another corpus?)"
                )
            documents.append(doc_id)
            normal, offsets = normalise_newlines(raw_texts[doc_id])
            for selection in source.iter(f"{ns}PlainTextSelection"):
                codings = selection.findall(f"{ns}Coding")
                if not codings:
                    continue
                try:
                    a, b = int(selection.get("startPosition", "")), int(selection.get("endPosition", ""))
                except ValueError:
                    raise InputError(f"{path}: a selection of {label!r} has no integer positions") from None
                if not 0 <= a <= b <= len(normal):
                    raise InputError(
                        f"{path}: selection {selection.get('name') or selection.get('guid')!r} of source {label!r} "
                        f"has positions {a}-{b}, outside its text ({len(normal)} characters)"
                    )
                start, end = (int(np.searchsorted(offsets, x, side="left")) for x in (a, b))
                for coding in codings:
                    ref = coding.find(f"{ns}CodeRef")
                    code = codes.get((ref.get("targetGUID", "") if ref is not None else "").upper())
                    if code is None:
                        raise InputError(f"{path}: a coding in {label!r} refers to no code of the project's codebook")
                    theme_id = themes_by_name.get(_key(code))
                    if theme_id is None:
                        known = ", ".join(code_name(t) for t in codebook.themes)
                        raise InputError(f"{path}: code {code!r} is not a theme of the codebook (themes: {known})")
                    user = coding.get("creatingUser") or selection.get("creatingUser") or ""
                    coder = users.get(user.upper(), user or "unknown coder")
                    if coder in (_AUTOMATIC, _SAMPLER):
                        continue
                    rows.append((coder, doc_id, start, end, theme_id))
    spans = pd.DataFrame(rows, columns=["coder", "doc_id", "start", "end", "theme"])
    spans.attrs["documents"] = list(dict.fromkeys(documents))
    spans.attrs["coders"] = list(dict.fromkeys(spans["coder"]))
    if spans.empty:
        raise InputError(f"{path}: no coding of any theme by a human user in this project")
    return spans


def _source_text(
    path: Path, archive: zipfile.ZipFile, files: dict[str, str], source: ET.Element, ns: str, label: str
) -> str:
    content = source.find(f"{ns}PlainTextContent")
    if content is not None and content.text is not None:
        return content.text
    where = source.get("plainTextPath") or ""
    if not where.startswith("internal://"):
        raise InputError(
            f"{path}: source {label!r} is stored outside the project ({where or 'no plain text path'}); "
            "export the project with its sources inside"
        )
    member = where.removeprefix("internal://")
    found = files.get(f"sources/{member}".lower()) or files.get(member.lower())
    if found is None:
        raise InputError(f"{path}: the text of source {label!r} ({member}) is missing from the project")
    try:
        return archive.read(found).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{path}: the text of source {label!r} is not UTF-8") from None
