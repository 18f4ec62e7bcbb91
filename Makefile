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
# Debian's Chromium drives the browser tests (Playwright cannot download a browser here)
CHROMIUM ?= /usr/bin/chromium
# our own code, compiled to bytecode at each `make install` (only what changed)
SOURCES := manage.py ovp stakeholders inventory grants evaluation tests bench loadtest

.PHONY: help install run test test-fast lint format lock vendor services stop-services bench backup restore loadtest loadtest-public chromium check-migrations

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-15s %s\n", $$1, $$2}'

# Bytecode is compiled at install: these machines (and the Dockerfile) set
# PYTHONDONTWRITEBYTECODE=1, so without it every process compiles Django, pandas and the rest
# from source again (about 6 s of each command's start). The stamp names the Makefile, so a
# change to these steps installs again.
$(VENV)/.installed: requirements-dev.lock Makefile
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(VENV)/bin/uv pip install --quiet --compile-bytecode --python $(PY) -r requirements-dev.lock
	touch $@

install: $(VENV)/.installed ## Create .venv with the locked dependencies, compiled to bytecode
	@$(PY) -m compileall -q -j 0 $(SOURCES) || echo "Not compiled to bytecode: see the error above (make lint names it too)"

chromium: ## Install Debian's Chromium for the browser tests if missing (as root with apt-get)
	@if [ -x "$(CHROMIUM)" ]; then :; \
	elif [ "$(CHROMIUM)" = /usr/bin/chromium ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Debian's chromium for the browser tests (apt-get) ..."; \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } \
			|| echo "Could not install Chromium: the browser tests are skipped."; \
	else \
		echo "No Chromium at $(CHROMIUM): the browser tests are skipped. Install it with: sudo apt-get install chromium"; \
	fi

run: install ## Start web, Celery worker and beat on http://127.0.0.1:$(PORT) with the demo city
	@$(SERVICES); \
	set -e; \
	$(PY) manage.py migrate --noinput; \
	$(PY) manage.py seed_demo --if-empty; \
	echo ""; echo "OVP is starting on http://127.0.0.1:$(PORT)/  (Ctrl-C stops web, worker and beat)"; echo ""; \
	export PATH="$(CURDIR)/$(VENV)/bin:$$PATH"; \
	export DJANGO_SETTINGS_MODULE="$${DJANGO_SETTINGS_MODULE:-ovp.settings.development}"; \
	export OVP_SITE_URL="$${OVP_SITE_URL:-http://127.0.0.1:$(PORT)}"; \
	exec $(VENV)/bin/honcho start --port $(PORT) --procfile Procfile

test: install chromium ## Run every test (browser tests included) against real Postgres and Redis
	@$(SERVICES); CHROMIUM=$(CHROMIUM) DJANGO_ALLOW_ASYNC_UNSAFE=true $(PY) -m pytest $(PYTEST_ARGS)

check-migrations: install ## Fail when a model change has no migration
	@$(SERVICES); $(PY) manage.py makemigrations --check --dry-run

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

vendor: install ## Fetch plotly.js's basic bundle (npm), at the locked plotly package's version, into static/
	$(PY) -m ovp.vendor_plotly

services: install ## Start the embedded Postgres and Redis (when not configured) and print their URLs
	@$(PY) -m ovp.localservices env

stop-services: install ## Stop the embedded Postgres and Redis (their data is kept in .local/)
	@$(PY) -m ovp.localservices stop

bench: install ## Time import, aggregation and dashboard on 1M victims against the Postgres limits
	@$(SERVICES); $(PY) -m bench.run

loadtest: install ## 50 users for 60 s against gunicorn (demo city), then the public pages' surge: req/s and p95 per page
	@$(SERVICES); $(PY) -m loadtest.run

loadtest-public: install ## The public pages' surge alone: anonymous clients, PASS at 300 req/s with p95 under 100 ms
	@$(SERVICES); $(PY) -m loadtest.run --public-only

backup: install ## Write backups/<timestamp>/: pg_dump -Fc of the database and the uploaded files
	@$(SERVICES); $(PY) -m ovp.backup dump --into backups

restore: install ## Restore BACKUP=backups/<timestamp> into the same database and MEDIA_ROOT (asks; FORCE=1 does not)
	@test -n "$(BACKUP)" || { echo "Say which: make restore BACKUP=backups/<timestamp> [FORCE=1]"; exit 2; }
	@$(SERVICES); $(PY) -m ovp.backup restore "$(BACKUP)" $(if $(filter 1,$(FORCE)),--yes)
