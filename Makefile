# One task runner. Every verb installs into .venv first when needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export ORT_DISABLE_TELEMETRY := 1
export HF_HUB_OFFLINE := 1
export GRADIO_ANALYTICS_ENABLED := False
export ANONYMIZED_TELEMETRY := False

.PHONY: install run index test test-fast lint format bench eval clean

install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

index: install
	$(BIN)/advisor index

run: install
	$(BIN)/advisor index
	$(BIN)/advisor chat

test: install lint
	$(BIN)/pytest

test-fast: install
	$(BIN)/pytest -m "not live_model and not browser"

lint: install
	$(BIN)/ruff check advisor ui tests benchmarks evals
	$(BIN)/ruff format --check advisor ui tests benchmarks evals
	$(BIN)/mypy

format: install
	$(BIN)/ruff format advisor ui tests benchmarks evals
	$(BIN)/ruff check --fix advisor ui tests benchmarks evals

bench: install
	$(BIN)/python benchmarks/bench_core.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
