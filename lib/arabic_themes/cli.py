"""Command line: ``arabic-themes run-notebooks``, ``init-corpus``, ``analyse`` and ``export-qda``."""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

import pandas as pd

from arabic_themes.corpus import add_metadata_rows, write_metadata_template


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
    if args.add:
        added = add_metadata_rows(args.folder, max_file_mb=args.max_file_mb)
        target = Path(args.folder) / "metadata.csv"
        if not added:
            print(f"{target}: every .txt file already has a row; nothing added")
        else:
            print(f"added {len(added)} row(s) to {target} ({', '.join(added[:5])}{' …' if len(added) > 5 else ''})")
        return 0
    target = write_metadata_template(args.folder, max_file_mb=args.max_file_mb)
    print(f"wrote {target}; fill in headline, outlet, sources_cited and date_stated where the texts say them")
    return 0


def _analyse(args: argparse.Namespace) -> int:
    from arabic_themes.notebooks import run_analysis

    done = run_analysis(
        args.corpus,
        args.out,
        codebook=args.codebook,
        reference=args.reference,
        notebooks=args.notebooks,
        force=args.force,
        max_file_mb=args.max_file_mb,
    )
    out = done[0].parent.parent if done else Path(args.out)
    print(f"executed {len(done)} notebooks into {out / 'notebooks'}; CSVs in processed/, figures in figures/")
    return 0


def _export_qda(args: argparse.Namespace) -> int:
    from arabic_themes.coding import load_codebook
    from arabic_themes.corpus import load_corpus
    from arabic_themes.errors import InputError, InputNotFoundError
    from arabic_themes.notebooks import PROJECT, read_run
    from arabic_themes.refi import export_codebook, export_project

    if args.run:  # the inputs of an earlier analyse run, unless given
        run = Path(args.run)
        record = read_run(run)
        coded_path = Path(args.coded or run / "processed" / "coded_sentences.csv")
        corpus_path = Path(args.corpus or record["corpus"])
        codebook_path = Path(args.codebook or record["codebook"])
        out = Path(args.out or run / "qda")
    else:  # the project's own files, wherever the command is run from
        coded_path = Path(args.coded or PROJECT / "data" / "processed" / "coded_sentences.csv")
        corpus_path = Path(args.corpus or PROJECT / "data" / "raw")
        codebook_path = Path(args.codebook or PROJECT / "data" / "codebook.yaml")
        out = Path(args.out or "exports")
    codebook = load_codebook(codebook_path)
    if not coded_path.is_file():
        raise InputNotFoundError(f"{coded_path}: coded sentences not found (run the analysis first, or give --coded)")
    coded = pd.read_csv(coded_path, keep_default_na=False)
    missing = [c for c in ["doc_id", "sentence_id", "start", "end", "text", *codebook.theme_ids] if c not in coded]
    if missing:
        raise InputError(f"{coded_path}: lacks column(s) {missing}; was it coded with the codebook {codebook_path}?")
    corpus = load_corpus(corpus_path)
    project = export_project(coded, corpus, codebook, out / "project.qdpx", overwrite=args.force)
    book = export_codebook(codebook, out / "codebook.qdc", overwrite=args.force)
    print(f"wrote {project} and {book}")
    return 0


# --- validation: `sample` and `validate` (issue 13) -------------------------------------------------------------
# Kept in one block: the subcommands that draw a blind sample for hand coding and check the coding against it.


def _read_coded(path: str, themes: list[str]) -> pd.DataFrame:
    from arabic_themes.errors import InputError, read_input_text

    text = read_input_text(path, "coded units table", encoding="utf-8-sig")
    try:
        coded = pd.read_csv(io.StringIO(text), keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(f"{path}: not a valid CSV table: {' '.join(str(exc).split())}") from None
    missing = [c for c in ["doc_id", "sentence_id", "start", "end", "text", *themes] if c not in coded.columns]
    if missing:
        raise InputError(f"{path}: missing column(s) {missing}; give the coded_sentences.csv of notebook 02 or analyse")
    for col in ["start", "end", *themes]:
        bad = ~coded[col].astype(str).str.fullmatch(r"\d+")
        if bad.any():
            line = int(bad.to_numpy().argmax()) + 2
            raise InputError(
                f"{path}, line {line}: column {col!r} has {coded[col][bad].iloc[0]!r}, expected an integer"
            )
        coded[col] = coded[col].astype("int64")
    coded["doc_id"] = coded["doc_id"].astype(str)
    return coded


def _sample(args: argparse.Namespace) -> int:
    from arabic_themes.coding import load_codebook
    from arabic_themes.corpus import load_corpus
    from arabic_themes.sampling import draw_sample, write_sample

    codebook = load_codebook(args.codebook)
    coded = _read_coded(args.coded, codebook.theme_ids)
    out = Path(args.out)
    existing = [str(out / f) for f in ("sample.csv", "sample.qdpx") if (out / f).exists()]
    if existing:
        raise FileExistsError(
            f"{' and '.join(existing)} already there; choose a new output folder (nothing was written)"
        )
    corpus = load_corpus(args.corpus)
    sample = draw_sample(coded, codebook.theme_ids, args.n, args.seed, minimum=args.minimum)
    written = write_sample(sample, codebook.theme_ids, out, corpus=corpus, codebook=codebook)
    strata = sample.groupby("stratum")["stratum_sampled"].first()
    print(
        f"drew {len(sample)} of {len(coded)} units from {len(strata)} label patterns; wrote "
        + " and ".join(str(p) for p in written)
        + "; give coders sample.qdpx (or sample.csv without its weight column), then run validate"
    )
    return 0


def _validate(args: argparse.Namespace) -> int:
    from arabic_themes.coding import load_codebook
    from arabic_themes.validation import read_human_coding, read_sample_units, validate

    codebook = load_codebook(args.codebook)
    themes = codebook.theme_ids
    coded = _read_coded(args.coded, themes)
    out = Path(args.out)
    targets = [out / "agreement.csv", out / "prevalence.csv"]
    existing = [str(t) for t in targets if t.exists()]
    if existing:
        raise FileExistsError(
            f"{' and '.join(existing)} already there; choose a new output folder (nothing was written)"
        )
    corpus = None
    if any(h.lower().endswith(".qdpx") for h in args.human):
        from arabic_themes.corpus import load_corpus

        corpus = load_corpus(args.corpus)
    units = read_sample_units(args.sample, coded) if args.sample else None
    humans = []
    for path in args.human:
        coding = read_human_coding(path, coded, themes, codebook=codebook, corpus=corpus, units=units)
        if units is not None and not path.lower().endswith(".qdpx"):
            coding = coding.merge(units, on=["doc_id", "start", "end"], how="inner")
        humans.append(coding)
    names = [c for h in humans for c in dict.fromkeys(h["coder"])]
    if len(set(names)) < len(names):
        raise ValueError(f"two codings have the same coder name ({', '.join(names)}); rename a file")
    agreement_table, prevalence_table = validate(coded, humans, themes, boot=args.boot, seed=args.seed)
    out.mkdir(parents=True, exist_ok=True)
    for table, target in zip((agreement_table, prevalence_table), targets, strict=True):
        tmp = target.with_name(target.name + ".tmp")
        table.to_csv(tmp, index=False, lineterminator="\n", float_format="%.4f")
        tmp.replace(target)
    print(f"{len(names)} coder(s), {int(agreement_table['n'].max())} units: wrote {targets[0]} and {targets[1]}")
    return 0


def _add_validation_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("sample", help="draw a blind, stratified sample of coded units for hand coding")
    p.add_argument("--coded", required=True, help="coded units CSV (processed/coded_sentences.csv)")
    p.add_argument("--n", type=int, required=True, help="number of units to draw")
    p.add_argument("--seed", type=int, required=True, help="random seed: the same seed gives the same sample")
    p.add_argument("--out", required=True, help="folder for sample.csv and sample.qdpx (must not hold them)")
    p.add_argument("--corpus", default="data/raw", help="corpus folder the units come from (default: data/raw)")
    p.add_argument("--codebook", default="data/codebook.yaml", help="codebook YAML (default: data/codebook.yaml)")
    p.add_argument("--minimum", type=int, default=3, help="units drawn at least from each label pattern (default 3)")
    p.set_defaults(func=_sample)
    p = sub.add_parser("validate", help="agreement with human coders and corrected theme shares, with intervals")
    p.add_argument("--coded", required=True, help="coded units CSV the sample was drawn from")
    p.add_argument(
        "--human",
        action="append",
        required=True,
        help="a filled sample.csv or a .qdpx exported by QDA software; repeat for more coders",
    )
    p.add_argument("--out", required=True, help="folder for agreement.csv and prevalence.csv (must not hold them)")
    p.add_argument("--sample", help="the sample.csv drawn by `sample`: only its units are read from a .qdpx")
    p.add_argument("--corpus", default="data/raw", help="corpus folder, to match .qdpx sources (default: data/raw)")
    p.add_argument("--codebook", default="data/codebook.yaml", help="codebook YAML (default: data/codebook.yaml)")
    p.add_argument("--boot", type=int, default=1000, help="bootstrap resamples for the intervals (default 1000)")
    p.add_argument("--seed", type=int, default=0, help="bootstrap seed (default 0)")
    p.set_defaults(func=_validate)


# --- end of the validation block ----------------------------------------------------------------------------------


def _add_limit(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--max-file-mb",
        type=float,
        default=None,
        metavar="MB",
        help="size limit per text file in megabytes (default 50, or $ARABIC_THEMES_MAX_FILE_MB)",
    )


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``arabic-themes`` command."""
    from arabic_themes.errors import InputError
    from arabic_themes.notebooks import AnalysisInterrupted, NotebookFailed, OutputFolderError

    parser = argparse.ArgumentParser(prog="arabic-themes", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser(
        "run-notebooks", help="execute notebooks in place: every numbered one of a folder, in order, or the files given"
    )
    p.add_argument("paths", nargs="*", help="folders and/or .ipynb files (default: notebooks)")
    p.set_defaults(func=_run_notebooks)
    p = sub.add_parser("init-corpus", help="write metadata.csv for a folder of Arabic .txt files")
    p.add_argument("folder")
    p.add_argument("--add", action="store_true", help="add rows for files metadata.csv does not list yet")
    _add_limit(p)
    p.set_defaults(func=_init_corpus)
    p = sub.add_parser("analyse", help="run the whole analysis on a corpus folder into an output folder of its own")
    p.add_argument("corpus", help="folder of .txt files with metadata.csv (see init-corpus)")
    p.add_argument("out", help="new or empty output folder, outside the project and the corpus")
    p.add_argument("--codebook", help="codebook YAML (default: the project's)")
    p.add_argument("--reference", help="reference coding CSV; notebook 03 runs only with one")
    p.add_argument("--force", action="store_true", help="replace the output folder of an earlier analyse run, whole")
    p.add_argument("--notebooks", help="folder of the numbered notebooks (default: the project's notebooks/)")
    _add_limit(p)
    p.set_defaults(func=_analyse)
    p = sub.add_parser("export-qda", help="export the coding as a REFI-QDA project (.qdpx) and codebook (.qdc)")
    p.add_argument("--run", help="output folder of an analyse run: its coding, corpus and codebook are the defaults")
    p.add_argument("--coded", help="coded sentences CSV (default: the run's, else the project's)")
    p.add_argument("--corpus", help="corpus folder with metadata.csv (default: the run's, else the project's)")
    p.add_argument("--codebook", help="codebook YAML (default: the one the run used, else the project's)")
    p.add_argument("--out", help="folder for project.qdpx and codebook.qdc (default: RUN/qda, else ./exports)")
    p.add_argument("--force", action="store_true", help="replace existing export files")
    p.set_defaults(func=_export_qda)
    _add_validation_commands(sub)
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except (AnalysisInterrupted, KeyboardInterrupt):
        done = "; the output folder was left as it was" if args.command == "analyse" else ""
        print(f"interrupted{done}", file=sys.stderr)
        return 130
    except (InputError, OutputFolderError, NotebookFailed, FileExistsError, FileNotFoundError, ValueError) as exc:
        print(f"error: {' '.join(str(exc).split())}", file=sys.stderr)
        return 2
    except (RuntimeError, OSError) as exc:
        print(f"error: {type(exc).__name__}: {' '.join(str(exc).split())}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
