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

__all__ = [
    "PROJECT",
    "NotebookFailed",
    "analysis_parameters",
    "run_analysis",
    "run_notebook",
    "run_notebooks",
    "scrub_metadata",
]


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


class NotebookFailed(RuntimeError):
    """A notebook raised an error while running the analysis; the message names it and the cell."""


#: The project folder (for an editable install: the repository holding notebooks/ and data/).
PROJECT = Path(__file__).resolve().parents[2]


def analysis_parameters(
    corpus: str | Path,
    out: str | Path,
    *,
    codebook: str | Path | None = None,
    reference: str | Path | None = None,
    project: str | Path = PROJECT,
) -> dict[str, str]:
    """Notebook parameters for running the analysis on ``corpus`` into ``out`` (absolute paths).

    Files a corpus may bring along (``run_in_headings.csv``, ``glued_words.csv``, ``claims.csv``,
    ``timeline.csv``) are taken from the corpus folder when present; the project's own lists are
    used for glued words, actors, attribution cues and spelling variants otherwise; corpus-specific
    files of the project (its run-in headings, claims, timeline, reference coding, the history of
    its codebook and its hand-coded sentence sets) are never applied to another corpus. ``""`` tells
    a notebook that there is no such file.
    """
    corpus, out, data = Path(corpus).resolve(), Path(out).resolve(), Path(project).resolve() / "data"

    def own(name: str, fallback: Path | None = None) -> str:
        path = corpus / name
        if path.is_file():
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
        "OUTPUT": str(out / "processed"),
        "FIGURES": str(out / "figures"),
    }


def run_analysis(
    corpus: str | Path,
    out: str | Path,
    *,
    codebook: str | Path | None = None,
    reference: str | Path | None = None,
    notebooks: str | Path | None = None,
    force: bool = False,
) -> list[Path]:
    """Run every numbered notebook on another corpus with papermill, into ``out``.

    Executed copies go to ``out/notebooks``, CSVs to ``out/processed``, figures to ``out/figures``;
    the project's notebooks and data are only read. ``out`` must be new or empty unless ``force``.
    Notebook 03 (validation) runs only when a ``reference`` coding is given.
    """
    import papermill

    from arabic_themes.corpus import load_corpus

    out = Path(out).resolve()
    source = Path(notebooks).resolve() if notebooks else PROJECT / "notebooks"
    if out.exists() and any(out.iterdir()) and not force:
        raise FileExistsError(f"{out} exists and is not empty; choose a new output folder (or --force)")
    protected = {source, PROJECT / "data", PROJECT / "data" / "processed", PROJECT / "figures"}
    if {out, out / "notebooks", out / "processed", out / "figures"} & protected:
        raise ValueError(f"the output folder {out} would overwrite the project's own notebooks, data or figures")
    load_corpus(corpus)  # fail early, with the loader's clear message, on a bad corpus
    parameters = analysis_parameters(corpus, out, codebook=codebook, reference=reference)
    (out / "notebooks").mkdir(parents=True, exist_ok=True)
    done = []
    for path in sorted(source.glob("[0-9][0-9]_*.ipynb")):
        if path.name.startswith("03_") and not reference:
            print(f"skipping {path.name}: no reference coding given (--reference)", file=sys.stderr)
            continue
        target = out / "notebooks" / path.name
        print(f"executing {path.name} → {target}", file=sys.stderr, flush=True)
        try:
            papermill.execute_notebook(
                str(path),
                str(target),
                parameters=parameters,
                cwd=str(path.parent),
                kernel_name="python3",
                progress_bar=False,
                log_output=False,
            )
        except papermill.PapermillExecutionError as exc:
            raise NotebookFailed(
                f"{path.name} failed in cell {exc.exec_count}: {exc.ename}: {exc.evalue}. "
                f"The executed copy, with the error, is {target}"
            ) from None
        import nbformat

        nb = nbformat.read(target, as_version=4)
        scrub_metadata(nb)
        nbformat.write(nb, target)
        done.append(target)
    return done
