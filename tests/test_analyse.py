"""``arabic-themes analyse`` as a careful tool: every input checked before a notebook runs, the output
folder outside the project and the corpus, claimed for one run, complete or untouched (issues 12 and 17).

Most tests never start a kernel (the checks come first); those that do run small notebooks of their
own (``--notebooks``), so the machinery is tested in seconds, not with the whole analysis.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from arabic_themes.analysis import _prepared
from arabic_themes.cli import main
from arabic_themes.notebooks import PROJECT, OutputFolderError, run_analysis
from arabic_themes.output_folder import claimed

ARTICLE = "قالت روسيا إنها لن تتدخل عسكريا في الحرب، واكتفت بالدعوة إلى ضبط النفس.\nوأكدت إيران أن الشراكة مستمرة.\n"


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_text(ARTICLE, encoding="utf-8")
    assert main(["init-corpus", str(folder)]) == 0
    return folder


def _notebook(folder: Path, name: str, *code: str) -> Path:
    """A small numbered notebook with a parameters cell (OUTPUT, CORPUS) and the given code cells."""
    folder.mkdir(exist_ok=True)
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('OUTPUT = "../data/processed"\nCORPUS = "../data/raw"')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell("## 1. A step"), params] + [nbformat.v4.new_code_cell(c) for c in code]
    path = folder / name
    nbformat.write(nb, path)
    return path


@pytest.fixture()
def notebooks(tmp_path: Path) -> Path:
    """A notebook that writes into ../processed, as the real ones do."""
    folder = tmp_path / "nbs"
    _notebook(folder, "01_first.ipynb", "from pathlib import Path\n(Path(OUTPUT) / 'first.csv').write_text('a\\n1\\n')")
    return folder


@pytest.fixture()
def analyse(capsys: pytest.CaptureFixture[str]):
    """``arabic-themes analyse ARGS`` in this process: (exit code, stdout, stderr)."""

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        capsys.readouterr()
        code = main(["analyse", *args])
        captured = capsys.readouterr()
        return subprocess.CompletedProcess(args, code, captured.out, captured.err)

    return run


def _left_beside(out: Path) -> list[str]:
    """Hidden work files (partial folder, lock) left next to the output folder."""
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))


# --- the output folder -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "inside",
    ["data/myresults", "data/raw", "data/annotations", "figures/sub", "notebooks/sub", "new_folder", ".", ".."],
)
def test_output_inside_the_project_is_refused_with_or_without_force(
    corpus: Path, inside: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = PROJECT / inside
    existed = out.exists()
    for force in ([], ["--force"]):
        assert main(["analyse", str(corpus), str(out), *force]) == 2
        err = capsys.readouterr().err
        assert "may not be inside the project folder" in err and err.count("\n") == 1
    assert out.exists() == existed


def test_output_linked_into_the_project_is_refused(corpus: Path, tmp_path: Path, capsys) -> None:
    link = tmp_path / "results"
    link.symlink_to(PROJECT / "figures")
    assert main(["analyse", str(corpus), str(link / "sub"), "--force"]) == 2
    assert "may not be inside the project folder" in capsys.readouterr().err
    assert main(["analyse", str(corpus), str(link), "--force"]) == 2
    assert "may not be inside the project folder" in capsys.readouterr().err


def test_output_is_never_the_corpus_inside_it_or_around_it(corpus: Path, tmp_path: Path, capsys) -> None:
    link = tmp_path / "corpus_link"
    link.symlink_to(corpus)
    for out in (corpus, corpus / "results", link, link / "results", corpus.parent):
        for force in ([], ["--force"]):
            assert main(["analyse", str(corpus), str(out), *force]) == 2
            assert "the corpus folder" in capsys.readouterr().err
    assert sorted(p.name for p in corpus.iterdir()) == ["a.txt", "metadata.csv"]


def test_output_that_is_a_file_is_a_one_line_error(analyse, corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "results.txt"
    out.write_text("mine", encoding="utf-8")
    result = analyse(str(corpus), str(out))
    assert result.returncode == 2
    assert result.stderr == f"error: {out}: exists and is not a folder; choose a new output folder\n"
    assert out.read_text(encoding="utf-8") == "mine"


@pytest.mark.parametrize("name", ["out{}", "out{x}", "{CORPUS}"])
def test_braces_in_the_output_path_are_only_characters(
    analyse, corpus: Path, notebooks: Path, tmp_path: Path, name: str
) -> None:
    out = tmp_path / name
    result = analyse(str(corpus), str(out), "--notebooks", str(notebooks))
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (out / "processed").iterdir()) == ["first.csv"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["corpus", "nbs", name])


def test_a_brace_template_pointing_into_the_project_is_not_filled(
    corpus: Path, tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Papermill filled ``{…}`` in output paths with the parameters: PROJECT{RUN_IN_HEADINGS} wrote into notebooks/."""
    before = (PROJECT / "notebooks" / "01_load_texts.ipynb").read_bytes()
    (corpus / "run_in_headings.csv").write_text("doc_id,heading\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # "{OUTPUT}/x" is relative: whatever it becomes stays in tmp_path
    # a template beside the corpus is an ordinary folder name: written as given, braces and all
    literal = tmp_path / "out{RUN_IN_HEADINGS}"
    assert main(["analyse", str(corpus), str(literal)]) == 0
    assert (literal / "run.json").is_file()
    assert not Path(str(literal).replace("{RUN_IN_HEADINGS}", str(corpus / "run_in_headings.csv"))).exists()
    # a template inside the project is refused, never filled
    assert main(["analyse", str(corpus), f"{PROJECT}/notebooks/{{x}}"]) == 2
    assert main(["analyse", str(corpus), "{OUTPUT}/x"]) == 0  # relative: a folder named {OUTPUT} in the cwd
    assert (tmp_path / "{OUTPUT}" / "x" / "run.json").is_file()
    capsys.readouterr()
    assert (PROJECT / "notebooks" / "01_load_texts.ipynb").read_bytes() == before
    assert not (PROJECT / "notebooks" / "{x}").exists()
    # the injected parameters are plain literals, never formatted either
    nb = _prepared(nbformat.read(PROJECT / "notebooks" / "01_load_texts.ipynb", as_version=4), {"CORPUS": "{x}"})
    assert "CORPUS = '{x}'" in nb.cells[2].source


# --- inputs are checked before any notebook runs ---------------------------------------------------


@pytest.mark.parametrize(
    ("option", "content", "expected"),
    [
        ("--codebook", None, "codebook not found"),
        ("--codebook", "themes: [", "not valid YAML"),
        ("--codebook", "version: 1\nthemes:\n  - id: Bad Id\n", "Bad Id"),
        ("--reference", None, "reference coding not found"),
        ("--reference", "doc_id,start,end,prefix\n", "missing column"),
        (
            "--reference",
            "doc_id,start,end,prefix,strategic_ambiguity,precedents,ukraine_tradeoff\nzz,0,5,x,0,0,0\n",
            "does not fit this corpus",
        ),
    ],
)
def test_bad_codebook_or_reference_fails_before_any_notebook(
    analyse, corpus: Path, tmp_path: Path, option: str, content: str | None, expected: str
) -> None:
    given = tmp_path / ("given.yaml" if option == "--codebook" else "given.csv")
    if content is not None:
        given.write_text(content, encoding="utf-8")
    out = tmp_path / "results"
    result = analyse(str(corpus), str(out), option, str(given))
    assert result.returncode == 2
    assert expected in result.stderr and str(given) in result.stderr
    assert result.stderr.count("\n") == 2  # "checking the inputs …" and the error, one line each
    assert "executing" not in result.stderr
    assert not out.exists() and _left_beside(out) == []


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("glued_words.csv", "glued,repaired\nابc,اب c d\n", "glued_words.csv"),
        ("run_in_headings.csv", "doc_id,heading\nnot_here,عنوان\n", "'not_here' is not in the corpus"),
        ("actors.yaml", "- id: [\n", "not valid YAML"),
        ("attribution_cues.yaml", "speech: []\n", "attribution_cues.yaml"),
        ("spelling_variants.csv", "variant,canonical\n,x\n", "line 2"),
        ("claims.csv", "claim_id,topic\n", "missing column"),
        ("timeline.csv", "event_id,date,label_en,label_ar,doc_id\ne,June 2025,x,س,a\n", "must be YYYY"),
    ],
)
def test_bad_files_of_the_corpus_fail_before_any_notebook(
    analyse, corpus: Path, tmp_path: Path, name: str, content: str, expected: str
) -> None:
    (corpus / name).write_text(content, encoding="utf-8")
    out = tmp_path / "results"
    result = analyse(str(corpus), str(out))
    assert result.returncode == 2, result.stderr
    assert expected in result.stderr and name in result.stderr and "executing" not in result.stderr
    assert result.stderr.startswith("checking the inputs") and result.stderr.count("\n") == 2
    assert not out.exists()


def test_without_the_notebooks_there_is_an_error_not_zero_notebooks(analyse, corpus: Path, tmp_path: Path) -> None:
    """A non-editable install has no notebooks/ next to the package: say so, never "executed 0 notebooks"."""
    empty = tmp_path / "no_notebooks"
    empty.mkdir()
    result = analyse(str(corpus), str(tmp_path / "results"), "--notebooks", str(empty))
    assert result.returncode == 2
    assert "no analysis notebooks" in result.stderr and "pip install -e" in result.stderr
    assert "executed 0" not in result.stdout + result.stderr


# --- complete or untouched ------------------------------------------------------------------------


def test_a_failing_notebook_leaves_the_output_folder_untouched(analyse, corpus: Path, tmp_path: Path) -> None:
    folder = tmp_path / "nbs"
    _notebook(folder, "01_first.ipynb", "from pathlib import Path\n(Path(OUTPUT) / 'first.csv').write_text('x')")
    _notebook(folder, "02_broken.ipynb", "x = 1", "raise KeyError('strategic_ambiguity')")
    out = tmp_path / "results"
    result = analyse(str(corpus), str(out), "--notebooks", str(folder))
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == (
        "error: 02_broken.ipynb failed in code cell 3 (raise KeyError('strategic_ambiguity')): "
        "KeyError: 'strategic_ambiguity'"
    )
    assert not out.exists() and _left_beside(out) == []
    # an existing (empty) output folder stays as it was
    out.mkdir()
    assert analyse(str(corpus), str(out), "--notebooks", str(folder)).returncode == 2
    assert list(out.iterdir()) == [] and _left_beside(out) == []


def test_force_replaces_an_earlier_run_whole(analyse, corpus: Path, notebooks: Path, tmp_path: Path) -> None:
    out = tmp_path / "results"
    assert analyse(str(corpus), str(out), "--notebooks", str(notebooks)).returncode == 0
    (out / "processed" / "stale_keyness.csv").write_text("old", encoding="utf-8")
    (out / "notebooks" / "03_validate_coding.ipynb").write_text("{}", encoding="utf-8")
    result = analyse(str(corpus), str(out), "--notebooks", str(notebooks))
    assert result.returncode == 2 and "not empty" in result.stderr  # not without --force
    assert analyse(str(corpus), str(out), "--notebooks", str(notebooks), "--force").returncode == 0
    assert sorted(p.name for p in (out / "processed").iterdir()) == ["first.csv"]
    assert sorted(p.name for p in (out / "notebooks").iterdir()) == ["01_first.ipynb"]
    assert _left_beside(out) == []
    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert record["corpus"] == str(corpus) and record["notebooks"] == ["01_first.ipynb"]
    assert not any(k in json.dumps(record) for k in ("time", "date", "uuid"))  # nothing volatile


def test_force_never_deletes_a_folder_that_is_not_an_earlier_run(
    analyse, corpus: Path, notebooks: Path, tmp_path: Path
) -> None:
    mine = tmp_path / "my_files"
    mine.mkdir()
    (mine / "thesis.docx").write_text("years of work", encoding="utf-8")
    result = analyse(str(corpus), str(mine), "--notebooks", str(notebooks), "--force")
    assert result.returncode == 2 and "not an earlier analyse run" in result.stderr
    assert (mine / "thesis.docx").read_text(encoding="utf-8") == "years of work"
    # nor one that holds an input of the run
    (mine / "codebook.yaml").write_bytes((PROJECT / "data" / "codebook.yaml").read_bytes())
    (mine / "run.json").write_text("{}", encoding="utf-8")
    result = analyse(str(corpus), str(mine), "--codebook", str(mine / "codebook.yaml"), "--force")
    assert result.returncode == 2 and "holds an input of the run" in result.stderr


def test_a_second_run_on_the_same_output_is_refused(corpus: Path, notebooks: Path, tmp_path: Path) -> None:
    out = tmp_path / "results"
    with claimed(out), pytest.raises(OutputFolderError, match="another analyse is writing this folder"):
        run_analysis(corpus, out, notebooks=notebooks, progress=None)
    assert not out.exists() and _left_beside(out) == []  # the lock is gone with its holder


def test_two_concurrent_runs_cannot_both_write(corpus: Path, tmp_path: Path) -> None:
    folder = tmp_path / "nbs"
    _notebook(folder, "01_slow.ipynb", "import time\ntime.sleep(4)", "open(OUTPUT + '/x.csv', 'w').write('x')")
    out = tmp_path / "results"
    command = [sys.executable, "-m", "arabic_themes.cli", "analyse", str(corpus), str(out), "--notebooks", str(folder)]
    runs = [subprocess.Popen(command, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [(p.wait(timeout=300), p.stderr.read() if p.stderr else "") for p in runs]
    assert sorted(code for code, _ in results) == [0, 2], results
    assert "another analyse is writing this folder" in next(err for code, err in results if code == 2)
    assert sorted(p.name for p in (out / "processed").iterdir()) == ["x.csv"] and _left_beside(out) == []


@pytest.mark.skipif(os.name != "posix", reason="SIGINT to a child process")
def test_ctrl_c_is_one_line_exit_130_and_nothing_half_written(corpus: Path, tmp_path: Path) -> None:
    folder = tmp_path / "nbs"
    _notebook(folder, "01_first.ipynb", "open(OUTPUT + '/first.csv', 'w').write('x')")
    _notebook(folder, "02_slow.ipynb", "import time\nprint('started', flush=True)\ntime.sleep(120)")
    out = tmp_path / "results"
    process = subprocess.Popen(
        [sys.executable, "-m", "arabic_themes.cli", "analyse", str(corpus), str(out), "--notebooks", str(folder)],
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    lines = []
    while not any(line.startswith("  02_slow") for line in lines):  # the slow notebook's first step began
        line = process.stderr.readline()
        assert line, lines
        lines.append(line)
    time.sleep(1)
    process.send_signal(signal.SIGINT)
    rest = process.stderr.read()
    assert process.wait(timeout=60) == 130
    assert rest == "interrupted; the output folder was left as it was\n"
    assert not out.exists() and _left_beside(out) == []


def test_export_qda_reuses_the_run_and_works_from_any_folder(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    """export-qda --run OUT takes the run's coding, corpus and codebook (a two-theme one here), from any folder."""
    codebook = tmp_path / "two_themes.yaml"
    codebook.write_text(TWO_THEMES, encoding="utf-8")
    out = tmp_path / "results"
    (out / "processed").mkdir(parents=True)
    coded = "doc_id,sentence_id,start,end,text,economy,diplomacy,evidence\n" + f"a,1,0,10,{ARTICLE[:10]},0,1,\n"
    (out / "processed" / "coded_sentences.csv").write_text(coded, encoding="utf-8")
    (out / "run.json").write_text(
        json.dumps({"corpus": str(corpus), "codebook": str(codebook), "parameters": {}}), encoding="utf-8"
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert main(["export-qda", "--run", str(out)]) == 0, capsys.readouterr().err
    assert sorted(p.name for p in (out / "qda").iterdir()) == ["codebook.qdc", "project.qdpx"]
    assert "economy" in (out / "qda" / "codebook.qdc").read_text(encoding="utf-8").lower()
    # without --run: the project's own files, whatever the working folder
    assert main(["export-qda", "--out", str(tmp_path / "project_qda")]) == 0, capsys.readouterr().err
    assert (tmp_path / "project_qda" / "project.qdpx").is_file()
    assert main(["export-qda", "--run", str(elsewhere)]) == 2
    assert "run record not found" in capsys.readouterr().err


TWO_THEMES = """\
version: 1
name: two themes
themes:
  - id: economy
    label_ar: الاقتصاد
    label_en: Economy
    definition: Trade, money and sanctions.
    indicators:
      - id: trade
        any: ["تجار*", "اقتصاد*", "عقوب*"]
  - id: diplomacy
    label_ar: الدبلوماسية
    label_en: Diplomacy
    definition: Talks, statements and visits.
    indicators:
      - id: talks
        any: ["{قال|قالت}", "محادث*", "ضبط النفس"]
"""


def test_what_the_kernel_process_writes_shows_only_when_a_notebook_fails(corpus: Path, tmp_path: Path) -> None:
    """A kernel's own writes to its standard error (a C library's note at shutdown, say) are not printed after a run
    that succeeded; when the kernel dies they are, beside the one-line error."""
    folder = tmp_path / "nbs"
    note = "import os, atexit\natexit.register(os.write, 2, b'a note at shutdown\\n')"
    _notebook(folder, "01_noisy.ipynb", note)
    command = [sys.executable, "-m", "arabic_themes.cli", "analyse", str(corpus)]
    run = subprocess.run([*command, str(tmp_path / "a"), "--notebooks", str(folder)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "a note at shutdown" not in run.stderr
    _notebook(folder, "02_dies.ipynb", "import os\nos.write(2, b'about to die\\n')\nos._exit(3)")
    run = subprocess.run([*command, str(tmp_path / "b"), "--notebooks", str(folder)], capture_output=True, text=True)
    assert run.returncode == 2
    assert "02_dies: the kernel process wrote: " in run.stderr and "about to die" in run.stderr
    assert run.stderr.splitlines()[-1].startswith("error: 02_dies.ipynb failed")
