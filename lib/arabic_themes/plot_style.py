"""Figures in one house style, with Arabic labels that render correctly on the running matplotlib.

Arabic needs *shaping* (letters take joined forms) and *bidi* (right-to-left order). Since 3.11,
matplotlib shapes text itself with libraqm, so Arabic strings must be passed in logical order,
unchanged. The classic recipe ``bidi.get_display(arabic_reshaper.reshape(s))`` pre-shapes and
reverses the string for renderers that cannot; fed to a shaping renderer it is reversed a second
time and drawn backwards while still looking Arabic. :func:`arabic_label` therefore detects the
capability (:func:`renderer_shapes_text`) and applies the recipe only where it is needed.

This module holds what every figure shares (Arabic labels, the font, the house style, colours,
:func:`save_figure` and small drawing helpers); the figures are in :mod:`arabic_themes.plot_themes`
and :mod:`arabic_themes.plot_sources`, and :mod:`arabic_themes.plotting` gathers all of them.

Every figure function returns a :class:`matplotlib.figure.Figure` (not attached to pyplot, so
notebooks do not show it twice), drawn inside :func:`house_style`; :func:`save_figure` writes a
byte-reproducible PNG.
"""

from __future__ import annotations

import functools
import re
import textwrap
import unicodedata
import warnings
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

import matplotlib
import matplotlib.style
import numpy as np
import pandas as pd
from matplotlib import font_manager, ft2font
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.image import AxesImage
from matplotlib.typing import RcKeyType

__all__ = [
    "DPI",
    "FALLBACK_FONT",
    "Labelled",
    "OKABE_ITO",
    "THEME_COLORS",
    "arabic_label",
    "bilingual",
    "house_style",
    "register_arabic_font",
    "renderer_shapes_text",
    "save_figure",
    "short_doc_ids",
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
#: Deprecated (colours now come from the codebook, see :func:`~arabic_themes.codebook.theme_colors`):
#: the colours of this project's three themes, as its ``data/codebook.yaml`` gives them.
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

_RC: dict[RcKeyType, Any] = {
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
    """Deprecated: colours come from the codebook now, use :func:`~arabic_themes.codebook.theme_colors`.

    Kept for old code: the fixed colour of one of this project's theme ids (:data:`THEME_COLORS`),
    other ids get the rest of the palette by ``index``, as before.
    """
    warnings.warn(
        "theme_color() is deprecated: give themes a 'color' in the codebook and use theme_colors(codebook.themes)",
        DeprecationWarning,
        stacklevel=2,
    )
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


def _abbreviate(doc_id: str, width: int, tail: int) -> str:
    head = width - 1 - tail
    return doc_id[:head].rstrip("_-.") + "…" + doc_id[-tail:].lstrip("_-.")


def short_doc_ids(doc_ids: Sequence[str], width: int = 16, lines: int = 2) -> dict[str, str]:
    """Labels that fit a figure for ``doc_ids`` (ids made from long file names, say): doc_id → label.

    An id of at most ``width`` characters is kept. A longer one is broken after its ``_``, ``-`` or
    ``.`` into at most ``lines`` lines of ``width``; one that still does not fit keeps its start and
    its end around "…", with as much of the end as it takes to tell it from the others. Labels are
    never cut by the figure and never overlap their neighbours.
    """
    labels: dict[str, str] = {}
    taken: set[str] = set()
    for doc_id in dict.fromkeys(str(d) for d in doc_ids):
        if len(doc_id) <= width:
            label = doc_id
        else:
            pieces = [p for p in re.split(r"(?<=[_.-])", doc_id) if p]
            rows = [""]
            for piece in pieces:
                if rows[-1] and len(rows[-1]) + len(piece) > width:
                    rows.append("")
                rows[-1] += piece
            label = "\n".join(rows)
            if len(rows) > lines or any(len(r) > width for r in rows):
                tail = max(3, width // 3)
                label = _abbreviate(doc_id, width, tail)
                while label in taken and tail < width - 2:
                    tail += 1
                    label = _abbreviate(doc_id, width, tail)
        base, k = label, 2
        while label in taken:  # ids that differ only in the middle
            label, k = f"{base} ({k})", k + 1
        taken.add(label)
        labels[doc_id] = label
    return labels


def _doc_label(doc_id: str, doc_labels: Mapping[str, str] | None, width: int = 22, among: Sequence[str] = ()) -> str:
    """The label of ``doc_id`` in a figure: its label in ``doc_labels``, wrapped, or the id itself, shortened
    to ``width`` characters a line (:func:`short_doc_ids`) and told apart from the other ids ``among``."""
    if doc_labels and doc_id in doc_labels:
        return _wrap(str(doc_labels[doc_id]), width)
    return short_doc_ids([*among, doc_id] if doc_id not in among else among, width)[str(doc_id)]


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
