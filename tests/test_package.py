"""The package's public names: modules are reachable as modules, functions as functions, types exported."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import types

import arabic_themes


def _modules() -> list[types.ModuleType]:
    return [importlib.import_module(f"arabic_themes.{m.name}") for m in pkgutil.iter_modules(arabic_themes.__path__)]


def test_modules_are_not_shadowed_by_functions() -> None:
    for module in _modules():
        short = module.__name__.rsplit(".", 1)[1]
        attribute = getattr(arabic_themes, short)
        assert attribute is module, f"arabic_themes.{short} is {attribute!r}, not the module"
    assert inspect.isfunction(arabic_themes.segment) and inspect.isfunction(arabic_themes.normalize)


def test_every_exported_name_exists() -> None:
    for module in [arabic_themes, *_modules()]:
        for name in getattr(module, "__all__", []):
            assert hasattr(module, name), f"{module.__name__}.__all__ lists {name!r}, which it lacks"


def test_types_in_public_signatures_are_exported() -> None:
    for name in (
        "Codebook",
        "Theme",
        "Indicator",
        "DropRule",
        "GlueRepair",
        "NormalizedText",
        "Actor",
        "Cues",
        "Labelled",
    ):
        assert name in arabic_themes.__all__
    assert "theme_table" in importlib.import_module("arabic_themes.coding").__all__
