# exhume: two commands do all set-up on a fresh machine.
#   make demo   build the synthetic Izium demo on SQLite and serve it on http://127.0.0.1:$(PORT)
#   make test   run the whole test suite (SQLite, or PostgreSQL when EXHUME_TEST_DATABASE_URL is set)
#   make bench  run the speed benchmarks in benchmarks/ (medians with same-run baselines)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
SEED   ?= 2022
STAMP  := $(VENV)/.installed

.PHONY: demo test lint typecheck check clean bench

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/exhume demo --seed $(SEED) --serve --port $(PORT)

test: $(STAMP)
	$(BIN)/python -m pytest; rc=$$?; if [ $$rc -eq 5 ]; then echo "make test: pytest collected no tests, which counts as a failure"; fi; exit $$rc

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy src/exhume

check: lint typecheck test

bench: $(STAMP)
	$(BIN)/python benchmarks/kinship_examples.py --runs 3
	$(BIN)/python benchmarks/screening.py
	$(BIN)/python benchmarks/ledger_bench.py

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
