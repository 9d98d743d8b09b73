"""Template builders shared by the workflows: a CLI step, a step at the boundary with the
outside world, the checkout (clone, DVC pull) and the per-run settings of a workflow.

Call the step builders inside a ``WorkflowTemplate`` context: Hera registers each template
in the workflow that is being defined.
"""

from __future__ import annotations

import importlib.resources
import itertools
import typing

from hera.workflows import (
    Container,
    CronWorkflow,
    Env,
    Parameter,
    Resources,
    RetryStrategy,
    Script,
    SecretEnv,
    SecretEnvFrom,
    Task,
)
from hera.workflows import models as m

from pipelines import cli_args, cluster
from pipelines.cluster import Rendering

Size = typing.Literal["small", "medium", "large"]

# Requests what a step needs on the 100k-row default data; memory limits stop a runaway step.
SIZES: dict[Size, Resources] = {
    "small": Resources(cpu_request="100m", memory_request="256Mi", memory_limit="1Gi"),
    "medium": Resources(cpu_request="500m", memory_request="1Gi", memory_limit="2Gi"),
    "large": Resources(cpu_request="1", memory_request="2Gi", memory_limit="4Gi"),
}

# A CLI step is retried only when the pod, not the command, failed (eviction, node loss):
# a failed gate exits non-zero and must stop the line, not be tried again.
RETRY_ON_ERROR = RetryStrategy(
    limit=2,
    retry_policy="OnError",
    backoff=m.Backoff(duration="30s", factor=2, max_duration="10m"),
)
# Network steps (git, the DVC remote, the GitHub API) also retry on a non-zero exit.
RETRY_NETWORK = RetryStrategy(
    limit=3,
    retry_policy="Always",
    backoff=m.Backoff(duration="20s", factor=2, max_duration="10m"),
)

MINUTE = 60
ENTRYPOINT = "pipeline"  # the DAG template of every workflow
COMMON_ENV = [
    Env(name="DISABLE_DEEPCHECKS_ANONYMOUS_TELEMETRY", value="1"),
    Env(name="DVC_NO_ANALYTICS", value="1"),
    Env(name="DO_NOT_TRACK", value="1"),
    Env(name="PYTHONUNBUFFERED", value="1"),
]
WORKSPACE_MOUNT = m.VolumeMount(name=cluster.WORKSPACE_VOLUME, mount_path=cluster.WORKSPACE)
REPOSITORY = Env(name="REPOSITORY", value="{{workflow.parameters.repository}}")
REVISION = Env(name="REVISION", value="{{workflow.parameters.revision}}")


def _env_from() -> list[SecretEnvFrom]:
    return [
        SecretEnvFrom(name=cluster.STORAGE_SECRET, optional=True),
        SecretEnvFrom(name=cluster.MLFLOW_SECRET, optional=True),
    ]


def boundary(reason: str) -> dict[str, str]:
    """Annotations that mark a step the local executor must not run, and why."""
    return {
        cluster.LOCAL_ANNOTATION: cluster.LOCAL_SKIP,
        cluster.LOCAL_REASON_ANNOTATION: reason,
    }


def cli(
    cfg: Rendering,
    name: str,
    args: list[str],
    *,
    inputs: list[Parameter] | None = None,
    size: Size = "medium",
    minutes: int = 30,
    env: typing.Sequence[Env] = (),
    mounts: typing.Sequence[m.VolumeMount] = (),
    retry: RetryStrategy | None = RETRY_ON_ERROR,
) -> Container:
    """A step that runs ``python -m fraudops <args>`` in the checkout on the workspace volume."""
    return Container(
        name=name,
        image=cfg.image,
        command=list(cli_args.PROGRAM),
        args=args,
        working_dir=cluster.REPO_DIR,
        inputs=inputs,
        env=[*COMMON_ENV, *env],
        env_from=_env_from(),
        volume_mounts=[WORKSPACE_MOUNT, *mounts],
        resources=SIZES[size],
        retry_strategy=retry,
        active_deadline_seconds=minutes * MINUTE,
    )


def script(name: str) -> str:
    return (importlib.resources.files("pipelines") / "scripts" / f"{name}.sh").read_text()


def edge_script(
    cfg: Rendering,
    name: str,
    source: str,
    *,
    reason: str,
    env: typing.Sequence[Env | SecretEnv],
    working_dir: str = cluster.REPO_DIR,
    minutes: int = 15,
) -> Script:
    """A shell step that talks to the outside world (git, DVC remote, GitHub)."""
    return Script(
        name=name,
        image=cfg.image,
        command=["sh"],
        source=script(source),
        working_dir=working_dir,
        env=[*COMMON_ENV, *env],
        env_from=_env_from(),
        volume_mounts=[WORKSPACE_MOUNT],
        resources=SIZES["small"],
        retry_strategy=RETRY_NETWORK,
        active_deadline_seconds=minutes * MINUTE,
        annotations=boundary(reason),
    )


def git_token(optional: bool) -> SecretEnv:
    return SecretEnv(
        name="GIT_TOKEN",
        secret_name=cluster.GIT_SECRET,
        secret_key=cluster.GIT_SECRET_KEY,
        optional=optional,
    )


def clone(cfg: Rendering) -> Script:
    return edge_script(
        cfg,
        "clone",
        "clone",
        reason="clones the repository from the git server",
        working_dir=cluster.WORKSPACE,
        env=[
            Env(name="REPO_DIR", value=cluster.REPO_DIR),
            Env(name="GIT_SERVER", value=cluster.GIT_SERVER),
            REPOSITORY,
            REVISION,
            git_token(optional=True),  # public repositories clone without one
        ],
    )


def dvc_pull(cfg: Rendering, targets: typing.Sequence[str] = ()) -> Container:
    """Fetch DVC-tracked data and models from the remote (all outputs, or ``targets``)."""
    return Container(
        name="dvc-pull",
        image=cfg.image,
        command=["dvc", "pull", "--allow-missing", *targets],
        working_dir=cluster.REPO_DIR,
        env=COMMON_ENV,
        env_from=_env_from(),
        volume_mounts=[WORKSPACE_MOUNT],
        resources=SIZES["small"],
        retry_strategy=RETRY_NETWORK,
        active_deadline_seconds=30 * MINUTE,
        annotations=boundary("downloads from the DVC remote"),
    )


def workspace_claim() -> m.PersistentVolumeClaim:
    return m.PersistentVolumeClaim(
        metadata=m.ObjectMeta(name=cluster.WORKSPACE_VOLUME),
        spec=m.PersistentVolumeClaimSpec(
            access_modes=[cluster.WORKSPACE_ACCESS_MODE],
            resources=m.VolumeResourceRequirements(
                requests={"storage": m.Quantity(cluster.WORKSPACE_SIZE)}
            ),
        ),
    )


def source_parameters() -> list[Parameter]:
    return [
        Parameter(
            name="repository",
            value=cluster.DEFAULT_REPOSITORY,
            description="GitHub repository (owner/name) to check out",
        ),
        Parameter(
            name="revision",
            value=cluster.DEFAULT_REVISION,
            description="branch to run from (and the base of any pull request)",
        ),
    ]


def workflow_options(
    *, name: str, component: str, description: str, hours: int, parallelism: int
) -> dict[str, typing.Any]:
    """Per-run settings every workflow shares: identity, service account, limits, clean-up."""
    return {
        "name": name,
        "entrypoint": ENTRYPOINT,
        "labels": {**cluster.PART_OF, "app.kubernetes.io/component": component},
        "annotations": {"workflows.argoproj.io/description": description},
        "service_account_name": cluster.SERVICE_ACCOUNT,
        "volume_claim_templates": [workspace_claim()],
        "volume_claim_gc": m.VolumeClaimGC(strategy="OnWorkflowCompletion"),
        "active_deadline_seconds": hours * 60 * MINUTE,
        "parallelism": parallelism,
        "pod_gc": m.PodGC(strategy="OnPodSuccess"),
        "ttl_strategy": m.TTLStrategy(
            seconds_after_success=3 * 24 * 60 * MINUTE,
            seconds_after_failure=7 * 24 * 60 * MINUTE,
        ),
    }


def chain(*tasks: Task) -> Task:
    """Make each task depend on the one before it; return the last."""
    for before, after in itertools.pairwise(tasks):
        before.next(after)
    return tasks[-1]


def schedule(*, name: str, component: str, cron: str, arguments: dict[str, str]) -> CronWorkflow:
    """A CronWorkflow that runs the installed WorkflowTemplate ``name`` with ``arguments``."""
    return CronWorkflow(
        name=name,
        labels={**cluster.PART_OF, "app.kubernetes.io/component": component},
        schedules=[cron],
        timezone="UTC",
        concurrency_policy="Forbid",  # a slow run is never overlapped by the next one
        starting_deadline_seconds=3600,
        successful_jobs_history_limit=3,
        failed_jobs_history_limit=3,
        workflow_template_ref=m.WorkflowTemplateRef(name=name),
        arguments=[Parameter(name=key, value=value) for key, value in arguments.items()],
    )
