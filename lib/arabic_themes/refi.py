"""Hand the coding to QDA software: REFI-QDA codebook (``.qdc``) and project (``.qdpx``) export.

REFI-QDA (QDA-XML 1.0, www.qdasoftware.org) is the exchange standard read by QualCoder, NVivo,
MAXQDA, ATLAS.ti and others. The export contains:

* the codebook: one code per theme (name "English / Arabic", the theme's colour, its definition,
  rules and indicators in the description);
* one ``TextSource`` per article, stored as UTF-8 text inside the ``.qdpx`` (``internal://``),
  exactly the text the offsets refer to;
* one ``PlainTextSelection`` per coded sentence (``startPosition``/``endPosition`` are code-point
  offsets, so ``text[start:end]`` is the sentence) with one ``Coding`` per theme it carries and
  the matched evidence in its description;
* optionally a second coding (a reference or a human coder) as a second ``User`` with selections
  of its own, so QualCoder's coder comparison can set the two side by side;
* one ``Case`` per article with the metadata columns (outlet, date stated, sources cited) as
  ``Variables``, so that QDA users can filter by them; a project ``Description``.

Exported sources have ``\n`` newlines only: QualCoder reads a ``.txt`` source with universal
newlines and counts a line end as two characters only when the *first* line ends in ``\r\n``, so
a source mixing ``\r\n`` and ``\n`` lands selections on the wrong text. Offsets are mapped to the
normalised text (:func:`normalise_newlines`); the raw files are never touched. Text XML 1.0
forbids (control characters, lone surrogates, U+FFFE/U+FFFF) in a label, note, id or metadata
value is refused with a message naming it, and the written XML is parsed back and every
selection checked against its source before the export reports success.

Every GUID is a UUID5 derived from what it identifies (theme id; article id and text hash;
article and offsets), and the zip has fixed timestamps, so exporting the same coding twice gives
byte-identical files and a changed coding diffs cleanly.
"""

from __future__ import annotations

import hashlib
import io
import re
import uuid
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from xml.etree import ElementTree as ET

import numpy as np
import pandas as pd

from arabic_themes.codebook import Codebook, Theme, theme_colors

__all__ = [
    "CODEBOOK_NS",
    "PROJECT_NS",
    "export_codebook",
    "export_project",
    "export_sample_project",
    "normalise_newlines",
    "read_qdpx",
    "stable_guid",
]

CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
PROJECT_NS = "urn:QDA-XML:project:1.0"
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:arabic-themes:refi-qda")
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
#: metadata.csv columns exported as Variables of each article's Case: column -> (variable name, type)
CASE_VARIABLES = {
    "outlet": ("outlet", "Text"),
    "date_stated": ("date stated", "Date"),
    "sources_cited": ("sources cited", "Text"),
}


def stable_guid(*parts: object) -> str:
    """A GUID derived from ``parts`` (UUID5): the same inputs always give the same GUID."""
    return str(uuid.uuid5(_NAMESPACE, "/".join(str(p) for p in parts)))


def _origin() -> str:
    from arabic_themes import __version__

    return f"arabic-themes {__version__}"


def xml_safe(value: object, where: str) -> str:
    """``value`` as text for XML, or a ``ValueError`` naming ``where`` if it holds a character XML 1.0 forbids."""
    text = str(value)
    bad = _FORBIDDEN.search(text)
    if bad:
        raise ValueError(
            f"{where} contains U+{ord(bad.group()):04X}, a character XML 1.0 forbids (QDA software would reject "
            f"the file); remove it: {text[max(0, bad.start() - 20) : bad.start() + 20]!r}"
        )
    return text


def normalise_newlines(text: str) -> tuple[str, np.ndarray]:
    """``text`` with ``\r\n`` and lone ``\r`` turned into ``\n``, and the map of raw offsets to new ones.

    ``offsets[i]`` is where raw offset ``i`` (``0 … len(text)``) lands in the normalised text.
    """
    dropped = np.zeros(len(text) + 1, dtype=np.int64)
    for m in re.finditer("\r\n", text):
        dropped[m.start() + 1 :] += 1
    return text.replace("\r\n", "\n").replace("\r", "\n"), np.arange(len(text) + 1) - dropped


def _text_digest(text: str) -> str:
    """SHA-256 of a source as QDA software sees it: newlines normalised, no BOM."""
    return hashlib.sha256(normalise_newlines(text.lstrip("\ufeff"))[0].encode("utf-8")).hexdigest()


def _description(theme: Theme) -> str:
    lines = [theme.definition.strip(), ""]
    if theme.include:
        lines += ["Include:", *[f"- {r}" for r in theme.include], ""]
    if theme.exclude:
        lines += ["Exclude:", *[f"- {r}" for r in theme.exclude], ""]
    if theme.indicators:
        lines += ["Indicators (automatic coder):", *[f"- {i.id}: {i.note}" for i in theme.indicators]]
    return "\n".join(lines).strip()


def _codes(parent: ET.Element, ns: str, codebook: Codebook) -> dict[str, str]:
    codes = ET.SubElement(parent, f"{{{ns}}}Codes")
    guids = {}
    for theme, color in zip(codebook.themes, theme_colors(codebook.themes), strict=True):
        guid = stable_guid("code", theme.id)
        name = xml_safe(code_name(theme), f"codebook theme {theme.id!r}: its label")
        code = ET.SubElement(codes, f"{{{ns}}}Code", {"guid": guid, "name": name, "isCodable": "true", "color": color})
        description = xml_safe(_description(theme), f"codebook theme {theme.id!r}: its definition, rules or notes")
        ET.SubElement(code, f"{{{ns}}}Description").text = description
        guids[theme.id] = guid
    return guids


def code_name(theme: Theme) -> str:
    """The name a theme's code has in the exports (and is matched by on import)."""
    return f"{theme.label_en} / {theme.label_ar}"


def _xml_bytes(root: ET.Element, ns: str) -> bytes:
    ET.register_namespace("", ns)
    ET.indent(root, space="  ")
    data = ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
    try:  # expat is strict: what it rejects, QDA software rejects; read as a stream, so a big project is not held twice
        for _, element in ET.iterparse(io.BytesIO(data)):
            element.clear()
    except ET.ParseError as exc:  # pragma: no cover - xml_safe refuses what would get here
        raise ValueError(f"the REFI-QDA XML is not well-formed ({exc}); nothing was written") from None
    return data


def _refuse_overwrite(path: Path, overwrite: bool) -> None:
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path} exists; pass overwrite=True (or --force) to replace it")


def export_codebook(codebook: Codebook, path: str | Path, *, overwrite: bool = False) -> Path:
    """Write the codebook as a REFI-QDA ``.qdc`` file (``CodeBook`` root, one code per theme)."""
    path = Path(path)
    _refuse_overwrite(path, overwrite)
    root = ET.Element(f"{{{CODEBOOK_NS}}}CodeBook", {"origin": _origin()})
    _codes(root, CODEBOOK_NS, codebook)
    data = _xml_bytes(root, CODEBOOK_NS)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return path


_AUTOMATIC = "arabic-themes automatic coder"
_SAMPLER = "arabic-themes validation sample"


class _Project:
    """A REFI-QDA project being built: users, codebook, variables, cases and text sources."""

    def __init__(self, name: str, codebook: Codebook, description: str) -> None:
        self.P = f"{{{PROJECT_NS}}}"
        self.users: dict[str, str] = {}
        self.root = ET.Element(f"{self.P}Project", {"name": xml_safe(name, "the project name"), "origin": _origin()})
        self.codebook = codebook
        self.description = description
        self.sources: list[ET.Element] = []
        self.cases: list[ET.Element] = []
        self.variables: dict[str, str] = {}
        self.files: dict[str, bytes] = {}
        self.texts: dict[str, tuple[str, np.ndarray]] = {}  # source guid -> normalised text, offset map

    def user(self, name: str) -> str:
        guid = self.users.setdefault(name, stable_guid("user", name))
        self.root.set("creatingUserGUID", next(iter(self.users.values())))
        return guid

    def source(self, doc_id: str, raw: str, metadata: Mapping[str, str], owner: str = _AUTOMATIC) -> ET.Element:
        text, offsets = normalise_newlines(raw)
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        guid = stable_guid("source", doc_id, digest)
        self.files[f"sources/{guid}.txt"] = text.encode("utf-8")
        self.texts[guid] = (text, offsets)
        where = f"article {doc_id!r}"
        source = ET.Element(
            f"{self.P}TextSource",
            {
                "guid": guid,
                "name": xml_safe(doc_id, f"the id of {where}"),
                "plainTextPath": f"internal://{guid}.txt",
                "creatingUser": self.user(owner),
            },
        )
        self.sources.append(source)
        values = {c: str(metadata.get(c, "") or "").strip() for c in CASE_VARIABLES}
        if any(values.values()):
            case = ET.Element(f"{self.P}Case", {"guid": stable_guid("case", doc_id), "name": doc_id})
            for column, value in values.items():
                if not value:
                    continue
                var_name, kind = CASE_VARIABLES[column]
                if kind == "Date" and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                    kind = "Text"  # a year or month alone is not an xsd:date
                    var_name = f"{var_name} (text)"
                var_guid = self.variables.setdefault(f"{var_name}\t{kind}", stable_guid("variable", var_name, kind))
                entry = ET.SubElement(case, f"{self.P}VariableValue")
                ET.SubElement(entry, f"{self.P}VariableRef", {"targetGUID": var_guid})
                ET.SubElement(entry, f"{self.P}{kind}Value").text = xml_safe(value, f"{where}: metadata {column!r}")
            ET.SubElement(case, f"{self.P}SourceRef", {"targetGUID": guid})
            self.cases.append(case)
        return source

    def selection(
        self, source: ET.Element, doc_id: str, start: int, end: int, user: str, *, name: str, note: str = ""
    ) -> ET.Element:
        text, offsets = self.texts[source.get("guid", "")]
        a, b = int(offsets[start]), int(offsets[end])
        selection = ET.SubElement(
            source,
            f"{self.P}PlainTextSelection",
            {
                "guid": stable_guid("selection", doc_id, source.get("guid"), start, end, user),
                "name": xml_safe(name, f"the selection {name!r}"),
                "startPosition": str(a),
                "endPosition": str(b),
                "creatingUser": self.user(user),
            },
        )
        if note:
            ET.SubElement(selection, f"{self.P}Description").text = xml_safe(note, f"the note of {name!r}")
        return selection

    def coding(self, selection: ET.Element, theme: str, code_guid: str) -> None:
        guid = stable_guid("coding", selection.get("guid"), theme)
        coding = ET.SubElement(
            selection, f"{self.P}Coding", {"guid": guid, "creatingUser": selection.get("creatingUser", "")}
        )
        ET.SubElement(coding, f"{self.P}CodeRef", {"targetGUID": code_guid})

    def write(self, path: Path, expected: Mapping[tuple[str, int, int], str]) -> Path:
        """Assemble, check (well-formed; every selection inside its source and on its text) and zip."""
        users = ET.SubElement(self.root, f"{self.P}Users")
        for name, guid in self.users.items():
            ET.SubElement(users, f"{self.P}User", {"guid": guid, "name": xml_safe(name, "a user name")})
        book = ET.SubElement(self.root, f"{self.P}CodeBook")
        _codes(book, PROJECT_NS, self.codebook)
        if self.variables:
            variables = ET.SubElement(self.root, f"{self.P}Variables")
            for key, guid in self.variables.items():
                name, kind = key.split("\t")
                ET.SubElement(variables, f"{self.P}Variable", {"guid": guid, "name": name, "typeOfVariable": kind})
        if self.cases:
            ET.SubElement(self.root, f"{self.P}Cases").extend(self.cases)
        ET.SubElement(self.root, f"{self.P}Sources").extend(self.sources)
        ET.SubElement(self.root, f"{self.P}Description").text = xml_safe(self.description, "the project description")
        data = _xml_bytes(self.root, PROJECT_NS)
        _check_selections(data, self.files, expected)
        self.files["project.qde"] = data
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        with zipfile.ZipFile(tmp, "w") as archive:
            for member in sorted(self.files):
                info = zipfile.ZipInfo(member, date_time=_ZIP_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, self.files[member])
        tmp.replace(path)
        return path


def _check_selections(data: bytes, files: Mapping[str, bytes], expected: Mapping[tuple[str, int, int], str]) -> None:
    """Every selection of the written XML cuts, from its exported source, the unit's text (newlines normalised)."""
    P = f"{{{PROJECT_NS}}}"
    for _, source in ET.iterparse(io.BytesIO(data)):  # one source at a time (a stream), then let go
        if source.tag != f"{P}TextSource":
            continue
        text = files["sources/" + source.get("plainTextPath", "").removeprefix("internal://")].decode("utf-8")
        for selection in source.findall(f"{P}PlainTextSelection"):
            a, b = int(selection.get("startPosition", -1)), int(selection.get("endPosition", -1))
            want = expected.get((source.get("name", ""), a, b))
            if not 0 <= a <= b <= len(text) or want is None or text[a:b] != want:
                raise ValueError(  # pragma: no cover - a bug, not bad input: the offsets were checked before
                    f"the export would land selection {selection.get('name')} on the wrong text; nothing was written"
                )
        source.clear()


def _metadata(texts: Mapping[str, str] | pd.DataFrame, metadata: pd.DataFrame | None) -> dict[str, dict[str, str]]:
    table = metadata if metadata is not None else texts if isinstance(texts, pd.DataFrame) else None
    if table is None or "doc_id" not in table.columns:
        return {}
    return {str(r["doc_id"]): {k: str(v) for k, v in r.items()} for r in table.fillna("").to_dict("records")}


def _project_description(codebook: Codebook, what: str, users: Sequence[str]) -> str:
    themes = "; ".join(f"{t.label_en} ({t.label_ar})" for t in codebook.themes)
    return (
        f"{what} Exported by {_origin()}. Codes: {themes}. Users: {', '.join(users)}. Sources are the articles as "
        "UTF-8 text with \\n newlines; positions are character (code point) offsets into them."
    )


def export_project(
    coded: pd.DataFrame,
    texts: Mapping[str, str] | pd.DataFrame,
    codebook: Codebook,
    path: str | Path,
    *,
    name: str = "Arabic news: Russia and Iran, June 2025",
    overwrite: bool = False,
    metadata: pd.DataFrame | None = None,
    reference: pd.DataFrame | None = None,
    reference_user: str = "reference coding",
) -> Path:
    """Write a REFI-QDA ``.qdpx`` project: the articles, the codebook and one coding per sentence and theme.

    ``coded`` is the table of :func:`~arabic_themes.coding.code_sentences` (or the CSV written from
    it): ``doc_id, start, end, text`` and one 0/1 column per theme; ``texts`` maps each ``doc_id`` to
    its raw text (or is the corpus table, whose metadata columns then become each article's Case
    variables; ``metadata`` gives them otherwise). ``reference`` (keyed by ``doc_id, start, end``,
    0/1 per theme, e.g. :func:`~arabic_themes.reliability.load_reference`) is exported as the
    second user ``reference_user``. A sentence whose offsets do not cut its own text from the
    article is an error naming it.
    """
    path = Path(path)
    _refuse_overwrite(path, overwrite)
    meta = _metadata(texts, metadata)
    if isinstance(texts, pd.DataFrame):
        texts = dict(zip(texts["doc_id"], texts["text"], strict=True))
    themes = codebook.theme_ids
    missing = [c for c in ["doc_id", "sentence_id", "start", "end", "text", *themes] if c not in coded.columns]
    if missing:
        raise ValueError(f"coded sentences lack column(s) {missing}")
    ref = {}
    if reference is not None:
        absent = [c for c in ["doc_id", "start", "end", *themes] if c not in reference.columns]
        if absent:
            raise ValueError(f"the reference coding lacks column(s) {absent}")
        ref = {(str(r["doc_id"]), int(r["start"]), int(r["end"])): r for r in reference.to_dict("records")}
    users = [_AUTOMATIC, *([reference_user] if reference is not None else [])]
    what = "The automatic coding of every sentence" + (f", and the {reference_user} as a second user." if ref else ".")
    project = _Project(name, codebook, _project_description(codebook, what, users))
    project.user(_AUTOMATIC)
    code_guid = {t: stable_guid("code", t) for t in themes}
    expected: dict[tuple[str, int, int], str] = {}
    for doc_id, rows in coded.groupby("doc_id", sort=False):
        doc_id = str(doc_id)
        if doc_id not in texts:
            raise ValueError(f"no raw text given for doc_id {doc_id!r}")
        raw = texts[doc_id]
        source = project.source(doc_id, raw, meta.get(doc_id, {}))
        text, offsets = project.texts[source.get("guid", "")]
        for r in rows.itertuples(index=False):
            start, end = int(r.start), int(r.end)
            if not 0 <= start <= end <= len(raw) or raw[start:end] != r.text:
                raise ValueError(
                    f"{doc_id} sentence {r.sentence_id}: offsets {start}-{end} do not cut its text from the article"
                )
            expected[(doc_id, int(offsets[start]), int(offsets[end]))] = text[int(offsets[start]) : int(offsets[end])]
            for user, flags in ((_AUTOMATIC, r._asdict()), (reference_user, ref.get((doc_id, start, end)))):
                if flags is None:
                    continue
                chosen = [t for t in themes if int(flags[t]) == 1]
                if not chosen:
                    continue
                evidence = str(getattr(r, "evidence", "") or "") if user == _AUTOMATIC else ""
                note = f"evidence: {evidence}" if evidence else ""
                selection = project.selection(
                    source, doc_id, start, end, user, name=f"{doc_id} #{r.sentence_id}", note=note
                )
                for theme in chosen:
                    project.coding(selection, theme, code_guid[theme])
    return project.write(path, expected)


def export_sample_project(
    sample: pd.DataFrame,
    corpus: pd.DataFrame,
    codebook: Codebook,
    path: str | Path,
    *,
    metadata: pd.DataFrame | None = None,
    name: str = "Validation sample: code the marked sentences",
) -> Path:
    """A ``.qdpx`` for blind hand coding: the articles holding sampled units, the codebook, no coding.

    Each sampled unit is a selection *without* a code (QDA software shows it as an annotation or
    memo) named "sample k/n"; the coder codes those sentences. Refuses to overwrite ``path``.
    """
    path = Path(path)
    _refuse_overwrite(path, False)
    meta = _metadata(corpus, metadata)
    texts = dict(zip(corpus["doc_id"], corpus["text"], strict=True))
    what = (
        f"A validation sample of {len(sample)} sentences, marked by uncoded selections named 'sample k/n'. "
        "Code each marked sentence with every theme it carries (or none) and export the project."
    )
    project = _Project(name, codebook, _project_description(codebook, what, [_SAMPLER]))
    project.user(_SAMPLER)
    expected: dict[tuple[str, int, int], str] = {}
    k = 0
    for doc_id, rows in sample.groupby("doc_id", sort=False):
        doc_id = str(doc_id)
        if doc_id not in texts:
            raise ValueError(f"the corpus has no article {doc_id!r} of the sample")
        raw = texts[doc_id]
        source = project.source(doc_id, raw, meta.get(doc_id, {}), _SAMPLER)
        text, offsets = project.texts[source.get("guid", "")]
        for r in rows.itertuples(index=False):
            k += 1
            start, end = int(r.start), int(r.end)
            if raw[start:end] != r.text:
                raise ValueError(f"{doc_id} [{start}:{end}]: the sample's text is not the article's text there")
            a, b = int(offsets[start]), int(offsets[end])
            expected[(doc_id, a, b)] = text[a:b]
            note = f"Validation sample unit {k} of {len(sample)} ({doc_id}, sentence {r.sentence_id}): code it."
            project.selection(source, doc_id, start, end, _SAMPLER, name=f"sample {k}/{len(sample)}", note=note)
    return project.write(path, expected)


from arabic_themes.refi_import import read_qdpx  # noqa: E402  (the reader needs the helpers above)
