"""The output folder of a run on another corpus: where it may be, one run at a time, swapped in whole.

:func:`check_output_folder` refuses a folder inside the project or the corpus (or holding them, or
an input of the run); :func:`claimed` locks it for the run; :func:`no_interrupt` holds Ctrl-C back
while the finished run is renamed into place, and :func:`remove` deletes what a run leaves behind.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

from arabic_themes.run_inputs import PROJECT

__all__ = ["OutputFolderError", "check_output_folder", "claimed", "no_interrupt", "remove"]


class OutputFolderError(ValueError):
    """The output folder cannot be used (inside the project or the corpus, busy, not empty, a file)."""


def check_output_folder(
    out: Path, *, corpus: Path, inputs: Iterable[str | Path] = (), notebooks: Path | None = None
) -> Path:
    """The output folder, resolved (links followed); refused inside the project or the corpus.

    Also refused: a folder that holds the project, the corpus, the notebooks or an input file (a
    ``--force`` run replaces the folder whole), and a path that is a file.
    """
    resolved = Path(os.path.abspath(out)).resolve()
    project = PROJECT.resolve()
    corpus = corpus.resolve()
    if resolved.is_relative_to(project) or project.is_relative_to(resolved):
        raise OutputFolderError(
            f"{out}: the output folder may not be inside the project folder {project} (nor hold it); "
            "choose a folder outside it, e.g. ~/results"
        )
    if resolved.is_relative_to(corpus) or corpus.is_relative_to(resolved):
        raise OutputFolderError(
            f"{out}: the output folder may not be the corpus folder {corpus}, inside it or around it; "
            "choose a folder of its own"
        )
    for given in [*inputs, *([notebooks] if notebooks else [])]:
        if given and Path(given).resolve().is_relative_to(resolved):
            raise OutputFolderError(f"{out}: the output folder holds an input of the run ({given}); choose another")
    if resolved.exists() and not resolved.is_dir():
        raise OutputFolderError(f"{out}: exists and is not a folder; choose a new output folder")
    return resolved


@contextlib.contextmanager
def claimed(out: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``out`` (a lock file next to it) for the whole run.

    The lock is an OS lock (``flock``): it ends with the process, so a killed run leaves no stale
    lock behind; a second run on the same folder is refused at once.
    """
    lock = out.parent / f".{out.name}.lock"
    try:
        import fcntl
    except ImportError:  # Windows: create-exclusive lock file
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            raise OutputFolderError(
                f"{out}: another analyse is writing this folder (lock {lock}); if none is running, delete the lock"
            ) from None
        try:
            yield
        finally:
            os.close(fd)
            with contextlib.suppress(OSError):
                os.unlink(lock)
        return
    while True:
        fd = os.open(lock, os.O_CREAT | os.O_RDWR, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise OutputFolderError(f"{out}: another analyse is writing this folder; wait for it to finish") from None
        try:
            same = os.path.samestat(os.fstat(fd), os.stat(lock))
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)  # the previous holder removed the file after we opened it: lock the new one
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            os.unlink(lock)
        os.close(fd)


@contextlib.contextmanager
def no_interrupt() -> Iterator[None]:
    """Hold Ctrl-C back for a few renames, so the output folder is never left half swapped."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "pthread_sigmask"):
        yield
        return
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def remove(path: Path) -> None:
    """Delete ``path`` (a file, a link or a whole folder), if it is there."""
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.exists():
        shutil.rmtree(path)
