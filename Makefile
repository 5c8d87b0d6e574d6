# councilkg: `make run` (set up, ingest the seeds, serve) and `make test` (set up, run every test).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: setup run ingest serve test test-fast lint bench bench-scale virtuoso-up virtuoso-down clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# the CPU build of torch first: an unpinned torch would pull several GB of CUDA
	$(BIN)/python -m pip install --quiet torch==2.13.0
	# the ray extra too, so the tests run the Ray executor
	$(BIN)/python -m pip install --quiet -e ".[dev,ray]"
	# Debian's chromium drives the browser tests and virtuoso-opensource is the SPARQL server
	# backend the tests compare with Oxigraph; install them when they are missing
	command -v chromium >/dev/null && command -v virtuoso-t >/dev/null \
	  || (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium virtuoso-opensource) \
	  || (sudo apt-get update -q && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium virtuoso-opensource)
	touch $(STAMP)

ingest: setup
	$(BIN)/councilkg ingest seeds/

run: ingest
	@echo "serving on http://$(HOST):$(PORT)/"
	$(BIN)/councilkg serve --host $(HOST) --port $(PORT)

test: setup lint
	$(BIN)/python -m pytest -q

# the edit loop: everything but the end-to-end tests over whole sets of documents (marked slow in tests/conftest.py)
test-fast: setup
	$(BIN)/python -m pytest -q -m "not slow"

lint: setup
	$(BIN)/ruff check kg nlp api tests bench
	$(BIN)/ruff format --check kg nlp api tests bench

bench: setup
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/ask.py
	$(BIN)/python bench/scale.py --sizes 1,10

# the seeds replicated 100x (long: run it on a quiet machine)
bench-scale: setup
	$(BIN)/python bench/scale.py --sizes 100

# a local Virtuoso for COUNCILKG_STORE=virtuoso (installs the Debian package when missing)
virtuoso-up: setup
	$(BIN)/python -m kg.virtuoso_server up

virtuoso-down:
	$(BIN)/python -m kg.virtuoso_server down

clean:
	rm -rf .councilkg .pytest_cache
