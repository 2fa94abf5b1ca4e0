"""Shared fixtures: the repository root, the real corpus, its glue repairs, run-in headings and sentences, the
project's codebook and the sentences coded with it.

The session-scoped objects are shared between tests; tests must not modify them in place.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from arabic_themes import Codebook, code_sentences, load_codebook
from arabic_themes.corpus import load_corpus
from arabic_themes.normalisation import GlueRepair, load_glue_repairs
from arabic_themes.segmentation import load_run_in_headings, segment

#: The repository root and its data folder, for tests and module-level parametrisation (``from conftest import DATA``).
ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository root (the folder holding ``pyproject.toml`` and ``data/``)."""
    assert (ROOT / "pyproject.toml").is_file()
    return ROOT


@pytest.fixture(scope="session")
def raw_dir(repo_root: Path) -> Path:
    """``data/raw``: the five articles and their ``metadata.csv`` (read only)."""
    return repo_root / "data" / "raw"


@pytest.fixture(scope="session")
def corpus(raw_dir: Path) -> pd.DataFrame:
    """The real corpus as returned by :func:`load_corpus`."""
    return load_corpus(raw_dir)


@pytest.fixture(scope="session")
def raw_texts(corpus: pd.DataFrame) -> dict[str, str]:
    """``doc_id`` → raw text of the real corpus."""
    return dict(zip(corpus["doc_id"], corpus["text"], strict=True))


@pytest.fixture(scope="session")
def glue_repairs(repo_root: Path) -> list[GlueRepair]:
    """The project's glued-word table, ``data/glued_words.csv``."""
    return load_glue_repairs(repo_root / "data" / "glued_words.csv")


@pytest.fixture(scope="session")
def run_in_headings(repo_root: Path) -> dict[str, list[str]]:
    """The project's run-in heading table, ``data/run_in_headings.csv``."""
    return load_run_in_headings(repo_root / "data" / "run_in_headings.csv")


@pytest.fixture(scope="session")
def sentences(corpus: pd.DataFrame, run_in_headings: dict[str, list[str]]) -> pd.DataFrame:
    """The sentence table of the real corpus (with the run-in headings split off)."""
    return segment(corpus, run_in_headings)


@pytest.fixture(scope="session")
def codebook(repo_root: Path) -> Codebook:
    """The project's codebook, ``data/codebook.yaml``."""
    return load_codebook(repo_root / "data" / "codebook.yaml")


@pytest.fixture(scope="session")
def coded(
    sentences: pd.DataFrame, codebook: Codebook, corpus: pd.DataFrame, glue_repairs: list[GlueRepair]
) -> pd.DataFrame:
    """The real corpus's sentences coded with the project's codebook and glue repairs, as notebook 02 codes them."""
    return code_sentences(sentences, codebook, corpus, glue_repairs)


@pytest.fixture
def raw_copy(raw_dir: Path, tmp_path: Path) -> Path:
    """A private copy of ``data/raw`` in ``tmp_path`` that a test may break at will."""
    target = tmp_path / "raw"
    shutil.copytree(raw_dir, target)
    return target
