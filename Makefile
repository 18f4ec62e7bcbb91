# OVP: `make run` starts the portal, `make test` runs every test. `make help` lists the rest.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
UV_VERSION := 0.13.8
# Exports DATABASE_URL / REDIS_URL: the ones you set, or embedded servers started in .local/
# (the exports are captured first, so that a failure to start a server stops the recipe)
SERVICES := set -e; services="$$($(PY) -m ovp.localservices env)"; eval "$$services"

.DEFAULT_GOAL := help
.PHONY: help install run test test-fast lint format lock vendor services stop-services bench backup restore loadtest

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-15s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements-dev.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(VENV)/bin/uv pip install --quiet --python $(PY) -r requirements-dev.lock
	touch $@

install: $(VENV)/.installed ## Create .venv with the locked dependencies

run: install ## Start web, Celery worker and beat on http://127.0.0.1:$(PORT) with the demo city
	@$(SERVICES); \
	set -e; \
	$(PY) manage.py migrate --noinput; \
	$(PY) manage.py seed_demo --if-empty; \
	echo ""; echo "OVP is starting on http://127.0.0.1:$(PORT)/  (Ctrl-C stops web, worker and beat)"; echo ""; \
	export PATH="$(CURDIR)/$(VENV)/bin:$$PATH"; \
	exec $(VENV)/bin/honcho start --port $(PORT) --procfile Procfile

test: install ## Run every test (browser tests included) against real Postgres and Redis
	@$(SERVICES); DJANGO_ALLOW_ASYNC_UNSAFE=true $(PY) -m pytest $(PYTEST_ARGS)

test-fast: install ## Run the tests without the browser and slow ones
	@$(SERVICES); $(PY) -m pytest -m "not browser and not slow" $(PYTEST_ARGS)

lint: install ## ruff, mypy, bandit (bandit.yaml) and pip-audit of requirements.lock
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .
	$(VENV)/bin/bandit -c bandit.yaml -r . -q
	$(PY) -m ovp.dependency_audit requirements.lock

format: install ## Format and fix what ruff can
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

lock: install ## Re-resolve requirements.lock (production) and requirements-dev.lock from pyproject.toml
	$(VENV)/bin/uv pip compile pyproject.toml --python-version 3.11 \
		-o requirements.lock --generate-hashes --custom-compile-command "make lock"
	$(VENV)/bin/uv pip compile pyproject.toml --group dev --python-version 3.11 \
		-o requirements-dev.lock --generate-hashes --custom-compile-command "make lock"

vendor: install ## Copy plotly.min.js from the locked plotly package into static/
	cp "$$($(PY) -c 'import plotly, pathlib; print(pathlib.Path(plotly.__file__).parent / "package_data" / "plotly.min.js")')" static/vendor/plotly/plotly.min.js

services: install ## Start the embedded Postgres and Redis (when not configured) and print their URLs
	@$(PY) -m ovp.localservices env

stop-services: install ## Stop the embedded Postgres and Redis (their data is kept in .local/)
	@$(PY) -m ovp.localservices stop

bench: install ## Time import, aggregation and dashboard on 1M victims against the Postgres limits
	@$(SERVICES); $(PY) -m bench.run

loadtest: install ## 50 users for 60 s against gunicorn on 127.0.0.1 (demo city): req/s and p95 per page
	@$(SERVICES); $(PY) -m loadtest.run

backup: install ## Write backups/<timestamp>/: pg_dump -Fc of the database and the uploaded files
	@$(SERVICES); $(PY) -m ovp.backup dump --into backups

restore: install ## Restore BACKUP=backups/<timestamp> into the same database and MEDIA_ROOT (asks; FORCE=1 does not)
	@test -n "$(BACKUP)" || { echo "Say which: make restore BACKUP=backups/<timestamp> [FORCE=1]"; exit 2; }
	@$(SERVICES); $(PY) -m ovp.backup restore "$(BACKUP)" $(if $(filter 1,$(FORCE)),--yes)
