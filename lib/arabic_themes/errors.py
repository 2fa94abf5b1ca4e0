"""Errors for bad input files, and the shared readers that raise them.

Every loader of the package (corpus, codebook, actor list, cues, glue table, run-in headings,
spelling variants, reference coding) raises an :class:`InputError` — a :class:`ValueError` —
whose one-line message names the file, and the line where there is one. A missing file is an
:class:`InputNotFoundError`, which is also a :class:`FileNotFoundError`. Nothing lower-level
(``OSError``, ``UnicodeDecodeError``, ``yaml.YAMLError``, ``csv.Error``) escapes a loader.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import yaml

__all__ = ["InputError", "InputNotFoundError", "read_csv_rows", "read_input_text", "read_yaml"]


class InputError(ValueError):
    """An input file is missing, unreadable or malformed; the message names the file (and line)."""


class InputNotFoundError(InputError, FileNotFoundError):
    """An input file or folder does not exist."""


def read_input_text(
    path: str | Path,
    what: str,
    *,
    error: type[InputError] = InputError,
    missing: type[InputError] = InputNotFoundError,
    encoding: str = "utf-8",
) -> str:
    """The text of ``path`` (``what`` names the kind of file in messages), decoded, newlines untouched."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise missing(f"{path}: {what} not found") from None
    except OSError as exc:
        raise error(f"{path}: cannot read the {what}: {exc.strerror or exc}") from None
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise error(
            f"{path}: not valid UTF-8 (byte {exc.start} is 0x{data[exc.start]:02x}); save the {what} as UTF-8"
        ) from None


#: Deepest nesting of lists and mappings accepted in a YAML input (the project's files use 6).
YAML_MAX_DEPTH = 50
#: Longest integer accepted in a YAML input, in digits (Python refuses to convert more than 4,300).
_YAML_MAX_DIGITS = 100


class _StrictLoader(yaml.SafeLoader):  # type: ignore[misc]  # PyYAML ships no type stubs
    """``yaml.SafeLoader`` for input files written by hand: no anchors or aliases (an alias bomb of a
    few hundred bytes expands to gigabytes), no duplicate keys (the first value would be lost silently),
    bounded nesting and integer length. Each refusal is a YAML error with the line where it happens."""

    _depth = 0

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise yaml.composer.ComposerError(
                None, None, f"aliases (*{event.anchor}) are not allowed; write the value out", event.start_mark
            )
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise yaml.composer.ComposerError(
                None, None, f"anchors (&{anchor}) are not allowed; write the value out", event.start_mark
            )
        if isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent):
            if self._depth >= YAML_MAX_DEPTH:
                raise yaml.composer.ComposerError(
                    None, None, f"lists and mappings nested more than {YAML_MAX_DEPTH} levels deep", event.start_mark
                )
            self._depth += 1
            try:
                return super().compose_node(parent, index)
            finally:
                self._depth -= 1
        return super().compose_node(parent, index)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[object, object]:
        seen: dict[object, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                first = seen.get(key)
            except TypeError:  # an unhashable key: the base class reports it
                continue
            if first is not None:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r} (first given on line {first})", key_node.start_mark
                )
            seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        digits = sum(ch.isdigit() for ch in str(node.value))
        if digits > _YAML_MAX_DIGITS:
            raise yaml.constructor.ConstructorError(
                None, None, f"a number of {digits} digits (at most {_YAML_MAX_DIGITS}); quote it", node.start_mark
            )
        return int(super().construct_yaml_int(node))


_StrictLoader.add_constructor("tag:yaml.org,2002:int", _StrictLoader.construct_yaml_int)


def read_yaml(
    path: str | Path,
    what: str,
    *,
    error: type[InputError] = InputError,
    missing: type[InputError] = InputNotFoundError,
) -> object:
    """Parse the YAML file ``path`` safely (see :class:`_StrictLoader`); any problem is one line naming
    the file and the line."""
    text = read_input_text(path, what, error=error, missing=missing)
    try:
        return yaml.load(text, Loader=_StrictLoader)  # a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}, line {mark.line + 1}" if mark is not None else f"{path}"
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise error(f"{where}: not valid YAML: {problem}") from None
    except (ValueError, RecursionError) as exc:  # a value the constructors refuse, beyond the checks above
        raise error(f"{path}: not valid YAML: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from None


def read_csv_rows(
    path: str | Path,
    what: str,
    required: list[str],
    *,
    error: type[InputError] = InputError,
) -> list[tuple[int, dict[str, str]]]:
    """The rows of the CSV file ``path`` (UTF-8, BOM allowed) as ``(line, row)`` pairs.

    ``line`` is the physical line where the row ends (blank lines and quoted newlines counted);
    values are as written (``""`` for a missing field). A missing ``required`` column is an error
    naming the columns expected and found.
    """
    text = read_input_text(path, what, error=error, encoding="utf-8-sig")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        header = reader.fieldnames or []
        absent = [c for c in required if c not in header]
        if absent:
            raise error(
                f"{path}: missing column(s) {absent}; expected columns {','.join(required)}, found {list(header)}"
            )
        for row in reader:
            rows.append((reader.line_num, {k: v or "" for k, v in row.items() if k is not None}))
    except csv.Error as exc:
        raise error(f"{path}, line {reader.line_num}: not valid CSV: {exc}") from None
    return rows
