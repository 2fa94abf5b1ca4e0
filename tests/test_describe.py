"""The normalisation report: what each rule changed, per article, counted from the normalisation tables."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from arabic_themes.describe import normalisation_changes
from arabic_themes.normalisation import GlueRepair, normalize

OTHER = "other (format/bidi mark, Persian letter)"


def _changes(text: str, repairs: list[GlueRepair] | None = None) -> dict[str, int]:
    frame = normalisation_changes(pd.DataFrame({"doc_id": ["a"], "text": [text]}), repairs)
    return {k: int(v) for k, v in frame.drop(columns="doc_id").iloc[0].items() if v}


def test_each_rule_is_counted_under_its_name() -> None:
    text = (
        "أإآٱ ؤئ ى ة"  # 4 alef variants, 2 hamza seats, alef maqsura, teh marbuta
        " كَتَبَ بـالـ\u0654"  # 3 fathas and a decomposed hamza (combining marks), 2 tatweels
        " ٣۴ S-400"  # an Arabic-Indic and an extended (Persian) digit, one Latin capital
        " \u200fک É"  # a bidi mark, Persian keheh, a non-Latin capital: all "other"
    )
    assert _changes(text) == {
        "alef variant → ا": 4,
        "hamza seat → و/ي": 2,
        "alef maqsura → ي": 1,
        "teh marbuta → ه": 1,
        "diacritic removed": 4,
        "tatweel removed": 2,
        "digit → ASCII": 2,
        "Latin lower-cased": 1,
        OTHER: 3,
    }


def test_glued_words_repaired_are_counted_and_columns_sorted() -> None:
    frame = normalisation_changes(
        pd.DataFrame({"doc_id": ["a", "b"], "text": ["بين موسكووطهران", "موسكو"]}),
        [GlueRepair("موسكووطهران", "موسكو وطهران")],
    )
    assert list(frame.columns) == ["doc_id", "glued words repaired"]
    assert frame["glued words repaired"].tolist() == [1, 0]


_ALPHABET = [chr(c) for c in range(0x0620, 0x0660)] + list("٠٩۰۹ \n\u200f\u00a0AZaz0ÉİΣک\u06cc\u0670ٱ")


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=_ALPHABET, max_size=40))
def test_every_changed_character_is_counted_once(text: str) -> None:
    """Counting distinct characters gives what the plain character-by-character count gives."""
    plain = sum(normalize(ch).text != ch for ch in text)
    counts = _changes(text)
    counts.pop("glued words repaired", None)
    assert sum(counts.values()) == plain


def test_normalisation_examples_count_words_once_each() -> None:
    from arabic_themes.describe import normalisation_examples

    corpus = pd.DataFrame({"doc_id": ["a", "b"], "text": ["إيران وإيران", "إيران ايران"]})
    table = normalisation_examples(corpus)
    assert table.values.tolist() == [["إيران", "ايران", 2], ["وإيران", "وايران", 1]]  # ايران is already normal


def test_glue_repairs_found_lists_the_words_of_the_list_that_occur() -> None:
    from arabic_themes.describe import glue_repairs_found

    corpus = pd.DataFrame({"doc_id": ["a", "b"], "text": ["بين موسكووطهران", "موسكووطهران و الولاياتالمتحدة"]})
    repairs = [GlueRepair("موسكووطهران", "موسكو وطهران"), GlueRepair("روسياوإيران", "روسيا وإيران")]
    assert glue_repairs_found(corpus, repairs).values.tolist() == [["موسكووطهران", "موسكو وطهران", 2]]
