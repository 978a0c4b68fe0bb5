# Two commands from a fresh clone: `make reports` and `make test`.
# Everything installs from requirements.lock (exact versions) into .venv.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
INCIDENT ?= data/irs-dhs

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: reports test lint lab lock bench clean browser-deps validate

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@# the lock holds the test and dask extras too, so `make test` runs the Dask tests
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (taxfirewall)" >/dev/null
	@# git strips notebook outputs on commit (.gitattributes); does nothing outside a git work tree
	$(BIN)/python tools/clean_notebooks.py --install-git-filter
	@touch $(STAMP)

validate: $(STAMP)
	$(BIN)/taxfirewall validate $(INCIDENT)

reports: $(STAMP)
	$(BIN)/taxfirewall validate $(INCIDENT)
	$(BIN)/taxfirewall build
	$(BIN)/taxfirewall summary --data $(INCIDENT) --out reports/data-summary.md
	$(BIN)/taxfirewall summary --data $(INCIDENT) --lang es --out reports/data-summary.es.md
	$(BIN)/taxfirewall export --data $(INCIDENT) --out reports/charts
	$(BIN)/taxfirewall export --data $(INCIDENT) --lang es --out reports/charts
	$(BIN)/taxfirewall readme --data $(INCIDENT)
	$(BIN)/taxfirewall codebook --data $(INCIDENT)

# Times the report build against a papermill + nbconvert loop, then the chart export (benchmarks/).
bench: $(STAMP)
	$(BIN)/python benchmarks/bench_build.py
	$(BIN)/python benchmarks/bench_export.py

# Browser tests drive Debian's Chromium (never a browser download of the test tool's own).
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "installing Debian's chromium for the browser tests"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; }
	@command -v java >/dev/null 2>&1 || { \
		echo "installing a Java runtime for the HTML validator"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq default-jre-headless >/dev/null; }

# Lint and format check first (ruff, configured in pyproject.toml): a finding fails the run.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: $(STAMP) browser-deps lint
	$(BIN)/python -m pytest

# JupyterLab on 127.0.0.1, open on notebooks/01_explore.ipynb; prints the address (with token) to open.
lab: $(STAMP)
	$(BIN)/python tools/lab.py

# Re-resolve the lock from pyproject.toml's ranges, then regenerate environment.yml from it.
lock: $(STAMP)
	$(BIN)/pip-compile --quiet --no-header --no-annotate --strip-extras --no-emit-index-url \
		--no-emit-find-links --extra test --extra dask --output-file requirements.lock pyproject.toml
	$(BIN)/python tools/write_environment.py

clean:
	rm -rf $(VENV) reports/_executed reports/_failed
