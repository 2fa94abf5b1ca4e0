"""Load a folder of Arabic articles described by a ``metadata.csv``, checking everything on the way.

A corpus folder holds UTF-8 ``.txt`` files and a ``metadata.csv`` with at least the columns
``doc_id, file, sha256``. :func:`load_corpus` returns one row per article with its text; it never
writes to the folder. Every problem is a :class:`CorpusError` whose message names the file (and
line of ``metadata.csv``) at fault and says how to fix it.

Every file is read through :mod:`arabic_themes.textfiles`: confined to the corpus folder, a regular
file of at most :data:`MAX_FILE_MB` megabytes, decoded as UTF-8 or refused with what it is instead
(:func:`read_text` reads one such file on its own).

:func:`write_metadata_template` starts a ``metadata.csv`` for a new folder of texts;
:func:`add_metadata_rows` adds rows for texts added since, leaving the existing rows as they are.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import unicodedata
from pathlib import Path

import pandas as pd

from arabic_themes.textfiles import (
    MAX_FILE_MB,
    CorpusError,
    decode,
    file_sha256,
    inside,
    limit_bytes,
    read_bytes,
    read_text,
)

__all__ = [
    "CorpusError",
    "MAX_FILE_MB",
    "METADATA_COLUMNS",
    "add_metadata_rows",
    "file_sha256",
    "load_corpus",
    "read_text",
    "readable_doc_id",
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
_DOC_ID_MAX = 40  # characters of a doc_id made from a file name


# --- metadata --------------------------------------------------------------------------------------


def _folder_and_limit(folder: str | Path, max_file_mb: float | None) -> tuple[Path, int]:
    """The corpus folder, which must exist, and the size limit per file in bytes."""
    folder = Path(folder)
    if not folder.is_dir():
        raise CorpusError(f"{folder}: corpus folder not found")
    return folder, limit_bytes(max_file_mb)


def _read_metadata(folder: Path, limit: int) -> tuple[list[dict[str, str]], list[int], list[str]]:
    meta_path = folder / "metadata.csv"
    if not meta_path.exists() and not meta_path.is_symlink():
        raise CorpusError(f"{meta_path}: no metadata file. Create one with `arabic-themes init-corpus {folder}`.")
    inside(folder, "metadata.csv", str(meta_path))
    data = read_bytes(meta_path, "metadata file", limit)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CorpusError(
            f"{meta_path}: not valid UTF-8 (byte {exc.start} is 0x{data[exc.start]:02x}). If a spreadsheet saved "
            "it as Windows-1256, convert it with `iconv -f WINDOWS-1256 -t UTF-8` or save it again as CSV UTF-8."
        ) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = list(reader.fieldnames or [])
        missing = [c for c in REQUIRED_COLUMNS if c not in header]
        if missing:
            raise CorpusError(f"{meta_path}: missing required column(s) {missing}; the header is {header}")
        rows, lines = [], []
        for row in reader:
            if None in row:
                raise CorpusError(f"{meta_path}, line {reader.line_num}: more fields than columns in the header")
            rows.append({k: (v or "").strip() for k, v in row.items()})
            lines.append(reader.line_num)
    except csv.Error as exc:
        raise CorpusError(f"{meta_path}, line {reader.line_num}: not valid CSV: {exc}") from None
    return rows, lines, header


def _metadata_rows(folder: Path, limit: int) -> tuple[list[dict[str, str]], list[int]]:
    rows, lines, _ = _read_metadata(folder, limit)
    if not rows:
        raise CorpusError(f"{folder / 'metadata.csv'}: has a header but no rows")
    return rows, lines


def load_corpus(folder: str | Path, *, verify: bool = True, max_file_mb: float | None = None) -> pd.DataFrame:
    """Load every article listed in ``folder/metadata.csv``; one row per article.

    Returns the metadata columns plus ``text`` (the decoded raw text, offsets count into it),
    ``chars`` (its length) and ``path``. Rows keep the metadata's order. With ``verify`` (the
    default) each file's SHA-256 must equal the ``sha256`` column, so a changed raw file is
    caught before any analysis. Files must lie inside ``folder`` and be regular files of at most
    ``max_file_mb`` megabytes (module docstring). Raises :class:`CorpusError` naming the file or
    line at fault.
    """
    folder, limit = _folder_and_limit(folder, max_file_mb)
    rows, lines = _metadata_rows(folder, limit)
    meta_path = folder / "metadata.csv"

    first_line: dict[str, int] = {}
    listed_files: set[str] = set()
    paths: list[Path] = []
    for row, line in zip(rows, lines, strict=True):
        doc_id = row["doc_id"]
        where = f"{meta_path}, line {line}"
        if not doc_id:
            raise CorpusError(f"{where}: empty doc_id")
        if not _DOC_ID.match(doc_id):
            raise CorpusError(f"{where}: doc_id {doc_id!r} must be letters, digits, '_', '-' or '.'")
        if doc_id in first_line:
            raise CorpusError(f"{where}: duplicate doc_id {doc_id!r} (first used on line {first_line[doc_id]})")
        first_line[doc_id] = line
        if not row["file"]:
            raise CorpusError(f"{where}: empty 'file' for doc_id {doc_id!r}")
        path = inside(folder, row["file"], where)
        if not path.exists():
            raise CorpusError(f"{where}: doc_id {doc_id!r} names file {row['file']!r}, which is not in {folder}")
        paths.append(path)
        listed_files.add(os.path.normpath(row["file"]))

    unlisted = sorted(p.name for p in folder.glob("*.txt") if p.name not in listed_files)
    if unlisted:
        first = folder / unlisted[0]
        if first.is_dir():
            raise CorpusError(f"{first}: a directory named like a text file; rename it or move it out of the folder")
        raise CorpusError(
            f"{first}: text file has no row in {meta_path}"
            + (f" (nor do {len(unlisted) - 1} more: {unlisted[1:4]})" if len(unlisted) > 1 else "")
            + ". Add a row for it (`arabic-themes init-corpus --add`), or move it out of the folder."
        )

    records = []
    for row, line, path in zip(rows, lines, paths, strict=True):
        data = read_bytes(path, "text file", limit)
        if verify:
            actual = hashlib.sha256(data).hexdigest()
            if not re.fullmatch(r"[0-9a-f]{64}", row["sha256"].lower()):
                raise CorpusError(
                    f"{meta_path}, line {line}: sha256 for {row['file']!r} is missing or malformed; "
                    f"it should be {actual} if the file is the one you mean"
                )
            if actual != row["sha256"].lower():
                raise CorpusError(
                    f"{path}: SHA-256 is {actual} but metadata.csv line {line} records {row['sha256']}; "
                    "the raw file was changed. Restore the original (raw files are never edited) or, "
                    "if this is a deliberate new version, update its metadata row."
                )
        text = decode(data, path)
        record: dict[str, object] = {col: row.get(col, "") for col in METADATA_COLUMNS}
        record.update({k: v for k, v in row.items() if k not in record})
        record["chars"] = len(text)
        record["text"] = text
        record["path"] = str(path)
        records.append(record)
    frame = pd.DataFrame.from_records(records)
    frame["chars"] = frame["chars"].astype("int64")
    return frame


# --- new metadata ----------------------------------------------------------------------------------

#: Arabic (and Persian) letters written in ASCII for doc_ids made from Arabic file names: a plain,
#: reversible-enough consonant transcription (short vowels are not written in the names either).
_TRANSLIT = {
    "ء": "", "آ": "a", "أ": "a", "ؤ": "w", "إ": "i", "ئ": "y", "ا": "a", "ب": "b", "ة": "a", "ت": "t",
    "ث": "th", "ج": "j", "ح": "h", "خ": "kh", "د": "d", "ذ": "dh", "ر": "r", "ز": "z", "س": "s",
    "ش": "sh", "ص": "s", "ض": "d", "ط": "t", "ظ": "z", "ع": "", "غ": "gh", "ف": "f", "ق": "q",
    "ك": "k", "ل": "l", "م": "m", "ن": "n", "ه": "h", "و": "w", "ى": "a", "ي": "y", "ٱ": "a",
    "پ": "p", "چ": "ch", "ژ": "zh", "ک": "k", "گ": "g", "ی": "y", "ە": "a", "ـ": "",
}  # fmt: skip


def readable_doc_id(name: str) -> str:
    """A doc_id made from a file name: ASCII kept, Arabic letters transcribed (موسكو → mwskw), digits
    in ASCII, anything else one ``_``; at most 40 characters, cut at a ``_`` where possible; ``doc``
    when nothing is left."""
    out = []
    for ch in unicodedata.normalize("NFKC", Path(name).stem):
        if ch in _TRANSLIT:
            out.append(_TRANSLIT[ch])
        elif ch.isdigit() and unicodedata.digit(ch, None) is not None:
            out.append(str(unicodedata.digit(ch)))
        elif unicodedata.category(ch) == "Mn":
            continue  # diacritics
        else:
            out.append(ch)
    base = re.sub(r"[^A-Za-z0-9_.-]+", "_", "".join(out)).strip("_.-")
    if len(base) > _DOC_ID_MAX:
        cut = base[:_DOC_ID_MAX]
        base = (cut.rsplit("_", 1)[0] if "_" in cut[_DOC_ID_MAX // 2 :] else cut).strip("_.-")
    return base or "doc"


def _template_row(path: Path, doc_id: str, limit: int) -> dict[str, str]:
    data = read_bytes(path, "text file", limit)
    text = decode(data, path)
    row = dict.fromkeys(METADATA_COLUMNS, "")
    row.update(
        doc_id=doc_id, file=path.name, sha256=hashlib.sha256(data).hexdigest(), chars=str(len(text)), language="ar"
    )
    return row


def _text_files(folder: Path) -> list[Path]:
    files = []
    for path in sorted(folder.glob("*.txt")):
        inside(folder, path.name, str(path))
        files.append(path)
    return files


def write_metadata_template(folder: str | Path, *, overwrite: bool = False, max_file_mb: float | None = None) -> Path:
    """Write ``folder/metadata.csv`` for the ``.txt`` files in ``folder``; never touches the texts.

    ``doc_id`` comes from the file name (:func:`readable_doc_id`), ``sha256`` and ``chars`` are
    computed, and the fields only a reader can fill (headline, outlet, sources, date) are left
    blank. Refuses to replace an existing ``metadata.csv`` unless ``overwrite`` is true (see
    :func:`add_metadata_rows` to describe files added later).
    """
    folder, limit = _folder_and_limit(folder, max_file_mb)
    target = folder / "metadata.csv"
    if (target.exists() or target.is_symlink()) and not overwrite:
        raise CorpusError(
            f"{target}: already exists; refusing to overwrite it (move it away first, "
            "or add rows for new files with --add)"
        )
    files = _text_files(folder)
    if not files:
        raise CorpusError(f"{folder}: no .txt files to describe")
    used: set[str] = set()
    rows = [_template_row(path, _unique(readable_doc_id(path.name), used), limit) for path in files]
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=METADATA_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    _replace(target, buffer.getvalue().encode("utf-8"))
    return target


def _unique(base: str, used: set[str]) -> str:
    doc_id, n = base, 2
    while doc_id in used:
        doc_id, n = f"{base}_{n}", n + 1
    used.add(doc_id)
    return doc_id


def _replace(target: Path, data: bytes) -> None:
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_bytes(data)
    tmp.replace(target)


def add_metadata_rows(folder: str | Path, *, max_file_mb: float | None = None) -> list[str]:
    """Add a row to ``folder/metadata.csv`` for each ``.txt`` file it does not list yet.

    Existing rows keep every byte (what a reader filled in stays); the new rows follow the file's
    own columns and line endings, with doc_ids that do not clash with the existing ones. Returns
    the new doc_ids (none: the file is left as it is). Without a ``metadata.csv``, writes one for
    all files (:func:`write_metadata_template`).
    """
    folder, limit = _folder_and_limit(folder, max_file_mb)
    target = folder / "metadata.csv"
    if not target.exists() and not target.is_symlink():
        write_metadata_template(folder, max_file_mb=max_file_mb)
        rows, _, _ = _read_metadata(folder, limit)
        return [r["doc_id"] for r in rows]
    rows, _, header = _read_metadata(folder, limit)
    listed = {os.path.normpath(r["file"]) for r in rows}
    used = {r["doc_id"] for r in rows}
    new = [p for p in _text_files(folder) if p.name not in listed]
    if not new:
        return []
    data = read_bytes(target, "metadata file", limit)
    newline = "\r\n" if data.split(b"\n", 1)[0].endswith(b"\r") else "\n"
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator=newline, extrasaction="ignore")
    added = []
    for path in new:
        row = _template_row(path, _unique(readable_doc_id(path.name), used), limit)
        writer.writerow(row)
        added.append(row["doc_id"])
    if data and not data.endswith(b"\n"):
        data += newline.encode()
    _replace(target, data + buffer.getvalue().encode("utf-8"))
    return added
