# Secretaria Virtual. `make run` and `make test` work on a machine with only Python 3.11+.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
PLOTLY := web/static/plotly.min.js

.PHONY: install run dev worker test lint migrate upgrade dlq bench bench-compare report up down clean

install: $(STAMP) $(PLOTLY)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-* && touch $@

# plotly.js comes from the installed plotly package (never a CDN).
$(PLOTLY): $(STAMP)
	$(BIN)/python -c "import plotly, pathlib, shutil; shutil.copy(pathlib.Path(plotly.__file__).parent / 'package_data' / 'plotly.min.js', '$(PLOTLY)')"

run: install
	$(BIN)/python -m scripts.run

worker: install
	$(BIN)/python -m scripts.run --worker

upgrade: install
	$(BIN)/python -m scripts.run --only-migrate

# New Alembic revision from the models: make migrate MSG="add x"
migrate: install
	$(BIN)/alembic revision --autogenerate -m "$(MSG)"

dev: install
	$(BIN)/python -m scripts.run --reload

# The panel's browser tests drive Debian's Chromium, installed here when missing.
test: install
	$(BIN)/python -m scripts.ensure_chromium
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# ruff (style and common bugs) and mypy (types of domain/ and web/); CI runs it before the tests.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Dead-letter queue: make dlq ARGS=list | ARGS="replay 12 13" | ARGS="replay --all"
dlq: install
	$(BIN)/python -m scripts.dead_letters $(ARGS)

# Webhook ingest, the whole pipeline with a 500 ms fake Gemini, then 10,000 reminders due in
# the same minute, and the CPU to read one message (bench/*.py say what each measures):
# make bench BENCH_ARGS="--requests 5000" PIPELINE_ARGS="--workers 2" REMINDERS_ARGS="--workers 2"
bench: install
	$(BIN)/python -m bench.webhook $(BENCH_ARGS)
	$(BIN)/python -m bench.pipeline $(PIPELINE_ARGS)
	$(BIN)/python -m bench.reminders $(REMINDERS_ARGS)
	$(BIN)/python -m bench.nlu $(NLU_ARGS)

# Ingest of the seed's Flask + RQ stack (../shared/bench/seed_stack, or SEED_STACK_DIR) and of
# this project as `make run` starts it, under the same wrk load, one after the other; one table
# with the ratios. Installs wrk and the seed's venv when missing (bench/compare.py says how):
# make bench-compare COMPARE_ARGS="--seed-worker-class default"
bench-compare: install
	$(BIN)/python -m bench.compare $(COMPARE_ARGS)

# Usage report under reports/: make report COMPANY_ID=1 FORMAT=pdf [PERIOD=week]
report: install
	$(BIN)/python -m scripts.report --company-id $(COMPANY_ID) --format $(or $(FORMAT),csv) --period $(or $(PERIOD),month)

up:
	docker compose -f docker/docker-compose.yml up -d --build

down:
	docker compose -f docker/docker-compose.yml down

clean:
	rm -rf $(VENV) var .pytest_cache $(PLOTLY)
