"""Render the notebooks roughly as GitHub shows them and screenshot them in headless Chromium.

GitHub renders a committed notebook to HTML and strips styles and scripts, keeping attributes
such as ``dir`` and tags such as ``<b>``. This script does the same with nbconvert, writes the
stripped page to ``build/render/<name>.html``, measures its height at a given width (default
1,000 px), and cuts a full-page screenshot into ``build/render/<name>-NN.png`` slices that can be
looked at one by one. It prints one line per notebook: page height, number of slices and the
notebook's file size.

    python tools/render_check.py                  # every numbered notebook in notebooks/
    python tools/render_check.py notebooks/03_validate_coding.ipynb --width 1000

Needs Debian's ``chromium`` (``apt-get install chromium``); nothing is downloaded.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]
_STYLE_BLOCK = re.compile(r"<style\b.*?</style>", re.S | re.I)
_SCRIPT_BLOCK = re.compile(r"<script\b.*?</script>", re.S | re.I)
_LINK_CSS = re.compile(r"<link\b[^>]*stylesheet[^>]*>", re.I)
_STYLE_ATTR = re.compile(r"\sstyle=(\"[^\"]*\"|'[^']*')", re.I)
_HEIGHT_PROBE = (
    "<script>window.addEventListener('load',()=>{document.title='HEIGHT='+"
    "document.documentElement.scrollHeight;});</script>"
)


def stripped_html(notebook: Path) -> str:
    """The notebook as HTML with ``<style>``, stylesheet links, ``style=`` attributes and scripts removed."""
    from nbconvert import HTMLExporter

    html, _ = HTMLExporter(template_name="classic").from_filename(str(notebook))
    for pattern in (_STYLE_BLOCK, _SCRIPT_BLOCK, _LINK_CSS, _STYLE_ATTR):
        html = pattern.sub("", html)
    return html


def _chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    sys.exit("error: Chromium not found; install Debian's package: apt-get install chromium")


def page_height(html_path: Path, width: int, browser: str) -> int:
    """Height in CSS pixels of the page at ``width``, read by a probe script in a copy of the page."""
    with tempfile.TemporaryDirectory() as tmp:
        probe = Path(tmp) / "probe.html"
        probe.write_text(html_path.read_text(encoding="utf-8").replace("</body>", _HEIGHT_PROBE + "</body>"), "utf-8")
        out = subprocess.run(
            [browser, *CHROMIUM_FLAGS, f"--window-size={width},800", f"--user-data-dir={tmp}/profile",
             "--dump-dom", probe.as_uri()],
            capture_output=True, text=True, check=True, timeout=120,
        ).stdout
    found = re.search(r"<title>HEIGHT=(\d+)</title>", out)
    if not found:
        raise RuntimeError(f"could not measure the height of {html_path}")
    return int(found.group(1))


def screenshot(html_path: Path, width: int, height: int, target: Path, browser: str, slice_px: int) -> list[Path]:
    """A full-page screenshot, cut into slices of ``slice_px`` pixels for reading one at a time."""
    from PIL import Image

    with tempfile.TemporaryDirectory() as tmp:
        full = Path(tmp) / "full.png"
        subprocess.run(
            [browser, *CHROMIUM_FLAGS, f"--window-size={width},{height}", f"--user-data-dir={tmp}/profile",
             f"--screenshot={full}", html_path.as_uri()],
            capture_output=True, check=True, timeout=300,
        )
        image = Image.open(full)
        slices = []
        for i, top in enumerate(range(0, image.height, slice_px), start=1):
            part = target.with_name(f"{target.stem}-{i:02d}.png")
            image.crop((0, top, image.width, min(top + slice_px, image.height))).save(part)
            slices.append(part)
    return slices


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", type=Path, help="notebooks (default: notebooks/[0-9][0-9]_*.ipynb)")
    parser.add_argument("--width", type=int, default=1000, help="page width in pixels (default 1000)")
    parser.add_argument("--slice", type=int, default=1600, help="height of each screenshot slice (default 1600)")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "render", help="output folder")
    parser.add_argument("--no-screenshots", action="store_true", help="only measure page heights")
    args = parser.parse_args(argv)
    browser = _chromium()
    notebooks = args.notebooks or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    args.out.mkdir(parents=True, exist_ok=True)
    total = 0
    for notebook in notebooks:
        html_path = args.out / f"{notebook.stem}.html"
        html_path.write_text(stripped_html(notebook), encoding="utf-8")
        height = page_height(html_path, args.width, browser)
        total += height
        for old in args.out.glob(f"{notebook.stem}-[0-9][0-9].png"):
            old.unlink()
        slices = [] if args.no_screenshots else screenshot(
            html_path, args.width, height, args.out / f"{notebook.stem}.png", browser, args.slice
        )
        size_kb = notebook.stat().st_size / 1024
        print(f"{notebook.name}: {height:,} px high at {args.width} px, {len(slices)} slices, {size_kb:,.0f} KB")
    print(f"all: {total:,} px")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
