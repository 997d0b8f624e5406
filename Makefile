# The two set-up commands: `make run` (embedded dev site) and `make test` (full suite on
# PostgreSQL + Redis, then the fuzz on SQLite). Everything else here is what they are made of.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
# `make test` defaults; override by exporting them.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/trainingsite
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
PYTEST_WORKERS ?= 2
# The fuzz budget per URL in `make test` (CI): PostgreSQL, then SQLite. `FUZZ_EXAMPLES=500
# FUZZ_RANDOM=1 pytest tests/fuzz` searches longer.
FUZZ_EXAMPLES ?= 6
SQLITE_FUZZ_EXAMPLES ?= 2

.PHONY: run test lint format worker assets messages install services-check demo clean bench

$(BIN)/.installed: requirements.txt requirements-dev.txt
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found: install Python 3.11"; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

install: $(BIN)/.installed

static/vendor/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	rm -rf static/vendor && mkdir -p static/vendor/bootstrap static/vendor/bootstrap-icons static/vendor/chartjs static/vendor/axe-core static/vendor/tom-select static/vendor/swagger-ui
	cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js node_modules/bootstrap/dist/js/bootstrap.bundle.min.js.map static/vendor/bootstrap/
	cp -r node_modules/bootstrap-icons/font/bootstrap-icons.min.css node_modules/bootstrap-icons/font/fonts static/vendor/bootstrap-icons/
	cp node_modules/chart.js/dist/chart.umd.min.js node_modules/chart.js/dist/chart.umd.min.js.map static/vendor/chartjs/
	cp node_modules/axe-core/axe.min.js static/vendor/axe-core/
	@# The service worker's library, loaded by workbox-sw from the site itself (modulePathPrefix).
	mkdir -p static/vendor/workbox
	cp node_modules/workbox-sw/build/workbox-sw.js node_modules/workbox-sw/build/workbox-sw.js.map static/vendor/workbox/
	for m in core routing strategies precaching cacheable-response; do \
		cp node_modules/workbox-$$m/build/workbox-$$m.prod.js node_modules/workbox-$$m/build/workbox-$$m.prod.js.map static/vendor/workbox/; done
	@# QR reading on the trainer's device where the browser has no BarcodeDetector; its wasm is
	@# served by the site (the library's default is a CDN).
	mkdir -p static/vendor/barcode-detector
	cp node_modules/barcode-detector/dist/iife/ponyfill.js node_modules/zxing-wasm/dist/reader/zxing_reader.wasm \
		static/vendor/barcode-detector/
	cp node_modules/tom-select/dist/js/tom-select.complete.min.js node_modules/tom-select/dist/js/tom-select.complete.min.js.map static/vendor/tom-select/
	cp node_modules/tom-select/dist/css/tom-select.bootstrap5.min.css node_modules/tom-select/dist/css/tom-select.bootstrap5.min.css.map static/vendor/tom-select/
	cd node_modules/swagger-ui-dist && cp swagger-ui-bundle.js swagger-ui-bundle.js.map swagger-ui-standalone-preset.js \
		swagger-ui-standalone-preset.js.map swagger-ui.css swagger-ui.css.map favicon-32x32.png ../../static/vendor/swagger-ui/
	@# Embedded in certificate PDFs (not served to browsers): one family for Latin and CJK text.
	mkdir -p var/fonts
	cp node_modules/@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf \
		node_modules/@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf var/fonts/
	@touch $@

# The theme: Bootstrap's Sass with the site's variables (scss/), only the modules in use, and
# the Inter font files its @font-face rules name.
static/vendor/theme/theme.css: static/vendor/.installed $(wildcard scss/*.scss)
	mkdir -p static/vendor/theme/files
	node_modules/.bin/sass --no-source-map --style=compressed --load-path=node_modules --quiet-deps \
		--silence-deprecation=import --silence-deprecation=global-builtin --silence-deprecation=color-functions \
		--silence-deprecation=if-function \
		scss/theme.scss static/vendor/theme/theme.css
	cp node_modules/@fontsource-variable/inter/files/inter-latin-wght-normal.woff2 \
		node_modules/@fontsource-variable/inter/files/inter-latin-ext-wght-normal.woff2 static/vendor/theme/files/

assets: static/vendor/.installed static/vendor/theme/theme.css

messages: install
	@if ls locale/*/LC_MESSAGES/django.po >/dev/null 2>&1; then $(PY) manage.py compilemessages --verbosity 0; fi

run: install assets messages
	@mkdir -p var
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver 127.0.0.1:8000

services-check: install
	@DEBUG=1 DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(PY) -m trainingsite.checkservices

test: install assets messages services-check
	DEBUG=1 DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) CELERY_TASK_ALWAYS_EAGER=1 \
		FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)
	@# The fuzz again on the embedded default (`make run`: SQLite, in memory here; no Redis).
	env -u DATABASE_URL -u REDIS_URL FUZZ_EXAMPLES=$(SQLITE_FUZZ_EXAMPLES) CELERY_TASK_ALWAYS_EAGER=1 \
		$(BIN)/pytest -n $(PYTEST_WORKERS) tests/fuzz

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

worker: install
	@test -n "$$REDIS_URL" || { echo "Set REDIS_URL (e.g. redis://127.0.0.1:6379/0) to run a real worker."; exit 1; }
	DEBUG=$${DEBUG:-1} $(BIN)/celery -A trainingsite worker --beat --loglevel=info --concurrency=2

demo: install
	@mkdir -p var
	$(PY) manage.py migrate --no-input && $(PY) manage.py seed_demo

clean:
	rm -rf $(VENV) node_modules static/vendor staticfiles var .pytest_cache

# Benchmarks: short defaults; each prints its table. Scratch DBs on the PostgreSQL
# server in BENCH_PG_SERVER, Redis in BENCH_REDIS_URL (see bench/harness.py).
bench: install assets
	$(PY) bench/seed_scale.py --scale 0.01 --db ts_bench_seed
	$(PY) bench/pages.py --scale 0.1 --seconds 5
	$(PY) bench/explain.py --scale 0.1 --top 2
	$(PY) bench/explain.py --scale 0.1 --top 2 --cold
	$(PY) bench/registration_rush.py
	$(PY) bench/export.py
	$(PY) bench/invites_fanout.py
	$(PY) bench/scaleout.py --seconds 8
	$(PY) bench/soak.py --seconds 60
