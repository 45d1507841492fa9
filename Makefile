# Redink: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: run test lint install bench-search bench-related bench-import bench-anchoring clean

$(STAMP): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Redink needs Python 3.11 or newer")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

## Serve the demo library on http://127.0.0.1:8000 with one background worker.
run: install
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py load_demo
	DEBUG=1 $(BIN)/python manage.py rundemo

## Run the whole test suite (DATABASE_URL picks the database; SQLite by default).
test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## ruff and mypy.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=1 $(BIN)/mypy

## The search benchmark at CI size (BENCH_ESSAYS=160000 for the full run; see docs/performance.md).
BENCH_ESSAYS ?= 2000
BENCH_DIR    ?= /tmp
# Each benchmark works on a scratch SQLite database of its own.
bench_db = $(BENCH_DIR)/redink-bench-$(1)-$(BENCH_ESSAYS).sqlite3
bench-search: install
	rm -f $(call bench_db,search)*
	DEBUG=1 DATABASE_URL=sqlite:///$(call bench_db,search) $(BIN)/python manage.py migrate -v0
	DEBUG=1 DATABASE_URL=sqlite:///$(call bench_db,search) $(BIN)/python manage.py generate_corpus --essays $(BENCH_ESSAYS) --seed 1 --quiet
	DEBUG=1 DATABASE_URL=sqlite:///$(call bench_db,search) $(BIN)/python manage.py bench_search $(BENCH_ARGS)

## Related-essay quality, rebuild time and page cost at CI size.
bench-related: install
	rm -f $(call bench_db,related)*
	DEBUG=1 DATABASE_URL=sqlite:///$(call bench_db,related) $(BIN)/python manage.py migrate -v0
	DEBUG=1 DATABASE_URL=sqlite:///$(call bench_db,related) $(BIN)/python manage.py generate_corpus --essays $(BENCH_ESSAYS) --seed 1 --quiet
	DEBUG=1 DATABASE_URL=sqlite:///$(call bench_db,related) $(BIN)/python manage.py bench_related $(BENCH_ARGS)

## The import and originality benchmark at CI size.
bench-import: install
	rm -f $(call bench_db,import)*
	DEBUG=1 DATABASE_URL=sqlite:///$(call bench_db,import) $(BIN)/python manage.py migrate -v0
	DEBUG=1 DATABASE_URL=sqlite:///$(call bench_db,import) $(BIN)/python manage.py bench_import --essays $(BENCH_ESSAYS) $(BENCH_ARGS)

## Re-anchoring 50 margin comments on a 2,000-word essay after four kinds of edit (no corpus needed).
bench-anchoring: install
	rm -f $(call bench_db,anchoring)*
	DEBUG=1 DATABASE_URL=sqlite:///$(call bench_db,anchoring) $(BIN)/python manage.py migrate -v0
	DEBUG=1 DATABASE_URL=sqlite:///$(call bench_db,anchoring) $(BIN)/python manage.py bench_anchoring $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
