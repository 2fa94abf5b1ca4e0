"""Execute the analysis notebooks: in place for the project (``make run``), or on another corpus into
an output folder of its own (``arabic-themes analyse``).

:func:`run_notebooks` executes each notebook top to bottom in a fresh kernel with its own folder as
working directory (as JupyterLab and nbval do), then saves it with execution timestamps and
interpreter-specific metadata removed, so that running the analysis twice leaves ``git status``
clean.

:func:`run_analysis` runs the same notebooks on another corpus. Before the first notebook runs it
checks every input (corpus, codebook, reference coding, and the glue, heading, actor, cue, variant,
claim and timeline files) and the output folder; it then works in a temporary folder next to the
output folder and renames it into place only when every notebook has succeeded, so the output
folder is either complete or untouched. Cells tagged ``project-corpus`` (the hand-written reading of
the project's own five articles) are left out; every number the result notebooks state is computed
from the run's own tables.
"""

from __future__ import annotations

import ast
import atexit
import contextlib
import copy
import hashlib
import json
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

__all__ = [
    "PROJECT",
    "PROJECT_TAG",
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

#: The project folder (for an editable install: the repository holding notebooks/ and data/).
PROJECT = Path(__file__).resolve().parents[2]
#: Cells with this tag speak of the project's own corpus; :func:`run_analysis` leaves them out.
PROJECT_TAG = "project-corpus"
#: What :func:`run_analysis` writes into the output folder to record how the run was made.
RUN_FILE = "run.json"
_LIMIT_ENV = "ARABIC_THEMES_MAX_FILE_MB"

Progress = Callable[[str], None]


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class NotebookFailed(RuntimeError):
    """A notebook raised an error while running the analysis; the message names it and the cell."""


class OutputFolderError(ValueError):
    """The output folder cannot be used (inside the project or the corpus, busy, not empty, a file)."""


class AnalysisInterrupted(KeyboardInterrupt):
    """The run was interrupted (Ctrl-C); nothing was written to the output folder."""


# --- executing one notebook ------------------------------------------------------------------------


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
        try:
            client.execute(cleanup_kc=True)
        finally:
            kernel.client = None
            # nbclient registers a clean-up at exit and forgets it when its own clean-up fails (a kernel
            # killed by Ctrl-C): it would print a traceback when the program ends
            atexit.unregister(client._cleanup_kernel)


def _execute_interruptibly(nb: Any, cwd: Path, *, name: str, timeout: int, progress: Progress | None) -> None:
    """:func:`_execute` in a worker thread; Ctrl-C (in this, the main thread) kills the kernel and raises
    :class:`AnalysisInterrupted` once the worker has let go."""
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


def _failed(name: str, nb: Any, exc: BaseException) -> NotebookFailed:
    where, error = _cell_error(nb)
    if not error:
        error = " ".join(f"{type(exc).__name__}: {exc}".split())[:500]
    return NotebookFailed(f"{name} failed{' in ' + where if where else ''}: {error}")


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
        _execute_interruptibly(nb, path.parent.resolve(), name=path.stem, timeout=timeout, progress=progress)
    except CellExecutionError as exc:
        raise _failed(path.name, nb, exc) from None
    scrub_metadata(nb)
    target = Path(output) if output else path
    tmp = target.with_name(f".{target.name}.tmp")
    nbformat.write(nb, tmp)
    tmp.replace(target)
    return target


def run_notebooks(paths: Iterable[str | Path], *, progress: Progress | None = _stderr) -> list[Path]:
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


# --- parameters and inputs of a run on another corpus ----------------------------------------------


def _is_inside(path: Path, folder: Path) -> bool:
    return path == folder or path.is_relative_to(folder)


def analysis_parameters(
    corpus: str | Path,
    out: str | Path | None = None,
    *,
    codebook: str | Path | None = None,
    reference: str | Path | None = None,
    project: str | Path = PROJECT,
) -> dict[str, str]:
    """Notebook parameters for running the analysis on ``corpus`` (input paths absolute).

    The notebooks run in ``OUT/notebooks``, so they write to ``../processed`` and ``../figures``
    (``out`` is accepted for compatibility; the paths do not depend on it). Files a corpus may
    bring along (``run_in_headings.csv``, ``glued_words.csv``, ``actors.yaml``,
    ``attribution_cues.yaml``, ``spelling_variants.csv``, ``claims.csv``, ``timeline.csv``) are
    taken from the corpus folder when present; the project's own lists are used for glued words,
    actors, attribution cues and spelling variants otherwise; corpus-specific files of the project
    (its run-in headings, claims, timeline, reference coding, the history of its codebook and its
    hand-coded sentence sets) are never applied to another corpus. ``""`` tells a notebook that
    there is no such file.
    """
    corpus, data = Path(corpus).resolve(), Path(project).resolve() / "data"

    def own(name: str, fallback: Path | None = None) -> str:
        path = corpus / name
        if path.is_file() or path.is_symlink():
            if not _is_inside(path.resolve(), corpus):
                from arabic_themes.corpus import CorpusError

                raise CorpusError(f"{path}: a link that leads out of the corpus folder; copy the file into it")
            return str(path)
        return str(fallback) if fallback is not None else ""

    return {
        "CORPUS": str(corpus),
        "CODEBOOK": str(Path(codebook).resolve() if codebook else data / "codebook.yaml"),
        "REFERENCE": str(Path(reference).resolve()) if reference else "",
        # the project's codebook history and hand-coded sentence sets describe the project's codebook, not yours
        "EARLIER_CODEBOOKS": "",
        "DEVELOPMENT_SETS": "",
        "TEST_SET": "",
        "RUN_IN_HEADINGS": own("run_in_headings.csv"),
        "GLUED_WORDS": own("glued_words.csv", data / "glued_words.csv"),
        "ACTORS": own("actors.yaml", data / "actors.yaml"),
        "CUES": own("attribution_cues.yaml", data / "attribution_cues.yaml"),
        "SPELLING_VARIANTS": own("spelling_variants.csv", data / "spelling_variants.csv"),
        "CLAIMS": own("claims.csv"),
        "TIMELINE": own("timeline.csv"),
        "OUTPUT": "../processed",
        "FIGURES": "../figures",
    }


_CLAIM_COLUMNS = ["claim_id", "topic", "doc_id", "sentence_id", "quote", "says", "agree", "note"]
_TIMELINE_COLUMNS = ["event_id", "date", "label_en", "label_ar", "doc_id"]


def _check_table(path: str, what: str, required: list[str], doc_ids: set[str]) -> None:
    import re

    from arabic_themes.errors import InputError, read_csv_rows

    for line, row in read_csv_rows(path, what, required):
        if row["doc_id"] not in doc_ids:
            raise InputError(f"{path}, line {line}: doc_id {row['doc_id']!r} is not in the corpus")
        if what == "timeline" and not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", row["date"]):
            raise InputError(f"{path}, line {line}: date {row['date']!r} must be YYYY, YYYY-MM or YYYY-MM-DD")
        if what == "claims table" and row["agree"] not in ("yes", "no", "single"):
            raise InputError(f"{path}, line {line}: agree must be yes, no or single, not {row['agree']!r}")


def check_inputs(parameters: Mapping[str, str], *, max_file_mb: float | None = None) -> None:
    """Load every input a run will read, so that a bad one fails before any notebook runs.

    Raises the loaders' own one-line errors (:class:`~arabic_themes.errors.InputError` naming the
    file and line); a reference coding is also aligned with the corpus's units, so one made for
    other texts or another segmentation is caught here.
    """
    from arabic_themes.actors import load_actors
    from arabic_themes.codebook import load_codebook
    from arabic_themes.corpus import load_corpus
    from arabic_themes.errors import InputError
    from arabic_themes.keyness import load_spelling_variants
    from arabic_themes.normalisation import load_glue_repairs
    from arabic_themes.quotations import load_cues
    from arabic_themes.reliability import align_reference, load_reference
    from arabic_themes.segmentation import load_run_in_headings, segment

    corpus = load_corpus(parameters["CORPUS"], max_file_mb=max_file_mb)
    doc_ids = set(corpus["doc_id"])
    codebook = load_codebook(parameters["CODEBOOK"])
    headings = load_run_in_headings(parameters["RUN_IN_HEADINGS"]) if parameters.get("RUN_IN_HEADINGS") else {}
    unknown = sorted(set(headings) - doc_ids)
    if unknown:
        raise InputError(f"{parameters['RUN_IN_HEADINGS']}: doc_id {unknown[0]!r} is not in the corpus")
    for key, loader in (
        ("GLUED_WORDS", load_glue_repairs),
        ("ACTORS", load_actors),
        ("CUES", load_cues),
        ("SPELLING_VARIANTS", load_spelling_variants),
    ):
        if parameters.get(key):
            loader(parameters[key])
    if parameters.get("CLAIMS"):
        _check_table(parameters["CLAIMS"], "claims table", _CLAIM_COLUMNS, doc_ids)
    if parameters.get("TIMELINE"):
        _check_table(parameters["TIMELINE"], "timeline", _TIMELINE_COLUMNS, doc_ids)
    if parameters.get("REFERENCE"):
        themes = codebook.theme_ids
        reference = load_reference(parameters["REFERENCE"], themes)
        units = segment(corpus, headings)
        uncoded = units.assign(**{t: 0 for t in themes})
        try:
            align_reference(uncoded, reference, themes)
        except ValueError as exc:
            raise InputError(f"{parameters['REFERENCE']}: does not fit this corpus: {exc}") from None


# --- the output folder -----------------------------------------------------------------------------


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
    if _is_inside(resolved, project) or _is_inside(project, resolved):
        raise OutputFolderError(
            f"{out}: the output folder may not be inside the project folder {project} (nor hold it); "
            "choose a folder outside it, e.g. ~/results"
        )
    if _is_inside(resolved, corpus) or _is_inside(corpus, resolved):
        raise OutputFolderError(
            f"{out}: the output folder may not be the corpus folder {corpus}, inside it or around it; "
            "choose a folder of its own"
        )
    for given in [*inputs, *([notebooks] if notebooks else [])]:
        if given and _is_inside(Path(given).resolve(), resolved):
            raise OutputFolderError(f"{out}: the output folder holds an input of the run ({given}); choose another")
    if resolved.exists() and not resolved.is_dir():
        raise OutputFolderError(f"{out}: exists and is not a folder; choose a new output folder")
    return resolved


@contextlib.contextmanager
def _claimed(out: Path) -> Iterator[None]:
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
def _no_interrupt() -> Iterator[None]:
    """Hold Ctrl-C back for a few renames, so the output folder is never left half swapped."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "pthread_sigmask"):
        yield
        return
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.exists():
        shutil.rmtree(path)


# --- a run on another corpus -----------------------------------------------------------------------


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
    progress: Progress | None = _stderr,
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
    with _claimed(target):
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
            _remove(stale)
        limit_before = os.environ.get(_LIMIT_ENV)
        try:
            if max_file_mb is not None:
                os.environ[_LIMIT_ENV] = str(max_file_mb)  # read by load_corpus in the kernels
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
                try:
                    _execute_interruptibly(
                        nb, work / "notebooks", name=name.split(".")[0], timeout=timeout, progress=progress
                    )
                except CellExecutionError as exc:
                    raise _failed(name, nb, exc) from None
                except AnalysisInterrupted:
                    raise
                except Exception as exc:  # a dead kernel, a timeout: one line, not a traceback
                    raise _failed(name, nb, exc) from None
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
            with _no_interrupt():
                if target.exists():
                    target.rename(old)
                try:
                    work.rename(target)
                except OSError:
                    if old.exists():
                        old.rename(target)
                    raise
                _remove(old)
        finally:
            if limit_before is None:
                os.environ.pop(_LIMIT_ENV, None)
            else:
                os.environ[_LIMIT_ENV] = limit_before
            with _no_interrupt():
                _remove(work)
    return done
