"""Tables for notebooks that read right to left where the text is Arabic, on GitHub and in Jupyter.

GitHub's notebook viewer drops ``<style>`` blocks but keeps the ``dir`` attribute, so each cell is
marked ``dir="auto"``: a cell whose first strong character is Arabic is laid out right to left
(and aligned right), an English or numeric cell left to right. The HTML is built by pandas and is
deterministic (no random ids), so nbval can compare it.
"""

from __future__ import annotations

import html
import re

import pandas as pd

__all__ = ["highlighted_sentences", "rtl_html", "rtl_table"]

_CELL = re.compile(r"<(td|th)((?:\s[^>]*)?)>")


class _HTML:
    """Minimal rich-display object (text/html plus a readable text/plain)."""

    def __init__(self, markup: str, plain: str):
        self.markup, self.plain = markup, plain

    def _repr_html_(self) -> str:
        return self.markup

    def __repr__(self) -> str:
        return self.plain


def rtl_table(
    frame: pd.DataFrame,
    *,
    index: bool = False,
    float_format: str = "{:.3f}",
    max_rows: int | None = None,
    source: str = "",
    total_row: bool = False,
) -> _HTML:
    """Show ``frame`` as an HTML table whose cells take their direction from their own text.

    With ``max_rows``, only the first rows are shown, followed by a line saying how many there are
    and, if ``source`` names it, the file that holds them all — so a notebook stays small on a big
    corpus. With ``total_row`` the last row (a total) is shown too.
    """
    shown = frame if max_rows is None or len(frame) <= max_rows else frame.head(max_rows)
    if total_row and len(shown) < len(frame):
        shown = pd.concat([shown, frame.tail(1)])
    markup = shown.to_html(index=index, border=0, float_format=float_format.format, escape=True, na_rep="")
    markup = _CELL.sub(lambda m: f'<{m.group(1)}{m.group(2)} dir="auto">', markup)
    markup = markup.replace('<table border="0" class="dataframe">', '<table class="dataframe">')
    with pd.option_context("display.max_colwidth", 60, "display.width", 200):
        plain = shown.to_string(index=index, float_format=float_format.format)
    if len(shown) < len(frame):
        note = f"the first {max_rows:,} of {len(frame) - int(total_row):,} rows"
        note += f"; all of them are in {source}" if source else ""
        markup += f"<p><i>{html.escape(note)}</i></p>"
        plain += f"\n({note})"
    return _HTML(markup, plain)


def rtl_html(text: str) -> _HTML:
    """A paragraph of Arabic (escaped) laid out right to left."""
    return _HTML(f'<p dir="rtl">{html.escape(text)}</p>', text)


def highlighted_sentences(
    coded: pd.DataFrame, theme: str, limit: int | None = None, *, max_rows: int | None = None
) -> _HTML:
    """Sentences coded for ``theme`` with their evidence spans in bold and the indicators named.

    Spans come from the ``evidence`` column (raw article offsets), so what is bold is exactly what
    matched in the raw text. ``limit`` sentences per article at most, ``max_rows`` in all.
    """
    from arabic_themes.coding import parse_evidence

    rows = coded[coded[theme] == 1]
    if limit is not None:
        rows = rows.groupby("doc_id", sort=False).head(limit)
    if max_rows is not None:
        rows = rows.head(max_rows)
    evidence = parse_evidence(rows)
    evidence = evidence[evidence["theme"] == theme]
    body, plain = [], []
    for r in rows.itertuples(index=False):
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
        body.append(
            f'<tr><td dir="auto">{html.escape(r.doc_id)}</td><td>{r.sentence_id}</td>'
            f'<td dir="rtl">{"".join(pieces)}</td><td dir="auto">{html.escape(indicators)}</td></tr>'
        )
        plain.append(f"{r.doc_id} {r.sentence_id}: {r.text[:60]} [{indicators}]")
    markup = (
        '<table class="dataframe"><thead><tr><th>doc_id</th><th>sentence_id</th>'
        '<th dir="auto">text (evidence in bold)</th>'
        "<th>indicators</th></tr></thead><tbody>" + "".join(body) + "</tbody></table>"
    )
    return _HTML(markup, "\n".join(plain))
