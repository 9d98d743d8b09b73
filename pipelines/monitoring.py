"""Drift monitoring: the monitor command on the logged predictions, and a training run
submitted when drift crosses the threshold (the command exits with ``DRIFT_EXIT_CODE``).

The prediction logs are the JSON-lines files the service writes to the claim
``fraudops-prediction-logs``, mounted read-only here.
"""

from __future__ import annotations

import yaml
from hera.workflows import (
    DAG,
    Container,
    CronWorkflow,
    Env,
    Parameter,
    Resource,
    Task,
    WorkflowTemplate,
)
from hera.workflows import models as m

from pipelines import cli_args, cluster, steps, training
from pipelines.cluster import Rendering

NAME = "fraudops-monitor"
SCHEDULE = "0 5 * * *"  # daily 05:00 UTC
LOG_VOLUME = "prediction-logs"
EXIT_CODE = "{{tasks.monitor.exitCode}}"


def _training_run() -> str:
    """The Workflow that the drift branch creates: the training template, with a reason."""
    return yaml.safe_dump(
        {
            "apiVersion": "argoproj.io/v1alpha1",
            "kind": "Workflow",
            "metadata": {
                "generateName": f"{training.NAME}-drift-",
                "labels": {**cluster.PART_OF, "fraudops/trigger": "drift"},
            },
            "spec": {
                "workflowTemplateRef": {"name": training.NAME},
                "arguments": {
                    "parameters": [
                        {"name": "repository", "value": "{{workflow.parameters.repository}}"},
                        {"name": "revision", "value": "{{workflow.parameters.revision}}"},
                        {"name": "reason", "value": "drift detected by {{workflow.name}}"},
                    ]
                },
            },
        },
        sort_keys=False,
    )


def template(cfg: Rendering) -> WorkflowTemplate:
    with WorkflowTemplate(
        **steps.workflow_options(
            name=NAME,
            component="monitoring",
            description="Check logged predictions for drift; retrain past the threshold.",
            hours=2,
            parallelism=2,
        ),
        arguments=[
            *steps.source_parameters(),
            Parameter(name="window-days", value="7", description="days of logs to read"),
            Parameter(
                name="prediction-log-dir",
                value=cluster.PREDICTION_LOG_MOUNT,
                description="folder of prediction logs (the claim is mounted here)",
            ),
        ],
        volumes=[
            m.Volume(
                name=LOG_VOLUME,
                persistent_volume_claim=m.PersistentVolumeClaimVolumeSource(
                    claim_name=cluster.PREDICTION_LOG_CLAIM, read_only=True
                ),
            )
        ],
    ) as workflow:
        clone = steps.clone(cfg)
        pull = steps.dvc_pull(cfg, ["models/bundle", "models/reference"])
        monitor = steps.cli(
            cfg,
            "monitor",
            cli_args.monitor("{{workflow.parameters.window-days}}"),
            env=[
                Env(
                    name="FRAUDOPS_PREDICTION_LOG_DIR",
                    value="{{workflow.parameters.prediction-log-dir}}",
                )
            ],
            mounts=[
                m.VolumeMount(
                    name=LOG_VOLUME, mount_path=cluster.PREDICTION_LOG_MOUNT, read_only=True
                )
            ],
            # Its exit code is its answer (3 = drift): a retry node would stand between that
            # code and the conditions below that read it. The next schedule is the retry.
            retry=None,
        )
        submit = Resource(
            name="submit-training",
            action="create",
            manifest=_training_run(),
            annotations=steps.boundary("creates a Workflow through the Kubernetes API"),
            active_deadline_seconds=5 * steps.MINUTE,
            retry_strategy=steps.RETRY_NETWORK,
        )
        failed = Container(
            name="monitor-failed",
            image=cfg.image,
            command=["sh", "-c"],
            args=[
                'echo "monitor failed with exit code $EXIT_CODE (not a drift verdict)" >&2; exit 1'
            ],
            inputs=[Parameter(name="exit-code")],
            env=[Env(name="EXIT_CODE", value="{{inputs.parameters.exit-code}}")],
            resources=steps.SIZES["small"],
            active_deadline_seconds=5 * steps.MINUTE,
        )
        with DAG(name=steps.ENTRYPOINT):
            steps.chain(
                Task(name="clone", template=clone),
                Task(name="dvc-pull", template=pull),
                Task(name="monitor", template=monitor),
            )
            Task(
                name="retrain",
                template=submit,
                depends="monitor.Failed",
                when=f"{EXIT_CODE} == {cli_args.DRIFT_EXIT_CODE}",
            )
            Task(
                name="monitor-failed",
                template=failed,
                depends="monitor.Failed",
                when=f"{EXIT_CODE} != {cli_args.DRIFT_EXIT_CODE}",
                arguments={"exit-code": EXIT_CODE},
            )
    return workflow


def cron() -> CronWorkflow:
    """Runs the installed template on a schedule."""
    return steps.schedule(
        name=NAME, component="monitoring", cron=SCHEDULE, arguments={"window-days": "1"}
    )
