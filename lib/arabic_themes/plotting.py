"""Figures in one house style, with Arabic labels that render correctly on the running matplotlib.

Arabic needs *shaping* (letters take joined forms) and *bidi* (right-to-left order). Since 3.11,
matplotlib shapes text itself with libraqm, so Arabic strings must be passed in logical order,
unchanged. The classic recipe ``bidi.get_display(arabic_reshaper.reshape(s))`` pre-shapes and
reverses the string for renderers that cannot; fed to a shaping renderer it is reversed a second
time and drawn backwards while still looking Arabic. :func:`arabic_label` therefore detects the
capability (:func:`renderer_shapes_text`) and applies the recipe only where it is needed.

Every figure function returns a :class:`matplotlib.figure.Figure` (not attached to pyplot, so
notebooks do not show it twice), drawn inside :func:`house_style`; :func:`save_figure` writes a
byte-reproducible PNG.
"""

from __future__ import annotations

import functools
import textwrap
import unicodedata
import warnings
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

import matplotlib
import matplotlib.lines
import matplotlib.patches
import matplotlib.style
import matplotlib.ticker
import numpy as np
import pandas as pd
from matplotlib import font_manager, ft2font
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.image import AxesImage

__all__ = [
    "FALLBACK_FONT",
    "Labelled",
    "OKABE_ITO",
    "THEME_COLORS",
    "arabic_label",
    "bilingual",
    "house_style",
    "plot_actor_mentions",
    "plot_agreement",
    "plot_agreement_by_version",
    "plot_cooccurrence",
    "plot_keyness",
    "plot_theme_dispersion",
    "plot_theme_shares",
    "plot_timeline",
    "register_arabic_font",
    "renderer_shapes_text",
    "save_figure",
    "theme_color",
]

#: Okabe–Ito palette (colour-blind safe), by name.
OKABE_ITO: dict[str, str] = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "bluish_green": "#009E73",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "sky_blue": "#56B4E9",
    "yellow": "#F0E442",
    "black": "#000000",
}
#: Fixed colour per theme of the project codebook, the same in every figure.
THEME_COLORS: dict[str, str] = {
    "strategic_ambiguity": OKABE_ITO["blue"],
    "precedents": OKABE_ITO["orange"],
    "ukraine_tradeoff": OKABE_ITO["bluish_green"],
}
_EXTRA_COLORS = [c for c in OKABE_ITO.values() if c not in THEME_COLORS.values()]

FALLBACK_FONT = "DejaVu Sans"
_NEUTRAL = "#4d4d4d"  # articles and words: a neutral grey, so that colour always means a theme
DPI = 150
_CMAP = "Blues"  # single-hue sequential: ordered in lightness, readable by colour-blind readers

_RC: dict[str, object] = {
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "savefig.edgecolor": "white",
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.titleweight": "normal",  # the variable Noto Sans Arabic registers one weight (400)
    "axes.labelsize": 9,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "legend.fontsize": 8,
    "legend.frameon": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#333333",
    "axes.linewidth": 0.8,
    "xtick.color": "#333333",
    "ytick.color": "#333333",
    "axes.titlepad": 8,
    "image.cmap": _CMAP,
    "svg.hashsalt": "arabic_themes",
}


class Labelled(Protocol):
    """What the figure functions need from a theme or actor: an id and two labels (``Theme``, ``Actor`` fit)."""

    id: str
    label_ar: str
    label_en: str


# --- Arabic text ---------------------------------------------------------------------------------


@functools.cache
def renderer_shapes_text() -> bool:
    """True when matplotlib shapes complex scripts itself (>= 3.11 built with libraqm).

    Then Arabic must be given in logical order, unchanged; otherwise it must be pre-shaped.
    """
    version = tuple(matplotlib.__version_info__[:2])
    raqm = getattr(ft2font, "__libraqm_version__", "") or ""
    return version >= (3, 11) and bool(str(raqm).strip())


def arabic_label(text: str, *, shaping: bool | None = None) -> str:
    """Text ready for the renderer: unchanged if it shapes (``shaping=True``), else reshaped + bidi.

    ``shaping=None`` detects the renderer (:func:`renderer_shapes_text`). Lines are handled one
    by one so multi-line labels keep their line order.
    """
    if shaping is None:
        shaping = renderer_shapes_text()
    if shaping or not text:
        return text
    import arabic_reshaper
    from bidi import get_display

    return "\n".join(get_display(arabic_reshaper.reshape(line)) for line in text.split("\n"))


def bilingual(ar: str, en: str, *, shaping: bool | None = None) -> str:
    """Two-line label: Arabic (through :func:`arabic_label`) above English."""
    return f"{arabic_label(ar, shaping=shaping)}\n{en}"


_RLM = "\u200f"  # RIGHT-TO-LEFT MARK: invisible, makes the line's base direction right-to-left


def _first_strong_direction(text: str) -> str | None:
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            return "L"
        if kind in ("R", "AL"):
            return "R"
    return None


def _rtl_line(line: str) -> str:
    """One line of an Arabic label, laid out right-to-left even if it starts with Latin.

    A wrapped label can leave a line such as "(S-400) في"; bidi would take its direction from
    the first strong letter (S) and lay it out left-to-right. Lines with Arabic get an RLM in
    front (shaping renderer) or a forced right-to-left base direction (classic recipe).
    """
    has_arabic = any(unicodedata.bidirectional(c) in ("R", "AL") for c in line)
    if not has_arabic or _first_strong_direction(line) == "R":
        return arabic_label(line)
    if renderer_shapes_text():
        return _RLM + line
    import arabic_reshaper
    from bidi import get_display

    return get_display(arabic_reshaper.reshape(line), base_dir="R")


def _wrap(text: str, width: int) -> str:
    """Wrap a logical-order label at word boundaries, then prepare each line for display."""
    lines = textwrap.wrap(text, width=width, break_long_words=False) or [text]
    return "\n".join(_rtl_line(line) for line in lines)


# --- fonts and style -----------------------------------------------------------------------------


@functools.cache
def register_arabic_font() -> str:
    """Register Noto Sans Arabic from the ``fontpkg_noto_sans_arabic`` package; return its family.

    Nothing is downloaded. If the package (or its .ttf) is missing, warn and return matplotlib's
    default family, which has fewer Arabic glyphs but still renders something.
    """
    try:
        import fontpkg_noto_sans_arabic as pkg
    except ImportError:
        warnings.warn(
            "fontpkg_noto_sans_arabic is not installed; Arabic labels fall back to "
            f"{FALLBACK_FONT} (pip install fontpkg-noto-sans-arabic)",
            RuntimeWarning,
            stacklevel=2,
        )
        return FALLBACK_FONT
    files = sorted(Path(pkg.ROOT).rglob("*.ttf"))
    if not files:
        warnings.warn(
            f"no .ttf file under {pkg.ROOT}; Arabic labels fall back to {FALLBACK_FONT}",
            RuntimeWarning,
            stacklevel=2,
        )
        return FALLBACK_FONT
    names = set()
    known = {Path(entry.fname).resolve() for entry in font_manager.fontManager.ttflist}
    for path in files:
        if path.resolve() not in known:  # idempotent: never add the same file twice
            font_manager.fontManager.addfont(str(path))
        names.add(ft2font.FT2Font(str(path)).family_name)
    family = getattr(pkg, "FAMILY", None) or sorted(names)[0]
    return str(family)


def _font_families() -> list[str]:
    family = register_arabic_font()
    return [family] if family == FALLBACK_FONT else [family, FALLBACK_FONT]


@contextmanager
def house_style() -> Iterator[None]:
    """The project's figure style: matplotlib defaults plus fonts, sizes, white, open spines, dpi.

    Starts from matplotlib's default style so a figure looks the same whatever the caller's
    rcParams; font.family is a list, so glyphs missing in the Arabic font fall back to DejaVu Sans.
    """
    rc = dict(_RC)
    rc["font.family"] = _font_families()
    with matplotlib.style.context("default"), matplotlib.rc_context(rc):
        yield


def theme_color(theme_id: str, index: int = 0) -> str:
    """Fixed Okabe–Ito colour of a project theme; other ids get the rest of the palette by index."""
    if theme_id in THEME_COLORS:
        return THEME_COLORS[theme_id]
    return _EXTRA_COLORS[index % len(_EXTRA_COLORS)]


def save_figure(fig: Figure, path: str | Path) -> Path:
    """Write ``fig`` as PNG at a fixed dpi with no volatile metadata; same figure -> same bytes.

    Creates the parent folder; does not close the figure.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with house_style():
        fig.draw_without_rendering()  # settle the layout first: same figure -> same bytes
        fig.savefig(path, format="png", dpi=DPI, metadata={"Software": None}, facecolor="white")
    return path


# --- helpers -------------------------------------------------------------------------------------


def _new_figure(width: float, height: float) -> Figure:
    return Figure(figsize=(width, height), layout="constrained")


def _settled(fig: Figure) -> Figure:
    """Run the constrained layout once, so later draws and saves start from a settled layout.

    The first layout pass moves things a little; after it, every draw gives the same pixels.
    """
    with house_style():
        fig.draw_without_rendering()
    return fig


def _check_themes(frame: pd.DataFrame, themes: Sequence[Labelled], name: str) -> list[str]:
    ids = [t.id for t in themes]
    if not ids:
        raise ValueError("no themes given")
    missing = [i for i in ids if i not in frame.columns]
    if missing:
        raise ValueError(f"{name} lacks theme column(s) {missing}")
    return ids


def _doc_order(present: Sequence[str], doc_labels: Mapping[str, str] | None) -> list[str]:
    present = list(dict.fromkeys(present))
    if not doc_labels:
        return present
    return [d for d in doc_labels if d in present] + [d for d in present if d not in doc_labels]


def _doc_label(doc_id: str, doc_labels: Mapping[str, str] | None, width: int = 22) -> str:
    if doc_labels and doc_id in doc_labels:
        return _wrap(str(doc_labels[doc_id]), width)
    return str(doc_id)


def _theme_label(theme: Labelled, width: int = 18) -> str:
    return f"{_wrap(theme.label_ar, width)}\n{theme.label_en}"


def _annotate_cells(ax: Axes, values: np.ndarray, texts: Sequence[Sequence[str]], vmax: float) -> None:
    """Write a text in every heatmap cell, white on dark cells and black on light ones."""
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            value = values[i, j]
            dark = vmax > 0 and np.isfinite(value) and value / vmax > 0.55
            ax.text(j, i, texts[i][j], ha="center", va="center", fontsize=8, color="white" if dark else "#111111")


def _heatmap(ax: Axes, values: np.ndarray, vmax: float | None = None) -> AxesImage:
    vmax = float(np.nanmax(values)) if vmax is None else vmax
    image = ax.imshow(values, cmap=_CMAP, vmin=0, vmax=vmax if vmax > 0 else 1, aspect="auto")
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.tick_params(length=0)
    ax.set_xticks(np.arange(values.shape[1] + 1) - 0.5, minor=True)
    ax.set_yticks(np.arange(values.shape[0] + 1) - 0.5, minor=True)
    ax.grid(which="minor", color="white", linewidth=1.5)
    ax.tick_params(which="minor", length=0)
    return image


# --- figures -------------------------------------------------------------------------------------


def plot_theme_shares(
    coded: pd.DataFrame,
    themes: Sequence[Labelled],
    doc_labels: Mapping[str, str] | None = None,
) -> Figure:
    """Heatmap article × theme: share of the article's units carrying the theme, with "k/n".

    Every row of ``coded`` counts (filter headings out beforehand if they should not).
    """
    ids = _check_themes(coded, themes, "coded")
    docs = _doc_order(coded["doc_id"].tolist(), doc_labels)
    grouped = coded.groupby("doc_id", sort=False)
    totals = grouped.size().reindex(docs).fillna(0).to_numpy(dtype=int)
    hits = grouped[ids].sum().reindex(docs).fillna(0).to_numpy(dtype=int)
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = np.where(totals[:, None] > 0, hits / totals[:, None], np.nan)
    with house_style():
        fig = _new_figure(1.9 * len(ids) + 3.2, 0.55 * len(docs) + 2.3)
        ax = fig.add_subplot()
        image = _heatmap(ax, shares, vmax=max(float(np.nanmax(shares, initial=0.0)), 1e-9))
        texts = [
            [f"{shares[i, j]:.0%}\n{hits[i, j]}/{totals[i]}" if totals[i] else "–" for j in range(len(ids))]
            for i in range(len(docs))
        ]
        _annotate_cells(ax, shares, texts, float(np.nanmax(shares, initial=0.0)))
        ax.set_xticks(range(len(ids)), [_theme_label(t) for t in themes])
        ax.set_yticks(range(len(docs)), [_doc_label(d, doc_labels) for d in docs])
        ax.xaxis.tick_top()
        ax.set_title(bilingual("حصة الجمل التي تحمل كل موضوع", "Share of sentences carrying each theme"))
        bar = fig.colorbar(image, ax=ax, shrink=0.8, format=matplotlib.ticker.PercentFormatter(1.0, decimals=0))
        bar.set_label(bilingual("حصة الجمل", "Share of sentences"))
        bar.outline.set_visible(False)
    return _settled(fig)


def plot_theme_dispersion(
    coded: pd.DataFrame,
    themes: Sequence[Labelled],
    doc_labels: Mapping[str, str] | None = None,
) -> Figure:
    """Lexical-dispersion ("x-ray") plot: where in each article the themed sentences are.

    x is the position of the sentence in its article, (rank − ½)/n from 0 (start) to 1 (end),
    ranks by ``sentence_id``; one row per article, one lane of tick marks per theme.
    """
    ids = _check_themes(coded, themes, "coded")
    docs = _doc_order(coded["doc_id"].tolist(), doc_labels)
    k = len(ids)
    lane = 0.6 / max(k - 1, 1) if k > 1 else 0.0
    offsets = [(0.3 - lane * j) if k > 1 else 0.0 for j in range(k)]  # first theme on top
    with house_style():
        fig = _new_figure(7.5, 0.75 * len(docs) + 2.2)
        ax = fig.add_subplot()
        labels = []
        for row, doc in enumerate(docs):
            part = coded[coded["doc_id"] == doc]
            order_col = "sentence_id" if "sentence_id" in part.columns else None
            part = part.sort_values(order_col, kind="stable") if order_col else part
            n = len(part)
            position = (np.arange(1, n + 1) - 0.5) / max(n, 1)
            y = len(docs) - 1 - row  # first article on top
            ax.axhspan(y - 0.42, y + 0.42, color="#F2F2F2", zorder=0, linewidth=0)
            for j, theme_id in enumerate(ids):
                mask = part[theme_id].to_numpy(dtype=int) == 1
                ax.plot(
                    position[mask],
                    np.full(mask.sum(), y + offsets[j]),
                    linestyle="none",
                    marker="|",
                    markersize=9,
                    markeredgewidth=1.8,
                    color=theme_color(theme_id, j),
                    zorder=2,
                )
            labels.append((y, f"{_doc_label(doc, doc_labels)}\n(n = {n})"))
        ax.set_yticks([y for y, _ in labels], [text for _, text in labels])
        ax.set_ylim(-0.6, len(docs) - 0.4)
        ax.set_xlim(0, 1)
        ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0, decimals=0))
        ax.tick_params(axis="y", length=0)
        ax.spines["left"].set_visible(False)
        ax.set_xlabel(
            bilingual("موضع الجملة في المقال، من البداية إلى النهاية", "Position of the sentence in the article, from start to end")
        )
        ax.set_title(bilingual("أين تظهر الموضوعات في كل مقال", "Where each theme appears in each article"))
        handles = [
            matplotlib.lines.Line2D([], [], linestyle="none", marker="|", markersize=10, markeredgewidth=2, color=theme_color(t.id, j))
            for j, t in enumerate(themes)
        ]
        fig.legend(handles, [_theme_label(t, width=40) for t in themes], loc="outside lower center", ncols=min(k, 4))
    return _settled(fig)


def plot_cooccurrence(coded: pd.DataFrame, themes: Sequence[Labelled]) -> Figure:
    """Theme × theme matrix of sentence counts: off-diagonal = both themes, diagonal = theme total."""
    ids = _check_themes(coded, themes, "coded")
    x = coded[ids].to_numpy(dtype=int)
    matrix = x.T @ x
    with house_style():
        fig = _new_figure(1.6 * len(ids) + 3.4, 1.0 * len(ids) + 2.2)
        ax = fig.add_subplot()
        image = _heatmap(ax, matrix.astype(float))
        texts = [[str(matrix[i, j]) for j in range(len(ids))] for i in range(len(ids))]
        _annotate_cells(ax, matrix.astype(float), texts, float(matrix.max()))
        labels = [_theme_label(t) for t in themes]
        ax.set_xticks(range(len(ids)), labels)
        ax.set_yticks(range(len(ids)), labels)
        ax.xaxis.tick_top()
        ax.set_title(
            bilingual("الجمل التي تجمع موضوعين (القطر = مجموع الموضوع)", "Sentences carrying both themes (diagonal = theme total)")
            + f"\nn = {len(coded)}"
        )
        bar = fig.colorbar(image, ax=ax, shrink=0.8)
        bar.set_label(bilingual("عدد الجمل", "Number of sentences"))
        bar.outline.set_visible(False)
    return _settled(fig)


_AGREEMENT = [
    ("both1", "كلاهما: موجود", "Both coded 1", OKABE_ITO["bluish_green"]),
    ("fp", "المرمِّز فقط (إيجابي كاذب)", "Coder only (false positive)", OKABE_ITO["orange"]),
    ("fn", "المرجع فقط (سلبي كاذب)", "Reference only (false negative)", OKABE_ITO["reddish_purple"]),
    ("both0", "كلاهما: غائب", "Both coded 0", "#D9D9D9"),
]


def _agreement_counts(coded: pd.DataFrame, reference: pd.DataFrame, ids: list[str]) -> pd.DataFrame:
    keys = ["doc_id", "start", "end"]
    for name, frame in (("coded", coded), ("reference", reference)):
        missing = [k for k in keys if k not in frame.columns]
        if missing:
            raise ValueError(f"{name} lacks key column(s) {missing}")
        if frame.duplicated(keys).any():
            raise ValueError(f"{name} has duplicate sentences (doc_id, start, end)")
    merged = reference[keys + ids].merge(coded[keys + ids], on=keys, how="left", suffixes=("_ref", "_cod"), indicator=True)
    unmatched = merged[merged["_merge"] != "both"]
    if len(unmatched):
        first = unmatched.iloc[0]
        raise ValueError(
            f"{len(unmatched)} reference sentence(s) are not in the coded table, e.g. "
            f"{first['doc_id']} [{first['start']}:{first['end']}]; were both segmented the same way?"
        )
    rows = []
    for theme_id in ids:
        ref = merged[f"{theme_id}_ref"].to_numpy(dtype=int)
        cod = merged[f"{theme_id}_cod"].to_numpy(dtype=int)
        rows.append(
            {
                "theme": theme_id,
                "both1": int(((ref == 1) & (cod == 1)).sum()),
                "fp": int(((ref == 0) & (cod == 1)).sum()),
                "fn": int(((ref == 1) & (cod == 0)).sum()),
                "both0": int(((ref == 0) & (cod == 0)).sum()),
            }
        )
    return pd.DataFrame(rows)


def _kappa_f1(tp: int, fp: int, fn: int, tn: int) -> tuple[float, float]:
    n = tp + fp + fn + tn
    if n == 0:
        return float("nan"), float("nan")
    observed = (tp + tn) / n
    expected = ((tp + fp) * (tp + fn) + (fn + tn) * (fp + tn)) / n**2
    kappa = (observed - expected) / (1 - expected) if expected < 1 else float("nan")
    f1 = 2 * tp / (2 * tp + fp + fn) if (2 * tp + fp + fn) else float("nan")
    return kappa, f1


def plot_agreement(coded: pd.DataFrame, reference: pd.DataFrame, themes: Sequence[Labelled]) -> Figure:
    """Coder vs reference per theme: stacked bars of both-1, coder-only, reference-only, both-0.

    Both frames are keyed by ``doc_id, start, end``; every reference sentence must be in
    ``coded`` (the reference may be a sample). Counts are written on the bars; Cohen's κ and F1
    (theme present) at their right end.
    """
    ids = _check_themes(coded, themes, "coded")
    _check_themes(reference, themes, "reference")
    counts = _agreement_counts(coded, reference, ids)
    n = int(counts[["both1", "fp", "fn", "both0"]].iloc[0].sum())
    with house_style():
        fig = _new_figure(8.0, 0.85 * len(ids) + 2.4)
        ax = fig.add_subplot()
        ys = np.arange(len(ids))[::-1]
        for y, (_, row) in zip(ys, counts.iterrows()):
            left = 0
            for key, _, _, color in _AGREEMENT:
                width = int(row[key])
                if width:
                    ax.barh(y, width, left=left, color=color, height=0.5, edgecolor="white", linewidth=0.8)
                    # narrow segments get their count just above the bar, not inside it
                    inside = width >= 0.045 * n
                    ax.text(
                        left + width / 2,
                        y if inside else y + 0.27,
                        str(width),
                        ha="center",
                        va="center" if inside else "bottom",
                        fontsize=8 if inside else 7,
                        color="#111111",
                    )
                left += width
            kappa, f1 = _kappa_f1(int(row["both1"]), int(row["fp"]), int(row["fn"]), int(row["both0"]))
            ax.text(n * 1.02, y, f"κ = {kappa:.2f}\nF1 = {f1:.2f}", ha="left", va="center", fontsize=8)
        ax.set_yticks(ys, [_theme_label(t, width=30) for t in themes])
        ax.set_xlim(0, n * 1.16)
        ax.set_xticks([t for t in matplotlib.ticker.MaxNLocator(nbins=8, integer=True).tick_values(0, n) if 0 <= t <= n])
        ax.spines["bottom"].set_bounds(0, n)
        ax.set_ylim(-0.5, len(ids) - 0.35)
        ax.tick_params(axis="y", length=0)
        ax.spines["left"].set_visible(False)
        ax.set_xlabel(bilingual("عدد الجمل", "Number of sentences") + f" (n = {n})")
        ax.set_title(bilingual("الترميز الآلي مقارنة بالمرجع", "Automatic coding against the reference"))
        handles = [matplotlib.patches.Patch(color=color) for _, _, _, color in _AGREEMENT]
        labels = [bilingual(ar, en) for _, ar, en, _ in _AGREEMENT]
        fig.legend(handles, labels, loc="outside lower center", ncols=4)
    return _settled(fig)


def plot_actor_mentions(
    mentions: pd.DataFrame,
    actors: Sequence[Labelled],
    doc_labels: Mapping[str, str] | None = None,
    *,
    drop_empty: bool = False,
) -> Figure:
    """Heatmap actor × article of mention counts, annotated; actors labelled bilingually.

    ``mentions`` is the output of :func:`arabic_themes.actors.find_mentions` (one row per
    mention) or of :func:`~arabic_themes.actors.count_mentions` (column ``count``). Actors keep
    the given order; ``drop_empty`` leaves out actors never mentioned. Columns are the articles
    of ``doc_labels`` (in its order, even with no mention) followed by any others in ``mentions``.
    """
    if "count" in mentions.columns:
        counts = mentions.groupby(["actor", "doc_id"], sort=False)["count"].sum()
    else:
        counts = mentions.groupby(["actor", "doc_id"], sort=False).size()
    docs = _doc_order(mentions["doc_id"].tolist(), doc_labels)
    if doc_labels:
        docs = list(dict.fromkeys(list(doc_labels) + docs))
    table = counts.unstack("doc_id", fill_value=0).reindex(index=[a.id for a in actors], columns=docs).fillna(0)
    rows = list(actors)
    if drop_empty:
        keep = table.sum(axis=1).to_numpy() > 0
        table, rows = table[keep], [a for a, k in zip(rows, keep) if k]
    values = table.to_numpy(dtype=float)
    with house_style():
        fig = _new_figure(1.25 * len(docs) + 3.6, 0.42 * len(rows) + 2.4)
        ax = fig.add_subplot()
        image = _heatmap(ax, values)
        texts = [[str(int(v)) if v else "·" for v in row] for row in values]
        _annotate_cells(ax, values, texts, float(np.nanmax(values, initial=0.0)))
        ax.set_yticks(range(len(rows)), [f"{arabic_label(a.label_ar)}\n{a.label_en}" for a in rows], fontsize=7.5)
        ax.set_xticks(range(len(docs)), [_doc_label(d, doc_labels, width=14) for d in docs])
        ax.xaxis.tick_top()
        ax.set_title(bilingual("عدد مرات ذكر كل فاعل في كل مقال", "Mentions of each actor per article"))
        bar = fig.colorbar(image, ax=ax, shrink=0.5, aspect=30)
        bar.set_label(bilingual("عدد الإشارات", "Number of mentions"))
        bar.outline.set_visible(False)
    return _settled(fig)


def _date_text(date: str, precision: str = "") -> str:
    """ISO-like date of the timeline (YYYY, YYYY-MM or YYYY-MM-DD) written for a label.

    ``precision="era"`` marks a date the text gives only as a period ("over the centuries", "in the
    twentieth century"): the year only orders the row, and the label shows the century.
    """
    if precision == "era":
        return f"{int(date[:4]) // 100 + 1}th c."
    parts = date.split("-")
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    if len(parts) == 3:
        return f"{int(parts[2])} {months[int(parts[1]) - 1]} {parts[0]}"
    if len(parts) == 2:
        return f"{months[int(parts[1]) - 1]} {parts[0]}"
    return parts[0]


def plot_timeline(
    events: pd.DataFrame,
    doc_ids: Sequence[str],
    doc_labels: Mapping[str, str] | None = None,
) -> Figure:
    """Chronology of the events the articles refer to, and which article mentions each.

    ``events`` has one row per event and article (``event_id, date, label_en, label_ar, doc_id``;
    ``date`` is ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; an optional ``precision`` of ``era`` shows
    the century instead of the year). Rows of the figure are the events in
    date order (oldest at the top; one row per distinct date of an event, so two articles that
    date an event differently show as two rows); columns are the articles; a dot marks a mention.
    Time is not to scale (the events span two centuries): each row is labelled with its date.
    """
    required = {"event_id", "date", "label_en", "label_ar", "doc_id"}
    missing = sorted(required - set(events.columns))
    if missing:
        raise ValueError(f"events lack column(s) {missing}")
    keys = events[["date", "event_id"]].drop_duplicates().sort_values(["date", "event_id"], kind="stable")
    rows = list(zip(keys["date"], keys["event_id"]))
    labels = events.drop_duplicates(["date", "event_id"]).set_index(["date", "event_id"])
    docs = list(doc_ids)
    present = {(d, e, doc) for d, e, doc in zip(events["date"], events["event_id"], events["doc_id"])}
    with house_style():
        fig = _new_figure(0.95 * len(docs) + 4.8, 0.5 * len(rows) + 2.2)
        ax = fig.add_subplot()
        for i, (date, event) in enumerate(rows):
            ax.axhline(i, color="#dddddd", linewidth=0.8, zorder=0)
            for j, doc in enumerate(docs):
                if (date, event, doc) in present:
                    ax.scatter(j, i, s=70, color=_NEUTRAL, zorder=2)
        ax.set_ylim(len(rows) - 0.5, -0.5)
        ax.set_xlim(-0.6, len(docs) - 0.4)
        ticks = []
        for date, event in rows:
            label = labels.loc[(date, event)]
            precision = str(label["precision"]) if "precision" in label.index else ""
            ticks.append(f"{_date_text(date, precision)} · {label['label_en']}\n{arabic_label(label['label_ar'])}")
        ax.set_yticks(range(len(rows)), ticks, fontsize=7.5)
        ax.set_xticks(range(len(docs)), [_doc_label(d, doc_labels, width=14) for d in docs])
        ax.xaxis.tick_top()
        ax.tick_params(length=0)
        for spine in ax.spines.values():
            spine.set_visible(False)
        ax.set_title(bilingual("الأحداث التي تذكرها المقالات، بالترتيب الزمني", "Events the articles refer to, in date order (not to scale)"))
    return _settled(fig)


def plot_keyness(
    top: pd.DataFrame,
    doc_labels: Mapping[str, str] | None = None,
    *,
    label: str = "as_written",
) -> Figure:
    """Distinctive words per article: one panel per article, bars of the weighted log-odds z.

    ``top`` is :func:`arabic_themes.keyness.top_terms` output (``doc_id``, ``z``, ``count`` and
    the word column ``label``). Bars are sorted with the most distinctive word at the top; the
    count in the article is written after each bar.
    """
    missing = sorted({"doc_id", "z", "count", label} - set(top.columns))
    if missing:
        raise ValueError(f"top terms lack column(s) {missing}")
    docs = _doc_order(top["doc_id"].tolist(), doc_labels)
    n = int(top.groupby("doc_id").size().max()) if len(top) else 1
    xmax = float(top["z"].max()) * 1.25 if len(top) else 1.0
    with house_style():
        cols = min(len(docs), 3) or 1
        grid_rows = -(-len(docs) // cols) or 1
        fig = _new_figure(3.3 * cols, 0.34 * n * grid_rows + 1.3 * grid_rows + 0.6)
        axes = fig.subplots(grid_rows, cols, squeeze=False)
        for k, ax in enumerate(axes.flat):
            if k >= len(docs):
                ax.set_visible(False)
                continue
            doc = docs[k]
            part = top[top["doc_id"] == doc].sort_values("z", ascending=True, kind="stable")
            y = np.arange(len(part))
            ax.barh(y, part["z"], color=_NEUTRAL, height=0.7)
            ax.set_yticks(y, [arabic_label(str(w)) for w in part[label]], fontsize=8.5)
            for yi, z, c in zip(y, part["z"], part["count"]):
                ax.text(z + xmax * 0.02, yi, f"×{int(c)}", va="center", fontsize=7, color="#444444")
            ax.set_xlim(0, xmax)
            ax.set_ylim(-0.6, n - 0.4)
            ax.set_title(_doc_label(doc, doc_labels, width=22), fontsize=9)
            ax.spines[["top", "right"]].set_visible(False)
            ax.tick_params(axis="y", length=0)
            ax.set_xlabel("z", fontsize=8)
        fig.suptitle(bilingual("الكلمات التي تميّز كل مقال عن بقية المدوّنة", "Words that set each article apart (weighted log-odds, z)"))
    return _settled(fig)


_SET_MARKERS = ["o", "s", "D", "^", "v", "P", "X"]
_SET_LINES = ["-", "--", ":", "-.", (0, (5, 1)), (0, (1, 1)), (0, (3, 1, 1, 1))]


def plot_agreement_by_version(
    history: pd.DataFrame,
    themes: Sequence[Labelled],
    *,
    metric: str = "f1",
    bar: float | None = 0.85,
) -> Figure:
    """Agreement of each codebook version with each set of hand-coded sentences: fitted vs unseen.

    ``history`` has one row per codebook version, sentence set and theme (columns ``codebook``,
    ``sentences``, ``theme`` and ``metric``, e.g. the rows of :func:`arabic_themes.agreement`
    with the first two added), plus an optional boolean ``fitted``: the version was revised after
    looking at these sentences. One panel per theme; versions on the x-axis in the order they
    first appear; one line per sentence set. With ``fitted``, filled markers are fitted scores and
    open markers scores on sentences the version had never seen — the honest estimate; without
    it, all markers are filled and the legend says nothing about fitting. ``bar`` draws the
    target as a dashed line.
    """
    required = {"codebook", "sentences", "theme", metric}
    missing = sorted(required - set(history.columns))
    if missing:
        raise ValueError(f"history lacks column(s) {missing}")
    ids = [t.id for t in themes]
    if not ids:
        raise ValueError("no themes given")
    absent = [i for i in ids if i not in set(history["theme"])]
    if absent:
        raise ValueError(f"history has no rows for theme(s) {absent}")
    history = history.reset_index(drop=True)  # rows are matched to their "fitted" flag by position
    versions = list(dict.fromkeys(history["codebook"]))
    sets = list(dict.fromkeys(history["sentences"]))
    if len(sets) > len(_SET_MARKERS):
        raise ValueError(f"at most {len(_SET_MARKERS)} sentence sets can be told apart, got {len(sets)}")
    known = "fitted" in history.columns
    fitted = history["fitted"].astype(bool) if known else pd.Series(True, index=history.index)
    with house_style():
        fig = _new_figure(2.9 * len(ids) + 0.6, 5.6)
        axes = fig.subplots(1, len(ids), sharey=True, squeeze=False)[0]
        for k, (ax, theme) in enumerate(zip(axes, themes)):
            color = theme_color(theme.id, k)
            rows = history[history["theme"] == theme.id]
            for j, name in enumerate(sets):
                part = rows[rows["sentences"] == name]
                x = [versions.index(v) for v in part["codebook"]]
                y = part[metric].to_numpy(dtype=float)
                ax.plot(x, y, color=color, linestyle=_SET_LINES[j], linewidth=1.1, zorder=2)
                for xi, yi, seen in zip(x, y, fitted[part.index]):
                    ax.plot(
                        xi, yi, marker=_SET_MARKERS[j], markersize=5.5, color=color, zorder=3,
                        markerfacecolor=color if seen else "white", markeredgecolor=color, markeredgewidth=1.1,
                    )
            if bar is not None:
                ax.axhline(bar, color="#888888", linestyle=(0, (4, 3)), linewidth=0.8, zorder=1)
            ax.set_xticks(range(len(versions)), [str(v).replace(" ", "\n") for v in versions])  # "v7\n(current)"
            ax.set_xlim(-0.3, len(versions) - 0.7)
            ax.set_ylim(0, 1.04)
            ax.set_title(_theme_label(theme, width=30), fontsize=9)
            ax.grid(axis="y", color="#eeeeee", linewidth=0.6)
            ax.set_axisbelow(True)
        axes[0].set_ylabel(metric.upper() if len(metric) <= 3 else metric)
        axes[len(axes) // 2].set_xlabel(bilingual("نسخة دليل الترميز", "Codebook version"))
        handles = [
            matplotlib.lines.Line2D(
                [], [], color=_NEUTRAL, linestyle=_SET_LINES[j], marker=_SET_MARKERS[j], markersize=5, markeredgecolor=_NEUTRAL
            )
            for j in range(len(sets))
        ]
        labels = [str(s) for s in sets]
        if known:
            handles += [
                matplotlib.lines.Line2D([], [], linestyle="", marker="o", color=_NEUTRAL, markeredgecolor=_NEUTRAL, markersize=5),
                matplotlib.lines.Line2D(
                    [], [], linestyle="", marker="o", color=_NEUTRAL, markerfacecolor="white", markeredgecolor=_NEUTRAL,
                    markersize=5,
                ),
            ]
            labels += [bilingual("جمل عُدِّل الدليل بعد الاطلاع عليها", "fitted: revised after seeing them"),
                       bilingual("جمل لم يرها الدليل", "unseen by this version")]
        if bar is not None:
            handles.append(matplotlib.lines.Line2D([], [], color="#888888", linestyle=(0, (4, 3)), linewidth=0.8))
            labels.append(bilingual("الحد المطلوب", "target") + f" ({bar:g})")
        fig.legend(handles, labels, loc="outside lower center", ncols=min(len(labels), 4))
        fig.suptitle(bilingual("اتفاق كل نسخة من دليل الترميز مع الترميز المستقل", "Each codebook version against independent coding"))
    return _settled(fig)
