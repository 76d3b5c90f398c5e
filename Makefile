# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint install browser docs-images bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,cluster]'
	touch $(STAMP)

install: $(STAMP) browser

# The serve test drives a real headless Chromium (Debian's package); installed once where apt exists.
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	if command -v apt-get >/dev/null 2>&1; then \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null 2>&1 || \
		{ apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null; }; \
	else echo "no apt-get here: install chromium for the browser test (it is skipped without it)"; fi

# The TUI at the brief's figures, for docs/classroom.md (a test checks they are current).
docs-images: $(STAMP) browser
	$(BIN)/python docs/images/render.py

demo: $(STAMP)
	$(BIN)/ahvlab check

lint: $(STAMP)
	$(BIN)/ruff check ahvlab tests bench
	$(BIN)/ruff format --check ahvlab tests bench
	$(BIN)/mypy ahvlab
	$(BIN)/mypy --strict ahvlab/checker

test: lint browser
	$(BIN)/python -m pytest -n 2

bench: $(STAMP)
	$(BIN)/python bench/model_bench.py
	$(BIN)/python bench/liveness.py
	$(BIN)/python bench/capacity.py
	$(BIN)/python bench/vs_tlc.py
	$(BIN)/python bench/shrink.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
