# Redink: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: run test lint install bench-search bench-related bench-import bench-anchoring bench-load bench-page clean prod-up prod-down lighthouse

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

## The production stack on loopback from this machine's PostgreSQL and Redis: migrations, 2 gunicorn
## workers, 1 task worker, the scheduler and nginx on http://127.0.0.1:8080 (docs/deploy.md).
## Run as a module, not through manage.py: it starts Django processes and needs no settings itself.
PROD_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/redink_prod
PROD_REDIS_URL    ?= redis://127.0.0.1:6379/2
prod-up: install
	DATABASE_URL=$(PROD_DATABASE_URL) REDIS_URL=$(PROD_REDIS_URL) $(BIN)/python -m redink.ops.stack up

## Stop exactly the processes prod-up started (by the pids it recorded in .prod/pids/).
prod-down:
	$(BIN)/python -m redink.ops.stack down

## Lighthouse on the home, search and essay pages through nginx, mobile and desktop (docs/quality.md): fails
## when accessibility, best practices or SEO is under 95; performance is printed (LIGHTHOUSE_ARGS=--gate-performance
## gates it at 90). Starts the production stack if it is not running and then stops it; a running one stays up.
LIGHTHOUSE_ARGS  ?=
LIGHTHOUSE_STAMP := deploy/lighthouse/node_modules/.installed-stamp
$(LIGHTHOUSE_STAMP): deploy/lighthouse/package.json deploy/lighthouse/package-lock.json
	npm ci --prefix deploy/lighthouse --no-audit --no-fund --loglevel=error
	touch $@
# npm ci runs while the stack starts, since neither needs the other.
lighthouse: install
	@if $(BIN)/python -m redink.ops.stack status >/dev/null 2>&1; then \
	  $(MAKE) --no-print-directory $(LIGHTHOUSE_STAMP) && $(BIN)/python -m redink.ops.lighthouse $(LIGHTHOUSE_ARGS); \
	else \
	  trap '$(MAKE) --no-print-directory prod-down' EXIT; trap 'exit 130' INT TERM; \
	  $(MAKE) --no-print-directory $(LIGHTHOUSE_STAMP) & npm=$$!; \
	  $(MAKE) --no-print-directory prod-up; up=$$?; \
	  wait $$npm && [ $$up -eq 0 ] && $(BIN)/python -m redink.ops.lighthouse $(LIGHTHOUSE_ARGS); \
	fi

## Run the whole test suite (DATABASE_URL picks the database; SQLite by default). On SQLite, the tests
## marked postgresql then run again on the PostgreSQL at TEST_POSTGRES_URL when it answers within 2 s
## (Django's test runner makes test_redink_make_test there; the password, if any, from PGPASSWORD), unless
## REDINK_MAKE_TEST_PG=0 (CI, whose own PostgreSQL pass runs every test). PYTEST_ARGS apply to both runs.
TEST_POSTGRES_URL   ?= postgres://postgres@127.0.0.1:5432/redink_make_test
REDINK_MAKE_TEST_PG ?= 1
test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)
	@if [ -n "$(DATABASE_URL)" ] || [ "$(REDINK_MAKE_TEST_PG)" = 0 ]; then exit 0; fi; \
	if at=$$($(BIN)/python -c 'import sys, psycopg; c = psycopg.connect(sys.argv[1], dbname="postgres", connect_timeout=2); print(f"{c.info.host}:{c.info.port}")' \
	    '$(TEST_POSTGRES_URL)' 2>/dev/null); then \
	  echo "Tests marked postgresql, on the PostgreSQL at $$at:"; \
	  DATABASE_URL='$(TEST_POSTGRES_URL)' $(BIN)/python -m pytest -m postgresql $(PYTEST_ARGS); rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "(none among the tests selected)"; rc=0; fi; exit $$rc; \
	else \
	  echo "Tests marked postgresql skipped: no PostgreSQL answered at TEST_POSTGRES_URL (127.0.0.1:5432 by default)."; \
	fi

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

## Mixed load through nginx on PostgreSQL and Redis at 200 requests/s (BENCH_LOAD_SECONDS=600 for the
## full run); fails on any error or 5xx. Each corpus size keeps a database of its own, reused by later runs.
BENCH_LOAD_SECONDS  ?= 20
BENCH_LOAD_DATABASE ?= postgres://postgres@127.0.0.1:5432/redink_bench_load_$(BENCH_ESSAYS)
BENCH_LOAD_REDIS    ?= redis://127.0.0.1:6379/14
bench-load: install
	DEBUG=1 DATABASE_URL=$(BENCH_LOAD_DATABASE) REDIS_URL=$(BENCH_LOAD_REDIS) $(BIN)/python manage.py bench_load --essays $(BENCH_ESSAYS) --seconds $(BENCH_LOAD_SECONDS) $(BENCH_ARGS)

## The essay page on one gunicorn process: server time, and its share of nginx static throughput (after bench-load).
bench-page: install
	DEBUG=1 DATABASE_URL=$(BENCH_LOAD_DATABASE) REDIS_URL=$(BENCH_LOAD_REDIS) $(BIN)/python manage.py bench_page $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
