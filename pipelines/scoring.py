"""Sharded batch scoring: the model bundle from DVC, n shards scored in parallel pods, then
one step that merges the shards and summarises them.

``input`` and ``output`` are paths in the checkout or fsspec URIs (``s3://...``); the defaults
score the test period that DVC tracks, so the template runs as installed. Point ``output`` at
object storage to keep the predictions: the workspace volume is deleted with the run.
"""

from __future__ import annotations

from hera.workflows import DAG, CronWorkflow, Parameter, Task, WorkflowTemplate
from hera.workflows import models as m

from pipelines import cli_args, steps
from pipelines.cluster import Rendering

NAME = "fraudops-score"
SCHEDULE = "0 2 * * *"  # daily 02:00 UTC
MAX_PARALLEL_SHARDS = 8
SHARDS_DIR = "{{workflow.parameters.output}}"


def template(cfg: Rendering) -> WorkflowTemplate:
    with WorkflowTemplate(
        **steps.workflow_options(
            name=NAME,
            component="batch-scoring",
            description="Score a batch in parallel shards with the DVC-tracked model bundle.",
            hours=4,
            parallelism=MAX_PARALLEL_SHARDS,
        ),
        arguments=[
            *steps.source_parameters(),
            Parameter(
                name="input",
                value="data/processed/test.parquet",
                description="transactions to score: a path in the checkout or an fsspec URI",
            ),
            Parameter(
                name="output",
                value="predictions",
                description="folder or fsspec URI for the shards and the merged predictions",
            ),
            Parameter(name="shards", value="4", description="number of parallel shards"),
        ],
    ) as workflow:
        clone = steps.clone(cfg)
        pull = steps.dvc_pull(cfg, ["models/bundle", "data/processed/test.parquet"])
        score = steps.cli(
            cfg,
            "score-shard",
            cli_args.score_batch(
                "{{workflow.parameters.input}}", SHARDS_DIR, "{{inputs.parameters.shard}}"
            ),
            inputs=[Parameter(name="shard")],
            size="large",
            minutes=60,
        )
        merge = steps.cli(
            cfg,
            "score-merge",
            cli_args.score_merge(SHARDS_DIR),
        )
        with DAG(name=steps.ENTRYPOINT):
            steps.chain(
                Task(name="clone", template=clone),
                Task(name="dvc-pull", template=pull),
                Task(
                    name="score",
                    template=score,
                    arguments={"shard": "{{item}}/{{workflow.parameters.shards}}"},
                    with_sequence=m.Sequence(count="{{workflow.parameters.shards}}"),
                ),
                Task(name="merge", template=merge),
            )
    return workflow


def cron() -> CronWorkflow:
    """Runs the installed template on a schedule."""
    return steps.schedule(
        name=NAME, component="batch-scoring", cron=SCHEDULE, arguments={"shards": "4"}
    )
