"""The rendered Argo Workflows objects (deploy/argo, and the Workflow that monitoring creates)
pass a strict schema derived from Hera's models of Argo's API and name only templates that
exist (tests/manifest_schemas.py); a misspelt key anywhere fails, naming its path. kustomize
builds the folder, Kubernetes validates the RBAC, and the shell steps pass shellcheck."""

from __future__ import annotations

import copy
import pathlib
import subprocess

import pytest

from pipelines import render
from tests.helpers import REPO
from tests.manifest_schemas import (
    Document,
    check,
    embedded_manifests,
    kustomize,
    misspelt,
    reference_problems,
    tool,
    workflow_schema,
)

SCRIPTS = sorted((REPO / "pipelines" / "scripts").glob("*.sh"))
# (kind, name, path to a mapping, its key, the misspelling): one per kind at the top, and deep
# inside a template, a container, a DAG task, a volume claim template and the parameters.
MISSPELLINGS = [
    ("WorkflowTemplate", "fraudops-train", ("spec",), "entrypoint", "entrypiont"),
    ("WorkflowTemplate", "fraudops-train", ("spec", "templates", 1), "container", "contianer"),
    (
        "WorkflowTemplate",
        "fraudops-train",
        ("spec", "templates", 1, "container"),
        "volumeMounts",
        "volumeMount",
    ),
    (
        "WorkflowTemplate",
        "fraudops-train",
        ("spec", "templates", 15, "dag", "tasks", 0),
        "template",
        "tempalte",
    ),
    (
        "WorkflowTemplate",
        "fraudops-score",
        ("spec", "volumeClaimTemplates", 0, "spec"),
        "accessModes",
        "accesModes",
    ),
    (
        "WorkflowTemplate",
        "fraudops-monitor",
        ("spec", "templates", 0, "retryStrategy", "backoff"),
        "maxDuration",
        "maxduration",
    ),
    # Hera's Python name of a field is not the YAML's: the schema knows only the camelCase one.
    (
        "WorkflowTemplate",
        "fraudops-monitor",
        ("spec",),
        "serviceAccountName",
        "service_account_name",
    ),
    ("CronWorkflow", "fraudops-train", ("spec",), "concurrencyPolicy", "concurencyPolicy"),
    (
        "CronWorkflow",
        "fraudops-score",
        ("spec", "workflowSpec", "workflowTemplateRef"),
        "name",
        "nmae",
    ),
    ("CronWorkflow", "fraudops-monitor", ("metadata",), "labels", "label"),
    ("Workflow", "fraudops-train-drift-", ("spec",), "workflowTemplateRef", "workflowTemplateRefs"),
    (
        "Workflow",
        "fraudops-train-drift-",
        ("spec", "arguments", "parameters", 2),
        "value",
        "vaule",
    ),
]


@pytest.fixture(scope="module")
def rendered_once() -> list[Document]:
    """What Argo CD applies from deploy/argo, and the Workflow the monitoring DAG creates."""
    docs = kustomize(REPO / render.OUT_DIR)
    return docs + [inner for doc in docs for inner in embedded_manifests(doc)]


@pytest.fixture
def rendered(rendered_once: list[Document]) -> list[Document]:
    """A copy each test may change."""
    return copy.deepcopy(rendered_once)


def one(docs: list[Document], kind: str, name: str) -> Document:
    meta = ("name", "generateName")
    return next(
        d for d in docs if d["kind"] == kind and name in (d["metadata"].get(m) for m in meta)
    )


def test_workflows_manifests__kustomize_renders_every_object(rendered: list[Document]) -> None:
    assert sorted(doc["kind"] for doc in rendered) == sorted(
        ["ServiceAccount", "Role", "RoleBinding", "Workflow"]
        + ["WorkflowTemplate", "CronWorkflow"] * 3
    )


def test_workflows_manifests__every_object_passes_its_schema(rendered: list[Document]) -> None:
    problems = {
        f"{doc['kind']}/{doc['metadata'].get('name', doc['metadata'].get('generateName'))}": [
            str(problem) for problem in check(doc)
        ]
        for doc in rendered
    }
    assert len(problems) == len(rendered)
    assert all(found == [] for found in problems.values()), problems


def test_workflows_manifests__every_named_template_exists(rendered: list[Document]) -> None:
    assert reference_problems(rendered) == []


@pytest.mark.parametrize(
    ("kind", "name", "path", "key", "wrong"),
    MISSPELLINGS,
    ids=[f"{kind}:{'.'.join(map(str, path))}.{wrong}" for kind, _, path, _, wrong in MISSPELLINGS],
)
def test_workflows_manifests__misspelt_key_fails_naming_its_path(
    rendered: list[Document],
    kind: str,
    name: str,
    path: tuple[str | int, ...],
    key: str,
    wrong: str,
) -> None:
    doc = one(rendered, kind, name)
    assert check(doc) == []
    problems = [str(problem) for problem in check(misspelt(doc, path, key, wrong))]
    where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in (*path, wrong))[1:]
    assert f"{where}: unknown key (misspelt, or not in the schema)" in problems, problems


def test_workflows_manifests__wrong_types_and_missing_fields_fail(
    rendered: list[Document],
) -> None:
    template = one(rendered, "WorkflowTemplate", "fraudops-train")
    template["spec"]["parallelism"] = "four"
    del template["spec"]["templates"][1]["container"]["image"]
    del template["metadata"]["name"]
    problems = [str(problem) for problem in check(template)]
    assert "spec.parallelism: 'four' is not of type 'integer'" in problems
    assert "spec.templates[1].container: 'image' is a required property" in problems
    assert any(p.startswith("metadata: ") and "'name'" in p for p in problems), problems


def test_workflows_manifests__free_form_fields_stay_open(rendered: list[Document]) -> None:
    """Closing the schema leaves maps and Argo's loose scalars alone."""
    template = one(rendered, "WorkflowTemplate", "fraudops-score")
    template["metadata"]["labels"]["example.com/any-key"] = "any value"
    step = template["spec"]["templates"][2]
    step["container"]["resources"]["requests"]["cpu"] = 1  # a Quantity may be a number
    step["metadata"] = {"annotations": {"example.com/note": "x"}}
    template["spec"]["arguments"]["parameters"][0]["value"] = 3  # Argo's AnyString
    template["spec"]["templates"].append({"name": "plugin", "plugin": {"any": {"key": 1}}})
    assert check(template) == []


def test_workflows_manifests__schema_uses_the_yaml_names() -> None:
    spec = workflow_schema("WorkflowTemplate")["$defs"]["WorkflowSpec"]
    assert spec["additionalProperties"] is False
    assert "serviceAccountName" in spec["properties"]
    assert "service_account_name" not in spec["properties"]


def test_workflows_manifests__missing_template_names_fail(rendered: list[Document]) -> None:
    spec = one(rendered, "WorkflowTemplate", "fraudops-train")["spec"]
    spec["entrypoint"] = "pipelin"
    tasks = spec["templates"][15]["dag"]["tasks"]
    tasks[1]["template"] = "ingst"
    tasks[2]["depends"] = "ingest && nope.Succeeded"
    del tasks[3]["template"]
    tasks[3]["templateRef"] = {"name": "fraudops-score", "template": "no-such-step"}
    cron = one(rendered, "CronWorkflow", "fraudops-score")
    cron["spec"]["workflowSpec"]["workflowTemplateRef"]["name"] = "fraudops-scor"
    train, dag = "WorkflowTemplate/fraudops-train spec", "templates[15].dag.tasks"
    assert [str(problem) for problem in reference_problems(rendered)] == [
        "CronWorkflow/fraudops-score spec.workflowSpec.workflowTemplateRef: "
        "no template 'fraudops-scor'",
        f"{train}.entrypoint: no template 'pipelin' in templates",
        f"{train}.{dag}[1].template: no template 'ingst' in templates",
        f"{train}.{dag}[2]: depends on task 'nope', which this DAG does not have",
        f"{train}.{dag}[3].templateRef: no template 'fraudops-score'/'no-such-step'",
    ]


@pytest.mark.parametrize("script", SCRIPTS, ids=[path.name for path in SCRIPTS])
def test_workflows_manifests__shell_steps_pass_shellcheck(script: pathlib.Path) -> None:
    result = subprocess.run(
        [tool("shellcheck"), "--shell=sh", str(script)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout
