"""Load a folder of Arabic articles described by a ``metadata.csv``, checking everything on the way.

A corpus folder holds UTF-8 ``.txt`` files and a ``metadata.csv`` with at least the columns
``doc_id, file, sha256``. :func:`load_corpus` returns one row per article with its text; it never
writes to the folder. Every problem is a :class:`CorpusError` whose message names the file (and
line of ``metadata.csv``) at fault and says how to fix it.

:func:`write_metadata_template` starts a ``metadata.csv`` for a new folder of texts.
"""

from __future__ import annotations

import csv
import hashlib
import re
from pathlib import Path

import pandas as pd

from arabic_themes.errors import InputError
from arabic_themes.normalisation import has_arabic_letters

__all__ = [
    "CorpusError",
    "METADATA_COLUMNS",
    "file_sha256",
    "load_corpus",
    "read_text",
    "write_metadata_template",
]

#: Columns of ``metadata.csv``, in order. Only the first three are required.
METADATA_COLUMNS = [
    "doc_id",
    "file",
    "sha256",
    "chars",
    "headline",
    "outlet",
    "sources_cited",
    "date_stated",
    "date_stated_text",
    "language",
]
REQUIRED_COLUMNS = ["doc_id", "file", "sha256"]
_DOC_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


class CorpusError(InputError):
    """A corpus folder, a text file or its metadata is not as it must be."""


def file_sha256(path: str | Path) -> str:
    """SHA-256 of the file's bytes, as lowercase hex."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def read_text(path: str | Path) -> str:
    """Read one article: UTF-8 with or without BOM, newlines kept exactly as in the file.

    Newlines are *not* translated, so character offsets count exactly the decoded characters of
    the file (after a BOM, if any). Raises :class:`CorpusError` for undecodable, empty or
    non-Arabic files.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CorpusError(f"{path}: cannot read the text file: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        hint = ""
        try:
            data.decode("cp1256")
            hint = (
                " It decodes as Windows-1256 (an older Arabic Windows encoding); convert it with "
                f"`iconv -f WINDOWS-1256 -t UTF-8 '{path.name}' > '{path.stem}.utf8.txt'` "
                "and point metadata.csv at the new file."
            )
        except UnicodeDecodeError:
            pass
        raise CorpusError(f"{path}: not valid UTF-8 (byte {exc.start} is 0x{data[exc.start]:02x}).{hint}") from None
    if not text.strip():
        raise CorpusError(f"{path}: the file is empty (no text to analyse)")
    if not has_arabic_letters(text):  # presentation forms count too
        raise CorpusError(f"{path}: no Arabic letters found; is this the right file?")
    return text


def _read_metadata(folder: Path) -> tuple[list[dict[str, str]], list[int]]:
    meta_path = folder / "metadata.csv"
    if not meta_path.is_file():
        raise CorpusError(f"{meta_path}: no metadata file. Create one with `arabic-themes init-corpus {folder}`.")
    data = meta_path.read_bytes()
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CorpusError(
            f"{meta_path}: not valid UTF-8 (byte {exc.start} is 0x{data[exc.start]:02x}). If a spreadsheet saved "
            "it as Windows-1256, convert it with `iconv -f WINDOWS-1256 -t UTF-8` or save it again as CSV UTF-8."
        ) from None
    with meta_path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        missing = [c for c in REQUIRED_COLUMNS if c not in header]
        if missing:
            raise CorpusError(f"{meta_path}: missing required column(s) {missing}; the header is {header}")
        rows, lines = [], []
        for row in reader:
            if None in row:
                raise CorpusError(f"{meta_path}, line {reader.line_num}: more fields than columns in the header")
            rows.append({k: (v or "").strip() for k, v in row.items()})
            lines.append(reader.line_num)
    if not rows:
        raise CorpusError(f"{meta_path}: has a header but no rows")
    return rows, lines


def load_corpus(folder: str | Path, *, verify: bool = True) -> pd.DataFrame:
    """Load every article listed in ``folder/metadata.csv``; one row per article.

    Returns the metadata columns plus ``text`` (the decoded raw text, offsets count into it),
    ``chars`` (its length) and ``path``. Rows keep the metadata's order. With ``verify`` (the
    default) each file's SHA-256 must equal the ``sha256`` column, so a changed raw file is
    caught before any analysis. Raises :class:`CorpusError` naming the file or line at fault.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise CorpusError(f"{folder}: corpus folder not found")
    rows, lines = _read_metadata(folder)
    meta_path = folder / "metadata.csv"

    first_line: dict[str, int] = {}
    listed_files: set[str] = set()
    for row, line in zip(rows, lines, strict=True):
        doc_id = row["doc_id"]
        if not doc_id:
            raise CorpusError(f"{meta_path}, line {line}: empty doc_id")
        if not _DOC_ID.match(doc_id):
            raise CorpusError(f"{meta_path}, line {line}: doc_id {doc_id!r} must be letters, digits, '_', '-' or '.'")
        if doc_id in first_line:
            raise CorpusError(
                f"{meta_path}, line {line}: duplicate doc_id {doc_id!r} (first used on line {first_line[doc_id]})"
            )
        first_line[doc_id] = line
        if not row["file"]:
            raise CorpusError(f"{meta_path}, line {line}: empty 'file' for doc_id {doc_id!r}")
        if not (folder / row["file"]).is_file():
            raise CorpusError(
                f"{meta_path}, line {line}: doc_id {doc_id!r} names file {row['file']!r}, which is not in {folder}"
            )
        listed_files.add(row["file"])

    unlisted = sorted(p.name for p in folder.glob("*.txt") if p.name not in listed_files)
    if unlisted:
        raise CorpusError(
            f"{folder / unlisted[0]}: text file has no row in {meta_path}"
            + (f" (nor do {len(unlisted) - 1} more: {unlisted[1:4]})" if len(unlisted) > 1 else "")
            + ". Add a row for it, or move it out of the folder."
        )

    records = []
    for row, line in zip(rows, lines, strict=True):
        path = folder / row["file"]
        if verify:
            if not re.fullmatch(r"[0-9a-f]{64}", row["sha256"].lower()):
                raise CorpusError(
                    f"{meta_path}, line {line}: sha256 for {row['file']!r} is missing or malformed; "
                    f"it should be {file_sha256(path)} if the file is the one you mean"
                )
            actual = file_sha256(path)
            if actual != row["sha256"].lower():
                raise CorpusError(
                    f"{path}: SHA-256 is {actual} but metadata.csv line {line} records {row['sha256']}; "
                    "the raw file was changed. Restore the original (raw files are never edited) or, "
                    "if this is a deliberate new version, update its metadata row."
                )
        text = read_text(path)
        record: dict[str, object] = {col: row.get(col, "") for col in METADATA_COLUMNS}
        record.update({k: v for k, v in row.items() if k not in record})
        record["chars"] = len(text)
        record["text"] = text
        record["path"] = str(path)
        records.append(record)
    frame = pd.DataFrame.from_records(records)
    frame["chars"] = frame["chars"].astype("int64")
    return frame


def write_metadata_template(folder: str | Path, *, overwrite: bool = False) -> Path:
    """Write ``folder/metadata.csv`` for the ``.txt`` files in ``folder``; never touches the texts.

    ``doc_id`` comes from the file name, ``sha256`` and ``chars`` are computed, and the fields
    only a reader can fill (headline, outlet, sources, date) are left blank. Refuses to replace an
    existing ``metadata.csv`` unless ``overwrite`` is true.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise CorpusError(f"{folder}: corpus folder not found")
    target = folder / "metadata.csv"
    if target.exists() and not overwrite:
        raise CorpusError(f"{target}: already exists; refusing to overwrite it (move it away first)")
    files = sorted(folder.glob("*.txt"))
    if not files:
        raise CorpusError(f"{folder}: no .txt files to describe")
    used: set[str] = set()
    rows = []
    for path in files:
        text = read_text(path)
        base = re.sub(r"[^A-Za-z0-9_.-]+", "_", path.stem).strip("_.-") or "doc"
        doc_id, n = base, 2
        while doc_id in used:
            doc_id, n = f"{base}_{n}", n + 1
        used.add(doc_id)
        row = dict.fromkeys(METADATA_COLUMNS, "")
        row.update(doc_id=doc_id, file=path.name, sha256=file_sha256(path), chars=str(len(text)), language="ar")
        rows.append(row)
    tmp = target.with_suffix(".csv.tmp")
    with tmp.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=METADATA_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    tmp.replace(target)
    return target
