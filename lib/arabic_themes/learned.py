"""An optional learned component: a linear model over a unit's words and character n-grams, added to the indicators.

The codebook's indicators are read and written by people; on text unlike the texts they were written from, they
miss what they have no words for. A codebook may name a *learned model* (``learned: model.json``, next to the
codebook): one logistic regression per theme over counts of the unit's words and of the character n-grams of each
word (2 to 5 letters, the word padded with spaces), trained on hand-coded units. A unit gets the theme from the model
when the model's probability exceeds the theme's threshold; the indicators and the model are combined by OR, before
the ``drop_when`` rules. Where the model adds a theme no indicator gave, the evidence names it as the indicator
``learned`` with the raw offsets of the (up to three) words that raised the probability most.

Everything is deterministic and readable: the model is a JSON file of feature weights (no pickles), written by
:func:`train_learned` from files in ``data/`` and regenerated with ``python -m arabic_themes.learned train FILE``
from the training sets and settings the file itself records (a test checks that it is). The score of a unit is a sum
over its words, so each distinct word is scored once and the coder stays fast. A codebook without ``learned`` codes
exactly as before: the component is optional, and a user's own codebook needs no training data.

The threshold of each theme is chosen by grouped cross-validation by article (:func:`cross_validate`): the model is
trained without the articles it is scored on. Training data, retraining and cross-validation live in
:mod:`arabic_themes.learned_training` (imported here too); this module holds the model, its
features and its file.
"""

from __future__ import annotations

import argparse
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from arabic_themes.errors import InputError, read_input_text
from arabic_themes.learned_training import cross_validate, cross_validation_table, retrain, training_units
from arabic_themes.normalisation import normalize

if TYPE_CHECKING:
    pass

__all__ = [
    "LearnedModel",
    "cross_validate",
    "load_learned",
    "save_learned",
    "text_features",
    "token_features",
    "train_learned",
    "training_units",
]

FORMAT = "arabic-themes learned model 1"
_BOUNDARY = 0xFF  # the byte of the padding space around a word in packed n-grams (no key character has it)
_WORD = re.compile(r"\w+")


def token_features(token: str, ngrams: tuple[int, int] = (2, 5)) -> list[str]:
    """The features of one normalised word: the word itself (``w:`` + word) and the character n-grams of the word
    padded with a space on each side (so ``" ال"`` marks a word that starts with ال)."""
    padded = f" {token} "
    low, high = ngrams
    grams = [padded[i : i + n] for n in range(low, high + 1) for i in range(len(padded) - n + 1)]
    return ["w:" + token, *grams]


def text_features(text: str, ngrams: tuple[int, int] = (2, 5)) -> list[str]:
    """The features of a raw unit: those of every word (``\\w+``) of its normalised text, with repetitions."""
    return [f for token in _WORD.findall(normalize(text).text) for f in token_features(token, ngrams)]


@dataclass(eq=False)
class LearnedModel:
    """One linear model per theme over word and character n-gram counts (see the module docstring)."""

    themes: tuple[str, ...]
    intercepts: np.ndarray  # one per theme
    thresholds: np.ndarray  # probability above which the model codes the theme, one per theme
    weights: dict[str, np.ndarray]  # feature -> one weight per theme
    ngrams: tuple[int, int] = (2, 5)
    training: dict[str, Any] = field(default_factory=dict)  # how it was trained (recorded in the file)
    path: str = ""
    # caches built on first use; not arguments, so a copy (dataclasses.replace) starts with its own, empty ones
    _cache: dict[str, np.ndarray] = field(default_factory=dict, repr=False, init=False)
    _index: dict[str, int] = field(default_factory=dict, repr=False, init=False)
    _matrix: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)), repr=False, init=False)
    _keys: tuple[Any, ...] = field(default=(), repr=False, init=False)

    def _rows(self) -> tuple[dict[str, int], np.ndarray]:
        """Feature -> row of the weight matrix (features × themes), built once."""
        if not self._index:
            self._index.update((f, i) for i, f in enumerate(self.weights))
            self._matrix = np.asarray(list(self.weights.values()), dtype=float).reshape(-1, len(self.themes))
        return self._index, self._matrix

    def _sum(self, owner: np.ndarray, row: np.ndarray, n: int) -> np.ndarray:
        """Per owner (0..n-1), the sum of the weight rows ``row`` it owns, added in (owner, row) order, so a word's
        sum is the same float whichever way its features were found."""
        _, matrix = self._rows()
        order = np.lexsort((row, owner))
        out = np.zeros((n, len(self.themes)))
        np.add.at(out, owner[order], matrix[row[order]])
        return out

    def word_weights(self, tokens: Sequence[str]) -> np.ndarray:
        """Per normalised word, its summed feature weights (words × themes). Each distinct word is scored once and
        remembered."""
        cache = self._cache
        if len(cache) > 1_000_000:  # bounded memory on a very large, varied archive
            cache.clear()
        missing = [t for t in dict.fromkeys(tokens) if t not in cache]
        if missing:
            index, _ = self._rows()
            owner: list[int] = []
            found: list[int] = []
            for k, token in enumerate(missing):
                for f in token_features(token, self.ngrams):
                    i = index.get(f)
                    if i is not None:
                        owner.append(k)
                        found.append(i)
            sums = self._sum(np.asarray(owner, dtype=np.int64), np.asarray(found, dtype=np.int64), len(missing))
            cache.update(zip(missing, sums, strict=True))
        if not len(tokens):
            return np.zeros((0, len(self.themes)))
        return np.stack([cache[t] for t in tokens])

    def type_weights(self, k1: np.ndarray, k2: np.ndarray, lengths: np.ndarray, strings: Sequence[str]) -> np.ndarray:
        """:meth:`word_weights` of the distinct words of a text as the token engine gives them
        (:class:`~arabic_themes.matcher.Tokens`): words packed in two 64-bit keys, scored with array operations
        (n-grams packed the same way and looked up in sorted tables), then the other words as strings."""
        n = k1.size
        gram_keys, gram_rows, word_index, word_rows = self._key_tables()
        owners, rows = [], []
        if n:
            # each word's bytes (big-endian keys), padded with a boundary byte on each side, as token_features does
            data = np.concatenate(
                [k1.astype(">u8").view(np.uint8).reshape(-1, 8), k2.astype(">u8").view(np.uint8).reshape(-1, 8)],
                axis=1,
            ).astype(np.uint64)
            width = data.shape[1] + 2
            padded = np.zeros((n, width), dtype=np.uint64)
            padded[:, 0] = _BOUNDARY
            padded[:, 1:-1] = data
            padded[np.arange(n), lengths + 1] = _BOUNDARY
            low, high = self.ngrams
            for i in range(width - low + 1):
                key = np.zeros(n, dtype=np.uint64)
                for size in range(1, high + 1):
                    if i + size > width:
                        break
                    key = (key << np.uint64(8)) | padded[:, i + size - 1]
                    if size < low:
                        continue
                    valid = np.flatnonzero(i + size <= lengths + 2)
                    if not valid.size or not gram_keys.size:
                        continue
                    packed = key[valid] | np.uint64(size << 48)
                    at = np.minimum(np.searchsorted(gram_keys, packed), gram_keys.size - 1)
                    hit = gram_keys[at] == packed
                    owners.append(valid[hit])
                    rows.append(gram_rows[at[hit]])
            at = word_index.get_indexer(pd.MultiIndex.from_arrays([k1, k2]))  # exact, both keys
            hit = np.flatnonzero(at >= 0)
            owners.append(hit)
            rows.append(word_rows[at[hit]])
        owner = np.concatenate(owners) if owners else np.empty(0, dtype=np.int64)
        row = np.concatenate(rows) if rows else np.empty(0, dtype=np.int64)
        keyed = self._sum(owner.astype(np.int64), row.astype(np.int64), n)
        return np.concatenate([keyed, self.word_weights(strings)]) if len(strings) else keyed

    def _key_tables(self) -> tuple[Any, ...]:
        """The features as the token engine's keys, built once: n-grams (bytes packed with their length, sorted)
        and whole words (hashed like the engine's words). Features with a character a key cannot hold are only
        found in words matched as strings, which can hold them."""
        if not self._keys:
            from arabic_themes.matcher import _CHAR_BYTE, _string_keys

            index, _ = self._rows()
            grams: list[tuple[int, int]] = []
            words: list[tuple[int, int, int]] = []
            for feature, row in index.items():
                if feature.startswith("w:"):
                    keys = _string_keys(feature[2:])
                    if keys is not None:
                        words.append((keys[0], keys[1], row))
                    continue
                codes = [ord(ch) for ch in feature]
                if any(c > 0xFFFF or (c != 0x20 and not _CHAR_BYTE[c]) for c in codes):
                    continue
                key = 0
                for c in codes:
                    key = (key << 8) | (_BOUNDARY if c == 0x20 else int(_CHAR_BYTE[c]))
                grams.append((key | (len(codes) << 48), row))
            grams.sort()
            gram_keys = np.asarray([g for g, _ in grams], dtype=np.uint64)
            gram_rows = np.asarray([r for _, r in grams], dtype=np.int64)
            word_k1 = np.asarray([w[0] for w in words], dtype=np.uint64)
            word_k2 = np.asarray([w[1] for w in words], dtype=np.uint64)
            word_rows = np.asarray([w[2] for w in words], dtype=np.int64)
            self._keys = (gram_keys, gram_rows, pd.MultiIndex.from_arrays([word_k1, word_k2]), word_rows)
        return self._keys

    def probabilities(self, texts: Iterable[str]) -> pd.DataFrame:
        """The model's probability of each theme for raw units (one row per text, one column per theme)."""
        rows = []
        for text in texts:
            tokens = _WORD.findall(normalize(str(text)).text)
            rows.append(self.intercepts + self.word_weights(tokens).sum(axis=0))
        logits = np.asarray(rows).reshape(-1, len(self.themes))
        return pd.DataFrame(1.0 / (1.0 + np.exp(-logits)), columns=list(self.themes))


def train_learned(
    texts: Sequence[str],
    labels: pd.DataFrame,
    themes: Sequence[str],
    *,
    c: float = 0.03,
    keep: int = 3000,
    min_count: int = 2,
    thresholds: Mapping[str, float] | None = None,
    ngrams: tuple[int, int] = (2, 5),
    sample_weight: Sequence[float] | None = None,
) -> LearnedModel:
    """Fit one L2 logistic regression per theme (balanced classes) on feature counts of ``texts``.

    ``labels`` has one 0/1 column per theme. Features seen in fewer than ``min_count`` units are dropped; of the
    rest, each theme keeps its ``keep`` largest weights (in absolute value) and the others are set to zero, so the
    model file stays small. Deterministic: the solver is LBFGS from zero, features are sorted.
    """
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = CountVectorizer(analyzer=lambda t: text_features(t, ngrams), min_df=min_count)
    matrix = vectorizer.fit_transform(list(texts))
    vocabulary = vectorizer.get_feature_names_out()
    coefficients = np.zeros((len(vocabulary), len(themes)))
    intercepts = np.zeros(len(themes))
    for j, theme in enumerate(themes):
        y = labels[theme].to_numpy(dtype=int)
        model = LogisticRegression(C=c, class_weight="balanced", max_iter=5000, tol=1e-8)
        model.fit(matrix, y, sample_weight=None if sample_weight is None else np.asarray(sample_weight))
        w = model.coef_[0].copy()
        if keep and len(w) > keep:
            w[np.argsort(-np.abs(w), kind="stable")[keep:]] = 0.0
        coefficients[:, j] = w
        intercepts[j] = float(model.intercept_[0])
    used = np.flatnonzero(np.abs(coefficients).sum(axis=1) > 0)
    weights = {str(vocabulary[i]): coefficients[i] for i in used}
    cut = np.asarray([(thresholds or {}).get(t, 0.5) for t in themes], dtype=float)
    return LearnedModel(tuple(themes), intercepts, cut, weights, ngrams)


# --- the file ------------------------------------------------------------------------------------------
def save_learned(model: LearnedModel, path: str | Path) -> None:
    """Write the model as JSON: settings, training record, intercepts, thresholds, and the weights of every kept
    feature, one feature per line (rounded to 6 decimals and sorted, so the file is byte-identical when the model
    is, and a change of the model is a readable diff)."""
    head = {
        "format": FORMAT,
        "themes": list(model.themes),
        "ngrams": list(model.ngrams),
        "thresholds": [round(float(v), 6) for v in model.thresholds],
        "training": model.training,
        "intercepts": [round(float(v), 6) for v in model.intercepts],
    }
    lines = [f" {json.dumps(k, ensure_ascii=False)}: {json.dumps(v, ensure_ascii=False)}," for k, v in head.items()]
    features = [
        f"  {json.dumps(f, ensure_ascii=False)}: {json.dumps([round(float(v), 6) for v in model.weights[f]])}"
        for f in sorted(model.weights)
    ]
    text = "{\n" + "\n".join(lines) + '\n "weights": {\n' + ",\n".join(features) + "\n }\n}\n"
    Path(path).write_text(text, encoding="utf-8")


def load_learned(path: str | Path) -> LearnedModel:
    """Read a model written by :func:`save_learned`; a malformed file is an :class:`InputError` naming it."""
    path = Path(path)
    text = read_input_text(path, "learned model")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}, line {exc.lineno}: not valid JSON ({exc.msg})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise InputError(f"{path}: not a learned model (expected \"format\": \"{FORMAT}\")")
    themes = data.get("themes")
    if not isinstance(themes, list) or not themes or not all(isinstance(t, str) and t for t in themes):
        raise InputError(f"{path}: 'themes' must be a non-empty list of theme ids")
    n = len(themes)

    def numbers(key: str, value: object, length: int) -> np.ndarray:
        if (
            not isinstance(value, list)
            or len(value) != length
            or not all(isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in value)
        ):
            raise InputError(f"{path}: {key} must be a list of {length} finite numbers")
        return np.asarray(value, dtype=float)

    intercepts = numbers("'intercepts'", data.get("intercepts"), n)
    thresholds = numbers("'thresholds'", data.get("thresholds"), n)
    if ((thresholds <= 0) | (thresholds >= 1)).any():
        raise InputError(f"{path}: 'thresholds' must lie strictly between 0 and 1")
    ngrams = data.get("ngrams", [2, 5])
    if not (isinstance(ngrams, list) and len(ngrams) == 2 and all(isinstance(v, int) for v in ngrams)) or not (
        1 <= ngrams[0] <= ngrams[1] <= 10
    ):
        raise InputError(f"{path}: 'ngrams' must be [low, high] with 1 <= low <= high <= 10")
    raw = data.get("weights")
    if not isinstance(raw, dict):
        raise InputError(f"{path}: 'weights' must map features to lists of {n} numbers")
    weights = {str(f): numbers(f"the weights of feature {f!r}", w, n) for f, w in raw.items()}
    training: dict[str, Any] = data["training"] if isinstance(data.get("training"), dict) else {}
    return LearnedModel(tuple(themes), intercepts, thresholds, weights, (ngrams[0], ngrams[1]), training, str(path))


# --- the command: python -m arabic_themes.learned train|cv ---------------------------------------------
def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m arabic_themes.learned", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    train = sub.add_parser("train", help="train the model again from the sets and settings its file records")
    train.add_argument("file", type=Path)
    cv = sub.add_parser("cv", help="grouped cross-validation of indicators OR model, by article, per threshold")
    cv.add_argument("file", type=Path, help="the model file (its training sets and settings are used)")
    cv.add_argument("--codebook", type=Path, required=True)
    cv.add_argument("--scored", required=True, help="the corpus set whose articles are scored, as named in the file")
    cv.add_argument("--parts", type=Path, help="CSV doc_id,part: report each part as well")
    cv.add_argument("--thresholds", type=float, nargs="+", default=[0.5, 0.8, 0.9, 0.95, 0.99, 1.0])
    cv.add_argument("--folds", type=int, default=5)
    cv.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    if args.command == "train":
        model = retrain(args.file)
        save_learned(model, args.file)
        print(f"{args.file}: {len(model.weights)} features, trained on {model.training['units']} units")
        return
    from arabic_themes.codebook import load_codebook

    codebook = load_codebook(args.codebook)
    spec = json.loads(read_input_text(args.file, "learned model"))
    training = spec.get("training") or {}
    settings = {k: v for k, v in (training.get("settings") or {}).items() if k in ("c", "keep", "min_count")}
    units = training_units(training.get("sets") or [], args.file.parent, codebook.theme_ids)
    scored = (units["set"] == args.scored).to_numpy()
    if not scored.any():
        raise SystemExit(f"{args.file}: no training set named {args.scored!r}")
    results = cross_validate(
        units, scored, codebook, args.thresholds, folds=args.folds, repeats=args.repeats, **settings
    )
    parts = None
    if args.parts:
        table = pd.read_csv(args.parts, dtype=str, keep_default_na=False)
        parts = dict(zip(table["doc_id"], table["part"], strict=True))
    summary = cross_validation_table(results, codebook.theme_ids, parts)
    with pd.option_context("display.width", 200, "display.max_rows", 500):
        print(summary.round(3).to_string(index=False))


if __name__ == "__main__":
    main()
