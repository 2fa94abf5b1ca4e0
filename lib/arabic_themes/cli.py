"""Command line: ``arabic-themes run-notebooks``, ``init-corpus``, ``analyse`` and ``export-qda``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from arabic_themes.corpus import CorpusError, write_metadata_template


def _run_notebooks(args: argparse.Namespace) -> int:
    from arabic_themes.notebooks import run_notebooks

    paths: list[Path] = []
    for given in args.paths or ["notebooks"]:
        path = Path(given)
        if path.is_dir():
            found = sorted(path.glob("[0-9][0-9]_*.ipynb"))
            if not found:
                print(f"error: no numbered notebooks (01_….ipynb) in {path}", file=sys.stderr)
                return 2
            paths.extend(found)
        elif path.suffix == ".ipynb" and path.is_file():
            paths.append(path)
        else:
            print(f"error: {path} is neither a folder nor a notebook", file=sys.stderr)
            return 2
    run_notebooks(paths)
    return 0


def _init_corpus(args: argparse.Namespace) -> int:
    target = write_metadata_template(args.folder)
    print(f"wrote {target}; fill in headline, outlet, sources_cited and date_stated where the texts say them")
    return 0


def _analyse(args: argparse.Namespace) -> int:
    from arabic_themes.notebooks import run_analysis

    done = run_analysis(args.corpus, args.out, codebook=args.codebook, reference=args.reference, force=args.force)
    print(
        f"executed {len(done)} notebooks into {Path(args.out) / 'notebooks'}; CSVs in processed/, figures in figures/"
    )
    return 0


def _export_qda(args: argparse.Namespace) -> int:
    import pandas as pd

    from arabic_themes.coding import load_codebook
    from arabic_themes.corpus import load_corpus
    from arabic_themes.refi import export_codebook, export_project

    codebook = load_codebook(args.codebook)
    coded = pd.read_csv(args.coded, keep_default_na=False)
    corpus = load_corpus(args.corpus)
    out = Path(args.out)
    project = export_project(coded, corpus, codebook, out / "project.qdpx", overwrite=args.force)
    book = export_codebook(codebook, out / "codebook.qdc", overwrite=args.force)
    print(f"wrote {project} and {book}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``arabic-themes`` command."""
    parser = argparse.ArgumentParser(prog="arabic-themes", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser(
        "run-notebooks", help="execute notebooks in place: every numbered one of a folder, in order, or the files given"
    )
    p.add_argument("paths", nargs="*", help="folders and/or .ipynb files (default: notebooks)")
    p.set_defaults(func=_run_notebooks)
    p = sub.add_parser("init-corpus", help="write metadata.csv for a folder of Arabic .txt files")
    p.add_argument("folder")
    p.set_defaults(func=_init_corpus)
    p = sub.add_parser("analyse", help="run the whole analysis on a corpus folder into an output folder of its own")
    p.add_argument("corpus", help="folder of .txt files with metadata.csv (see init-corpus)")
    p.add_argument("out", help="new or empty output folder")
    p.add_argument("--codebook", help="codebook YAML (default: the project's)")
    p.add_argument("--reference", help="reference coding CSV; notebook 03 runs only with one")
    p.add_argument("--force", action="store_true", help="write into a non-empty output folder")
    p.set_defaults(func=_analyse)
    p = sub.add_parser("export-qda", help="export the coding as a REFI-QDA project (.qdpx) and codebook (.qdc)")
    p.add_argument("--coded", default="data/processed/coded_sentences.csv", help="coded sentences CSV (notebook 02)")
    p.add_argument("--corpus", default="data/raw", help="corpus folder with metadata.csv")
    p.add_argument("--codebook", default="data/codebook.yaml")
    p.add_argument("--out", default="exports", help="folder for project.qdpx and codebook.qdc")
    p.add_argument("--force", action="store_true", help="replace existing export files")
    p.set_defaults(func=_export_qda)
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except (CorpusError, FileExistsError, FileNotFoundError, ValueError, RuntimeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
