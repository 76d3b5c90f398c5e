# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint install bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,cluster]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/ahvlab check

lint: $(STAMP)
	$(BIN)/ruff check ahvlab tests bench
	$(BIN)/ruff format --check ahvlab tests bench
	$(BIN)/mypy ahvlab
	$(BIN)/mypy --strict ahvlab/checker

test: lint
	$(BIN)/python -m pytest -n 2

bench: $(STAMP)
	$(BIN)/python bench/model_bench.py
	$(BIN)/python bench/liveness.py
	$(BIN)/python bench/capacity.py
	$(BIN)/python bench/vs_tlc.py
	$(BIN)/python bench/shrink.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
