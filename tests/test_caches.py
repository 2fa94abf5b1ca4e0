"""Hidden state (issue 15): every cache of the package is bounded, listed and cleared by clear_caches."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pandas as pd

import arabic_themes
from arabic_themes import clear_caches, code_texts, kwic, load_codebook
from arabic_themes.caches import _cached

from conftest import ROOT


def _module_caches() -> list[object]:
    found = []
    for info in pkgutil.iter_modules(arabic_themes.__path__):
        module = importlib.import_module(f"arabic_themes.{info.name}")
        for _, value in inspect.getmembers(module):
            if hasattr(value, "cache_info") and getattr(value, "__module__", "") == module.__name__:
                found.append(value)
    return found


def test_every_cache_is_listed_and_bounded() -> None:
    listed = _cached()
    for function in _module_caches():
        assert function in listed, f"{function.__module__}.{function.__qualname__} is not cleared by clear_caches"
        maxsize = function.cache_info().maxsize
        params = inspect.signature(function.__wrapped__).parameters
        assert maxsize is not None or len(params) <= 1, f"{function.__qualname__}: unbounded cache with arguments"
    for info in pkgutil.iter_modules(arabic_themes.__path__):  # no hand-made module-level caches
        module = importlib.import_module(f"arabic_themes.{info.name}")
        names = [n for n, v in vars(module).items() if "CACHE" in n.upper() and isinstance(v, dict | list)]
        assert not names, f"{module.__name__}: {names}"


def test_clear_caches_empties_them_and_results_stay_the_same() -> None:
    book = load_codebook(ROOT / "data" / "codebook.yaml")
    texts = ["اكتفت روسيا بتصريحات دبلوماسية دون تقديم دعم عسكري.", "تخلت روسيا عن أرمينيا في قره باغ."]
    before = code_texts(texts, book)
    kwic(pd.DataFrame({"doc_id": ["d"], "text": texts[:1]}), "re:روسي\\w+")
    assert any(f.cache_info().currsize for f in _cached())
    clear_caches()
    assert all(f.cache_info().currsize == 0 for f in _cached())
    pd.testing.assert_frame_equal(code_texts(texts, book), before)
