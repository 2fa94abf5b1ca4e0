"""Your own corpus, end to end: init-corpus on a folder of new texts, then the whole analysis into an
output folder of its own — the project's notebooks and data untouched."""

from __future__ import annotations

import csv
import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote

import pandas as pd
import pytest

from arabic_themes.cli import main
from arabic_themes.notebooks import PROJECT, analysis_parameters

# A text the project has never seen, laid out differently from the corpus: a title line, one
# paragraph per line, Windows line endings.
NEW_ARTICLE = "\r\n".join(
    [
        "موسكو وطهران: شراكة بلا ضمانات",
        "قالت مصادر دبلوماسية إن روسيا اكتفت بإدانة الضربات الإسرائيلية ولم تقدم أي دعم عسكري لإيران. "
        "ويرى محللون أن الكرملين يوازن بين علاقاته مع إسرائيل ودول الخليج.",
        "وذكّر خبراء بأن موسكو لم تنقذ حليفها بشار الأسد من السقوط، واكتفت بمنحه اللجوء.",
        "وتبقى أولويات روسيا في أوكرانيا، حيث استخدمت مسيرات شاهد الإيرانية في الحرب.",
    ]
) + "\r\n"
SECOND_ARTICLE = "التقى وزير الخارجية الإيراني نظيره الروسي في موسكو.\nوبحث الجانبان التعاون الاقتصادي والتجارة.\n"


REAL_DEV = PROJECT / "data" / "annotations" / "real_dev"
REAL_TEST = PROJECT / "data" / "annotations" / "real_test"
#: What only the project's own five articles can make a notebook say: their doc_ids and the numbers of their readings.
PROJECT_DOC_IDS = ["limited_support", "putins_calculus", "middle_east_news", "no_protection", "mena_research"]
PROJECT_PHRASES = [
    "169", "76 of", "45 %", "86 %", "19 of 22", "30 claims", "Of 30", "500 of the 507", "five articles",
    "eight quotations", "Kozhanov", "Pothier", "treaty date", "17 vs 27 January",
    # notebook 03: the project's agreement, versions and sets
    "F1 0.98", "F1 0.68", "0.47 → 0.68", "119 sentences", "Seven differences", "version 7", "nine sets",
    "heldout_sentences",
]  # fmt: skip
TWO_THEMES = """\
version: 1
name: two themes of my own
themes:
  - id: economy
    label_ar: الاقتصاد
    label_en: Economy
    definition: Trade, money, energy and sanctions.
    indicators:
      - id: trade
        any: ["تجار*", "اقتصاد*", "عقوب*", "نفط*", "طاق*"]
  - id: diplomacy
    label_ar: الدبلوماسية
    label_en: Diplomacy
    definition: Talks, statements, visits and mediation.
    indicators:
      - id: talks
        any: ["{قال|قالت|اكد|اكدت}", "محادث*", "وزير* خارجي*", "وساط*"]
"""


def _notebook_text(path: Path) -> tuple[str, str]:
    """(prose, everything): the Markdown cells and Markdown outputs; all cell sources and outputs."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    prose, everything = [], []
    for cell in nb["cells"]:
        source = "".join(cell["source"])
        everything.append(source)
        if cell["cell_type"] == "markdown":
            prose.append(source)
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            prose.append("".join(data.get("text/markdown", "")))
            everything += ["".join(output.get("text", "")), "".join(data.get("text/plain", ""))]
            everything += ["".join(data.get("text/markdown", "")), "".join(data.get("text/html", ""))]
    return "\n".join(prose), "\n".join(everything)


def _assert_speaks_only_of_its_corpus(out: Path) -> None:
    for path in sorted((out / "notebooks").glob("*.ipynb")):
        prose, everything = _notebook_text(path)
        for doc_id in PROJECT_DOC_IDS:
            assert doc_id not in everything, (path.name, doc_id)
        for phrase in PROJECT_PHRASES:
            assert phrase not in prose, (path.name, phrase)
        assert path.stat().st_size < 1_000_000, path.name


def _project_state() -> dict[str, str]:
    """Hashes of the project's notebooks, processed data and figures (must not change)."""
    paths = [*sorted((PROJECT / "notebooks").glob("*.ipynb")), *sorted((PROJECT / "data" / "processed").glob("*")),
             *sorted((PROJECT / "figures").glob("*.png"))]
    return {str(p.relative_to(PROJECT)): hashlib.sha256(p.read_bytes()).hexdigest() for p in paths if p.is_file()}


def _assert_links_resolve(out: Path, codebook: Path) -> None:
    """Every relative link of the result notebooks' Markdown leads to a file or folder that exists; the codebook's
    leads to the run's codebook."""
    seen_codebook = False
    for path in sorted((out / "notebooks").glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] != "markdown":
                continue
            for target in re.findall(r"\]\(([^)\s#]+)", "".join(cell["source"])):
                if target.startswith("http"):
                    continue
                resolved = (path.parent / unquote(target)).resolve()
                assert resolved.exists(), (path.name, target)
                seen_codebook |= resolved == codebook.resolve()
    assert seen_codebook


@pytest.fixture()
def own_corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "my corpus"
    folder.mkdir()
    (folder / "Moscow and Tehran.txt").write_bytes(NEW_ARTICLE.encode("utf-8"))
    (folder / "second.txt").write_bytes(SECOND_ARTICLE.encode("utf-8"))
    return folder


def test_init_corpus_writes_a_template_without_touching_the_texts(own_corpus: Path, capsys) -> None:
    before = {p.name: p.read_bytes() for p in own_corpus.iterdir()}
    assert main(["init-corpus", str(own_corpus)]) == 0
    rows = list(csv.DictReader((own_corpus / "metadata.csv").open(encoding="utf-8")))
    assert [r["file"] for r in rows] == ["Moscow and Tehran.txt", "second.txt"]
    assert all(r["sha256"] and r["chars"] and r["headline"] == "" for r in rows)
    assert {p.name: p.read_bytes() for p in own_corpus.iterdir() if p.name != "metadata.csv"} == before
    assert main(["init-corpus", str(own_corpus)]) == 2  # refuses to overwrite
    assert "exists" in capsys.readouterr().err


def test_parameters_never_apply_the_projects_corpus_specific_files(own_corpus: Path, tmp_path: Path) -> None:
    params = analysis_parameters(own_corpus, tmp_path / "out")
    assert params["RUN_IN_HEADINGS"] == params["CLAIMS"] == params["TIMELINE"] == params["REFERENCE"] == ""
    assert params["GLOSSES"] == ""  # the project's glosses are of its own articles
    assert params["EARLIER_CODEBOOKS"] == params["DEVELOPMENT_SETS"] == params["TEST_SET"] == ""
    assert params["REAL_SETS"] == params["REAL_TEST_SET"] == ""
    assert params["CODEBOOK"].endswith("data/codebook.yaml")
    assert params["OUTPUT"] == "../processed" and params["FIGURES"] == "../figures"  # run in OUT/notebooks


def test_the_real_test_set_is_shown_for_the_project_s_codebook_only(own_corpus: Path, tmp_path: Path) -> None:
    """Its scores measure the project's codebook: a byte-identical copy gets them, an edited or other codebook not."""
    real_test = str(PROJECT / "data" / "annotations" / "real_test")
    assert analysis_parameters(own_corpus)["CODEBOOK_TEST_SET"] == real_test
    book = (PROJECT / "data" / "codebook.yaml").read_bytes()
    (tmp_path / "copy.yaml").write_bytes(book)
    (tmp_path / "edited.yaml").write_bytes(book + b"# mine\n")
    (tmp_path / "two.yaml").write_text(TWO_THEMES, encoding="utf-8")
    given = {name: analysis_parameters(own_corpus, codebook=tmp_path / name)["CODEBOOK_TEST_SET"] for name in
             ("copy.yaml", "edited.yaml", "two.yaml")}  # fmt: skip
    assert given == {"copy.yaml": real_test, "edited.yaml": "", "two.yaml": ""}


def test_analyse_refuses_a_non_empty_output_and_the_project_folders(own_corpus: Path, tmp_path: Path, capsys) -> None:
    main(["init-corpus", str(own_corpus)])
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "keep.txt").write_text("mine", encoding="utf-8")
    assert main(["analyse", str(own_corpus), str(busy)]) == 2
    assert "not empty" in capsys.readouterr().err
    assert (busy / "keep.txt").read_text(encoding="utf-8") == "mine"
    assert main(["analyse", str(own_corpus), str(PROJECT), "--force"]) == 2
    assert "may not be inside the project folder" in capsys.readouterr().err


@pytest.mark.slow
def test_analyse_runs_every_notebook_into_its_own_folder(own_corpus: Path, tmp_path: Path) -> None:
    assert main(["init-corpus", str(own_corpus)]) == 0
    before = _project_state()
    out = tmp_path / "results"
    codebook = tmp_path / "my codebook.yaml"
    codebook.write_bytes((PROJECT / "data" / "codebook.yaml").read_bytes())  # a custom codebook path
    result = subprocess.run(
        [sys.executable, "-m", "arabic_themes.cli", "analyse", str(own_corpus), str(out), "--codebook", str(codebook)],
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    executed = sorted(p.name for p in (out / "notebooks").glob("*.ipynb"))
    assert "01_load_texts.ipynb" in executed and "02_code_themes.ipynb" in executed
    assert "03_validate_coding.ipynb" not in executed  # no reference coding given
    for name in executed:
        nb = json.loads((out / "notebooks" / name).read_text(encoding="utf-8"))
        errors = [o for c in nb["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"]
        assert not errors, (name, errors)
    coded = list(csv.DictReader((out / "processed" / "coded_sentences.csv").open(encoding="utf-8")))
    doc_ids = {r["doc_id"] for r in coded}
    assert doc_ids == {"Moscow_and_Tehran", "second"}
    first = [r for r in coded if r["doc_id"] == "Moscow_and_Tehran"]
    assert first[0]["text"] == "موسكو وطهران: شراكة بلا ضمانات"  # the title line is its own unit
    raw = NEW_ARTICLE
    assert all(raw[int(r["start"]) : int(r["end"])] == r["text"] for r in first)  # offsets into the CRLF text
    assert sum(int(r["strategic_ambiguity"]) for r in first) >= 1
    assert any(int(r["precedents"]) for r in first) and any(int(r["ukraine_tradeoff"]) for r in first)
    assert not any(
        int(r[t])
        for r in coded
        if r["doc_id"] == "second"
        for t in ("strategic_ambiguity", "precedents", "ukraine_tradeoff")
    )
    assert (out / "figures" / "theme_shares.png").is_file()
    _assert_speaks_only_of_its_corpus(out)
    _assert_links_resolve(out, codebook)
    notes = {}  # each copy says how it was run and with which files
    for name in executed:
        notes[name] = "".join(json.loads((out / "notebooks" / name).read_text(encoding="utf-8"))["cells"][1]["source"])
        assert notes[name].startswith("**This copy was run by `arabic-themes analyse`.**"), name
    assert "corpus: [`my corpus/`](" in notes["01_load_texts.ipynb"]
    note = notes["02_code_themes.ipynb"]
    assert "codebook: [`my codebook.yaml`](../../my%20codebook.yaml) (given)" in note, note
    assert "reference coding: none" in note and "glued words: [`glued_words.csv`](" in note, note
    # the codebook is the project's (a copy), so its measurement on the real test set is shown, with the commands
    # that check a sample of this corpus
    prose, _ = _notebook_text(out / "notebooks" / "02_code_themes.ipynb")
    pieces = len(list(csv.DictReader((REAL_TEST / "metadata.csv").open(encoding="utf-8"))))
    assert f"This codebook was measured on {pieces} real published Arabic pieces" in prose
    assert f"arabic-themes sample --coded processed/coded_sentences.csv \\\n    --corpus '{own_corpus}'" in prose
    assert _project_state() == before  # the project's notebooks, processed data and figures are untouched


def _hand_coded_reference(corpus: Path, path: Path) -> dict[str, int]:
    """A reference coding of the own corpus, keyed like the project's: one row per unit, coded by reading it."""
    from arabic_themes import load_corpus, segment

    units = segment(load_corpus(corpus))
    codes = {  # (doc_id, first words) -> strategic_ambiguity, precedents, ukraine_tradeoff
        "موسكو وطهران": (1, 0, 0),
        "قالت مصادر": (1, 0, 0),
        "ويرى محللون": (1, 0, 0),
        "وذكّر خبراء": (0, 1, 0),
        "وتبقى أولويات": (0, 0, 1),
    }
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(
            ["doc_id", "sentence_id", "start", "end", "prefix", "strategic_ambiguity", "precedents", "ukraine_tradeoff"]
        )
        for row in units.itertuples():
            code = next((c for k, c in codes.items() if row.text.startswith(k)), (0, 0, 0))
            writer.writerow([row.doc_id, row.sentence_id, row.start, row.end, row.text[:30], *code])
    return {"units": len(units), "strategic_ambiguity": 3, "precedents": 1, "ukraine_tradeoff": 1}


@pytest.mark.slow
def test_analyse_validates_against_a_reference_coding_of_the_own_corpus(own_corpus: Path, tmp_path: Path) -> None:
    assert main(["init-corpus", str(own_corpus)]) == 0
    expected = _hand_coded_reference(own_corpus, tmp_path / "reference.csv")
    before = _project_state()
    out = tmp_path / "results"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "arabic_themes.cli",
            "analyse",
            str(own_corpus),
            str(out),
            "--reference",
            str(tmp_path / "reference.csv"),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    nb = json.loads((out / "notebooks" / "03_validate_coding.ipynb").read_text(encoding="utf-8"))
    assert not [o for c in nb["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"]
    scores = {r["theme"]: r for r in csv.DictReader((out / "processed" / "agreement.csv").open(encoding="utf-8"))}
    assert set(scores) == {"strategic_ambiguity", "precedents", "ukraine_tradeoff"}
    for theme, row in scores.items():
        assert int(row["n"]) == expected["units"]
        assert int(row["reference_1"]) == expected[theme]
    history = list(csv.DictReader((out / "processed" / "agreement_by_version.csv").open(encoding="utf-8")))
    assert {(r["codebook"], r["sentences"]) for r in history} == {("current", "corpus")}  # not the project's history
    assert (out / "figures" / "agreement_by_version.png").is_file()
    assert not [c for c in nb["cells"] if "project-corpus" in c["metadata"].get("tags", [])]
    _assert_speaks_only_of_its_corpus(out)  # notebook 03 too: no number, doc_id or set of the project
    prose, _ = _notebook_text(out / "notebooks" / "03_validate_coding.ipynb")
    n = expected["units"]
    assert f"On the {n} units coded by both, the coder" in prose  # the readings are computed from this run
    assert _project_state() == before


@pytest.fixture()
def real_texts(tmp_path: Path) -> Path:
    """Five real Arabic excerpts of the real-text development set (not the project's articles), as a corpus."""
    folder = tmp_path / "real"
    folder.mkdir()
    with (REAL_DEV / "metadata.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = [r for r in reader if r["doc_id"] in ("r001", "r002", "r003", "r004", "r005")]
        header = reader.fieldnames or []
    with (folder / "metadata.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    for row in rows:
        shutil.copyfile(REAL_DEV / row["file"], folder / row["file"])
    return folder


@pytest.mark.slow
def test_any_corpus_any_codebook_and_the_notebooks_speak_only_of_the_run(real_texts: Path, tmp_path: Path) -> None:
    """Real articles the project never coded, a two-theme codebook whose ids are not the project's: every
    notebook runs, quietly, and says nothing of the project's articles, themes or numbers."""
    codebook = tmp_path / "two_themes.yaml"
    codebook.write_text(TWO_THEMES, encoding="utf-8")
    before = _project_state()
    out = tmp_path / "results"
    result = subprocess.run(
        [sys.executable, "-m", "arabic_themes.cli", "analyse", str(real_texts), str(out), "--codebook", str(codebook)],
        capture_output=True, text=True, timeout=900,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    noise = [
        line for line in result.stderr.splitlines()
        if not line.startswith(("checking the inputs", "skipping 03_", "executing 0", "  0", "  done in"))
    ]
    assert noise == []  # no "Passed unknown parameter", no kernel warnings: progress lines only
    assert sorted(p.name for p in (out / "notebooks").iterdir()) == [
        "01_load_texts.ipynb", "02_code_themes.ipynb", "04_plot_themes.ipynb", "05_compare_sources.ipynb",
    ]
    for path in (out / "notebooks").iterdir():
        nb = json.loads(path.read_text(encoding="utf-8"))
        assert not [o for c in nb["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"]
        assert not [c for c in nb["cells"] if "project-corpus" in c["metadata"].get("tags", [])]
    _assert_speaks_only_of_its_corpus(out)
    for path in (out / "notebooks").iterdir():
        _, everything = _notebook_text(path)
        for theme in ("strategic_ambiguity", "precedents", "ukraine_tradeoff", "Strategic ambiguity"):
            assert theme not in everything, (path.name, theme)
    coded = pd.read_csv(out / "processed" / "coded_sentences.csv")
    assert list(coded.columns) == ["doc_id", "sentence_id", "start", "end", "text", "economy", "diplomacy", "evidence"]
    assert set(coded["doc_id"]) == {"r001", "r002", "r003", "r004", "r005"} and coded["diplomacy"].sum() > 0
    prose, _ = _notebook_text(out / "notebooks" / "02_code_themes.ipynb")
    n, k = len(coded), int(coded["diplomacy"].sum())
    assert f"Of the {n} units, the coder marks *Diplomacy* in {k} ({round(100 * k / n)} %)" in prose  # computed
    assert "no measurement of this codebook on independently coded text it was never revised on is known here" in prose
    assert (out / "figures" / "theme_shares.png").is_file() and (out / "run.json").is_file()
    assert _project_state() == before


def test_init_corpus_add_appends_rows_for_new_files(own_corpus: Path, capsys) -> None:
    assert main(["init-corpus", str(own_corpus)]) == 0
    meta = own_corpus / "metadata.csv"
    before = meta.read_bytes()
    assert main(["init-corpus", str(own_corpus), "--add"]) == 0
    assert "nothing added" in capsys.readouterr().out and meta.read_bytes() == before
    (own_corpus / "موسكو وطهران.txt").write_text(SECOND_ARTICLE, encoding="utf-8")
    assert main(["init-corpus", str(own_corpus), "--add"]) == 0
    assert "added 1 row(s)" in capsys.readouterr().out
    assert meta.read_bytes().startswith(before)
    rows = list(csv.DictReader(meta.open(encoding="utf-8")))
    assert [r["doc_id"] for r in rows] == ["Moscow_and_Tehran", "second", "mwskw_wthran"]


def test_make_lab_opens_at_the_repository_root() -> None:
    """`make lab` serves the repository root, so data/ and figures/ can be browsed beside notebooks/."""
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    command = subprocess.run(["make", "-n", "lab"], cwd=PROJECT, capture_output=True, text=True, check=True).stdout
    line = next(line for line in command.splitlines() if "jupyter lab" in line)
    assert f'--ServerApp.root_dir="{PROJECT}"' in line and not line.split("#")[0].rstrip().endswith("notebooks")


def test_readme_dask_snippet_reads_a_file_that_exists() -> None:
    import re

    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    paths = re.findall(r'dd\.read_csv\("([^"]+)"', readme)
    assert paths and all((PROJECT / p).is_file() for p in paths), paths


@pytest.mark.parametrize(
    "name", ["01_load_texts", "02_code_themes", "03_validate_coding", "04_plot_themes", "05_compare_sources"]
)
def test_only_cells_tagged_project_corpus_name_the_projects_articles_or_themes(name: str) -> None:
    """What analyse keeps of a notebook names no article and no theme id of the project (fast check; the end-to-end
    test above runs them)."""
    nb = json.loads((PROJECT / "notebooks" / f"{name}.ipynb").read_text(encoding="utf-8"))
    kept = [c for c in nb["cells"] if "project-corpus" not in c["metadata"].get("tags", [])]
    assert len(kept) < len(nb["cells"])  # the notebook does have a reading of the project's articles
    for cell in kept:
        source = "".join(cell["source"])
        assert not [d for d in PROJECT_DOC_IDS if d in source], source[:80]
        if cell["cell_type"] == "code":
            assert not [t for t in ("strategic_ambiguity", "precedents", "ukraine_tradeoff") if t in source]
        else:
            assert not [p for p in PROJECT_PHRASES if p in source], source[:80]
