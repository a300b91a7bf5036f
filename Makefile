# Harbour: `make run` sets everything up and serves; `make test` sets up and runs every check.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PY_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
ASSETS_STAMP := src/harbour/static/vendor/.built
SPARK_STAMP := $(VENV)/.spark

.PHONY: help setup assets db demo run test lint typecheck imports pytest test-postgres test-browser clean

help:
	@echo "make run    set up (venv, packages, assets, database, demo users) and serve on http://$(HOST):$(PORT)"
	@echo "make test   set up, then ruff, mypy, import-linter, pytest on SQLite (and PostgreSQL if"
	@echo "            HARBOUR_TEST_DATABASE_URL is set), then the browser tests"
	@echo "make clean  remove the virtual environment, node_modules, built assets and var/"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(PY_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(ASSETS_STAMP): $(NODE_STAMP) scripts/build-assets.sh
	sh scripts/build-assets.sh
	touch $@

setup: $(PY_STAMP) $(ASSETS_STAMP)

assets: $(ASSETS_STAMP)

db: setup
	$(BIN)/harbour db upgrade

demo: db
	$(BIN)/harbour demo setup
	$(BIN)/harbour simulate --scale demo --load --if-empty
	$(BIN)/harbour identity resolve
	$(BIN)/harbour network analyse --top 5

run: demo
	$(BIN)/harbour serve --host $(HOST) --port $(PORT)

lint: setup
	$(BIN)/ruff check src tests benchmarks migrations scripts
	$(BIN)/ruff format --check src tests benchmarks migrations scripts

typecheck: setup
	$(BIN)/mypy

imports: setup
	$(BIN)/lint-imports

# PySpark (about 300 MB) only for the tests: the identity model's Spark run (tests/linkage/test_spark.py).
$(SPARK_STAMP): pyproject.toml | $(PY_STAMP)
	$(BIN)/pip install --quiet -e '.[dev,spark]'
	touch $@

pytest: setup $(SPARK_STAMP)
	HARBOUR_TEST_DATABASE_URL= $(BIN)/pytest -m "not browser" -q

test-postgres: setup
	@if [ -n "$$HARBOUR_TEST_DATABASE_URL" ]; then \
		echo "== pytest on PostgreSQL ($$HARBOUR_TEST_DATABASE_URL)"; \
		$(BIN)/pytest -m "not browser and not spark" -q; \
	else \
		echo "== HARBOUR_TEST_DATABASE_URL is not set: skipping the PostgreSQL run"; \
	fi

test-browser: setup
	HARBOUR_TEST_DATABASE_URL= $(BIN)/pytest -m browser -q

test: lint typecheck imports pytest test-postgres test-browser

clean:
	rm -rf $(VENV) node_modules src/harbour/static/vendor var .pytest_cache .mypy_cache .ruff_cache
