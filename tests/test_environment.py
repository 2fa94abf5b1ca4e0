"""The pins in environment.yml (conda/Binder) agree with constraints.txt (pip, make)."""

from __future__ import annotations

import re
import tomllib

import yaml

from conftest import ROOT


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


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
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    assert env["channels"] == ["conda-forge"]
    pins = {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            for spec in dep["pip"]:
                if spec.startswith("-e"):
                    continue
                name, _, version = spec.partition("==")
                pins[_canonical(name)] = version
        else:
            name, _, version = dep.partition("=")
            if name not in {"python", "pip"}:
                pins[_canonical(name)] = version
    return pins


def test_environment_yml_pins_agree_with_constraints() -> None:
    constraints = _constraints()
    env = _environment_pins()
    assert env, "environment.yml lists no pinned packages"
    mismatched = {n: (v, constraints.get(n)) for n, v in env.items() if constraints.get(n) != v}
    assert not mismatched, f"environment.yml pins differ from constraints.txt: {mismatched}"


def test_every_direct_dependency_is_pinned_in_both() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    specs = list(project["dependencies"]) + [s for group in project["optional-dependencies"].values() for s in group]
    direct = {_canonical(re.match(r"[A-Za-z0-9_.-]+", s).group(0)) for s in specs}  # type: ignore[union-attr]
    direct.discard("arabic-themes")
    constraints, env = _constraints(), _environment_pins()
    assert direct - set(constraints) == set(), "direct dependencies missing from constraints.txt"
    assert direct - set(env) == set(), "direct dependencies missing from environment.yml"


def test_environment_installs_the_package_itself() -> None:
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip


def test_figure_tests_compare_images_under_plain_pytest() -> None:
    """pytest-mpl compares nothing without --mpl, so it is in pytest's own configuration."""
    pytest_config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["pytest"]
    assert "--mpl" in pytest_config["ini_options"]["addopts"].split()
