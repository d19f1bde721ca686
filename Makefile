# The two set-up commands of the README: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Tests run with DEBUG off, as in production; this key is for tests only.
TEST_ENV := DEBUG=false SECRET_KEY=kindred-tests-only-not-secret

.PHONY: demo test install install-test lint

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Re-install only when the dependencies change.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

## Run the platform with demo data on SQLite at http://127.0.0.1:8000
demo: install
	DEBUG=true KINDRED_VAR_DIR=var/demo $(BIN)/kindred demo

## Install what the tests need and run the whole suite (DATABASE_URL picks PostgreSQL)
test: install-test
	@bash .ci/ensure-chromium
	$(TEST_ENV) $(BIN)/pytest $(PYTEST_ARGS)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
