"""Training: checkout, data gates, a tuning fan-out with one pod per candidate, selection,
evaluation, the model gate, DVC push, and a pull request with the new dvc.lock and metrics.

The steps are the stages of ``dvc.yaml`` with tuning spread over pods; the pull request sends
the result through the same checks as any other change.
"""

from __future__ import annotations

from hera.workflows import DAG, CronWorkflow, Env, Parameter, Task, WorkflowTemplate

from pipelines import cli_args, cluster, steps
from pipelines.cluster import Rendering

NAME = "fraudops-train"
SCHEDULE = "0 3 * * 1"  # Mondays 03:00 UTC
FAN_OUT_PARALLELISM = 4


def template(cfg: Rendering) -> WorkflowTemplate:
    with WorkflowTemplate(
        **steps.workflow_options(
            name=NAME,
            component="training",
            description="Retrain the fraud model with a tuning fan-out; open a pull request.",
            hours=6,
            parallelism=FAN_OUT_PARALLELISM,
        ),
        arguments=[
            *steps.source_parameters(),
            Parameter(
                name="reason",
                value="scheduled retraining",
                description="why this run retrains (the pull request's title)",
            ),
        ],
    ) as workflow:
        clone = steps.clone(cfg)
        pull = steps.dvc_pull(cfg)
        ingest = steps.cli(cfg, "ingest", cli_args.ingest(), size="small")
        validate_data = steps.cli(cfg, "validate-data", cli_args.validate_data())
        split = steps.cli(cfg, "split", cli_args.split(), size="small")
        validate_split = steps.cli(cfg, "validate-split", cli_args.validate_split())
        list_candidates = steps.cli(
            cfg, "list-candidates", cli_args.list_candidates(), size="small", minutes=5
        )
        tune = steps.cli(
            cfg,
            "tune-candidate",
            cli_args.tune_candidate("{{inputs.parameters.index}}"),
            inputs=[Parameter(name="index")],
            size="large",
            minutes=60,
        )
        train = steps.cli(cfg, "train", cli_args.train(), size="large", minutes=60)
        evaluate = steps.cli(cfg, "evaluate", cli_args.evaluate())
        validate_model = steps.cli(cfg, "validate-model", cli_args.validate_model())
        reference = steps.cli(cfg, "reference", cli_args.reference())
        export_onnx = steps.cli(cfg, "export-onnx", cli_args.export_onnx())
        push = steps.edge_script(
            cfg, "dvc-push", "push_outputs", reason="uploads to the DVC remote", env=[]
        )
        pull_request = steps.edge_script(
            cfg,
            "open-pull-request",
            "open_pull_request",
            reason="pushes a branch and calls the GitHub API",
            env=[
                steps.REPOSITORY,
                steps.REVISION,
                Env(name="REASON", value="{{workflow.parameters.reason}}"),
                Env(name="WORKFLOW_NAME", value="{{workflow.name}}"),
                Env(name="GITHUB_API", value=cluster.GITHUB_API),
                Env(name="GIT_AUTHOR_NAME", value="fraudops-bot"),
                Env(name="GIT_AUTHOR_EMAIL", value="fraudops-bot@users.noreply.github.com"),
                steps.git_token(optional=False),
            ],
        )
        with DAG(name=steps.ENTRYPOINT):
            candidates = steps.chain(
                Task(name="clone", template=clone),
                Task(name="dvc-pull", template=pull),
                Task(name="ingest", template=ingest),
                Task(name="validate-data", template=validate_data),
                Task(name="split", template=split),
                Task(name="validate-split", template=validate_split),
                Task(name="list-candidates", template=list_candidates),
            )
            steps.chain(
                candidates,
                Task(
                    name="tune",
                    template=tune,
                    arguments={"index": "{{item}}"},
                    with_param=candidates.result,
                ),
                Task(name="train", template=train),
                Task(name="validate-model", template=validate_model),
                Task(name="evaluate", template=evaluate),
                Task(name="reference", template=reference),
                Task(name="export-onnx", template=export_onnx),
                Task(name="dvc-push", template=push),
                Task(name="open-pull-request", template=pull_request),
            )
    return workflow


def cron() -> CronWorkflow:
    """Runs the installed template on a schedule."""
    return steps.schedule(
        name=NAME,
        component="training",
        cron=SCHEDULE,
        arguments={"reason": "scheduled weekly retraining"},
    )
