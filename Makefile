# One task vocabulary for people, hooks, CI and Argo: every step is a target here or a CLI call.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# uv from PATH, or bootstrapped with pip on a fresh machine (then run as `python3 -m uv`).
UV := $(shell command -v uv 2>/dev/null || echo python3 -m uv)
RUN := $(UV) run --locked
export DISABLE_DEEPCHECKS_ANONYMOUS_TELEMETRY := 1
export DVC_NO_ANALYTICS := 1
export DO_NOT_TRACK := 1
export BENTOML_DO_NOT_TRACK := True

.PHONY: help
help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-18s %s\n", $$1, $$2}'

.PHONY: install
install: ## install everything from uv.lock into .venv (bootstraps uv with pip if missing)
	@$(UV) --version >/dev/null 2>&1 || python3 -m pip install --quiet 'uv>=0.9'
	$(UV) sync --locked

.PHONY: repro
repro: install ## run the whole pipeline on the embedded defaults (dvc repro)
	$(RUN) dvc repro

.PHONY: test
test: install ## run every test tier (unit, integration, e2e)
	$(RUN) pytest

.PHONY: test-unit
test-unit: install ## unit tests only
	$(RUN) pytest tests/unit

.PHONY: fmt
fmt: install ## format the code
	$(RUN) ruff format src tests bench
	$(RUN) ruff check --fix src tests bench

.PHONY: lint
lint: install ## format check, lint and types
	$(RUN) ruff format --check src tests bench
	$(RUN) ruff check src tests bench
	$(RUN) mypy

.PHONY: check-params
check-params: install ## validate params.yaml
	$(RUN) fraudops check-params

.PHONY: push pull
push: install ## send data and models to the DVC remote
	$(RUN) dvc push
pull: install ## fetch data and models from the DVC remote
	$(RUN) dvc pull

.PHONY: bench-pipeline
bench-pipeline: install ## wall time and peak memory per stage of dvc repro from scratch
	$(RUN) python bench/pipeline.py

.PHONY: bento serve bench-serving
bento: install ## import models/bundle into the BentoML store and build the Bento (no Docker needed)
	$(RUN) fraudops build-bento
serve: install ## serve the current model locally on 127.0.0.1:3000 (BentoML)
	$(RUN) fraudops serve --host 127.0.0.1 --port 3000
bench-serving: install ## BentoML vs mlflow models serve vs in-process, 1 and 100 records, concurrency 1/8/32
	$(RUN) python bench/serving.py
