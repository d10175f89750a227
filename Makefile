# One command per task, shared by people and CI. Each target creates .venv and
# installs what it needs, so a fresh machine with only Python 3.11+ is enough.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt | cksum | cut -d' ' -f1)

.PHONY: run test lint typecheck format bench install clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

## Start readybot: Slack if credentials are set, otherwise the local console on SQLite.
run: $(STAMP)
	$(BIN)/readybot run

## The whole suite, on SQLite and on PostgreSQL (skipped with a reason if no server is reachable).
test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## Ruff (lint and format), and the import contracts: arrows point one way, only storage talks SQL.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

## mypy over bot, commands, scheduler and storage (settings in pyproject.toml).
typecheck: $(STAMP)
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(STAMP)
	$(BIN)/python -m bench.commands
	$(BIN)/python -m bench.status_parts
	$(BIN)/python -m bench.imports
	$(BIN)/python -m bench.digests --channels 100
	$(BIN)/python -m bench.monitors
	$(BIN)/python -m bench.delivery
	$(BIN)/python -m bench.ack --quick
	$(BIN)/python -m bench.paths
	$(BIN)/python -m bench.startup
	$(BIN)/python -m bench.writes --seconds 2 --repeat 1
	$(BIN)/python -m bench.listing
	$(BIN)/python -m bench.suggest

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache .import_linter_cache .hypothesis
