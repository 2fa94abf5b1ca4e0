"""The pins in environment.yml (conda/Binder) agree with constraints.txt (pip, make)."""

from __future__ import annotations

import re
import tomllib
from typing import Any

import yaml
from packaging.requirements import Requirement

from conftest import ROOT

#: conda-forge packages whose name differs from the PyPI distribution they provide.
CONDA_TO_PYPI = {"matplotlib-base": "matplotlib", "dask-core": "dask"}
#: conda-forge names that would bring more than the PyPI package: `matplotlib` adds the Qt GUI, `dask` adds
#: distributed, bokeh and more; the environment uses matplotlib-base and dask-core instead.
CONDA_METAPACKAGES = {"matplotlib", "dask"}
#: Direct dependencies that conda-forge does not carry (checked against conda-forge's list of package names,
#: August 2026): they must come from PyPI, in the pip section.
PYPI_ONLY = {"krippendorff", "pyarabic", "arabic-stopwords", "fontpkg-noto-sans-arabic"}


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _environment() -> dict[str, Any]:
    env: dict[str, Any] = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    return env


def _conda_specs() -> list[str]:
    return [d for d in _environment()["dependencies"] if isinstance(d, str)]


def _pip_lines() -> list[str]:
    sections = [d["pip"] for d in _environment()["dependencies"] if isinstance(d, dict)]
    assert len(sections) == 1, "environment.yml should have one pip section"
    return [str(line) for line in sections[0]]


def _constraints() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"constraints.txt: {line!r} is not pinned with =="
            pins[_canonical(name)] = version
    return pins


def _environment_pins() -> dict[str, str]:
    """PyPI name -> version for every package environment.yml pins, conda's and pip's."""
    assert _environment()["channels"] == ["conda-forge"]
    pins = {}
    for spec in _conda_specs():
        name, _, version = spec.partition("=")
        if name not in {"python", "pip"}:
            pins[_canonical(CONDA_TO_PYPI.get(name, name))] = version
    for line in _pip_lines():
        if line.startswith("-"):  # -c constraints.txt, -e .[all]
            continue
        req = Requirement(line)
        version = str(req.specifier).removeprefix("==")
        assert str(req.specifier) == f"=={version}", f"environment.yml, pip section: {line!r} is not pinned with =="
        pins[_canonical(req.name)] = version
    return pins


def test_environment_yml_pins_agree_with_constraints() -> None:
    constraints = _constraints()
    env = _environment_pins()
    assert env, "environment.yml lists no pinned packages"
    mismatched = {n: (v, constraints.get(n)) for n, v in env.items() if constraints.get(n) != v}
    assert not mismatched, f"environment.yml pins differ from constraints.txt: {mismatched}"


def test_every_direct_dependency_is_pinned_in_both() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    groups = project["optional-dependencies"]
    specs = list(project["dependencies"]) + [s for group in groups.values() for s in group]
    direct = {_canonical(re.match(r"[A-Za-z0-9_.-]+", s).group(0)) for s in specs}  # type: ignore[union-attr]
    direct.discard("arabic-themes")
    # the benchmarks' extras (make benchmark / make embedding-baseline install them with pip) are not part of the
    # conda environment
    extras = [s for name in ("bench", "embeddings") for s in groups.get(name, [])]
    bench_only = {_canonical(re.match(r"[A-Za-z0-9_.-]+", s).group(0)) for s in extras}  # type: ignore[union-attr]
    constraints, env = _constraints(), _environment_pins()
    assert direct - set(constraints) == set(), "direct dependencies missing from constraints.txt"
    assert direct - bench_only - set(env) == set(), "direct dependencies missing from environment.yml"


def test_environment_installs_the_package_itself_with_every_extra() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert "all" in project["optional-dependencies"]
    assert "-e .[all]" in _pip_lines()


def test_pip_section_installs_with_the_constraints_file() -> None:
    """conda and mamba write the pip section to a requirements file beside environment.yml and run pip from that
    folder, and pip reads a relative `-c` path from the requirements file's folder: so the line names
    constraints.txt next to environment.yml, and comes first, before anything it constrains."""
    lines = _pip_lines()
    assert lines[0] == "-c constraints.txt", "the pip section should start with -c constraints.txt"
    assert ((ROOT / "environment.yml").parent / "constraints.txt").is_file()
    options = [line for line in lines if line.startswith("-")]
    assert options == ["-c constraints.txt", "-e .[all]"], f"unexpected pip options: {options}"


def test_conda_section_uses_conda_forge_names() -> None:
    conda = {spec.partition("=")[0] for spec in _conda_specs()}
    assert not conda & CONDA_METAPACKAGES, "use matplotlib-base / dask-core, not the metapackages"
    assert not {_canonical(n) for n in conda} & PYPI_ONLY, "not on conda-forge: list them in the pip section"
    pip = {_canonical(Requirement(line).name) for line in _pip_lines() if not line.startswith("-")}
    assert pip >= PYPI_ONLY


def test_figure_tests_compare_images_under_plain_pytest() -> None:
    """pytest-mpl compares nothing without --mpl, so it is in pytest's own configuration."""
    pytest_config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["pytest"]
    assert "--mpl" in pytest_config["ini_options"]["addopts"].split()
