"""The fuzz campaign of benchmarks/fuzz_inputs.py runs: a tiny budget reports every family and finds nothing.

A smoke test on purpose: the script's own checks (invariants, clear errors, an untouched project) are the point,
and the campaign the README reports is its long run.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

FAMILIES = ["codebooks", "texts", "corpus folders", "CLI", "REFI export"]


def test_fuzz_script_reports_every_family_and_passes(tmp_path: Path) -> None:
    save = tmp_path / "failures"
    run = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "fuzz_inputs.py"), "--seconds", "3", "--seed", "5"]
        + ["--save", str(save)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    rows = dict(re.findall(r"^\| ([\w ]+?) \| ([\d,]+) \| 0 \| \d+ \|$", run.stdout, flags=re.M))
    assert list(rows) == [*FAMILIES, "all"], run.stdout
    assert all(int(n.replace(",", "")) >= 1 for n in rows.values())
    assert not save.exists()  # nothing failed, so nothing was saved


def test_fuzz_script_refuses_to_save_inside_the_project() -> None:
    run = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "fuzz_inputs.py"), "--save", str(ROOT / "fuzz_failures")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 2 and "--save must lie outside the project" in run.stderr
    assert not (ROOT / "fuzz_failures").exists()
