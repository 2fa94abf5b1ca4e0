"""Benchmark: ``arabic-themes analyse`` end to end on the project's articles scaled up to many megabytes.

Each size gets a corpus folder of its own (in a temporary folder, never in the project): files made
from the five articles, each one article with its paragraphs in a shuffled order and one of them left
out now and then, so that files differ, until the target size in UTF-8 bytes is reached; then
``init-corpus`` and ``analyse`` run as a user would run them, in a fresh process. Reported per size:
the number of files, wall time of ``analyse`` (and of each notebook), the peak resident memory of the
largest process (``analyse`` or a notebook's kernel), and the size of each result notebook.

    python benchmarks/bench_analyse.py                    # 1, 10 and 50 MB
    python benchmarks/bench_analyse.py --sizes 1 --keep   # keep the corpus and the results to look at
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def make_corpus(folder: Path, megabytes: float, seed: int = 0) -> int:
    """Write files built from the project's articles into ``folder`` until ``megabytes``; return their number."""
    from arabic_themes import load_corpus

    rng = random.Random(seed)
    articles = [[p for p in text.split("\n") if p.strip()] for text in load_corpus(ROOT / "data" / "raw")["text"]]
    folder.mkdir(parents=True)
    target, size, i = int(megabytes * 1_000_000), 0, 0
    while size < target:
        paragraphs = list(rng.choice(articles))
        rng.shuffle(paragraphs)
        if len(paragraphs) > 3 and rng.random() < 0.5:
            paragraphs.pop(rng.randrange(len(paragraphs)))
        data = ("\n".join(paragraphs) + "\n").encode("utf-8")
        (folder / f"article_{i:05d}.txt").write_bytes(data)
        size += len(data)
        i += 1
    return i


def measure(command: list[str]) -> dict[str, object]:
    """Run ``command``; wall time, its stderr, and the peak RSS of the largest process it started (MB)."""
    began = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True)
    wall = time.perf_counter() - began
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # kB on Linux
    return {
        "returncode": result.returncode,
        "wall_s": round(wall, 1),
        "peak_rss_mb": round(peak),
        "stderr": result.stderr,
    }


def run_size(megabytes: float, work: Path) -> dict[str, object]:
    corpus, out = work / f"corpus_{megabytes:g}MB", work / f"results_{megabytes:g}MB"
    files = make_corpus(corpus, megabytes)
    cli = [sys.executable, "-m", "arabic_themes.cli"]
    subprocess.run([*cli, "init-corpus", str(corpus)], check=True, capture_output=True)
    mb = sum(p.stat().st_size for p in corpus.glob("*.txt")) / 1e6
    # a fresh process per measurement, so that the peak memory is this run's alone
    command = [sys.executable, __file__, "--measure", *cli, "analyse", str(corpus), str(out)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    result = json.loads(done.stdout)
    if result["returncode"] != 0:
        raise SystemExit(f"analyse failed on {megabytes} MB:\n{result['stderr'][-3000:]}")
    notebooks = re.findall(r"executing (\S+) …\n(?:  .*\n)*?  done in ([0-9.]+) s", result["stderr"])
    sizes = {p.name: round(p.stat().st_size / 1e6, 2) for p in sorted((out / "notebooks").glob("*.ipynb"))}
    return {
        "mb": round(mb, 1),
        "files": files,
        "wall_s": result["wall_s"],
        "peak_rss_mb": result["peak_rss_mb"],
        "notebook_s": {name: float(s) for name, s in notebooks},
        "notebook_mb": sizes,
    }


def main() -> int:
    if sys.argv[1:2] == ["--measure"]:  # the fresh process of one measurement
        print(json.dumps(measure(sys.argv[2:])))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[1, 10, 50], help="corpus sizes in MB")
    parser.add_argument("--keep", action="store_true", help="keep the corpora and results (their folder is printed)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-analyse-"))
    results = []
    try:
        print(f"{'MB':>6} {'files':>6} {'analyse s':>10} {'peak RSS MB':>12}  per notebook: s (MB)")
        for megabytes in args.sizes:
            row = run_size(megabytes, work)
            results.append(row)
            per = ", ".join(
                f"{name[:2]} {row['notebook_s'].get(name, 0):.0f} ({mb:.2f})"  # type: ignore[union-attr]
                for name, mb in row["notebook_mb"].items()  # type: ignore[union-attr]
            )
            print(f"{row['mb']:>6} {row['files']:>6} {row['wall_s']:>10} {row['peak_rss_mb']:>12}  {per}", flush=True)
    finally:
        if args.keep:
            print(f"kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
