# Newsroom — the commands the README names. Same targets locally and in CI.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# A Python >= 3.12: the one .python-version selects (pyenv), else python3.13, python3.12, python3.
PYTHON ?= $(shell for p in python3 python3.13 python3.12; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; \
	then echo $$p; break; fi; done)
# Bytecode is cached (__pycache__/, git-ignored) even where the environment says PYTHONDONTWRITEBYTECODE: without
# it every test worker compiles and assertion-rewrites the whole suite again (3.7 s of CPU each, measured).
unexport PYTHONDONTWRITEBYTECODE
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
DEV_ENV := DEBUG=1
PORT ?= 8000

.PHONY: help python venv run serve seed test lint format check bench screenshots clean
.PHONY: audit lighthouse

help:
	@echo "make run    - set up, migrate, seed demo content, serve http://127.0.0.1:8000/ (PORT=… to change)"
	@echo "make test   - set up and run the whole test suite (DATABASE_URL selects the database)"
	@echo "make serve  - production mode locally: collectstatic, migrate, granian (deploy/granian.env)"
	@echo "make lint   - ruff lint + format check, makemigrations --check, manage.py check"
	@echo "make bench  - 2,000 and 100,000 articles: seed, serve with granian, write bench/results.{json,md}"
	@echo "make lighthouse - Lighthouse (mobile, desktop) on home, article, section, search, author: docs/lighthouse.md"
	@echo "make audit  - bandit, sqlmap and wapiti against a throwaway local copy; findings in audit/ (not in make test)"
	@echo "make screenshots - refresh docs/screenshots/ (reader pages, editor, image chooser, desk on a phone, correction note, story chart) with headless Chromium"

python:
	@if [ -z "$(PYTHON)" ]; then \
		echo "Newsroom needs Python 3.12 or newer (3.13 preferred). Install it (e.g. 'pyenv install 3.13')"; \
		echo "or run: make PYTHON=/path/to/python3.13 <target>"; exit 1; fi

$(BIN)/.installed-runtime: requirements.txt | python
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

$(BIN)/.installed-test: requirements.txt requirements-test.txt $(BIN)/.installed-runtime
	$(PY) -m pip install --quiet -r requirements-test.txt
	@touch $@

# axe-core for the browser tests' accessibility checks (package.json). Without npm the checks skip
# locally and fail in CI (CI=true).
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: accessibility checks will be skipped (install Node.js and npm)"; fi

venv: $(BIN)/.installed-runtime

run: $(BIN)/.installed-runtime
	$(DEV_ENV) $(PY) manage.py migrate --noinput
	$(DEV_ENV) $(PY) manage.py seed_demo --if-empty
	$(DEV_ENV) $(PY) manage.py create_dev_editor --port $(PORT)
	$(DEV_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

# Production mode on this machine: DEBUG off, WhiteNoise's hashed static files, granian with deploy/granian.env,
# and a task worker (`manage.py db_worker`) making image renditions off the request.
# A throwaway SECRET_KEY unless you set one; DATABASE_URL / REDIS_URL as in production.
serve: $(BIN)/.installed-runtime
	@export SECRET_KEY="$${SECRET_KEY:-$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')}" \
		ALLOWED_HOSTS="$${ALLOWED_HOSTS:-127.0.0.1,localhost}" SECURE_SSL_REDIRECT="$${SECURE_SSL_REDIRECT:-0}" \
		DEBUG=0 NEWSROOM_SERVE_MEDIA=1 NEWSROOM_TASKS="$${NEWSROOM_TASKS:-database}"; \
	export GRANIAN_PORT="$${GRANIAN_PORT:-$(PORT)}" GRANIAN_WORKERS="$${GRANIAN_WORKERS:-$$(nproc)}"; \
	while IFS='=' read -r name value; do \
		case "$$name" in ''|\#*) continue ;; esac; [ -n "$${!name}" ] || export "$$name=$$value"; \
	done < deploy/granian.env; \
	$(PY) manage.py collectstatic --noinput -v0 && $(PY) manage.py migrate --noinput -v0 && \
	$(PY) manage.py seed_demo --if-empty -v0 && \
	{ $(PY) manage.py db_worker --no-reload -v0 & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT; } && \
	echo "Serving http://127.0.0.1:$(PORT)/ in production mode (granian, $$GRANIAN_WORKERS workers), with a task worker (Ctrl-C stops both)" && \
	$(PY) -m granian newsroom.wsgi:application

# The suite runs on TEST_WORKERS processes (pytest-xdist; `auto`: one per core): much of its time is spent waiting
# on Chromium, subprocess servers and sockets. TEST_WORKERS=0 runs it in this process. `--dist loadgroup`: the tests
# sharing a module-scoped fixture (a served site, a migrated database) run on one worker, so it is built once
# (tests/conftest.py); every other test goes to whichever worker is free.
TEST_WORKERS ?= auto
test: $(BIN)/.installed-test node_modules/.installed
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

screenshots: $(BIN)/.installed-test node_modules/.installed
	CI=true $(PY) -m pytest tests/browser/test_reader.py -k first_screen  # CI=true: no browser fails, never a stale copy
	mkdir -p docs/screenshots
	cp tests/artifacts/readme-article-desktop.png docs/screenshots/article-desktop.png
	cp tests/artifacts/readme-article-phone.png docs/screenshots/article-phone.png
	CI=true $(PY) -m pytest tests/browser/test_reader_polish_browser.py -k "printed_story or dark_article_picture or every_section"
	cp tests/artifacts/readme-article-dark.png docs/screenshots/article-dark.png
	cp tests/artifacts/readme-sections-phone.png docs/screenshots/sections-phone.png
	cp tests/artifacts/readme-article-print.png docs/screenshots/article-print.png
	CI=true $(PY) -m pytest tests/browser/test_list_pictures_browser.py -k screenshots
	cp tests/artifacts/readme-list-thumbnails-desktop.png docs/screenshots/list-thumbnails-desktop.png
	cp tests/artifacts/readme-author-desktop.png docs/screenshots/author-desktop.png
	cp tests/artifacts/readme-home-phone.png docs/screenshots/home-phone.png
	CI=true $(PY) -m pytest tests/browser/test_editor_browser.py tests/browser/test_media_browser.py tests/browser/test_lists_browser.py
	cp tests/artifacts/editor-toolbar.png docs/screenshots/admin-editor.png
	cp tests/artifacts/media-chooser.png docs/screenshots/admin-image-chooser.png
	cp tests/artifacts/media-focal-point.png docs/screenshots/admin-focal-point.png
	cp tests/artifacts/admin-article-list.png docs/screenshots/admin-article-list.png
	CI=true $(PY) -m pytest tests/browser/test_desk_phone_browser.py
	cp tests/artifacts/desk-phone-dashboard.png docs/screenshots/desk-phone-dashboard.png
	cp tests/artifacts/desk-phone-editor.png docs/screenshots/desk-phone-editor.png
	CI=true $(PY) -m pytest tests/browser/test_pictures_browser.py -k "writer_puts or hero_and_social"
	cp tests/artifacts/desk-body-image-chooser.png docs/screenshots/desk-body-image-chooser.png
	cp tests/artifacts/article-body-image.png docs/screenshots/article-body-image.png
	cp tests/artifacts/desk-image-chooser.png docs/screenshots/desk-image-chooser.png
	CI=true $(PY) -m pytest tests/browser/test_corrections_browser.py
	cp tests/artifacts/article-correction-note.png docs/screenshots/article-correction-note.png
	cp tests/artifacts/desk-story-chart.png docs/screenshots/desk-story-chart.png
	CI=true $(PY) -m pytest tests/browser/test_desk_tags_browser.py tests/browser/test_editor_embed_cards_browser.py
	cp tests/artifacts/desk-tag-chips.png docs/screenshots/desk-tag-chips.png
	cp tests/artifacts/desk-embed-card.png docs/screenshots/desk-embed-card.png

# The demo served in production mode on port 8123 (its own process group, stopped afterwards), then
# scripts/lighthouse.sh against it. Not part of the tests: performance is measured, so run it on a quiet machine.
lighthouse: $(BIN)/.installed-runtime
	@setsid $(MAKE) --no-print-directory serve PORT=8123 > /tmp/newsroom-lighthouse-serve.log 2>&1 & server=$$!; \
	trap 'kill -- -$$server 2>/dev/null' EXIT; \
	for _ in $$(seq 120); do curl -fs -o /dev/null http://127.0.0.1:8123/healthz && break; sleep 1; done; \
	scripts/lighthouse.sh http://127.0.0.1:8123

lint: $(BIN)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(DEV_ENV) $(PY) manage.py makemigrations --check --dry-run
	$(DEV_ENV) $(PY) manage.py check

# Not part of the tests: see docs/benchmark.md. BENCH_ARTICLES, BENCH_SECONDS, DATABASE_URL tune it.
bench: $(BIN)/.installed-runtime
	$(PY) bench/run.py

format: $(BIN)/.installed-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) db.sqlite3* media staticfiles tests/artifacts .pytest_cache node_modules

# Security audit (issue 11), not part of `make test`: the tools (requirements-audit.txt) live in their own venv,
# audit/.venv, so their dependencies never touch the project's. Targets only 127.0.0.1. See audit/findings.md.
audit/.venv/.installed: requirements-audit.txt | python
	@test -x audit/.venv/bin/python || $(PYTHON) -m venv audit/.venv
	audit/.venv/bin/pip install --quiet -r requirements-audit.txt
	@touch $@

audit: $(BIN)/.installed-runtime audit/.venv/.installed
	bash audit/run.sh
