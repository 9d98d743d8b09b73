"""deploy/ renders with `kubectl kustomize`, folder by folder, and every object passes its
offline schema (tests/manifest_schemas.py): kubernetes-validate (strict) for built-in kinds, the
Argo CD schema in tests/schemas/ for Applications and AppProjects, the Hera-derived schema for
Argo Workflows objects. A misspelt Argo CD key fails, naming its path. The YAML lints clean and
the pipeline image's Dockerfile passes hadolint. Every tool comes from uv.lock: nothing skips."""

from __future__ import annotations

import copy
import json
import pathlib
import subprocess
import typing

import pytest
import yaml

from fraudops.gitops.overlay import BASE_IMAGE
from fraudops.gitops.promote import promote
from tests.gitops_support import DIGEST_B, NOW, copy_deploy, make_release
from tests.helpers import REPO
from tests.manifest_schemas import (
    ARGOCD_SCHEMA,
    Document,
    check,
    kustomization_folders,
    kustomize,
    misspelt,
    tool,
)

ENVIRONMENTS = ("staging", "production")
FOLDERS = [path.relative_to(REPO / "deploy") for path in kustomization_folders(REPO / "deploy")]
# (kind, name, path to a mapping, its key, the misspelling)
ARGOCD_MISSPELLINGS = [
    ("Application", "fraudops-staging", ("spec", "source"), "repoURL", "repoUrl"),
    (
        "Application",
        "fraudops-staging",
        ("spec", "syncPolicy", "automated"),
        "selfHeal",
        "selfheal",
    ),
    ("Application", "fraudops-production", ("spec", "syncPolicy"), "syncOptions", "syncOption"),
    (
        "Application",
        "fraudops-staging",
        ("spec", "syncPolicy", "retry", "backoff"),
        "maxDuration",
        "maxDurration",
    ),
    ("Application", "fraudops-workflows", ("metadata",), "finalizers", "finalizer"),
    ("AppProject", "fraudops", ("spec",), "sourceRepos", "sourceRepo"),
    ("AppProject", "fraudops", ("spec", "destinations", 0), "namespace", "namepsace"),
    ("AppProject", "fraudops", ("spec", "namespaceResourceWhitelist", 0), "kind", "Kind"),
    ("AppProject", "fraudops", ("spec", "orphanedResources"), "warn", "warning"),
]
# yamllint's defaults, relaxed where they fight generated YAML (Hera's and kustomize's indents,
# long generated lines) and GitHub's `on:` key. Warnings are shown, errors fail.
YAMLLINT_CONFIG = """\
extends: default
rules:
  document-start: disable
  line-length: disable
  truthy: {check-keys: false}
  comments: {min-spaces-from-content: 1}
  comments-indentation: disable
  indentation: {spaces: consistent, indent-sequences: whatever}
"""


def by_kind(docs: list[dict[str, typing.Any]], kind: str) -> dict[str, typing.Any]:
    return next(doc for doc in docs if doc["kind"] == kind)


def test_kustomize__every_folder_is_checked() -> None:
    assert sorted(map(str, FOLDERS)) == [
        "argo",
        "argocd",
        "base",
        "overlays/production",
        "overlays/staging",
    ]


@pytest.mark.parametrize("folder", FOLDERS, ids=str)
def test_kustomize__folder_renders_and_every_object_passes_its_schema(
    folder: pathlib.Path,
) -> None:
    docs = kustomize(REPO / "deploy" / folder)
    assert docs
    problems = {f"{doc['kind']}/{doc['metadata']['name']}": check(doc) for doc in docs}
    assert all(found == [] for found in problems.values()), problems


@pytest.mark.parametrize("target", ["base", "overlays/staging", "overlays/production"])
def test_kustomize__serving_folders_hold_the_serving_kinds(target: str) -> None:
    kinds = sorted(doc["kind"] for doc in kustomize(REPO / "deploy" / target))
    assert kinds == sorted(
        [
            "ConfigMap",
            "Deployment",
            "HorizontalPodAutoscaler",
            "NetworkPolicy",
            "PersistentVolumeClaim",
            "PodDisruptionBudget",
            "Service",
            "ServiceAccount",
        ]
    )


def test_kubernetes_schema__misspelt_key_fails_naming_its_path() -> None:
    deployment = by_kind(kustomize(REPO / "deploy/base"), "Deployment")
    wrong = misspelt(deployment, ("spec", "template", "spec"), "containers", "container")
    assert [str(problem) for problem in check(wrong)] == [
        "spec.template.spec: 'containers' is a required property",
        "spec.template.spec.container: unknown key (misspelt, or not in the schema)",
    ]


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_overlay__deployment_is_hardened_and_pinned(environment: str) -> None:
    docs = kustomize(REPO / "deploy/overlays" / environment)
    pod = by_kind(docs, "Deployment")["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert container["image"] == f"{BASE_IMAGE}@sha256:" + "0" * 64
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    assert pod["automountServiceAccountToken"] is False
    security = container["securityContext"]
    assert security["readOnlyRootFilesystem"] is True
    assert security["allowPrivilegeEscalation"] is False
    assert security["capabilities"] == {"drop": ["ALL"]}
    assert container["livenessProbe"]["httpGet"] == {"path": "/livez", "port": "http"}
    assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
    assert container["ports"] == [{"name": "http", "containerPort": 3000, "protocol": "TCP"}]
    for kind in ("requests", "limits"):
        assert set(container["resources"][kind]) == {"cpu", "memory"}
    env = {e["name"]: e["value"] for e in container["env"]}
    mounts = {m["mountPath"] for m in container["volumeMounts"]}
    # a read-only root needs writable /tmp, BentoML home and prediction log folders
    assert {"/tmp", env["BENTOML_HOME"], env["FRAUDOPS_PREDICTION_LOG_DIR"]} <= mounts
    config = by_kind(docs, "ConfigMap")
    assert container["envFrom"] == [{"configMapRef": {"name": config["metadata"]["name"]}}]
    for key in (
        "FRAUDOPS_MODEL_NAME",
        "FRAUDOPS_MODEL_VERSION",
        "FRAUDOPS_ENGINE",
        "FRAUDOPS_MAX_BATCH_SIZE",
        "FRAUDOPS_MAX_REQUEST_BYTES",
        "OMP_NUM_THREADS",
        "OPENBLAS_NUM_THREADS",
    ):
        assert key in config["data"]
    claim = by_kind(docs, "PersistentVolumeClaim")["metadata"]["name"]
    assert claim == "fraudops-prediction-logs"  # the name the monitoring workflow mounts
    for doc in docs:
        assert doc["metadata"]["namespace"] == f"fraudops-{environment}"


def test_overlays__production_is_larger_than_staging() -> None:
    hpa = {
        env: by_kind(kustomize(REPO / "deploy/overlays" / env), "HorizontalPodAutoscaler")
        for env in ENVIRONMENTS
    }
    assert hpa["production"]["spec"]["minReplicas"] > hpa["staging"]["spec"]["minReplicas"]
    assert hpa["production"]["spec"]["minReplicas"] >= 2  # survives a node drain


def test_promoted_overlay__renders_the_new_image_and_model(tmp_path: pathlib.Path) -> None:
    deploy = copy_deploy(tmp_path)
    promote(
        deploy=deploy,
        environment="staging",
        release=make_release(model_version="7", digest=DIGEST_B),
        tolerances={},
        now=NOW,
    )
    docs = kustomize(deploy / "overlays/staging")
    deployment = by_kind(docs, "Deployment")
    template = deployment["spec"]["template"]
    assert template["spec"]["containers"][0]["image"] == f"ghcr.io/acme/fraudops@{DIGEST_B}"
    assert template["metadata"]["labels"]["fraudops.io/model-version"] == "7"
    assert "fraudops.io/model-version" not in deployment["spec"]["selector"]["matchLabels"]
    data = by_kind(docs, "ConfigMap")["data"]
    assert (data["FRAUDOPS_MODEL_NAME"], data["FRAUDOPS_MODEL_VERSION"]) == ("card-fraud", "7")
    assert data["FRAUDOPS_ENGINE"] == "sklearn"  # merged, not replaced


def test_component__ephemeral_prediction_log_drops_the_claim(tmp_path: pathlib.Path) -> None:
    deploy = copy_deploy(tmp_path)
    overlay = deploy / "overlays/staging/kustomization.yaml"
    overlay.write_text(
        overlay.read_text() + "components:\n  - ../../components/ephemeral-prediction-log\n"
    )
    docs = kustomize(deploy / "overlays/staging")
    assert "PersistentVolumeClaim" not in {doc["kind"] for doc in docs}
    volumes = by_kind(docs, "Deployment")["spec"]["template"]["spec"]["volumes"]
    log = next(v for v in volumes if v["name"] == "prediction-log")
    assert log == {"name": "prediction-log", "emptyDir": {"sizeLimit": "1Gi"}}


def test_argocd__applications_follow_the_repository() -> None:
    folder = REPO / "deploy/argocd"
    docs = {
        doc["metadata"]["name"]: doc
        for path in sorted(folder.glob("*.yaml"))
        if path.name != "kustomization.yaml"
        for doc in yaml.safe_load_all(path.read_text())
    }
    project = docs.pop("fraudops")
    assert project["kind"] == "AppProject"
    apps = {name: doc["spec"] for name, doc in docs.items()}
    assert set(apps) == {"fraudops-staging", "fraudops-production", "fraudops-workflows"}
    repos = {spec["source"]["repoURL"] for spec in apps.values()}
    assert repos == set(project["spec"]["sourceRepos"]) == {"https://github.com/OWNER/REPO.git"}
    allowed = {d["namespace"] for d in project["spec"]["destinations"]}
    for name, spec in apps.items():
        assert spec["project"] == "fraudops"
        assert spec["destination"]["namespace"] in allowed, name
    staging, production = apps["fraudops-staging"], apps["fraudops-production"]
    assert staging["source"]["path"] == "deploy/overlays/staging"
    assert (REPO / staging["source"]["path"] / "kustomization.yaml").is_file()
    assert staging["syncPolicy"]["automated"] == {"prune": True, "selfHeal": True}
    assert production["source"]["path"] == "deploy/overlays/production"
    assert "automated" not in production["syncPolicy"]  # a person syncs production
    assert apps["fraudops-workflows"]["source"]["path"] == "deploy/argo"


@pytest.fixture(scope="module")
def argocd_once() -> list[Document]:
    return kustomize(REPO / "deploy/argocd")


@pytest.mark.parametrize(
    ("kind", "name", "path", "key", "wrong"),
    ARGOCD_MISSPELLINGS,
    ids=[f"{kind}:{'.'.join(map(str, p))}.{wrong}" for kind, _, p, _, wrong in ARGOCD_MISSPELLINGS],
)
def test_argocd_schema__misspelt_key_fails_naming_its_path(
    argocd_once: list[Document],
    kind: str,
    name: str,
    path: tuple[str | int, ...],
    key: str,
    wrong: str,
) -> None:
    doc = next(d for d in argocd_once if (d["kind"], d["metadata"]["name"]) == (kind, name))
    assert check(doc) == []
    problems = [str(problem) for problem in check(misspelt(doc, path, key, wrong))]
    where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in (*path, wrong))[1:]
    assert f"{where}: unknown key (misspelt, or not in the schema)" in problems, problems


def test_argocd_schema__wrong_types_and_missing_fields_fail(argocd_once: list[Document]) -> None:
    application = copy.deepcopy(by_kind(argocd_once, "Application"))
    application["spec"]["revisionHistoryLimit"] = "ten"
    del application["spec"]["project"]
    del application["spec"]["source"]["repoURL"]
    project = copy.deepcopy(by_kind(argocd_once, "AppProject"))
    project["spec"]["namespaceResourceWhitelist"][0] = {"kind": "Service"}
    project["spec"]["orphanedResources"]["warn"] = "yes"
    assert [str(problem) for problem in check(application) + check(project)] == [
        "spec: 'project' is a required property",
        "spec.revisionHistoryLimit: 'ten' is not of type 'integer'",
        "spec.source: 'repoURL' is a required property",
        "spec.namespaceResourceWhitelist[0]: 'group' is a required property",
        "spec.orphanedResources.warn: 'yes' is not of type 'boolean'",
    ]


def test_argocd_schema__says_what_it_covers() -> None:
    schema = json.loads(ARGOCD_SCHEMA.read_text())
    assert "application-crd.yaml" in schema["description"]
    assert "refused on purpose" in schema["description"]
    assert sorted(schema["properties"]["kind"]["enum"]) == ["AppProject", "Application"]


def test_yamllint__deploy_github_and_dvc_files_pass() -> None:
    files = [REPO / ".github", REPO / "deploy", REPO / "dvc.yaml", REPO / "params.yaml"]
    result = subprocess.run(
        [tool("yamllint"), "-f", "parsable", "-d", YAMLLINT_CONFIG, *map(str, files)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_hadolint__pipeline_image_dockerfile_passes() -> None:
    result = subprocess.run(
        [
            tool("hadolint"),
            "--no-color",
            "--failure-threshold",
            "warning",
            str(REPO / "Dockerfile"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_argocd_repo__points_every_object_at_the_repository(tmp_path: pathlib.Path) -> None:
    from fraudops.gitops.argocd import PLACEHOLDER_REPO, set_repo_url_in

    deploy = copy_deploy(tmp_path)
    url = "https://github.com/acme/fraud.git"
    changed = set_repo_url_in(deploy / "argocd", url)
    assert {p.name for p in changed} == {
        "project.yaml",
        "staging.yaml",
        "production.yaml",
        "workflows.yaml",
    }
    for path in changed:
        before = (REPO / "deploy/argocd" / path.name).read_text()
        assert path.read_text() == before.replace(PLACEHOLDER_REPO, url)
    assert set_repo_url_in(deploy / "argocd", url) == []


def test_argocd_repo__refuses_a_non_git_url() -> None:
    from fraudops.errors import FraudopsError
    from fraudops.gitops.argocd import set_repo_url

    with pytest.raises(FraudopsError, match="not a git repository URL"):
        set_repo_url("kind: Application\n", "github.com/acme/fraud")
