# Switchboard — the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PROTOS := $(sort $(wildcard proto/switchboard/v1/*.proto))
BUF := node_modules/.bin/buf

.PHONY: run test gen check-gen lint fmt migrate bench clean install

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@

## gen: Python stubs (+ .pyi) and the descriptor set Envoy loads, all under gen/.
gen: $(STAMP)
	$(PY) -m switchboard.tools.protogen --out gen

## check-gen: fail if gen/ is not what `make gen` would produce from proto/.
check-gen: $(STAMP)
	$(PY) -m switchboard.tools.protogen --check gen

$(BUF):
	npm install --no-audit --no-fund --silent

lint: $(STAMP) $(BUF)
	$(PY) -m switchboard.tools.protogen --buf-deps build/protodeps
	$(BUF) lint
	$(PY) -m ruff check src tests bench
	$(PY) -m ruff format --check src tests bench

fmt: $(STAMP)
	$(PY) -m ruff format src tests bench
	$(PY) -m ruff check --fix src tests bench

migrate: $(STAMP)
	$(PY) -m switchboard migrate

## run: migrate, start the gRPC server and Envoy, print the URLs and the admin key.
run: $(STAMP) gen
	$(PY) -m switchboard run

## test: the whole suite, on SQLite and on Postgres, through a real Envoy.
test: $(STAMP) check-gen
	@$(PY) -m pytest $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "make test: pytest collected no tests; that is a failure"; fi; \
	exit $$rc

bench: $(STAMP)
	@ls bench/*.py

clean:
	rm -rf $(VENV) node_modules var .pytest_cache .ruff_cache
