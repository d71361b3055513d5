# Twofold: `make run` to try it, `make test` to test it.
.DEFAULT_GOAL := help
SHELL := /bin/bash

VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt | cksum | cut -d' ' -f1)
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/twofold

# The first interpreter that is Python 3.12 or newer (pyenv honours .python-version).
BASE_PYTHON := $(shell for p in python3.13 python3.14 python3.12 python3 python; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; \
	then command -v $$p; break; fi; done)

AXE := node_modules/axe-core/axe.min.js

.PHONY: help catalogues messages run dev serve serve-cluster cluster-tools test test-postgres test-faults lint format migrate demo clean screenshots browser-tools bench bench-floor bench-pages bench-scale

help:
	@echo "make run            set up and serve Twofold with demo content on http://127.0.0.1:8000"
	@echo "make test           run the test suite (SQLite)"
	@echo "make dev            the same with DEBUG on (Django's error pages, reloading), for working on the code"
	@echo "make serve          the production setup locally: gunicorn with uvicorn workers, DEBUG off, http://127.0.0.1:8001"
	@echo "make serve-cluster  two app servers behind HAProxy on http://127.0.0.1:8001, sharing PostgreSQL and Redis"
	@echo "make cluster-tools  install HAProxy and Redis from Debian's packages (for serve-cluster and the fault tests)"
	@echo "make test-postgres  run the test suite against PostgreSQL ($(POSTGRES_URL))"
	@echo "make test-faults    races, an autosave storm, a database outage, a lost app server (minutes; SQLite, then PostgreSQL)"
	@echo "make lint           ruff, the structure checks, and the words: marked, translated, catalogues current"
	@echo "make messages       bring the message catalogues up to date after changing words (then translate)"
	@echo "make screenshots    retake the README's screenshots (docs/screenshots)"
	@echo "make bench          load-test the key pages against the yardsticks (BENCH_ARGS=--help for options)"
	@echo "make bench-floor    what each middleware costs a request, measured in-process (FLOOR_ARGS=--help)"
	@echo "make bench-pages    what each key page costs beyond the ceiling, in-process (PAGES_ARGS=--help)"
	@echo "make bench-scale    the bench at 10,000 and at 100,000 couples: no slope (an hour the first time)"

$(STAMP): requirements.txt
	@if [ -z "$(BASE_PYTHON)" ]; then \
		echo "Twofold needs Python 3.12 or newer, and none was found on PATH."; \
		echo "Install Python 3.12+ (or use pyenv, which reads .python-version) and run make again."; \
		exit 1; fi
	@test -x $(PY) || $(BASE_PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@rm -f $(VENV)/.installed-*; touch $@

venv: $(STAMP)

# axe-core for the accessibility checks in the browser tests. Without npm the
# browser tests skip (and say so); CI installs everything.
$(AXE): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: browser tests will be skipped (install Node.js and npm to run them)"; fi

browser-tools: $(AXE)

# The message catalogues: the .po files are kept, the .mo files gettext
# reads are built from them here (tools/compile_catalogues.py, pure Python).
CATALOGUES := $(wildcard locale/*/LC_MESSAGES/django.po */locale/*/LC_MESSAGES/django.po rewordings/*/LC_MESSAGES/django.po)
%.mo: %.po $(STAMP)
	$(PY) tools/compile_catalogues.py $<

catalogues: $(CATALOGUES:.po=.mo)

migrate: $(STAMP) catalogues
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable

# The library (content/) loads first: guides follow their files on every run.
demo: migrate
	$(PY) manage.py library_load
	$(PY) manage.py seed_demo

# Twofold as its users see it: DEBUG off, its own error pages, static files
# from whitenoise, mail on the console (bin/run says how). It seeds the demo
# content itself, with DEBUG on for that command only.
run: $(STAMP) catalogues
	@bin/run

# For working on the code: DEBUG on (Django's technical error pages), served
# under ASGI as everywhere else (Django's runserver speaks WSGI, which cannot
# hold an event stream open), by uvicorn, which restarts when the code
# changes. The background worker and its scheduler run beside the server; the
# trap stops them whenever the server stops, Ctrl-C included.
dev: demo
	@echo "Serving Twofold (DEBUG on) on http://127.0.0.1:8000 with its background worker and scheduler (Ctrl-C stops them all)"
	@$(PY) manage.py db_worker & worker=$$!; \
	$(PY) manage.py crontask --no-heartbeat >/dev/null & scheduler=$$!; \
	trap 'kill $$worker $$scheduler 2>/dev/null; wait $$worker $$scheduler 2>/dev/null' EXIT; \
	$(VENV)/bin/uvicorn config.asgi:application --reload --host 127.0.0.1 --port 8000 --lifespan off

# Production settings on this machine (bin/serve says how); DATABASE_URL and
# REDIS_URL are honoured. `make run` first if you want the demo content.
serve: $(STAMP) catalogues
	@bin/serve

# Two app servers and a task worker behind HAProxy (bin/serve-cluster says
# how), on PostgreSQL (DATABASE_URL, default $(POSTGRES_URL)) and Redis
# (REDIS_URL, default redis://127.0.0.1:6379/0).
serve-cluster: $(STAMP) catalogues cluster-tools
	@bin/serve-cluster

# HAProxy and redis-server from Debian's packages, when missing (as root:
# apt-get). The cluster fault test needs both; without them it skips, and in
# CI it fails.
cluster-tools:
	@missing=""; \
	command -v haproxy >/dev/null 2>&1 || test -x /usr/sbin/haproxy || missing="$$missing haproxy"; \
	command -v redis-server >/dev/null 2>&1 || missing="$$missing redis-server"; \
	if [ -n "$$missing" ]; then \
		echo "installing$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

# The browser tests run in a pytest of their own: Playwright keeps an event
# loop running in the test thread for the rest of its session, where
# Django's test client cannot run the async middleware (config/admission.py).
test: $(STAMP) catalogues browser-tools
	$(PY) -m pytest --ignore=tests/browser
	$(PY) -m pytest tests/browser

test-postgres: $(STAMP) catalogues browser-tools
	DATABASE_URL=$(POSTGRES_URL) $(PY) -m pytest --ignore=tests/browser
	DATABASE_URL=$(POSTGRES_URL) $(PY) -m pytest tests/browser

# The fault tests start their own servers (and a PostgreSQL cluster of their
# own for the outage, a Redis of their own for the cluster), so they run in a
# pytest session of their own: on SQLite (the storm and the outage), then on
# PostgreSQL (all of them, the two app servers behind HAProxy too).
test-faults: $(STAMP) catalogues
	$(PY) -m pytest -m faults tests/faults
	DATABASE_URL=$(POSTGRES_URL) $(PY) -m pytest -m faults tests/faults

# Seeds 10,000 couples into PostgreSQL's twofold_bench (SQLite bench.sqlite3
# without PostgreSQL), serves with gunicorn and compares the key pages with the
# ceiling view (bench/run.py). E.g. BENCH_ARGS="--couples 500 --seconds 5".
bench: $(STAMP) catalogues
	$(PY) -m bench.run $(BENCH_ARGS)

# The floor: the ok view through the first 1, 2, ... of Twofold's middleware,
# in-process on the bench database (bench/floor.py). `make bench` seeds it.
bench-floor: $(STAMP) catalogues
	$(PY) -m bench.floor $(FLOOR_ARGS)

# The key pages the same way, beside the ceiling (bench/pages.py); --profile PAGE.
bench-pages: $(STAMP) catalogues
	$(PY) -m bench.pages $(PAGES_ARGS)

# 10,000 couples, then 100,000 (five million answers; seeded the first time):
# every key page within 10 % and the same queries (bench/scale.py).
bench-scale: $(STAMP) catalogues
	$(PY) -m bench.scale $(BENCH_ARGS)

screenshots: $(STAMP) catalogues browser-tools
	SCREENSHOTS_DIR=docs/screenshots $(PY) -m pytest tests/browser/test_screenshots.py

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m tools.check_structure
	$(PY) -m tools.check_i18n

# Bring every language's catalogues up to date with the code (Django's
# makemessages; needs GNU gettext), then translate what is new.
messages: $(STAMP)
	$(PY) -m tools.check_i18n --update

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
