# One task runner. Every verb installs into .venv first when needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export ORT_DISABLE_TELEMETRY := 1
export HF_HUB_OFFLINE := 1
export GRADIO_ANALYTICS_ENABLED := False
export ANONYMIZED_TELEMETRY := False

.PHONY: install run index test test-fast lint format bench bench-scale bench-start eval eval-people eval-ladders eval-heldout eval-heldout2 eval-heldout3 eval-heldout4 eval-heldout5 clean

install: $(STAMP)

# An editable install is not byte-compiled (pip compiles only what it copies), and with
# PYTHONDONTWRITEBYTECODE set no run writes the bytecode either: each would compile the package.
$(STAMP): pyproject.toml constraints.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	$(BIN)/python -m compileall -q advisor ui
	touch $(STAMP)

index: install
	$(BIN)/advisor index

run: install
	$(BIN)/advisor index
	$(BIN)/advisor serve

# The suite (unit, live local model, browser), then the evals on both CI backends.
test: install lint
	$(BIN)/pytest
	$(MAKE) --no-print-directory eval

eval: install
	ADVISOR_INDEX_DIR=reports/index $(BIN)/advisor index --rebuild
	ADVISOR_INDEX_DIR=reports/index $(BIN)/advisor eval --backend extractive \
		--out reports/eval-extractive.jsonl --report-dir reports/eval-extractive
	ADVISOR_INDEX_DIR=reports/index $(BIN)/advisor eval --backend local \
		--out reports/eval-local.jsonl --report-dir reports/eval-local

# Questions as people type them: the frozen test split (reported against the bars of
# evals/thresholds-people.toml, not yet met) and the dev split that tuning may look at.
eval-people: install
	ADVISOR_INDEX_DIR=reports/index $(BIN)/advisor index --rebuild
	-ADVISOR_INDEX_DIR=reports/index $(BIN)/advisor eval --backend extractive \
		--dataset evals/datasets/people_test.jsonl --thresholds evals/thresholds-people.toml \
		--out reports/people-test-extractive.jsonl --report-dir reports/people-test-extractive
	-ADVISOR_INDEX_DIR=reports/index $(BIN)/advisor eval --backend local \
		--dataset evals/datasets/people_test.jsonl --thresholds evals/thresholds-people.toml \
		--out reports/people-test-local.jsonl --report-dir reports/people-test-local
	-ADVISOR_INDEX_DIR=reports/index $(BIN)/advisor eval --backend extractive \
		--dataset evals/datasets/people_dev.jsonl --thresholds evals/thresholds-people.toml \
		--out reports/people-dev-extractive.jsonl --report-dir reports/people-dev-extractive
	-ADVISOR_INDEX_DIR=reports/index $(BIN)/advisor eval --backend extractive \
		--dataset evals/datasets/people_dev2.jsonl --thresholds evals/thresholds-people.toml \
		--out reports/people-dev2-extractive.jsonl --report-dir reports/people-dev2-extractive
	-ADVISOR_INDEX_DIR=reports/index $(BIN)/advisor eval --backend extractive \
		--dataset evals/datasets/people_dev_premise.jsonl --thresholds evals/thresholds-people.toml \
		--out reports/people-dev-premise-extractive.jsonl --report-dir reports/people-dev-premise-extractive

# The PM guide's evals with two invented ladders and a reference document indexed beside it:
# answers must not mix ladders, nor refusals loosen, as the corpus grows.
eval-ladders: install
	rm -rf reports/multi-corpus && mkdir -p reports/multi-corpus
	cp corpus/pm-career-path.txt corpus/aliases.toml tests/data/lighthouse-keeper-ladder.md \
		tests/data/ladders_unseen/urban-beekeeping.md tests/data/ladders_unseen/garden-notes.md \
		reports/multi-corpus/
	ADVISOR_CORPUS_DIR=reports/multi-corpus ADVISOR_INDEX_DIR=reports/multi-index \
		$(BIN)/advisor index --rebuild
	-ADVISOR_CORPUS_DIR=reports/multi-corpus ADVISOR_INDEX_DIR=reports/multi-index \
		$(BIN)/advisor eval --backend extractive --report-dir reports/ladders-career-eval
	-ADVISOR_CORPUS_DIR=reports/multi-corpus ADVISOR_INDEX_DIR=reports/multi-index \
		$(BIN)/advisor eval --backend extractive --dataset evals/datasets/people_test.jsonl \
		--thresholds evals/thresholds-people.toml --report-dir reports/ladders-people-test

# Three ladders nobody developed on (evals/ladders_heldout/), indexed alone, with their questions.
# A held-out ladder set (evals/ladders_$(1)/): its ladder files indexed alone, then its
# questions evaluated; a missed threshold is reported, not fatal.
define eval_ladder_set
	rm -rf reports/$(1)-corpus && mkdir -p reports/$(1)-corpus
	cp $(filter-out %/README.md,$(wildcard evals/ladders_$(1)/*.md evals/ladders_$(1)/*.txt \
		evals/ladders_$(1)/*.csv)) reports/$(1)-corpus/
	ADVISOR_CORPUS_DIR=reports/$(1)-corpus ADVISOR_INDEX_DIR=reports/$(1)-index \
		$(BIN)/advisor index --rebuild
	-ADVISOR_CORPUS_DIR=reports/$(1)-corpus ADVISOR_INDEX_DIR=reports/$(1)-index \
		$(BIN)/advisor eval --backend extractive --dataset evals/ladders_$(1)/questions.jsonl \
		--thresholds evals/thresholds-people.toml --out reports/$(1).jsonl \
		--report-dir reports/$(1)
endef

eval-heldout: install
	$(call eval_ladder_set,heldout)

eval-heldout2: install
	$(call eval_ladder_set,heldout2)

eval-heldout3: install
	$(call eval_ladder_set,heldout3)

eval-heldout4: install
	$(call eval_ladder_set,heldout4)

eval-heldout5: install
	$(call eval_ladder_set,heldout5)

test-fast: install
	$(BIN)/pytest -m "not live_model and not browser"

lint: install
	$(BIN)/ruff check advisor ui tests benchmarks evals
	$(BIN)/ruff format --check advisor ui tests benchmarks evals
	$(BIN)/mypy

format: install
	$(BIN)/ruff format advisor ui tests benchmarks evals
	$(BIN)/ruff check --fix advisor ui tests benchmarks evals

# Advisor vs plain llama-index on the local model, the growth series (1x/10x/100x;
# SCALE_ARGS=--with-1000x adds the 1000x point, minutes), and benchmarks/results/report.md with
# a plot per curve. Minutes long and not part of `make test`. The plots need the bench extra.
BENCH_STAMP := $(VENV)/.installed-bench

$(BENCH_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev,bench]'
	touch $(BENCH_STAMP)

bench: install $(BENCH_STAMP)
	$(BIN)/python benchmarks/bench_report.py $(SCALE_ARGS)

# Cold `advisor ask --backend extractive` and `advisor serve` to first page, fresh processes
# (the package byte-compiled first, as any run but the first finds it).
bench-start: install
	$(BIN)/python -m compileall -q advisor ui
	$(BIN)/python benchmarks/bench_start.py $(START_ARGS)

# Growth series on synthetic ladders (1x/10x/100x; SCALE_ARGS=--with-1000x adds minutes).
bench-scale: install
	$(BIN)/python benchmarks/bench_scale.py $(SCALE_ARGS)

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
