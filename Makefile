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

# Bytecode is compiled at install time: PYTHONDONTWRITEBYTECODE may be set (it is on our CI
# machines), and every CLI call would otherwise recompile its imports (seconds per stage).
.PHONY: install
install: ## install everything from uv.lock into .venv (bootstraps uv with pip if missing)
	@$(UV) --version >/dev/null 2>&1 || python3 -m pip install --quiet 'uv>=0.9'
	$(UV) sync --locked --compile-bytecode

.PHONY: repro
repro: install ## run the whole pipeline on the embedded defaults (dvc repro)
	$(RUN) dvc repro

.PHONY: test
test: install ## run every test tier (unit, integration, e2e)
	$(RUN) pytest

.PHONY: test-unit test-integration test-e2e
test-unit: install ## unit tests only: in-process, under a minute
	$(RUN) pytest tests/unit
test-integration: install ## integration tests: the CLI, tools and real servers on 127.0.0.1
	$(RUN) pytest tests/integration
test-e2e: install ## end-to-end: dvc repro in a fresh copy of the repository
	$(RUN) pytest tests/e2e

.PHONY: fmt
fmt: install ## format the code
	$(RUN) ruff format src tests bench pipelines
	$(RUN) ruff check --fix src tests bench pipelines

.PHONY: lint
lint: install ## format check, lint and types
	$(RUN) ruff format --check src tests bench pipelines
	$(RUN) ruff check src tests bench pipelines
	$(RUN) mypy

.PHONY: check-params
check-params: install ## validate params.yaml
	$(RUN) fraudops check-params

.PHONY: push pull
push: install ## send data and models to the DVC remote
	$(RUN) dvc push
pull: install ## fetch data and models from the DVC remote
	$(RUN) dvc pull

.PHONY: bench-pipeline bench-code
bench-pipeline: install ## wall time and peak memory per stage of dvc repro from scratch
	$(RUN) python bench/pipeline.py
bench-code: install ## module count, median and largest module, import cycles
	$(RUN) python bench/code_shape.py

# ---- GitOps: registry, promotion, manifests (docs/gitops.md)
# The offline checks of deploy/, .github/ and the Dockerfile, with the tools uv.lock installs
# (the Argo schemas and object checks: tests/manifest_schemas.py).
MANIFEST_TESTS := tests/integration/test_deploy_manifests.py \
	tests/integration/test_workflows_manifests.py tests/integration/test_github_workflows.py
ALIAS ?= staging
CARD_ENV ?= production
MODEL_CARD_OUT ?= MODEL_CARD.md
PROMOTE_ARGS ?=

.PHONY: validate-manifests
validate-manifests: install ## render every kustomize folder; check deploy/, .github/, the Dockerfile offline
	$(RUN) pytest -q $(MANIFEST_TESTS)

.PHONY: register
register: install ## register the bundle in MLflow (MLFLOW_TRACKING_URI), alias ALIAS=staging
	$(RUN) fraudops register --alias "$(ALIAS)"

FROM ?=
.PHONY: gate
gate: install ## champion/challenger verdict of metrics.json (or FROM=staging) against production
	$(RUN) fraudops gate $(if $(FROM),--from $(FROM)) -o reports/gate.md

.PHONY: promote-staging
promote-staging: install ## pin IMAGE=<name>@sha256:<digest> MODEL_VERSION=N in the staging overlay
	@test -n "$(IMAGE)" -a -n "$(MODEL_VERSION)" || { echo "usage: make promote-staging IMAGE=<name>@sha256:<digest> MODEL_VERSION=N"; exit 2; }
	$(RUN) fraudops promote --env staging --image "$(IMAGE)" --model-version "$(MODEL_VERSION)" $(PROMOTE_ARGS)

.PHONY: promote-production
promote-production: install ## promote exactly what staging runs to production (same digest)
	$(RUN) fraudops promote --env production --from staging $(PROMOTE_ARGS)

.PHONY: model-card
model-card: install ## write the model card of CARD_ENV=production to MODEL_CARD_OUT=MODEL_CARD.md
	$(RUN) fraudops model-card --env "$(CARD_ENV)" -o "$(MODEL_CARD_OUT)"

.PHONY: argocd-repo
argocd-repo: install ## point deploy/argocd at REPO_URL=https://github.com/<you>/<repo>.git
	@test -n "$(REPO_URL)" || { echo "usage: make argocd-repo REPO_URL=https://github.com/<you>/<repo>.git"; exit 2; }
	$(RUN) fraudops argocd-repo "$(REPO_URL)"

.PHONY: bench-gitops
bench-gitops: install ## time a promotion (pure, files, CLI) and the manifest checks
	$(RUN) python bench/gitops.py

# ---- Argo Workflows from Hera (docs/argo.md)
.PHONY: workflows workflows-check
workflows: install ## render the Argo workflows (pipelines/) into deploy/argo; FRAUDOPS_IMAGE overrides the image
	$(RUN) python -m pipelines
workflows-check: install ## fail if deploy/argo differs from the Hera definitions in pipelines/
	$(RUN) python -m pipelines --check

.PHONY: bench-argo
bench-argo: install ## time the training workflow step by step (one process per pod) and its fan-out
	$(RUN) python bench/argo.py

# Monitoring demo: a week of normal traffic then a week with every drift of the generator,
# scored by the bundle's model straight into the prediction log format, then monitored.
# DRIFT=amounts|merchants|foreign|fraud-pattern|all|params picks the scenario.
DRIFT ?= all
DEMO := build/monitor-demo

.PHONY: monitor-demo
monitor-demo: install ## simulate drifted traffic, monitor it and show the drift it found
	$(RUN) dvc repro reference
	rm -rf $(DEMO)
	$(RUN) fraudops simulate-traffic --drift $(DRIFT) --rows 30000 --days 14 \
		--drift-start-day 7 --logs $(DEMO)/logs --labels-out $(DEMO)/labels.csv
	$(RUN) fraudops monitor --logs $(DEMO)/logs --labels $(DEMO)/labels.csv \
		--window-days 14 --out $(DEMO)/reports; status=$$?; \
		if [ $$status -eq 3 ]; then echo "drift found (exit 3): open $(DEMO)/reports/*.html"; \
		elif [ $$status -eq 0 ]; then echo "no drift found: open $(DEMO)/reports/*.html"; \
		else exit $$status; fi

.PHONY: bench-monitoring
bench-monitoring: install ## time monitoring of 100k logged predictions (target under 30 s)
	$(RUN) dvc repro reference
	$(RUN) python bench/monitoring.py --rows 100000

# ---- CI glue (docs/ci.md): each GitHub Actions step is one of these
.PHONY: ci-pull
ci-pull: install ## pull the DVC cache from DVC_REMOTE_URL when set (else the pipeline runs from scratch)
	@if [ -n "$(DVC_REMOTE_URL)" ]; then \
		$(RUN) dvc remote add --local --force --default ci "$(DVC_REMOTE_URL)" && \
		$(RUN) dvc pull --allow-missing; \
	else echo "ci-pull: DVC_REMOTE_URL is not set; dvc repro will run from scratch"; fi

SUITE ?=
.PHONY: check-status
check-status: install ## one Deepchecks suite's summary; fails when its gate failed (SUITE=...)
	$(RUN) fraudops check-status "$(SUITE)"

BASE ?= main
.PHONY: pr-report pr-comment
pr-report: install ## params/metrics/plots diff against BASE, Deepchecks summaries and the verdict
	$(RUN) fraudops pr-report --base "$(BASE)"
pr-comment: install ## create or update the report comment (GITHUB_TOKEN, GITHUB_REPOSITORY, PR_NUMBER)
	$(RUN) fraudops pr-comment

ENV ?=
VERSION ?=
.PHONY: set-alias
set-alias: install ## point ALIAS at VERSION=N, or at what ENV=<env> runs
	$(RUN) fraudops set-alias --alias "$(ALIAS)" $(if $(ENV),--env $(ENV)) $(if $(VERSION),--version $(VERSION))

TAG ?=
.PHONY: github-release
github-release: ## GitHub Release TAG=vX.Y.Z with the model card, metrics and reports (gh, GH_TOKEN)
	@test -n "$(TAG)" || { echo "usage: make github-release TAG=vX.Y.Z"; exit 2; }
	gh release create "$(TAG)" --title "$(TAG)" --notes-file reports/MODEL_CARD.md \
		reports/MODEL_CARD.md metrics.json $(wildcard reports/*.json reports/*.html)

LOGS ?=
.PHONY: monitor-or-retrain retrain-pr
monitor-or-retrain: install ## monitor LOGS; on drift (exit 3) retrain and open a pull request
	$(RUN) dvc repro reference
	status=0; $(RUN) fraudops monitor $(if $(LOGS),--logs "$(LOGS)") || status=$$?; \
	if [ $$status -eq 3 ]; then $(MAKE) retrain-pr; elif [ $$status -ne 0 ]; then exit $$status; fi
retrain-pr: install ## retrain on fresh data on a new branch and open a pull request (gh, GH_TOKEN)
	git switch -c "retrain/$$(date -u +%Y%m%d-%H%M)"
	$(RUN) dvc repro
	git add dvc.lock metrics.json plots models/tuning.json
	git -c user.name=fraudops-bot -c user.email=fraudops-bot@users.noreply.github.com \
		commit -m "Retrain: drift crossed its threshold"
	$(RUN) dvc push
	git push -u origin HEAD
	gh pr create --fill --label retraining

.PHONY: checks-summary bench-checks
checks-summary: install ## the gates' Markdown summaries (for a CI job summary)
	$(RUN) fraudops checks-summary
bench-checks: install ## time of each Deepchecks gate on the default data (after dvc repro)
	$(RUN) python bench/checks.py

.PHONY: bench-batch
bench-batch: install ## batch scoring rows/s and peak memory (1M, 4M rows; sklearn, onnx) vs in-process predict_proba
	$(RUN) python bench/batch.py

.PHONY: bento bento-context serve bench-serving
bento: install ## import models/bundle into the BentoML store and build the Bento (no Docker needed)
	$(RUN) fraudops build-bento
bento-context: ## print the folder of the latest Bento (its env/docker/Dockerfile builds the image)
	@$(RUN) bentoml get card-fraud:latest -o path
serve: install ## serve the current model locally on 127.0.0.1:3000 (BentoML)
	$(RUN) fraudops serve --host 127.0.0.1 --port 3000
bench-serving: install ## BentoML vs mlflow models serve vs in-process, 1 and 100 records, concurrency 1/8/32
	$(RUN) python bench/serving.py
