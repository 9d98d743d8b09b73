"""The rendered Argo workflows, run locally step by step in dependency order with the same
commands (tests/argo_local.py), on reduced data in a temporary copy of the repository: the
DAGs are known right without a cluster.

Boundary steps are not run (they need the outside world), and the tests assert exactly which:
clone (git), dvc-pull and dvc-push (the DVC remote), open-pull-request (git push and the GitHub
API) and the monitor's submit-training (the Kubernetes API). Steps whose fraudops command does
not exist in this checkout yet are not run either and are named in a warning; once those
commands land, the same tests run them.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import pathlib
import uuid

import pandas as pd
import pytest
import yaml

from fraudops.core.generator import generate_transactions
from fraudops.core.tuning import CandidateResult, select_best
from fraudops.io.bundle import load_bundle
from fraudops.scoring.engine import load_engine
from fraudops.scoring.prediction_log import PredictionRecord
from pipelines import cli_args, cluster, monitoring, scoring, training
from tests.argo_local import LocalExecutor, WorkflowRun, checkout, load_documents
from tests.helpers import REPO, SMALL, make_params, params_dict

pytestmark = pytest.mark.slow

ARGO_DIR = REPO / "deploy" / "argo"


def _announce(run: WorkflowRun) -> None:
    """Print the step-by-step report (pytest shows it when a test fails)."""
    print(run.report())


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    root = tmp_path_factory.mktemp("argo-local")
    (root / "repo").mkdir()
    checkout(REPO, root / "repo")
    (root / "repo" / "params.yaml").write_text(yaml.safe_dump(params_dict(SMALL), sort_keys=False))
    return root


@pytest.fixture(scope="module")
def executor(workspace: pathlib.Path) -> LocalExecutor:
    documents = load_documents(ARGO_DIR)
    return LocalExecutor(
        mounts={cluster.REPO_DIR: workspace / "repo"},
        library={
            name: doc for (kind, name), doc in documents.items() if kind == "WorkflowTemplate"
        },
        env={
            "MLFLOW_TRACKING_URI": f"sqlite:///{workspace / 'mlflow.db'}",
            "DISABLE_DEEPCHECKS_ANONYMOUS_TELEMETRY": "1",
        },
    )


@pytest.fixture(scope="module")
def training_run(executor: LocalExecutor) -> WorkflowRun:
    """The training CronWorkflow, through its workflowTemplateRef, as the schedule runs it."""
    run = executor.run(load_documents(ARGO_DIR)[("CronWorkflow", training.NAME)])
    _announce(run)
    return run


def test_workflows_local__training_runs_every_step_in_order(training_run: WorkflowRun) -> None:
    assert training_run.phase == "Succeeded", training_run.report()
    assert list(training_run.tasks) == [
        "clone",
        "dvc-pull",
        "ingest",
        "validate-data",
        "split",
        "validate-split",
        "list-candidates",
        "tune",
        "train",
        "validate-model",
        "evaluate",
        "reference",
        "export-onnx",
        "dvc-push",
        "open-pull-request",
    ]
    boundary = [node.task for node in training_run.nodes("boundary")]
    assert boundary == ["clone", "dvc-pull", "dvc-push", "open-pull-request"]
    ran = {node.task for node in training_run.nodes("ran")}
    # Every step but the boundary ones ran: the commands of every work stream exist now.
    assert ran == set(training_run.tasks) - set(boundary)


def test_workflows_local__tuning_fans_out_one_node_per_candidate(
    training_run: WorkflowRun, workspace: pathlib.Path
) -> None:
    listed = json.loads(training_run.tasks["list-candidates"].nodes[0].stdout)
    assert listed == list(range(make_params().train.search.n_iter))
    tune = training_run.tasks["tune"]
    assert tune.fan_out
    assert [node.argv[-3] for node in tune.nodes] == [str(i) for i in listed]
    results = sorted((workspace / "repo" / cli_args.CANDIDATES_DIR).glob("candidate-*.json"))
    assert len(results) == len(listed) == len(tune.nodes)


def test_workflows_local__selected_candidate_is_in_the_bundle(
    training_run: WorkflowRun, workspace: pathlib.Path
) -> None:
    assert training_run.phase == "Succeeded"  # the candidates and the bundle to compare
    repo = workspace / "repo"
    results = [
        CandidateResult(**json.loads(path.read_text()))
        for path in (repo / cli_args.CANDIDATES_DIR).glob("candidate-*.json")
    ]
    contract = load_bundle(repo / "models" / "bundle").contract
    assert contract.best_params == select_best(results).params
    metrics = json.loads((repo / "metrics.json").read_text())
    assert {"model", "baseline", "lift", "threshold"} <= set(metrics)
    assert 0 < metrics["model"]["average_precision"] <= 1


def test_workflows_local__cron_arguments_reach_the_pull_request_step(
    training_run: WorkflowRun,
) -> None:
    env = training_run.tasks["open-pull-request"].nodes[0].env
    assert env["REASON"] == "scheduled weekly retraining"
    assert env["WORKFLOW_NAME"] == training_run.name
    assert env["REVISION"] == cluster.DEFAULT_REVISION


def test_workflows_local__scoring_shards_then_merges(
    training_run: WorkflowRun,
    executor: LocalExecutor,
    workspace: pathlib.Path,
    tmp_path: pathlib.Path,
) -> None:
    assert training_run.phase == "Succeeded"  # the bundle to score with
    output = tmp_path / "predictions"
    run = executor.run(
        load_documents(ARGO_DIR)[("WorkflowTemplate", scoring.NAME)],
        {"shards": "3", "output": str(output)},
    )
    _announce(run)
    assert run.phase == "Succeeded", run.report()
    assert [node.task for node in run.nodes("boundary")] == ["clone", "dvc-pull"]
    shards = run.tasks["score"].nodes
    assert [node.argv[node.argv.index("--shard") + 1] for node in shards] == ["0/3", "1/3", "2/3"]
    assert all(node.argv[node.argv.index("--out") + 1] == str(output) for node in shards)
    merge = run.tasks["merge"].nodes[0]
    assert merge.outcome == "ran"
    assert merge.argv[-1] == str(output)
    summary = json.loads((output / "_summary.json").read_text())
    test_rows = len(pd.read_parquet(workspace / "repo/data/processed/test.parquet"))
    # Three shards together cover every test row exactly once.
    assert len(pd.read_parquet(output)) + summary.get("rejected", 0) == test_rows, summary


def _write_prediction_logs(repo: pathlib.Path, folder: pathlib.Path) -> None:
    """Strongly drifted traffic, scored by the trained bundle, as the service logs it.

    The cron reads the last whole UTC day by the clock of its step, which may pass midnight
    while this test runs: the same traffic is logged early on the day before the test starts
    and early on the day it starts, so the day the step reads holds it either way."""
    engine = load_engine(repo / "models" / "bundle")
    drifted = make_params(
        {
            "data.generator.rows": 2000,
            "data.generator.drift": {
                "start": "2025-01-01",
                "amount_scale": 3.0,
                "risky_merchant_share": 0.6,
                "foreign_share": 0.6,
                "fraud_pattern": "low_amount_in_store",
            },
        }
    )
    frame = generate_transactions(drifted.data.generator)
    scores = engine.predict_proba(frame)
    today = dt.datetime.now(dt.UTC).replace(hour=0, minute=1, second=0, microsecond=0)
    folder.mkdir(parents=True, exist_ok=True)
    for logged_at in (today - dt.timedelta(days=1), today):
        lines = []
        for (_, row), score in zip(frame.iterrows(), scores, strict=True):
            record = PredictionRecord(
                record_id=str(row["transaction_id"]),
                request_id=uuid.uuid4().hex,
                logged_at=logged_at,
                model_name=engine.contract.model_name,
                bundle_version=engine.contract.bundle_version,
                score=float(score),
                decision=bool(score >= engine.contract.threshold),
                features={
                    name: row[name].item() if hasattr(row[name], "item") else row[name]
                    for name in engine.contract.feature_names
                },
            )
            lines.append(record.model_dump_json())
        stamp = logged_at.strftime("%Y%m%dT%H%M%SZ")
        path = folder / f"predictions-{stamp}-{os.getpid()}-0001.jsonl"
        path.write_text("\n".join(lines) + "\n")


def test_workflows_local__monitoring_submits_training_on_drift(
    training_run: WorkflowRun,
    executor: LocalExecutor,
    workspace: pathlib.Path,
    tmp_path: pathlib.Path,
) -> None:
    assert training_run.phase == "Succeeded"  # the bundle the logs were scored with
    logs = tmp_path / "prediction-logs"
    _write_prediction_logs(workspace / "repo", logs)
    run = executor.run(
        load_documents(ARGO_DIR)[("CronWorkflow", monitoring.NAME)],
        {"prediction-log-dir": str(logs)},
    )
    _announce(run)
    monitor = run.tasks["monitor"].nodes[0]
    assert monitor.env["FRAUDOPS_PREDICTION_LOG_DIR"] == str(logs)
    assert monitor.argv[-2:] == ["--window-days", "1"]  # the cron's argument
    if monitor.outcome != "ran":
        assert [node.template for node in run.nodes("boundary")] == ["clone", "dvc-pull"]
        assert {run.tasks["retrain"].phase, run.tasks["monitor-failed"].phase} == {"Omitted"}
        return
    assert monitor.exit_code == cli_args.DRIFT_EXIT_CODE, run.report()
    assert run.phase == "Succeeded", run.report()
    assert run.tasks["monitor-failed"].phase == "Skipped"
    boundary = [node.template for node in run.nodes("boundary")]
    assert boundary == ["clone", "dvc-pull", "submit-training"]  # created, not submitted here
    submitted = yaml.safe_load(run.tasks["retrain"].nodes[0].manifest)
    assert submitted["spec"]["workflowTemplateRef"]["name"] == training.NAME
    reason = {p["name"]: p["value"] for p in submitted["spec"]["arguments"]["parameters"]}
    assert reason["reason"] == f"drift detected by {run.name}"
