# Capable: `make run` serves the site on SQLite; `make test` runs every check and test.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
# Links in emails and reminders point at the server `make run` starts (override for a proxy).
SITE_URL ?= http://$(HOST):$(PORT)
export DJANGO_SETTINGS_MODULE ?= cms.settings.dev

.PHONY: run test install venv migrate seed lint format check css clean browser screenshots smoke

# Python 3.12 or newer: the first candidate that actually runs (pyenv shims can exist for
# versions that are not selected, so each one is tried, not just looked up).
PYTHON_CANDIDATES := python3.13 python3.12 python3 \
	$(wildcard $(HOME)/.pyenv/versions/3.13*/bin/python3.13) \
	$(wildcard $(HOME)/.pyenv/versions/3.12*/bin/python3.12) \
	/usr/bin/python3.13 /usr/bin/python3.12
find_python = $(firstword $(foreach p,$(PYTHON_CANDIDATES),$(shell $(p) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1 && echo $(p))))

$(PY):
	@base="$(call find_python)"; \
	if [ -z "$$base" ]; then \
		echo "Capable needs Python 3.12 or newer (python3.13 or python3.12); none was found." >&2; \
		echo "Install one (e.g. apt-get install python3.12 python3.12-venv) and run make again." >&2; \
		exit 1; \
	fi; \
	echo "Creating $(VENV) with $$base ($$($$base --version))"; \
	$$base -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e ".[dev]"
	@touch $@

venv: $(PY)
install: $(VENV)/.installed

migrate: install
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed

run: seed
	SITE_URL=$(SITE_URL) $(PY) manage.py runserver $(HOST):$(PORT)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check: install
	DJANGO_SETTINGS_MODULE=cms.settings.test $(PY) manage.py check
	DJANGO_SETTINGS_MODULE=cms.settings.test $(PY) manage.py makemigrations --check --dry-run

# Three runs side by side, so that a small machine's cores are never idle: the browser journeys
# (their own server and Chromium), the suite on SQLite, and (with POSTGRES_TEST_URL set: CI sets
# it when PostgreSQL answers) the suite again on PostgreSQL. The SQLite run prints as it goes; the
# other two reports follow it. The journeys' site always runs on its own SQLite file, and the
# checks of rendered markup alone (page structure, the form-error pattern, the link crawl per
# person) read the same pages through views already tested on PostgreSQL one by one, so the
# PostgreSQL run leaves those out. PYTEST_ARGS runs pytest once with those arguments instead.
BROWSER_LOG := $(VENV)/browser-tests.log
POSTGRES_LOG := $(VENV)/postgres-tests.log
POSTGRES_ONLY_SKIPS := --ignore=tests/test_page_structure.py --ignore=tests/test_form_errors.py \
	--ignore=tests/test_crawl.py
test: lint check browser
ifeq ($(strip $(PYTEST_ARGS)),)
	@DJANGO_SETTINGS_MODULE=cms.settings.test $(PY) -m pytest tests/browser -m browser -p no:cacheprovider \
		> $(BROWSER_LOG) 2>&1 & browser=$$!; \
	postgres=; \
	if [ -n "$(POSTGRES_TEST_URL)" ]; then \
		DATABASE_URL="$(POSTGRES_TEST_URL)" DJANGO_SETTINGS_MODULE=cms.settings.test \
			$(PY) -m pytest -m "not browser" -p no:cacheprovider $(POSTGRES_ONLY_SKIPS) \
			> $(POSTGRES_LOG) 2>&1 & postgres=$$!; \
	fi; \
	DJANGO_SETTINGS_MODULE=cms.settings.test $(PY) -m pytest -m "not browser"; suite=$$?; \
	on_postgres=0; \
	if [ -n "$$postgres" ]; then \
		wait $$postgres; on_postgres=$$?; \
		echo "== The suite on PostgreSQL ($(POSTGRES_TEST_URL)) =="; cat $(POSTGRES_LOG); \
	fi; \
	wait $$browser; journeys=$$?; \
	echo "== Browser journeys (tests/browser) =="; cat $(BROWSER_LOG); \
	[ $$suite -eq 0 ] && [ $$on_postgres -eq 0 ] && [ $$journeys -eq 0 ]
else
	DJANGO_SETTINGS_MODULE=cms.settings.test $(PY) -m pytest $(PYTEST_ARGS)
endif

# The production settings under gunicorn on a scratch PostgreSQL database: /healthz and the
# framework pages must answer 200 and the task worker must run what was queued (CI runs it beside
# `make test`; skipped with a message when PostgreSQL is not answering).
smoke: install
	PY=$(PY) .ci/gunicorn_smoke

# The browser journeys (tests/browser) drive Debian's Chromium. Installed here when this machine
# lets us (root or password-less sudo with apt-get); otherwise those tests are skipped with the
# reason, and this says so.
browser:
	@if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then \
		: ; \
	elif command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		echo "Installing Chromium for the browser tests (apt-get install chromium)"; \
		apt-get install -y -q chromium >/dev/null 2>&1 \
			|| (apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null) \
			|| echo "Chromium could not be installed: the browser tests will be skipped."; \
	elif command -v apt-get >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1; then \
		echo "Installing Chromium for the browser tests (sudo apt-get install chromium)"; \
		sudo apt-get install -y -q chromium >/dev/null \
			|| echo "Chromium could not be installed: the browser tests will be skipped."; \
	else \
		echo "Chromium is not installed and cannot be installed here (needs apt-get as root):"; \
		echo "the browser tests will be skipped."; \
	fi

# Screenshots of the main pages at desktop and phone size, for the README (docs/screenshots/).
screenshots: install browser
	CAPABLE_SCREENSHOTS=docs/screenshots DJANGO_SETTINGS_MODULE=cms.settings.test \
		$(PY) -m pytest tests/browser -q -k "desktop or phone"

# Rebuild the compiled GOV.UK Frontend CSS (needs Node and npm; the output is committed, so
# `make run` never needs Node).
css:
	frontend/build.sh

clean:
	rm -rf $(VENV) db.sqlite3 static_collected
