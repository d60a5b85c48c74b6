# Two commands on a fresh machine:  make demo  (the main job on the bundled protocols)  and  make test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check --quiet
OUT    := out/demo
PROTOCOLS := protocols/stockport-2019.yaml protocols/warwickshire.yaml protocols/examples/example.yaml
SEEDS  := ../shared/seeds
FINDINGS_DATE := 2026-11-23

.PHONY: demo test bench findings schema clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(PIP) install -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(PIP) install -e ".[test]"
	touch $@

demo: $(VENV)/.installed
	@for p in $(PROTOCOLS); do $(BIN)/protoverify validate $$p || exit $$?; done
	@if [ -d $(SEEDS) ]; then \
	  $(BIN)/protoverify coverage protocols/stockport-2019.yaml --source $(SEEDS)/stockport-yos-csc-principles-2019.txt && \
	  $(BIN)/protoverify coverage protocols/warwickshire.yaml --source $(SEEDS)/warwickshire-yjs-childrens-services-protocol.txt; \
	else echo "($(SEEDS) not found: coverage against the source documents skipped)"; fi
	@for p in $(PROTOCOLS); do n=$$(basename $$p .yaml); \
	  for f in scxml mermaid dot; do $(BIN)/protoverify export $$p --to $$f -o $(OUT)/$$n.$$f || exit $$?; done; done
	@for p in stockport-2019 warwickshire; do \
	  $(BIN)/protoverify check protocols/$$p.yaml --format markdown > $(OUT)/findings-$$p.md; \
	  test $$? -le 1 || exit 1; \
	  $(BIN)/protoverify check protocols/$$p.yaml | head -2; done
	@echo "demo output in $(OUT)/: statecharts (scxml, mermaid, dot) and findings-*.md"

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest

bench: $(VENV)/.installed
	$(BIN)/python bench/bench_calendar.py
	$(BIN)/python bench/check_scaling.py

findings: $(VENV)/.installed
	@for p in stockport-2019 warwickshire; do \
	  $(BIN)/protoverify check protocols/$$p.yaml --today $(FINDINGS_DATE) --format markdown > docs/findings-$$p.md; \
	  test $$? -le 1 || exit 1; echo "wrote docs/findings-$$p.md"; done

schema: $(VENV)/.installed
	$(BIN)/protoverify schema -o docs/protocol.schema.json

clean:
	rm -rf $(VENV) out .pytest_cache .hypothesis
