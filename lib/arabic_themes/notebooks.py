"""Execute the analysis notebooks: in place for the project (``make run``), or on another corpus into
an output folder of its own (``arabic-themes analyse``).

:func:`run_notebooks` executes each notebook top to bottom in a fresh kernel with its own folder as
working directory (as JupyterLab and nbval do), then saves it with execution timestamps and
interpreter-specific metadata removed, so that running the analysis twice leaves ``git status``
clean. The kernel itself is driven by :mod:`arabic_themes.execution`.

:func:`run_analysis` (:mod:`arabic_themes.analysis`) runs the same notebooks on another corpus,
after checking every input (:mod:`arabic_themes.run_inputs`) and the output folder
(:mod:`arabic_themes.output_folder`); it is imported here too, so that this module stays the one
place to run notebooks from.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import Path

from arabic_themes.analysis import PROJECT_TAG, RUN_FILE, read_run, run_analysis
from arabic_themes.execution import (
    AnalysisInterrupted,
    NotebookFailed,
    Progress,
    execute_notebook,
    notebook_failed,
    progress_to_stderr,
    scrub_metadata,
)
from arabic_themes.output_folder import OutputFolderError, check_output_folder
from arabic_themes.run_inputs import PROJECT, analysis_parameters, check_inputs

__all__ = [
    "PROJECT",
    "PROJECT_TAG",
    "RUN_FILE",
    "AnalysisInterrupted",
    "NotebookFailed",
    "OutputFolderError",
    "analysis_parameters",
    "check_inputs",
    "check_output_folder",
    "read_run",
    "run_analysis",
    "run_notebook",
    "run_notebooks",
    "scrub_metadata",
]


def run_notebook(
    path: str | Path,
    *,
    timeout: int = 600,
    output: str | Path | None = None,
    progress: Progress | None = None,
) -> Path:
    """Execute one notebook (cwd = its folder) and write it to ``output`` (default: in place)."""
    import nbformat
    from nbclient.exceptions import CellExecutionError

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    try:
        execute_notebook(nb, path.parent.resolve(), name=path.stem, timeout=timeout, progress=progress)
    except CellExecutionError as exc:
        raise notebook_failed(path.name, nb, exc) from None
    scrub_metadata(nb)
    target = Path(output) if output else path
    tmp = target.with_name(f".{target.name}.tmp")
    nbformat.write(nb, tmp)
    tmp.replace(target)
    return target


def run_notebooks(paths: Iterable[str | Path], *, progress: Progress | None = progress_to_stderr) -> list[Path]:
    """Execute notebooks in the order given (sorted names ``01_…``, ``02_…`` in the CLI)."""
    done = []
    for path in paths:
        began = time.perf_counter()
        if progress is not None:
            progress(f"executing {path} …")
        done.append(run_notebook(path, progress=progress))
        if progress is not None:
            progress(f"  done in {time.perf_counter() - began:.1f} s")
    return done
