"""Every loader reports a bad input file as an InputError naming the file (and line); nothing lower-level escapes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from arabic_themes import (
    CodebookError,
    InputError,
    InputNotFoundError,
    TermError,
    compile_term,
    load_actors,
    load_codebook,
    load_cues,
    load_glosses,
    load_glue_repairs,
    load_reference,
    load_run_in_headings,
    load_spelling_variants,
)

LOADERS: dict[str, tuple[Callable[[Path], object], str]] = {
    "codebook": (load_codebook, "yaml"),
    "actors": (load_actors, "yaml"),
    "cues": (load_cues, "yaml"),
    "glosses": (load_glosses, "csv"),
    "glue": (load_glue_repairs, "csv"),
    "headings": (load_run_in_headings, "csv"),
    "variants": (load_spelling_variants, "csv"),
    "reference": (lambda p: load_reference(p, ["t"]), "csv"),
}


@pytest.mark.parametrize("name", sorted(LOADERS))
def test_missing_file_is_an_input_error_naming_it(tmp_path: Path, name: str) -> None:
    load, ext = LOADERS[name]
    path = tmp_path / f"absent.{ext}"
    with pytest.raises(InputError, match=f"{path}: .*not found") as info:
        load(path)
    if name == "codebook":
        assert isinstance(info.value, CodebookError)
    else:  # still a FileNotFoundError, as before
        assert isinstance(info.value, InputNotFoundError) and isinstance(info.value, FileNotFoundError)


@pytest.mark.parametrize("name", sorted(LOADERS))
def test_a_folder_instead_of_a_file_is_an_input_error(tmp_path: Path, name: str) -> None:
    load, _ = LOADERS[name]
    with pytest.raises(InputError, match=f"{tmp_path}: cannot read"):
        load(tmp_path)


@pytest.mark.parametrize("name", sorted(LOADERS))
def test_a_file_not_in_utf8_is_an_input_error(tmp_path: Path, name: str) -> None:
    load, ext = LOADERS[name]
    path = tmp_path / f"old.{ext}"
    content = "id: روسيا\n" if ext == "yaml" else "doc_id,heading,glued,repaired,variant,canonical\nروسيا,x,y,z,a,b\n"
    path.write_bytes(content.encode("cp1256"))
    with pytest.raises(InputError, match=f"{path}: not valid UTF-8 \\(byte \\d+ is 0x[0-9a-f]{{2}}\\)"):
        load(path)


@pytest.mark.parametrize("name", [n for n in sorted(LOADERS) if LOADERS[n][1] == "yaml"])
def test_yaml_syntax_error_names_the_line_in_one_line(tmp_path: Path, name: str) -> None:
    load, _ = LOADERS[name]
    path = tmp_path / "bad.yaml"
    path.write_text("themes:\n  - id: a\n    label_ar: [unclosed\n", encoding="utf-8")
    with pytest.raises(InputError, match=f"^{path}, line 4: not valid YAML: ") as info:
        load(path)
    assert "\n" not in str(info.value)


def test_malformed_regex_term_is_a_term_error() -> None:
    with pytest.raises(TermError, match="missing \\)"):
        compile_term("re:(دعم")
