"""Figures: Arabic labels on the running renderer, house style, reproducible files, image baselines.

The figure tests compare against PNGs in ``tests/baseline`` when pytest runs with ``--mpl``;
regenerate them after a deliberate change with

    python -m pytest tests/test_plotting.py --mpl-generate-path=tests/baseline

and look at every PNG before keeping it. They use small synthetic frames built here (not the
corpus), so tuning the codebook never moves a baseline.
"""

from __future__ import annotations

import itertools
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import arabic_reshaper
import matplotlib
import numpy as np
import pandas as pd
import pytest
from bidi import get_display
from matplotlib import font_manager, ft2font
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from arabic_themes import plot_style, plotting
from arabic_themes.plotting import (
    THEME_COLORS,
    arabic_label,
    bilingual,
    house_style,
    plot_actor_mentions,
    plot_agreement,
    plot_cooccurrence,
    plot_theme_dispersion,
    plot_theme_shares,
    register_arabic_font,
    renderer_shapes_text,
    save_figure,
    theme_color,
)

MPL = dict(baseline_dir="baseline", tolerance=2, savefig_kwargs={"dpi": 100})


# --- synthetic data ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Label:
    id: str
    label_ar: str
    label_en: str


THEMES = [
    Label("strategic_ambiguity", "الغموض الاستراتيجي", "Strategic ambiguity"),
    Label("precedents", "السوابق", "Precedents"),
    Label("ukraine_tradeoff", "مقايضة أوكرانيا", "Ukraine trade-off"),
]
# One label mixes Arabic, a Latin model name and digits, as real headlines do.
DOC_LABELS = {"doc_a": "دعم محدود", "doc_b": "حسابات بوتين", "doc_c": "منظومة إس-400 (S-400) في 2025"}
# Per article, one code string per sentence: digits are the three themes in THEMES order.
CODES = {
    "doc_a": ["100", "110", "000", "100", "001", "000", "101", "100", "010", "000", "100", "000"],
    "doc_b": ["000", "100", "100", "011", "010", "000", "100", "001", "100"],
    "doc_c": ["100", "000", "000", "010", "010", "110", "000", "001", "001", "101", "000", "100", "000", "100", "000"],
}
# Where the reference coding differs from the coder: (doc, sentence_id) -> reference codes.
REFERENCE_CODES = {
    ("doc_a", 3): "000",
    ("doc_a", 9): "010",
    ("doc_b", 4): "111",
    ("doc_c", 2): "100",
    ("doc_c", 8): "000",
    ("doc_c", 13): "001",
}
ACTORS = [
    Label("russia", "روسيا", "Russia"),
    Label("iran", "إيران", "Iran"),
    Label("united_states", "الولايات المتحدة", "United States"),
    Label("israel", "إسرائيل", "Israel"),
    Label("putin", "بوتين", "Vladimir Putin"),
    Label("trump", "ترامب", "Donald Trump"),
]
ACTOR_COUNTS = {"doc_a": [15, 14, 5, 3, 2, 1], "doc_b": [24, 19, 4, 3, 12, 3], "doc_c": [9, 11, 0, 2, 1, 0]}


def coded_frame() -> pd.DataFrame:
    rows = []
    for doc, codes in CODES.items():
        position = 0
        for k, code in enumerate(codes, start=1):
            flags = {t.id: int(c) for t, c in zip(THEMES, code, strict=True)}
            rows.append(
                {
                    "doc_id": doc,
                    "paragraph": 1 + (k - 1) // 3,
                    "sentence_id": k,
                    "start": position,
                    "end": position + 40,
                    "kind": "sentence",
                    "text": "جملة",
                    **flags,
                    "evidence": "",
                }
            )
            position += 41
    return pd.DataFrame(rows)


def reference_frame() -> pd.DataFrame:
    reference = coded_frame()
    for (doc, k), code in REFERENCE_CODES.items():
        row = reference.index[(reference["doc_id"] == doc) & (reference["sentence_id"] == k)][0]
        for theme, c in zip(THEMES, code, strict=True):
            reference.loc[row, theme.id] = int(c)
    return reference


def mentions_frame() -> pd.DataFrame:
    rows = []
    for doc, counts in ACTOR_COUNTS.items():
        for actor, n in zip(ACTORS, counts, strict=True):
            rows += [
                {
                    "doc_id": doc,
                    "sentence_id": 1 + i,
                    "actor": actor.id,
                    "alias": actor.label_ar,
                    "start": 10 * i,
                    "end": 10 * i + 5,
                }
                for i in range(n)
            ]
    return pd.DataFrame(rows)


# --- Arabic labels -------------------------------------------------------------------------------

WORDS = ["الغموض الاستراتيجي", "بيت", "موسكو وطهران", "إس-400"]


@pytest.mark.parametrize("text", WORDS)
def test_arabic_label_without_shaping_is_the_classic_recipe(text: str) -> None:
    assert arabic_label(text, shaping=False) == get_display(arabic_reshaper.reshape(text))
    assert arabic_label(text, shaping=False) != text


@pytest.mark.parametrize("text", WORDS)
def test_arabic_label_with_shaping_is_unchanged(text: str) -> None:
    assert arabic_label(text, shaping=True) == text


def test_arabic_label_detects_the_renderer() -> None:
    expected = tuple(matplotlib.__version_info__[:2]) >= (3, 11) and bool(getattr(ft2font, "__libraqm_version__", ""))
    assert renderer_shapes_text() is expected
    assert arabic_label("بيت") == arabic_label("بيت", shaping=expected)


def test_arabic_label_keeps_line_order() -> None:
    two_lines = "الغموض الاستراتيجي\nمقايضة أوكرانيا"
    prepared = arabic_label(two_lines, shaping=False).split("\n")
    assert prepared == [arabic_label(line, shaping=False) for line in two_lines.split("\n")]


def test_bilingual() -> None:
    expected = "الغموض الاستراتيجي\nStrategic ambiguity"
    assert bilingual("الغموض الاستراتيجي", "Strategic ambiguity", shaping=True) == expected
    recipe = get_display(arabic_reshaper.reshape("السوابق"))
    assert bilingual("السوابق", "Precedents", shaping=False) == f"{recipe}\nPrecedents"


# --- what the real renderer draws ------------------------------------------------------------------
#
# Two independent checks that, on this matplotlib, the first *logical* letter of an Arabic word
# ends up at the *right* end of the drawing when the string is passed unchanged, and at the LEFT
# end when it went through the classic get_display(reshape(...)) recipe (i.e. the recipe draws
# the word backwards on a renderer that shapes by itself).
#
# 1. Glyph positions from matplotlib's own text layout (libraqm), the function the Agg backend
#    uses to place glyphs: for "بيت" (b-y-t) every glyph of ب must lie right of all the others.
#    Marks (dots) are separate glyphs attributed to their letter, so we compare whole letters:
#    min x of the first letter > max x of any other letter.
# 2. Pixels from an Agg canvas: "ب" followed by kashidas (tatweel) is a long flat stroke with a
#    single dot under ب at one end. Read right-to-left, ب is at the right and the stroke runs
#    left; the lowest ink (the dot, below the baseline) must therefore be at the right end.
#    This needs no knowledge of the layout API, only of what the image looks like.


def _arabic_font() -> ft2font.FT2Font:
    path = font_manager.findfont(font_manager.FontProperties(family=register_arabic_font()))
    font = ft2font.FT2Font(path)
    font.set_size(24, 72)
    return font


def _base_letter(char: str) -> str:
    """ب for ب and for its presentation forms (ﺑ ﺒ ﺐ ﺏ) produced by arabic_reshaper."""
    return unicodedata.normalize("NFKC", char)


def _glyph_extents(text: str, letter: str) -> tuple[list[float], list[float]]:
    """x positions of the glyphs belonging to ``letter`` and of all other glyphs."""
    from matplotlib._text_helpers import layout

    own, other = [], []
    for item in layout(text, _arabic_font()):
        (own if _base_letter(item.char) == letter else other).append(item.x)
    assert own and other, f"layout of {text!r} did not report the glyphs of {letter!r}"
    return own, other


needs_shaping = pytest.mark.skipif(not renderer_shapes_text(), reason="matplotlib does not shape text here")


@needs_shaping
@pytest.mark.parametrize("word", ["بيت", "الغموض", "مقايضة"])
def test_layout_puts_first_logical_letter_at_the_right(word: str) -> None:
    first = word[0]
    own, other = _glyph_extents(word, first)
    assert min(own) > max(other), f"{first!r} of {word!r} is not the rightmost glyph"


@needs_shaping
@pytest.mark.parametrize("word", ["بيت", "الغموض", "مقايضة"])
def test_classic_recipe_is_drawn_reversed_by_this_renderer(word: str) -> None:
    first = word[0]
    recipe = get_display(arabic_reshaper.reshape(word))
    own, other = _glyph_extents(recipe, first)
    assert max(own) < min(other), f"with the recipe, {first!r} should be drawn at the LEFT end"


@needs_shaping
def test_wrapped_arabic_line_starting_with_latin_stays_right_to_left() -> None:
    # "منظومة إس-400 (S-400) في 2025" wrapped leaves the line "(S-400) في". Its first strong
    # letter is Latin, so on its own it would be laid out left-to-right with "(" at the left.
    # The wrapper marks it right-to-left: the first logical character "(" is then rightmost.
    from matplotlib._text_helpers import layout

    line = plot_style._wrap(DOC_LABELS["doc_c"], 14).split("\n")[1]
    assert line.lstrip("\u200f") == "(S-400) في"
    for text, paren_is_rightmost in ((line, True), (line.lstrip("\u200f"), False)):
        xs = {item.char: item.x for item in layout(text, _arabic_font()) if item.char not in "\u200f "}
        assert (xs["("] == max(xs.values())) is paren_is_rightmost


def _lowest_ink_position(text: str) -> float:
    """Where (0 = left, 1 = right) the lowest ink of ``text`` is, drawn by Agg with the house font."""
    with house_style():
        fig = Figure(figsize=(6, 1.5), dpi=100)
        FigureCanvasAgg(fig)
        fig.text(0.5, 0.5, text, ha="center", va="center", fontsize=40)
        fig.canvas.draw()
        ink = np.asarray(fig.canvas.buffer_rgba())[..., :3].mean(axis=2) < 128
    rows, cols = np.where(ink.any(axis=1))[0], np.where(ink.any(axis=0))[0]
    lowest = np.where(ink[rows.max() - 3 : rows.max() + 1].any(axis=0))[0]
    return float((lowest.mean() - cols.min()) / (cols.max() - cols.min()))


KASHIDA_WORD = "ب" + "\u0640" * 7  # ب then seven tatweels: the dot of ب is the lowest ink


def test_agg_draws_arabic_label_right_to_left() -> None:
    # holds on every renderer: arabic_label gives what the running renderer needs
    assert _lowest_ink_position(arabic_label(KASHIDA_WORD)) > 0.8


@needs_shaping
def test_agg_draws_classic_recipe_backwards() -> None:
    assert _lowest_ink_position(KASHIDA_WORD) > 0.8
    assert _lowest_ink_position(get_display(arabic_reshaper.reshape(KASHIDA_WORD))) < 0.2


# --- fonts, style, colours, saving -----------------------------------------------------------------


def test_register_arabic_font_uses_the_installed_package() -> None:
    import fontpkg_noto_sans_arabic

    assert register_arabic_font() == "Noto Sans Arabic"
    path = Path(
        font_manager.findfont(font_manager.FontProperties(family="Noto Sans Arabic"), fallback_to_default=False)
    )
    assert path.suffix == ".ttf"
    assert path.resolve().is_relative_to(Path(fontpkg_noto_sans_arabic.ROOT).resolve())
    before = len(font_manager.fontManager.ttflist)
    register_arabic_font.cache_clear()
    register_arabic_font()
    assert len(font_manager.fontManager.ttflist) == before, "registering twice added the font again"


def test_noto_sans_arabic_covers_latin_and_digits() -> None:
    # so mixed labels (إس-400, S-400, 2025) need no fallback; DejaVu Sans is there if they did
    charmap = _arabic_font().get_charmap()
    assert all(ord(c) in charmap for c in "S-400 2025 AZaz()%")


def test_register_arabic_font_falls_back_with_a_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "fontpkg_noto_sans_arabic", None)  # import now fails
    register_arabic_font.cache_clear()
    try:
        with pytest.warns(RuntimeWarning, match="fontpkg_noto_sans_arabic"):
            assert register_arabic_font() == "DejaVu Sans"
    finally:
        register_arabic_font.cache_clear()


def test_house_style() -> None:
    with house_style():
        rc = matplotlib.rcParams.copy()
    assert rc["font.family"] == ["Noto Sans Arabic", "DejaVu Sans"]
    assert rc["figure.dpi"] == 150 and rc["savefig.dpi"] == 150
    assert not rc["axes.spines.top"] and not rc["axes.spines.right"]
    assert rc["figure.facecolor"] == "white"


def test_theme_colors() -> None:
    """The deprecated per-id colours still work (with a DeprecationWarning)."""
    assert set(THEME_COLORS) == {"strategic_ambiguity", "precedents", "ukraine_tradeoff"}
    with pytest.deprecated_call():
        assert theme_color("precedents", 7) == THEME_COLORS["precedents"]
    with pytest.deprecated_call():
        custom = [theme_color(f"custom_{i}", i) for i in range(5)]
    assert len(set(custom)) == 5 and not set(custom) & set(THEME_COLORS.values())
    assert set(custom) <= set(plotting.OKABE_ITO.values())


def test_theme_colors_come_from_the_codebook_else_the_palette_in_order(repo_root: Path) -> None:
    from arabic_themes.codebook import PALETTE, Theme, load_codebook, theme_colors

    codebook = load_codebook(repo_root / "data" / "codebook.yaml")
    assert theme_colors(codebook.themes) == [THEME_COLORS[t.id] for t in codebook.themes]
    assert theme_colors(THEMES) == list(PALETTE[:3])  # no colour given: the palette by position
    given = [Theme("a", "أ", "A", "d", color="#E69F00"), Theme("b", "ب", "B", "d"), Theme("c", "ج", "C", "d")]
    assert theme_colors(given) == ["#E69F00", PALETTE[0], PALETTE[2]]  # a given colour is not given again
    assert len(set(theme_colors([Theme(f"t{i}", "ت", "T", "d") for i in range(7)]))) == 7


def test_save_figure_is_byte_identical(tmp_path: Path) -> None:
    fig = plot_theme_shares(coded_frame(), THEMES, DOC_LABELS)
    first = save_figure(fig, tmp_path / "a" / "shares.png")
    second = save_figure(fig, tmp_path / "b" / "shares.png")
    assert first.read_bytes() == second.read_bytes()
    again = save_figure(plot_theme_shares(coded_frame(), THEMES, DOC_LABELS), tmp_path / "c.png")
    assert again.read_bytes() == first.read_bytes()
    assert first.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"Software" not in first.read_bytes()
    assert fig.axes, "save_figure must not close or clear the figure"


# --- input checks ------------------------------------------------------------------------------------


def test_missing_theme_column_is_named() -> None:
    with pytest.raises(ValueError, match="precedents"):
        plot_theme_shares(coded_frame().drop(columns="precedents"), THEMES)


def test_agreement_needs_matching_sentences() -> None:
    reference = reference_frame()
    reference.loc[0, "start"] = 9999
    with pytest.raises(ValueError, match="not in the coded table"):
        plot_agreement(coded_frame(), reference, THEMES)


def _figure_texts(fig: Figure) -> list[str]:
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def test_agreement_figure_draws_the_numbers_of_reliability_agreement() -> None:
    from arabic_themes.reliability import agreement, align_sample

    ids = [t.id for t in THEMES]
    scores = agreement(align_sample(coded_frame(), reference_frame(), ids), ids).set_index("theme")
    assert scores.loc[["strategic_ambiguity", "precedents", "ukraine_tradeoff"], "n"].tolist() == [36, 36, 36]
    row = scores.loc["ukraine_tradeoff"]
    assert (row["both"], row["coder_only"], row["reference_only"]) == (6, 1, 1)
    texts = _figure_texts(plot_agreement(coded_frame(), reference_frame(), THEMES))
    for theme in ids:
        assert f"κ = {scores.loc[theme, 'kappa']:.2f}\nF1 = {scores.loc[theme, 'f1']:.2f}" in texts


def test_agreement_figure_and_table_agree_on_a_theme_absent_from_both_codings() -> None:
    """The table says kappa 1.00 / F1 0.00 for a theme neither coding has; the figure says the same (it said nan)."""
    coded, reference = coded_frame(), reference_frame()
    coded["precedents"] = 0
    reference["precedents"] = 0
    texts = _figure_texts(plot_agreement(coded, reference, THEMES))
    assert "κ = 1.00\nF1 = 0.00" in texts and not any("nan" in t for t in texts)


def prevalence_frame() -> pd.DataFrame:
    rows = []
    coded = coded_frame()
    for doc in CODES:
        for k, theme in enumerate(THEMES):
            share = coded.loc[coded["doc_id"] == doc, theme.id].mean()
            rows.append(
                {
                    "coder": "A",
                    "doc_id": doc,
                    "theme": theme.id,
                    "estimate": min(share + 0.04, 1),
                    "lo": max(share - 0.08 - 0.02 * k, 0),
                    "hi": min(share + 0.17, 1),
                }
            )
    return pd.DataFrame(rows)


def test_theme_shares_with_intervals_writes_them_in_every_cell() -> None:
    texts = _figure_texts(plot_theme_shares(coded_frame(), THEMES, DOC_LABELS, prevalence=prevalence_frame()))
    assert sum("[" in t and "]" in t and "≈" in t for t in texts) == len(CODES) * len(THEMES)
    with pytest.raises(ValueError, match="several coders"):
        plot_theme_shares(
            coded_frame(), THEMES, prevalence=pd.concat([prevalence_frame(), prevalence_frame().assign(coder="B")])
        )
    with pytest.raises(ValueError, match="no row for article 'doc_c'"):
        plot_theme_shares(coded_frame(), THEMES, prevalence=prevalence_frame().query("doc_id != 'doc_c'"))


# --- figure baselines (compared with --mpl) --------------------------------------------------------


@pytest.mark.mpl_image_compare(**MPL)
def test_plot_theme_shares() -> Figure:
    return plot_theme_shares(coded_frame(), THEMES, DOC_LABELS)


@pytest.mark.mpl_image_compare(**MPL)
def test_plot_theme_shares_with_intervals() -> Figure:
    return plot_theme_shares(coded_frame(), THEMES, DOC_LABELS, prevalence=prevalence_frame())


@pytest.mark.mpl_image_compare(**MPL)
def test_plot_theme_dispersion() -> Figure:
    return plot_theme_dispersion(coded_frame(), THEMES, DOC_LABELS)


@pytest.mark.mpl_image_compare(**MPL)
def test_plot_cooccurrence() -> Figure:
    return plot_cooccurrence(coded_frame(), THEMES)


@pytest.mark.mpl_image_compare(**MPL)
def test_plot_agreement() -> Figure:
    return plot_agreement(coded_frame(), reference_frame(), THEMES)


@pytest.mark.mpl_image_compare(**MPL)
def test_plot_actor_mentions() -> Figure:
    return plot_actor_mentions(mentions_frame(), ACTORS, DOC_LABELS)


EVENTS = pd.DataFrame(
    [
        ("russo_persian_wars", "1804", "Russo-Persian wars (1804–1828)", "الحروب الروسية الفارسية", "doc_c"),
        ("syria_2015", "2015", "Russia intervenes in Syria", "التدخل الروسي في سوريا", "doc_a"),
        ("syria_2015", "2015", "Russia intervenes in Syria", "التدخل الروسي في سوريا", "doc_b"),
        ("arms_deal", "2023-11", "Su-35 / S-400 deal", "صفقة سو-35 وإس-400", "doc_a"),
        ("treaty", "2025-01-17", "Partnership treaty signed", "توقيع معاهدة الشراكة", "doc_b"),
        ("treaty", "2025-01-27", "Partnership treaty signed", "توقيع معاهدة الشراكة", "doc_c"),
    ],
    columns=["event_id", "date", "label_en", "label_ar", "doc_id"],
)

TOP_TERMS = pd.DataFrame(
    [
        ("doc_a", "بوتين", 11, 2.2),
        ("doc_a", "مساعدة", 4, 1.8),
        ("doc_a", "إس-400", 3, 1.3),
        ("doc_b", "ترامب", 7, 1.7),
        ("doc_b", "الأمن", 3, 1.4),
        ("doc_c", "عام 2023", 4, 1.4),
        ("doc_c", "سويفت", 2, 1.3),
        ("doc_c", "رسمية", 2, 1.2),
    ],
    columns=["doc_id", "as_written", "count", "z"],
)


def test_timeline_needs_its_columns() -> None:
    with pytest.raises(ValueError, match=r"lack column\(s\) \['label_ar'\]"):
        plotting.plot_timeline(EVENTS.drop(columns="label_ar"), ["doc_a"])


def test_timeline_rows_are_in_date_order_with_one_row_per_date() -> None:
    fig = plotting.plot_timeline(EVENTS, ["doc_a", "doc_b", "doc_c"], DOC_LABELS)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert [label.split(" · ")[0] for label in labels] == ["1804", "2015", "Nov 2023", "17 Jan 2025", "27 Jan 2025"]


@pytest.mark.mpl_image_compare(**MPL)
def test_plot_timeline() -> Figure:
    return plotting.plot_timeline(EVENTS, ["doc_a", "doc_b", "doc_c"], DOC_LABELS)


@pytest.mark.mpl_image_compare(**MPL)
def test_plot_keyness() -> Figure:
    return plotting.plot_keyness(TOP_TERMS, DOC_LABELS)


def _history() -> pd.DataFrame:
    """Synthetic scores of three codebook versions on a fitted and an unseen set of sentences."""
    rows = []
    for version, fitted_score, unseen_score in (("v1", 0.7, 0.5), ("v2", 0.95, 0.6), ("v3", 0.97, 0.8)):
        for k, theme in enumerate(t.id for t in THEMES):
            rows.append((version, "corpus", theme, fitted_score - 0.05 * k, version != "v1"))
            rows.append((version, "test set", theme, unseen_score + 0.05 * k, False))
    return pd.DataFrame(rows, columns=["codebook", "sentences", "theme", "f1", "fitted"])


def test_agreement_by_version_needs_its_columns() -> None:
    with pytest.raises(ValueError, match=r"lacks column\(s\) \['f1'\]"):
        plotting.plot_agreement_by_version(_history().drop(columns="f1"), THEMES)


def test_agreement_by_version_names_a_theme_without_rows() -> None:
    history = _history()
    with pytest.raises(ValueError, match="precedents"):
        plotting.plot_agreement_by_version(history[history["theme"] != "precedents"], THEMES)


def test_agreement_by_version_fills_only_fitted_markers() -> None:
    fig = plotting.plot_agreement_by_version(_history(), THEMES)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["v1", "v2", "v3"]
    markers = [line for line in ax.get_lines() if len(line.get_xdata()) == 1]
    filled = sorted(
        (float(m.get_xdata()[0]), float(m.get_ydata()[0])) for m in markers if m.get_markerfacecolor() != "white"
    )
    # corpus is fitted from v2 on; the test set never is
    assert filled == [(1.0, pytest.approx(0.95)), (2.0, pytest.approx(0.97))]
    assert len(markers) == 6
    assert any("unseen" in t.get_text() for t in fig.legends[0].get_texts())


def test_agreement_by_version_matches_fitted_flags_by_row_not_by_index_label() -> None:
    # a history assembled with pd.concat repeats index labels; each row must keep its own flag
    history = _history()
    shuffled = pd.concat([history[history["sentences"] == "test set"], history[history["sentences"] == "corpus"]])
    shuffled.index = [0] * len(shuffled)
    fig = plotting.plot_agreement_by_version(shuffled, THEMES)
    markers = [line for line in fig.axes[0].get_lines() if len(line.get_xdata()) == 1]
    filled = sorted(
        (float(m.get_xdata()[0]), float(m.get_ydata()[0])) for m in markers if m.get_markerfacecolor() != "white"
    )
    assert filled == [(1.0, pytest.approx(0.95)), (2.0, pytest.approx(0.97))]


def test_agreement_by_version_without_fitted_says_nothing_about_fitting() -> None:
    fig = plotting.plot_agreement_by_version(_history().drop(columns="fitted"), THEMES)
    markers = [line for line in fig.axes[0].get_lines() if len(line.get_xdata()) == 1]
    assert markers and all(m.get_markerfacecolor() != "white" for m in markers)
    assert not any("unseen" in t.get_text() or "fitted" in t.get_text() for t in fig.legends[0].get_texts())


@pytest.mark.mpl_image_compare(**MPL)
def test_plot_agreement_by_version() -> Figure:
    return plotting.plot_agreement_by_version(_history(), THEMES)


# --- long doc_ids (init-corpus makes them from file names): shortened, never overlapping, never cut ------

LONG_IDS = [
    "rwsya_lm_tqdm_liyran_swa_tsryhat_dblwmasya_rghm_mahdat",
    "rwsya_lm_tqdm_liyran_swa_tsryhat_dblwmasya_rghm_mahdat_2",
    "Moscow_and_Tehran_a_partnership_without_guarantees",
    "Putins_calculus_on_Iran_after_the_June_strikes",
    "short",
]


def test_short_doc_ids_keep_short_ids_and_tell_long_ones_apart() -> None:
    labels = plot_style.short_doc_ids(["middle_east_news", *LONG_IDS], width=16)
    assert labels["middle_east_news"] == "middle_east_news" and labels["short"] == "short"
    assert len(set(labels.values())) == len(labels)  # ids that differ only at the end stay apart
    for doc_id, label in labels.items():
        lines = label.split("\n")
        assert len(lines) <= 2 and all(len(line) <= 16 for line in lines), label
        assert label.replace("\n", "").replace("…", "")[:4] == doc_id[:4]  # starts like the id
    assert plot_style.short_doc_ids(["a_b_c_d_e_f_g_h_i"], width=10) == {"a_b_c_d_e_f_g_h_i": "a_b_c_d_e_\nf_g_h_i"}


def _boxes(fig: Figure, labels: list) -> list:
    renderer = fig.canvas.get_renderer()
    return [t.get_window_extent(renderer) for t in labels if t.get_text()]


def _assert_apart_and_inside(fig: Figure, labels: list) -> None:
    FigureCanvasAgg(fig)
    fig.draw_without_rendering()
    boxes = _boxes(fig, labels)
    width, height = fig.bbox.width, fig.bbox.height
    for a, b in itertools.pairwise(boxes):
        assert a.x1 <= b.x0 or b.x1 <= a.x0 or a.y1 <= b.y0 or b.y1 <= a.y0, "labels overlap"
    for box in boxes:
        assert box.x0 >= 0 and box.x1 <= width and box.y0 >= 0 and box.y1 <= height, "label cut by the figure"


def test_long_doc_ids_do_not_overlap_in_actor_mentions() -> None:
    mentions = pd.DataFrame(
        [(d, a.id, k + 1) for k, d in enumerate(LONG_IDS) for a in ACTORS], columns=["doc_id", "actor", "count"]
    )
    fig = plot_actor_mentions(mentions, ACTORS)
    ticks = fig.axes[0].get_xticklabels()
    assert [t.get_text() for t in ticks] == [plot_style.short_doc_ids(LONG_IDS, 16)[d] for d in LONG_IDS]
    _assert_apart_and_inside(fig, ticks)


def test_long_doc_ids_are_not_cut_in_keyness() -> None:
    top = pd.DataFrame(
        [(d, w, 3, 2.0 - 0.1 * k) for d in LONG_IDS for k, w in enumerate(["بوتين", "ترامب", "الأمن"])],
        columns=["doc_id", "as_written", "count", "z"],
    )
    fig = plotting.plot_keyness(top)
    titles = [ax.title for ax in fig.axes if ax.get_visible()]
    assert all(len(line) <= 30 for t in titles for line in t.get_text().split("\n"))
    _assert_apart_and_inside(fig, titles)


def _history_with_intervals() -> pd.DataFrame:
    """The synthetic history as pooled views of real text, each score with an interval around it."""
    history = _history()
    return history.assign(f1_lo=(history["f1"] - 0.15).clip(0, 1), f1_hi=(history["f1"] + 0.1).clip(0, 1))


def test_agreement_by_version_draws_each_interval_and_sets_the_sets_apart() -> None:
    history = _history_with_intervals()
    fig = plotting.plot_agreement_by_version(history, THEMES, bar=0.8)
    ax = fig.axes[0]
    segments = [s for c in ax.collections for s in c.get_segments()]
    assert len(segments) == len(history[history["theme"] == THEMES[0].id])
    rows = history[history["theme"] == THEMES[0].id]
    drawn = sorted((round(float(s[0][1]), 6), round(float(s[1][1]), 6)) for s in segments)
    assert drawn == sorted((round(lo, 6), round(hi, 6)) for lo, hi in zip(rows["f1_lo"], rows["f1_hi"], strict=True))
    xs = sorted({round(float(s[0][0]), 3) for s in segments})
    assert xs == [-0.07, 0.07, 0.93, 1.07, 1.93, 2.07]  # two sets, each a little to one side of its version
    assert any("0.8" in t.get_text() for t in fig.legends[0].get_texts())


@pytest.mark.mpl_image_compare(**MPL)
def test_plot_agreement_by_version_with_intervals() -> Figure:
    return plotting.plot_agreement_by_version(_history_with_intervals(), THEMES, bar=0.8)
