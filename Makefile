# The README's commands. Everything installs into .venv; models go to models/ (see assistant/models.toml).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Re-install when pyproject.toml changes.
STAMP := $(VENV)/.installed-$(shell sha256sum pyproject.toml 2>/dev/null | cut -c1-12)
# llama.cpp compiles for the build machine's CPU, but some virtual machines here report AMX tiles they
# do not let a program use ("Illegal instruction" on the first answer), and -march=native turns them on
# whatever GGML_AMX_* say. So: a portable x86-64-v3 build (AVX2, FMA, F16C), as every machine here has.
LLAMA_CMAKE_ARGS ?= -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON
HOST ?= 127.0.0.1
PORT ?= 7860

.PHONY: run setup install models index test test-all unit integration mutants browser-deps eval sweep bench lint audit format chat clean

## run: set everything up, build the index if needed, start the app
run: setup
	$(BIN)/assistant index
	$(BIN)/assistant ui --host $(HOST) --port $(PORT)

## setup: venv, dependencies, models (idempotent)
setup: install models

install: $(STAMP)
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@# llama-cpp-python compiles from source (~8 min on 2 cores) the first time; pip's wheel cache keeps the result.
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/pip install --disable-pip-version-check -e ".[dev]"
	@rm -f $(VENV)/.installed-*
	@touch $@

models: install
	$(BIN)/assistant models fetch

index: setup
	$(BIN)/assistant index

chat: setup
	$(BIN)/assistant index
	$(BIN)/assistant chat

## test: lint, unit tests (fakes), the mutants against their own test files, and one real-model test of
## each path (ask in three languages, a speech, a brief, the app in Chromium)
test: setup browser-deps
	$(BIN)/ruff check assistant ui eval tests
	$(BIN)/python -m pytest -m "not exhaustive" --durations=15

## test-all: everything, the exhaustive runs too (speeches in every language, every mutant against the
## whole unit suite); run it before calling a change to the engine done
test-all: setup browser-deps
	$(BIN)/ruff check assistant ui eval tests
	$(BIN)/python -m pytest --durations=15

# Debian's Chromium drives the browser test; the fonts let screenshots show Japanese and symbols.
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -q && apt-get install -y -q chromium; }
	@fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || { apt-get update -q && apt-get install -y -q fonts-noto-cjk fonts-noto-color-emoji; }

unit: install
	$(BIN)/python -m pytest -m "not integration and not browser" --durations=15

integration: setup browser-deps
	$(BIN)/python -m pytest -m "(integration or browser) and not exhaustive" --durations=15

## mutants: break each guarantee of the engine in a copy of the project; the whole unit suite must notice
mutants: install
	$(BIN)/python -m tests.mutants --whole

## eval: retrieval (and answer) metrics on eval/gold.jsonl
eval: setup
	$(BIN)/assistant index
	$(BIN)/python -m eval.run --answers

sweep: setup
	$(BIN)/python -m eval.run --sweep 300,450,600,900

## bench: the assistant beside the LangChain baseline (same questions, models, machine), with plots in docs/
bench: setup
	$(BIN)/assistant index
	$(BIN)/python -m eval.bench --answers 0
	$(BIN)/python -m eval.side_by_side

lint: install audit
	$(BIN)/ruff check assistant ui eval tests
	$(BIN)/ruff format --check assistant ui eval tests
	$(BIN)/mypy assistant

## audit: known vulnerabilities of the installed packages (pip-audit, in a venv of its own)
AUDIT := .venv-audit/bin/pip-audit
$(AUDIT):
	python3 -m venv .venv-audit
	.venv-audit/bin/pip install -q pip-audit==2.10.1

audit: install $(AUDIT)
	$(BIN)/python -m tests.audit $(AUDIT)

format: install
	$(BIN)/ruff format assistant ui eval tests
	$(BIN)/ruff check --fix assistant ui eval tests

clean:
	rm -rf index/CURRENT index/generations index/chroma .pytest_cache eval/results
