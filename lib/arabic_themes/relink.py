"""Links in a result notebook of ``analyse`` that lead to the files the run used.

The notebooks' Markdown is written for the project's layout (``../data/codebook.yaml``,
``../README.md``, ``03_validate_coding.ipynb``); copied into ``OUT/notebooks`` those links would
lead nowhere. :func:`relink` rewrites each relative link of the Markdown cells: a path at or under
one of the notebook's parameter defaults (the corpus, the codebook, the output folder, …) to the
file or folder the run used instead; a notebook the run executed to its copy; anything else that
exists to the same file in the project. Links to web pages and anchors are left as they are.
"""

from __future__ import annotations

import ast
import os
import re
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

__all__ = ["link_to", "parameter_defaults", "relink"]

#: A Markdown link's target: ``](target)`` or ``](<target>)``, an optional ``#anchor`` kept apart.
_LINK = re.compile(r"\]\((<[^>\n]*>|[^)\s]+)\)")


def parameter_defaults(nb: Any) -> dict[str, str]:
    """The string values assigned in the notebook's cell tagged ``parameters`` (the project's defaults)."""
    for cell in nb.cells:
        if cell.cell_type == "code" and "parameters" in cell.metadata.get("tags", []):
            found: dict[str, str] = {}
            for node in ast.parse(str(cell.source)).body:
                if not isinstance(node, ast.Assign):
                    continue
                value = node.value.value if isinstance(node.value, ast.Constant) else None
                if isinstance(value, str):
                    found.update((t.id, value) for t in node.targets if isinstance(t, ast.Name))
            return found
    return {}


def link_to(path: Path, start: Path, folder: bool = False) -> str:
    """A Markdown link target for ``path`` seen from ``start``: relative where it can be, URL-quoted."""
    try:
        text = os.path.relpath(path, start)
    except ValueError:  # another drive (Windows): no relative path
        text = str(path)
    text = Path(text).as_posix() + ("/" if folder else "")
    return quote(text, safe="/.-_~:")


def _moves(nb: Any, parameters: Mapping[str, object], source: Path, out: Path) -> list[tuple[Path, Path]]:
    """(project path, the run's path) for each parameter the run set to another existing path, longest first."""
    moves = []
    for name, default in parameter_defaults(nb).items():
        value = parameters.get(name)
        if not default or not isinstance(value, str) or not value or " " in default.strip():
            continue  # unset, not a path, or a list of paths
        before = (source / default).resolve()
        after = (out / value).resolve()  # an absolute value stays itself
        if before != after:
            moves.append((before, after))
    return sorted(moves, key=lambda m: len(m[0].parts), reverse=True)


def relink(nb: Any, parameters: Mapping[str, object], *, source: Path, out: Path, executed: Collection[str]) -> None:
    """Rewrite, in place, the relative links of ``nb``'s Markdown cells for a copy run in ``out``.

    ``source`` is the folder the notebook comes from, ``parameters`` the values the run injected,
    ``executed`` the names of the notebooks the run executed into ``out`` (the same folder).
    """
    source, out = Path(source).resolve(), Path(out).resolve()
    moves = _moves(nb, parameters, source, out)

    def new_target(match: re.Match[str]) -> str:
        raw = match.group(1).strip("<>")
        path, hash_, anchor = raw.partition("#")
        if not path or re.match(r"^[a-z][a-z0-9+.-]*:", path, flags=re.IGNORECASE):
            return match.group(0)  # an anchor, a web page, a mailto:
        if "/" not in path and path in executed:
            return match.group(0)  # its copy is beside this one
        folder = path.endswith("/")
        target = (source / unquote(path)).resolve()
        for before, after in moves:
            if target == before or target.is_relative_to(before):
                return f"]({link_to(after / target.relative_to(before), out, folder)}{hash_}{anchor})"
        if target.exists():
            return f"]({link_to(target, out, folder)}{hash_}{anchor})"
        return match.group(0)

    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = _LINK.sub(new_target, str(cell.source))
