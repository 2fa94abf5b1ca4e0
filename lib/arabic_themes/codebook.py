"""The codebook: themes, indicators and ``drop_when`` rules, read from YAML and validated.

A codebook (``data/codebook.yaml``) defines themes; each theme has *indicators*, and a sentence
gets a theme when at least one of its indicators fires in that sentence. Indicators are written
in the term language of :mod:`arabic_themes.terms`:

``any: [term, …]``
    fires when any term occurs in the sentence.
``all: [[term, …], [term, …]]``
    fires when every group has a term in the sentence (co-occurrence: one word is not enough).
``not: [term, …]``
    optional veto: the indicator does not fire in a sentence where one of these occurs.
``context: [term, …]``
    optional group that may be met in the sentence *or in the unit just before it* in the same
    article (a case or a country named in the previous sentence and referred back to).

A theme may list rules under ``drop_when``: each rule drops the theme from a sentence where
*another theme* is coded (``theme: other``) or where *one of some terms* occurs (``any: [term, …]``),
unless one of its ``unless`` terms occurs there too. Rules are decided on the coding before any
theme is dropped, and a dropped theme's evidence goes with it. The project codebook uses them for
two exclusion rules of its definitions: a sentence that tells only a past case (of another
partner) is a precedent, not Russia's present stance toward Iran; and another state's limited
support is not Russia's, unless Russia is named too.

A theme may give a ``color`` (``#rrggbb``) for figures and QDA exports; themes without one take
the colour-blind-safe :data:`PALETTE` in codebook order (:func:`theme_colors`).

A codebook may name a learned model (``learned: model.json``, a path relative to the codebook's folder;
:mod:`arabic_themes.learned`) whose decisions are added to the indicators'; without it, coding uses the
indicators alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from arabic_themes.errors import InputError, read_yaml
from arabic_themes.learned import LearnedModel, load_learned
from arabic_themes.terms import TermError, compile_term

__all__ = ["PALETTE", "Codebook", "CodebookError", "DropRule", "Indicator", "Theme", "load_codebook", "theme_colors"]

_THEME_KEYS = {
    "id",
    "label_ar",
    "label_en",
    "definition",
    "include",
    "exclude",
    "indicators",
    "anchors",
    "drop_when",
    "color",
}
_DROP_KEYS = {"theme", "any", "unless", "note"}
_INDICATOR_KEYS = {"id", "any", "all", "not", "context", "note"}
_TOP_KEYS = {"version", "name", "unit", "description", "themes", "learned"}
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")

#: Colours for themes whose codebook gives none, in theme order: the Okabe–Ito palette (safe for
#: colour-blind readers) without black, the colour of text.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442")


class CodebookError(InputError):
    """The codebook is malformed; the message names the theme, indicator and pattern at fault."""


@dataclass(frozen=True)
class Indicator:
    """One indicator of a theme; fires in a sentence when its rule holds there."""

    id: str
    groups: tuple[tuple[str, ...], ...]  # terms per group; one group for ``any``
    exclude: tuple[str, ...] = ()
    note: str = ""
    context: tuple[str, ...] = ()  # one of these in the unit or in the unit before it (same article)


@dataclass(frozen=True)
class DropRule:
    """Drop a theme where another theme is coded (``theme``) or a term occurs (``terms``),
    unless one of ``unless`` occurs."""

    theme: str = ""
    terms: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()
    note: str = ""

    def describe(self) -> str:
        what = f"theme {self.theme}" if self.theme else " | ".join(self.terms)
        return what + (" unless: " + " | ".join(self.unless) if self.unless else "")


@dataclass(frozen=True)
class Theme:
    """A theme of the codebook with bilingual labels, rules, indicators and anchor examples."""

    id: str
    label_ar: str
    label_en: str
    definition: str
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    indicators: tuple[Indicator, ...] = ()
    anchors: tuple[dict[str, str], ...] = ()
    drop_when: tuple[DropRule, ...] = ()
    color: str = ""  # "#rrggbb" for figures and QDA exports; "" = by position in PALETTE


@dataclass(frozen=True)
class Codebook:
    """Parsed codebook: the themes in file order plus compiled term patterns."""

    themes: tuple[Theme, ...]
    path: str = ""
    patterns: dict[str, re.Pattern[str]] = field(default_factory=dict, repr=False)
    learned: LearnedModel | None = field(default=None, repr=False)  # optional model added to the indicators

    @property
    def theme_ids(self) -> list[str]:
        return [t.id for t in self.themes]

    def theme(self, theme_id: str) -> Theme:
        for t in self.themes:
            if t.id == theme_id:
                return t
        raise KeyError(theme_id)

    def table(self) -> pd.DataFrame:
        """One row per theme: id, labels, definition, rules and number of indicators."""
        return pd.DataFrame(
            [
                {
                    "id": t.id,
                    "label_ar": t.label_ar,
                    "label_en": t.label_en,
                    "definition": t.definition,
                    "include": " • ".join(t.include),
                    "exclude": " • ".join(t.exclude),
                    "indicators": len(t.indicators),
                    "drop_when": " • ".join(r.describe() for r in t.drop_when),
                }
                for t in self.themes
            ]
        )

    def indicator_table(self) -> pd.DataFrame:
        """One row per indicator: theme, indicator id, rule kind, terms and veto terms."""
        rows = []
        for t in self.themes:
            for ind in t.indicators:
                rows.append(
                    {
                        "theme": t.id,
                        "indicator": ind.id,
                        "rule": "any" if len(ind.groups) == 1 else f"all of {len(ind.groups)} groups",
                        "terms": " + ".join("(" + " | ".join(g) + ")" for g in ind.groups),
                        "unless": " | ".join(ind.exclude),
                        "context": " | ".join(ind.context),
                        "note": ind.note,
                    }
                )
        return pd.DataFrame(rows)


def _as_terms(value: object, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        raise CodebookError(f"{where}: expected a non-empty list of terms (strings)")
    return tuple(v.strip() for v in value)


def _text(value: object, where: str) -> str:
    """An optional free-text field (note, name, description): a string, or absent."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise CodebookError(f"{where}: expected text, found {type(value).__name__} {_short(value)}")
    return value


def _texts(value: object, where: str) -> tuple[str, ...]:
    """An optional list of free-text items (include, exclude), each whitespace-collapsed."""
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise CodebookError(f"{where}: expected a list of texts, found {_short(value)}")
    return tuple(" ".join(v.split()) for v in value)


def _short(value: object) -> str:
    if isinstance(value, int) and abs(value) >= 10**50:
        return f"<number of {len(str(abs(value)))} digits>"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _check_terms(terms: Sequence[str], where: str) -> None:
    """Every term compiles; the first that does not is a CodebookError naming it."""
    for term in terms:
        try:
            compile_term(term)
        except TermError as exc:
            raise CodebookError(f"{where}: bad pattern {term!r}: {exc}") from None


def _parse_indicator(raw: object, theme_id: str, where: str) -> Indicator:
    if not isinstance(raw, dict):
        raise CodebookError(f"{where}: each indicator must be a mapping with id and any/all")
    ind_id = raw.get("id")
    if not isinstance(ind_id, str) or not _ID.match(ind_id):
        raise CodebookError(f"{where}: indicator id {ind_id!r} must be lower_snake_case")
    where = f"{where}, indicator {ind_id!r}"
    unknown = set(raw) - _INDICATOR_KEYS
    if unknown:
        raise CodebookError(f"{where}: unknown key(s) {sorted(map(str, unknown))}; allowed: {sorted(_INDICATOR_KEYS)}")
    if ("any" in raw) == ("all" in raw):
        raise CodebookError(f"{where}: give exactly one of 'any' or 'all'")
    if "any" in raw:
        groups: tuple[tuple[str, ...], ...] = (_as_terms(raw["any"], where + " (any)"),)
    else:
        all_ = raw["all"]
        if not isinstance(all_, list) or len(all_) < 2:
            raise CodebookError(f"{where}: 'all' needs a list of at least two groups of terms")
        loose = [i + 1 for i, g in enumerate(all_) if not isinstance(g, list)]
        if loose:  # usually a term meant for the list above it, caught by the indentation
            raise CodebookError(
                f"{where}: 'all' group {loose[0]} is {all_[loose[0] - 1]!r}, not a list of terms; "
                "write each group as [term, …] (check the indentation of the lines that follow)"
            )
        groups = tuple(_as_terms(g, f"{where} (all, group {i + 1})") for i, g in enumerate(all_))
    exclude = _as_terms(raw["not"], where + " (not)") if "not" in raw else ()
    context = _as_terms(raw["context"], where + " (context)") if "context" in raw else ()
    _check_terms([t for g in groups for t in g] + list(exclude) + list(context), where)
    return Indicator(ind_id, groups, exclude, _text(raw.get("note"), where + " (note)"), context)


def load_codebook(path: str | Path) -> Codebook:
    """Read and validate a YAML codebook; errors name the theme, indicator and pattern at fault."""
    path = Path(path)
    data = read_yaml(path, "codebook", error=CodebookError, missing=CodebookError)
    if not isinstance(data, dict) or not isinstance(data.get("themes"), list) or not data["themes"]:
        raise CodebookError(f"{path}: expected a mapping with a non-empty 'themes' list")
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise CodebookError(f"{path}: unknown top-level key(s) {sorted(map(str, unknown))}")
    version = data.get("version")
    if version is not None and (isinstance(version, bool) or not isinstance(version, int | float | str)):
        raise CodebookError(f"{path}: version must be a number or a text, found {_short(version)}")
    for key in ("name", "unit", "description"):
        _text(data.get(key), f"{path}: {key}")
    themes: list[Theme] = []
    seen: set[str] = set()
    for i, raw in enumerate(data["themes"], start=1):
        if not isinstance(raw, dict):
            raise CodebookError(f"{path}: theme #{i} must be a mapping")
        theme_id = raw.get("id")
        if not isinstance(theme_id, str) or not _ID.match(theme_id):
            raise CodebookError(f"{path}: theme #{i} has id {theme_id!r}; ids must be lower_snake_case")
        where = f"{path}: theme {theme_id!r}"
        if theme_id in seen:
            raise CodebookError(f"{where}: duplicate theme id")
        seen.add(theme_id)
        unknown = set(raw) - _THEME_KEYS
        if unknown:
            raise CodebookError(f"{where}: unknown key(s) {sorted(map(str, unknown))}; allowed: {sorted(_THEME_KEYS)}")
        for key in ("label_ar", "label_en", "definition"):
            if not isinstance(raw.get(key), str) or not raw[key].strip():
                raise CodebookError(f"{where}: missing {key}")
        indicators_raw = raw.get("indicators")
        if not isinstance(indicators_raw, list) or not indicators_raw:
            raise CodebookError(f"{where}: needs a non-empty 'indicators' list")
        indicators = []
        ind_seen: set[str] = set()
        for ind_raw in indicators_raw:
            ind = _parse_indicator(ind_raw, theme_id, where)
            if ind.id in ind_seen:
                raise CodebookError(f"{where}: duplicate indicator id {ind.id!r}")
            ind_seen.add(ind.id)
            indicators.append(ind)
        color = raw.get("color", "")
        if color and (not isinstance(color, str) or not _COLOR.match(color)):
            raise CodebookError(f"{where}: color {color!r} must be written #rrggbb (e.g. '#0072B2')")
        anchors = raw.get("anchors") or []
        if not isinstance(anchors, list) or not all(
            isinstance(a, dict) and "quote" in a and all(isinstance(x, str) for item in a.items() for x in item)
            for a in anchors
        ):
            raise CodebookError(f"{where}: anchors must be a list of mappings with a 'quote' (keys and values texts)")
        drop_when = _parse_drop_rules(raw.get("drop_when"), theme_id, where)
        themes.append(
            Theme(
                id=theme_id,
                label_ar=raw["label_ar"].strip(),
                label_en=raw["label_en"].strip(),
                definition=" ".join(raw["definition"].split()),
                include=_texts(raw.get("include"), f"{where} (include)"),
                exclude=_texts(raw.get("exclude"), f"{where} (exclude)"),
                indicators=tuple(indicators),
                anchors=tuple(dict(a) for a in anchors),
                drop_when=drop_when,
                color=color.upper() if color else "",
            )
        )
    ids = {t.id for t in themes}
    for t in themes:
        for rule in t.drop_when:
            if rule.theme and rule.theme not in ids:
                raise CodebookError(
                    f"{path}: theme {t.id!r}: drop_when names unknown theme {rule.theme!r}; themes: {sorted(ids)}"
                )
    learned = None
    if data.get("learned") is not None:
        name = data["learned"]
        if not isinstance(name, str) or not name.strip():
            raise CodebookError(f"{path}: 'learned' must be the path of a learned model file (JSON)")
        try:
            learned = load_learned(path.parent / name.strip())
        except InputError as exc:
            raise CodebookError(f"{path}: learned model: {exc}") from None
        unknown_themes = [t for t in learned.themes if t not in ids]
        if unknown_themes:
            raise CodebookError(f"{path}: the learned model codes theme(s) {unknown_themes} the codebook does not have")
    return Codebook(themes=tuple(themes), path=str(path), patterns=_compile_codebook(themes), learned=learned)


def _parse_drop_rules(raw: object, theme_id: str, where: str) -> tuple[DropRule, ...]:
    """``drop_when: [{theme | any, unless, note}, …]`` of one theme, validated (theme ids are checked later)."""
    if raw is None:
        return ()
    if not isinstance(raw, list) or not raw:
        raise CodebookError(f"{where}: drop_when must be a non-empty list of rules (mappings with 'theme' or 'any')")
    rules = []
    for i, rule in enumerate(raw, start=1):
        at = f"{where}, drop_when rule {i}"
        if not isinstance(rule, dict):
            raise CodebookError(f"{at}: each rule must be a mapping with 'theme' or 'any'")
        unknown = set(rule) - _DROP_KEYS
        if unknown:
            raise CodebookError(f"{at}: unknown key(s) {sorted(map(str, unknown))}; allowed: {sorted(_DROP_KEYS)}")
        if ("theme" in rule) == ("any" in rule):
            raise CodebookError(f"{at}: give exactly one of 'theme' (another theme's id) or 'any' (terms)")
        other = ""
        if "theme" in rule:
            other = rule["theme"].strip() if isinstance(rule["theme"], str) else ""
            if not other:
                raise CodebookError(f"{at}: 'theme' must be the id of another theme")
            if other == theme_id:
                raise CodebookError(f"{at}: a theme cannot be dropped for itself")
        terms = _as_terms(rule["any"], at + " (any)") if "any" in rule else ()
        unless = _as_terms(rule["unless"], at + " (unless)") if "unless" in rule else ()
        _check_terms(terms + unless, at)
        rules.append(DropRule(other, terms, unless, _text(rule.get("note"), at + " (note)")))
    return tuple(rules)


def theme_colors(themes: Sequence[object]) -> list[str]:
    """One colour per theme, in order: its codebook ``color`` where given, else the next colour of
    :data:`PALETTE` not given to another theme (cycling after seven themes).

    ``themes`` are :class:`Theme` objects or anything with an ``id`` (a theme without a ``color``
    attribute takes the palette).
    """
    given = [str(getattr(t, "color", "") or "").upper() for t in themes]
    free = [c for c in PALETTE if c not in given] or list(PALETTE)
    colors, k = [], 0
    for color in given:
        if not color:
            color, k = free[k % len(free)], k + 1
        colors.append(color)
    return colors


def all_terms(themes: Sequence[Theme]) -> list[str]:
    """Every distinct term of ``themes`` (indicators, vetoes and drop rules), sorted."""
    return sorted(
        {term for t in themes for ind in t.indicators for g in ind.groups for term in g}
        | {term for t in themes for ind in t.indicators for term in ind.exclude + ind.context}
        | {term for t in themes for rule in t.drop_when for term in rule.terms + rule.unless}
    )


def _compile_codebook(themes: Sequence[Theme]) -> dict[str, re.Pattern[str]]:
    """One regular expression per distinct term (used by the naive coder and for display)."""
    return {term: re.compile(compile_term(term)) for term in all_terms(themes)}
