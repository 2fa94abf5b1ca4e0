"""Hostile and careless codebooks: every one is a one-line CodebookError naming the file (issue 17.5)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arabic_themes import CodebookError, InputError, load_actors, load_codebook, load_cues

GOOD = """\
version: 1
themes:
  - id: alpha
    label_ar: ألف
    label_en: Alpha
    definition: d
    indicators:
      - id: one
        any: ["دعم"]
"""


def _load(tmp_path: Path, text: str | bytes) -> object:
    path = tmp_path / "codebook.yaml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return load_codebook(path)


def _error(tmp_path: Path, text: str | bytes) -> str:
    with pytest.raises(CodebookError) as info:
        _load(tmp_path, text)
    message = str(info.value)
    assert message.startswith(str(tmp_path / "codebook.yaml")), message
    assert "\n" not in message
    return message


def test_alias_bomb_is_refused_at_once(tmp_path: Path) -> None:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for k in range(ord("b"), ord("j")):
        prev = chr(k - 1)
        lines.append(f"{chr(k)}: &{chr(k)} [" + ", ".join([f"*{prev}"] * 9) + "]")
    began = time.perf_counter()
    message = _error(tmp_path, "\n".join(lines) + "\n" + GOOD)
    assert time.perf_counter() - began < 1
    assert "line 1: not valid YAML: anchors (&a) are not allowed" in message


def test_anchor_and_alias_are_refused_with_their_line(tmp_path: Path) -> None:
    text = GOOD.replace('any: ["دعم"]', "any: *terms").replace("version: 1\n", 'version: 1\nname: "x"\n')
    assert "line 10: not valid YAML: aliases (*terms) are not allowed" in _error(tmp_path, text)


def test_duplicate_key_is_refused_with_both_lines(tmp_path: Path) -> None:
    text = GOOD.replace('        any: ["دعم"]\n', '        any: ["دعم"]\n        any: ["مساعده"]\n')
    assert "line 10: not valid YAML: duplicate key 'any' (first given on line 9)" in _error(tmp_path, text)


def test_deep_nesting_is_refused_without_recursion_error(tmp_path: Path) -> None:
    assert "nested more than 50 levels" in _error(tmp_path, GOOD + "description: " + "[" * 10_000 + "]" * 10_000)


def test_huge_version_number_is_refused(tmp_path: Path) -> None:
    assert "a number of 100000 digits" in _error(tmp_path, GOOD.replace("version: 1", "version: " + "9" * 100_000))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("definition: d\n", "definition: d\n    include: true\n"), r"theme 'alpha' \(include\): expected a list"),
        (("definition: d\n", "definition: d\n    exclude: [[a]]\n"), r"theme 'alpha' \(exclude\): expected a list"),
        (("version: 1", "version: [1, 2]"), r"version must be a number or a text"),
        (("version: 1", "version: true"), r"version must be a number or a text"),
        (("version: 1", "version: 1\nname: {a: 1}"), r"name: expected text, found dict"),
        (("version: 1", "version: 1\ndescription: 12"), r"description: expected text, found int"),
        (('any: ["دعم"]', 'any: ["دعم"]\n        note: [a]'), r"indicator 'one' \(note\): expected text"),
        (("    definition: d\n", "    definition: d\n    anchors: [{quote: 12}]\n"), r"anchors must be a list"),
        (("    definition: d\n", "    definition: d\n    anchors: [quote]\n"), r"anchors must be a list"),
        (("    definition: d\n", "    definition: d\n    1: x\n"), r"unknown key\(s\) \['1'\]"),
        (("    definition: d\n", "    definition: [d]\n"), r"missing definition"),
        (('any: ["دعم"]', "any: [12]"), r"expected a non-empty list of terms"),
        (('any: ["دعم"]', 'any: ["re:"]'), r"codebook.yaml: theme 'alpha', indicator 'one': bad pattern 're:'"),
        (('any: ["دعم"]', 'any: ["re:(.*)+"]'), r"indicator 'one': bad pattern 're:\(\.\*\)\+': .*empty"),
        (('any: ["دعم"]', 'any: ["re:(a|a?)+$"]'), r"indicator 'one': bad pattern .*empty"),
        (('any: ["دعم"]', 'any: ["re:(ا+)+ب"]'), r"indicator 'one': bad pattern .*nested quantifiers"),
    ],
)
def test_every_field_is_type_checked(tmp_path: Path, change: tuple[str, str], message: str) -> None:
    import re

    text = GOOD.replace(*change)
    assert text != GOOD
    assert re.search(message, _error(tmp_path, text))


def test_codebook_not_in_utf8_names_the_file(tmp_path: Path) -> None:
    assert "not valid UTF-8" in _error(tmp_path, GOOD.encode("cp1256"))


@pytest.mark.parametrize("load", [load_actors, load_cues, load_codebook])
def test_every_yaml_loader_refuses_aliases_and_duplicate_keys(tmp_path: Path, load) -> None:
    path = tmp_path / "input.yaml"
    for text, message in [("a: &x [1]\nb: *x\n", "anchors"), ("a: 1\nb: 2\na: 3\n", "duplicate key 'a'")]:
        path.write_text(text, encoding="utf-8")
        with pytest.raises(InputError, match=f"{path}, line \\d: not valid YAML: {message}"):
            load(path)


# --- fuzzing: any YAML value in any field loads or is a CodebookError, never another exception ---------
_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8)
_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6) | st.integers(), inner, max_size=3),
    max_leaves=10,
)
_FIELDS = [
    ("version",),
    ("name",),
    ("themes",),
    ("themes", 0),
    ("themes", 0, "id"),
    ("themes", 0, "label_ar"),
    ("themes", 0, "include"),
    ("themes", 0, "anchors"),
    ("themes", 0, "color"),
    ("themes", 0, "drop_when"),
    ("themes", 0, "indicators"),
    ("themes", 0, "indicators", 0),
    ("themes", 0, "indicators", 0, "any"),
    ("themes", 0, "indicators", 0, "all"),
    ("themes", 0, "indicators", 0, "not"),
    ("themes", 0, "indicators", 0, "note"),
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=st.sampled_from(_FIELDS), value=_values)
def test_property_any_value_in_any_field_loads_or_is_a_codebook_error(tmp_path: Path, field, value) -> None:
    data = yaml.safe_load(GOOD)
    target = data
    for key in field[:-1]:
        target = target[key]
    target[field[-1]] = value
    try:
        _load(tmp_path, yaml.safe_dump(data, allow_unicode=True))
    except CodebookError as exc:
        assert "\n" not in str(exc)
