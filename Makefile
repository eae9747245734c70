# Two commands set everything up on a fresh machine: `make demo` and `make test`.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
OUT ?= out
STORE := $(OUT)/store
export COUNT_ROWS := import csv, sys; print(sum(1 for _ in csv.reader(open(sys.argv[1], newline=""))) - 1)

.PHONY: demo test lint venv clean browser bench editor screenshots

$(BIN)/crimjust-graph: pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	@touch $@

venv: $(BIN)/crimjust-graph

demo: venv
	rm -rf $(STORE)
	$(BIN)/crimjust-graph ingest --store $(STORE) data/
	$(BIN)/crimjust-graph validate --store $(STORE)
	$(BIN)/crimjust-graph query --store $(STORE) --name programmes --format table
	@mkdir -p $(OUT)/queries
	@for q in $$($(BIN)/crimjust-graph query --list --names-only); do \
		$(BIN)/crimjust-graph query --store $(STORE) --name $$q --format csv > $(OUT)/queries/$$q.csv || exit 1; \
		printf '%-24s %5d rows  $(OUT)/queries/%s.csv\n' $$q $$($(BIN)/python -c "$$COUNT_ROWS" $(OUT)/queries/$$q.csv) $$q; \
	done
	$(BIN)/crimjust-graph export --store $(STORE) --format trig -o $(OUT)/graph.trig
	$(BIN)/crimjust-graph render --store $(STORE) -o $(OUT)/graph.html
	@echo
	@echo "Done. Where to look:"
	@echo "  the page        $(OUT)/graph.html (open it in a browser; it works offline)"
	@echo "  the store       $(STORE); every named query as CSV in $(OUT)/queries/, the dataset in $(OUT)/graph.trig"
	@echo "  a first query   $(BIN)/crimjust-graph query --store $(STORE) --name programme-partners --param programme=AIRCOP"
	@echo "  the query page  $(BIN)/crimjust-graph serve --store $(STORE), then http://127.0.0.1:7878/"

browser:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

lint: venv
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

test: venv browser
	$(BIN)/pytest -q -p no:cacheprovider -n auto --dist loadfile

# The query page's editor bundle, committed as src/crimjust_graph/static/editor.js: only when changing it.
editor:
	cd frontend && npm ci --no-audit --no-fund && npm run build

bench: venv
	$(BIN)/python benchmarks/run.py

# The README's pictures (docs/*.png), drawn by headless chromium from the sample data: they never go stale.
screenshots: venv browser
	$(BIN)/python docs/screenshots.py

clean:
	rm -rf $(VENV) out crimjust-store
