# Two commands do everything on a fresh machine with Python 3.11+ (see README):
#   make run    set up, then execute every notebook in order, regenerating data/processed/ and figures/
#   make test   set up, then lint (ruff) and type-check (mypy), then run unit tests, figure regression tests and nbval on every notebook
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PYTEST := $(BIN)/python -m pytest

.PHONY: setup run test lab baselines benchmark embedding-baseline check-render clean-venv

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is needed, found " + sys.version)'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[all]'
	touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(BIN)/arabic-themes run-notebooks notebooks

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(PYTEST) --nbval --nbval-current-env tests notebooks

# JupyterLab at the repository root, so that notebooks/, data/ and figures/ can all be browsed.
lab: $(STAMP)
	$(BIN)/jupyter lab --ServerApp.root_dir="$(CURDIR)"

# Regenerate the figure baselines after a deliberate change of a figure; look at every PNG before committing.
baselines: $(STAMP)
	$(PYTEST) tests/test_plotting.py --mpl-generate-path=tests/baseline

benchmark: $(STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[bench]'  # flashtext and spaCy, the peers
	$(BIN)/python benchmarks/bench_coding.py

# A pretrained sentence encoder (multilingual-e5-small, from the extra `embeddings`) against the codebook on the
# real-text sets, by grouped cross-validation; prints the tables data/README.md quotes.
embedding-baseline: $(STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[embeddings]'
	$(BIN)/python benchmarks/embedding_baseline.py

# Render every notebook as GitHub shows it (styles and scripts stripped, ~1,000 px wide) and screenshot it in
# headless Chromium (Debian package `chromium`) into build/render/; prints each page's height and file size.
check-render: $(STAMP)
	$(BIN)/python tools/render_check.py

clean-venv:
	rm -rf $(VENV)
