# Masthead: `make demo` serves a demo site, `make test` runs every test.
# Both set up what they need on a fresh clone (virtualenv, packages, database).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# The PostgreSQL run of `make test`; unset PG_TEST_URL= to skip it.
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/postgres
# The PostgreSQL run is the scale-out set-up: Redis too, when one answers here.
# Its own database number: the tests empty it.
REDIS_TEST_URL ?= redis://127.0.0.1:6379/15

.PHONY: demo serve test test-sqlite test-postgres lint clean

$(BIN)/masthead: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

node_modules/vnu-jar/package.json: package.json
	npm install --no-audit --no-fund --silent
	touch $@

# Plain HTTP on the loopback: cookies may not demand HTTPS here.
DEMO_ENV := MASTHEAD_SECURE=false MASTHEAD_SITE_URL=http://127.0.0.1:$(PORT)

demo: $(BIN)/masthead
	$(DEMO_ENV) $(BIN)/masthead migrate --noinput
	$(DEMO_ENV) $(BIN)/masthead demo
	$(DEMO_ENV) $(BIN)/masthead serve --bind 127.0.0.1:$(PORT)

test: $(BIN)/masthead node_modules/vnu-jar/package.json
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

test-sqlite:
	@echo "== Test suite on SQLite =="
	$(BIN)/pytest $(PYTEST_ARGS)

test-postgres:
	@if [ -z "$(PG_TEST_URL)" ]; then \
		echo "== PostgreSQL run SKIPPED: PG_TEST_URL is empty =="; \
	elif $(BIN)/python -c "import psycopg,sys; psycopg.connect(sys.argv[1], connect_timeout=3).close()" "$(PG_TEST_URL)" 2>/dev/null; then \
		if [ -n "$(REDIS_TEST_URL)" ] && $(BIN)/python -c "import redis,sys; redis.Redis.from_url(sys.argv[1], socket_timeout=3).ping()" "$(REDIS_TEST_URL)" 2>/dev/null; then \
			redis="$(REDIS_TEST_URL)"; \
			echo "== Test suite on PostgreSQL ($(PG_TEST_URL)) with Redis ($$redis) =="; \
		else \
			redis=; \
			echo "== Test suite on PostgreSQL ($(PG_TEST_URL)); Redis SKIPPED: none answers at $(REDIS_TEST_URL) =="; \
		fi; \
		DATABASE_URL="$(PG_TEST_URL)" REDIS_URL="$$redis" $(BIN)/pytest $(PYTEST_ARGS); \
	else \
		echo "== PostgreSQL run SKIPPED: no server answers at $(PG_TEST_URL); the suite passed on SQLite only =="; \
	fi

lint: $(BIN)/masthead
	$(BIN)/ruff format --check masthead tests
	$(BIN)/ruff check masthead tests

clean:
	rm -rf $(VENV) node_modules var/test-* test-artifacts
