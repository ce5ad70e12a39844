# Two commands for a newcomer: `make run` and `make test`. Both build what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8080
# System packages for the browser and Node client tests come from Debian's apt.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
JS := tests/js

.PHONY: run test lint clean system-deps

$(BIN)/relais: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

run: $(BIN)/relais
	mkdir -p var
	RELAIS_DB=$${RELAIS_DB:-var/relais.db} $(BIN)/relais serve --host $(HOST) --port $(PORT)

lint: $(BIN)/relais
	$(BIN)/ruff check .
	$(BIN)/mypy

# Chromium (browser tests, driven by Playwright without its own browser download) and Node.js
# with npm (Microsoft's Direct Line client), installed once when missing.
system-deps:
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && \
		$(SUDO) apt-get install -y -qq chromium >/dev/null; }
	@command -v npm >/dev/null || { $(SUDO) apt-get update -qq && \
		$(SUDO) apt-get install -y -qq nodejs npm >/dev/null; }

$(JS)/node_modules/.package-lock.json: $(JS)/package-lock.json | system-deps
	npm ci --prefix $(JS) --ignore-scripts --no-audit --no-fund --loglevel=error

test: lint system-deps $(JS)/node_modules/.package-lock.json
	$(BIN)/pytest

clean:
	rm -rf $(VENV) var .pytest_cache $(JS)/node_modules test-artifacts
