# The entry point: `make run` serves the portal with demo data, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000

.PHONY: install run test lint format bench messages check-deploy clean

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed

run: install
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py load_demo
	@echo "Portal: http://$(HOST)/"
	DEBUG=1 $(PY) manage.py runserver $(HOST)

test: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# manage.py with DEBUG off is production and refuses to start without its environment (README, Deploy);
# the benchmark and the translation tools are development, run with DEBUG=1 like `make run`.
bench messages: export DEBUG := 1

# Speed targets, measured on PostgreSQL (DATABASE_URL): fills the synthetic province once, then times.
BENCH_SIZE ?= --wards 166 --neighbourhoods 4000 --months 36 --indicators 25
bench: install
	@test -n "$$DATABASE_URL" || (echo "make bench needs DATABASE_URL (PostgreSQL)"; exit 1)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py seed_scale $(BENCH_SIZE)
	$(PY) manage.py bench --output bench/results.json

# Rebuild the translation catalogue after changing user-facing strings (needs GNU gettext).
messages: install
	$(PY) manage.py makemessages --locale vi --locale en --ignore '.venv/*' --no-obsolete
	$(PY) manage.py compilemessages --ignore '.venv/*'

# `check --deploy` with the production environment of .env.example (HTTPS declared), a random SECRET_KEY and
# the database and broker URLs that compose.yaml sets; any warning fails. tests/deploy runs the same check.
check-deploy: install
	env -i PATH="$$PATH" sh -c 'set -a && . ./.env.example && \
		SECRET_KEY="$$($(PY) -c "import secrets; print(secrets.token_urlsafe(50))")" && \
		DATABASE_URL=postgres://kieumau:check@db:5432/kieumau && CELERY_BROKER_URL=redis://redis:6379/0 && \
		exec $(PY) manage.py check --deploy --fail-level WARNING'

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
