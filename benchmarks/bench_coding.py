"""Benchmark: segment + code, end to end, on the corpus scaled up, beside the matchers a user would pick.

Two corpora are built from the five articles, as many megabytes (UTF-8) as asked:

* ``repeated``: documents of 4-12 paragraphs drawn at random from the articles (what earlier
  versions of this benchmark measured; only about 1,500 distinct words, however large);
* ``realistic``: the same, then in each paragraph 15 % of the words (chosen at random) get one
  letter replaced by a random Arabic letter: a vocabulary that keeps growing with the corpus like a
  real archive's (about 70 k distinct words per 10 MB), and fewer words match the codebook. It is
  drawn anew (another seed) for each round, so words remembered from an earlier round do not hide
  the cost of new ones.

Methods, timed on the same documents in one process, on one core, in alternating rounds (each round
runs every method once, in a rotating order; best and median of the rounds are reported):

* ``coder``: :func:`segment` + :func:`code_sentences` (sentences, normalisation, clitics, stems, gaps,
  co-occurrence, vetoes, ``drop_when``, raw offsets of every hit);
* ``flashtext`` and ``spacy``: flashtext's KeywordProcessor and spaCy's PhraseMatcher (on
  ``spacy.blank("ar")`` tokens) over the codebook's *literal* phrases (terms without ``*``, ``..``
  or ``re:``, alternatives expanded), on the raw articles: they do much less (no sentences, no
  normalisation, no clitics or stems), and are there as the speed a user could get elsewhere;
* ``normalise``: :func:`normalize` of every article alone (a floor: reading the text once);
* ``naive``: one ``re.search`` per term per sentence (``code_sentences_naive``), once, on the
  smallest size only (it is two orders of magnitude slower).

    python benchmarks/bench_coding.py                         # 10 MB, both corpora, 5 rounds
    python benchmarks/bench_coding.py --sizes 1 10 50 100 --corpus realistic --methods coder
    python benchmarks/bench_coding.py --json results.json

flashtext and spaCy come with the optional ``bench`` extra (``pip install -e '.[bench]'``, which
``make benchmark`` installs); without them their rows are skipped.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import itertools
import json
import os
import random
import re
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from arabic_themes import clear_caches, load_corpus, load_glue_repairs, normalize, segment
from arabic_themes.coding import Codebook, code_sentences, code_sentences_naive, load_codebook
from arabic_themes.normalisation import normalize_word

ROOT = Path(__file__).resolve().parents[1]
ARABIC_LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
PERTURBED_SHARE = 0.15
_WORD = re.compile(r"[\u0621-\u064A]{2,}")


def scaled_corpus(corpus: pd.DataFrame, megabytes: float, *, realistic: bool, seed: int = 0) -> pd.DataFrame:
    """Documents of 4-12 random paragraphs of the corpus until ``megabytes`` of UTF-8 text; with
    ``realistic``, 15 % of the Arabic words of each paragraph get one letter replaced (see the docstring)."""
    rng = random.Random(seed)
    paragraphs = [p for text in corpus["text"] for p in text.split("\n") if p.strip()]

    def perturb(match: re.Match[str]) -> str:
        word = match.group(0)
        if rng.random() >= PERTURBED_SHARE:
            return word
        i = rng.randrange(len(word))
        return word[:i] + rng.choice(ARABIC_LETTERS) + word[i + 1 :]

    target = int(megabytes * 1_000_000)
    docs, size, i = [], 0, 0
    while size < target:
        chosen = [rng.choice(paragraphs) for _ in range(rng.randint(4, 12))]
        if realistic:
            chosen = [_WORD.sub(perturb, p) for p in chosen]
        text = "\n".join(chosen)
        docs.append((f"doc{i:07d}", text))
        size += len(text.encode("utf-8"))
        i += 1
    return pd.DataFrame(docs, columns=["doc_id", "text"])


def distinct_words(corpus: pd.DataFrame) -> int:
    return len({w for text in corpus["text"] for w in re.findall(r"\w+", text)})


def literal_phrases(codebook: Codebook) -> list[str]:
    """The codebook's terms that are plain words or phrases (no stem, gap or regex), alternatives expanded."""
    phrases: set[str] = set()
    for term in codebook.patterns:
        if term.startswith("re:") or "*" in term or ".." in term:
            continue
        options = []
        for word in term.replace("=", "").split():
            options.append(word[1:-1].split("|") if word.startswith("{") else [word])
        for combination in itertools.product(*options):
            phrases.add(normalize_word(" ".join(combination)))
    return sorted(phrases)


# --- the methods: each takes the corpus and returns a count (so nothing is optimised away) ----------------
def coder(codebook: Codebook, repairs: list) -> Callable[[pd.DataFrame], int]:
    def run(corpus: pd.DataFrame) -> int:
        coded = code_sentences(segment(corpus), codebook, corpus, repairs)
        return int(coded[codebook.theme_ids].to_numpy().sum())

    return run


def naive(codebook: Codebook, repairs: list) -> Callable[[pd.DataFrame], int]:
    def run(corpus: pd.DataFrame) -> int:
        coded = code_sentences_naive(segment(corpus), codebook, corpus, repairs)
        return int(coded[codebook.theme_ids].to_numpy().sum())

    return run


def normalise_only(corpus: pd.DataFrame) -> int:
    return sum(len(normalize(text).text) for text in corpus["text"])


def flashtext_matcher(phrases: list[str]) -> Callable[[pd.DataFrame], int] | None:
    try:
        from flashtext import KeywordProcessor
    except ImportError:
        return None
    processor = KeywordProcessor(case_sensitive=True)
    processor.non_word_boundaries = {chr(c) for c in range(0x10000) if chr(c).isalnum() or chr(c) == "_"}
    for phrase in phrases:
        processor.add_keyword(phrase)

    def run(corpus: pd.DataFrame) -> int:
        return sum(len(processor.extract_keywords(text, span_info=True)) for text in corpus["text"])

    return run


def spacy_matcher(phrases: list[str]) -> Callable[[pd.DataFrame], int] | None:
    try:
        import spacy
        from spacy.matcher import PhraseMatcher
    except ImportError:
        return None
    nlp = spacy.blank("ar")
    matcher = PhraseMatcher(nlp.vocab)
    matcher.add("codebook", list(nlp.tokenizer.pipe(phrases)))

    def run(corpus: pd.DataFrame) -> int:
        return sum(len(matcher(doc)) for doc in nlp.tokenizer.pipe(corpus["text"].tolist(), batch_size=256))

    return run


def _resident_mb(field: str) -> float | None:
    """VmRSS (now) or VmHWM (peak since the last reset) of this process in MB, where Linux tells it."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def working_memory(run: Callable[[pd.DataFrame], int], corpus: pd.DataFrame) -> float | None:
    """Peak resident memory of one run above what the process held before it (the corpus included),
    in MB: the memory the method itself needs (Linux: the peak is reset through /proc/self/clear_refs)."""
    gc.collect()
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return None
    before = _resident_mb("VmRSS")
    run(corpus)
    peak = _resident_mb("VmHWM")
    return None if before is None or peak is None else peak - before


def alternate(
    methods: dict[str, Callable[[pd.DataFrame], int]], corpus_of_round: Callable[[int], pd.DataFrame], rounds: int
) -> dict[str, list[float]]:
    """Each method ``rounds`` times, in rounds that rotate the order, every method of a round on the
    same corpus; times in seconds."""
    times: dict[str, list[float]] = {name: [] for name in methods}
    names = list(methods)
    for r in range(rounds):
        corpus = corpus_of_round(r)
        for name in names[r % len(names) :] + names[: r % len(names)]:
            gc.collect()
            began = time.perf_counter()
            methods[name](corpus)
            times[name].append(time.perf_counter() - began)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[10])
    parser.add_argument("--corpus", choices=["realistic", "repeated", "both"], default="both")
    parser.add_argument("--methods", nargs="+", default=["coder", "flashtext", "spacy", "normalise", "naive"])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--naive-mb", type=float, default=1, help="size (MB) of the one naive run")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()

    with contextlib.suppress(AttributeError, OSError):  # one core
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    articles = load_corpus(ROOT / "data" / "raw")
    codebook = load_codebook(ROOT / "data" / "codebook.yaml")
    repairs = load_glue_repairs(ROOT / "data" / "glued_words.csv")
    phrases = literal_phrases(codebook)
    available: dict[str, Callable[[pd.DataFrame], int] | None] = {
        "coder": coder(codebook, repairs),
        "flashtext": flashtext_matcher(phrases),
        "spacy": spacy_matcher(phrases),
        "normalise": normalise_only,
    }
    methods = {m: f for m, f in available.items() if m in args.methods and f is not None}
    skipped = [m for m in args.methods if m in available and available[m] is None]
    if skipped:
        print(f"not installed, skipped: {', '.join(skipped)} (pip install -e '.[bench]')")
    print(f"{len(phrases)} literal phrases for the peers; {args.rounds} alternating rounds; one core")
    results = []
    kinds = ["realistic", "repeated"] if args.corpus == "both" else [args.corpus]
    for kind, mb in itertools.product(kinds, args.sizes):
        realistic = kind == "realistic"
        corpus = scaled_corpus(articles, mb, realistic=realistic)
        actual = sum(len(t.encode("utf-8")) for t in corpus["text"]) / 1e6
        words = distinct_words(corpus)
        clear_caches()
        methods["coder"](corpus.head(20))  # warm: tables and matcher built once per process

        def corpus_of_round(r: int, corpus: pd.DataFrame = corpus, mb: float = mb, realistic: bool = realistic):
            # the realistic corpus is drawn anew each round (new words, as in a new archive), so nothing
            # remembered from an earlier round helps; the repeated one has the same words anyway
            return scaled_corpus(articles, mb, realistic=True, seed=r) if realistic and r else corpus

        times = alternate(methods, corpus_of_round, args.rounds)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        working = working_memory(methods["coder"], corpus)
        print(f"\n{kind} corpus, {actual:.1f} MB, {len(corpus):,} documents, {words:,} distinct words", end="")
        print(f", peak RSS {peak:.0f} MB" + (f", coder working memory {working:.0f} MB" if working is not None else ""))
        print(f"{'method':<10} {'best MB/s':>10} {'median MB/s':>12} {'coder ÷ it (best)':>18} {'(median)':>9}")
        coder_best, coder_median = min(times["coder"]), statistics.median(times["coder"])
        for name, ts in times.items():
            best, median = min(ts), statistics.median(ts)
            row = {
                "corpus": kind,
                "mb": round(actual, 2),
                "distinct_words": words,
                "method": name,
                "best_s": round(best, 3),
                "median_s": round(median, 3),
                "best_mb_s": round(actual / best, 2),
                "median_mb_s": round(actual / median, 2),
                "coder_speed_ratio_best": round(best / coder_best, 2),
                "coder_speed_ratio_median": round(median / coder_median, 2),
                "peak_rss_mb": round(peak),
                "coder_working_mb": None if working is None else round(working),
            }
            results.append(row)
            print(
                f"{name:<10} {row['best_mb_s']:>10.2f} {row['median_mb_s']:>12.2f} "
                f"{row['coder_speed_ratio_best']:>18.2f} {row['coder_speed_ratio_median']:>9.2f}"
            )
        if "naive" in args.methods and mb == min(args.sizes):
            small = scaled_corpus(articles, args.naive_mb, realistic=kind == "realistic")
            small_mb = sum(len(t.encode("utf-8")) for t in small["text"]) / 1e6
            began = time.perf_counter()
            naive(codebook, repairs)(small)
            slow = time.perf_counter() - began
            results.append({"corpus": kind, "mb": round(small_mb, 2), "method": "naive", "best_s": round(slow, 3)})
            print(f"{'naive':<10} {small_mb / slow:>10.3f}   (one run on {small_mb:.1f} MB)")
    coder_rows = [r for r in results if r["method"] == "coder"]
    for kind in kinds:
        rows = [r for r in coder_rows if r["corpus"] == kind]
        if len(rows) >= 2:
            sizes, best = np.array([r["mb"] for r in rows]), np.array([r["best_s"] for r in rows])
            slope, intercept = np.polyfit(sizes, best, 1)
            r2 = np.corrcoef(sizes, best)[0, 1] ** 2
            print(f"{kind}: coder time ≈ {slope:.4f} s/MB × size + {intercept:.3f} s (R² = {r2:.4f})")
    if args.json:
        args.json.write_text(json.dumps({"results": results}, indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
