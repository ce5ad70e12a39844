# Two commands for a newcomer: `make run` and `make test`. Both build .venv when needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8080

.PHONY: run test lint clean

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

test: lint
	$(BIN)/pytest

clean:
	rm -rf $(VENV) var .pytest_cache
