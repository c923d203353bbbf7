# Two commands for a newcomer: `make run` (portal + demo data + worker) and `make test`.
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: install install-dev run serve worker scheduler test test-fast lint migrate seed models stop-redis check clean \
	bench chromium

# Runtime requirements for `make run`; tests and tooling add requirements-dev.txt.
$(BIN)/.installed: requirements.txt
	@echo "Installing the runtime requirements into $(VENV) (first run only: a few minutes; pip shows each package)"
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install --progress-bar on -r requirements.txt
	touch $@

$(BIN)/.installed-dev: $(BIN)/.installed requirements-dev.txt
	@echo "Installing the test and tooling requirements"
	$(BIN)/python -m pip install --progress-bar on -r requirements-dev.txt
	touch $@

install: $(BIN)/.installed

install-dev: $(BIN)/.installed-dev

migrate: install
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py ensure_admin
	$(BIN)/python manage.py seed_demo

models: migrate
	$(BIN)/python manage.py build_tiny_models --if-missing

# The portal, one worker for every queue and the scheduler (rollups, alerts); Ctrl-C stops all three.
run: seed models
	@echo "Portal: http://$(HOST):$(PORT)/admin/  (credentials above; password also in var/admin-password.txt)"
	@trap 'kill $$worker $$cron 2>/dev/null; wait $$worker $$cron 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py rqworker enhance sdxl wan default & worker=$$!; \
	$(BIN)/python manage.py rqcron ourvidz_admin.cron & cron=$$!; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# The production web server: refuses to start on unapplied migrations, collects static files, runs gunicorn
# (threaded workers sized from the CPU count: ourvidz_admin/gunicorn_conf.py). Workers and the scheduler run
# beside it (`make worker`, `make scheduler`).
serve: install
	@$(BIN)/python manage.py migrate --check >/dev/null 2>&1 || { echo "Unapplied migrations: run make migrate first."; exit 1; }
	$(BIN)/python manage.py collectstatic --noinput -v0
	HOST=$(HOST) PORT=$(PORT) $(BIN)/gunicorn -c python:ourvidz_admin.gunicorn_conf

worker: models
	$(BIN)/python manage.py rqworker enhance sdxl wan default

# The periodic jobs of ourvidz_admin/cron.py, enqueued on the default queue.
scheduler: migrate
	$(BIN)/python manage.py rqcron ourvidz_admin.cron

bench: install
	$(BIN)/python bench/worker_overhead.py
	$(BIN)/python bench/admin_changelist.py

# Browser tests drive Debian's Chromium through Playwright; install it when missing.
chromium:
	@command -v chromium >/dev/null 2>&1 || { echo "Installing Debian's chromium for the browser tests"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

test: install-dev chromium
	$(BIN)/python -m pytest

# The suite without the tests marked slow (worker processes, model builds, browsers): a quick loop while coding.
test-fast: install-dev
	$(BIN)/python -m pytest -m "not slow"

lint: install-dev
	$(BIN)/ruff check .

check: install
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

stop-redis: install
	$(BIN)/python manage.py embedded_redis stop

clean:
	rm -rf var media staticfiles .pytest_cache
