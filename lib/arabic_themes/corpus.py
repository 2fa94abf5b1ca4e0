"""Load a folder of Arabic articles described by a ``metadata.csv``, checking everything on the way.

A corpus folder holds UTF-8 ``.txt`` files and a ``metadata.csv`` with at least the columns
``doc_id, file, sha256``. :func:`load_corpus` returns one row per article with its text; it never
writes to the folder. Every problem is a :class:`CorpusError` whose message names the file (and
line of ``metadata.csv``) at fault and says how to fix it.

Every file is read from *inside* the corpus folder: a ``file`` that is an absolute path, climbs out
with ``..`` or is a link leading out of the folder is refused, and so is anything that is not a
regular file (a directory, a FIFO, a device), before a byte of it is read. A file may hold at most
:data:`MAX_FILE_MB` megabytes (10⁶ bytes; ``max_file_mb=`` or the environment variable
``ARABIC_THEMES_MAX_FILE_MB`` raises the limit), so a wrong file fails at once instead of
filling the memory.

:func:`write_metadata_template` starts a ``metadata.csv`` for a new folder of texts;
:func:`add_metadata_rows` adds rows for texts added since, leaving the existing rows as they are.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import os
import re
import stat
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd

from arabic_themes.errors import InputError
from arabic_themes.normalisation import has_arabic_letters

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
#: Default size limit per file (text or metadata), in megabytes of 10⁶ bytes.
MAX_FILE_MB = 50.0
_MAX_ENV = "ARABIC_THEMES_MAX_FILE_MB"
_ARABIC_LETTER = re.compile(r"[\u0621-\u063A\u0641-\u064A\u0671-\u06D3\u06FA-\u06FF]")
_DOC_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_DOC_ID_MAX = 40  # characters of a doc_id made from a file name
_BOMS = (  # UTF-32 first: its little-endian mark begins with UTF-16's
    (codecs.BOM_UTF32_LE, "UTF-32", "little-endian"),
    (codecs.BOM_UTF32_BE, "UTF-32", "big-endian"),
    (codecs.BOM_UTF16_LE, "UTF-16", "little-endian"),
    (codecs.BOM_UTF16_BE, "UTF-16", "big-endian"),
)
_NOT_TEXT_SHARE = 0.05  # more control/unassigned characters than this (of the non-space ones): not text


class CorpusError(InputError):
    """A corpus folder, a text file or its metadata is not as it must be."""


# --- reading one file safely -----------------------------------------------------------------------


def _limit_bytes(max_file_mb: float | None) -> int:
    if max_file_mb is None:
        given = os.environ.get(_MAX_ENV, "").strip()
        try:
            max_file_mb = float(given) if given else MAX_FILE_MB
        except ValueError:
            raise CorpusError(f"{_MAX_ENV}={given!r} is not a number of megabytes") from None
    if not max_file_mb > 0:
        raise CorpusError(f"the size limit per file must be a positive number of megabytes, not {max_file_mb}")
    return int(max_file_mb * 1_000_000)


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _read_bytes(path: Path, what: str, limit: int) -> bytes:
    """The bytes of a regular file, at most ``limit`` of them; never blocks on a FIFO or device."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise CorpusError(f"{path}: {what} not found") from None
    except OSError as exc:
        raise CorpusError(f"{path}: cannot read the {what}: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise CorpusError(f"{path}: is {_kind(info.st_mode)}, not a regular file; a corpus holds plain text files")
        too_big = (
            f"{path}: larger than the limit of {limit / 1e6:g} MB per file; split it into several texts, "
            f"or raise the limit (--max-file-mb, or the environment variable {_MAX_ENV})"
        )
        if info.st_size > limit:
            raise CorpusError(too_big)
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, min(1 << 22, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise CorpusError(too_big)
        return b"".join(chunks)
    except OSError as exc:
        raise CorpusError(f"{path}: cannot read the {what}: {exc.strerror or exc}") from None
    finally:
        os.close(fd)


def _inside(folder: Path, name: str, where: str) -> Path:
    """``folder / name``, refused unless it stays inside ``folder`` once links are followed."""
    if Path(name).is_absolute() or name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
        raise CorpusError(f"{where}: file {name!r} is an absolute path; name a file inside the corpus folder {folder}")
    path = folder / name
    resolved = path.resolve()
    if not resolved.is_relative_to(folder.resolve()):
        how = "climbs out of" if ".." in Path(name).parts else "is a link that leads out of"
        raise CorpusError(
            f"{where}: file {name!r} {how} the corpus folder {folder}; every text must be inside it "
            "(copy the file into the folder)"
        )
    return path


def file_sha256(path: str | Path, *, max_file_mb: float | None = None) -> str:
    """SHA-256 of the file's bytes, as lowercase hex (regular files only, within the size limit)."""
    return hashlib.sha256(_read_bytes(Path(path), "file", _limit_bytes(max_file_mb))).hexdigest()


# --- decoding --------------------------------------------------------------------------------------


def _arabic_share(text: str) -> float:
    """Share of Arabic letters among the characters that are not whitespace."""
    visible = sum(1 for ch in text if not ch.isspace())
    return len(_ARABIC_LETTER.findall(text)) / visible if visible else 0.0


def _convert_hint(path: Path, encoding: str) -> str:
    return (
        f"convert it with `iconv -f {encoding} -t UTF-8 '{path.name}' > '{path.stem}.utf8.txt'` "
        "and point metadata.csv at the new file"
    )


_NOT_TEXT_TABLE: np.ndarray | None = None


def _not_text_table() -> np.ndarray:
    """Per BMP code point: a control character (not a line or tab), unassigned, private-use or a surrogate."""
    global _NOT_TEXT_TABLE
    if _NOT_TEXT_TABLE is None:
        table = np.fromiter(
            (unicodedata.category(chr(c)) in ("Cc", "Cn", "Co", "Cs") for c in range(0x10000)), dtype=bool
        )
        table[[0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x1F, 0x85]] = False  # whitespace controls
        _NOT_TEXT_TABLE = table
    return _NOT_TEXT_TABLE


def _not_text_count(text: str) -> int:
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    table = _not_text_table()
    small = codes[codes <= 0xFFFF]
    count = int(table[small].sum())
    for code in codes[codes > 0xFFFF].tolist():
        count += unicodedata.category(chr(code)) in ("Cn", "Co")
    return count


def _wide_hint(data: bytes, path: Path) -> str:
    """How to convert ``data`` if it is Arabic in UTF-16 without a byte-order mark, else ""."""
    for encoding in ("UTF-16LE", "UTF-16BE"):
        try:
            decoded = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _arabic_share(decoded) >= 0.5:
            return f"it reads as {encoding} without a byte-order mark: " + _convert_hint(path, encoding)
    return ""


def _decode(data: bytes, path: Path) -> str:
    """Decode a text file's bytes (UTF-8, BOM allowed) or say what it is instead."""
    for bom, encoding, order in _BOMS:
        if data.startswith(bom):
            raise CorpusError(
                f"{path}: encoded as {encoding} ({order}, by its byte-order mark), not UTF-8; "
                + _convert_hint(path, encoding)
            )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        where = f"not valid UTF-8 (byte {exc.start} is 0x{data[exc.start]:02x})"
        wide = _wide_hint(data, path)
        if wide:
            raise CorpusError(f"{path}: {where}; {wide}") from None
        if data.count(0) > len(data) // 10:
            raise CorpusError(f"{path}: {where}, and a tenth of its bytes are zero: a binary file?") from None
        decoded = data.decode("cp1256", errors="replace")
        if _arabic_share(decoded) >= 0.5:
            raise CorpusError(
                f"{path}: {where}. It reads as Windows-1256 (an older Arabic Windows encoding); "
                + _convert_hint(path, "WINDOWS-1256")
                + "."
            ) from None
        raise CorpusError(
            f"{path}: {where}, and it is not Arabic text in Windows-1256 either: is it a text file at all?"
        ) from None
    if not text.strip():
        raise CorpusError(f"{path}: the file is empty (no text to analyse)")
    bad = _not_text_count(text)
    if bad:
        visible = len(text) - len(re.findall(r"\s", text))
        if bad > _NOT_TEXT_SHARE * max(visible, 1):
            wide = _wide_hint(data, path)
            if wide:  # Arabic in UTF-16 is also valid UTF-8: ASCII letters and control characters
                raise CorpusError(f"{path}: not UTF-8 text; {wide}")
            raise CorpusError(
                f"{path}: {bad} of its {visible} visible characters are control, unassigned or private-use "
                "characters: this is not text (a binary file, or one converted from the wrong encoding)"
            )
    if not has_arabic_letters(text):  # presentation forms count too
        raise CorpusError(f"{path}: no Arabic letters found; is this the right file?")
    return text


def read_text(path: str | Path, *, max_file_mb: float | None = None) -> str:
    """Read one article: UTF-8 with or without BOM, newlines kept exactly as in the file.

    Newlines are *not* translated, so character offsets count exactly the decoded characters of
    the file (after a BOM, if any). Raises :class:`CorpusError` for a file that is not a regular
    file, is over the size limit, is in another encoding (UTF-16/32 by their byte-order mark, or
    Windows-1256, with the ``iconv`` command that converts it), is empty, is not text or has no
    Arabic.
    """
    path = Path(path)
    return _decode(_read_bytes(path, "text file", _limit_bytes(max_file_mb)), path)


# --- metadata --------------------------------------------------------------------------------------


def _read_metadata(folder: Path, limit: int) -> tuple[list[dict[str, str]], list[int], list[str]]:
    meta_path = folder / "metadata.csv"
    if not meta_path.exists() and not meta_path.is_symlink():
        raise CorpusError(f"{meta_path}: no metadata file. Create one with `arabic-themes init-corpus {folder}`.")
    _inside(folder, "metadata.csv", str(meta_path))
    data = _read_bytes(meta_path, "metadata file", limit)
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
    folder = Path(folder)
    if not folder.is_dir():
        raise CorpusError(f"{folder}: corpus folder not found")
    limit = _limit_bytes(max_file_mb)
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
        path = _inside(folder, row["file"], where)
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
        data = _read_bytes(path, "text file", limit)
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
        text = _decode(data, path)
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
    data = _read_bytes(path, "text file", limit)
    text = _decode(data, path)
    row = dict.fromkeys(METADATA_COLUMNS, "")
    row.update(
        doc_id=doc_id, file=path.name, sha256=hashlib.sha256(data).hexdigest(), chars=str(len(text)), language="ar"
    )
    return row


def _text_files(folder: Path) -> list[Path]:
    files = []
    for path in sorted(folder.glob("*.txt")):
        _inside(folder, path.name, str(path))
        files.append(path)
    return files


def write_metadata_template(folder: str | Path, *, overwrite: bool = False, max_file_mb: float | None = None) -> Path:
    """Write ``folder/metadata.csv`` for the ``.txt`` files in ``folder``; never touches the texts.

    ``doc_id`` comes from the file name (:func:`readable_doc_id`), ``sha256`` and ``chars`` are
    computed, and the fields only a reader can fill (headline, outlet, sources, date) are left
    blank. Refuses to replace an existing ``metadata.csv`` unless ``overwrite`` is true (see
    :func:`add_metadata_rows` to describe files added later).
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise CorpusError(f"{folder}: corpus folder not found")
    limit = _limit_bytes(max_file_mb)
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
    folder = Path(folder)
    if not folder.is_dir():
        raise CorpusError(f"{folder}: corpus folder not found")
    limit = _limit_bytes(max_file_mb)
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
    data = _read_bytes(target, "metadata file", limit)
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
