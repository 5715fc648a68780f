# Every target installs what it needs into .venv first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
STORE  ?= corpus/store
SET    ?= ../shared/data/attribution-dev
PAN    ?= ../shared/data/pan13-text-alignment-training-corpus-2013-01-21

.PHONY: install demo test lint bench eval eval-pan clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/overlap corpus add corpus/demo/sources --role source --corpus $(STORE)
	$(BIN)/overlap corpus add corpus/demo/prior --role prior --corpus $(STORE)
	$(BIN)/overlap scan corpus/demo/week --corpus $(STORE) --exclude corpus/demo/prompt.txt \
		--out reports/demo

test: install
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check overlap tests benchmarks
	$(BIN)/ruff format --check overlap tests benchmarks
	$(BIN)/mypy

bench: install
	$(BIN)/python benchmarks/bench.py

eval: install
	$(BIN)/overlap eval attribution $(SET)

eval-pan: install
	$(BIN)/overlap eval pan $(PAN) --out reports/pan

clean:
	rm -rf $(VENV) reports .pytest_cache .mypy_cache .ruff_cache
