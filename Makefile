# Two commands for a fresh machine with Python 3.11+:  `make run`  and  `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint clean

$(VENV)/.installed: pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "AI Pilot Portfolio needs Python 3.11 or newer; set PYTHON=python3.11 (or newer) and try again.")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --constraint requirements.lock --editable .
	@touch $@

$(VENV)/.test-installed: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet --constraint requirements.lock --editable ".[test]"
	@touch $@

## Install everything and start the app on the SQLite database in data/ (demo portfolio on first start).
run: $(VENV)/.installed
	$(BIN)/streamlit run app.py

## Install what the tests need and run the whole suite (SQLite; PostgreSQL too when PORTFOLIO_TEST_DATABASE_URL is set)
## on TEST_WORKERS processes (tests/conftest.py keeps the tests of one folder on one database on one worker).
TEST_WORKERS ?= 2
test: $(VENV)/.test-installed
	$(BIN)/python -m pytest --numprocesses $(TEST_WORKERS)

lint: $(VENV)/.test-installed
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
