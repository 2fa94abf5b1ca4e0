"""Figures in one house style, with Arabic labels that render correctly on the running matplotlib.

One import for everything about figures: the shared style, labels and colours
(:mod:`arabic_themes.plot_style`), the figures of the coding (:mod:`arabic_themes.plot_themes`)
and of the sources (:mod:`arabic_themes.plot_sources`).
"""

from arabic_themes.plot_sources import plot_actor_mentions, plot_keyness, plot_timeline
from arabic_themes.plot_style import (
    DPI,
    FALLBACK_FONT,
    OKABE_ITO,
    THEME_COLORS,
    Labelled,
    arabic_label,
    bilingual,
    house_style,
    register_arabic_font,
    renderer_shapes_text,
    save_figure,
    theme_color,
)
from arabic_themes.plot_themes import (
    plot_agreement,
    plot_agreement_by_version,
    plot_cooccurrence,
    plot_theme_dispersion,
    plot_theme_shares,
)

__all__ = [
    "DPI",
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
