# Two commands on a fresh machine:  make demo  (the main job on the bundled protocols)  and  make test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check --quiet
OUT    := out/demo
REPORT := out/report
PROTOCOLS := protocols/stockport-2019.yaml protocols/warwickshire.yaml protocols/examples/example.yaml
SEEDS  := ../shared/seeds
FINDINGS_DATE := 2026-11-23

.PHONY: demo test test-fast lint fuzz bench findings schema screenshot clean

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
	  for f in scxml mermaid dot; do $(BIN)/protoverify export $$p --to $$f -o $(OUT)/$$n.$$f --force || exit $$?; done; done
	@for p in stockport-2019 warwickshire; do \
	  $(BIN)/protoverify check protocols/$$p.yaml --format markdown > $(OUT)/findings-$$p.md; \
	  test $$? -le 1 || exit 1; \
	  $(BIN)/protoverify check protocols/$$p.yaml | head -2; done
	@$(BIN)/protoverify compare protocols/stockport-2019.yaml protocols/warwickshire.yaml \
	  --baseline protocols/baseline/england.yaml --format html -o $(OUT)/compare.html --force
	@echo "demo output in $(OUT)/: statecharts (scxml, mermaid, dot), findings-*.md and compare.html"
	@$(BIN)/protoverify report --xlsx -o $(REPORT) --force
	@echo "gap reports: open $(REPORT)/index.html in a browser"

test: lint
	$(BIN)/python -m pytest

test-fast: lint  # the tests not marked slow: under a minute
	$(BIN)/python -m pytest -m "not slow" -q

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fuzz: $(VENV)/.installed-test  # thousands of generated and damaged inputs (tests/test_fuzz.py at 20x); prints the count
	PROTOVERIFY_FUZZ=thousands $(BIN)/python -m pytest tests/test_fuzz.py -q -s -p no:cacheprovider

bench: $(VENV)/.installed
	$(BIN)/python bench/bench_calendar.py
	$(BIN)/python bench/check_scaling.py
	$(BIN)/python bench/replications.py
	$(BIN)/python bench/simulation_cost.py
	$(BIN)/python bench/engine_overhead.py
	$(BIN)/python bench/startup.py

findings: $(VENV)/.installed
	@for p in stockport-2019 warwickshire; do \
	  $(BIN)/protoverify check protocols/$$p.yaml --today $(FINDINGS_DATE) --format markdown > docs/findings-$$p.md; \
	  test $$? -le 1 || exit 1; echo "wrote docs/findings-$$p.md"; done

screenshot: $(VENV)/.installed-test  # the README's picture of a report (needs Debian's chromium)
	$(BIN)/protoverify report protocols/stockport-2019.yaml --today $(FINDINGS_DATE) -o $(REPORT)-screenshot --force \
	  $(if $(wildcard $(SEEDS)),--source $(SEEDS)/stockport-yos-csc-principles-2019.txt)
	$(BIN)/python tests/browser.py $(REPORT)-screenshot/stockport_2019.html docs/img/report.png

schema: $(VENV)/.installed
	$(BIN)/protoverify schema -o docs/protocol.schema.json --force
	$(BIN)/protoverify schema --scenario -o docs/scenario.schema.json --force

clean:
	rm -rf $(VENV) out .pytest_cache .hypothesis
