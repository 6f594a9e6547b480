# Two commands do all set-up on a fresh machine:
#   make run    install into .venv, prepare the database, serve http://127.0.0.1:8000
#   make test   install the test tools, lint, and run the whole test suite
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Development values, so a newcomer sets nothing. Never used in production. The diary's
# encryption key for development is made once and kept in .dev/ (ignored by git).
DEV_KEY_FILE := .dev/diary-encryption-key
DEV_ENV = DJANGO_DEBUG=1 DIARY_ENCRYPTION_KEYS=$$(cat $(DEV_KEY_FILE))

.PHONY: run test lint typecheck migrations-check format messages bench clean

run: $(VENV)/.runtime-installed $(DEV_KEY_FILE)
	$(DEV_ENV) $(PY) manage.py migrate --noinput
	$(DEV_ENV) $(PY) manage.py reassess_diary
	$(DEV_ENV) $(PY) manage.py runserver 127.0.0.1:8000

# The suite runs on every CPU (pytest-xdist's -n auto; PYTEST_ARGS="-n 0" for one process),
# an idle worker taking tests from a busy one's queue (worksteal: the browser tests are long,
# and plain load-sharing left one worker alone at the end for about 25 s), and reports
# coverage with the lines no test runs. The report has no threshold.
test: lint typecheck migrations-check
	$(PY) -m pytest -n auto --dist worksteal --cov --cov-report=term-missing $(PYTEST_ARGS)

lint: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Type hints where the logic is: the rule evaluator, the services and the history reads.
typecheck: $(VENV)/.dev-installed $(DEV_KEY_FILE)
	$(DEV_ENV) $(VENV)/bin/mypy

# Fails when a model changed without its migration.
migrations-check: $(VENV)/.runtime-installed $(DEV_KEY_FILE)
	$(DEV_ENV) $(PY) manage.py makemigrations --check --dry-run

# After changing a user-facing string (or a text in knowledge/rules.yaml): gather every string
# into locale/<language>/LC_MESSAGES/django.po, translate what is new or marked fuzzy, then
# run this again to compile. Needs GNU gettext (apt-get install gettext). The compiled .mo
# files are committed, so set-up needs no gettext; tests/test_translations.py fails while a
# catalogue misses a string or its .mo is older than its .po.
MESSAGE_DIRS := -i ".venv" -i ".venv-production" -i "bench" -i "tests" -i "test-artifacts" -i "docs"
messages: $(VENV)/.runtime-installed $(DEV_KEY_FILE)
	$(DEV_ENV) $(PY) manage.py write_rule_texts
	$(DEV_ENV) $(PY) manage.py makemessages -l ru --add-location=file $(MESSAGE_DIRS)
	$(DEV_ENV) $(PY) manage.py compilemessages -l ru $(MESSAGE_DIRS)

format: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# The load benchmark (bench/load.py, docs/benchmarks.md): a throwaway PostgreSQL database, its
# own Redis and gunicorn, every page measured with wrk beside a static file, the figures
# written to docs/benchmarks.md. About 8 minutes; BENCH_ARGS="--quick" for 3 s a row.
bench: $(VENV)/.runtime-installed .venv-production/.installed
	BENCH_APP_VENV=.venv-production $(PY) bench/load.py $(BENCH_ARGS)

# requirements.txt alone, as an app server in production has it: what bench/load.py runs.
.venv-production/.installed: requirements.txt
	$(PYTHON) -m venv .venv-production
	.venv-production/bin/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.runtime-installed: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime-installed $@

$(DEV_KEY_FILE): | $(VENV)/.runtime-installed
	mkdir -p .dev
	$(PY) -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())' > $@
	chmod 600 $@

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache test-artifacts .coverage .coverage.*
