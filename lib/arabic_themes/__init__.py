"""arabic_themes: load, normalise, segment and theme-code Arabic news articles, offsets kept.

The pipeline, one small function per step, tidy data frames in and out (one row per unit)::

    corpus = load_corpus("data/raw")                      # one row per article
    sentences = segment(corpus, load_run_in_headings("data/run_in_headings.csv"))
    coded = code_sentences(sentences, load_codebook("data/codebook.yaml"))
    kwic(corpus, "اوكراني*")                               # concordance
    agreement(align_reference(coded, load_reference(path, themes), themes), themes)
"""

from arabic_themes.actors import Actor, count_mentions, find_mentions, load_actors
from arabic_themes.caches import clear_caches
from arabic_themes.codebook import PALETTE, theme_colors
from arabic_themes.coding import (
    Codebook,
    CodebookError,
    DropRule,
    Indicator,
    Theme,
    code_sentences,
    code_sentences_naive,
    code_texts,
    indicator_counts,
    load_codebook,
    parse_evidence,
    theme_table,
)
from arabic_themes.concordance import kwic
from arabic_themes.corpus import CorpusError, add_metadata_rows, load_corpus, read_text, write_metadata_template
from arabic_themes.describe import corpus_sizes, normalisation_changes, normalisation_examples
from arabic_themes.display import highlighted_sentences, isolate_arabic, kwic_table, rtl_html, rtl_table
from arabic_themes.errors import InputError, InputNotFoundError
from arabic_themes.glosses import add_glosses, gloss_for, load_glosses, unit_gloss
from arabic_themes.keyness import load_spelling_variants, top_terms, weighted_log_odds, word_counts
from arabic_themes.learned import LearnedModel, load_learned, train_learned
from arabic_themes.normalisation import GlueRepair, NormalizedText, load_glue_repairs, normalize, normalize_word
from arabic_themes.plotting import (
    THEME_COLORS,
    Labelled,
    arabic_label,
    bilingual,
    house_style,
    plot_actor_mentions,
    plot_agreement,
    plot_agreement_by_version,
    plot_cooccurrence,
    plot_keyness,
    plot_theme_dispersion,
    plot_theme_shares,
    plot_timeline,
    register_arabic_font,
    renderer_shapes_text,
    save_figure,
    theme_color,
)
from arabic_themes.prevalence import estimate_prevalence
from arabic_themes.quotations import Cues, compare_quotations, find_quotations, load_cues, quotation_presence
from arabic_themes.realsets import code_real_set, load_real_set, piece_intervals, score_real_sets, summarise_real_scores
from arabic_themes.refi import export_codebook, export_project, export_sample_project, read_qdpx
from arabic_themes.reliability import (
    agreement,
    align_reference,
    align_sample,
    align_texts,
    disagreements,
    load_reference,
    nominal_alpha,
)
from arabic_themes.sampling import draw_sample, write_sample
from arabic_themes.scale import code_dask
from arabic_themes.segmentation import load_run_in_headings, segment, segment_text
from arabic_themes.terms import TermError, compile_term
from arabic_themes.validation import read_human_coding, validate
from arabic_themes.versions import first_look, load_codebook_history, mark_fitted, score_versions

__version__ = "0.1.0"

__all__ = [
    "Actor",
    "add_glosses",
    "add_metadata_rows",
    "agreement",
    "align_reference",
    "align_sample",
    "align_texts",
    "arabic_label",
    "bilingual",
    "clear_caches",
    "code_dask",
    "code_real_set",
    "code_sentences",
    "code_sentences_naive",
    "code_texts",
    "Codebook",
    "CodebookError",
    "compare_quotations",
    "compile_term",
    "corpus_sizes",
    "CorpusError",
    "count_mentions",
    "Cues",
    "disagreements",
    "draw_sample",
    "DropRule",
    "export_codebook",
    "export_project",
    "export_sample_project",
    "find_mentions",
    "find_quotations",
    "first_look",
    "gloss_for",
    "GlueRepair",
    "highlighted_sentences",
    "isolate_arabic",
    "house_style",
    "Indicator",
    "indicator_counts",
    "InputError",
    "InputNotFoundError",
    "kwic",
    "kwic_table",
    "Labelled",
    "LearnedModel",
    "load_actors",
    "load_codebook_history",
    "load_codebook",
    "load_corpus",
    "load_cues",
    "load_glosses",
    "load_glue_repairs",
    "load_learned",
    "load_real_set",
    "load_reference",
    "load_run_in_headings",
    "load_spelling_variants",
    "normalisation_changes",
    "normalisation_examples",
    "mark_fitted",
    "normalize",
    "nominal_alpha",
    "normalize_word",
    "NormalizedText",
    "PALETTE",
    "piece_intervals",
    "parse_evidence",
    "plot_actor_mentions",
    "plot_agreement",
    "plot_agreement_by_version",
    "plot_cooccurrence",
    "plot_keyness",
    "plot_theme_dispersion",
    "plot_theme_shares",
    "plot_timeline",
    "estimate_prevalence",
    "quotation_presence",
    "read_human_coding",
    "read_qdpx",
    "read_text",
    "register_arabic_font",
    "renderer_shapes_text",
    "rtl_html",
    "rtl_table",
    "save_figure",
    "score_real_sets",
    "score_versions",
    "summarise_real_scores",
    "segment",
    "segment_text",
    "TermError",
    "Theme",
    "theme_color",
    "THEME_COLORS",
    "theme_colors",
    "train_learned",
    "theme_table",
    "top_terms",
    "unit_gloss",
    "validate",
    "weighted_log_odds",
    "word_counts",
    "write_metadata_template",
    "write_sample",
]
