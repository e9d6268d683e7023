# Uppsikt: `make run` sets up and runs the product on its embedded defaults;
# `make test` sets up and passes the tests (SQLite, then a throwaway PostgreSQL).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
DATA ?= $(CURDIR)/var
PORT ?= 8000
DEBIAN_PACKAGES := python3-venv python3-dev gcc chromium postgresql postgresql-contrib

.PHONY: run test test-sqlite test-postgres system-deps venv demo clean bench openapi

system-deps:
	@missing=""; \
	for p in $(DEBIAN_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "Installerar Debianpaket:$$missing"; \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else \
	    echo "Saknade Debianpaket:$$missing. Kör: sudo apt-get install$$missing" >&2; exit 1; \
	  fi; \
	fi

$(VENV)/.installed: pyproject.toml setup.py src/uppsikt/triage/_linear.c src/uppsikt/triage/_squeeze.c
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e '.[test]'
	touch $@

venv: $(VENV)/.installed

run: system-deps venv
	UPPSIKT_DATA_DIR=$(DATA) $(VENV)/bin/uppsikt setup
	UPPSIKT_DATA_DIR=$(DATA) $(VENV)/bin/uppsikt demo
	UPPSIKT_DATA_DIR=$(DATA) $(VENV)/bin/uppsikt serve --port $(PORT)

test: system-deps venv test-sqlite test-postgres

test-sqlite: venv
	$(PY) -m pytest

test-postgres: venv
	$(PY) scripts/throwaway_postgres.py -- $(PY) -m pytest

bench: venv
	$(PY) bench/triage/run.py
	$(PY) bench/ingest/run.py

openapi: venv
	UPPSIKT_DATA_DIR=$$(mktemp -d) DJANGO_SETTINGS_MODULE=uppsikt.conf.dev $(PY) -m django spectacular --file openapi.yaml --validate

clean:
	rm -rf $(VENV) var
