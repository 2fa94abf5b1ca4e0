"""Who and what the articles mention: an alias list (``data/actors.yaml``) matched in the sentences.

An *actor* is a country, place, person or organisation with bilingual labels and the ways the
articles write it (aliases, and optionally nisba adjectives such as روسي). Aliases are written in
ordinary Arabic and normalised like the text (:func:`arabic_themes.normalisation.normalize_word`), so
spelling variants of hamza, teh marbuta and alef maqsura need not be listed; real variants
(ترامب/ترمب, عراقجي/عرقجي) are listed as separate aliases of one actor and merge in the counts.

Matching rules (the YAML header documents them for readers of the data file):

* whole words only, never inside a longer word;
* a name accepts the proclitics و/ف then ب/ك/ل (``لروسيا``, ``وإيران``, ``بموسكو``); a name written
  with ال also accepts لل (``للكرملين``); ال is not added to names written without it;
* an adjective (nisba, written masculine singular ending in ي) accepts the same proclitics, an
  optional ال and the endings ة ون ين ان تان تين ات ا (``الروسية``, ``الإيرانيون``);
* glued words are split first when a repair table is given (``موسكووطهران`` counts Moscow and
  Tehran).

:func:`find_mentions` normalises each article once (its sentences joined by newlines) and runs
one compiled regular expression per actor over it; every match is reported as raw offsets into
the article, so ``article[start:end] == alias``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from arabic_themes.errors import InputError, read_yaml
from arabic_themes.normalisation import GlueRepair, load_glue_repairs, normalize, normalize_word
from arabic_themes.terms import ARTICLE_RE, CONJUNCTION_RE, PREPOSITION_RE, PROCLITICS

__all__ = [
    "ACTOR_KINDS",
    "MENTION_COLUMNS",
    "Actor",
    "actor_pattern",
    "count_mentions",
    "find_mentions",
    "load_actors",
]

#: Allowed values of ``kind``.
ACTOR_KINDS = ("country", "place", "person", "organisation", "media")
#: Columns of :func:`find_mentions`, in order.
MENTION_COLUMNS = ["doc_id", "sentence_id", "actor", "alias", "start", "end", "form", "variant"]

_REQUIRED_KEYS = ("id", "kind", "label_ar", "label_en", "aliases")
_OPTIONAL_KEYS = ("adjectives",)
_ID = re.compile(r"^[a-z][a-z0-9_]*$")

# the clitics are those of the term language (arabic_themes.terms), arranged for names and adjectives
_NAME_CLITICS = f"{CONJUNCTION_RE}?{PREPOSITION_RE}?"  # before a name written without the article
_ARTICLE_CLITICS = f"{CONJUNCTION_RE}?{ARTICLE_RE}"  # replaces the ال of a name written with it
_ADJ_CLITICS = PROCLITICS  # before an adjective: article optional
_ADJ_ENDINGS = r"(?:تان|تين|ون|ين|ان|ات|ه|ا)?"  # ة (normalised ه), plurals, duals, accusative
_SPACE = r"[^\S\n]+"  # one or more spaces, never the newline that separates sentences


@dataclass(frozen=True)
class Actor:
    """One actor of the alias list: id, kind, bilingual labels, aliases and nisba adjectives."""

    id: str
    kind: str
    label_ar: str
    label_en: str
    aliases: tuple[str, ...]
    adjectives: tuple[str, ...] = ()


def _as_strings(value: object, where: str, key: str, *, allow_empty: bool) -> tuple[str, ...]:
    if value is None:
        value = []
    if isinstance(value, str) or not isinstance(value, list):
        raise InputError(f"{where}: '{key}' must be a list of strings, got {value!r}")
    if not value and not allow_empty:
        raise InputError(f"{where}: '{key}' is empty; give at least one alias")
    result = []
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise InputError(f"{where}: {key} entry {item!r} must be a non-empty string")
        result.append(" ".join(item.split()))
    return tuple(result)


def load_actors(path: str | Path) -> list[Actor]:
    """Read an actor list (YAML, see ``data/actors.yaml``); errors name the file, entry and alias.

    Raises :class:`~arabic_themes.errors.InputError` (a :class:`ValueError`) for missing or
    unknown keys, a bad or duplicate id, an unknown kind, an empty alias list, an alias listed
    twice (also across actors, after normalisation) and an adjective that does not end in ي.
    """
    path = Path(path)
    data = read_yaml(path, "actor list")
    if not isinstance(data, list) or not data:
        raise InputError(f"{path}: expected a non-empty list of actor entries")
    actors: list[Actor] = []
    seen_ids: dict[str, int] = {}
    seen_forms: dict[str, tuple[str, str]] = {}  # normalised alias -> (actor id, alias as written)
    for number, entry in enumerate(data, start=1):
        where = f"{path}, entry {number}"
        if not isinstance(entry, dict):
            raise InputError(f"{where}: expected a mapping with keys {list(_REQUIRED_KEYS)}, got {entry!r}")
        if isinstance(entry.get("id"), str):
            where = f"{path}, entry {number} (id {entry['id']!r})"
        missing = [k for k in _REQUIRED_KEYS if k not in entry]
        if missing:
            raise InputError(f"{where}: missing key(s) {missing}")
        unknown = sorted(set(entry) - set(_REQUIRED_KEYS) - set(_OPTIONAL_KEYS))
        if unknown:
            raise InputError(
                f"{where}: unknown key(s) {unknown}; allowed: {list(_REQUIRED_KEYS) + list(_OPTIONAL_KEYS)}"
            )
        actor_id = entry["id"]
        if not isinstance(actor_id, str) or not _ID.match(actor_id):
            raise InputError(f"{where}: id {actor_id!r} must be lower-case letters, digits and _")
        if actor_id in seen_ids:
            raise InputError(f"{where}: duplicate id {actor_id!r} (first used in entry {seen_ids[actor_id]})")
        seen_ids[actor_id] = number
        if entry["kind"] not in ACTOR_KINDS:
            raise InputError(f"{where}: kind {entry['kind']!r} must be one of {list(ACTOR_KINDS)}")
        for key in ("label_ar", "label_en"):
            if not isinstance(entry[key], str) or not entry[key].strip():
                raise InputError(f"{where}: '{key}' must be a non-empty string")
        aliases = _as_strings(entry["aliases"], where, "aliases", allow_empty=False)
        adjectives = _as_strings(entry.get("adjectives"), where, "adjectives", allow_empty=True)
        for adjective in adjectives:
            if " " in adjective or not normalize_word(adjective).endswith("ي"):
                raise InputError(
                    f"{where}: adjective {adjective!r} must be one word ending in ي (masculine singular nisba)"
                )
        for form in aliases + adjectives:
            key = normalize_word(form)
            if re.search(r"[^\w\s-]", key):
                raise InputError(f"{where}: alias {form!r} may contain only letters, digits, spaces and '-'")
            if key in seen_forms:
                other, written = seen_forms[key]
                raise InputError(f"{where}: alias {form!r} is listed twice (as {written!r} for actor {other!r})")
            seen_forms[key] = (actor_id, form)
        actors.append(
            Actor(actor_id, entry["kind"], entry["label_ar"].strip(), entry["label_en"].strip(), aliases, adjectives)
        )
    return actors


def _name_regex(alias: str) -> str:
    words = normalize_word(alias).split()
    first = words[0]
    if first.startswith("ال") and len(first) > 3:
        head = _ARTICLE_CLITICS + re.escape(first[2:])
    else:
        head = _NAME_CLITICS + re.escape(first)
    return _SPACE.join([head] + [re.escape(w) for w in words[1:]])


def _adjective_regex(adjective: str) -> str:
    return _ADJ_CLITICS + re.escape(normalize_word(adjective)) + _ADJ_ENDINGS


_PATTERNS: dict[tuple[Actor, bool], tuple[re.Pattern[str], dict[str, tuple[str, str]]]] = {}


def actor_pattern(actor: Actor, *, adjectives: bool = True) -> tuple[re.Pattern[str], dict[str, tuple[str, str]]]:
    """The compiled regex of one actor over normalised text, and group name -> (form, alias).

    One named group per alias (longest first, names before adjectives) so a match tells which
    alias it was; the whole regex is anchored on word boundaries.
    """
    key = (actor, adjectives)
    if key not in _PATTERNS:
        groups: dict[str, tuple[str, str]] = {}
        parts: list[str] = []
        names = sorted(actor.aliases, key=lambda a: len(normalize_word(a)), reverse=True)
        for i, alias in enumerate(names):
            groups[f"n{i}"] = ("name", alias)
            parts.append(f"(?P<n{i}>{_name_regex(alias)})")
        if adjectives:
            for i, adjective in enumerate(sorted(actor.adjectives, key=len, reverse=True)):
                groups[f"a{i}"] = ("adjective", adjective)
                parts.append(f"(?P<a{i}>{_adjective_regex(adjective)})")
        _PATTERNS[key] = (re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)"), groups)
    return _PATTERNS[key]


def _empty_mentions() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype="object") for c in MENTION_COLUMNS})
    return frame.astype({"sentence_id": "int64", "start": "int64", "end": "int64"})


def find_mentions(
    sentences: pd.DataFrame,
    actors: Sequence[Actor],
    repairs: Sequence[GlueRepair] | str | Path | None = None,
    *,
    adjectives: bool = True,
) -> pd.DataFrame:
    """One row per mention of an actor in ``sentences`` (the table of :func:`segment`).

    Columns: ``doc_id, sentence_id, actor, alias, start, end, form, variant``. ``alias`` is the
    matched raw text (proclitics and adjective endings included) and ``start``/``end`` are raw
    offsets into the article, so ``article[start:end] == alias``. ``form`` is ``"name"`` or
    ``"adjective"``; ``variant`` is the alias of the actor list that matched. ``repairs`` (a
    list from :func:`load_glue_repairs` or the path of its CSV) splits glued words first.
    With ``adjectives=False`` only names count. Rows are sorted by article (in the order of
    ``sentences``), position and actor order.
    """
    missing = [c for c in ("doc_id", "sentence_id", "start", "text") if c not in sentences.columns]
    if missing:
        raise ValueError(f"sentences table lacks column(s) {missing}; expected the output of segment()")
    if isinstance(repairs, (str, Path)):
        repairs = load_glue_repairs(repairs)
    repair_list = list(repairs or [])
    compiled = [(actor, *actor_pattern(actor, adjectives=adjectives)) for actor in actors]
    rows: list[tuple[object, ...]] = []
    for doc_id, group in sentences.groupby("doc_id", sort=False):
        texts = [str(t) for t in group["text"]]
        lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
        joined_starts = np.concatenate(([0], np.cumsum(lengths + 1)[:-1]))
        sentence_starts = group["start"].to_numpy(dtype=np.int64)
        sentence_ids = group["sentence_id"].to_numpy(dtype=np.int64)
        normalised = normalize("\n".join(texts), repair_list)
        for order, (actor, pattern, groups) in enumerate(compiled):
            for m in pattern.finditer(normalised.text):
                a, b = normalised.raw_span(m.start(), m.end())
                i = int(np.searchsorted(joined_starts, a, side="right")) - 1
                local_a, local_b = a - joined_starts[i], b - joined_starts[i]
                if local_b > lengths[i]:  # cannot happen with _SPACE; kept as a guard
                    continue
                form, variant = groups[m.lastgroup or ""]
                rows.append(
                    (
                        doc_id,
                        int(sentence_ids[i]),
                        actor.id,
                        texts[i][local_a:local_b],
                        int(sentence_starts[i] + local_a),
                        int(sentence_starts[i] + local_b),
                        form,
                        variant,
                        order,
                    )
                )
    if not rows:
        return _empty_mentions()
    frame = pd.DataFrame(rows, columns=MENTION_COLUMNS + ["_order"])
    doc_rank = {d: k for k, d in enumerate(pd.unique(sentences["doc_id"]))}
    frame["_doc"] = frame["doc_id"].map(doc_rank)
    frame = frame.sort_values(["_doc", "start", "_order"], kind="stable").drop(columns=["_doc", "_order"])
    return frame.reset_index(drop=True).astype({"sentence_id": "int64", "start": "int64", "end": "int64"})


def count_mentions(
    mentions: pd.DataFrame,
    actors: Iterable[Actor | str] | None = None,
    doc_ids: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Tidy counts: one row per ``doc_id`` × ``actor`` with column ``count`` (zeros included).

    ``actors`` (Actor objects or ids) and ``doc_ids`` fix which rows appear and their order;
    by default, the actors and articles present in ``mentions`` in order of first appearance.
    Rows are ordered by article, then actor (a stable, reproducible order).
    """
    actor_ids = (
        [a if isinstance(a, str) else a.id for a in actors]
        if actors is not None
        else list(pd.unique(mentions["actor"]))
    )
    docs = list(doc_ids) if doc_ids is not None else list(pd.unique(mentions["doc_id"]))
    counts = mentions.groupby(["doc_id", "actor"], sort=False).size()
    index = pd.MultiIndex.from_product([docs, actor_ids], names=["doc_id", "actor"])
    result = counts.reindex(index, fill_value=0).astype("int64").rename("count").reset_index()
    return result
