"""Links of a result notebook: ``relink`` points them at the files the run used, seen from ``OUT/notebooks``."""

from __future__ import annotations

from pathlib import Path

import nbformat

from arabic_themes.relink import parameter_defaults, relink


def _project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    for path in ("README.md", "data/codebook.yaml", "data/raw/metadata.csv", "notebooks/03_validate_coding.ipynb"):
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text("x", encoding="utf-8")
    return root


def _notebook(markdown: str) -> nbformat.NotebookNode:
    params = nbformat.v4.new_code_cell(
        'CORPUS = "../data/raw"\nCODEBOOK = "../data/codebook.yaml"\nOUTPUT = "../data/processed"\nROWS = 20\n'
        'SETS = "../data/a.csv ../data/b.csv"\nGLOSSES = "../data/glosses.csv"\n'
    )
    params.metadata["tags"] = ["parameters"]
    return nbformat.v4.new_notebook(cells=[params, nbformat.v4.new_markdown_cell(markdown)])


def test_parameter_defaults_are_the_string_assignments_of_the_parameters_cell() -> None:
    defaults = parameter_defaults(_notebook(""))
    assert defaults == {
        "CORPUS": "../data/raw",
        "CODEBOOK": "../data/codebook.yaml",
        "OUTPUT": "../data/processed",
        "SETS": "../data/a.csv ../data/b.csv",
        "GLOSSES": "../data/glosses.csv",
    }  # ROWS is a number, not a path


def test_links_lead_to_the_run_s_inputs_outputs_copies_and_the_project(tmp_path: Path) -> None:
    project = _project(tmp_path)
    corpus = tmp_path / "my texts"
    (corpus / "sub").mkdir(parents=True)
    out = tmp_path / "results" / "notebooks"
    book = tmp_path / "my book.yaml"
    parameters = {"CORPUS": str(corpus), "CODEBOOK": str(book), "OUTPUT": "../processed", "GLOSSES": ""}
    nb = _notebook(
        "[codebook](../data/codebook.yaml), [texts](../data/raw/), [metadata](../data/raw/metadata.csv), "
        "[coded](../data/processed/coded.csv), [readme](../README.md#check-the-coding), [next](02_code.ipynb), "
        "[validation](03_validate_coding.ipynb), [web](https://example.org/a.md), [here](#top), "
        "[gone](../data/missing.csv), [glosses](../data/glosses.csv)"
    )
    relink(nb, parameters, source=project / "notebooks", out=out, executed=["01_load.ipynb", "02_code.ipynb"])
    text = nb.cells[1].source
    assert "[codebook](../../my%20book.yaml)" in text  # the run's codebook, not the project's
    assert "[texts](../../my%20texts/)" in text and "[metadata](../../my%20texts/metadata.csv)" in text
    assert "[coded](../processed/coded.csv)" in text  # the run's output folder
    assert "[readme](../../project/README.md#check-the-coding)" in text  # the project's own file, anchor kept
    assert "[next](02_code.ipynb)" in text  # executed: its copy is beside this one
    assert "[validation](../../project/notebooks/03_validate_coding.ipynb)" in text  # not run: the project's
    assert "[web](https://example.org/a.md)" in text and "[here](#top)" in text
    assert "[gone](../data/missing.csv)" in text  # nowhere to lead: left as written
    assert "[glosses](../data/glosses.csv)" in text  # unset by the run and absent from the project


def test_every_rewritten_link_resolves_from_the_output_folder(tmp_path: Path) -> None:
    project = _project(tmp_path)
    out = tmp_path / "a" / "b" / "results" / "notebooks"
    out.mkdir(parents=True)
    nb = _notebook("[r](../README.md) [c](../data/codebook.yaml) [v](03_validate_coding.ipynb)")
    relink(nb, {}, source=project / "notebooks", out=out, executed=[])
    targets = [part.split(")")[0] for part in nb.cells[1].source.split("](")[1:]]
    assert len(targets) == 3 and all((out / t).resolve().is_file() for t in targets)
