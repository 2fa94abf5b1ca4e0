"""Seeded, time-budgeted fuzz campaign over the package's inputs (issue 17): hostile and odd codebooks, texts,
corpus folders, command lines and REFI-QDA exports, each checked against what the package promises.

    python benchmarks/fuzz_inputs.py --seconds 300 --seed 1

Each family gets a share of the budget; case i of a family is the same for the same seed (``--cases`` caps the
number per family for an exact rerun). The first failing inputs of each family are saved under
``/tmp/arabic_themes_fuzz/`` (``--save``), never in the repository. The CLI cases run on a copy of the project's
tracked files, so a defect cannot damage this checkout. Prints a Markdown table; exits 1 if anything failed.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import io
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import warnings
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from lxml import etree

import arabic_themes as at
from arabic_themes.cli import main as cli_main

ROOT = Path(__file__).resolve().parents[1]
CAP = 10.0  # seconds one API case may take
KW: dict[str, Any] = {"capture_output": True, "text": True, "timeout": 300}
WORDS = re.findall(r"[\u0621-\u064a]+", (ROOT / "data" / "raw" / "000_9f42faf4eea37d04.txt").read_text("utf-8"))
RANGES = {  # code point ranges random texts draw from: Arabic, marks, presentation forms, controls, bidi, emoji
    name: (int(a, 16), int(b, 16))
    for name, a, b in re.findall(
        r"(\w+) (\w+)-(\w+)",
        "arabic 0621-064A marks 064B-065F forms_a FB50-FDFF "
        "forms_b FE70-FEFF controls 0000-001F c1 007F-009F latin 0021-007E digits 0660-0669 bidi 200B-200F "
        "emoji 1F600-1F64F surrogates D800-DFFF",
    )
}
QUOTES = ["«", "»", '"', "“", "”", "'", "‘", "’", "„", "‹", "›"]
BREAKS = ["\n", "\r\n", "\r", "\u2028", "\x0b", "\x0c", "\x85", ". ", "؟ ", "! ", "… ", "؛ "]
FORBIDDEN = ["\x00", "\x07", "\x0b", "\x1f", "\ufffe", "\uffff", "\ud800", "\udfff"]


class CaseTimeout(Exception):
    pass


@contextmanager
def time_cap(seconds: float = CAP) -> Iterator[None]:
    """Raise CaseTimeout after ``seconds`` (SIGALRM interrupts Python loops, re and blocking open())."""

    def fire(*_: object) -> None:
        raise CaseTimeout(f"took more than {seconds:g} s")

    old = signal.signal(signal.SIGALRM, fire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def one_line(msg: str) -> bool:
    return bool(msg.strip()) and "\n" not in msg.strip() and "Traceback" not in msg


# --- shared fixtures: a tiny corpus, its coding, a small codebook -----------------------------------------------------


@dataclasses.dataclass
class Shared:
    work: Path
    full_yaml: str = ""
    mini_yaml: str = ""
    codebook: Any = None
    tiny: Path = Path()
    corpus: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame)
    sentences: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame)
    coded: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame)
    project: Path | None = None  # the CLI family's copy of the project, its files' hashes, coded and human CSVs
    tree: dict[str, str] = dataclasses.field(default_factory=dict)

    def setup(self) -> None:
        self.full_yaml = (ROOT / "data" / "codebook.yaml").read_text("utf-8")
        data = yaml.safe_load(self.full_yaml)
        for theme in data["themes"]:
            theme["indicators"] = theme["indicators"][:3]
        self.mini_yaml = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=200)
        self.codebook = at.load_codebook(ROOT / "data" / "codebook.yaml")
        self.tiny = self.work / "tiny_corpus"
        self.tiny.mkdir()
        for name in ["000_9f42faf4eea37d04.txt", "001_18a3d8ccaa993fb0.txt"]:
            paragraphs = (ROOT / "data" / "raw" / name).read_text("utf-8").split("\n")
            (self.tiny / name).write_text("\n".join(paragraphs[:6]) + "\n", "utf-8")
        at.write_metadata_template(self.tiny)
        self.corpus = at.load_corpus(self.tiny)
        self.sentences = at.segment(self.corpus)
        self.coded = at.code_sentences(self.sentences, self.codebook, self.corpus)


# --- family 1: codebooks ---------------------------------------------------------------------------------------------


def random_term(rng: random.Random) -> str:
    if rng.random() < 0.35:
        some = r"(ا+)+ (?:\w*)* (\w+\s?)* ا? .* \b (?<=ا) (a)\1 [ {1000,} روسي \w+ [^_]+ (?:لم|لا) x{2,5} \s* ^ $ ( )"
        pieces = some.split() + ["ا{0,100000}", " "]  # nested quantifiers, empty matches, bad syntax, ...
        return "re:" + "".join(rng.choice(pieces) for _ in range(rng.randint(1, 5)))
    parts = []
    for _ in range(rng.randint(1, 6)):
        w = rng.choice(WORDS) if rng.random() < 0.8 else rng.choice(["*", "=", "{|}", "{", "..", "", "ب*", "x"])
        if rng.random() < 0.2:
            w = "{" + "|".join(rng.sample(WORDS, 2)) + "}"
        parts.append(w + ("*" if rng.random() < 0.2 else ""))
        if rng.random() < 0.3:
            parts.append(" ".join([".."] * rng.randint(1, 8)))
    return " ".join(parts)


def mutate_codebook(rng: random.Random, text: str) -> bytes:
    lines = text.split("\n")
    kinds = "delete duplicate wrong_type alias nesting huge terms terms terms non_utf8 flip truncate"
    kind = rng.choice(kinds.split())
    i = rng.randrange(len(lines))
    if kind == "delete":
        del lines[i]
    elif kind == "duplicate":
        lines.insert(i, lines[i])
    elif kind == "wrong_type":
        keyed = [j for j, line in enumerate(lines) if re.match(r"\s*-?\s*\w+:", line)]
        j = rng.choice(keyed)
        key = lines[j].split(":", 1)[0]
        lines[j] = key + ": " + rng.choice(["true", "null", "123", "[1, 2]", "{a: 1}", "''", "-1e400", "!!binary AA=="])
    elif kind == "alias":
        width, depth = rng.randint(2, 10), rng.randint(2, 12)
        bomb = ['x0: &a0 ["لا"]'] + [
            f"x{k}: &a{k} [" + ", ".join([f"*a{k - 1}"] * width) + "]" for k in range(1, depth)
        ]
        lines = bomb + lines if rng.random() < 0.5 else [f"version: &v {rng.randint(1, 9)}", "name: *v"] + lines
    elif kind == "nesting":
        depth = rng.choice([10, 100, 1000, 10000])
        lines.insert(i, "version: " + "[" * depth + "]" * depth)
    elif kind == "huge":
        lines.insert(0, "version: " + "9" * rng.choice([20, 400, 5000, 100000]))
    elif kind == "terms":
        data = yaml.safe_load(text)
        theme = rng.choice(data["themes"])
        terms = [random_term(rng) for _ in range(rng.randint(1, 4))]
        where = rng.choice(["any", "all", "not", "drop"])
        if where == "drop":
            theme.setdefault("drop_when", []).append({"any": terms, "note": "fuzz"})
        else:
            ind = {"id": "fuzz", "any" if where != "all" else "all": terms if where != "all" else [terms, terms[:1]]}
            if where == "not":
                ind = {"id": "fuzz", "any": terms[:1], "not": terms}
            theme["indicators"].append(ind)
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=200).encode("utf-8")
    data = "\n".join(lines).encode("utf-8")
    if kind == "non_utf8":
        data = rng.choice(
            [data[:i] + b"\xff\xfe\x80" + data[i:], text.encode("utf-16"), text.encode("cp1256", "replace")]
        )
    elif kind == "flip":
        buf = bytearray(data)
        for _ in range(rng.randint(1, 20)):
            buf[rng.randrange(len(buf))] = rng.randrange(256)
        data = bytes(buf)
    elif kind == "truncate":
        data = data[: rng.randrange(len(data))]
    return data


def gen_codebook(rng: random.Random, shared: Shared) -> bytes:
    return mutate_codebook(rng, shared.full_yaml if rng.random() < 0.05 else shared.mini_yaml)


def check_codebook(data: bytes, shared: Shared, case: Path) -> str | None:
    path = case / "codebook.yaml"
    path.write_bytes(data)
    try:
        with time_cap():
            codebook = at.load_codebook(path)
    except (at.CodebookError, at.InputError) as exc:
        return None if str(path) in str(exc) or path.name in str(exc) else f"error does not name the file: {exc}"
    try:
        with time_cap():
            coded = at.code_sentences(shared.sentences, codebook, shared.corpus)
            naive = at.code_sentences_naive(shared.sentences, codebook, shared.corpus)
    except CaseTimeout as exc:
        return f"coding {exc}"
    return compare_engines(coded, naive, codebook.theme_ids)


def compare_engines(coded: pd.DataFrame, naive: pd.DataFrame, themes: list[str]) -> str | None:
    for theme in themes:
        differ = coded[theme].to_numpy() != naive[theme].to_numpy()
        if differ.any():
            return f"engines disagree on {theme} for {coded['text'][differ].iloc[0][:80]!r}"
    units = coded.set_index(["doc_id", "sentence_id"])
    for ev in at.parse_evidence(coded).itertuples():
        unit = units.loc[(ev.doc_id, ev.sentence_id)]
        if not unit["start"] <= ev.start < ev.end <= unit["end"]:
            return f"evidence {ev.start}-{ev.end} outside its unit {unit['start']}-{unit['end']}"
    return None


# --- family 2: texts -------------------------------------------------------------------------------------------------


def gen_text(rng: random.Random, shared: Shared) -> str:
    out: list[str] = []
    kinds = "words words range quotes break" + (" long many_quotes" if rng.random() < 0.2 else "")
    for _ in range(rng.randint(1, 40)):
        kind = rng.choice(kinds.split())
        if kind == "words":
            out.append(" ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 15))))
        elif kind == "range":
            name = rng.choice([k for k in RANGES if k != "surrogates" or rng.random() < 0.1])
            a, b = RANGES[name]
            out.append("".join(chr(rng.randint(a, b)) for _ in range(rng.randint(1, 30))))
        elif kind == "quotes":
            out.append(rng.choice(QUOTES) + " ".join(rng.sample(WORDS, 3)) + rng.choice(QUOTES + [""]))
        elif kind == "break":
            out.append(rng.choice(BREAKS))
        elif kind == "long":
            out.append(" ".join(rng.choice(WORDS) for _ in range(rng.randint(500, 4000))))
        else:
            out.append("".join(rng.choice(QUOTES) + rng.choice(WORDS) for _ in range(rng.randint(100, 3000))))
        out.append(rng.choice([" ", "", " ", "\n"]))
    return "".join(out)


def check_units(raw: str, units: pd.DataFrame) -> str | None:
    previous = 0
    for row in units.itertuples():
        if raw[row.start : row.end] != row.text:
            return f"raw[{row.start}:{row.end}] != text"
        if not previous <= row.start < row.end or raw[previous : row.start].strip():
            return f"units do not tile the text at {row.start}"
        if "\n" in row.text or "\r" in row.text:
            return f"unit {row.sentence_id} crosses a line break"
        previous = row.end
    return None if not raw[previous:].strip() else f"text after the last unit ({previous}) not covered"


def check_text(raw: str, shared: Shared, case: Path) -> str | None:
    corpus = pd.DataFrame({"doc_id": ["fz"], "text": [raw]}, dtype=object)  # arrow strings refuse surrogates
    lone = any(0xD800 <= ord(c) <= 0xDFFF for c in raw)
    try:
        with time_cap():
            norm = at.normalize(raw)
            if len(norm.offsets) != len(norm.text) or at.normalize(norm.text).text != norm.text:
                return "normalisation is not idempotent or loses offsets"
            units = at.segment(corpus)
            problem = check_units(raw, units)
            if problem:
                return problem
            coded = at.code_sentences(units, shared.codebook, corpus)
            naive = at.code_sentences_naive(units, shared.codebook, corpus)
            problem = compare_engines(coded, naive, shared.codebook.theme_ids)
            term = random_term(random.Random(len(raw)))
            try:
                hits = at.kwic(corpus, term)
            except ValueError:  # a term the language refuses (TermError): a clear error is right
                hits = at.kwic(corpus, "روسيا .. ايران*")
            for hit in hits.itertuples():
                inside = (units["start"] <= hit.start) & (hit.end <= units["end"])
                if raw[hit.start : hit.end] != hit.keyword or not inside.any():
                    return f"kwic hit {hit.start}-{hit.end} is not its keyword or crosses units"
            return problem
    except ValueError as exc:  # InputError, LoneSurrogate
        return None if lone and one_line(str(exc)) else f"refused: {exc}"[:300]
    except CaseTimeout as exc:
        return f"text of {len(raw)} characters: {exc}"


# --- family 3: corpus folders ----------------------------------------------------------------------------------------

CORPUS_CASES = ["control", "meta_parent", "meta_absolute", "missing_file", "bad_sha", "missing_column", "duplicate_id"]
HOSTILE_FILES = ["symlink_out", "symlink_zero", "fifo", "dir_txt", "utf16", "utf32", "cp1256", "binary"]
HOSTILE_FILES += ["empty", "latin"]
NEUTRAL = hashlib.sha256(b"another text").hexdigest()


def gen_corpus(rng: random.Random, shared: Shared) -> tuple[str, int]:
    return rng.choice(CORPUS_CASES + HOSTILE_FILES), rng.randrange(10**6)


def make_file(kind: str, odd: Path, secret: Path, salt: int) -> None:
    """A file init-corpus and load_corpus must refuse: a link out, a device, a FIFO, a folder, not UTF-8 or Arabic."""
    text = "روسيا وايران في نص قصير.\n"
    if kind in ("symlink_out", "symlink_zero"):
        odd.symlink_to(secret if kind == "symlink_out" else Path("/dev/zero"))
    elif kind in ("fifo", "dir_txt"):
        os.mkfifo(odd) if kind == "fifo" else odd.mkdir()
    elif kind in ("utf16", "utf32", "cp1256"):
        odd.write_bytes(text.encode(kind.replace("utf", "utf-")))
    else:
        data = {"binary": random.Random(salt).randbytes(3000), "empty": b"", "latin": b"only latin text here\n"}
        odd.write_bytes(data[kind])


def check_corpus(payload: tuple[str, int], shared: Shared, case: Path) -> str | None:
    kind, salt = payload
    outside, folder, odd = case / "outside", case / "corpus", case / "corpus" / "x.txt"
    outside.mkdir()
    shutil.copytree(shared.tiny, folder)
    secret = outside / "private.txt"
    secret.write_text(f"نص خاص خارج المدونة {salt}\n", "utf-8")
    secret_hash = at.corpus.file_sha256(secret)
    meta = folder / "metadata.csv"
    rows = meta.read_text("utf-8").splitlines()
    row = rows[1].split(",")
    if kind in HOSTILE_FILES:  # init-corpus on a folder holding it, then load_corpus with a row naming it
        meta.unlink()
        make_file(kind, odd, secret, salt)
        out, err = io.StringIO(), io.StringIO()
        try:
            with time_cap(), redirect_stdout(out), redirect_stderr(err):
                rc = cli_main(["init-corpus", str(folder)])
        except CaseTimeout as exc:
            return f"init-corpus {exc}"
        if secret_hash in out.getvalue() + err.getvalue():
            return "init-corpus printed the hash of a file outside the corpus"
        if rc == 0 or not one_line(err.getvalue()) or meta.exists():
            return f"init-corpus rc={rc} on {kind}: {(err.getvalue() + out.getvalue())[:200]!r}"
        plain = odd.is_file() and not odd.is_symlink()  # its own hash: refused for what it holds, not a mismatch
        rows.append(",".join(["odd", "x.txt", at.corpus.file_sha256(odd) if plain else NEUTRAL] + row[3:]))
    elif kind != "control":
        if kind in ("meta_parent", "meta_absolute", "missing_file"):
            row[1] = {"meta_parent": "../outside/private.txt", "meta_absolute": str(secret)}.get(kind, "no.txt")
            row[2] = NEUTRAL  # so that the secret's hash in a message was computed by the package
        elif kind == "bad_sha":
            row[2] = NEUTRAL
        rows[1] = ",".join(row)
        if kind == "missing_column":
            rows = [",".join(r.split(",")[:1] + r.split(",")[2:]) for r in rows]
        elif kind == "duplicate_id":
            rows.append(rows[1])
    meta.write_text("\n".join(rows) + "\n", "utf-8")
    try:
        with time_cap():
            loaded = at.load_corpus(folder)
    except at.InputError as exc:
        if secret_hash in str(exc):
            return "load_corpus printed the hash of a file outside the corpus"
        return f"load_corpus refused the control corpus: {exc}"[:300] if kind == "control" else None
    except CaseTimeout as exc:
        return f"load_corpus {exc}"
    return None if kind == "control" else f"load_corpus accepted {kind} ({len(loaded)} texts)"


# --- family 4: the command line on a copy of the project --------------------------------------------------------------

CLI_OUTS = ["braces_inside", "braces_outside", "project", "project_sub", "project_processed", "notebooks"]
CLI_OUTS += ["corpus", "symlink_project"]
CLI_OUTS += ["symlink_processed", "existing_file", "project_file"]


def tracked_tree(project: Path) -> dict[str, str]:
    found = {}
    for path in sorted(project.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and ".ipynb_checkpoints" not in path.parts:
            found[str(path.relative_to(project))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def cli_fixture(shared: Shared) -> Path:
    """Copy the project's tracked files (once), so that a defect cannot damage this checkout."""
    if shared.project is None:
        project = shared.work / "project"
        names = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
        for name in filter(None, names.decode().split("\0")):
            (project / name).parent.mkdir(parents=True, exist_ok=True)
            if (ROOT / name).is_file():
                shutil.copy2(ROOT / name, project / name)
        shared.coded.to_csv(shared.work / "coded.csv", index=False)
        human = shared.coded[["doc_id", "sentence_id", "start", "end", "text"]].copy()
        for k, theme in enumerate(shared.codebook.theme_ids):
            human[theme] = [(i + k) % 2 for i in range(len(human))]
        human.to_csv(shared.work / "human.csv", index=False)
        (shared.work / "cwd").mkdir()
        shared.project, shared.tree = project, tracked_tree(project)
    return shared.project


def gen_cli(rng: random.Random, shared: Shared) -> tuple[str, str, bool]:
    command = rng.choice(["analyse"] + ["export-qda", "sample", "validate"] * 3)
    return command, rng.choice(CLI_OUTS), rng.random() < 0.3


def check_cli(payload: tuple[str, str, bool], shared: Shared, case: Path) -> str | None:
    command, kind, force = payload
    project, tiny, coded, human = cli_fixture(shared), shared.tiny, shared.work / "coded.csv", shared.work / "human.csv"
    if kind == "symlink_processed":
        out = case / "out"
        out.mkdir()
        (out / "processed").symlink_to(project / "data" / "processed")
    elif kind == "symlink_project":
        out = case / "link"
        out.symlink_to(project / "data" / "processed")
    else:
        out = {
            "braces_inside": project / "out{RUN_IN_HEADINGS}",
            "braces_outside": case / "out{}{x}",
            "project": project,
            "project_sub": project / "results",
            "notebooks": project / "notebooks",
            "project_processed": project / "data" / "processed",
            "corpus": tiny / "out",
            "existing_file": project / "README.md",
            "project_file": project / "data" / "codebook.yaml",
        }[kind]
    if command == "analyse" and kind == "braces_outside":
        out = project / "figures" / "{x}"  # outside the project it would run every notebook: too slow here
    args = {
        "analyse": [str(tiny), str(out)],
        "export-qda": ["--coded", str(coded), "--corpus", str(tiny), "--out", str(out)],
        "sample": ["--coded", str(coded), "--n", "5", "--seed", "1", "--corpus", str(tiny), "--out", str(out)],
        "validate": f"--coded {coded} --human {human} --corpus {tiny} --boot 20 --out".split() + [str(out)],
    }[command] + (["--force"] if force and command in ("analyse", "export-qda") else [])
    env = {**os.environ, "PYTHONPATH": str(project / "lib")}
    code = "import sys; from arabic_themes.cli import main; sys.exit(main())"
    try:
        run = subprocess.run([sys.executable, "-c", code, command, *args], cwd=shared.work / "cwd", env=env, **KW)
    except subprocess.TimeoutExpired:
        return f"{command} {kind}: no answer in 300 s"
    after = tracked_tree(project)
    changed = sorted(k for k in shared.tree if after.get(k) != shared.tree[k])
    for name in changed:  # restore the copy for the next case
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, project / name)
    for name in set(after) - set(shared.tree):
        (project / name).unlink()
    if "Traceback" in run.stderr:
        return f"{command} {kind}: traceback: {run.stderr.strip().splitlines()[-1][:200]}"
    if changed:
        return f"{command} {kind}: changed project file(s) {changed[:3]}"
    lines = run.stderr.strip().splitlines()  # analyse reports progress on stderr before its error
    progress = command == "analyse" and not any(line.startswith("error:") for line in lines[:-1])
    if run.returncode != 0 and not (lines and lines[-1].startswith("error:") and (len(lines) == 1 or progress)):
        return f"{command} {kind}: rc={run.returncode} without a one-line error: {run.stderr[:200]!r}"
    if run.returncode == 0 and (command == "analyse" or kind in ("existing_file", "project_file")):
        return f"{command} accepted OUT {kind} ({out})"
    if run.returncode == 0 and not out.exists():
        return f"{command} reported success but {out} is not there (braces formatted?)"
    return None


# --- family 5: REFI-QDA exports --------------------------------------------------------------------------------------


def gen_refi(rng: random.Random, shared: Shared) -> tuple[str, str, int]:
    where = rng.choice(
        ["label_en", "label_ar", "definition", "note", "doc_id", "outlet", "evidence"] + ["newlines"] * 2
    )
    return where, rng.choice(FORBIDDEN + ["\u200f", "é", "&<>\"'"]), rng.randrange(10**6)


def check_refi(payload: tuple[str, str, int], shared: Shared, case: Path) -> str | None:
    where, char, salt = payload
    rng = random.Random(salt)
    codebook, corpus, coded = shared.codebook, shared.corpus.copy(), shared.coded.copy()
    if where in ("label_en", "label_ar", "definition"):
        themes = list(codebook.themes)
        k = rng.randrange(len(themes))
        themes[k] = dataclasses.replace(themes[k], **{where: getattr(themes[k], where) + char})
        codebook = dataclasses.replace(codebook, themes=tuple(themes))
    elif where == "note":
        theme = codebook.themes[0]
        ind = dataclasses.replace(theme.indicators[0], note="x" + char)
        codebook = dataclasses.replace(
            codebook, themes=(dataclasses.replace(theme, indicators=(ind, *theme.indicators[1:])), *codebook.themes[1:])
        )
    elif where in ("doc_id", "outlet", "evidence"):  # object columns: arrow strings cannot hold a lone surrogate
        for table in (corpus, coded) if where == "doc_id" else (corpus,) if where == "outlet" else (coded,):
            table[where] = pd.Series([v + char for v in table[where]], index=table.index, dtype=object)
    else:
        corpus["text"] = [re.sub("\n", lambda _: rng.choice(["\n", "\r\n", "\r"]), t) for t in corpus["text"]]
        coded = at.code_sentences(at.segment(corpus), codebook, corpus)
    target = case / "p.qdpx"
    try:
        with time_cap():
            at.export_project(coded, corpus, codebook, target)
            book = at.export_codebook(codebook, case / "c.qdc")
    except (at.InputError, ValueError) as exc:
        if target.exists():
            return f"refused ({exc}) but left {target.name}"
        return None if one_line(str(exc)) else f"unclear refusal: {exc!r}"[:300]
    schemas = ROOT / "tests" / "schemas"
    with zipfile.ZipFile(target) as archive:
        project = etree.fromstring(archive.read("project.qde"))
        if not etree.XMLSchema(etree.parse(str(schemas / "Project-mrt2019.xsd"))).validate(project):
            return f"{where} {char!r}: project.qde does not validate"
        ns, units = "{urn:QDA-XML:project:1.0}", set(coded["text"])
        for source in project.iter(f"{ns}TextSource"):
            raw = archive.read("sources/" + source.get("plainTextPath").removeprefix("internal://"))
            first = raw.split(b"\n", 1)[0]  # read as QualCoder reads it (tests/test_refi_qda.py)
            text = raw.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
            text = text.replace("\n", "\n ") if first.endswith(b"\r") and b"\n" in raw else text
            for sel in source.findall(f"{ns}PlainTextSelection"):
                shown = text[int(sel.get("startPosition")) : int(sel.get("endPosition"))]
                if shown not in units:
                    return f"{where}: a selection lands on {shown[:40]!r}, not on a unit"
    if not etree.XMLSchema(etree.parse(str(schemas / "Codebook-mrt2019.xsd"))).validate(etree.parse(str(book))):
        return f"{where} {char!r}: codebook.qdc does not validate"
    return None


# --- the campaign ----------------------------------------------------------------------------------------------------

FAMILIES: list[tuple[str, float, Callable[..., Any], Callable[..., str | None]]] = [
    ("codebooks", 0.25, gen_codebook, check_codebook),
    ("texts", 0.30, gen_text, check_text),
    ("corpus folders", 0.15, gen_corpus, check_corpus),
    ("CLI", 0.20, gen_cli, check_cli),
    ("REFI export", 0.10, gen_refi, check_refi),
]


def campaign(seconds: float, seed: int, cases: int | None, save: Path) -> list[tuple[str, int, int, float, list[str]]]:
    rows = []
    with tempfile.TemporaryDirectory(prefix="arabic_themes_fuzz_") as tmp:
        shared = Shared(Path(tmp))
        shared.setup()
        for name, share, generate, check in FAMILIES:
            rng = random.Random(f"{seed}:{name}")
            start = time.monotonic()
            n = failed = 0
            examples: list[str] = []
            while n == 0 or (time.monotonic() - start < seconds * share and (cases is None or n < cases)):
                case = Path(tmp) / "case"
                case.mkdir()
                payload = generate(rng, shared)
                try:
                    problem = check(payload, shared, case)
                except Exception as exc:  # anything the package should have turned into a clear error
                    problem = f"uncaught {type(exc).__name__}: {' '.join(str(exc).split())[:200]}"
                shutil.rmtree(case, ignore_errors=True)
                n += 1
                if problem:
                    failed += 1
                    if len(examples) < 3:
                        examples.append(problem)
                        target = save / name.replace(" ", "_") / f"case_{n}"
                        target.mkdir(parents=True, exist_ok=True)
                        (target / "input").write_bytes(
                            payload if isinstance(payload, bytes) else repr(payload).encode("utf-8", "backslashreplace")
                        )
                        (target / "problem.txt").write_text(problem + "\n", "utf-8", errors="backslashreplace")
            rows.append((name, n, failed, time.monotonic() - start, examples))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=300, help="total time budget (default 300)")
    parser.add_argument("--seed", type=int, default=1, help="seed: the same seed gives the same cases (default 1)")
    parser.add_argument("--cases", type=int, help="at most this many cases per family")
    save = Path(tempfile.gettempdir()) / "arabic_themes_fuzz"
    parser.add_argument("--save", type=Path, default=save, help=f"where failing inputs go (default {save})")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore", FutureWarning)  # re's 'possible nested set' on random patterns
    if args.save.resolve().is_relative_to(ROOT):
        parser.error("--save must lie outside the project")
    rows = campaign(args.seconds, args.seed, args.cases, args.save)
    print(f"fuzz campaign: seed {args.seed}, budget {args.seconds:g} s\n")
    print("| family | cases | failures | seconds |\n| --- | ---: | ---: | ---: |")
    for name, n, failed, used, _ in rows:
        print(f"| {name} | {n:,} | {failed} | {used:.0f} |")
    total = sum(r[2] for r in rows)
    print(f"| all | {sum(r[1] for r in rows):,} | {total} | {sum(r[3] for r in rows):.0f} |")
    for name, *_, examples in rows:
        for example in examples:
            print(f"- {name}: {example}")
    if total:
        print(f"\nfirst failing inputs saved under {args.save}")
    return 1 if total else 0


if __name__ == "__main__":
    raise SystemExit(main())
