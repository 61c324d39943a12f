# Two commands for a newcomer: `make run` and `make test`. Both do all the set-up and are idempotent.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
IOC_DATA_DIR ?= $(CURDIR)/var
export PORT IOC_DATA_DIR

.PHONY: run test install deps system messages bench clean

run: install ## set up, then serve the web app and the background worker on http://127.0.0.1:$(PORT)
	$(PY) manage.py serve --port $(PORT)

test: deps ## set up, then run the whole test suite
	$(PY) -m pytest $(PYTEST_ARGS)

install: deps ## set up without serving: dependencies, database, static files, demo province
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py collectstatic --noinput -v 0
	$(PY) manage.py seed_demo

deps: system $(VENV)/.installed node_modules/.installed messages

system: ## Debian packages the project needs (gettext for translations, chromium for browser tests)
	@bash scripts/ensure-system-packages

$(VENV)/.installed: requirements.lock
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed: install python3.11 (or set PYTHON=...)."; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	touch $@

node_modules/.installed: package.json package-lock.json scripts/copy_vendor.py
	npm ci --no-audit --no-fund --loglevel=error
	$(PY) scripts/copy_vendor.py
	touch $@

MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/*.po))
messages: $(MO_FILES)
locale/%.mo: locale/%.po
	msgfmt --check-format -o $@ $<

bench: install ## performance benchmarks; figures go to bench/results/
	$(PY) -m bench

clean:
	rm -rf $(VENV) node_modules var
