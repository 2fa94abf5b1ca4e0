"""The learned component: features, training, the model file, and its decisions in both coders."""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from arabic_themes import load_corpus, segment
from arabic_themes.codebook import CodebookError, load_codebook
from arabic_themes.coding import code_sentences, code_sentences_naive, code_texts, indicator_counts, parse_evidence
from arabic_themes.errors import InputError
from arabic_themes.learned import (
    LearnedModel,
    load_learned,
    retrain,
    save_learned,
    text_features,
    token_features,
    train_learned,
)

from conftest import DATA

THEMES = ["strategic_ambiguity", "precedents", "ukraine_tradeoff"]


def _tiny_model(threshold: float = 0.5) -> LearnedModel:
    weights = {"w:دعم": np.array([2.0, -1.0]), " دع": np.array([0.5, 0.0]), "w:قره": np.array([0.0, 3.0])}
    return LearnedModel(("t", "u"), np.array([-2.0, -2.0]), np.array([threshold, threshold]), weights)


def test_features_are_the_word_and_its_padded_character_ngrams() -> None:
    assert token_features("دعم", (2, 3)) == ["w:دعم", " د", "دع", "عم", "م ", " دع", "دعم", "عم "]
    # the text is normalised first (hamza, teh marbuta, diacritics), then split into words
    assert text_features("دَعْمٌ، ودعماً", (5, 5)) == ["w:دعم", " دعم ", "w:ودعما", " ودعم", "ودعما", "دعما "]


def test_probability_is_a_logistic_sum_over_the_words() -> None:
    model = _tiny_model()
    probs = model.probabilities(["دعم دعم", "قرة باغ", ""])
    expected_t = 1 / (1 + math.exp(-(-2.0 + 2 * (2.0 + 0.5))))
    assert probs["t"].tolist()[0] == pytest.approx(expected_t)
    assert probs["u"].tolist()[1] == pytest.approx(1 / (1 + math.exp(-1.0)))
    assert probs.loc[2].tolist() == pytest.approx([1 / (1 + math.exp(2.0))] * 2)


def test_a_copy_of_a_used_model_scores_with_its_own_weights() -> None:
    """dataclasses.replace (as cross-validation and a changed threshold do) must not share the first-use caches: a
    copy made after the model was used once scores with its own weights, and the original still scores."""
    model = _tiny_model()
    before = model.probabilities(["دعم", "قرة"])
    strict = dataclasses.replace(model, thresholds=np.array([0.9, 0.9]))
    assert strict.probabilities(["دعم", "قرة"]).equals(before)
    other = dataclasses.replace(model, weights={"w:دعم": np.array([-3.0, 0.0])})
    assert other.probabilities(["دعم"])["t"].tolist() == pytest.approx([1 / (1 + math.exp(5.0))])
    assert model.probabilities(["دعم", "قرة"]).equals(before)


def test_training_is_deterministic_and_keeps_the_largest_weights() -> None:
    texts = ["روسيا تدعم إيران بالكلام", "لم تقدم روسيا دعما عسكريا", "سقط الأسد", "تخلت روسيا عن أرمينيا"] * 3
    labels = pd.DataFrame({"t": [1, 1, 0, 0] * 3, "u": [0, 0, 1, 1] * 3})
    one = train_learned(texts, labels, ["t", "u"], c=1.0, keep=0, thresholds={"u": 0.8})
    two = train_learned(texts, labels, ["t", "u"], c=1.0, keep=0, thresholds={"u": 0.8})
    assert one.weights.keys() == two.weights.keys()
    assert all(np.array_equal(one.weights[f], two.weights[f]) for f in one.weights)
    assert one.thresholds.tolist() == [0.5, 0.8]
    pruned = train_learned(texts, labels, ["t", "u"], c=1.0, keep=20)
    assert (np.abs(np.stack(list(pruned.weights.values()))) > 0).sum(axis=0).tolist() == [20, 20]
    probs = one.probabilities(["لم تقدم روسيا دعما", "سقط الأسد"])
    assert probs["t"][0] > 0.5 > probs["t"][1] and probs["u"][1] > 0.5


def test_model_file_round_trip_is_byte_identical(tmp_path: Path) -> None:
    model = load_learned(DATA / "learned_model.json")
    save_learned(model, tmp_path / "m.json")
    assert (tmp_path / "m.json").read_bytes() == (DATA / "learned_model.json").read_bytes()


def test_the_project_model_is_trained_on_the_current_data_and_regenerated_by_its_command() -> None:
    """``python -m arabic_themes.learned train data/learned_model.json`` gives back the file's model."""
    stored = load_learned(DATA / "learned_model.json")
    again = retrain(DATA / "learned_model.json")
    assert again.training["data"] == stored.training["data"]  # the SHA-256 of every training file
    assert again.training["units"] == stored.training["units"] == 1345
    assert again.weights.keys() == stored.weights.keys()
    worst = max(float(np.abs(again.weights[f] - stored.weights[f]).max()) for f in stored.weights)
    assert worst < 1e-5 and np.allclose(again.intercepts, stored.intercepts, atol=1e-5)
    assert again.thresholds.tolist() == stored.thresholds.tolist()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", r"m.json, line 1: not valid JSON"),
        ('{"format": "other"}', r"m.json: not a learned model"),
        ('{"format": "arabic-themes learned model 1", "themes": []}', r"'themes' must be a non-empty list"),
        (
            '{"format": "arabic-themes learned model 1", "themes": ["t"], "intercepts": [0], "thresholds": [1.5],'
            ' "weights": {}}',
            r"'thresholds' must lie strictly between 0 and 1",
        ),
        (
            '{"format": "arabic-themes learned model 1", "themes": ["t"], "intercepts": [0], "thresholds": [0.5],'
            ' "weights": {"w:x": [1, 2]}}',
            r"the weights of feature 'w:x' must be a list of 1 finite numbers",
        ),
        (
            '{"format": "arabic-themes learned model 1", "themes": ["t"], "intercepts": [NaN], "thresholds": [0.5],'
            ' "weights": {}}',
            r"'intercepts' must be a list of 1 finite numbers",
        ),
    ],
)
def test_a_malformed_model_file_is_one_line_naming_it(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "m.json").write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        load_learned(tmp_path / "m.json")


def _codebook_naming(tmp_path: Path, model: str | None, themes: list[str]) -> Path:
    lines = [f"learned: {model}"] if model else []
    lines.append("themes:")
    for theme in themes:
        lines += [
            f"  - id: {theme}",
            "    label_ar: م",
            f"    label_en: {theme}",
            "    definition: d",
            "    indicators:",
            '      - id: word\n        any: ["سوخوي"]',
        ]
    path = tmp_path / "cb.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_codebook_learned_key_errors_name_the_codebook(tmp_path: Path) -> None:
    with pytest.raises(CodebookError, match=r"cb.yaml: learned model: .*nope.json: learned model not found"):
        load_codebook(_codebook_naming(tmp_path, "nope.json", ["t", "u"]))
    save_learned(_tiny_model(), tmp_path / "m.json")
    with pytest.raises(CodebookError, match=r"codes theme\(s\) \['u'\] the codebook does not have"):
        load_codebook(_codebook_naming(tmp_path, "m.json", ["t"]))
    book = load_codebook(_codebook_naming(tmp_path, "m.json", ["t", "u"]))
    assert book.learned is not None and book.learned.themes == ("t", "u")
    assert load_codebook(_codebook_naming(tmp_path, None, ["t", "u"])).learned is None


def test_learned_decisions_and_their_evidence_in_both_coders(tmp_path: Path) -> None:
    save_learned(_tiny_model(), tmp_path / "m.json")
    book = load_codebook(_codebook_naming(tmp_path, "m.json", ["t", "u"]))
    text = "قدمت روسيا دعم ثم دعم. وصلت سوخوي. سقطت قرة باغ. لا شيء هنا."
    sentences = segment(pd.DataFrame({"doc_id": ["d"], "text": [text]}))
    fast = code_sentences(sentences, book, {"d": text})
    naive = code_sentences_naive(sentences, book, {"d": text})
    # t: two words دعم of weight 2.5 each (logit 3); u: قرة (logit 1); the indicator fires on سوخوي
    assert fast[["t", "u"]].values.tolist() == naive[["t", "u"]].values.tolist() == [[1, 0], [1, 1], [0, 1], [0, 0]]
    evidence = parse_evidence(fast)
    learned = evidence[evidence["indicator"] == "learned"]
    assert [(r.sentence_id, r.theme, text[r.start : r.end]) for r in learned.itertuples()] == [
        (1, "t", "دعم"),
        (1, "t", "دعم"),
        (3, "u", "قرة"),
    ]
    assert fast["evidence"].tolist() == naive["evidence"].tolist()
    counts = indicator_counts(fast, book).set_index(["theme", "indicator"])
    assert counts.loc[("t", "learned"), "units"] == counts.loc[("t", "learned"), "only_indicator"] == 1
    assert counts.loc[("u", "learned"), "units"] == 1 and counts.loc[("u", "word"), "units"] == 1
    # where an indicator fires too, its words are the evidence and the model is not named
    both = "دعم ثم دعم وسوخوي."
    coded = code_sentences(segment(pd.DataFrame({"doc_id": ["d"], "text": [both]})), book, {"d": both})
    assert coded["t"].tolist() == [1] and "learned" not in coded["evidence"][0] and "t/word@" in coded["evidence"][0]
    # the same codebook without its model codes with the indicators alone
    alone = code_sentences(sentences, dataclasses.replace(book, learned=None), {"d": text})
    assert alone[["t", "u"]].values.tolist() == [[0, 0], [1, 1], [0, 0], [0, 0]]
    # loose texts: the same decisions, each text on its own
    assert code_texts(sentences["text"].tolist(), book)[["t", "u"]].values.tolist() == fast[["t", "u"]].values.tolist()


def test_project_codebook_with_the_model_codes_alike_in_both_coders(tmp_path: Path) -> None:
    """The project codebook leaves the model out (data/README.md, version 8); named, both coders agree."""
    assert load_codebook(DATA / "codebook.yaml").learned is None
    text = (DATA / "codebook.yaml").read_text(encoding="utf-8")
    (tmp_path / "codebook.yaml").write_text("learned: learned_model.json\n" + text, encoding="utf-8")
    (tmp_path / "learned_model.json").write_bytes((DATA / "learned_model.json").read_bytes())
    book = load_codebook(tmp_path / "codebook.yaml")
    assert book.learned is not None
    corpus = load_corpus(DATA / "annotations" / "real_dev")
    sentences = segment(corpus)
    fast = code_sentences(sentences, book, corpus)
    naive = code_sentences_naive(sentences, book, corpus)
    pd.testing.assert_frame_equal(fast[THEMES], naive[THEMES])
    learned = parse_evidence(fast)
    learned = learned[learned["indicator"] == "learned"]
    assert len(learned) > 0
    bounds = fast.set_index(["doc_id", "sentence_id"])
    texts = dict(zip(corpus["doc_id"], corpus["text"], strict=True))
    for row in learned.itertuples():  # whole words inside their own unit, at most three per unit and theme
        unit = bounds.loc[(row.doc_id, row.sentence_id)]
        word = texts[row.doc_id][row.start : row.end]
        assert unit["start"] <= row.start < row.end <= unit["end"] and word.strip() == word and word
    assert learned.groupby(["doc_id", "sentence_id", "theme"]).size().max() <= 3


def test_words_scored_from_the_engine_keys_equal_words_scored_as_strings() -> None:
    """The coder scores distinct words from the token engine's 64-bit keys; the sums equal the string path's."""
    from arabic_themes.matcher import tokenize
    from arabic_themes.normalisation import _normalize

    text = "\n".join(load_corpus(DATA / "annotations" / "real_dev")["text"]) + " كلمةطويلةجداجداجداجدا Su-35 x_y"
    norm, codes = _normalize(text, [])
    tokens = tokenize(norm.text, codes, np.array([0]), np.array([len(norm.text)]))
    assert tokens.strings  # some words are matched as strings (too long for two keys)
    keyed = load_learned(DATA / "learned_model.json").type_weights(tokens.k1, tokens.k2, tokens.lengths, tokens.strings)
    as_strings = load_learned(DATA / "learned_model.json").word_weights(tokens.type_strings())
    assert np.array_equal(keyed, as_strings)


def test_model_file_records_its_training_sets_and_settings() -> None:
    data = json.loads((DATA / "learned_model.json").read_text(encoding="utf-8"))
    training = data["training"]
    sets = [s.get("texts") or s.get("corpus") for s in training["sets"]]
    assert "annotations/real_dev" in sets and "raw" in sets
    assert all((DATA / name).exists() for name in sets)
    assert set(training["settings"]) == {"c", "keep", "min_count"}
    assert data["thresholds"] == [0.95, 0.95, 0.95]
