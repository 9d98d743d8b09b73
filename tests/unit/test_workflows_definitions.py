"""What the rendered workflows promise: each step runs the CLI in the project image on the
shared checkout with retries, timeouts and resource requests; secrets by name only; the DAG
shapes (tuning fan-out, shards, drift branch); and every DVC stage runs in training. The drift
branch run by the local executor: tests/integration/test_workflows_definitions.py."""

from __future__ import annotations

import re
import typing

import pytest
import yaml

from pipelines import cli_args, cluster, monitoring, render, scoring, training
from tests.argo_local import load_documents
from tests.helpers import REPO

Doc = dict[str, typing.Any]
ARGO_DIR = REPO / render.OUT_DIR
BOUNDARY = {"clone", "dvc-pull", "dvc-push", "open-pull-request", "submit-training"}
SECRET_LIKE = re.compile(r"TOKEN|PASSWORD|SECRET|ACCESS_KEY", re.IGNORECASE)


DOCUMENTS = load_documents(ARGO_DIR)
TEMPLATES = {name: doc for (kind, name), doc in DOCUMENTS.items() if kind == "WorkflowTemplate"}
CRONS = {name: doc for (kind, name), doc in DOCUMENTS.items() if kind == "CronWorkflow"}


def _steps(doc: Doc) -> list[Doc]:
    return [t for t in doc["spec"]["templates"] if "container" in t or "script" in t]


def _dag(doc: Doc) -> dict[str, Doc]:
    entry = next(t for t in doc["spec"]["templates"] if t["name"] == doc["spec"]["entrypoint"])
    return {task["name"]: task for task in entry["dag"]["tasks"]}


def test_workflows_definitions__each_kind_is_rendered() -> None:
    names = {training.NAME, scoring.NAME, monitoring.NAME}
    assert set(TEMPLATES) == names
    assert set(CRONS) == names
    assert {kind for kind, _ in DOCUMENTS} == {
        "WorkflowTemplate",
        "CronWorkflow",
        "ServiceAccount",
        "Role",
        "RoleBinding",
    }


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_workflows_definitions__cli_steps_run_the_cli_in_the_image(name: str) -> None:
    for template in _steps(TEMPLATES[name]):
        body = template.get("container") or template["script"]
        assert body["image"] == cluster.DEFAULT_IMAGE, template["name"]
        requests = body["resources"]["requests"]
        assert {"cpu", "memory"} <= set(requests), template["name"]
        assert "memory" in body["resources"]["limits"], template["name"]
        assert 0 < template["activeDeadlineSeconds"] <= 3600, template["name"]
        if body.get("command") == cli_args.PROGRAM:
            assert body["workingDir"] == cluster.REPO_DIR
            assert body["args"][0] in _command_names()
            assert {"name": "workspace", "mountPath": cluster.WORKSPACE} in body["volumeMounts"]
        if template["name"] in ("monitor", "monitor-failed"):
            continue  # the monitor's exit code is its verdict: no retry node in between
        retry = template["retryStrategy"]
        assert retry["limit"] >= 2, template["name"]
        assert retry["backoff"]["factor"] == 2, template["name"]
        expected = "Always" if template["name"] in BOUNDARY else "OnError"
        assert retry["retryPolicy"] == expected, template["name"]


def _command_names() -> set[str]:
    """Every subcommand named in pipelines/cli_args.py (the one place)."""
    builders = [getattr(cli_args, n) for n in dir(cli_args) if not n.isupper()]
    names = set()
    for builder in builders:
        if callable(builder) and builder.__module__ == cli_args.__name__:
            count = builder.__code__.co_argcount
            names.add(builder(*["x"] * count)[0])
    return names


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_workflows_definitions__run_settings(name: str) -> None:
    spec = TEMPLATES[name]["spec"]
    assert spec["serviceAccountName"] == cluster.SERVICE_ACCOUNT
    claim = spec["volumeClaimTemplates"][0]
    assert claim["metadata"]["name"] == cluster.WORKSPACE_VOLUME
    assert claim["spec"]["resources"]["requests"]["storage"] == cluster.WORKSPACE_SIZE
    assert 0 < spec["activeDeadlineSeconds"] <= 6 * 3600
    assert spec["parallelism"] >= 2
    assert spec["ttlStrategy"]["secondsAfterFailure"] > 0
    assert TEMPLATES[name]["metadata"]["labels"]["app.kubernetes.io/part-of"] == "fraudops"


def test_workflows_definitions__secrets_are_referenced_by_name_only() -> None:
    text = "\n".join(path.read_text() for path in ARGO_DIR.glob("*.yaml"))
    assert "kind: Secret" not in text
    referenced = set()
    for doc in TEMPLATES.values():
        for template in _steps(doc):
            body = template.get("container") or template["script"]
            for entry in body.get("env", []):
                if SECRET_LIKE.search(entry["name"]):
                    assert "value" not in entry, f"{template['name']}: {entry['name']} inline"
                    referenced.add(entry["valueFrom"]["secretKeyRef"]["name"])
            for source in body.get("envFrom", []):
                assert source["secretRef"]["optional"] is True
                referenced.add(source["secretRef"]["name"])
    assert referenced == {cluster.GIT_SECRET, cluster.STORAGE_SECRET, cluster.MLFLOW_SECRET}


def test_workflows_definitions__boundary_steps_are_marked_for_the_local_executor() -> None:
    marked = {
        template["name"]
        for doc in TEMPLATES.values()
        for template in doc["spec"]["templates"]
        if template.get("metadata", {}).get("annotations", {}).get(cluster.LOCAL_ANNOTATION)
        == cluster.LOCAL_SKIP
    }
    assert marked == BOUNDARY


def test_workflows_definitions__training_fans_tuning_out_over_the_listed_candidates() -> None:
    dag = _dag(TEMPLATES[training.NAME])
    tune = dag["tune"]
    assert tune["withParam"] == "{{tasks.list-candidates.outputs.result}}"
    assert tune["depends"] == "list-candidates"
    assert tune["arguments"]["parameters"] == [{"name": "index", "value": "{{item}}"}]
    assert dag["train"]["depends"] == "tune"
    assert dag["open-pull-request"]["depends"] == "dvc-push"
    assert dag["evaluate"]["depends"] == "validate-model"  # the model gate comes first
    assert dag["dvc-push"]["depends"] == "export-onnx"


def test_workflows_definitions__scoring_shards_by_a_sequence_then_merges() -> None:
    dag = _dag(TEMPLATES[scoring.NAME])
    assert dag["score"]["withSequence"] == {"count": "{{workflow.parameters.shards}}"}
    assert dag["score"]["arguments"]["parameters"][0]["value"] == (
        "{{item}}/{{workflow.parameters.shards}}"
    )
    assert dag["merge"]["depends"] == "score"


def test_workflows_definitions__schedules_run_the_installed_templates() -> None:
    for name, cron in CRONS.items():
        spec = cron["spec"]
        assert spec["workflowSpec"]["workflowTemplateRef"] == {"name": name}
        assert spec["concurrencyPolicy"] == "Forbid"
        assert spec["timezone"] == "UTC"
        assert all(len(schedule.split()) == 5 for schedule in spec["schedules"])
        declared = {p["name"] for p in TEMPLATES[name]["spec"]["arguments"]["parameters"]}
        overridden = {p["name"] for p in spec["workflowSpec"]["arguments"]["parameters"]}
        assert overridden <= declared, name


def test_workflows_definitions__every_dvc_stage_runs_in_training() -> None:
    """dvc-push records the run with `dvc commit`, which is only true if every stage ran."""
    stages = yaml.safe_load((REPO / "dvc.yaml").read_text())["stages"]
    program = " ".join(cli_args.PROGRAM) + " "
    in_dvc = {
        stage["cmd"].removeprefix(program).split()[0]
        for stage in stages.values()
        if stage["cmd"].startswith(program)
    }
    assert len(in_dvc) == len(stages), "a dvc.yaml stage does not run the fraudops CLI"
    steps = _steps(TEMPLATES[training.NAME])
    in_workflow = {t["container"]["args"][0] for t in steps if "args" in t.get("container", {})}
    assert in_dvc <= in_workflow


def test_workflows_definitions__commands_match_dvc_yaml() -> None:
    stages = yaml.safe_load((REPO / "dvc.yaml").read_text())["stages"]
    for name in ("ingest", "split", "evaluate"):
        builder = getattr(cli_args, name)
        assert stages[name]["cmd"] == " ".join([*cli_args.PROGRAM, *builder()])


def test_workflows_definitions__rbac_allows_what_the_pods_do() -> None:
    role = DOCUMENTS[("Role", cluster.SERVICE_ACCOUNT)]
    granted = {(r, v) for rule in role["rules"] for r in rule["resources"] for v in rule["verbs"]}
    assert {("workflowtaskresults", "create"), ("workflowtaskresults", "patch")} <= granted
    assert ("workflows", "create") in granted  # the drift branch submits training
    binding = DOCUMENTS[("RoleBinding", cluster.SERVICE_ACCOUNT)]
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": cluster.SERVICE_ACCOUNT}]
