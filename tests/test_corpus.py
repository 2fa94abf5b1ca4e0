"""Loading and checking a corpus folder: the real corpus, every error path, encodings, newlines, no writes."""

from __future__ import annotations

import csv
import hashlib
import os
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from arabic_themes.corpus import (
    METADATA_COLUMNS,
    CorpusError,
    file_sha256,
    load_corpus,
    read_text,
    write_metadata_template,
)

ARABIC = "قالت روسيا إنها لن تتدخل في الحرب."
ARABIC_2 = "وأكدت إيران أن الشراكة مستمرة."


# --- helpers ---------------------------------------------------------------------------------------


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _write_metadata(folder: Path, rows: list[dict[str, str]], columns: list[str] | None = None) -> Path:
    columns = columns or ["doc_id", "file", "sha256"]
    path = folder / "metadata.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def _make_corpus(folder: Path, files: dict[str, bytes]) -> Path:
    """Write ``files`` (name → bytes) and a correct metadata.csv listing them in order (doc1, doc2, …)."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    for i, (name, data) in enumerate(files.items(), start=1):
        (folder / name).write_bytes(data)
        rows.append({"doc_id": f"doc{i}", "file": name, "sha256": _sha(data)})
    _write_metadata(folder, rows)
    return folder


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under ``folder`` (relative name → (bytes, mtime_ns)); also catches new or removed files."""
    return {
        str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _metadata_rows(folder: Path) -> list[dict[str, str]]:
    with (folder / "metadata.csv").open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _error(folder: Path, **kwargs) -> str:
    with pytest.raises(CorpusError) as info:
        load_corpus(folder, **kwargs)
    return str(info.value)


# --- the real corpus -------------------------------------------------------------------------------


def test_real_corpus_has_five_rows_in_metadata_order(corpus: pd.DataFrame, raw_dir: Path) -> None:
    meta = _metadata_rows(raw_dir)
    assert len(corpus) == 5 == len(meta)
    assert corpus["doc_id"].tolist() == [row["doc_id"] for row in meta]
    assert corpus["file"].tolist() == [row["file"] for row in meta]
    assert corpus["doc_id"].is_unique


def test_real_corpus_columns_and_chars(corpus: pd.DataFrame, raw_dir: Path) -> None:
    assert list(corpus.columns[: len(METADATA_COLUMNS)]) == METADATA_COLUMNS
    assert {"text", "path"} <= set(corpus.columns)
    assert corpus["chars"].dtype == "int64"
    assert (corpus["chars"] == corpus["text"].str.len()).all()
    # chars recorded in metadata.csv agree with what was loaded
    recorded = {row["doc_id"]: int(row["chars"]) for row in _metadata_rows(raw_dir)}
    assert dict(zip(corpus["doc_id"], corpus["chars"], strict=True)) == recorded


def test_real_corpus_text_is_the_decoded_file(corpus: pd.DataFrame, raw_dir: Path) -> None:
    for row in corpus.itertuples():
        path = Path(row.path)
        assert path == raw_dir / row.file
        data = path.read_bytes()
        assert row.text == data.decode("utf-8-sig")
        assert file_sha256(path) == row.sha256 == _sha(data)
        assert re.search(r"[\u0621-\u064A]", row.text)


def test_real_corpus_keeps_extra_metadata(corpus: pd.DataFrame) -> None:
    row = corpus.set_index("doc_id").loc["middle_east_news"]
    assert row["headline"] == "هل ستتدخل روسيا عسكريا إذا تعرضت إيران لهجوم جديد؟"
    assert row["outlet"] == "ميدل ايست نيوز"
    assert (corpus["language"] == "ar").all()


# --- error paths, each naming the file or line at fault --------------------------------------------


def test_missing_folder(tmp_path: Path) -> None:
    folder = tmp_path / "nowhere"
    message = _error(folder)
    assert str(folder) in message and "not found" in message


def test_folder_is_a_file(tmp_path: Path) -> None:
    path = tmp_path / "corpus.txt"
    path.write_text(ARABIC, encoding="utf-8")
    assert str(path) in _error(path)


def test_missing_metadata(raw_copy: Path) -> None:
    (raw_copy / "metadata.csv").unlink()
    message = _error(raw_copy)
    assert str(raw_copy / "metadata.csv") in message
    assert "init-corpus" in message  # says how to fix it


@pytest.mark.parametrize("column", ["doc_id", "file", "sha256"])
def test_metadata_missing_required_column(raw_copy: Path, column: str) -> None:
    rows = _metadata_rows(raw_copy)
    _write_metadata(raw_copy, rows, [c for c in METADATA_COLUMNS if c != column])
    message = _error(raw_copy)
    assert "metadata.csv" in message and str(raw_copy) in message
    assert repr(column) in message


def test_metadata_with_header_only(raw_copy: Path) -> None:
    _write_metadata(raw_copy, [])
    message = _error(raw_copy)
    assert str(raw_copy / "metadata.csv") in message and "no rows" in message


def test_metadata_not_utf8_is_a_corpus_error(raw_copy: Path) -> None:
    """A metadata.csv saved by a spreadsheet in Windows-1256 is a CorpusError naming it, not a crash."""
    rows = _metadata_rows(raw_copy)
    path = raw_copy / "metadata.csv"
    with path.open("w", encoding="cp1256", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=METADATA_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    message = _error(raw_copy)
    assert str(path) in message
    assert "Windows-1256" in message and "iconv" in message


def test_sha256_mismatch_names_the_file(raw_copy: Path) -> None:
    target = raw_copy / "002_95c4b6759695dd39.txt"
    target.write_bytes(target.read_bytes() + " تعديل".encode())
    message = _error(raw_copy)
    assert str(target) in message
    assert "line 4" in message  # middle_east_news is the third row of metadata.csv
    assert file_sha256(target) in message
    # verify=False skips the check and loads the changed text
    loaded = load_corpus(raw_copy, verify=False)
    assert loaded.set_index("doc_id").loc["middle_east_news", "text"].endswith(" تعديل")


def test_sha256_is_case_insensitive(tmp_path: Path) -> None:
    data = ARABIC.encode("utf-8")
    folder = _make_corpus(tmp_path / "c", {"a.txt": data})
    _write_metadata(folder, [{"doc_id": "a", "file": "a.txt", "sha256": _sha(data).upper()}])
    assert load_corpus(folder)["text"].tolist() == [ARABIC]


def test_undecodable_cp1256_file(tmp_path: Path) -> None:
    folder = _make_corpus(tmp_path / "c", {"good.txt": ARABIC.encode("utf-8"), "old.txt": ARABIC_2.encode("cp1256")})
    message = _error(folder)
    assert str(folder / "old.txt") in message
    assert "UTF-8" in message
    assert "Windows-1256" in message and "iconv" in message
    # the suggested command really fixes it
    assert "iconv -f WINDOWS-1256 -t UTF-8 'old.txt'" in message


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "empty"),
        (b"  \n\t\r\n   \n", "empty"),
        ("\u3000\u00a0 \n".encode("utf-8"), "empty"),
        (b"Russia said it would not intervene in the war.\n", "no Arabic"),
        ("\ufeff".encode("utf-8"), "empty"),
    ],
    ids=["empty", "whitespace", "unicode-whitespace", "english", "bom-only"],
)
def test_file_without_usable_text(tmp_path: Path, content: bytes, expected: str) -> None:
    folder = _make_corpus(tmp_path / "c", {"good.txt": ARABIC.encode("utf-8"), "bad.txt": content})
    message = _error(folder)
    assert str(folder / "bad.txt") in message
    assert expected in message
    # read_text alone gives the same error
    with pytest.raises(CorpusError, match=expected):
        read_text(folder / "bad.txt")


def test_txt_without_metadata_row(raw_copy: Path) -> None:
    extra = raw_copy / "zz_extra.txt"
    extra.write_text(ARABIC, encoding="utf-8")
    message = _error(raw_copy)
    assert str(extra) in message and "no row" in message


def test_several_unlisted_txt_files_are_counted(raw_copy: Path) -> None:
    for name in ("x1.txt", "x2.txt", "x3.txt"):
        (raw_copy / name).write_text(ARABIC, encoding="utf-8")
    message = _error(raw_copy)
    assert str(raw_copy / "x1.txt") in message
    assert "2 more" in message and "x2.txt" in message


def test_metadata_row_whose_file_is_absent(raw_copy: Path) -> None:
    (raw_copy / "003_7e2c7084dbc5f5ca.txt").unlink()
    message = _error(raw_copy)
    assert "metadata.csv, line 5" in message  # no_protection is the fourth data row
    assert "003_7e2c7084dbc5f5ca.txt" in message and "no_protection" in message


def test_duplicate_doc_id_names_both_lines(raw_copy: Path) -> None:
    rows = _metadata_rows(raw_copy)
    rows[3]["doc_id"] = rows[1]["doc_id"]  # line 5 repeats line 3
    _write_metadata(raw_copy, rows, METADATA_COLUMNS)
    message = _error(raw_copy)
    assert "line 5" in message and "line 3" in message
    assert repr(rows[1]["doc_id"]) in message and "duplicate" in message


def test_duplicate_doc_id_line_numbers_count_blank_lines(raw_copy: Path) -> None:
    meta = raw_copy / "metadata.csv"
    lines = meta.read_text(encoding="utf-8").splitlines()
    # header, row1, blank, row2, row1 again → the duplicate is on physical line 5, the first use on line 2
    meta.write_text("\n".join([lines[0], lines[1], "", lines[2], lines[1]]) + "\n", encoding="utf-8")
    message = _error(raw_copy)
    assert "line 5" in message and "first used on line 2" in message


@pytest.mark.parametrize(
    "bad_sha",
    ["", "abc123", "z" * 64, "8ddb81a189cf5828a5e387c941d767fd4c16503625e16603ca1c85906385cd7"],
    ids=["empty", "short", "not-hex", "63-chars"],
)
def test_malformed_sha256(raw_copy: Path, bad_sha: str) -> None:
    rows = _metadata_rows(raw_copy)
    rows[0]["sha256"] = bad_sha
    _write_metadata(raw_copy, rows, METADATA_COLUMNS)
    message = _error(raw_copy)
    assert "metadata.csv, line 2" in message
    assert "000_9f42faf4eea37d04.txt" in message and "malformed" in message
    assert file_sha256(raw_copy / "000_9f42faf4eea37d04.txt") in message  # tells the right value


@pytest.mark.parametrize("bad_id", ["", "has space", "عربي", "-leading"], ids=["empty", "space", "arabic", "dash"])
def test_bad_doc_id(raw_copy: Path, bad_id: str) -> None:
    rows = _metadata_rows(raw_copy)
    rows[2]["doc_id"] = bad_id
    _write_metadata(raw_copy, rows, METADATA_COLUMNS)
    assert "metadata.csv, line 4" in _error(raw_copy)


def test_row_with_more_fields_than_header(raw_copy: Path) -> None:
    meta = raw_copy / "metadata.csv"
    lines = meta.read_text(encoding="utf-8").splitlines()
    lines[2] += ",surplus"
    meta.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert "metadata.csv, line 3" in _error(raw_copy)


# --- encodings and newlines ------------------------------------------------------------------------


def test_utf8_bom_loads_without_bom(tmp_path: Path) -> None:
    data = "\ufeff".encode("utf-8") + ARABIC.encode("utf-8")
    assert data.startswith(b"\xef\xbb\xbf")
    folder = _make_corpus(tmp_path / "c", {"bom.txt": data})
    loaded = load_corpus(folder)
    text = loaded["text"].iloc[0]
    assert text == ARABIC
    assert "\ufeff" not in text
    assert loaded["chars"].iloc[0] == len(ARABIC)


@pytest.mark.parametrize("newline", ["\r\n", "\r", "\n"], ids=["crlf", "cr", "lf"])
def test_newlines_are_preserved(tmp_path: Path, newline: str) -> None:
    text = newline.join(["عنوان", ARABIC, "", ARABIC_2]) + newline
    folder = _make_corpus(tmp_path / "c", {"a.txt": text.encode("utf-8")})
    loaded = load_corpus(folder)["text"].iloc[0]
    assert loaded == text  # not translated to \n
    assert loaded.count(newline) == 4
    if newline != "\n":
        assert "\n" not in loaded.replace("\r\n", "")
    assert load_corpus(folder)["chars"].iloc[0] == len(text)


# --- never writes ------------------------------------------------------------------------------------


def test_load_corpus_never_writes(raw_copy: Path) -> None:
    before = _snapshot(raw_copy)
    load_corpus(raw_copy)
    load_corpus(raw_copy, verify=False)
    assert _snapshot(raw_copy) == before


def test_load_corpus_never_writes_on_error(raw_copy: Path) -> None:
    extra = raw_copy / "zz_extra.txt"
    extra.write_text(ARABIC, encoding="utf-8")
    before = _snapshot(raw_copy)
    assert str(extra) in _error(raw_copy)  # unlisted file
    assert _snapshot(raw_copy) == before

    extra.unlink()
    target = raw_copy / "001_18a3d8ccaa993fb0.txt"
    target.write_bytes(target.read_bytes().replace("بوتين".encode(), "بوتن".encode(), 1))
    before = _snapshot(raw_copy)
    assert str(target) in _error(raw_copy)  # SHA-256 mismatch
    assert _snapshot(raw_copy) == before


def test_load_corpus_does_not_touch_the_real_raw_folder(raw_dir: Path) -> None:
    before = _snapshot(raw_dir)
    load_corpus(raw_dir)
    assert _snapshot(raw_dir) == before


# --- write_metadata_template -------------------------------------------------------------------------


def _texts_only(raw_dir: Path, target: Path) -> Path:
    target.mkdir()
    for path in raw_dir.glob("*.txt"):
        shutil.copy2(path, target / path.name)
    return target


def test_write_metadata_template(raw_dir: Path, tmp_path: Path) -> None:
    folder = _texts_only(raw_dir, tmp_path / "new")
    texts_before = _snapshot(folder)
    written = write_metadata_template(folder)
    assert written == folder / "metadata.csv"
    # the texts are untouched, only metadata.csv was added (no temporary file left behind)
    after = _snapshot(folder)
    assert set(after) == set(texts_before) | {"metadata.csv"}
    assert {k: v for k, v in after.items() if k != "metadata.csv"} == texts_before

    rows = _metadata_rows(folder)
    with written.open(encoding="utf-8", newline="") as handle:
        assert next(csv.reader(handle)) == METADATA_COLUMNS
    files = sorted(p.name for p in folder.glob("*.txt"))
    assert [row["file"] for row in rows] == files
    for row in rows:
        data = (folder / row["file"]).read_bytes()
        assert row["doc_id"] == Path(row["file"]).stem
        assert row["sha256"] == _sha(data)
        assert int(row["chars"]) == len(data.decode("utf-8-sig"))
        for column in ("headline", "outlet", "sources_cited", "date_stated", "date_stated_text"):
            assert row[column] == "", column

    loaded = load_corpus(folder)
    assert loaded["doc_id"].tolist() == [Path(f).stem for f in files]
    assert (loaded["chars"] == loaded["text"].str.len()).all()


def test_write_metadata_template_chars_match_real_metadata(raw_dir: Path, tmp_path: Path) -> None:
    folder = _texts_only(raw_dir, tmp_path / "new")
    write_metadata_template(folder)
    ours = {row["file"]: (row["sha256"], row["chars"]) for row in _metadata_rows(folder)}
    real = {row["file"]: (row["sha256"], row["chars"]) for row in _metadata_rows(raw_dir)}
    assert ours == real


def test_write_metadata_template_refuses_to_overwrite(raw_copy: Path) -> None:
    meta = raw_copy / "metadata.csv"
    before = _snapshot(raw_copy)
    with pytest.raises(CorpusError) as info:
        write_metadata_template(raw_copy)
    assert str(meta) in str(info.value) and "already exists" in str(info.value)
    assert _snapshot(raw_copy) == before  # metadata.csv unchanged (bytes and mtime), nothing added


def test_write_metadata_template_overwrite_true(raw_copy: Path) -> None:
    write_metadata_template(raw_copy, overwrite=True)
    rows = _metadata_rows(raw_copy)
    assert all(row["headline"] == "" for row in rows)
    assert len(load_corpus(raw_copy)) == 5


def test_write_metadata_template_makes_valid_unique_doc_ids(tmp_path: Path) -> None:
    folder = tmp_path / "c"
    folder.mkdir()
    for name in ("مقال.txt", "a b.txt", "a_b.txt", "_x.txt"):
        (folder / name).write_text(ARABIC, encoding="utf-8")
    write_metadata_template(folder)
    ids = [row["doc_id"] for row in _metadata_rows(folder)]
    assert len(set(ids)) == len(ids) == 4
    assert all(re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", i) for i in ids)
    assert len(load_corpus(folder)) == 4


def test_write_metadata_template_errors(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="not found"):
        write_metadata_template(tmp_path / "nowhere")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(CorpusError, match="no .txt files"):
        write_metadata_template(empty)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "a.txt").write_bytes(ARABIC.encode("cp1256"))
    with pytest.raises(CorpusError, match="Windows-1256"):
        write_metadata_template(bad)
    assert not (bad / "metadata.csv").exists()
    assert os.listdir(bad) == ["a.txt"]


# --- confinement: every file inside the corpus folder, regular, within the size limit (issue 17.4) ---------


def test_metadata_naming_a_file_outside_the_folder_is_refused_without_its_hash(tmp_path: Path) -> None:
    outside = tmp_path / "outside" / "private.txt"
    outside.parent.mkdir()
    outside.write_text(ARABIC_2, encoding="utf-8")
    folder = _make_corpus(tmp_path / "c", {"a.txt": ARABIC.encode("utf-8")})
    for name in ("../outside/private.txt", str(outside), "sub/../../outside/private.txt"):
        _write_metadata(folder, [{"doc_id": "a", "file": "a.txt", "sha256": _sha(ARABIC.encode())},
                                 {"doc_id": "p", "file": name, "sha256": "0" * 64}])
        message = _error(folder)
        assert "metadata.csv, line 3" in message and repr(name) in message
        assert ("absolute path" if name.startswith("/") else "out of the corpus folder") in message
        assert _sha(outside.read_bytes()) not in message  # nothing about the outside file leaks


def test_a_symlink_leading_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "private.txt"
    outside.write_text(ARABIC_2, encoding="utf-8")
    folder = _make_corpus(tmp_path / "c", {"a.txt": ARABIC.encode("utf-8")})
    (folder / "link.txt").symlink_to(outside)
    _write_metadata(folder, [{"doc_id": "a", "file": "a.txt", "sha256": _sha(ARABIC.encode())},
                             {"doc_id": "l", "file": "link.txt", "sha256": "bad"}])
    message = _error(folder)
    assert "'link.txt' is a link that leads out of the corpus folder" in message
    assert _sha(outside.read_bytes()) not in message
    # a link that stays inside the folder is fine
    (folder / "link.txt").unlink()
    (folder / "link.txt").symlink_to(folder / "a.txt")
    _write_metadata(folder, [{"doc_id": "a", "file": "a.txt", "sha256": _sha(ARABIC.encode())},
                             {"doc_id": "l", "file": "link.txt", "sha256": _sha(ARABIC.encode())}])
    assert load_corpus(folder)["text"].tolist() == [ARABIC, ARABIC]
    # init-corpus on a folder holding a link to /dev/zero: refused at once (no read, no memory blow-up)
    zero = tmp_path / "z"
    zero.mkdir()
    (zero / "zero.txt").symlink_to("/dev/zero")
    with pytest.raises(CorpusError, match="leads out of the corpus folder"):
        write_metadata_template(zero)


def _with_alarm(seconds: int):
    """Fail instead of hanging for ever (a FIFO read would block)."""
    import signal

    def fail(*_):
        raise TimeoutError("hung")

    signal.signal(signal.SIGALRM, fail)
    signal.alarm(seconds)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_fifo_or_a_directory_named_txt_is_a_clear_error_not_a_hang(tmp_path: Path) -> None:
    import signal

    folder = _make_corpus(tmp_path / "c", {"a.txt": ARABIC.encode("utf-8")})
    os.mkfifo(folder / "pipe.txt")
    rows = [{"doc_id": "a", "file": "a.txt", "sha256": _sha(ARABIC.encode())},
            {"doc_id": "p", "file": "pipe.txt", "sha256": "0" * 64}]
    _write_metadata(folder, rows)
    _with_alarm(10)
    try:
        assert "is a FIFO (named pipe), not a regular file" in _error(folder, verify=False)
        assert "is a FIFO" in _error(folder)
        with pytest.raises(CorpusError, match="FIFO"):
            write_metadata_template(folder, overwrite=True)
        with pytest.raises(CorpusError, match="FIFO"):
            read_text(folder / "pipe.txt")
    finally:
        signal.alarm(0)
    (folder / "pipe.txt").unlink()
    (folder / "pipe.txt").mkdir()
    assert f"{folder / 'pipe.txt'}: is a directory, not a regular file" in _error(folder)
    _write_metadata(folder, rows[:1])  # unlisted: still named, not a traceback
    assert "a directory named like a text file" in _error(folder)
    with pytest.raises(CorpusError, match="is a directory"):
        write_metadata_template(folder, overwrite=True)


def test_size_limit_per_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    big = (ARABIC + "\n").encode("utf-8") * 40  # about 2.6 kB
    folder = _make_corpus(tmp_path / "c", {"a.txt": ARABIC.encode("utf-8"), "big.txt": big})
    message = _error(folder, max_file_mb=0.001)
    assert str(folder / "big.txt") in message and "larger than the limit of 0.001 MB per file" in message
    assert "--max-file-mb" in message
    assert len(load_corpus(folder, max_file_mb=0.01)) == 2
    monkeypatch.setenv("ARABIC_THEMES_MAX_FILE_MB", "0.001")
    assert "larger than the limit" in _error(folder)
    with pytest.raises(CorpusError, match="larger than the limit"):
        read_text(folder / "big.txt")
    monkeypatch.setenv("ARABIC_THEMES_MAX_FILE_MB", "lots")
    assert "is not a number" in _error(folder)
    monkeypatch.delenv("ARABIC_THEMES_MAX_FILE_MB")
    assert len(load_corpus(folder)) == 2  # the default (50 MB) is generous


# --- encodings (issue 12.7) ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "named", "order"),
    [
        ("utf-16", "UTF-16", "little-endian"),
        ("utf-16-be", "UTF-16", "big-endian"),
        ("utf-32", "UTF-32", "little-endian"),
    ],
)
def test_utf16_and_utf32_are_named_by_their_byte_order_mark(
    tmp_path: Path, encoding: str, named: str, order: str
) -> None:
    data = ARABIC.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    folder = _make_corpus(tmp_path / "c", {"wide.txt": data})
    message = _error(folder)
    assert f"encoded as {named} ({order}, by its byte-order mark)" in message
    assert f"iconv -f {named} -t UTF-8 'wide.txt'" in message
    assert "Windows-1256" not in message


def test_utf16_without_a_byte_order_mark_is_recognised(tmp_path: Path) -> None:
    folder = _make_corpus(tmp_path / "c", {"wide.txt": ARABIC.encode("utf-16-le")})
    message = _error(folder)
    assert "reads as UTF-16LE without a byte-order mark" in message and "iconv -f UTF-16LE" in message


def test_random_bytes_get_no_windows_1256_hint(tmp_path: Path) -> None:
    import random

    rng = random.Random(7)
    noise = bytes(rng.randrange(256) for _ in range(4000))
    folder = _make_corpus(tmp_path / "c", {"noise.txt": noise})
    message = _error(folder)
    assert "not valid UTF-8" in message and "Windows-1256" in message  # says it is *not* Windows-1256 text
    assert "iconv" not in message and "is it a text file at all?" in message


def test_binary_converted_from_windows_1256_is_not_text(tmp_path: Path) -> None:
    """What a user gets by running the suggested iconv on a binary file: refused as not text."""
    import random

    rng = random.Random(8)
    noise = bytes(rng.randrange(256) for _ in range(4000)).decode("cp1256", errors="replace")
    folder = _make_corpus(tmp_path / "c", {"converted.txt": noise.encode("utf-8")})
    message = _error(folder)
    assert str(folder / "converted.txt") in message and "control, unassigned or private-use" in message
    # real Arabic with a stray control character is still text
    folder2 = _make_corpus(tmp_path / "d", {"ok.txt": (ARABIC + "\x00" + ARABIC_2).encode("utf-8")})
    assert len(load_corpus(folder2)) == 1


# --- doc_ids from file names, and init-corpus --add (issue 12.10) -------------------------------------


@pytest.mark.parametrize(
    ("name", "doc_id"),
    [
        ("موسكو وطهران.txt", "mwskw_wthran"),
        ("مقال ٢٠٢٥.txt", "mqal_2025"),
        ("000_9f42faf4eea37d04.txt", "000_9f42faf4eea37d04"),
        ("Moscow and Tehran.txt", "Moscow_and_Tehran"),
        ("؟؟؟.txt", "doc"),
        ("روسيا لم تقدم لإيران سوى تصريحات دبلوماسية رغم معاهدة الشراكة.txt", "rwsya_lm_tqdm_liyran_swa_tsryhat"),
    ],
)
def test_readable_doc_id(name: str, doc_id: str) -> None:
    from arabic_themes.corpus import readable_doc_id

    assert readable_doc_id(name) == doc_id
    assert len(doc_id) <= 40 and re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", doc_id)


def test_arabic_file_names_get_distinct_readable_doc_ids(tmp_path: Path) -> None:
    folder = tmp_path / "c"
    folder.mkdir()
    for name in ("موسكو.txt", "طهران.txt", "طهران!.txt"):
        (folder / name).write_text(ARABIC, encoding="utf-8")
    write_metadata_template(folder)
    assert [row["doc_id"] for row in _metadata_rows(folder)] == ["thran", "thran_2", "mwskw"]


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_add_metadata_rows_appends_and_keeps_existing_rows(tmp_path: Path, newline: str) -> None:
    from arabic_themes.corpus import add_metadata_rows

    folder = _make_corpus(tmp_path / "c", {"a.txt": ARABIC.encode("utf-8")})
    meta = folder / "metadata.csv"
    # a reader filled in a headline, reordered the columns and added one of their own
    text = f"file,doc_id,sha256,headline,my_note{newline}a.txt,doc1,{_sha(ARABIC.encode())},عنوان,keep me{newline}"
    meta.write_bytes(text.encode("utf-8"))
    assert add_metadata_rows(folder) == []  # nothing new: untouched
    assert meta.read_bytes() == text.encode("utf-8")
    (folder / "موسكو.txt").write_text(ARABIC_2, encoding="utf-8")
    (folder / "doc1.txt").write_text(ARABIC_2, encoding="utf-8")  # its id would clash with the existing doc1
    assert add_metadata_rows(folder) == ["doc1_2", "mwskw"]
    data = meta.read_bytes()
    assert data.startswith(text.encode("utf-8"))  # every byte of the existing rows kept
    assert data.decode("utf-8")[len(text):].split(newline)[:2] == [
        f"doc1.txt,doc1_2,{_sha(ARABIC_2.encode())},,",
        f"موسكو.txt,mwskw,{_sha(ARABIC_2.encode())},,",
    ]
    loaded = load_corpus(folder)
    assert loaded["doc_id"].tolist() == ["doc1", "doc1_2", "mwskw"]
    assert loaded["headline"].tolist() == ["عنوان", "", ""] and loaded["my_note"].tolist() == ["keep me", "", ""]
    assert [p.name for p in folder.iterdir() if p.name.startswith(".")] == []  # no temporary file left
