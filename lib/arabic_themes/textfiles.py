"""Read one text file of a corpus safely: confined to its folder, a regular file within a size limit,
decoded as UTF-8 or refused with a message that says what it is instead.

Every file is read from *inside* the corpus folder (:func:`inside`): a name that is an absolute
path, climbs out with ``..`` or is a link leading out of the folder is refused, and so is anything
that is not a regular file (a directory, a FIFO, a device), before a byte of it is read. A file may
hold at most :data:`MAX_FILE_MB` megabytes (10⁶ bytes; ``max_file_mb=`` or the environment
variable ``ARABIC_THEMES_MAX_FILE_MB`` raises the limit), so a wrong file fails at once instead of
filling the memory. :func:`decode` accepts UTF-8 with or without BOM and names UTF-16/32 (by
their byte-order mark, or without one) and Windows-1256 with the ``iconv`` command that converts
them; an empty file, one that is not text or one without Arabic is refused too.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import stat
import unicodedata
from pathlib import Path

import numpy as np

from arabic_themes.errors import InputError
from arabic_themes.normalisation import has_arabic_letters

__all__ = [
    "MAX_FILE_ENV",
    "MAX_FILE_MB",
    "CorpusError",
    "decode",
    "file_sha256",
    "inside",
    "limit_bytes",
    "read_bytes",
    "read_text",
]

#: Default size limit per file (text or metadata), in megabytes of 10⁶ bytes.
MAX_FILE_MB = 50.0
#: The environment variable that raises (or lowers) :data:`MAX_FILE_MB`.
MAX_FILE_ENV = "ARABIC_THEMES_MAX_FILE_MB"
_ARABIC_LETTER = re.compile(r"[\u0621-\u063A\u0641-\u064A\u0671-\u06D3\u06FA-\u06FF]")
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


def limit_bytes(max_file_mb: float | None) -> int:
    """The size limit per file in bytes: ``max_file_mb``, else :data:`MAX_FILE_ENV`, else :data:`MAX_FILE_MB`."""
    if max_file_mb is None:
        given = os.environ.get(MAX_FILE_ENV, "").strip()
        try:
            max_file_mb = float(given) if given else MAX_FILE_MB
        except ValueError:
            raise CorpusError(f"{MAX_FILE_ENV}={given!r} is not a number of megabytes") from None
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


def read_bytes(path: Path, what: str, limit: int) -> bytes:
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
            f"or raise the limit (--max-file-mb, or the environment variable {MAX_FILE_ENV})"
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


def inside(folder: Path, name: str, where: str) -> Path:
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
    return hashlib.sha256(read_bytes(Path(path), "file", limit_bytes(max_file_mb))).hexdigest()


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


def decode(data: bytes, path: Path) -> str:
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
    return decode(read_bytes(path, "text file", limit_bytes(max_file_mb)), path)
