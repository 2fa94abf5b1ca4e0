"""Run the analysis notebooks on another corpus, into an output folder of their own (``arabic-themes analyse``).

:func:`run_analysis` checks every input (:mod:`arabic_themes.run_inputs`) and the output folder
(:mod:`arabic_themes.output_folder`) before the first notebook runs; it then works in a temporary
folder next to the output folder and renames it into place only when every notebook has
succeeded, so the output folder is either complete or untouched. Cells tagged ``project-corpus``
(the hand-written reading of the project's own five articles) are left out; every number the
result notebooks state is computed from the run's own tables, and their links lead to the files
the run used (:func:`arabic_themes.relink.relink`). :func:`read_run` reads back the
record of the inputs a run used (``run.json``).
"""

from __future__ import annotations

import ast
import copy
import hashlib
import json
import os
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from arabic_themes.execution import (
    AnalysisInterrupted,
    NotebookFailed,
    Progress,
    execute_notebook,
    notebook_failed,
    progress_to_stderr,
    scrub_metadata,
)
from arabic_themes.output_folder import OutputFolderError, check_output_folder, claimed, no_interrupt, remove
from arabic_themes.relink import link_to, relink
from arabic_themes.run_inputs import PROJECT, analysis_parameters, check_inputs
from arabic_themes.textfiles import MAX_FILE_ENV

__all__ = ["PROJECT_TAG", "RUN_FILE", "read_run", "run_analysis"]

#: Cells with this tag speak of the project's own corpus; :func:`run_analysis` leaves them out.
PROJECT_TAG = "project-corpus"
#: What :func:`run_analysis` writes into the output folder to record how the run was made.
RUN_FILE = "run.json"


def _declared(nb: Any) -> list[str]:
    """Names assigned in the notebook's cell tagged ``parameters``."""
    for cell in nb.cells:
        if cell.cell_type == "code" and "parameters" in cell.metadata.get("tags", []):
            names = []
            for node in ast.parse(str(cell.source)).body:
                if isinstance(node, ast.Assign):
                    names += [t.id for t in node.targets if isinstance(t, ast.Name)]
            return names
    return []


def _prepared(nb: Any, parameters: Mapping[str, object]) -> Any:
    """A copy of ``nb`` without ``project-corpus`` cells and with the parameters it declares
    injected after its ``parameters`` cell (papermill's convention, with a fixed cell id)."""
    import nbformat

    nb = copy.deepcopy(nb)
    nb.cells = [c for c in nb.cells if PROJECT_TAG not in c.metadata.get("tags", [])]
    declared = _declared(nb)
    given = {k: v for k, v in parameters.items() if k in declared}
    source = "# Parameters (set by arabic-themes analyse)\n" + "".join(f"{k} = {v!r}\n" for k, v in given.items())
    cell = nbformat.v4.new_code_cell(source=source)
    cell.id = "injected-parameters"
    cell.metadata["tags"] = ["injected-parameters"]
    at = next(
        (i + 1 for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])),
        0,
    )
    nb.cells.insert(at, cell)
    return nb


#: The inputs a result notebook names in its note on the run, in this order.
_INPUTS = {
    "CORPUS": "corpus",
    "CODEBOOK": "codebook",
    "REFERENCE": "reference coding",
    "CODEBOOK_TEST_SET": "the codebook's real-text test set",
    "RUN_IN_HEADINGS": "run-in headings",
    "GLUED_WORDS": "glued words",
    "ACTORS": "actors",
    "CUES": "attribution cues",
    "SPELLING_VARIANTS": "spelling variants",
    "CLAIMS": "claims",
    "TIMELINE": "timeline",
    "GLOSSES": "English glosses",
}


def _run_note(nb: Any, parameters: Mapping[str, str], out: Path) -> Any:
    """A Markdown cell saying that ``analyse`` ran this copy, and which file it used for each input the
    notebook declares (the corpus's own, the project's, or one given), linked from ``out``."""
    import nbformat

    corpus = Path(parameters["CORPUS"]).resolve()
    declared = _declared(nb)
    items = []
    for key, label in _INPUTS.items():
        if key not in declared:
            continue
        value = parameters.get(key, "")
        if not value:
            items.append(f"{label}: none")
            continue
        path = Path(value).resolve()
        if key == "CORPUS":
            items.append(f"{label}: [`{path.name}/`]({link_to(path, out, True)})")
            continue
        whose = (
            "the corpus's"
            if path.is_relative_to(corpus)
            else "the project's"
            if path.is_relative_to(PROJECT)
            else "given"
        )
        items.append(f"{label}: [`{path.name}`]({link_to(path, out, path.is_dir())}) ({whose})")
    cell = nbformat.v4.new_markdown_cell(
        "**This copy was run by `arabic-themes analyse`.** The cells about the project's own articles are left out, "
        "every number is computed from this run, and the links lead to the files it used. Its inputs: "
        + "; ".join(items)
        + "."
    )
    cell.id = "analyse-run"
    return cell


def _plan(notebooks: Path, *, reference: bool) -> tuple[list[str], list[str]]:
    """The numbered notebooks to run, in order, and those skipped (03 without a reference coding)."""
    found = sorted(notebooks.glob("[0-9][0-9]_*.ipynb")) if notebooks.is_dir() else []
    if not found:
        raise NotebookFailed(
            f"no analysis notebooks (01_….ipynb) in {notebooks}: they come with the project's repository, not "
            "with the package. Install it from a clone (pip install -e .), or pass --notebooks FOLDER"
        )
    skipped = [p.name for p in found if p.name.startswith("03_") and not reference]
    return [p.name for p in found if p.name not in skipped], skipped


def _sha256(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest() if path else ""


def read_run(out: str | Path) -> dict[str, Any]:
    """The record ``analyse`` left in its output folder (``run.json``): the inputs it used."""
    from arabic_themes.errors import InputError, InputNotFoundError, read_input_text

    path = Path(out) / RUN_FILE
    try:
        record = json.loads(read_input_text(path, "run record", missing=InputNotFoundError))
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not valid JSON (line {exc.lineno}): {exc.msg}") from None
    if not isinstance(record, dict) or not isinstance(record.get("parameters"), dict):
        raise InputError(f"{path}: not a run record of arabic-themes analyse")
    return record


def run_analysis(
    corpus: str | Path,
    out: str | Path,
    *,
    codebook: str | Path | None = None,
    reference: str | Path | None = None,
    notebooks: str | Path | None = None,
    force: bool = False,
    max_file_mb: float | None = None,
    timeout: int = 3600,
    progress: Progress | None = progress_to_stderr,
) -> list[Path]:
    """Run every numbered notebook on another corpus, into ``out``; return the executed notebooks.

    Executed copies go to ``out/notebooks``, CSVs to ``out/processed``, figures to ``out/figures``,
    and ``out/run.json`` records the inputs used (for ``export-qda --run``). Every input is checked
    first (:func:`check_inputs`); ``out`` may not lie inside the project or the corpus
    (:func:`check_output_folder`), is locked for the run, and must be new or empty — or, with
    ``force``, an earlier run's folder (it has a ``run.json``), which is then replaced whole. The
    notebooks run in a temporary folder next to ``out`` that is renamed into place only when all of
    them succeeded; on an error or Ctrl-C it is removed and ``out`` is as it was. Notebook 03
    (validation) runs only when a ``reference`` coding is given.
    """
    import nbformat
    from nbclient.exceptions import CellExecutionError

    from arabic_themes import __version__

    source = Path(notebooks).resolve() if notebooks else PROJECT / "notebooks"
    corpus_dir = Path(corpus).resolve()
    if codebook is None and not (PROJECT / "data" / "codebook.yaml").is_file():
        raise NotebookFailed(
            f"the project's codebook ({PROJECT / 'data' / 'codebook.yaml'}) is not installed with the package; "
            "install it from a clone (pip install -e .) or pass --codebook"
        )
    parameters = analysis_parameters(corpus_dir, out, codebook=codebook, reference=reference)
    inputs = [parameters[k] for k in ("CODEBOOK", "REFERENCE")]
    target = check_output_folder(Path(out), corpus=corpus_dir, inputs=inputs, notebooks=source)
    names, skipped = _plan(source, reference=bool(reference))
    if progress is not None:
        progress(f"checking the inputs: corpus {corpus_dir}, codebook {parameters['CODEBOOK']} …")
    check_inputs(parameters, max_file_mb=max_file_mb)

    target.parent.mkdir(parents=True, exist_ok=True)
    with claimed(target):
        if target.exists() and not target.is_dir():
            raise OutputFolderError(f"{out}: exists and is not a folder; choose a new output folder")
        if target.is_dir() and any(target.iterdir()):
            if not force:
                raise OutputFolderError(f"{out}: exists and is not empty; choose a new output folder (or --force)")
            if not (target / RUN_FILE).is_file():
                raise OutputFolderError(
                    f"{out}: holds files that are not an earlier analyse run (no {RUN_FILE}); "
                    "refusing to replace them even with --force"
                )
        work = target.parent / f".{target.name}.partial"
        old = target.parent / f".{target.name}.old"
        for stale in (work, old):  # left by a run that was killed (we hold the lock)
            remove(stale)
        limit_before = os.environ.get(MAX_FILE_ENV)
        try:
            if max_file_mb is not None:
                os.environ[MAX_FILE_ENV] = str(max_file_mb)  # read by load_corpus in the kernels
            (work / "notebooks").mkdir(parents=True)
            (work / "processed").mkdir()
            (work / "figures").mkdir()
            for name in skipped:
                if progress is not None:
                    progress(f"skipping {name}: no reference coding given (--reference)")
            done = []
            for name in names:
                began = time.perf_counter()
                if progress is not None:
                    progress(f"executing {name} …")
                nb = _prepared(nbformat.read(source / name, as_version=4), parameters)
                relink(nb, parameters, source=source, out=target / "notebooks", executed=names)
                nb.cells.insert(1, _run_note(nb, parameters, target / "notebooks"))
                try:
                    execute_notebook(
                        nb, work / "notebooks", name=name.split(".")[0], timeout=timeout, progress=progress
                    )
                except CellExecutionError as exc:
                    raise notebook_failed(name, nb, exc) from None
                except AnalysisInterrupted:
                    raise
                except Exception as exc:  # a dead kernel, a timeout: one line, not a traceback
                    raise notebook_failed(name, nb, exc) from None
                scrub_metadata(nb)
                nbformat.write(nb, work / "notebooks" / name)
                done.append(target / "notebooks" / name)
                if progress is not None:
                    progress(f"  done in {time.perf_counter() - began:.1f} s")
            record = {
                "arabic_themes": __version__,
                "corpus": parameters["CORPUS"],
                "codebook": parameters["CODEBOOK"],
                "codebook_sha256": _sha256(parameters["CODEBOOK"]),
                "reference": parameters["REFERENCE"],
                "max_file_mb": max_file_mb,
                "notebooks": names,
                "parameters": parameters,
            }
            (work / RUN_FILE).write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
            with no_interrupt():
                if target.exists():
                    target.rename(old)
                try:
                    work.rename(target)
                except OSError:
                    if old.exists():
                        old.rename(target)
                    raise
                remove(old)
        finally:
            if limit_before is None:
                os.environ.pop(MAX_FILE_ENV, None)
            else:
                os.environ[MAX_FILE_ENV] = limit_before
            with no_interrupt():
                remove(work)
    return done
