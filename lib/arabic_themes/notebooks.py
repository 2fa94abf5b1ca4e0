"""Execute the analysis notebooks in order, in place, leaving no volatile metadata behind.

``make run`` calls :func:`run_notebooks`. Each notebook is executed top to bottom in a fresh
kernel with its own folder as working directory (as JupyterLab and nbval do), then saved with
execution timestamps and interpreter-specific metadata removed, so that running the analysis
twice leaves ``git status`` clean.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable
from pathlib import Path

__all__ = ["run_notebook", "run_notebooks", "scrub_metadata"]


def scrub_metadata(nb: "object") -> None:
    """Remove volatile metadata (timestamps, interpreter version) from a notebook node in place."""
    meta = nb.metadata  # type: ignore[attr-defined]
    meta.pop("widgets", None)
    meta.pop("papermill", None)
    meta["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    meta["language_info"] = {"name": "python", "pygments_lexer": "ipython3"}
    for cell in nb.cells:  # type: ignore[attr-defined]
        cell.metadata.pop("execution", None)
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("ExecuteTime", None)


def run_notebook(path: str | Path, *, timeout: int = 600, output: str | Path | None = None) -> Path:
    """Execute one notebook (cwd = its folder) and write it to ``output`` (default: in place)."""
    import nbformat
    from nbclient import NotebookClient

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        record_timing=False,
        resources={"metadata": {"path": str(path.parent.resolve())}},
    )
    client.execute()
    scrub_metadata(nb)
    target = Path(output) if output else path
    tmp = target.with_suffix(".ipynb.tmp")
    nbformat.write(nb, tmp)
    tmp.replace(target)
    return target


def run_notebooks(paths: Iterable[str | Path]) -> list[Path]:
    """Execute notebooks in the order given (sorted names ``01_…``, ``02_…`` in the CLI)."""
    done = []
    for path in paths:
        began = time.perf_counter()
        print(f"executing {path} …", file=sys.stderr, flush=True)
        done.append(run_notebook(path))
        print(f"  done in {time.perf_counter() - began:.1f} s", file=sys.stderr, flush=True)
    return done
