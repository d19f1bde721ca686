# Shortcuts for developers; the README's commands are `python3 run.py demo` and `python3 run.py test`.
PYTHON ?= python3

.PHONY: demo test lint

demo:
	$(PYTHON) run.py demo

test:
	$(PYTHON) run.py test $(PYTEST_ARGS)

lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

.PHONY: types lock

types:
	.venv/bin/mypy

# Write requirements/*.txt again from pyproject.toml (docs/architecture.md, "Dependencies").
lock:
	bash requirements/lock.sh
