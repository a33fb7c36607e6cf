# Lotse: `make run` starts everything on embedded defaults, `make test` runs the whole suite.
SHELL := /bin/bash
.DEFAULT_GOAL := run

UV := python3 -m uv
RASA := .venv-rasa/bin/rasa
RASA_PY := .venv-rasa/bin/python
BACKEND_PY := .venv-backend/bin/python
MODEL := models/lotse.tar.gz
TRAINING_INPUTS := config.yml domain.yml $(wildcard data/nlu/*.yml) $(wildcard stories/*.yml) $(wildcard bot/nlu/*.py) bot/language.py bot/language_hints.yml bot/understanding/framing.py bot/understanding/framing.yml
WIDGET := web/dist/lotse-widget.js
export TF_CPP_MIN_LOG_LEVEL := 2
export RASA_TELEMETRY_ENABLED := false
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export PYTHONPATH := $(CURDIR)

.PHONY: run run-scaled test setup prerequisites nginx model validate facts-check test-unit test-backend test-rasa test-e2e bench bench-scaled clean

run: setup $(MODEL)
	python3 scripts/stack.py run

# The scaled profile on one host (issue 16 S3): RASA_SERVERS Rasa servers and ACTION_SERVERS action servers
# behind nginx on port 5005, on PostgreSQL, Redis and RabbitMQ (this host's, for variables left unset).
RASA_SERVERS ?= 2
ACTION_SERVERS ?= 2
run-scaled: setup nginx $(MODEL)
	python3 scripts/stack.py run --scaled --rasa-servers $(RASA_SERVERS) --action-servers $(ACTION_SERVERS)

nginx:
	@bash scripts/ensure_nginx.sh

setup: prerequisites .venv-rasa/.installed .venv-backend/.installed $(WIDGET)

prerequisites:
	@bash scripts/check_prerequisites.sh

.uv-installed:
	@python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet uv
	@touch $@

.venv-rasa/.installed: requirements/rasa.lock .uv-installed
	$(UV) venv --quiet --allow-existing --python 3.10 .venv-rasa
	$(UV) pip sync --quiet --compile-bytecode --python $(RASA_PY) requirements/rasa.lock
	@touch $@

.venv-backend/.installed: requirements/backend.lock .uv-installed
	$(UV) venv --quiet --allow-existing --python 3.11 .venv-backend
	$(UV) pip sync --quiet --compile-bytecode --python $(BACKEND_PY) requirements/backend.lock
	@touch $@

web/node_modules/.installed: web/package-lock.json
	cd web && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(WIDGET): web/node_modules/.installed $(wildcard web/src/*) $(wildcard web/demo/*) web/build.mjs web/tsconfig.json
	cd web && npm run --silent build

model: $(MODEL)

# An interrupted training must not delete the last good model.
.PRECIOUS: $(MODEL)

# Finetunes the last model when only data/nlu or stories changed (scripts/train_model.py; LOTSE_FULL_TRAINING=1
# forces a full training); records the time in models/lotse.training.json.
$(MODEL): .venv-rasa/.installed $(TRAINING_INPUTS)
	@mkdir -p var
	flock var/.training.lock $(RASA_PY) scripts/train_model.py

validate: .venv-rasa/.installed
	$(RASA_PY) scripts/validate_data.py --data data/nlu stories --config config.yml --domain domain.yml --fail-on-warnings

# Facts expiring within 60 days and unverified facts; fails on a stated fact expiring within 14 days
# without a successor (yearly figures are listed, not failed: bot/knowledge/freshness.py).
facts-check: .venv-rasa/.installed
	$(RASA_PY) scripts/facts_check.py

tests/browser/node_modules/.installed: tests/browser/package-lock.json
	cd tests/browser && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
	@touch $@

test: setup $(MODEL) tests/browser/node_modules/.installed
	bash scripts/ensure_services.sh
	bash scripts/test.sh

bench: setup $(MODEL)
	$(RASA_PY) bench/latency.py
	$(BACKEND_PY) bench/backend.py

# Embedded, scaled (2 Rasa servers) and the stock bot side by side at 1, 20 and 50 conversations (issue 16 S4);
# `make bench-scaled BENCH_ARGS=--faults`: kills a Rasa and an action server during a run (S5).
bench-scaled: setup nginx $(MODEL)
	$(RASA_PY) bench/scaled.py $(BENCH_ARGS)

clean:
	rm -rf models var reports .venv-rasa .venv-backend web/node_modules web/dist tests/browser/node_modules .uv-installed
