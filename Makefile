# Two commands on a fresh machine:  make demo  (the main job on the bundled protocols)  and  make test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check --quiet
OUT    := out/demo
EXAMPLE := protocols/examples/example.yaml

.PHONY: demo test bench schema clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(PIP) install -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(PIP) install -e ".[test]"
	touch $@

demo: $(VENV)/.installed
	$(BIN)/protoverify validate $(EXAMPLE)
	$(BIN)/protoverify export $(EXAMPLE) --to scxml -o $(OUT)/example.scxml
	$(BIN)/protoverify export $(EXAMPLE) --to mermaid -o $(OUT)/example.mmd
	$(BIN)/protoverify export $(EXAMPLE) --to dot -o $(OUT)/example.dot
	@echo "demo output in $(OUT)/"

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest

bench: $(VENV)/.installed
	$(BIN)/python bench/bench_calendar.py

schema: $(VENV)/.installed
	$(BIN)/protoverify schema -o docs/protocol.schema.json

clean:
	rm -rf $(VENV) out .pytest_cache .hypothesis
