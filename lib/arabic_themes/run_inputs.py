"""The inputs of a run on another corpus: which files the notebooks get, and every one checked first.

:func:`analysis_parameters` names the files a run of the notebooks reads: the corpus, the
codebook, the reference coding, and the lists a corpus may bring along (else the project's own,
where they are not specific to the project's corpus). :func:`check_inputs` loads every one of them
with the package's own loaders, so a bad file fails in seconds with a one-line error naming it,
before the first notebook runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

__all__ = ["PROJECT", "analysis_parameters", "check_inputs"]

#: The project folder (for an editable install: the repository holding notebooks/ and data/).
PROJECT = Path(__file__).resolve().parents[2]


def _same_bytes(a: Path, b: Path) -> bool:
    """Whether two files exist and hold the same bytes."""
    return a.is_file() and b.is_file() and a.read_bytes() == b.read_bytes()


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
    ``attribution_cues.yaml``, ``spelling_variants.csv``, ``claims.csv``, ``timeline.csv``,
    ``glosses.csv``) are taken from the corpus folder when present; the project's own lists are used
    for glued words, actors, attribution cues and spelling variants otherwise; corpus-specific files
    of the project (its run-in headings, claims, timeline, English glosses, reference coding, the
    history of its codebook and its hand-coded sentence sets) are never applied to another corpus. The
    project's real-text test set measures the project's codebook, so ``CODEBOOK_TEST_SET`` names it
    only when the codebook used holds the same bytes as ``data/codebook.yaml``.
    ``""`` tells a notebook that there is no such file.
    """
    corpus, data = Path(corpus).resolve(), Path(project).resolve() / "data"

    def own(name: str, fallback: Path | None = None) -> str:
        path = corpus / name
        if path.is_file() or path.is_symlink():
            if not path.resolve().is_relative_to(corpus):
                from arabic_themes.corpus import CorpusError

                raise CorpusError(f"{path}: a link that leads out of the corpus folder; copy the file into it")
            return str(path)
        return str(fallback) if fallback is not None else ""

    project_book = data / "codebook.yaml"
    codebook_path = Path(codebook).resolve() if codebook else project_book
    return {
        "CORPUS": str(corpus),
        "CODEBOOK": str(codebook_path),
        "REFERENCE": str(Path(reference).resolve()) if reference else "",
        # the project's codebook history and hand-coded sentence sets describe the project's codebook, not yours
        "EARLIER_CODEBOOKS": "",
        "DEVELOPMENT_SETS": "",
        "TEST_SET": "",
        "REAL_SETS": "",
        "REAL_TEST_SET": "",
        # the real test set measures the project's codebook: shown for that codebook (same bytes) only
        "CODEBOOK_TEST_SET": str(data / "annotations" / "real_test")
        if _same_bytes(codebook_path, project_book)
        else "",
        "RUN_IN_HEADINGS": own("run_in_headings.csv"),
        "GLUED_WORDS": own("glued_words.csv", data / "glued_words.csv"),
        "ACTORS": own("actors.yaml", data / "actors.yaml"),
        "CUES": own("attribution_cues.yaml", data / "attribution_cues.yaml"),
        "SPELLING_VARIANTS": own("spelling_variants.csv", data / "spelling_variants.csv"),
        "CLAIMS": own("claims.csv"),
        "TIMELINE": own("timeline.csv"),
        "GLOSSES": own("glosses.csv"),  # English glosses of the corpus's units; "" = no English column
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
    if parameters.get("GLOSSES"):
        from arabic_themes.glosses import load_glosses

        load_glosses(parameters["GLOSSES"], corpus)
    if parameters.get("REFERENCE"):
        themes = codebook.theme_ids
        reference = load_reference(parameters["REFERENCE"], themes)
        units = segment(corpus, headings)
        uncoded = units.assign(**{t: 0 for t in themes})
        try:
            align_reference(uncoded, reference, themes)
        except ValueError as exc:
            raise InputError(f"{parameters['REFERENCE']}: does not fit this corpus: {exc}") from None
