# The two commands: `make run` serves the whole app, `make test` runs the suite.
# Everything installs into .venv/, and only again when a requirements file changes.

PYTHON_BIN ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# The address links in e-mails point at: where `make run` serves, unless SITE_URL is set.
# A wildcard bind address is no place to send a browser, so it becomes the loopback one.
SITE_HOST := $(if $(filter 0.0.0.0 :: [::],$(HOST)),127.0.0.1,$(HOST))
SITE_URL ?= http://$(SITE_HOST):$(PORT)
PYTEST_WORKERS ?= 2
STACK_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/billing_stack
STACK_REDIS_URL ?= redis://127.0.0.1:6379/5
STACK_SITE_URL ?= http://127.0.0.1:8001
# The settings default to production (DEBUG off, a real SECRET_KEY required). Everything
# these targets run is development on this machine, so they turn DEBUG on unless told otherwise.
DEBUG ?= true
export DEBUG

.PHONY: run test lint stack migrate demo install install-dev clean

$(PY):
	$(PYTHON_BIN) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.runtime-installed: requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime-installed

install: $(VENV)/.runtime-installed
install-dev: $(VENV)/.dev-installed

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	SITE_URL=$(SITE_URL) $(PY) manage.py seed_demo --base-url $(SITE_URL)

run: demo
	@echo "Serving Billing on http://$(HOST):$(PORT)/  (admin: /admin/, API docs: /api/docs/; e-mail links: $(SITE_URL))"
	SITE_URL=$(SITE_URL) $(PY) -m uvicorn billing.asgi:application --host $(HOST) --port $(PORT) --lifespan off --ws-per-message-deflate false --no-proxy-headers --log-config billing/uvicorn_logging.json

test: install-dev
	@$(PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "no tests were collected"; exit 0; fi; exit $$rc

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DEBUG=true $(VENV)/bin/mypy .  # the django-stubs plugin loads the settings
	$(VENV)/bin/lint-imports --no-cache

# The production topology on one machine without Docker: two ASGI web processes,
# a Celery worker and beat, on the local PostgreSQL and Redis.
stack: install
	mkdir -p .stack
	DATABASE_URL=$(STACK_DATABASE_URL) REDIS_URL=$(STACK_REDIS_URL) $(PY) manage.py ensure_database
	DATABASE_URL=$(STACK_DATABASE_URL) REDIS_URL=$(STACK_REDIS_URL) $(PY) manage.py migrate --noinput
	DATABASE_URL=$(STACK_DATABASE_URL) REDIS_URL=$(STACK_REDIS_URL) $(PY) manage.py seed_demo --base-url $(STACK_SITE_URL)
	DATABASE_URL=$(STACK_DATABASE_URL) REDIS_URL=$(STACK_REDIS_URL) SITE_URL=$(STACK_SITE_URL) $(VENV)/bin/honcho -f Procfile.stack start

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-* media staticfiles
