"""The drift branch of the rendered monitoring workflow, run by the local executor with its
monitor step replaced by one that exits 3 (drift), 0 (none) or 1 (an error)."""

from __future__ import annotations

import copy
import pathlib
import typing

import pytest
import yaml

from pipelines import cli_args, cluster, monitoring, render, training
from tests.argo_local import LocalExecutor, load_documents
from tests.helpers import REPO

Doc = dict[str, typing.Any]
TEMPLATES = {
    name: doc
    for (kind, name), doc in load_documents(REPO / render.OUT_DIR).items()
    if kind == "WorkflowTemplate"
}


def _monitor_exiting_with(code: int) -> Doc:
    """The rendered monitor template, its monitor step replaced by one that exits ``code``."""
    doc = copy.deepcopy(TEMPLATES[monitoring.NAME])
    step = next(t for t in doc["spec"]["templates"] if t["name"] == "monitor")
    step["container"]["command"] = ["sh", "-c", f"exit {code}"]
    step["container"].pop("args")
    return doc


@pytest.mark.parametrize(
    ("code", "phase", "retrain", "failed"),
    [
        (cli_args.DRIFT_EXIT_CODE, "Succeeded", "Succeeded", "Skipped"),
        (0, "Succeeded", "Omitted", "Omitted"),
        (1, "Failed", "Skipped", "Failed"),
    ],
)
def test_workflows_definitions__monitor_exit_code_decides_the_branch(
    tmp_path: pathlib.Path, code: int, phase: str, retrain: str, failed: str
) -> None:
    executor = LocalExecutor(mounts={cluster.REPO_DIR: tmp_path}, library=TEMPLATES)
    run = executor.run(_monitor_exiting_with(code))
    assert (run.phase, run.tasks["retrain"].phase, run.tasks["monitor-failed"].phase) == (
        phase,
        retrain,
        failed,
    ), run.report()
    if retrain == "Succeeded":
        submitted = yaml.safe_load(run.tasks["retrain"].nodes[0].manifest)
        assert submitted["kind"] == "Workflow"
        assert submitted["spec"]["workflowTemplateRef"] == {"name": training.NAME}
        assert submitted["metadata"]["generateName"] == f"{training.NAME}-drift-"
    if failed == "Failed":
        assert f"exit code {code}" in run.tasks["monitor-failed"].nodes[0].stderr
