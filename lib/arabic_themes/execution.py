"""Execute one notebook in a fresh Jupyter kernel: interruptible, its errors told in one line, saved clean.

:func:`execute_notebook` runs a notebook node top to bottom in a new kernel whose working directory
is a folder of our choosing (as JupyterLab and nbval do), reports each ``## `` section as it starts,
and lets Ctrl-C stop the kernel (:class:`AnalysisInterrupted`). :func:`notebook_failed` turns a
failed execution into a :class:`NotebookFailed` naming the notebook, the cell and the error;
:func:`scrub_metadata` removes timestamps and interpreter details, so that saving an executed
notebook twice gives the same bytes. Used by :mod:`arabic_themes.notebooks` (in place) and
:mod:`arabic_themes.analysis` (another corpus).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = [
    "AnalysisInterrupted",
    "NotebookFailed",
    "Progress",
    "execute_notebook",
    "notebook_failed",
    "progress_to_stderr",
    "scrub_metadata",
]

#: Where progress lines go: a function taking one line (or ``None`` for silence where accepted).
Progress = Callable[[str], None]


def progress_to_stderr(message: str) -> None:
    """The default :data:`Progress`: one line on standard error, at once."""
    print(message, file=sys.stderr, flush=True)


class NotebookFailed(RuntimeError):
    """A notebook raised an error while running the analysis; the message names it and the cell."""


class AnalysisInterrupted(KeyboardInterrupt):
    """The run was interrupted (Ctrl-C); nothing was written to the output folder."""


def scrub_metadata(nb: object) -> None:
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


def _sections(nb: Any) -> dict[int, str]:
    """Cell index of the first code cell of each ``## `` section → the section's title."""
    found: dict[int, str] = {}
    title = ""
    announced = None
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            for line in str(cell.source).splitlines():
                if line.startswith("## "):
                    title = line[3:].strip()
        elif cell.cell_type == "code" and title and title != announced:
            found[index] = title
            announced = title
    return found


class _Kernel:
    """The running kernel of a notebook execution, so that Ctrl-C in the main thread can stop it."""

    def __init__(self) -> None:
        self.client: Any = None
        self.stopped = False

    def kill(self) -> None:
        self.stopped = True  # a kernel still starting is stopped before its first cell
        client = self.client
        process = getattr(getattr(getattr(client, "km", None), "provisioner", None), "process", None)
        if process is not None:
            with contextlib.suppress(OSError):
                process.kill()


def _execute(nb: Any, cwd: Path, *, name: str, timeout: int, progress: Progress | None, kernel: _Kernel) -> None:
    """Execute ``nb`` in place in a fresh kernel whose working directory is ``cwd``.

    The kernel talks to us over local IPC sockets (no TCP port, hence no "running over TCP without
    encryption" warning). jupyter_client starts it in a session of its own, so a Ctrl-C at the
    terminal reaches only this process, which then stops the kernel itself.
    """
    from jupyter_client.manager import AsyncKernelManager
    from nbclient import NotebookClient

    sections = _sections(nb)
    began = time.perf_counter()

    def on_cell_start(cell: Any, cell_index: int) -> None:
        if kernel.stopped:
            raise AnalysisInterrupted()
        if progress is not None and cell_index in sections:
            progress(f"  {name} [{time.perf_counter() - began:6.1f} s] {sections[cell_index]}")

    with tempfile.TemporaryDirectory(prefix="arabic-themes-kernel-") as sockets:
        manager = (
            AsyncKernelManager(kernel_name="python3", transport="ipc", ip=str(Path(sockets) / "kernel"))
            if os.name == "posix"
            else AsyncKernelManager(kernel_name="python3")
        )
        client = NotebookClient(
            nb,
            km=manager,
            timeout=timeout,
            kernel_name="python3",
            record_timing=False,
            resources={"metadata": {"path": str(cwd)}},
            on_cell_start=on_cell_start,
        )
        kernel.client = client
        # what the kernel process itself writes to standard error (not a cell's output, which comes over the
        # sockets) goes to a file, shown only when the notebook fails: a kernel's C library may print a note
        # while it shuts down after a successful run (libzmq's "Assertion failed: pfd.revents & POLLIN")
        log_path = Path(sockets) / "kernel-stderr.log"
        log = log_path.open("wb")
        try:
            client.execute(cleanup_kc=True, stderr=log)
        except Exception:  # a failure, not Ctrl-C (whose kernel was killed on purpose)
            log.flush()
            said = log_path.read_text(encoding="utf-8", errors="replace").strip()
            if said and progress is not None:
                progress(f"  {name}: the kernel process wrote: " + " | ".join(said.splitlines()[-10:]))
            raise
        finally:
            log.close()
            kernel.client = None
            # nbclient registers a clean-up at exit and forgets it when its own clean-up fails (a kernel
            # killed by Ctrl-C): it would print a traceback when the program ends
            atexit.unregister(client._cleanup_kernel)


def execute_notebook(nb: Any, cwd: Path, *, name: str, timeout: int, progress: Progress | None) -> None:
    """Execute ``nb`` in place in a fresh kernel whose working directory is ``cwd`` (:func:`_execute`).

    The kernel is driven from a worker thread, so that Ctrl-C (in this, the main thread) kills it and
    raises :class:`AnalysisInterrupted` once the worker has let go. ``name`` labels the progress
    lines (one per ``## `` section); a cell's error propagates as nbclient's ``CellExecutionError``.
    """
    kernel = _Kernel()
    failure: list[BaseException] = []
    finished = threading.Event()  # not Thread.join: a join cut short by Ctrl-C may report a live thread ended

    def work() -> None:
        try:
            _execute(nb, cwd, name=name, timeout=timeout, progress=progress, kernel=kernel)
        except BaseException as exc:  # handed to the main thread
            failure.append(exc)
        finally:
            finished.set()

    if threading.current_thread() is not threading.main_thread():
        _execute(nb, cwd, name=name, timeout=timeout, progress=progress, kernel=kernel)
        return
    threading.Thread(target=work, name=f"execute {name}", daemon=True).start()
    try:
        while not finished.wait(0.2):
            pass
    except KeyboardInterrupt:
        kernel.kill()
        finished.wait(30)  # the worker notices the dead kernel and cleans up
        raise AnalysisInterrupted() from None
    if failure:
        raise failure[0]


def _cell_error(nb: Any) -> tuple[str, str]:
    """Where ("code cell N (its first line)", counted as in the source notebook) and what
    ("Name: value") of the first cell with an error output."""
    number = 0
    for cell in nb.cells:
        if cell.cell_type != "code" or "injected-parameters" in cell.metadata.get("tags", []):
            continue
        number += 1
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                first = next((line.strip() for line in str(cell.source).splitlines() if line.strip()), "")
                first = first if len(first) <= 60 else first[:59] + "…"
                return f"code cell {number} ({first})", f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"
    return "", ""


def notebook_failed(name: str, nb: Any, exc: BaseException) -> NotebookFailed:
    """The one-line error of notebook ``name`` that failed with ``exc``: the cell and its error, where known."""
    where, error = _cell_error(nb)
    if not error:
        error = " ".join(f"{type(exc).__name__}: {exc}".split())[:500]
    return NotebookFailed(f"{name} failed{' in ' + where if where else ''}: {error}")
