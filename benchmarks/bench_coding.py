"""Benchmark: normalise + segment + code, end to end, on the corpus scaled up to many megabytes.

The five articles are repeated (as new documents, each with a shuffled order of its paragraphs'
sentences, so documents are not byte-identical) until the target size in UTF-8 bytes is reached.
For each size the script times the whole pipeline with the package's coder and, in the same run,
with the obvious baseline (one ``re.search`` per term per sentence). Times are the best of
``--repeat`` runs on one core; throughput is MB of UTF-8 Arabic text per second.

    python benchmarks/bench_coding.py                   # 1, 2.5, 5, 10 MB
    python benchmarks/bench_coding.py --sizes 10 50 100 # the scale-out check
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import random
import resource
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from arabic_themes import load_corpus, load_glue_repairs, segment
from arabic_themes.coding import code_sentences, code_sentences_naive, load_codebook

ROOT = Path(__file__).resolve().parents[1]


def scaled_corpus(corpus: pd.DataFrame, megabytes: float, seed: int = 0) -> pd.DataFrame:
    """Documents built from the corpus's sentences until ``megabytes`` of UTF-8 text."""
    rng = random.Random(seed)
    paragraphs = [p for text in corpus["text"] for p in text.split("\n") if p.strip()]
    target = int(megabytes * 1_000_000)
    docs, size, i = [], 0, 0
    while size < target:
        k = rng.randint(4, 12)
        text = "\n".join(rng.choice(paragraphs) for _ in range(k))
        docs.append((f"doc{i:07d}", text))
        size += len(text.encode("utf-8"))
        i += 1
    return pd.DataFrame(docs, columns=["doc_id", "text"])


def run(corpus: pd.DataFrame, coder, codebook, repairs) -> tuple[float, int]:
    gc.collect()
    began = time.perf_counter()
    sentences = segment(corpus)
    coded = coder(sentences, codebook, corpus, repairs)
    elapsed = time.perf_counter() - began
    return elapsed, int(coded[codebook.theme_ids].to_numpy().sum())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[1, 2.5, 5, 10])
    parser.add_argument("--naive-max", type=float, default=10, help="largest size (MB) for the slow baseline")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()

    with contextlib.suppress(AttributeError, OSError):  # one core, as the target says
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    corpus = load_corpus(ROOT / "data" / "raw")
    codebook = load_codebook(ROOT / "data" / "codebook.yaml")
    repairs = load_glue_repairs(ROOT / "data" / "glued_words.csv")
    results = []
    print(f"{'MB':>7} {'docs':>7} {'coder s':>9} {'MB/s':>7} {'baseline s':>11} {'MB/s':>7} {'speed-up':>9}")
    for mb in args.sizes:
        big = scaled_corpus(corpus, mb)
        actual = sum(len(t.encode("utf-8")) for t in big["text"]) / 1e6
        fast = min(run(big, code_sentences, codebook, repairs)[0] for _ in range(args.repeat))
        row = {
            "mb": round(actual, 2),
            "docs": len(big),
            "coder_s": round(fast, 3),
            "coder_mb_s": round(actual / fast, 2),
        }
        if mb <= args.naive_max:
            slow, _ = run(big, code_sentences_naive, codebook, repairs)
            row.update(baseline_s=round(slow, 3), baseline_mb_s=round(actual / slow, 2), speedup=round(slow / fast, 1))
        results.append(row)
        print(
            f"{row['mb']:7.2f} {row['docs']:7d} {row['coder_s']:9.3f} {row['coder_mb_s']:7.2f} "
            f"{row.get('baseline_s', float('nan')):11.3f} {row.get('baseline_mb_s', float('nan')):7.2f} "
            f"{row.get('speedup', float('nan')):9.1f}",
            flush=True,
        )
    sizes = np.array([r["mb"] for r in results])
    times = np.array([r["coder_s"] for r in results])
    if len(results) >= 2:
        slope, intercept = np.polyfit(sizes, times, 1)
        r2 = np.corrcoef(sizes, times)[0, 1] ** 2
        print(f"coder time ≈ {slope:.3f} s/MB × size + {intercept:.3f} s (R² = {r2:.4f}: linear if close to 1)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory: {peak:.0f} MB")
    if args.json:
        args.json.write_text(json.dumps({"results": results, "peak_rss_mb": round(peak)}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
