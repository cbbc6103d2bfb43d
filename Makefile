# marketing-kit: every target creates .venv on first use, so each works on a fresh machine
# that has only Python 3.11, pip and make.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
ASSIGNMENTS := $(notdir $(wildcard solutions/*))
# nbgrader runs the `alembic` executable by name, so the venv's bin must be on PATH.
export PATH := $(abspath $(BIN)):$(PATH)

.PHONY: lab test lint release data bench browser-deps hub-deps sandbox-deps clean korean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(VENV)/.installed $@

## make lab: install the kit and open JupyterLab on the student notebooks.
## make lab EDITION=ko opens the Korean edition (notebooks/*-ko); LANG is the user's locale, so
## the switch has its own name.
EDITION ?= en
LAB_START := $(if $(filter ko,$(EDITION)),/lab/tree/notebooks/00-getting-started-ko,/lab/tree/notebooks)
lab: $(VENV)/.installed
	$(BIN)/jupyter lab $(ROOT_FLAG) --ServerApp.root_dir="$(CURDIR)" --LabApp.default_url=$(LAB_START)

## make test: install the dev extra (and the browser the UI test needs) and run every test.
## Both cores: pytest-xdist sends each test file to one worker (--dist loadfile), so a file's
## module-scoped fixtures (a JupyterLab server, a graded class) are built once. (--dist loadgroup
## would split files further, but xdist 3.8 cannot regroup tests under pytest 9.)
test: $(STAMP) browser-deps hub-deps sandbox-deps
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n 2 --dist loadfile --durations=30 --junitxml=artifacts/pytest.xml

lint: $(STAMP)
	$(BIN)/ruff check .

## make release: regenerate notebooks/ from solutions/ with nbgrader.
release: $(VENV)/.installed
	@for a in $(ASSIGNMENTS); do \
		$(BIN)/nbgrader generate_assignment "$$a" --force --log-level=WARN || exit 1; \
	done

## make korean: regenerate the Korean twins (solutions/NN-topic-ko) from English + i18n/ko/*.yml.
korean: $(VENV)/.installed
	$(BIN)/python -m marketing_kit.i18n build

## make data: rebuild the synthetic datasets (byte-identical to the committed ones).
data: $(VENV)/.installed
	$(BIN)/python -m marketing_kit.synthetic datasets

## make bench: run the benchmarks in benchmarks/.
bench: $(STAMP)
	$(BIN)/python -m benchmarks

## Debian's Chromium for the browser test, and a Hangul font for its Korean pages (without one
## Chromium draws the Korean edition's labels as empty boxes); never `playwright install`.
browser-deps:
	@{ command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi nanum; } || { \
		if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-nanum \
		>/dev/null || \
		echo "WARNING: could not install chromium and fonts-nanum; the browser test will skip"; }

## bubblewrap: every autograde runs the student kernel in it (docs/grading-robustness.md).
sandbox-deps:
	@command -v bwrap >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq bubblewrap >/dev/null || \
		echo "WARNING: could not install bubblewrap; grading (and its tests) will stop or skip"; }

## configurable-http-proxy for the JupyterHub smoke test (tests/test_hub.py), from npm into .venv/node.
hub-deps:
	@command -v configurable-http-proxy >/dev/null 2>&1 || \
		test -x $(VENV)/node/node_modules/.bin/configurable-http-proxy || \
		{ command -v npm >/dev/null 2>&1 && \
		npm install --silent --no-audit --no-fund --prefix $(VENV)/node configurable-http-proxy; } || \
		echo "WARNING: could not install configurable-http-proxy; the hub smoke test will skip"

## make wheel: the student wheel (package + datasets, no solutions) in dist/; students run
## `pip install marketing_kit-0.1.0-py3-none-any.whl`.
wheel: $(STAMP)
	$(BIN)/python -m pip wheel --no-deps --no-build-isolation --wheel-dir dist .
	@ls dist/marketing_kit-*.whl

## make clean: tool files only (venv, caches, build output). Course data is never touched here.
clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis build dist

## make clean-course-data: submissions, grades (hand marks too) and feedback, after a prompt and
## a backup of gradebook.db in backups/ (marketing-kit reset).
clean-course-data: $(VENV)/.installed
	$(BIN)/marketing-kit reset
