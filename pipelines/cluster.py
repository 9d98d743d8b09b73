"""Names of the cluster objects the workflows share: image, service account, secrets,
volumes, local-run markers.

The image is set once here and can be overridden at render time with ``FRAUDOPS_IMAGE``.
Secrets are referenced by name only; nothing secret is ever rendered.
"""

from __future__ import annotations

import dataclasses
import typing

from fraudops.environment import DEFAULT_PIPELINE_IMAGE, Environment, load_environment

IMAGE_ENV = Environment.variable("pipeline_image")
# The pipeline image built from the repository's Dockerfile (the serving image is the Bento's).
DEFAULT_IMAGE = DEFAULT_PIPELINE_IMAGE

SERVICE_ACCOUNT = "fraudops-workflow"
PART_OF = {"app.kubernetes.io/part-of": "fraudops"}

# Secrets, by name. The git token clones private repositories and opens pull requests; the
# other two are optional envFrom sources (object-store credentials for the DVC remote and the
# batch input/output, MLflow tracking URI and credentials), so a cluster without them still runs.
GIT_SECRET = "fraudops-git"  # noqa: S105 - a name, not a value
GIT_SECRET_KEY = "token"  # noqa: S105 - a name, not a value
STORAGE_SECRET = "fraudops-storage"  # noqa: S105 - a name, not a value
MLFLOW_SECRET = "fraudops-mlflow"  # noqa: S105 - a name, not a value

# Every step of a workflow mounts one volume (a volumeClaimTemplate: created per run and
# deleted with it) and works in the checkout on it, as `dvc repro` works in one folder.
WORKSPACE_VOLUME = "workspace"
WORKSPACE = "/workspace"
REPO_DIR = f"{WORKSPACE}/repo"
# ReadWriteOnce binds with any storage class and suits a one-node cluster; with several nodes,
# patch it to ReadWriteMany with an RWX class so that fan-out pods can run anywhere (docs/argo.md).
WORKSPACE_ACCESS_MODE = "ReadWriteOnce"
WORKSPACE_SIZE = "2Gi"

# The serving deployment writes prediction logs to this claim; monitoring reads them.
PREDICTION_LOG_CLAIM = "fraudops-prediction-logs"
PREDICTION_LOG_MOUNT = "/prediction-logs"

GIT_SERVER = "https://github.com"
GITHUB_API = "https://api.github.com"
DEFAULT_REPOSITORY = "owner/fraudops"
DEFAULT_REVISION = "main"

# Steps that need the outside world (git, the DVC remote, the GitHub and Kubernetes APIs)
# carry this annotation; the local executor in the tests skips them and says so.
LOCAL_ANNOTATION = "fraudops/local"
LOCAL_SKIP = "skip"
LOCAL_REASON_ANNOTATION = "fraudops/local-reason"


@dataclasses.dataclass(frozen=True)
class Rendering:
    """What may differ between renderings."""

    image: str = DEFAULT_IMAGE

    @classmethod
    def from_env(cls, environ: typing.Mapping[str, str] | None = None) -> Rendering:
        return cls(image=load_environment(environ).pipeline_image)
