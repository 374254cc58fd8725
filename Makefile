# The two commands of the README: `make run` and `make test`.
# Each one sets everything up first (system speech engine, virtualenv, package).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SUDO := $(shell [ "$$(id -u)" = "0" ] || echo sudo)
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test setup system-deps lint typecheck validate clean

setup: system-deps $(STAMP)

# Debian's espeak-ng gives the local text-to-speech voice (pyttsx3 drives its library).
system-deps:
	@if ! command -v espeak-ng >/dev/null 2>&1 || ! ldconfig -p | grep -q libespeak-ng; then \
		echo "Installing espeak-ng from Debian..."; \
		$(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq espeak-ng >/dev/null; \
	fi

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev,piper,aws]'
	touch $(STAMP)

run: setup
	$(BIN)/steady serve --host $(HOST) --port $(PORT) --no-verify

lint: setup
	$(BIN)/ruff check skill tests
	$(BIN)/ruff format --check skill tests

typecheck: setup
	$(BIN)/mypy

validate: setup
	$(BIN)/steady validate --strict

test: setup validate lint typecheck
	$(BIN)/pytest

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache *.egg-info
