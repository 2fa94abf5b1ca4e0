"""Actor alias list: loading errors, clitic-aware matching, variants, glued words, raw offsets."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from arabic_themes.actors import ACTOR_KINDS, Actor, actor_pattern, count_mentions, find_mentions, load_actors
from arabic_themes.segmentation import segment_text

from conftest import ROOT

ACTORS_YAML = ROOT / "data" / "actors.yaml"


@pytest.fixture(scope="module")
def actors() -> list[Actor]:
    return load_actors(ACTORS_YAML)


@pytest.fixture(scope="module")
def repairs(glue_repairs):
    return glue_repairs


def mentions_in(text: str, actors: list[Actor], repairs=None, **kwargs) -> pd.DataFrame:
    return find_mentions(segment_text(text, "t"), actors, repairs, **kwargs)


def pairs(frame: pd.DataFrame) -> list[tuple[str, str]]:
    return list(zip(frame["actor"], frame["alias"], strict=True))


# --- loading ---------------------------------------------------------------------------------------


def test_project_actor_list_loads(actors: list[Actor]) -> None:
    ids = [a.id for a in actors]
    assert len(ids) == len(set(ids))
    for required in ["russia", "iran", "israel", "united_states", "china", "ukraine", "armenia", "azerbaijan",
                     "syria", "nagorno_karabakh", "gulf_states", "nato", "un", "putin", "trump", "araghchi",
                     "kozhanov", "assad", "pezeshkian", "pothier", "grajewski"]:
        assert required in ids
    assert all(a.kind in set(ACTOR_KINDS) and a.aliases for a in actors)
    assert {a.id for a in actors if a.kind == "media"} == {"wsj", "the_times"}


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "actors.yaml"
    path.write_text(text, encoding="utf-8")
    return path


GOOD = "- {id: russia, kind: country, label_ar: روسيا, label_en: Russia, aliases: [روسيا, موسكو]}\n"


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            "- {id: iran, kind: country, label_ar: إيران, aliases: [إيران]}\n",
            r"entry 2 \(id 'iran'\): missing key\(s\) \['label_en'\]",
        ),
        (
            "- {id: iran, kind: country, label_ar: إيران, label_en: Iran, aliases: [إيران], colour: red}\n",
            r"entry 2 \(id 'iran'\): unknown key\(s\) \['colour'\]",
        ),
        (
            "- {id: russia, kind: country, label_ar: روسيا, label_en: Russia, aliases: [الكرملين]}\n",
            r"entry 2 \(id 'russia'\): duplicate id 'russia' \(first used in entry 1\)",
        ),
        (
            "- {id: iran, kind: country, label_ar: إيران, label_en: Iran, aliases: []}\n",
            r"entry 2 \(id 'iran'\): 'aliases' is empty",
        ),
        (
            "- {id: iran, kind: country, label_ar: إيران, label_en: Iran, aliases: [إيران, '']}\n",
            r"entry 2 \(id 'iran'\): aliases entry ''",
        ),
        (
            "- {id: kremlin, kind: place, label_ar: الكرملين, label_en: Kremlin, aliases: [موسكو]}\n",
            r"entry 2 \(id 'kremlin'\): alias 'موسكو' is listed twice \(as 'موسكو' for actor 'russia'\)",
        ),
        (
            "- {id: iran, kind: state, label_ar: إيران, label_en: Iran, aliases: [إيران]}\n",
            r"kind 'state' must be one of",
        ),
        (
            "- {id: iran, kind: country, label_ar: إيران, label_en: Iran, aliases: [إيران], adjectives: [إيران]}\n",
            r"adjective 'إيران' must be one word ending in ي",
        ),
    ],
)
def test_load_errors_name_file_entry_and_alias(tmp_path: Path, entry: str, message: str) -> None:
    path = write(tmp_path, GOOD + entry)
    with pytest.raises(ValueError, match=message) as info:
        load_actors(path)
    assert str(path) in str(info.value)


def test_alias_duplicates_are_found_after_normalisation(tmp_path: Path) -> None:
    # أ/ا and ة/ه do not matter, so these two aliases are the same
    path = write(tmp_path, "- {id: a, kind: place, label_ar: أ, label_en: A, aliases: [أرمينيا, ارمينيا]}\n")
    with pytest.raises(ValueError, match="'ارمينيا' is listed twice"):
        load_actors(path)


def test_load_error_for_non_list(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="non-empty list"):
        load_actors(write(tmp_path, "id: russia\n"))


# --- matching ------------------------------------------------------------------------------------------


def test_clitic_forms_match(actors: list[Actor]) -> None:
    found = mentions_in("قدمت لروسيا وإيران عرضا بموسكو وللكرملين فبوتين.", actors)
    assert pairs(found) == [
        ("russia", "لروسيا"),
        ("iran", "وإيران"),
        ("russia", "بموسكو"),
        ("russia", "وللكرملين"),
        ("putin", "فبوتين"),
    ]
    assert set(found["form"]) == {"name"}


def test_spelling_variants_merge(actors: list[Actor]) -> None:
    text = "قال ترمب ثم ترامب. التقى عرقجي وعراقجي. وقال كوزانوف وكوجانوف."
    found = mentions_in(text, actors)
    assert pairs(found) == [
        ("trump", "ترمب"),
        ("trump", "ترامب"),
        ("araghchi", "عرقجي"),
        ("araghchi", "وعراقجي"),
        ("kozhanov", "كوزانوف"),
        ("kozhanov", "وكوجانوف"),
    ]
    counts = count_mentions(found).set_index("actor")["count"]
    assert counts.to_dict() == {"trump": 2, "araghchi": 2, "kozhanov": 2}


def test_glued_words_count_both_actors(actors: list[Actor], repairs) -> None:
    text = "رغم توقيع موسكووطهران مطلع السنة على شراكة."
    found = mentions_in(text, actors, repairs)
    assert pairs(found) == [("russia", "موسكو"), ("iran", "وطهران")]
    assert [text[s:e] for s, e in zip(found["start"], found["end"], strict=True)] == ["موسكو", "وطهران"]
    assert mentions_in(text, actors).empty, "without the repair table the glued word matches nothing"


def test_repairs_may_be_given_as_a_path(actors: list[Actor]) -> None:
    found = mentions_in("تقوده الولاياتالمتحدة.", actors, ROOT / "data" / "glued_words.csv")
    assert pairs(found) == [("united_states", "الولاياتالمتحدة")]


def test_multiword_aliases_take_the_longest(actors: list[Actor]) -> None:
    found = mentions_in("سحقت القوات في ناغورني قرة باغ ودعم لبشار الأسد وحلف شمال الأطلسي.", actors)
    assert pairs(found) == [
        ("nagorno_karabakh", "ناغورني قرة باغ"),
        ("assad", "لبشار الأسد"),
        ("nato", "وحلف شمال الأطلسي"),
    ]


def test_no_match_inside_unrelated_words(actors: list[Actor]) -> None:
    # مسعود contains سعود (not السعودية), التركيز is not Turkey, الحلفاء/حلف are not NATO,
    # كيف is "how" (not Kyiv), روسياتي and وإيرانستان are not words for Russia/Iran
    text = "الرئيس مسعود يؤكد التركيز على الحلفاء وحلف جديد، كيف ذلك؟ روسياتي وإيرانستان."
    assert mentions_in(text, actors).empty


def test_adjectives_count_by_choice(actors: list[Actor]) -> None:
    text = "الضربات الإسرائيلية والمواقف الروسية والإيرانيون وإيرانيات."
    found = mentions_in(text, actors)
    assert pairs(found) == [
        ("israel", "الإسرائيلية"),
        ("russia", "الروسية"),
        ("iran", "والإيرانيون"),
        ("iran", "وإيرانيات"),
    ]
    assert set(found["form"]) == {"adjective"}
    assert set(found["variant"]) == {"إسرائيلي", "روسي", "إيراني"}
    assert mentions_in(text, actors, adjectives=False).empty, "names only: adjectives are not mentions"


def test_hyphenated_adjectives_count_both(actors: list[Actor]) -> None:
    found = mentions_in("في مواجهة المحور الإسرائيلي-الأمريكي.", actors)
    assert pairs(found) == [("israel", "الإسرائيلي"), ("united_states", "الأمريكي")]


def test_one_regex_per_actor(actors: list[Actor]) -> None:
    pattern, groups = actor_pattern(actors[0])
    assert pattern.groups == len(groups) == len(actors[0].aliases) + len(actors[0].adjectives)


def test_empty_result_has_the_columns(actors: list[Actor]) -> None:
    found = mentions_in("لا أحد هنا.", actors)
    assert list(found.columns) == ["doc_id", "sentence_id", "actor", "alias", "start", "end", "form", "variant"]
    assert found.empty


# --- real corpus ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus_mentions(actors, glue_repairs, corpus, sentences):
    return corpus, sentences, find_mentions(sentences, actors, glue_repairs)


def test_raw_offsets_on_the_corpus(corpus_mentions) -> None:
    corpus, sentences, mentions = corpus_mentions
    texts = dict(zip(corpus["doc_id"], corpus["text"], strict=True))
    assert len(mentions) > 300
    for row in mentions.itertuples():
        assert texts[row.doc_id][row.start : row.end] == row.alias
    # and every mention lies inside the sentence it is attributed to
    bounds = sentences[["doc_id", "sentence_id", "start", "end"]]
    joined = mentions.merge(bounds, on=["doc_id", "sentence_id"], how="left", suffixes=("", "_sentence"))
    assert ((joined["start"] >= joined["start_sentence"]) & (joined["end"] <= joined["end_sentence"])).all()


def test_corpus_glued_words_and_variants(corpus_mentions) -> None:
    _, _, mentions = corpus_mentions
    aliases = mentions.groupby(["actor", "alias"]).size()
    # موسكووطهران occurs 4 times: each gives Moscow and Tehran
    assert aliases[("russia", "موسكو")] >= 4 and aliases[("iran", "وطهران")] >= 4
    assert aliases[("united_states", "الولاياتالمتحدة")] == 2
    variants = mentions.groupby("actor")["variant"].agg(set)
    assert {"ترامب", "ترمب", "دونالد ترامب", "دونالد ترمب"} <= variants["trump"]
    assert {"عباس عراقجي", "عباس عرقجي"} <= variants["araghchi"]
    assert {"نيكولاي كوجانوف", "نيكولاي كوزانوف"} <= variants["kozhanov"]


def test_count_mentions_is_complete_and_stable(corpus_mentions, actors) -> None:
    corpus, _, mentions = corpus_mentions
    counts = count_mentions(mentions, actors, corpus["doc_id"])
    assert list(counts.columns) == ["doc_id", "actor", "count"]
    assert len(counts) == len(corpus) * len(actors)
    assert counts["count"].sum() == len(mentions)
    assert (counts["count"] == 0).any(), "zeros are kept"
    assert counts["doc_id"].tolist() == [d for d in corpus["doc_id"] for _ in actors]
    assert counts["actor"].tolist() == [a.id for a in actors] * len(corpus)
    assert counts.equals(count_mentions(mentions, actors, corpus["doc_id"]))
