"""Tables and text for notebooks that read well on GitHub and in Jupyter, with and without Arabic.

GitHub's notebook viewer drops ``<style>`` blocks and ``style=`` attributes but keeps the ``dir``
attribute, so each cell is marked ``dir="auto"``: a cell whose first strong character is Arabic is
laid out right to left (and aligned right), an English or numeric cell left to right. Arabic inside
an English cell or sentence is *isolated* (U+2068 … U+2069, :func:`isolate_arabic`), so that the
punctuation, arrows and numbers around it keep their place. A concordance reads right to left
(:func:`kwic_table`); long tables show their first rows and link to the file that holds them all;
the hidden plain-text copy of a table has its cells cut short. The HTML is built by pandas and is
deterministic (no random ids), so nbval can compare it.
"""

from __future__ import annotations

import html
import re
import sys
from collections.abc import Sequence
from importlib import metadata

import pandas as pd

__all__ = [
    "ARABIC_LETTERS",
    "evidence_names",
    "evidence_preview",
    "highlighted_sentences",
    "isolate_arabic",
    "kwic_table",
    "quotation_pairs",
    "rtl_html",
    "rtl_table",
    "versions_line",
    "with_english",
]

#: The Unicode blocks of Arabic letters (Arabic, Supplement, Extended-A, Presentation Forms A and B).
ARABIC_LETTERS = "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff"
_FSI, _PDI = "\u2068", "\u2069"
# A run of Arabic as one reads it: letters, with the marks, digits, spaces, hyphens and Arabic commas
# between them (إس-400, 17 يناير 2025), and a final Arabic question mark; Latin punctuation, arrows,
# slashes and commas end a run, so a list or a rule (ترمب → ترامب) keeps the order of the English
# sentence around it.
_LETTER = "\u0620-\u064a\u066e-\u06d3\u06d5\u06ee\u06ef\u06fa-\u06ff\u0750-\u077f\u08a0-\u08c9"
_LETTER += "\ufb50-\ufdff\ufe70-\ufefc"  # presentation forms
_INNER = _LETTER + "\u064b-\u065f\u0670\u06d6-\u06ed0-9\u0660-\u0669\u06f0-\u06f9"
_ARABIC_RUN = re.compile(
    rf"(?:[0-9\u0660-\u0669]+ )?[{_LETTER}](?:[{_INNER} \-\u060c\u061b\u200c]*[{_INNER}])?\u061f?"
)
_ISOLATED = re.compile("([\u2066\u2067\u2068][^\u2069]*\u2069)")  # text already isolated: left alone
_STRONG = re.compile(rf"[A-Za-z\u00c0-\u024f{ARABIC_LETTERS}]")
_CELL = re.compile(r"<(td|th)((?:\s[^>]*)?)>(.*?)</\1>", re.S)
_BREAK_AFTER = re.compile(r"(?<=[_/@;])(?=[^\s<])")  # where a long identifier may wrap
_LONG_TOKEN = re.compile(r"[^\s<>]{18,}")


def isolate_arabic(text: str) -> str:
    """``text`` with each run of Arabic wrapped in FSI … PDI (first-strong isolates).

    For Arabic inside English — a sentence, a heading, a table header: without isolation the
    bidirectional algorithm reorders the neutral characters around the Arabic ("إس-400, سو-35" comes
    out in the wrong order, "(بوتين ×11)" with its parenthesis flipped). Runs already isolated are
    left as they are, so the function can be applied twice.
    """
    parts = _ISOLATED.split(text)
    return "".join(
        part if i % 2 else _ARABIC_RUN.sub(lambda m: f"{_FSI}{m.group(0)}{_PDI}", part) for i, part in enumerate(parts)
    )


def _first_strong_is_latin(text: str) -> bool:
    found = _STRONG.search(_ISOLATED.sub("", html.unescape(text)))
    return found is not None and not re.match(rf"[{ARABIC_LETTERS}]", found.group(0))


class _HTML:
    """Minimal rich-display object (text/html plus a readable text/plain)."""

    def __init__(self, markup: str, plain: str):
        self.markup, self.plain = markup, plain

    def _repr_html_(self) -> str:
        return self.markup

    def __repr__(self) -> str:
        return self.plain


def _cell_markup(match: re.Match[str]) -> str:
    """One ``<td>``/``<th>``: ``dir="auto"``, Arabic isolated inside an English cell, long identifiers
    (theme and indicator ids, evidence) allowed to wrap after ``_ / @ ;``."""
    tag, attrs, body = match.group(1), match.group(2), match.group(3)
    if "<" not in body:
        if _first_strong_is_latin(body):
            body = isolate_arabic(body)
            if tag == "th":  # a header such as "hamza seat → و/ي" wraps before the arrow, not after it or the slash
                body = body.replace(" → ", "\u00a0→\u00a0").replace("\u2069/\u2068", "\u2069/\u2060\u2068")
        body = _LONG_TOKEN.sub(lambda m: _BREAK_AFTER.sub("<wbr>", m.group(0)), body)
    if "dir=" not in attrs:
        attrs += ' dir="auto"'
    return f"<{tag}{attrs}>{body}</{tag}>"


def _short(value: object, width: int) -> object:
    if isinstance(value, str) and len(value) > width:
        return value[: width - 1] + "…"
    return value


def _plain(frame: pd.DataFrame, *, index: bool, float_format: str, max_chars: int) -> str:
    """The text/plain copy: every cell cut to ``max_chars`` (``to_string`` ignores
    ``display.max_colwidth``, so a long Arabic sentence would pad its whole column)."""
    shown = frame.copy()
    for column in shown.columns:
        if pd.api.types.is_float_dtype(shown[column]):
            shown[column] = [float_format.format(v) if pd.notna(v) else "" for v in shown[column]]
        else:
            shown[column] = [_short(v if pd.notna(v) else "", max_chars) for v in shown[column]]
    shown.columns = [str(_short(str(c), max_chars)) for c in shown.columns]
    if index:
        shown.index = [_short(str(i), max_chars) for i in shown.index]
    return shown.to_string(index=index)


def _link(source: str) -> str:
    """``source`` as a link (a path relative to the notebook), named by its file name."""
    name = source.rsplit("/", 1)[-1]
    if "/" not in source:
        return f"<code>{html.escape(name)}</code>"
    return f'<a href="{html.escape(source, quote=True)}"><code>{html.escape(name)}</code></a>'


def rtl_table(
    frame: pd.DataFrame,
    *,
    index: bool = False,
    float_format: str = "{:.3f}",
    max_rows: int | None = None,
    source: str = "",
    total_row: bool = False,
    direction: str = "auto",
    max_chars: int = 40,
) -> _HTML:
    """Show ``frame`` as an HTML table whose cells take their direction from their own text.

    With ``max_rows``, only the first rows are shown, followed by a line saying how many there are
    and, if ``source`` names it, the file that holds them all (a path relative to the notebook
    becomes a link) — so a notebook stays small on a big corpus. With ``total_row`` the last row (a
    total) is shown too. ``direction="rtl"`` lays the columns out right to left (the first column at
    the right), for a table read as Arabic. The plain-text copy cuts every cell to ``max_chars``.
    """
    if direction not in ("auto", "rtl"):
        raise ValueError(f"direction must be 'auto' or 'rtl', not {direction!r}")
    shown = frame if max_rows is None or len(frame) <= max_rows else frame.head(max_rows)
    if total_row and len(shown) < len(frame):
        shown = pd.concat([shown, frame.tail(1)])
    markup = shown.to_html(index=index, border=0, float_format=float_format.format, escape=True, na_rep="")
    markup = _CELL.sub(_cell_markup, markup)
    table = '<table class="dataframe"' + (' dir="rtl"' if direction == "rtl" else "") + ">"
    markup = re.sub(r"<table\b[^>]*>", table, markup, count=1)
    plain = _plain(shown, index=index, float_format=float_format, max_chars=max_chars)
    if len(shown) < len(frame):
        note = f"the first {max_rows:,} of {len(frame) - int(total_row):,} rows"
        markup += f"<p><i>{html.escape(note)}" + (f"; all of them are in {_link(source)}" if source else "")
        markup += "</i></p>"
        plain += f"\n({note}" + (f"; all of them are in {source.rsplit('/', 1)[-1]})" if source else ")")
    return _HTML(markup, plain)


def rtl_html(text: str) -> _HTML:
    """A paragraph of Arabic (escaped) laid out right to left."""
    return _HTML(f'<p dir="rtl">{html.escape(text)}</p>', text)


def with_english(
    frame: pd.DataFrame,
    glosses: pd.DataFrame | None,
    *,
    units: pd.DataFrame | None = None,
    kinds: Sequence[str] | None = None,
    by: str = "span",
    text: str = "",
    word_column: str = "word",
    column: str = "english",
) -> pd.DataFrame:
    """``frame`` with an English column from a gloss table, or unchanged when ``glosses`` is None
    (a corpus without glosses): see :func:`arabic_themes.glosses.gloss_for` and
    :func:`arabic_themes.glosses.unit_gloss` (``by="unit"``: the gloss of the unit holding each row's
    span, or with ``text``, of the unit whose text holds that column's text)."""
    if glosses is None:
        return frame
    from arabic_themes.glosses import SPAN_KINDS, add_glosses, unit_gloss

    if by == "unit":
        if units is None:
            raise ValueError("with_english(by='unit') needs the units (the sentence table)")
        return frame.assign(**{column: unit_gloss(frame, units, glosses, text=text)})
    return add_glosses(frame, glosses, column, kinds=kinds or SPAN_KINDS, by=by, word_column=word_column)


def evidence_names(evidence: str, *, theme: str | None = None) -> str:
    """An ``evidence`` string (``theme/indicator@start-end; …``) as the indicators that fired, once each
    and without offsets (``theme/indicator``, or ``indicator`` alone when ``theme`` is given) — for a
    table where the offsets would take the room the text needs; the CSV keeps them."""
    names: dict[str, None] = {}
    for entry in str(evidence).split(";"):
        entry = entry.strip()
        if not entry:
            continue
        name = entry.split("@", 1)[0]
        if theme is not None:
            if not name.startswith(f"{theme}/"):
                continue
            name = name.split("/", 1)[1]
        names[name] = None
    return ", ".join(names)


def evidence_preview(evidence: str, n: int = 2) -> str:
    """The first ``n`` entries of an ``evidence`` string and how many more there are: the format, in
    a table too narrow for all of it."""
    entries = [e.strip() for e in str(evidence).split(";") if e.strip()]
    more = f"; … (+{len(entries) - n})" if len(entries) > n else ""
    return "; ".join(entries[:n]) + more


def kwic_table(
    lines: pd.DataFrame,
    *,
    units: pd.DataFrame | None = None,
    glosses: pd.DataFrame | None = None,
    max_rows: int | None = None,
) -> _HTML:
    """A concordance (:func:`~arabic_themes.concordance.kwic`) that reads right to left.

    The table is laid out right to left: the article and offset at the right, then the words before
    the keyword, the keyword and the words after it, as an Arabic reader meets them, each on one line. With ``glosses``
    and ``units`` (the sentence table), an English column at the left gives the gloss of the whole
    unit the keyword stands in (the context may run past it).
    """
    from arabic_themes.glosses import unit_gloss

    table = lines[["doc_id", "start", "pre", "keyword", "post"]].copy()
    for column in ("pre", "keyword", "post"):  # a concordance line does not wrap: no-break spaces
        table[column] = table[column].str.replace(" ", "\u00a0", regex=False)
    if glosses is not None and units is not None:
        table["english (the whole unit)"] = unit_gloss(lines, units, glosses)
    return rtl_table(table, max_rows=max_rows, direction="rtl")


def quotation_pairs(pairs: pd.DataFrame, quotes: pd.DataFrame) -> pd.DataFrame:
    """The pairs of :func:`~arabic_themes.quotations.compare_quotations` one quotation per row — two
    rows a pair, numbered — so that each quotation can have its English beside it: ``pair, doc_id,
    sentence_id, start, end, speaker, quote, similarity, verdict`` (offsets from ``quotes``)."""
    rows = []
    for number, p in enumerate(pairs.itertuples(index=False), start=1):
        for side in ("a", "b"):
            rows.append(
                {
                    "pair": number,
                    "doc_id": getattr(p, f"doc_{side}"),
                    "sentence_id": getattr(p, f"sentence_{side}"),
                    "speaker": getattr(p, f"speaker_{side}"),
                    "quote": getattr(p, f"quote_{side}"),
                    "similarity": p.similarity if side == "a" else float("nan"),
                    "verdict": p.verdict if side == "a" else "",
                }
            )
    columns = ["pair", "doc_id", "sentence_id", "speaker", "quote", "similarity", "verdict"]
    table = pd.DataFrame(rows, columns=columns)
    key = ["doc_id", "sentence_id", "quote"]
    table = table.merge(quotes[[*key, "start", "end"]].drop_duplicates(key), on=key, how="left")
    return table[["pair", "doc_id", "sentence_id", "start", "end", "speaker", "quote", "similarity", "verdict"]]


def highlighted_sentences(
    coded: pd.DataFrame,
    theme: str,
    limit: int | None = None,
    *,
    max_rows: int | None = None,
    glosses: pd.DataFrame | None = None,
) -> _HTML:
    """Sentences coded for ``theme`` with their evidence spans in bold and the indicators named.

    Spans come from the ``evidence`` column (raw article offsets), so what is bold is exactly what
    matched in the raw text. ``limit`` sentences per article at most, ``max_rows`` in all. With
    ``glosses``, each sentence's English gloss stands beside it.
    """
    from arabic_themes.coding import parse_evidence
    from arabic_themes.glosses import gloss_for

    rows = coded[coded[theme] == 1]
    if limit is not None:
        rows = rows.groupby("doc_id", sort=False).head(limit)
    if max_rows is not None:
        rows = rows.head(max_rows)
    english = gloss_for(rows, glosses, kinds=("unit",)) if glosses is not None else None
    evidence = parse_evidence(rows)
    evidence = evidence[evidence["theme"] == theme]
    body, plain = [], []
    for k, r in enumerate(rows.itertuples(index=False)):
        spans = evidence[(evidence["doc_id"] == r.doc_id) & (evidence["sentence_id"] == r.sentence_id)]
        marks = sorted({(a - r.start, b - r.start) for a, b in zip(spans["start"], spans["end"], strict=True)})
        pieces: list[str] = []
        last = 0
        for a, b in marks:
            if a < last:  # overlapping spans: extend the current bold run
                if b > last:
                    pieces[-1] = pieces[-1][:-4] + html.escape(r.text[last:b]) + "</b>"
                    last = b
                continue
            pieces.append(html.escape(r.text[last:a]))
            pieces.append(f"<b>{html.escape(r.text[a:b])}</b>")
            last = b
        pieces.append(html.escape(r.text[last:]))
        indicators = ", ".join(dict.fromkeys(spans["indicator"]))
        wrapped = _BREAK_AFTER.sub("<wbr>", html.escape(indicators))
        cells = [f'<td dir="auto">{html.escape(r.doc_id)}</td><td>{r.sentence_id}</td>']
        cells.append(f'<td dir="rtl">{"".join(pieces)}</td>')
        if english is not None:
            cells.append(f'<td dir="auto">{html.escape(str(english.iloc[k]))}</td>')
        cells.append(f'<td dir="auto">{wrapped}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
        plain.append(f"{r.doc_id} {r.sentence_id}: {_short(r.text, 40)} [{indicators}]")
    header = ['<th dir="auto">doc_id</th><th dir="auto">sentence_id</th><th dir="auto">text (evidence in bold)</th>']
    if english is not None:
        header.append('<th dir="auto">english</th>')
    header.append('<th dir="auto">indicators</th>')
    markup = (
        '<table class="dataframe"><thead><tr>' + "".join(header) + "</tr></thead><tbody>" + "".join(body)
        + "</tbody></table>"
    )  # fmt: skip
    return _HTML(markup, "\n".join(plain))


def versions_line(packages: Sequence[str] = ()) -> str:
    """The line "Python 3.11 · pandas 2.2.3 · …": the interpreter (major.minor) and the versions of ``packages``
    (distribution names) as installed, for the last line of a notebook."""
    parts = [f"Python {sys.version_info.major}.{sys.version_info.minor}"]
    for name in ("arabic-themes", *packages):
        try:
            parts.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{name} (not installed)")
    return " · ".join(parts)
