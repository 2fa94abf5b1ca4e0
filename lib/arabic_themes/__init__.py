"""arabic_themes: load, normalise, segment and theme-code Arabic news articles, offsets kept."""

from arabic_themes.corpus import CorpusError, load_corpus, read_text, write_metadata_template
from arabic_themes.normalize import NormalizedText, load_glue_repairs, normalize, normalize_word
from arabic_themes.segment import load_run_in_headings, segment, segment_text

__version__ = "0.1.0"

__all__ = [
    "CorpusError",
    "NormalizedText",
    "load_corpus",
    "load_glue_repairs",
    "load_run_in_headings",
    "normalize",
    "normalize_word",
    "read_text",
    "segment",
    "segment_text",
    "write_metadata_template",
]
